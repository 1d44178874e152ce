;; Resources a component defines: `resource.new` makes an owning handle
;; for a representation, `resource.rep` reads it back, `resource.drop`
;; removes the handle and calls the destructor with the representation.
;; Bad handles trap with wasmtime's messages.

(component
  (core module $m
    (global $drops (mut i32) (i32.const 0))
    (global $last (mut i32) (i32.const 0))
    (func (export "dtor") (param i32)
      global.get $drops i32.const 1 i32.add global.set $drops
      local.get 0 global.set $last)
    (func (export "drops") (result i32) global.get $drops)
    (func (export "last") (result i32) global.get $last))
  (core instance $i (instantiate $m))
  (type $r (resource (rep i32) (dtor (core func $i "dtor"))))
  ;; A second resource, without a destructor.
  (type $plain (resource (rep i32)))
  (core func $new (canon resource.new $r))
  (core func $rep (canon resource.rep $r))
  (core func $drop (canon resource.drop $r))
  (core func $new-plain (canon resource.new $plain))
  (core func $rep-plain (canon resource.rep $plain))
  (core func $drop-plain (canon resource.drop $plain))
  (core module $app
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "rep" (func $rep (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "new-plain" (func $new-plain (param i32) (result i32)))
    (import "" "rep-plain" (func $rep-plain (param i32) (result i32)))
    (import "" "drop-plain" (func $drop-plain (param i32)))
    (func (export "round-trip") (result i32)
      (local $h i32)
      i32.const 42 call $new local.set $h
      local.get $h call $rep
      local.get $h call $drop)
    ;; Two live handles: each keeps its own representation, and each drop
    ;; runs the destructor with the right one.
    (func (export "two") (result i32)
      (local $a i32) (local $b i32) (local $sum i32)
      i32.const 1000 call $new local.set $a
      i32.const 2000 call $new local.set $b
      local.get $a local.get $b i32.eq
      if unreachable end
      local.get $b call $drop
      local.get $a call $rep local.set $sum
      local.get $a call $drop
      local.get $sum)
    (func (export "plain") (result i32)
      (local $h i32) (local $v i32)
      i32.const 5 call $new-plain local.set $h
      local.get $h call $rep-plain local.set $v
      local.get $h call $drop-plain
      local.get $v)
    (func (export "rep-after-drop") (result i32)
      (local $h i32)
      i32.const 7 call $new local.set $h
      local.get $h call $drop
      local.get $h call $rep))
  (core instance $a (instantiate $app (with "" (instance
    (export "new" (func $new)) (export "rep" (func $rep)) (export "drop" (func $drop))
    (export "new-plain" (func $new-plain)) (export "rep-plain" (func $rep-plain))
    (export "drop-plain" (func $drop-plain))))))
  (func (export "round-trip") (result u32) (canon lift (core func $a "round-trip")))
  (func (export "two") (result u32) (canon lift (core func $a "two")))
  (func (export "plain") (result u32) (canon lift (core func $a "plain")))
  (func (export "drops") (result u32) (canon lift (core func $i "drops")))
  (func (export "last") (result u32) (canon lift (core func $i "last")))
  (func (export "rep-after-drop") (result u32) (canon lift (core func $a "rep-after-drop"))))
(assert_return (invoke "round-trip") (u32.const 42))
(assert_return (invoke "drops") (u32.const 1))
(assert_return (invoke "last") (u32.const 42))
(assert_return (invoke "two") (u32.const 1000))
(assert_return (invoke "drops") (u32.const 3))
(assert_return (invoke "last") (u32.const 1000))
(assert_return (invoke "plain") (u32.const 5))
(assert_return (invoke "drops") (u32.const 3))
(assert_trap (invoke "rep-after-drop") "unknown handle index")

;; A handle of one defined resource used as another.
(component
  (type $a (resource (rep i32)))
  (type $b (resource (rep i32)))
  (core func $new-a (canon resource.new $a))
  (core func $rep-b (canon resource.rep $b))
  (core module $app
    (import "" "new-a" (func $new (param i32) (result i32)))
    (import "" "rep-b" (func $rep (param i32) (result i32)))
    (func (export "wrong") (result i32) i32.const 5 call $new call $rep))
  (core instance $x (instantiate $app (with "" (instance
    (export "new-a" (func $new-a)) (export "rep-b" (func $rep-b))))))
  (func (export "wrong") (result u32) (canon lift (core func $x "wrong"))))
(assert_trap (invoke "wrong")
  "handle index 1 used with the wrong type, expected guest-defined resource but found a different guest-defined resource")

;; Dropping a handle twice.
(component
  (type $r (resource (rep i32)))
  (core func $new (canon resource.new $r))
  (core func $drop (canon resource.drop $r))
  (core module $app
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "twice") (local $h i32)
      i32.const 1 call $new local.tee $h call $drop
      local.get $h call $drop))
  (core instance $x (instantiate $app (with "" (instance
    (export "new" (func $new)) (export "drop" (func $drop))))))
  (func (export "twice") (canon lift (core func $x "twice"))))
(assert_trap (invoke "twice") "unknown handle index")

;; A destructor that traps: the drop traps with it.
(component
  (core module $m (func (export "dtor") (param i32) unreachable))
  (core instance $i (instantiate $m))
  (type $r (resource (rep i32) (dtor (core func $i "dtor"))))
  (core func $new (canon resource.new $r))
  (core func $drop (canon resource.drop $r))
  (core module $app
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "drop") i32.const 1 call $new call $drop))
  (core instance $x (instantiate $app (with "" (instance
    (export "new" (func $new)) (export "drop" (func $drop))))))
  (func (export "drop") (canon lift (core func $x "drop"))))
(assert_trap (invoke "drop") "unreachable")
