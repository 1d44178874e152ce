;; How a component is put together, flattened at compile time: core
;; modules linked to each other (functions, memories, globals, tables),
;; core instances from exports, nested components instantiated with
;; arguments, outer aliases, exports re-exported through instances, and a
;; component calling what it lifts itself.

(component
  ;; Two core modules: $lib defines state, $app imports it.
  (core module $lib
    (memory (export "mem") 1)
    (global (export "g") (mut i32) (i32.const 5))
    (table (export "t") 1 funcref)
    (func $seven (result i32) i32.const 7)
    (elem (i32.const 0) $seven)
    (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store))
  (core instance $lib (instantiate $lib))
  (core module $app
    (import "lib" "mem" (memory 1))
    (import "lib" "g" (global $g (mut i32)))
    (import "lib" "t" (table 1 funcref))
    (import "lib" "store" (func $store (param i32 i32)))
    (import "extra" "one" (func $one (result i32)))
    (type $r (func (result i32)))
    (func (export "run") (result i32)
      i32.const 64 i32.const 30 call $store
      global.get $g i32.const 1 i32.add global.set $g
      i32.const 64 i32.load
      global.get $g i32.add
      i32.const 0 call_indirect (type $r) i32.add
      call $one i32.add))
  (core module $one (func (export "one") (result i32) i32.const 1))
  (core instance $one (instantiate $one))
  ;; A core instance made of exports of others.
  (core instance $extra (export "one" (func $one "one")))
  (core instance $app (instantiate $app
    (with "lib" (instance $lib))
    (with "extra" (instance $extra))))
  (func (export "linked") (result u32) (canon lift (core func $app "run")))

  ;; A nested component, given a core module as its argument.
  (component $inner
    (import "m" (core module $m (export "f" (func (result i32)))))
    (core instance $i (instantiate $m))
    (func (export "f") (result u32) (canon lift (core func $i "f"))))
  (core module $forty (func (export "f") (result i32) i32.const 40))
  (instance $a (instantiate $inner (with "m" (core module $forty))))
  (alias export $a "f" (func $af))
  (export "nested" (func $af))

  ;; A nested component that takes a function and re-exports it, and one
  ;; that reaches the outer component's module by an outer alias.
  (component $pass
    (import "g" (func $g (result u32)))
    (export "g" (func $g)))
  (instance $p (instantiate $pass (with "g" (func $af))))
  (export "passed" (func $p "g"))
  (component $reach
    (alias outer 1 $forty (core module $m))
    (core instance $i (instantiate $m))
    (func (export "f") (result u32) (canon lift (core func $i "f"))))
  (instance $r (instantiate $reach))
  (export "reached" (func $r "f"))

  ;; An instance of exports, exported as such.
  (instance $bundle (export "f" (func $af)))
  (export "bundle" (instance $bundle))

  ;; Calling what this component lifts itself: it may not be entered.
  (core module $loop
    (import "" "self" (func $self (result i32)))
    (func (export "call") (result i32) call $self))
  (func $own (result u32) (canon lift (core func $one "one")))
  (core func $self (canon lower (func $own)))
  (core instance $loop (instantiate $loop (with "" (instance (export "self" (func $self))))))
  (func (export "reenter") (result u32) (canon lift (core func $loop "call")))
)

(assert_return (invoke "linked") (u32.const 44))
(assert_return (invoke "linked") (u32.const 45))
(assert_return (invoke "nested") (u32.const 40))
(assert_return (invoke "passed") (u32.const 40))
(assert_return (invoke "reached") (u32.const 40))
(assert_trap (invoke "reenter") "cannot enter component instance")
