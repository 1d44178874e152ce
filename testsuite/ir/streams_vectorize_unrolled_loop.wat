;; matmul's inner loop as clang compiles it for wasm: unrolled twice, with
;; c[j] and c[j + 1] addressed as p and p + 8. The arrays b and c derive
;; from different locals, so their accesses go through different copies of
;; the memory base (`streams`), and LLVM's loop vectorizer checks b against
;; c at run time, as for native pointers. With one base it checked every
;; pointer against every other, c against c + 8 too, which always overlap:
;; the vector loop was there but never ran.
;; With precise traps (the default) an access that may fault stays in
;; order and is not vectorized (precise_traps_keep_order.wat); this is the
;; shape of --traps=imprecise.
;; OPTIONS: guard imprecise
;; CHECK: call ptr asm "", "=r,0,i,i"(ptr {{%[0-9]+}}, i32 0, i32 0)
;; CHECK: call ptr asm "", "=r,0,i,i"(ptr {{%[0-9]+}}, i32 0, i32 1)
;; CHECK: vector.memcheck:
;; CHECK: %found.conflict = and i1 %bound0, %bound1
;; CHECK-NOT: %bound2 =
;; CHECK: fmul <{{[0-9]+}} x double>
(module
  (memory 1)
  (func (export "row_update") (param $c i32) (param $b i32) (param $k f64)
    (local $j i32) (local $p i32) (local $q i32)
    (loop $next
      (local.set $p (i32.add (local.get $c) (local.get $j)))
      (local.set $q (i32.add (local.get $b) (local.get $j)))
      (f64.store (local.get $p)
        (f64.add (f64.load (local.get $p))
                 (f64.mul (local.get $k) (f64.load (local.get $q)))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (f64.store (local.get $p)
        (f64.add (f64.load (local.get $p))
                 (f64.mul (local.get $k) (f64.load (i32.add (local.get $q) (i32.const 8))))))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br_if $next (i32.ne (local.get $j) (i32.const 2560))))))
