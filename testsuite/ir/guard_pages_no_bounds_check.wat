;; Under guard pages a load or store needs no bounds check: no compare, no
;; trap block, straight from the memory base.
;; OPTIONS: guard
;; CHECK-NOT: trap_MemoryOutOfBounds
;; CHECK: load volatile i32, ptr %{{[0-9a-z.]+}}, align 1
(module
  (memory 1)
  (func (export "get") (param i32) (result i32)
    (i32.load offset=16 (local.get 0)))
  (func (export "put") (param i32 i32)
    (i32.store (local.get 0) (local.get 1))))
