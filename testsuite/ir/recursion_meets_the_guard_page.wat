;; On x86_64 a function that calls nothing but wasm functions has no stack
;; check (stack_check.rs): recursion that only calls wasm runs into the
;; guard page below the stack, and the signal handler reports that fault in
;; wasm code as call stack exhausted. Nothing holds the vmctx, so this
;; private recursion drops it, as clang's `fib` has no extra argument.
;; Frames larger than a page are probed, so none steps over the guard page.
;; OPTIONS: guard -O2
;; CHECK-NOT: trap_CallStackExhausted
;; CHECK: @kiln_f0(i32
;; CHECK: "probe-stack"="inline-asm"
(module
  (func $sink (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.sub (local.get 0)
        (call $sink (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "deep") (param i32) (result i32) (call $sink (local.get 0))))
