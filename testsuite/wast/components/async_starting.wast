;; A call into another component instance that may not start yet: the
;; callee instance has backpressure up, or one of its tasks is in a turn
;; (holds the instance's exclusive lock). An async call then comes back
;; STARTING (state 0) with a subtask handle, and the callee starts only
;; once the instance lets it in; the subtask's event then says it
;; returned. Arguments passed in memory are read when the callee starts,
;; not when the call is made. A STARTING subtask may be cancelled (it
;; never runs) but not dropped. A synchronous call waits until the callee
;; can start; waiting on a call nothing will let in is a deadlock.

;; The callee `$A` has:
;;   gate:  raises backpressure, returns at once, yields once, and on its
;;          next callback notes how many calls of `f`/`f5` had run by
;;          then (`released-at`) and lowers backpressure;
;;   hold:  raises backpressure and exits, never lowering it;
;;   f:     counts a call and returns its argument plus one at once;
;;   f5:    likewise, with five arguments (more than an async lowering
;;          passes flat, so the caller passes them in memory);
;;   calls, released-at: synchronous exports reading those counters.
(component definition $Backpressure
  (component $A
    (core func $bp-inc (canon backpressure.inc))
    (core func $bp-dec (canon backpressure.dec))
    (core func $return-none (canon task.return))
    (core func $return-u32 (canon task.return (result u32)))
    (core module $m
      (import "" "backpressure.inc" (func $bp-inc))
      (import "" "backpressure.dec" (func $bp-dec))
      (import "" "return-none" (func $return-none))
      (import "" "return-u32" (func $return-u32 (param i32)))
      (global $calls (mut i32) (i32.const 0))
      (global $released-at (mut i32) (i32.const 99))
      (func (export "gate") (result i32)
        (call $bp-inc)
        (call $return-none)
        ;; YIELD
        (i32.const 1))
      (func (export "gate-cb") (param i32 i32 i32) (result i32)
        (global.set $released-at (global.get $calls))
        (call $bp-dec)
        (i32.const 0))
      (func (export "hold") (result i32)
        (call $bp-inc)
        (call $return-none)
        (i32.const 0))
      (func (export "f") (param $x i32) (result i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (call $return-u32 (i32.add (local.get $x) (i32.const 1)))
        (i32.const 0))
      (func (export "f5") (param $a i32) (param $b i32) (param $c i32) (param $d i32) (param $e i32)
        (result i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (call $return-u32
          (i32.add (local.get $a)
            (i32.add (i32.mul (local.get $b) (i32.const 10))
              (i32.add (i32.mul (local.get $c) (i32.const 100))
                (i32.add (i32.mul (local.get $d) (i32.const 1000))
                  (i32.mul (local.get $e) (i32.const 10000)))))))
        (i32.const 0))
      (func (export "calls") (result i32) (global.get $calls))
      (func (export "released-at") (result i32) (global.get $released-at))
      (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "backpressure.inc" (func $bp-inc))
      (export "backpressure.dec" (func $bp-dec))
      (export "return-none" (func $return-none))
      (export "return-u32" (func $return-u32))))))
    (alias core export $i "cb-unreachable" (core func $cb-unreachable))
    (alias core export $i "gate-cb" (core func $gate-cb))
    (func (export "gate") async
      (canon lift (core func $i "gate") async (callback $gate-cb)))
    (func (export "hold") async
      (canon lift (core func $i "hold") async (callback $cb-unreachable)))
    (func (export "f") async (param "x" u32) (result u32)
      (canon lift (core func $i "f") async (callback $cb-unreachable)))
    (func (export "f5") async (param "a" u32) (param "b" u32) (param "c" u32) (param "d" u32)
      (param "e" u32) (result u32)
      (canon lift (core func $i "f5") async (callback $cb-unreachable)))
    (func (export "calls") (result u32)
      (canon lift (core func $i "calls")))
    (func (export "released-at") (result u32)
      (canon lift (core func $i "released-at"))))
  (instance $a (instantiate $A))

  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $gate (canon lower (func $a "gate") async (memory $mem)))
  (core func $hold (canon lower (func $a "hold") async (memory $mem)))
  (core func $f (canon lower (func $a "f") async (memory $mem)))
  (core func $f5 (canon lower (func $a "f5") async (memory $mem)))
  (core func $f-sync (canon lower (func $a "f")))
  (core func $calls (canon lower (func $a "calls")))
  (core func $released-at (canon lower (func $a "released-at")))
  (core func $set-new (canon waitable-set.new))
  (core func $wait (canon waitable-set.wait (memory $mem)))
  (core func $join (canon waitable.join))
  (core func $cancel (canon subtask.cancel))
  (core func $cancel-async (canon subtask.cancel async))
  (core func $subtask-drop (canon subtask.drop))
  (core func $return-u32 (canon task.return (result u32)))
  (type $three (tuple u32 u32 u32))
  (type $four (tuple u32 u32 u32 u32))
  (core func $return-three (canon task.return (result $three)))
  (core func $return-four (canon task.return (result $four)))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "gate" (func $gate (result i32)))
    (import "" "hold" (func $hold (result i32)))
    (import "" "f" (func $f (param i32 i32) (result i32)))
    (import "" "f5" (func $f5 (param i32 i32) (result i32)))
    (import "" "f-sync" (func $f-sync (param i32) (result i32)))
    (import "" "calls" (func $calls (result i32)))
    (import "" "released-at" (func $released-at (result i32)))
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
    (import "" "waitable.join" (func $join (param i32 i32)))
    (import "" "subtask.cancel" (func $cancel (param i32) (result i32)))
    (import "" "subtask.cancel-async" (func $cancel-async (param i32) (result i32)))
    (import "" "subtask.drop" (func $subtask-drop (param i32)))
    (import "" "return-u32" (func $return-u32 (param i32)))
    (import "" "return-three" (func $return-three (param i32 i32 i32)))
    (import "" "return-four" (func $return-four (param i32 i32 i32 i32)))
    (func $expect (param $got i32) (param $want i32)
      (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
    ;; Raise A's backpressure by `gate`, which returns in its first turn.
    (func $gate-up
      (call $expect (call $gate) (i32.const 2)))
    ;; The handle of a call that came back STARTING.
    (func $starting (param $status i32) (result i32)
      (call $expect (i32.and (local.get $status) (i32.const 0xf)) (i32.const 0))
      (if (i32.eqz (i32.shr_u (local.get $status) (i32.const 4))) (then unreachable))
      (i32.shr_u (local.get $status) (i32.const 4)))
    ;; Wait for subtask $h's event, check it is that subtask's, drop it,
    ;; and give the state the event carried.
    (func $await (param $h i32) (result i32)
      (local $set i32)
      (local.set $set (call $set-new))
      (call $join (local.get $h) (local.get $set))
      (call $expect (call $wait (local.get $set) (i32.const 200)) (i32.const 1))
      (call $expect (i32.load (i32.const 200)) (local.get $h))
      (call $subtask-drop (local.get $h))
      (i32.load (i32.const 204)))

    ;; `f` is held back by the backpressure `gate` left up: it comes
    ;; back STARTING, has not run (its result slot is untouched), and
    ;; returns once `gate` lowers backpressure, which happens only when
    ;; this task waits. Gives f's result, the state in the event, how
    ;; many calls had run when backpressure went down, and how many ran
    ;; in all.
    (func (export "held") (result i32)
      (local $h i32) (local $state i32)
      (call $gate-up)
      (i32.store (i32.const 100) (i32.const 0xdead))
      (local.set $h (call $starting (call $f (i32.const 41) (i32.const 100))))
      (call $expect (i32.load (i32.const 100)) (i32.const 0xdead))
      (local.set $state (call $await (local.get $h)))
      (call $return-four (i32.load (i32.const 100)) (local.get $state)
        (call $released-at) (call $calls))
      (i32.const 0))

    ;; A STARTING subtask cancelled, synchronously or not, is cancelled
    ;; before it started (3) at once, and may then be dropped; the callee
    ;; never runs it. A third call, awaited, is the only one to run.
    ;; Gives both cancels' states, the third call's result, and how many
    ;; calls ran.
    (func (export "cancel") (result i32)
      (local $h1 i32) (local $h2 i32) (local $h3 i32) (local $r1 i32) (local $r2 i32)
      (call $gate-up)
      (i32.store (i32.const 100) (i32.const 0xdead))
      (i32.store (i32.const 104) (i32.const 0xdead))
      (local.set $h1 (call $starting (call $f (i32.const 1) (i32.const 100))))
      (local.set $h2 (call $starting (call $f (i32.const 2) (i32.const 104))))
      (local.set $r1 (call $cancel (local.get $h1)))
      (call $subtask-drop (local.get $h1))
      (local.set $r2 (call $cancel-async (local.get $h2)))
      (call $subtask-drop (local.get $h2))
      (local.set $h3 (call $starting (call $f (i32.const 3) (i32.const 108))))
      (call $expect (call $await (local.get $h3)) (i32.const 2))
      (call $expect (i32.load (i32.const 100)) (i32.const 0xdead))
      (call $expect (i32.load (i32.const 104)) (i32.const 0xdead))
      (call $return-four (local.get $r1) (local.get $r2) (i32.load (i32.const 108)) (call $calls))
      (i32.const 0))

    ;; Five arguments go by a pointer to memory. The caller changes them
    ;; after the call came back STARTING; the callee, when it starts,
    ;; reads the changed values (9, 8, 7, 6, 5), not the ones there at
    ;; the call (1, 2, 3, 4, 5).
    (func (export "args") (result i32)
      (local $h i32)
      (call $gate-up)
      (i32.store (i32.const 300) (i32.const 1))
      (i32.store (i32.const 304) (i32.const 2))
      (i32.store (i32.const 308) (i32.const 3))
      (i32.store (i32.const 312) (i32.const 4))
      (i32.store (i32.const 316) (i32.const 5))
      (local.set $h (call $starting (call $f5 (i32.const 300) (i32.const 100))))
      (i32.store (i32.const 300) (i32.const 9))
      (i32.store (i32.const 304) (i32.const 8))
      (i32.store (i32.const 308) (i32.const 7))
      (i32.store (i32.const 312) (i32.const 6))
      (i32.store (i32.const 316) (i32.const 5))
      (call $expect (call $await (local.get $h)) (i32.const 2))
      (call $return-u32 (i32.load (i32.const 100)))
      (i32.const 0))

    ;; Dropping a STARTING subtask traps.
    (func (export "drop-starting") (result i32)
      (call $gate-up)
      (call $subtask-drop (call $starting (call $f (i32.const 1) (i32.const 100))))
      (i32.const 0))

    ;; A synchronous call of `f` while backpressure is up blocks until
    ;; `gate` lowers it, then gives f's result. Gives that result, how
    ;; many calls had run when backpressure went down, and how many ran
    ;; in all.
    (func (export "sync-held") (result i32)
      (local $r i32)
      (call $gate-up)
      (local.set $r (call $f-sync (i32.const 41)))
      (call $return-three (local.get $r) (call $released-at) (call $calls))
      (i32.const 0))

    ;; `hold` leaves backpressure up for good; waiting on a call it holds
    ;; back is a deadlock.
    (func (export "deadlock") (result i32)
      (call $expect (call $hold) (i32.const 2))
      (drop (call $await (call $starting (call $f (i32.const 1) (i32.const 100)))))
      (i32.const 0))
    (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "gate" (func $gate))
    (export "hold" (func $hold))
    (export "f" (func $f))
    (export "f5" (func $f5))
    (export "f-sync" (func $f-sync))
    (export "calls" (func $calls))
    (export "released-at" (func $released-at))
    (export "waitable-set.new" (func $set-new))
    (export "waitable-set.wait" (func $wait))
    (export "waitable.join" (func $join))
    (export "subtask.cancel" (func $cancel))
    (export "subtask.cancel-async" (func $cancel-async))
    (export "subtask.drop" (func $subtask-drop))
    (export "return-u32" (func $return-u32))
    (export "return-three" (func $return-three))
    (export "return-four" (func $return-four))))))
  (alias core export $m "cb-unreachable" (core func $cb))
  (func (export "held") async (result $four)
    (canon lift (core func $m "held") async (callback $cb)))
  (func (export "cancel") async (result $four)
    (canon lift (core func $m "cancel") async (callback $cb)))
  (func (export "args") async (result u32)
    (canon lift (core func $m "args") async (callback $cb)))
  (func (export "drop-starting") async (result u32)
    (canon lift (core func $m "drop-starting") async (callback $cb)))
  (func (export "sync-held") async (result $three)
    (canon lift (core func $m "sync-held") async (callback $cb)))
  (func (export "deadlock") async (result u32)
    (canon lift (core func $m "deadlock") async (callback $cb))))

