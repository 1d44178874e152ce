;; Linear memory and the runtime's structures never overlap, and loads and
;; stores say which one they reach (tbaa, unit.rs `Region`): a store to
;; linear memory does not clobber a global, so the loop loads the global's
;; value once, before it starts, and the loop body stores only.
;; OPTIONS: guard -O2
;; CHECK: !tbaa
;; CHECK: !"wasm linear memory"
;; CHECK: !"kiln runtime data"
;; CHECK-NOT-IN-BLOCK: load i32 | loop
(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "fill") (param $n i32)
    (local $i i32)
    (loop $loop
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (global.get $g))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $loop (i32.lt_u (local.get $i) (local.get $n))))))
