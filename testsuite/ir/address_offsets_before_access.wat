;; The counterpart of address_offsets_before_later_load: here something
;; observable comes between the access at p + 8 and the one at p, so if
;; p + 8 wrapped, the program would get past it and do that something
;; before trapping at p. The adds must stay wrapping i32 adds:
;; - in `stores`, the store at q + 8 changes memory before q is touched,
;;   and it also comes between the load at p + 8 and the load at p;
;; - in `divides`, a division that can trap (another trap) comes between.
;; OPTIONS: guard
;; CHECK: add i32 %1, 8
;; CHECK: add i32 %2, 8
;; CHECK: add i32 %1, 16
;; CHECK-NOT: <2 x double>
(module
  (memory 1)
  (func (export "stores") (param $p i32) (param $q i32)
    (local $a f64) (local $b f64)
    (local.set $b (f64.load (i32.add (local.get $p) (i32.const 8))))
    (f64.store (i32.add (local.get $q) (i32.const 8)) (local.get $b))
    (local.set $a (f64.load (local.get $p)))
    (f64.store (local.get $q) (local.get $a)))
  (func (export "divides") (param $p i32) (param $d i32) (result i32)
    (local $a i32)
    (local.set $a (i32.load (i32.add (local.get $p) (i32.const 16))))
    (local.set $a (i32.div_u (local.get $a) (local.get $d)))
    (i32.add (local.get $a) (i32.load (local.get $p)))))