(component instance $b1 $Backpressure)
;; f's result 42; returned (2); none had run when backpressure went down;
;; one ran in all.
(assert_return (invoke "held")
  (tuple.const (u32.const 42) (u32.const 2) (u32.const 0) (u32.const 1)))
(component instance $b2 $Backpressure)
;; Both cancelled before they started (3); the third call gave 4, and
;; was the only one to run.
(assert_return (invoke "cancel")
  (tuple.const (u32.const 3) (u32.const 3) (u32.const 4) (u32.const 1)))
(component instance $b3 $Backpressure)
;; 9 + 8*10 + 7*100 + 6*1000 + 5*10000
(assert_return (invoke "args") (u32.const 56789))
(component instance $b4 $Backpressure)
;; f's result 42; none had run when backpressure went down; one in all.
(assert_return (invoke "sync-held")
  (tuple.const (u32.const 42) (u32.const 0) (u32.const 1)))
(component instance $b5 $Backpressure)
(assert_trap (invoke "drop-starting") "cannot drop a subtask which has not yet resolved")
(component instance $b6 $Backpressure)
(assert_trap (invoke "deadlock") "deadlock detected: event loop cannot make further progress")

;; The exclusive lock. A callback-form task of `$A`, `hold`, makes a
;; synchronous call to `$C`'s `slow` within its first turn; `slow` yields
;; once before it returns, so `hold`'s turn is blocked and its caller,
;; the outer component's `run`, goes on, `hold` having STARTED (1). `run`
;; then calls `$A`'s `f`, which comes back STARTING (0): `$A` has no
;; backpressure, but `hold` is in a turn. `f` starts once that turn ends,
;; so `hold`, counting the calls of `f` after `slow` returned, saw none.
;;
;;   host --> run --async--> A.hold --sync--> C.slow (yields once)
;;             |
;;             +---async--> A.f (held until A.hold's turn ends)
;;
;; (A call from `$A` into another instance that calls back into `$A`
;; cannot be written between siblings, as imports are acyclic; and the
;; Canonical ABI traps a child's call into its parent as recursive.)
(component definition $Lock
  (component $C
    (core func $return-u32 (canon task.return (result u32)))
    (core module $m
      (import "" "return-u32" (func $return-u32 (param i32)))
      (global $x (mut i32) (i32.const 0))
      (func (export "slow") (param $x i32) (result i32)
        (global.set $x (local.get $x))
        ;; YIELD
        (i32.const 1))
      (func (export "slow-cb") (param i32 i32 i32) (result i32)
        (call $return-u32 (global.get $x))
        (i32.const 0)))
    (core instance $i (instantiate $m (with "" (instance
      (export "return-u32" (func $return-u32))))))
    (func (export "slow") async (param "x" u32) (result u32)
      (canon lift (core func $i "slow") async (callback (core func $i "slow-cb")))))
  (instance $c (instantiate $C))

  (component $A
    (import "slow" (func $slow async (param "x" u32) (result u32)))
    (core func $slow-sync (canon lower (func $slow)))
    (core func $return-u32 (canon task.return (result u32)))
    (core module $m
      (import "" "slow" (func $slow (param i32) (result i32)))
      (import "" "return-u32" (func $return-u32 (param i32)))
      (global $calls (mut i32) (i32.const 0))
      ;; Returns how many calls of `f` had run once `slow` returned.
      (func (export "hold") (result i32)
        (if (i32.ne (call $slow (i32.const 7)) (i32.const 7)) (then unreachable))
        (call $return-u32 (global.get $calls))
        (i32.const 0))
      (func (export "f") (param $x i32) (result i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (call $return-u32 (i32.add (local.get $x) (i32.const 1)))
        (i32.const 0))
      (func (export "calls") (result i32) (global.get $calls))
      (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "slow" (func $slow-sync))
      (export "return-u32" (func $return-u32))))))
    (alias core export $i "cb-unreachable" (core func $cb-unreachable))
    (func (export "hold") async (result u32)
      (canon lift (core func $i "hold") async (callback $cb-unreachable)))
    (func (export "f") async (param "x" u32) (result u32)
      (canon lift (core func $i "f") async (callback $cb-unreachable)))
    (func (export "calls") (result u32)
      (canon lift (core func $i "calls"))))
  (instance $a (instantiate $A (with "slow" (func $c "slow"))))

  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $hold (canon lower (func $a "hold") async (memory $mem)))
  (core func $f (canon lower (func $a "f") async (memory $mem)))
  (core func $calls (canon lower (func $a "calls")))
  (core func $set-new (canon waitable-set.new))
  (core func $wait (canon waitable-set.wait (memory $mem)))
  (core func $join (canon waitable.join))
  (core func $subtask-drop (canon subtask.drop))
  (type $five (tuple u32 u32 u32 u32 u32))
  (core func $return-five (canon task.return (result $five)))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "hold" (func $hold (param i32) (result i32)))
    (import "" "f" (func $f (param i32 i32) (result i32)))
    (import "" "calls" (func $calls (result i32)))
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
    (import "" "waitable.join" (func $join (param i32 i32)))
    (import "" "subtask.drop" (func $subtask-drop (param i32)))
    (import "" "return-five" (func $return-five (param i32 i32 i32 i32 i32)))
    (func $expect (param $got i32) (param $want i32)
      (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
    ;; Wait for subtask $h to return, then drop it.
    (func $await (param $h i32)
      (local $set i32)
      (if (i32.eqz (local.get $h)) (then unreachable))
      (local.set $set (call $set-new))
      (call $join (local.get $h) (local.get $set))
      (call $expect (call $wait (local.get $set) (i32.const 200)) (i32.const 1))
      (call $expect (i32.load (i32.const 200)) (local.get $h))
      (call $expect (i32.load (i32.const 204)) (i32.const 2))
      (call $subtask-drop (local.get $h)))
    ;; Gives the states the two calls came back with, what `hold` and `f`
    ;; returned, and how many calls of `f` ran in all.
    (func (export "run") (result i32)
      (local $s1 i32) (local $s2 i32)
      (local.set $s1 (call $hold (i32.const 100)))
      (local.set $s2 (call $f (i32.const 41) (i32.const 104)))
      (call $await (i32.shr_u (local.get $s1) (i32.const 4)))
      (call $await (i32.shr_u (local.get $s2) (i32.const 4)))
      (call $return-five
        (i32.and (local.get $s1) (i32.const 0xf))
        (i32.and (local.get $s2) (i32.const 0xf))
        (i32.load (i32.const 100))
        (i32.load (i32.const 104))
        (call $calls))
      (i32.const 0))
    (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "hold" (func $hold))
    (export "f" (func $f))
    (export "calls" (func $calls))
    (export "waitable-set.new" (func $set-new))
    (export "waitable-set.wait" (func $wait))
    (export "waitable.join" (func $join))
    (export "subtask.drop" (func $subtask-drop))
    (export "return-five" (func $return-five))))))
  (func (export "run") async (result $five)
    (canon lift (core func $m "run") async (callback (core func $m "cb-unreachable")))))

