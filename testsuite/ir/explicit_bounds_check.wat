;; With --bounds-checks=explicit every access compares against the length
;; and branches to the out-of-bounds trap.
;; OPTIONS: explicit
;; CHECK: trap_MemoryOutOfBounds
;; CHECK: icmp ugt i64
(module
  (memory 1)
  (func (export "get") (param i32) (result i32)
    (i32.load offset=16 (local.get 0))))
