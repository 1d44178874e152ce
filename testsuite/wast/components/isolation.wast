;; Each component instance keeps its own linear memory, also when the call
;; between them is a direct call (the link is fixed when the program is
;; built): an address another instance hands over means nothing in the
;; receiver's memory. The victim keeps a secret at the address it tells;
;; the attacker reads its own memory there (zeros), or past the end of
;; its own memory (a trap), never the victim's bytes.

(component
  (component $victim
    (core module $m
      (memory (export "mem") 2)
      (data (i32.const 100) "SECRET!!")
      (data (i32.const 70000) "SECRET!!")
      (func (export "near") (result i32) i32.const 100)
      (func (export "far") (result i32) i32.const 70000)
      (func (export "check") (param i32) (result i64)
        local.get 0 i64.load))
    (core instance $i (instantiate $m))
    (func (export "near") (result u32) (canon lift (core func $i "near")))
    (func (export "far") (result u32) (canon lift (core func $i "far")))
    (func (export "check") (param "at" u32) (result u64)
      (canon lift (core func $i "check"))))

  (component $attacker
    (import "near" (func $near (result u32)))
    (import "far" (func $far (result u32)))
    (core func $near_low (canon lower (func $near)))
    (core func $far_low (canon lower (func $far)))
    (core module $m
      (import "v" "near" (func $near (result i32)))
      (import "v" "far" (func $far (result i32)))
      (memory 1)
      (func (export "peek-near") (result i64) call $near i64.load)
      (func (export "peek-far") (result i64) call $far i64.load))
    (core instance $i (instantiate $m
      (with "v" (instance
        (export "near" (func $near_low))
        (export "far" (func $far_low))))))
    (func (export "peek-near") (result u64) (canon lift (core func $i "peek-near")))
    (func (export "peek-far") (result u64) (canon lift (core func $i "peek-far"))))

  (instance $v (instantiate $victim))
  (instance $a (instantiate $attacker
    (with "near" (func $v "near"))
    (with "far" (func $v "far"))))
  (export "peek-near" (func $a "peek-near"))
  (export "peek-far" (func $a "peek-far"))
  (export "check" (func $v "check")))

;; The victim reads its secret ("SECRET!!" as a little-endian u64).
(assert_return (invoke "check" (u32.const 100)) (u64.const 0x2121544552434553))
(assert_return (invoke "peek-near") (u64.const 0))
(assert_trap (invoke "peek-far") "out of bounds memory access")
