;; clang's wasm code often reads p + 8 before p itself (struct fields,
;; with an i32.add for the address). When nothing observable comes between
;; the two loads, p + 8 cannot wrap in any run that gets past the load at
;; p (see `access_ahead`): kiln addresses it as zext(p) + 8, LLVM sees the
;; two f64s are adjacent and the SLP vectorizer pairs them. The stores to
;; q are paired by the facts that follow the access at q.
;; With precise traps (the default) an access that may fault stays in
;; order and is not vectorized (precise_traps_keep_order.wat); this is the
;; shape of --traps=imprecise.
;; OPTIONS: guard imprecise
;; CHECK: load <2 x double>
;; CHECK: store <2 x double>
;; CHECK-NOT: add i32
(module
  (memory 1)
  (func (export "double_pair") (param $p i32) (param $q i32)
    (local $a f64) (local $b f64)
    (local.set $b (f64.load (i32.add (local.get $p) (i32.const 8))))
    (local.set $a (f64.load (local.get $p)))
    (f64.store (local.get $q) (f64.mul (local.get $a) (f64.const 2)))
    (f64.store (i32.add (local.get $q) (i32.const 8)) (f64.mul (local.get $b) (f64.const 2)))))
