;; Arithmetic quiets a NaN by itself; only where LLVM may fold the operation
;; away (x+0, x-0, 0-x, x*1, x/1 and the negated forms: see
;; nan_quieting_vectorized.wat) does kiln add a NaN select. Constants that
;; leave an operation behind get none: x+1, x-1, x*2, 1/x, 2-x.
;; OPTIONS: guard -O2
;; CHECK-NOT: fcmp uno
;; CHECK: fadd double %{{[0-9]+}}, 1.000000e+00
(module
  (func (export "f") (param $x f64) (result f64)
    (f64.add
      (f64.add (f64.add (local.get $x) (f64.const 1)) (f64.sub (local.get $x) (f64.const 1)))
      (f64.add
        (f64.mul (local.get $x) (f64.const 2))
        (f64.add (f64.div (f64.const 1) (local.get $x)) (f64.sub (f64.const 2) (local.get $x)))))))
