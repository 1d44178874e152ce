;; The memory base and the global's address come from the vmctx once, in
;; the entry block, marked invariant: the loop body loads neither, even
;; though it stores to linear memory.
;; OPTIONS: guard
;; CHECK: !invariant.load
;; CHECK-NOT-IN-BLOCK: load ptr | loop
(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "fill") (param $n i32)
    (local $i i32)
    (loop $loop
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (global.get $g))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $loop (i32.lt_u (local.get $i) (local.get $n))))))
