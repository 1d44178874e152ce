;; An instance may not call out of itself while its post-return runs
;; (`may_leave`): when the host called it, a call from its post-return
;; traps. When another instance called it through a fused adapter, wasmtime
;; lets the call through, and so does kiln.
(component definition $Test
  (component $Other
    (core module $m
      (global $calls (mut i32) (i32.const 0))
      (func (export "f") (result i32)
        global.get $calls i32.const 1 i32.add global.set $calls
        global.get $calls)
      (func (export "calls") (result i32) global.get $calls))
    (core instance $i (instantiate $m))
    (func (export "f") (result u32) (canon lift (core func $i "f")))
    (func (export "calls") (result u32) (canon lift (core func $i "calls"))))
  (instance $other (instantiate $Other))
  (component $Callee
    (import "f" (func $f (result u32)))
    (core func $f (canon lower (func $f)))
    (core module $m
      (import "" "f" (func $f (result i32)))
      (func (export "g") (result i32) i32.const 1)
      (func (export "post") (param i32) call $f drop))
    (core instance $i (instantiate $m (with "" (instance (export "f" (func $f))))))
    (func (export "g") (result u32)
      (canon lift (core func $i "g") (post-return (core func $i "post")))))
  (instance $callee (instantiate $Callee (with "f" (func $other "f"))))
  (core func $g (canon lower (func $callee "g")))
  (core module $main
    (import "" "g" (func $g (result i32)))
    (func (export "through-adapter") (result i32) call $g))
  (core instance $main (instantiate $main (with "" (instance (export "g" (func $g))))))
  (func (export "through-adapter") (result u32) (canon lift (core func $main "through-adapter")))
  (export "g" (func $callee "g"))
  (export "calls" (func $other "calls")))

(component instance $t $Test)
(assert_return (invoke "through-adapter") (u32.const 1))
(assert_return (invoke "calls") (u32.const 1))
(assert_trap (invoke "g") "cannot leave component instance")

(component instance $t $Test)
(assert_trap (invoke "g") "cannot leave component instance")
