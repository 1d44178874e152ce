;; A table whose maximum is its minimum cannot grow: call_indirect checks
;; the index against the constant length (4) and loads the table's base
;; once, on entry, as an invariant; a growable table is reloaded after
;; every call (calls_check_the_stack.wat has one). Table 0's base comes
;; straight from the vmctx header (offset 32), not through its VMTable.
;; The table is exported, so not frozen (frozen_table_call.wat is that case).
;; OPTIONS: guard -O2
;; CHECK: icmp samesign ugt i32 %{{[0-9]+}}, 3
;; CHECK: getelementptr inbounds nuw i8, ptr %0, i64 32
;; (56 holds the pointer to the table's VMTable in this layout: not read.)
;; CHECK-NOT: getelementptr inbounds nuw i8, ptr %0, i64 56
;; CHECK-NOT-IN-BLOCK: getelementptr inbounds nuw i8, ptr %0, i64 {{[0-9]+}} | loop
(module
  (type $t (func (param i32) (result i32)))
  (table (export "t") 4 4 funcref)
  (func $double (type $t) (i32.mul (local.get 0) (i32.const 2)))
  (elem (i32.const 0) $double $double $double $double)
  (func (export "apply") (param i32 i32) (result i32) (local i32)
    (loop $next
      (local.set 2 (i32.add (local.get 2)
        (call_indirect (type $t) (local.get 2) (i32.and (local.get 1) (i32.const 7)))))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br_if $next (local.get 1)))
    (local.get 2)))
