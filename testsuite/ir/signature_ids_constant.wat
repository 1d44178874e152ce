;; call_indirect compares the callee's signature id with a constant when
;; the signature is small enough to have a structural id (kiln_abi's sig.rs):
;; (i32) -> i32 is 0x88000009, printed as -2013265911. Nothing is loaded
;; from the vmctx for it. A signature of ten types has no structural id:
;; its id is loaded from the vmctx's sig_ids, where the runtime put it.
;; The table is exported, so not frozen (frozen_table_call.wat is that case).
;; OPTIONS: guard -O2
;; CHECK: icmp {{eq|ne}} i32 %{{[0-9]+}}, -2013265911
;; CHECK: load i32, ptr %{{[0-9]+}}, align {{[0-9]+}}, !tbaa !{{[0-9]+}}, !invariant.load
(module
  (type $small (func (param i32) (result i32)))
  (type $big (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (table (export "t") 4 funcref)
  (func (export "small") (param i32 i32) (result i32)
    (call_indirect (type $small) (local.get 0) (local.get 1)))
  (func (export "big") (param i32) (result i32)
    (call_indirect (type $big)
      (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0)
      (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0))))
