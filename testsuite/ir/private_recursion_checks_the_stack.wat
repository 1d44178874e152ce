;; On targets where every calling function checks the stack (all but
;; x86_64; recursion_meets_the_guard_page.wat for x86_64), a private
;; recursive function that reads nothing through its vmctx but passes it
;; to itself keeps its vmctx and its stack check: dead-argument elimination
;; would drop a parameter only the recursive call uses, and the check,
;; written after optimization, needs it (stack_check.rs).
;; OPTIONS: guard -O2 aarch64
;; CHECK: @kiln_f0(ptr
;; CHECK: i32 10, i32 0,
(module
  (func $sink (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.sub (local.get 0)
        (call $sink (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "deep") (param i32) (result i32) (call $sink (local.get 0))))
