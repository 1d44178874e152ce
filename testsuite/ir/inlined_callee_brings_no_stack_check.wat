;; Stack checks go in after optimization (stack_check.rs). A small callee
;; that calls is inlined into its caller without a check of its own: the
;; caller's check on entry covers the inlined body, and the inliner never
;; counted a check against the callee. $count, recursive, keeps its own
;; (it calls an import: calls_check_the_stack.wat).
;; OPTIONS: guard -O2
;; CHECK: trap_CallStackExhausted:
;; CHECK-NOT: trap_CallStackExhausted.i
;; CHECK-NOT: @kiln_f2(
(module
  (import "env" "log" (func $log (param i32)))
  (func $count (export "count") (param i32) (result i32)
    (call $log (local.get 0))
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
        (call $count (i32.sub (local.get 0) (i32.const 1)))))))
  (func $step (param i32) (result i32)
    (i32.mul (call $count (local.get 0)) (i32.const 3)))
  (func (export "run") (param i32) (result i32)
    (i32.add (call $step (local.get 0))
      (call $step (i32.add (local.get 0) (i32.const 7))))))