(component instance $lock $Lock)
;; `hold` STARTED (1), `f` STARTING (0); `hold` saw no call of `f`; f gave
;; 42; one call ran in all.
(assert_return (invoke "run")
  (tuple.const (u32.const 1) (u32.const 0) (u32.const 0) (u32.const 42) (u32.const 1)))

;; The exclusive lock again, held by a turn that yields inside itself.
;; `run` calls `$D`'s `go`, which yields first; then `$A`'s `hold`,
;; which calls `thread.yield` inside its first turn: `hold` is suspended
;; there (STARTED, 1), still holding `$A`'s lock, and `run` goes on to
;; wait for `go`. `go`'s next turn calls `$A`'s `f`, which comes back
;; STARTING (0) because `hold`'s turn holds the lock; `go` waits for it
;; and gives the state it came back with and f's result.
;;
;;   host --> run --async--> D.go (yields) --async--> A.f (held)
;;             |
;;             +---async--> A.hold (thread.yield inside its turn)
(component definition $LockYield
  (component $A
    (core func $return-u32 (canon task.return (result u32)))
    (core func $yield (canon thread.yield))
    (core module $m
      (import "" "return-u32" (func $return-u32 (param i32)))
      (import "" "thread.yield" (func $yield (result i32)))
      (global $calls (mut i32) (i32.const 0))
      (func (export "hold") (result i32)
        (drop (call $yield))
        (call $return-u32 (global.get $calls))
        (i32.const 0))
      (func (export "f") (param $x i32) (result i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (call $return-u32 (i32.add (local.get $x) (i32.const 1)))
        (i32.const 0))
      (func (export "calls") (result i32) (global.get $calls))
      (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "return-u32" (func $return-u32))
      (export "thread.yield" (func $yield))))))
    (alias core export $i "cb-unreachable" (core func $cb-unreachable))
    (func (export "hold") async (result u32)
      (canon lift (core func $i "hold") async (callback $cb-unreachable)))
    (func (export "f") async (param "x" u32) (result u32)
      (canon lift (core func $i "f") async (callback $cb-unreachable)))
    (func (export "calls") (result u32)
      (canon lift (core func $i "calls"))))
  (instance $a (instantiate $A))

  (component $D
    (import "f" (func $f async (param "x" u32) (result u32)))
    (core module $libc (memory (export "memory") 1))
    (core instance $libc (instantiate $libc))
    (alias core export $libc "memory" (core memory $mem))
    (core func $f (canon lower (func $f) async (memory $mem)))
    (core func $set-new (canon waitable-set.new))
    (core func $join (canon waitable.join))
    (core func $subtask-drop (canon subtask.drop))
    (type $two (tuple u32 u32))
    (core func $return-two (canon task.return (result $two)))
    (core module $m
      (import "" "memory" (memory 1))
      (import "" "f" (func $f (param i32 i32) (result i32)))
      (import "" "waitable-set.new" (func $set-new (result i32)))
      (import "" "waitable.join" (func $join (param i32 i32)))
      (import "" "subtask.drop" (func $subtask-drop (param i32)))
      (import "" "return-two" (func $return-two (param i32 i32)))
      (global $phase (mut i32) (i32.const 0))
      (global $state (mut i32) (i32.const 0))
      (func (export "go") (result i32) (i32.const 1))
      (func (export "go-cb") (param $event i32) (param $index i32) (param $payload i32) (result i32)
        (local $s i32) (local $set i32)
        (if (i32.eqz (global.get $phase)) (then
          (global.set $phase (i32.const 1))
          (local.set $s (call $f (i32.const 41) (i32.const 100)))
          (global.set $state (i32.and (local.get $s) (i32.const 0xf)))
          (if (i32.eqz (i32.shr_u (local.get $s) (i32.const 4))) (then
            (call $return-two (global.get $state) (i32.load (i32.const 100)))
            (return (i32.const 0))))
          (local.set $set (call $set-new))
          (call $join (i32.shr_u (local.get $s) (i32.const 4)) (local.get $set))
          (return (i32.or (i32.const 2) (i32.shl (local.get $set) (i32.const 4))))))
        (if (i32.ne (local.get $event) (i32.const 1)) (then unreachable))
        (if (i32.ne (local.get $payload) (i32.const 2)) (then unreachable))
        (call $subtask-drop (local.get $index))
        (call $return-two (global.get $state) (i32.load (i32.const 100)))
        (i32.const 0)))
    (core instance $i (instantiate $m (with "" (instance
      (export "memory" (memory $mem))
      (export "f" (func $f))
      (export "waitable-set.new" (func $set-new))
      (export "waitable.join" (func $join))
      (export "subtask.drop" (func $subtask-drop))
      (export "return-two" (func $return-two))))))
    (func (export "go") async (result $two)
      (canon lift (core func $i "go") async (callback (core func $i "go-cb")))))
  (instance $d (instantiate $D (with "f" (func $a "f"))))

  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $hold (canon lower (func $a "hold") async (memory $mem)))
  (core func $go (canon lower (func $d "go") async (memory $mem)))
  (core func $calls (canon lower (func $a "calls")))
  (core func $set-new (canon waitable-set.new))
  (core func $wait (canon waitable-set.wait (memory $mem)))
  (core func $join (canon waitable.join))
  (core func $subtask-drop (canon subtask.drop))
  (type $six (tuple u32 u32 u32 u32 u32 u32))
  (core func $return-six (canon task.return (result $six)))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "hold" (func $hold (param i32) (result i32)))
    (import "" "go" (func $go (param i32) (result i32)))
    (import "" "calls" (func $calls (result i32)))
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
    (import "" "waitable.join" (func $join (param i32 i32)))
    (import "" "subtask.drop" (func $subtask-drop (param i32)))
    (import "" "return-six" (func $return-six (param i32 i32 i32 i32 i32 i32)))
    (func $expect (param $got i32) (param $want i32)
      (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
    (func (export "run") (result i32)
      (local $s0 i32) (local $s1 i32) (local $set i32) (local $h i32)
      (local.set $s0 (call $go (i32.const 200)))
      (local.set $s1 (call $hold (i32.const 100)))
      (local.set $h (i32.shr_u (local.get $s0) (i32.const 4)))
      (if (i32.eqz (local.get $h)) (then unreachable))
      (local.set $set (call $set-new))
      (call $join (local.get $h) (local.get $set))
      (call $expect (call $wait (local.get $set) (i32.const 300)) (i32.const 1))
      (call $expect (i32.load (i32.const 300)) (local.get $h))
      (call $expect (i32.load (i32.const 304)) (i32.const 2))
      (call $subtask-drop (local.get $h))
      (call $return-six
        (i32.and (local.get $s0) (i32.const 0xf))
        (i32.and (local.get $s1) (i32.const 0xf))
        (i32.load (i32.const 100))
        (i32.load (i32.const 200))
        (i32.load (i32.const 204))
        (call $calls))
      (i32.const 0))
    (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "hold" (func $hold))
    (export "go" (func $go))
    (export "calls" (func $calls))
    (export "waitable-set.new" (func $set-new))
    (export "waitable-set.wait" (func $wait))
    (export "waitable.join" (func $join))
    (export "subtask.drop" (func $subtask-drop))
    (export "return-six" (func $return-six))))))
  (func (export "run") async (result $six)
    (canon lift (core func $m "run") async (callback (core func $m "cb-unreachable")))))

(component instance $lock-yield $LockYield)
;; `go` STARTED (1), `hold` STARTED (1); `hold` saw no call of `f`; `f`
;; came back STARTING (0) to `go` and gave 42; one call ran in all.
(assert_return (invoke "run")
  (tuple.const (u32.const 1) (u32.const 1) (u32.const 0) (u32.const 0) (u32.const 42) (u32.const 1)))
