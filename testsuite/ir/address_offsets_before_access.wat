;; The counterpart of address_offsets_after_access: here p + 8 is computed
;; before any access has used p (and q + 8 before q), so the add may wrap
;; and must stay an i32 add; the pairs must not be fused.
;; OPTIONS: guard
;; CHECK-NOT: <2 x double>
;; CHECK-NOT: add nuw i32
(module
  (memory 1)
  (func (export "double_pair") (param $p i32) (param $q i32)
    (local $a f64) (local $b f64)
    (local.set $b (f64.load (i32.add (local.get $p) (i32.const 8))))
    (local.set $a (f64.load (local.get $p)))
    (f64.store (i32.add (local.get $q) (i32.const 8)) (f64.mul (local.get $b) (f64.const 2)))
    (f64.store (local.get $q) (f64.mul (local.get $a) (f64.const 2)))))
