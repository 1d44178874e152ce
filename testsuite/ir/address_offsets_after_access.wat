;; Once an access has used address p, p + 8 (an i32.add, as clang emits in
;; unrolled loops) cannot wrap: the memory stays below 4 GiB. kiln then
;; addresses it as zext(p) + 8, so LLVM sees the two f64s are adjacent and
;; the SLP vectorizer pairs them. Without that fact zext(p + 8) hides it.
;; With precise traps (the default) an access that may fault stays in
;; order and is not vectorized (precise_traps_keep_order.wat); this is the
;; shape of --traps=imprecise.
;; OPTIONS: guard imprecise
;; CHECK: load <2 x double>
;; CHECK: store <2 x double>
(module
  (memory 1)
  (func (export "double_pair") (param $p i32) (param $q i32)
    (local $a f64) (local $b f64)
    (local.set $a (f64.load (local.get $p)))
    (local.set $b (f64.load (i32.add (local.get $p) (i32.const 8))))
    (f64.store (local.get $q) (f64.mul (local.get $a) (f64.const 2)))
    (f64.store (i32.add (local.get $q) (i32.const 8)) (f64.mul (local.get $b) (f64.const 2)))))
