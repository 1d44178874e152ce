;; A funcref table element holds a copy of its funcref (32 bytes with the
;; funcref's address): call_indirect loads the signature and the code
;; straight from the element, with no pointer to follow and no null test of
;; its own (a null element's signature id is 0, which never matches; the
;; cold path tells the two traps apart).
;; The table is exported, so not frozen (frozen_table_call.wat is that case).
;; OPTIONS: guard -O2
;; CHECK: getelementptr [32 x i8], ptr
;; CHECK-NOT: icmp eq ptr
;; CHECK-NOT: icmp ne ptr
;; CHECK: i32 0, label %trap_UninitializedElement
(module
  (type $t (func (param i32) (result i32)))
  (table (export "t") 8 funcref)
  (func (export "apply") (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 0) (local.get 1))))
