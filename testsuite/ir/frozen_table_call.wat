;; A frozen table (defined here, not exported, never changed by code, its
;; elements this module's functions at constant offsets: see frozen.rs)
;; is known at compile time. call_indirect checks the index against its
;; length and, on x86_64, calls slot index of its signature's jump table
;; (8 bytes a slot): the target is computed, not loaded. No signature
;; compare, no null test, and the caller's own vmctx (%0) is passed on.
;; Elements of another type or null jump to stubs that raise the trap the
;; compare would have raised, for the caller. The metadata unit defines
;; the jump table (so this unit only declares it); the traps it leads to
;; are tested in tests/cli.rs, its layout in tests/asm.rs.
;; OPTIONS: guard -O2
;; CHECK: icmp ugt i32 %{{[0-9]+}}, 3
;; CHECK: getelementptr inbounds nuw i8, ptr @kiln_table0_jumps_t0
;; CHECK: declare hidden void @kiln_table0_jumps_t0()
;; CHECK: call i32 %{{[0-9]+}}(ptr %0, i32 %2)
;; CHECK-NOT: -2013265911
;; CHECK-NOT: load ptr
(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table 4 4 funcref)
  (elem (i32.const 0) func $inc $dbl $nothing)
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $nothing (type $v))
  (func (export "call") (param $i i32) (param $x i32) (result i32)
    (call_indirect (type $ii) (local.get $x) (local.get $i))))
