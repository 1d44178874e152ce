;; Handles crossing between component instances through fused adapters.
;; $A defines resource `r`; $B and $C import it. An owning handle leaves
;; the sender's table for the receiver's; a borrowed one is lent for the
;; call: $A, which defines `r`, receives the representation itself, $C a
;; borrowed handle it must drop before returning. Each instance has its
;; own handle table, and the traps are the Canonical ABI's.

(component definition $Test
  (component $A
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
    (core func $new (canon resource.new $r))
    (core func $rep (canon resource.rep $r))
    (core func $drop (canon resource.drop $r))
    (core module $impl
      (import "" "new" (func $new (param i32) (result i32)))
      (import "" "rep" (func $rep (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "make") (param i32) (result i32) local.get 0 call $new)
      ;; A borrow of its own resource arrives as the representation.
      (func (export "peek") (param i32) (result i32) local.get 0)
      (func (export "consume") (param i32) (result i32)
        (local $v i32)
        local.get 0 call $rep local.set $v
        local.get 0 call $drop
        local.get $v)
      (func (export "both") (param i32 i32) (result i32) local.get 0))
    (core instance $x (instantiate $impl (with "" (instance
      (export "new" (func $new)) (export "rep" (func $rep)) (export "drop" (func $drop))))))
    (export $r2 "r" (type $r))
    (func (export "make") (param "v" u32) (result (own $r2))
      (canon lift (core func $x "make")))
    (func (export "peek") (param "h" (borrow $r2)) (result u32)
      (canon lift (core func $x "peek")))
    (func (export "consume") (param "h" (own $r2)) (result u32)
      (canon lift (core func $x "consume")))
    (func (export "both") (param "b" (borrow $r2)) (param "o" (own $r2)) (result u32)
      (canon lift (core func $x "both")))
    (func (export "drops") (result u32) (canon lift (core func $i "drops")))
    (func (export "last") (result u32) (canon lift (core func $i "last"))))
  (instance $a (instantiate $A))

  ;; $C holds handles to `r` without defining it.
  (component $C
    (import "a" (instance $a
      (export "r" (type $r (sub resource)))
      (export "peek" (func (param "h" (borrow $r)) (result u32)))
      (export "consume" (func (param "h" (own $r)) (result u32)))))
    (alias export $a "r" (type $r))
    (core func $peek (canon lower (func $a "peek")))
    (core func $consume (canon lower (func $a "consume")))
    (core func $drop (canon resource.drop $r))
    (core module $impl
      (import "" "peek" (func $peek (param i32) (result i32)))
      (import "" "consume" (func $consume (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      ;; A borrowed handle lent on to $A, then dropped.
      (func (export "good") (param i32) (result i32)
        (local $v i32)
        local.get 0 call $peek local.set $v
        local.get 0 call $drop
        local.get $v)
      ;; A borrowed handle kept past the return.
      (func (export "keep") (param i32) (result i32) local.get 0)
      ;; A borrowed handle given where an owning one is due.
      (func (export "steal") (param i32) (result i32) local.get 0 call $consume)
      ;; An owning handle: lent to $A, then dropped here, which destroys it.
      (func (export "take") (param i32) (result i32)
        (local $v i32)
        local.get 0 call $peek local.set $v
        local.get 0 call $drop
        local.get $v))
    (core instance $x (instantiate $impl (with "" (instance
      (export "peek" (func $peek)) (export "consume" (func $consume))
      (export "drop" (func $drop))))))
    (export $r2 "r" (type $r))
    (func (export "good") (param "h" (borrow $r2)) (result u32) (canon lift (core func $x "good")))
    (func (export "keep") (param "h" (borrow $r2)) (result u32) (canon lift (core func $x "keep")))
    (func (export "steal") (param "h" (borrow $r2)) (result u32) (canon lift (core func $x "steal")))
    (func (export "take") (param "h" (own $r2)) (result u32) (canon lift (core func $x "take"))))
  (instance $c (instantiate $C (with "a" (instance $a))))

  ;; $B makes handles through $A and passes them around.
  (component $B
    (import "a" (instance $a
      (export "r" (type $r (sub resource)))
      (export "make" (func (param "v" u32) (result (own $r))))
      (export "peek" (func (param "h" (borrow $r)) (result u32)))
      (export "consume" (func (param "h" (own $r)) (result u32)))
      (export "both" (func (param "b" (borrow $r)) (param "o" (own $r)) (result u32)))))
    (alias export $a "r" (type $r))
    (import "c" (instance $c
      (export "good" (func (param "h" (borrow $r)) (result u32)))
      (export "keep" (func (param "h" (borrow $r)) (result u32)))
      (export "steal" (func (param "h" (borrow $r)) (result u32)))
      (export "take" (func (param "h" (own $r)) (result u32)))))
    (core func $make (canon lower (func $a "make")))
    (core func $peek (canon lower (func $a "peek")))
    (core func $consume (canon lower (func $a "consume")))
    (core func $both (canon lower (func $a "both")))
    (core func $good (canon lower (func $c "good")))
    (core func $keep (canon lower (func $c "keep")))
    (core func $steal (canon lower (func $c "steal")))
    (core func $take (canon lower (func $c "take")))
    (core func $drop (canon resource.drop $r))
    (core module $impl
      (import "" "make" (func $make (param i32) (result i32)))
      (import "" "peek" (func $peek (param i32) (result i32)))
      (import "" "consume" (func $consume (param i32) (result i32)))
      (import "" "both" (func $both (param i32 i32) (result i32)))
      (import "" "good" (func $good (param i32) (result i32)))
      (import "" "keep" (func $keep (param i32) (result i32)))
      (import "" "steal" (func $steal (param i32) (result i32)))
      (import "" "take" (func $take (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      ;; Made in $A, lent back to it, then moved back to it and destroyed.
      (func (export "round-trip") (result i32)
        (local $h i32)
        i32.const 7 call $make local.set $h
        local.get $h call $peek i32.const 100 i32.mul
        local.get $h call $consume i32.add)
      ;; Dropped here: $A's destructor runs.
      (func (export "drop-here") (result i32)
        (local $h i32)
        i32.const 9 call $make local.tee $h call $drop
        local.get $h)
      ;; Two handles at once, each with its own representation.
      (func (export "two") (result i32)
        (local $a i32) (local $b i32) (local $v i32)
        i32.const 11 call $make local.set $a
        i32.const 22 call $make local.set $b
        local.get $b call $peek local.set $v
        local.get $a call $consume drop
        local.get $b call $consume local.get $v i32.add)
      ;; Lent to $C, which lends it on to $A; still ours afterwards.
      (func (export "via-c") (result i32)
        (local $h i32) (local $v i32)
        i32.const 5 call $make local.set $h
        local.get $h call $good local.set $v
        local.get $h call $consume local.get $v i32.add)
      ;; Moved to $C, which destroys it.
      (func (export "give-to-c") (result i32)
        i32.const 8 call $make call $take)
      (func (export "moved-away") (result i32)
        (local $h i32)
        i32.const 3 call $make local.set $h
        local.get $h call $consume drop
        local.get $h call $peek)
      (func (export "bogus") (result i32) i32.const 99 call $peek)
      (func (export "lent-and-moved") (result i32)
        (local $h i32)
        i32.const 4 call $make local.tee $h local.get $h call $both)
      (func (export "c-keeps") (result i32) i32.const 6 call $make call $keep)
      (func (export "c-steals") (result i32) i32.const 6 call $make call $steal))
    (core instance $x (instantiate $impl (with "" (instance
      (export "make" (func $make)) (export "peek" (func $peek))
      (export "consume" (func $consume)) (export "both" (func $both))
      (export "good" (func $good)) (export "keep" (func $keep))
      (export "steal" (func $steal)) (export "take" (func $take))
      (export "drop" (func $drop))))))
    (func (export "round-trip") (result u32) (canon lift (core func $x "round-trip")))
    (func (export "drop-here") (result u32) (canon lift (core func $x "drop-here")))
    (func (export "two") (result u32) (canon lift (core func $x "two")))
    (func (export "via-c") (result u32) (canon lift (core func $x "via-c")))
    (func (export "give-to-c") (result u32) (canon lift (core func $x "give-to-c")))
    (func (export "moved-away") (result u32) (canon lift (core func $x "moved-away")))
    (func (export "bogus") (result u32) (canon lift (core func $x "bogus")))
    (func (export "lent-and-moved") (result u32) (canon lift (core func $x "lent-and-moved")))
    (func (export "c-keeps") (result u32) (canon lift (core func $x "c-keeps")))
    (func (export "c-steals") (result u32) (canon lift (core func $x "c-steals"))))
  (instance $b (instantiate $B (with "a" (instance $a)) (with "c" (instance $c))))

  (export "round-trip" (func $b "round-trip"))
  (export "drop-here" (func $b "drop-here"))
  (export "two" (func $b "two"))
  (export "via-c" (func $b "via-c"))
  (export "give-to-c" (func $b "give-to-c"))
  (export "moved-away" (func $b "moved-away"))
  (export "bogus" (func $b "bogus"))
  (export "lent-and-moved" (func $b "lent-and-moved"))
  (export "c-keeps" (func $b "c-keeps"))
  (export "c-steals" (func $b "c-steals"))
  (export "drops" (func $a "drops"))
  (export "last" (func $a "last")))

(component instance $t $Test)
(assert_return (invoke "round-trip") (u32.const 707))
(assert_return (invoke "drops") (u32.const 1))
(assert_return (invoke "last") (u32.const 7))
(assert_return (invoke "drop-here") (u32.const 1))
(assert_return (invoke "drops") (u32.const 2))
(assert_return (invoke "last") (u32.const 9))
(assert_return (invoke "two") (u32.const 44))
(assert_return (invoke "drops") (u32.const 4))
(assert_return (invoke "last") (u32.const 22))
(assert_return (invoke "via-c") (u32.const 10))
(assert_return (invoke "drops") (u32.const 5))
(assert_return (invoke "give-to-c") (u32.const 8))
(assert_return (invoke "drops") (u32.const 6))
(assert_return (invoke "last") (u32.const 8))

;; A trap leaves the instance unusable: each gets a fresh one.
(component instance $t $Test)
(assert_trap (invoke "moved-away") "unknown handle index")
(component instance $t $Test)
(assert_trap (invoke "bogus") "unknown handle index 99")
(component instance $t $Test)
(assert_trap (invoke "lent-and-moved") "cannot remove owned resource while borrowed")
(component instance $t $Test)
(assert_trap (invoke "c-keeps") "borrow handles still remain at the end of the call")
(component instance $t $Test)
(assert_trap (invoke "c-steals") "cannot lift own resource from a borrow")

;; Two instances of one component define two resources: a handle made by
;; the first is destroyed by the first's destructor.
(component
  (component $A
    (core module $m
      (global $drops (mut i32) (i32.const 0))
      (func (export "dtor") (param i32)
        global.get $drops i32.const 1 i32.add global.set $drops)
      (func (export "drops") (result i32) global.get $drops))
    (core instance $i (instantiate $m))
    (type $r (resource (rep i32) (dtor (core func $i "dtor"))))
    (core func $new (canon resource.new $r))
    (export $r2 "r" (type $r))
    (func (export "make") (param "v" u32) (result (own $r2)) (canon lift (core func $new)))
    (func (export "drops") (result u32) (canon lift (core func $i "drops"))))
  (instance $a1 (instantiate $A))
  (instance $a2 (instantiate $A))
  (component $B
    (import "a" (instance $a
      (export "r" (type $r (sub resource)))
      (export "make" (func (param "v" u32) (result (own $r))))))
    (alias export $a "r" (type $r))
    (core func $make (canon lower (func $a "make")))
    (core func $drop (canon resource.drop $r))
    (core module $impl
      (import "" "make" (func $make (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "run") i32.const 1 call $make call $drop))
    (core instance $x (instantiate $impl (with "" (instance
      (export "make" (func $make)) (export "drop" (func $drop))))))
    (func (export "run") (canon lift (core func $x "run"))))
  (instance $b1 (instantiate $B (with "a" (instance $a1))))
  (instance $b2 (instantiate $B (with "a" (instance $a2))))
  (export "run1" (func $b1 "run"))
  (export "run2" (func $b2 "run"))
  (export "drops1" (func $a1 "drops"))
  (export "drops2" (func $a2 "drops")))
(assert_return (invoke "run1"))
(assert_return (invoke "drops1") (u32.const 1))
(assert_return (invoke "drops2") (u32.const 0))
(assert_return (invoke "run2"))
(assert_return (invoke "run2"))
(assert_return (invoke "drops1") (u32.const 1))
(assert_return (invoke "drops2") (u32.const 2))

;; A core type aliased from outside before the resource is defined: the
;; component's type space is followed past it, so the resource its export
;; names is the one it defines, and a drop elsewhere runs its destructor.
(component $Root
  (core type $unused (func))
  (component $A
    (alias outer $Root $unused (core type $t))
    (core module $m
      (global $drops (mut i32) (i32.const 0))
      (func (export "dtor") (param i32)
        global.get $drops i32.const 1 i32.add global.set $drops)
      (func (export "drops") (result i32) global.get $drops))
    (core instance $i (instantiate $m))
    (type $r (resource (rep i32) (dtor (core func $i "dtor"))))
    (core func $new (canon resource.new $r))
    (export $r2 "r" (type $r))
    (func (export "make") (param "v" u32) (result (own $r2)) (canon lift (core func $new)))
    (func (export "drops") (result u32) (canon lift (core func $i "drops"))))
  (instance $a (instantiate $A))
  (component $B
    (import "a" (instance $a
      (export "r" (type $r (sub resource)))
      (export "make" (func (param "v" u32) (result (own $r))))))
    (alias export $a "r" (type $r))
    (core func $make (canon lower (func $a "make")))
    (core func $drop (canon resource.drop $r))
    (core module $impl
      (import "" "make" (func $make (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "run") i32.const 1 call $make call $drop))
    (core instance $x (instantiate $impl (with "" (instance
      (export "make" (func $make)) (export "drop" (func $drop))))))
    (func (export "run") (canon lift (core func $x "run"))))
  (instance $b (instantiate $B (with "a" (instance $a))))
  (export "run" (func $b "run"))
  (export "drops" (func $a "drops")))
(assert_return (invoke "run"))
(assert_return (invoke "drops") (u32.const 1))
