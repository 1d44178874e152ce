;; frozen_table_call.wat elsewhere than x86_64: the callee is loaded from
;; a constant array of code pointers for its signature, which the metadata
;; unit defines. Elements of another type or null point to the trap stubs.
;; OPTIONS: guard -O2 aarch64
;; CHECK: icmp ugt i32 %{{[0-9]+}}, 3
;; CHECK: getelementptr inbounds nuw ptr, ptr @kiln_table0_calls_t0
;; CHECK: @kiln_table0_calls_t0 = external hidden {{.*}}constant [4 x ptr]
;; CHECK: call i32 %{{[0-9]+}}(ptr %0, i32 %2)
;; CHECK-NOT: -2013265911
(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table 4 4 funcref)
  (elem (i32.const 0) func $inc $dbl $nothing)
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $nothing (type $v))
  (func (export "call") (param $i i32) (param $x i32) (result i32)
    (call_indirect (type $ii) (local.get $x) (local.get $i))))
