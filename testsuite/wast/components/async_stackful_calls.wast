;; Calls between component instances into stackful async exports (lifted
;; `async` with no callback): the callee runs on a stack of its own, so it
;; may block anywhere (a synchronous `thread.yield`, `waitable-set.wait`)
;; and its caller goes on, holding a subtask whose event says when it
;; returned. Stackful tasks take no lock: two of one instance run
;; interleaved, each with its own context slot. A synchronous lowering of
;; a stackful export waits for its return.

(component definition $Stackful
  ;; `slow` yields once (callback form) before it returns its argument.
  (component $C
    (core func $return-u32 (canon task.return (result u32)))
    (core module $m
      (import "" "return-u32" (func $return-u32 (param i32)))
      (global $x (mut i32) (i32.const 0))
      (func (export "slow") (param $x i32) (result i32)
        (global.set $x (local.get $x))
        (i32.const 1))
      (func (export "slow-cb") (param i32 i32 i32) (result i32)
        (call $return-u32 (global.get $x))
        (i32.const 0)))
    (core instance $i (instantiate $m (with "" (instance
      (export "return-u32" (func $return-u32))))))
    (func (export "slow") async (param "x" u32) (result u32)
      (canon lift (core func $i "slow") async (callback (core func $i "slow-cb")))))
  (instance $c (instantiate $C))

  ;; `$S`'s exports are stackful.
  ;;   yields: keeps its argument in its context slot, yields `n` times
  ;;           (counting turns taken by all tasks in a global), then
  ;;           returns the slot times 100 plus the global;
  ;;   waits:  calls `slow` async and waits for it in a waitable set,
  ;;           then returns its result plus one;
  ;;   traps:  yields, then traps.
  (component $S
    (import "slow" (func $slow async (param "x" u32) (result u32)))
    (core module $libc (memory (export "memory") 1))
    (core instance $libc (instantiate $libc))
    (alias core export $libc "memory" (core memory $mem))
    (core func $slow (canon lower (func $slow) async (memory $mem)))
    (core func $return-u32 (canon task.return (result u32)))
    (core func $yield (canon thread.yield))
    (core func $context-get (canon context.get i32 0))
    (core func $context-set (canon context.set i32 0))
    (core func $set-new (canon waitable-set.new))
    (core func $wait (canon waitable-set.wait (memory $mem)))
    (core func $join (canon waitable.join))
    (core func $subtask-drop (canon subtask.drop))
    (core module $m
      (import "" "memory" (memory 1))
      (import "" "slow" (func $slow (param i32 i32) (result i32)))
      (import "" "return-u32" (func $return-u32 (param i32)))
      (import "" "thread.yield" (func $yield (result i32)))
      (import "" "context.get" (func $context-get (result i32)))
      (import "" "context.set" (func $context-set (param i32)))
      (import "" "waitable-set.new" (func $set-new (result i32)))
      (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
      (import "" "waitable.join" (func $join (param i32 i32)))
      (import "" "subtask.drop" (func $subtask-drop (param i32)))
      (global $turns (mut i32) (i32.const 0))
      (func (export "yields") (param $x i32) (param $n i32)
        (call $context-set (local.get $x))
        (loop $again
          (if (local.get $n) (then
            (drop (call $yield))
            (global.set $turns (i32.add (global.get $turns) (i32.const 1)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $again))))
        (call $return-u32
          (i32.add (i32.mul (call $context-get) (i32.const 100)) (global.get $turns))))
      (func (export "waits") (param $x i32)
        (local $s i32) (local $set i32)
        (local.set $s (call $slow (local.get $x) (i32.const 100)))
        ;; `slow` yields first: STARTED.
        (if (i32.ne (i32.and (local.get $s) (i32.const 0xf)) (i32.const 1)) (then unreachable))
        (local.set $set (call $set-new))
        (call $join (i32.shr_u (local.get $s) (i32.const 4)) (local.get $set))
        (if (i32.ne (call $wait (local.get $set) (i32.const 200)) (i32.const 1)) (then unreachable))
        (if (i32.ne (i32.load (i32.const 204)) (i32.const 2)) (then unreachable))
        (call $subtask-drop (i32.shr_u (local.get $s) (i32.const 4)))
        (call $return-u32 (i32.add (i32.load (i32.const 100)) (i32.const 1))))
      (func (export "traps")
        (drop (call $yield))
        unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "memory" (memory $mem))
      (export "slow" (func $slow))
      (export "return-u32" (func $return-u32))
      (export "thread.yield" (func $yield))
      (export "context.get" (func $context-get))
      (export "context.set" (func $context-set))
      (export "waitable-set.new" (func $set-new))
      (export "waitable-set.wait" (func $wait))
      (export "waitable.join" (func $join))
      (export "subtask.drop" (func $subtask-drop))))))
    (func (export "yields") async (param "x" u32) (param "n" u32) (result u32)
      (canon lift (core func $i "yields") async))
    (func (export "waits") async (param "x" u32) (result u32)
      (canon lift (core func $i "waits") async))
    (func (export "traps") async (result u32)
      (canon lift (core func $i "traps") async)))
  (instance $s (instantiate $S (with "slow" (func $c "slow"))))

  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $yields (canon lower (func $s "yields") async (memory $mem)))
  (core func $yields-sync (canon lower (func $s "yields")))
  (core func $waits (canon lower (func $s "waits") async (memory $mem)))
  (core func $traps (canon lower (func $s "traps") async (memory $mem)))
  (core func $set-new (canon waitable-set.new))
  (core func $wait (canon waitable-set.wait (memory $mem)))
  (core func $join (canon waitable.join))
  (core func $subtask-drop (canon subtask.drop))
  (core func $return-u32 (canon task.return (result u32)))
  (type $pair (tuple u32 u32))
  (type $four (tuple u32 u32 u32 u32))
  (core func $return-pair (canon task.return (result $pair)))
  (core func $return-four (canon task.return (result $four)))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "yields" (func $yields (param i32 i32 i32) (result i32)))
    (import "" "yields-sync" (func $yields-sync (param i32 i32) (result i32)))
    (import "" "waits" (func $waits (param i32 i32) (result i32)))
    (import "" "traps" (func $traps (param i32) (result i32)))
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
    (import "" "waitable.join" (func $join (param i32 i32)))
    (import "" "subtask.drop" (func $subtask-drop (param i32)))
    (import "" "return-u32" (func $return-u32 (param i32)))
    (import "" "return-pair" (func $return-pair (param i32 i32)))
    (import "" "return-four" (func $return-four (param i32 i32 i32 i32)))
    (func $expect (param $got i32) (param $want i32)
      (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
    ;; The handle of a call that came back STARTED.
    (func $started (param $status i32) (result i32)
      (call $expect (i32.and (local.get $status) (i32.const 0xf)) (i32.const 1))
      (i32.shr_u (local.get $status) (i32.const 4)))
    ;; Wait for subtask $h to return, then drop it.
    (func $await (param $h i32)
      (local $set i32)
      (local.set $set (call $set-new))
      (call $join (local.get $h) (local.get $set))
      (call $expect (call $wait (local.get $set) (i32.const 300)) (i32.const 1))
      (call $expect (i32.load (i32.const 300)) (local.get $h))
      (call $expect (i32.load (i32.const 304)) (i32.const 2))
      (call $subtask-drop (local.get $h)))

    ;; Two calls of `yields` (3 and 2 yields) run interleaved: both are
    ;; STARTED, and each keeps its own context slot. Their yields
    ;; alternate, so the second ends after four in all (200 + 4) and the
    ;; first after five (100 + 5); one after the other would give 103
    ;; and 205.
    (func (export "two") (result i32)
      (local $h1 i32) (local $h2 i32)
      (local.set $h1 (call $started (call $yields (i32.const 1) (i32.const 3) (i32.const 100))))
      (local.set $h2 (call $started (call $yields (i32.const 2) (i32.const 2) (i32.const 104))))
      (call $await (local.get $h1))
      (call $await (local.get $h2))
      (call $return-pair (i32.load (i32.const 100)) (i32.load (i32.const 104)))
      (i32.const 0))

    ;; `waits` blocks in `waitable-set.wait` for its own call of `slow`.
    (func (export "waits") (result i32)
      (local $h i32)
      (local.set $h (call $started (call $waits (i32.const 41) (i32.const 100))))
      (call $await (local.get $h))
      (call $return-u32 (i32.load (i32.const 100)))
      (i32.const 0))

    ;; A synchronous call waits for the callee's return.
    (func (export "sync") (result i32)
      (call $return-u32 (call $yields-sync (i32.const 7) (i32.const 2)))
      (i32.const 0))

    ;; A trap in a stackful callee, after it blocked, ends everything.
    (func (export "traps") (result i32)
      (call $await (call $started (call $traps (i32.const 100))))
      (call $return-u32 (i32.const 0))
      (i32.const 0))
    (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "yields" (func $yields))
    (export "yields-sync" (func $yields-sync))
    (export "waits" (func $waits))
    (export "traps" (func $traps))
    (export "waitable-set.new" (func $set-new))
    (export "waitable-set.wait" (func $wait))
    (export "waitable.join" (func $join))
    (export "subtask.drop" (func $subtask-drop))
    (export "return-u32" (func $return-u32))
    (export "return-pair" (func $return-pair))
    (export "return-four" (func $return-four))))))
  (alias core export $m "cb-unreachable" (core func $cb))
  (func (export "two") async (result $pair)
    (canon lift (core func $m "two") async (callback $cb)))
  (func (export "waits") async (result u32)
    (canon lift (core func $m "waits") async (callback $cb)))
  (func (export "sync") async (result u32)
    (canon lift (core func $m "sync") async (callback $cb)))
  (func (export "traps") async (result u32)
    (canon lift (core func $m "traps") async (callback $cb))))

(component instance $s1 $Stackful)
(assert_return (invoke "two") (tuple.const (u32.const 105) (u32.const 204)))
(component instance $s2 $Stackful)
(assert_return (invoke "waits") (u32.const 42))
(component instance $s3 $Stackful)
(assert_return (invoke "sync") (u32.const 702))
(component instance $s4 $Stackful)
(assert_trap (invoke "traps") "unreachable")
