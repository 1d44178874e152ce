;; A small leaf (no calls, few locals) has no stack-limit check: its frame
;; is bounded and the runtime keeps a reserve below the limit. Its callers
;; keep theirs (calls_check_the_stack.wat), so recursion still traps.
;; OPTIONS: guard -O2
;; CHECK-NOT: trap_CallStackExhausted
(module
  (memory 1)
  (func (export "sum") (param i32 i32) (result i32) (local i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get 1)))
        (local.set 2 (i32.add (local.get 2) (i32.load (local.get 0))))
        (local.set 0 (i32.add (local.get 0) (i32.const 4)))
        (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
        (br $next)))
    (local.get 2)))
