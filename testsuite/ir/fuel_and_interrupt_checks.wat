;; With --fuel and --timeout, every function entry and loop iteration
;; consumes a unit of the store's fuel (through the vmctx's pointer to it,
;; loaded once) and reads the store's interrupt flag (volatile: another
;; thread sets it). Without them nothing is there: leaf_no_stack_check.ll
;; is this loop's shape with neither.
;; OPTIONS: guard -O2 fuel interruptible
;; CHECK: getelementptr inbounds nuw i8, ptr %0, i64 40
;; CHECK: getelementptr inbounds nuw i8, ptr %0, i64 48
;; CHECK: load volatile i64
;; CHECK: trap_OutOfFuel:
;; CHECK: trap_Interrupted:
;; CHECK: icmp slt i64
(module
  (func (export "count") (param $n i32) (result i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $n)))
