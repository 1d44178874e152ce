;; Under guard pages a fault is the bounds check, so an access that may
;; fault is volatile: LLVM keeps it although its value is unused, and keeps
;; it in order with stores, calls and other traps. An access that cannot
;; fault is left free: one a dominating access already got as far as (the
;; second load of p), or one at a constant address inside the memory's
;; initial size (a C program's static data).
;; OPTIONS: guard -O2
;; CHECK: load volatile i64
;; CHECK: load volatile i32, ptr {{%[0-9]+}}, align 1
;; CHECK: load i32, ptr {{%[0-9]+}}, align 1
;; CHECK: load i32, ptr {{%[0-9a-z.]+}}, align 1, !tbaa
;; CHECK: store volatile i32
(module
  (memory 1)
  ;; The load's value is dropped: it must still be there, and trap.
  (func (export "unused") (param i32)
    (drop (i64.load (local.get 0))))
  ;; The second load of p cannot fault once the first did not.
  (func (export "twice") (param i32) (result i32)
    (i32.add (i32.load offset=4 (local.get 0)) (i32.load (local.get 0))))
  ;; Static data below 64 KiB is always in bounds.
  (func (export "static") (result i32)
    (i32.load (i32.const 1024)))
  (func (export "store") (param i32 i32)
    (i32.store (local.get 0) (local.get 1))))
