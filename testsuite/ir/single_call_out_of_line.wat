;; A private function with one caller is kept out of line when it dwarfs
;; that caller and the caller is called directly (out_of_line.rs): inlined,
;; it would turn a small function that its own callers inline into a big
;; one, all to save one call into a big body. Here the 40 multiply-adds
;; stay a call from $wrap, and $wrap goes into "run".
;; (local_function_inlined.wat: with a caller of some size, the same helper
;; is inlined.)
;; OPTIONS: guard -O2
;; CHECK: noinline
;; CHECK: call {{.*}}i32 @kiln_f0(
;; CHECK-NOT: @kiln_f1(
(module
  (func $helper (param i32) (result i32) (local i32)
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 3)) (i32.xor (local.get 0) (i32.const 1))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 5)) (i32.xor (local.get 0) (i32.const 8))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 7)) (i32.xor (local.get 0) (i32.const 15))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 9)) (i32.xor (local.get 0) (i32.const 22))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 11)) (i32.xor (local.get 0) (i32.const 29))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 13)) (i32.xor (local.get 0) (i32.const 36))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 15)) (i32.xor (local.get 0) (i32.const 43))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 17)) (i32.xor (local.get 0) (i32.const 50))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 19)) (i32.xor (local.get 0) (i32.const 57))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 21)) (i32.xor (local.get 0) (i32.const 64))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 23)) (i32.xor (local.get 0) (i32.const 71))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 25)) (i32.xor (local.get 0) (i32.const 78))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 27)) (i32.xor (local.get 0) (i32.const 85))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 29)) (i32.xor (local.get 0) (i32.const 92))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 31)) (i32.xor (local.get 0) (i32.const 99))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 33)) (i32.xor (local.get 0) (i32.const 106))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 35)) (i32.xor (local.get 0) (i32.const 113))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 37)) (i32.xor (local.get 0) (i32.const 120))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 39)) (i32.xor (local.get 0) (i32.const 127))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 41)) (i32.xor (local.get 0) (i32.const 134))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 43)) (i32.xor (local.get 0) (i32.const 141))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 45)) (i32.xor (local.get 0) (i32.const 148))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 47)) (i32.xor (local.get 0) (i32.const 155))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 49)) (i32.xor (local.get 0) (i32.const 162))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 51)) (i32.xor (local.get 0) (i32.const 169))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 53)) (i32.xor (local.get 0) (i32.const 176))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 55)) (i32.xor (local.get 0) (i32.const 183))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 57)) (i32.xor (local.get 0) (i32.const 190))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 59)) (i32.xor (local.get 0) (i32.const 197))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 61)) (i32.xor (local.get 0) (i32.const 204))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 63)) (i32.xor (local.get 0) (i32.const 211))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 65)) (i32.xor (local.get 0) (i32.const 218))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 67)) (i32.xor (local.get 0) (i32.const 225))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 69)) (i32.xor (local.get 0) (i32.const 232))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 71)) (i32.xor (local.get 0) (i32.const 239))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 73)) (i32.xor (local.get 0) (i32.const 246))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 75)) (i32.xor (local.get 0) (i32.const 253))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 77)) (i32.xor (local.get 0) (i32.const 260))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 79)) (i32.xor (local.get 0) (i32.const 267))))
    (local.set 1 (i32.add (i32.mul (local.get 1) (i32.const 81)) (i32.xor (local.get 0) (i32.const 274))))
    (local.get 1))
  (func $wrap (param i32) (result i32)
    (call $helper (i32.add (local.get 0) (i32.const 1))))
  (func (export "run") (param i32) (result i32)
    (i32.mul (call $wrap (local.get 0)) (call $wrap (i32.const 9)))))
