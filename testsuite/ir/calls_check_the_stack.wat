;; A function that calls checks the stack limit on entry: recursion traps
;; with call stack exhausted instead of faulting.
;; OPTIONS: guard -O2
;; CHECK: trap_CallStackExhausted:
;; CHECK: i32 10, i32 0,
(module
  (func $count (export "count") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
        (call $count (i32.sub (local.get 0) (i32.const 1))))))))
