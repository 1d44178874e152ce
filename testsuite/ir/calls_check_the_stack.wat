;; A function that may call host code (here an import) checks the stack
;; limit on entry, so that host code always has the runtime's reserve below
;; the limit: recursion through it traps with call stack exhausted (code
;; 10, raised by a trap instruction) instead of faulting in host code.
;; OPTIONS: guard -O2
;; CHECK: trap_CallStackExhausted:
;; CHECK: ud2\0A\09.byte 10\0A\09.long 1"
(module
  (import "env" "log" (func $log (param i32)))
  (func $count (export "count") (param i32) (result i32)
    (call $log (local.get 0))
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
        (call $count (i32.sub (local.get 0) (i32.const 1))))))))
