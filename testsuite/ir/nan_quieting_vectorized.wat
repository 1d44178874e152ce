;; x*1.0 must still quiet a signalling NaN, so kiln guards such identity
;; arithmetic with a NaN select. It must not be llvm.canonicalize: once the
;; SLP vectorizer makes it <2 x float>, LLVM 22's x86 backend crashes
;; (tests/cli.rs compiles this file to an object).
;; OPTIONS: guard
;; CHECK-NOT: llvm.canonicalize
;; CHECK: fcmp uno
(module
  (memory 1)
  (func (export "scale_pairs") (param $p i32)
    (f32.store offset=0 (local.get $p) (f32.mul (f32.load offset=0 (local.get $p)) (f32.const 1)))
    (f32.store offset=4 (local.get $p) (f32.mul (f32.load offset=4 (local.get $p)) (f32.const 1)))
    (f32.store offset=8 (local.get $p) (f32.mul (f32.load offset=8 (local.get $p)) (f32.const 1)))
    (f32.store offset=12 (local.get $p) (f32.mul (f32.load offset=12 (local.get $p)) (f32.const 1))))
  (func (export "scale_two") (param $p i32)
    (f32.store offset=0 (local.get $p) (f32.div (f32.load offset=0 (local.get $p)) (f32.const 1)))
    (f32.store offset=4 (local.get $p) (f32.div (f32.load offset=4 (local.get $p)) (f32.const 1)))))
