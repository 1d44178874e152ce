;; Tasks blocked inside a turn, in larger numbers and deeper. A task that
;; one component instance starts in another and that blocks inside a turn
;; (a synchronous `waitable-set.wait` or `thread.yield`, a synchronous
;; call that must wait) is suspended there, and its caller goes on with
;; the subtask STARTED (1). What is tested here: suspension two calls
;; deep; forty suspended at once; a trap in one while others are
;; suspended; a call held back (STARTING, 0) that blocks once it starts,
;; so its caller hears STARTED and later RETURNED (2); and cancelling a
;; stackful callee that is yielding.

;; Suspension two calls deep. The outer component calls `$B`, whose task,
;; in its first turn, calls `$C`'s `c`, and `c` yields inside its own
;; first turn. `$B`'s task then blocks too: the stackful `bs` in a
;; synchronous `waitable-set.wait` for its async call of `c`; the
;; callback-form `bc` in a synchronous call of `c`. So the outer call of
;; `$B` comes back STARTED, and its event says RETURNED once `c`, then
;; `$B`, returned.
;;
;;   host --> run-* --async--> B.bs --async + wait--> C.c (yields in turn)
;;                    \-async--> B.bc --sync---------> C.c (yields in turn)
(component definition $Nested
  ;; `c` yields inside its first turn, then returns its argument plus one.
  (component $C
    (core func $return-u32 (canon task.return (result u32)))
    (core func $yield (canon thread.yield))
    (core module $m
      (import "" "return-u32" (func $return-u32 (param i32)))
      (import "" "thread.yield" (func $yield (result i32)))
      (func (export "c") (param $x i32) (result i32)
        (drop (call $yield))
        (call $return-u32 (i32.add (local.get $x) (i32.const 1)))
        (i32.const 0))
      (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "return-u32" (func $return-u32))
      (export "thread.yield" (func $yield))))))
    (func (export "c") async (param "x" u32) (result u32)
      (canon lift (core func $i "c") async (callback (core func $i "cb-unreachable")))))
  (instance $c (instantiate $C))

  ;; Both exports return c's result times ten.
  ;;   bs: stackful; calls `c` async (which must come back STARTED) and
  ;;       waits for it in a waitable set;
  ;;   bc: callback form; calls `c` synchronously in its first turn.
  (component $B
    (import "c" (func $c async (param "x" u32) (result u32)))
    (core module $libc (memory (export "memory") 1))
    (core instance $libc (instantiate $libc))
    (alias core export $libc "memory" (core memory $mem))
    (core func $c-async (canon lower (func $c) async (memory $mem)))
    (core func $c-sync (canon lower (func $c)))
    (core func $return-u32 (canon task.return (result u32)))
    (core func $set-new (canon waitable-set.new))
    (core func $wait (canon waitable-set.wait (memory $mem)))
    (core func $join (canon waitable.join))
    (core func $subtask-drop (canon subtask.drop))
    (core module $m
      (import "" "memory" (memory 1))
      (import "" "c-async" (func $c-async (param i32 i32) (result i32)))
      (import "" "c-sync" (func $c-sync (param i32) (result i32)))
      (import "" "return-u32" (func $return-u32 (param i32)))
      (import "" "waitable-set.new" (func $set-new (result i32)))
      (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
      (import "" "waitable.join" (func $join (param i32 i32)))
      (import "" "subtask.drop" (func $subtask-drop (param i32)))
      (func $expect (param $got i32) (param $want i32)
        (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
      (func (export "bs") (param $x i32)
        (local $s i32) (local $h i32) (local $set i32)
        (local.set $s (call $c-async (local.get $x) (i32.const 100)))
        (call $expect (i32.and (local.get $s) (i32.const 0xf)) (i32.const 1))
        (local.set $h (i32.shr_u (local.get $s) (i32.const 4)))
        (local.set $set (call $set-new))
        (call $join (local.get $h) (local.get $set))
        (call $expect (call $wait (local.get $set) (i32.const 200)) (i32.const 1))
        (call $expect (i32.load (i32.const 200)) (local.get $h))
        (call $expect (i32.load (i32.const 204)) (i32.const 2))
        (call $subtask-drop (local.get $h))
        (call $return-u32 (i32.mul (i32.load (i32.const 100)) (i32.const 10))))
      (func (export "bc") (param $x i32) (result i32)
        (call $return-u32 (i32.mul (call $c-sync (local.get $x)) (i32.const 10)))
        (i32.const 0))
      (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "memory" (memory $mem))
      (export "c-async" (func $c-async))
      (export "c-sync" (func $c-sync))
      (export "return-u32" (func $return-u32))
      (export "waitable-set.new" (func $set-new))
      (export "waitable-set.wait" (func $wait))
      (export "waitable.join" (func $join))
      (export "subtask.drop" (func $subtask-drop))))))
    (func (export "bs") async (param "x" u32) (result u32)
      (canon lift (core func $i "bs") async))
    (func (export "bc") async (param "x" u32) (result u32)
      (canon lift (core func $i "bc") async (callback (core func $i "cb-unreachable")))))
  (instance $b (instantiate $B (with "c" (func $c "c"))))

  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $bs (canon lower (func $b "bs") async (memory $mem)))
  (core func $bc (canon lower (func $b "bc") async (memory $mem)))
  (core func $set-new (canon waitable-set.new))
  (core func $wait (canon waitable-set.wait (memory $mem)))
  (core func $join (canon waitable.join))
  (core func $subtask-drop (canon subtask.drop))
  (type $three (tuple u32 u32 u32))
  (core func $return-three (canon task.return (result $three)))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "bs" (func $bs (param i32 i32) (result i32)))
    (import "" "bc" (func $bc (param i32 i32) (result i32)))
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
    (import "" "waitable.join" (func $join (param i32 i32)))
    (import "" "subtask.drop" (func $subtask-drop (param i32)))
    (import "" "return-three" (func $return-three (param i32 i32 i32)))
    (func $expect (param $got i32) (param $want i32)
      (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
    ;; Given the status a call of `$B` came back with, wait for the
    ;; subtask's event and give the state it came back with, the state
    ;; the event carried, and `$B`'s result.
    (func $finish (param $s i32)
      (local $h i32) (local $set i32)
      (local.set $h (i32.shr_u (local.get $s) (i32.const 4)))
      (if (i32.eqz (local.get $h)) (then unreachable))
      (call $expect (i32.load (i32.const 100)) (i32.const 0xdead))
      (local.set $set (call $set-new))
      (call $join (local.get $h) (local.get $set))
      (call $expect (call $wait (local.get $set) (i32.const 200)) (i32.const 1))
      (call $expect (i32.load (i32.const 200)) (local.get $h))
      (call $subtask-drop (local.get $h))
      (call $return-three (i32.and (local.get $s) (i32.const 0xf))
        (i32.load (i32.const 204)) (i32.load (i32.const 100))))
    (func (export "run-stackful") (param $x i32) (result i32)
      (i32.store (i32.const 100) (i32.const 0xdead))
      (call $finish (call $bs (local.get $x) (i32.const 100)))
      (i32.const 0))
    (func (export "run-callback") (param $x i32) (result i32)
      (i32.store (i32.const 100) (i32.const 0xdead))
      (call $finish (call $bc (local.get $x) (i32.const 100)))
      (i32.const 0))
    (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "bs" (func $bs))
    (export "bc" (func $bc))
    (export "waitable-set.new" (func $set-new))
    (export "waitable-set.wait" (func $wait))
    (export "waitable.join" (func $join))
    (export "subtask.drop" (func $subtask-drop))
    (export "return-three" (func $return-three))))))
  (alias core export $m "cb-unreachable" (core func $cb))
  (func (export "run-stackful") async (param "x" u32) (result $three)
    (canon lift (core func $m "run-stackful") async (callback $cb)))
  (func (export "run-callback") async (param "x" u32) (result $three)
    (canon lift (core func $m "run-callback") async (callback $cb))))

(component instance $nested $Nested)
;; `bs` STARTED (1), then RETURNED (2) with (4 + 1) * 10; the same for
;; `bc` with (7 + 1) * 10. Each call of `c` and of `$B` blocked inside its
;; first turn, so neither came back RETURNED at once.
(assert_return (invoke "run-stackful" (u32.const 4))
  (tuple.const (u32.const 1) (u32.const 2) (u32.const 50)))
(assert_return (invoke "run-callback" (u32.const 7))
  (tuple.const (u32.const 1) (u32.const 2) (u32.const 80)))

;; Many at once. `many` starts forty async calls of the stackful `dbl`,
;; with arguments 1 to 40; each call yields 1 to 4 times (its argument
;; mod 4, plus one) before it returns its argument times two, so each
;; comes back STARTED and all forty are suspended at the same time. (That
;; is more tasks blocked at once than a runtime might keep stacks for in
;; a pool.) `many` joins them all to one waitable set and waits forty
;; times; each event must be a subtask's (1) saying RETURNED (2), of a
;; subtask not yet seen. Gives how many came back STARTED, how many
;; events came, and the sum of the results: 2 * (1 + ... + 40) = 1640.
(component definition $Many
  (component $S
    (core func $return-u32 (canon task.return (result u32)))
    (core func $yield (canon thread.yield))
    (core module $m
      (import "" "return-u32" (func $return-u32 (param i32)))
      (import "" "thread.yield" (func $yield (result i32)))
      (func (export "dbl") (param $x i32)
        (local $n i32)
        (local.set $n (i32.add (i32.rem_u (local.get $x) (i32.const 4)) (i32.const 1)))
        (loop $again
          (drop (call $yield))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br_if $again (local.get $n)))
        (call $return-u32 (i32.mul (local.get $x) (i32.const 2)))))
    (core instance $i (instantiate $m (with "" (instance
      (export "return-u32" (func $return-u32))
      (export "thread.yield" (func $yield))))))
    (func (export "dbl") async (param "x" u32) (result u32)
      (canon lift (core func $i "dbl") async)))
  (instance $s (instantiate $S))

  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $dbl (canon lower (func $s "dbl") async (memory $mem)))
  (core func $set-new (canon waitable-set.new))
  (core func $wait (canon waitable-set.wait (memory $mem)))
  (core func $join (canon waitable.join))
  (core func $subtask-drop (canon subtask.drop))
  (type $three (tuple u32 u32 u32))
  (core func $return-three (canon task.return (result $three)))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "dbl" (func $dbl (param i32 i32) (result i32)))
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
    (import "" "waitable.join" (func $join (param i32 i32)))
    (import "" "subtask.drop" (func $subtask-drop (param i32)))
    (import "" "return-three" (func $return-three (param i32 i32 i32)))
    (func $expect (param $got i32) (param $want i32)
      (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
    ;; Call i's result goes to 1000 + 4i; the handle it came back with to
    ;; 2000 + 4i, cleared once its event came.
    (func (export "many") (result i32)
      (local $i i32) (local $s i32) (local $h i32) (local $set i32)
      (local $started i32) (local $events i32) (local $sum i32)
      (local.set $set (call $set-new))
      (local.set $i (i32.const 1))
      (loop $start
        (i32.store (i32.add (i32.const 1000) (i32.shl (local.get $i) (i32.const 2)))
          (i32.const 0xdead))
        (local.set $s (call $dbl (local.get $i)
          (i32.add (i32.const 1000) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.eq (i32.and (local.get $s) (i32.const 0xf)) (i32.const 1)) (then
          (local.set $started (i32.add (local.get $started) (i32.const 1)))))
        (local.set $h (i32.shr_u (local.get $s) (i32.const 4)))
        (if (i32.eqz (local.get $h)) (then unreachable))
        (i32.store (i32.add (i32.const 2000) (i32.shl (local.get $i) (i32.const 2)))
          (local.get $h))
        (call $join (local.get $h) (local.get $set))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $start (i32.le_u (local.get $i) (i32.const 40))))
      (loop $collect
        (call $expect (call $wait (local.get $set) (i32.const 200)) (i32.const 1))
        (call $expect (i32.load (i32.const 204)) (i32.const 2))
        (local.set $h (i32.load (i32.const 200)))
        ;; The handle must be one of the forty, not yet seen.
        (local.set $i (i32.const 1))
        (block $found
          (loop $find
            (br_if $found (i32.eq (local.get $h)
              (i32.load (i32.add (i32.const 2000) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $find (i32.le_u (local.get $i) (i32.const 40)))
            unreachable))
        (i32.store (i32.add (i32.const 2000) (i32.shl (local.get $i) (i32.const 2))) (i32.const 0))
        (call $subtask-drop (local.get $h))
        (local.set $events (i32.add (local.get $events) (i32.const 1)))
        (br_if $collect (i32.lt_u (local.get $events) (i32.const 40))))
      (local.set $i (i32.const 1))
      (loop $add
        (local.set $sum (i32.add (local.get $sum)
          (i32.load (i32.add (i32.const 1000) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $add (i32.le_u (local.get $i) (i32.const 40))))
      (call $return-three (local.get $started) (local.get $events) (local.get $sum))
      (i32.const 0))
    (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "dbl" (func $dbl))
    (export "waitable-set.new" (func $set-new))
    (export "waitable-set.wait" (func $wait))
    (export "waitable.join" (func $join))
    (export "subtask.drop" (func $subtask-drop))
    (export "return-three" (func $return-three))))))
  (func (export "many") async (result $three)
    (canon lift (core func $m "many") async (callback (core func $m "cb-unreachable")))))

(component instance $many $Many)
;; All forty STARTED, forty events, sum 1640. A second round on the same
;; instance gives the same: nothing of the first forty is left in the way.
(assert_return (invoke "many")
  (tuple.const (u32.const 40) (u32.const 40) (u32.const 1640)))
(assert_return (invoke "many")
  (tuple.const (u32.const 40) (u32.const 40) (u32.const 1640)))

;; A trap while other tasks are suspended. `boom` starts two calls of the
;; stackful `spin`, which yields 100000 times (far longer than the rest of
;; the case takes), and then one of `fail`, which yields once and traps;
;; all three come back STARTED. `boom` then waits on all three: `fail`
;; traps while both `spin`s are suspended in their loops, and the trap
;; ends the host's call. (Were any call not STARTED, or any event to
;; come first, `boom` would return, 1 or 2, and the assertion fail.) A
;; fresh instance of the same definition then answers a call as usual:
;; `ok` awaits `spin` yielding three times, which returns 3.
(component definition $Trap
  (component $S
    (core func $return-u32 (canon task.return (result u32)))
    (core func $yield (canon thread.yield))
    (core module $m
      (import "" "return-u32" (func $return-u32 (param i32)))
      (import "" "thread.yield" (func $yield (result i32)))
      (func (export "spin") (param $n i32)
        (local $i i32)
        (loop $again
          (if (i32.lt_u (local.get $i) (local.get $n)) (then
            (drop (call $yield))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $again))))
        (call $return-u32 (local.get $i)))
      (func (export "fail")
        (drop (call $yield))
        unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "return-u32" (func $return-u32))
      (export "thread.yield" (func $yield))))))
    (func (export "spin") async (param "n" u32) (result u32)
      (canon lift (core func $i "spin") async))
    (func (export "fail") async (result u32)
      (canon lift (core func $i "fail") async)))
  (instance $s (instantiate $S))

  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $spin (canon lower (func $s "spin") async (memory $mem)))
  (core func $fail (canon lower (func $s "fail") async (memory $mem)))
  (core func $set-new (canon waitable-set.new))
  (core func $wait (canon waitable-set.wait (memory $mem)))
  (core func $join (canon waitable.join))
  (core func $subtask-drop (canon subtask.drop))
  (core func $return-u32 (canon task.return (result u32)))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "spin" (func $spin (param i32 i32) (result i32)))
    (import "" "fail" (func $fail (param i32) (result i32)))
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
    (import "" "waitable.join" (func $join (param i32 i32)))
    (import "" "subtask.drop" (func $subtask-drop (param i32)))
    (import "" "return-u32" (func $return-u32 (param i32)))
    (func $expect (param $got i32) (param $want i32)
      (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
    (func (export "boom") (result i32)
      (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $set i32)
      (local.set $s1 (call $spin (i32.const 100000) (i32.const 100)))
      (local.set $s2 (call $spin (i32.const 100000) (i32.const 104)))
      (local.set $s3 (call $fail (i32.const 108)))
      ;; A call not STARTED returns 1, failing the assertion (rather than
      ;; trapping, which would pass it).
      (if (i32.or (i32.or
            (i32.ne (i32.and (local.get $s1) (i32.const 0xf)) (i32.const 1))
            (i32.ne (i32.and (local.get $s2) (i32.const 0xf)) (i32.const 1)))
            (i32.ne (i32.and (local.get $s3) (i32.const 0xf)) (i32.const 1)))
        (then
          (call $return-u32 (i32.const 1))
          (return (i32.const 0))))
      (local.set $set (call $set-new))
      (call $join (i32.shr_u (local.get $s1) (i32.const 4)) (local.get $set))
      (call $join (i32.shr_u (local.get $s2) (i32.const 4)) (local.get $set))
      (call $join (i32.shr_u (local.get $s3) (i32.const 4)) (local.get $set))
      (drop (call $wait (local.get $set) (i32.const 200)))
      (call $return-u32 (i32.const 2))
      (i32.const 0))
    (func (export "ok") (result i32)
      (local $s i32) (local $h i32) (local $set i32)
      (local.set $s (call $spin (i32.const 3) (i32.const 100)))
      (call $expect (i32.and (local.get $s) (i32.const 0xf)) (i32.const 1))
      (local.set $h (i32.shr_u (local.get $s) (i32.const 4)))
      (local.set $set (call $set-new))
      (call $join (local.get $h) (local.get $set))
      (call $expect (call $wait (local.get $set) (i32.const 200)) (i32.const 1))
      (call $expect (i32.load (i32.const 200)) (local.get $h))
      (call $expect (i32.load (i32.const 204)) (i32.const 2))
      (call $subtask-drop (local.get $h))
      (call $return-u32 (i32.load (i32.const 100)))
      (i32.const 0))
    (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "spin" (func $spin))
    (export "fail" (func $fail))
    (export "waitable-set.new" (func $set-new))
    (export "waitable-set.wait" (func $wait))
    (export "waitable.join" (func $join))
    (export "subtask.drop" (func $subtask-drop))
    (export "return-u32" (func $return-u32))))))
  (alias core export $m "cb-unreachable" (core func $cb))
  (func (export "boom") async (result u32)
    (canon lift (core func $m "boom") async (callback $cb)))
  (func (export "ok") async (result u32)
    (canon lift (core func $m "ok") async (callback $cb))))

(component instance $trap1 $Trap)
(assert_trap (invoke "boom") "unreachable")
(component instance $trap2 $Trap)
(assert_return (invoke "ok") (u32.const 3))

;; A held call that blocks once it starts. `gate` raises `$A`'s
;; backpressure, returns at once, yields once, and in its next callback
;; notes how many calls of `f`/`fs` had started by then (`released-at`)
;; and lowers backpressure. A call of `f` (callback form) or `fs`
;; (stackful) made while it is up comes back STARTING (0), its result
;; slot untouched. The caller then waits: `gate` lowers backpressure, the
;; held call starts and yields (three times) inside its first turn, so
;; the caller's first event for it says STARTED (1); waiting again, the
;; next says RETURNED (2), with the argument plus one written. (An event
;; gives the subtask's state when it is taken: a held call that returned
;; within its first turn would give one event, RETURNED.)
(component definition $Held
  (component $A
    (core func $bp-inc (canon backpressure.inc))
    (core func $bp-dec (canon backpressure.dec))
    (core func $return-none (canon task.return))
    (core func $return-u32 (canon task.return (result u32)))
    (core func $yield (canon thread.yield))
    (core module $m
      (import "" "backpressure.inc" (func $bp-inc))
      (import "" "backpressure.dec" (func $bp-dec))
      (import "" "return-none" (func $return-none))
      (import "" "return-u32" (func $return-u32 (param i32)))
      (import "" "thread.yield" (func $yield (result i32)))
      (global $starts (mut i32) (i32.const 0))
      (global $released-at (mut i32) (i32.const 99))
      (func $yield-thrice
        (drop (call $yield))
        (drop (call $yield))
        (drop (call $yield)))
      (func (export "gate") (result i32)
        (call $bp-inc)
        (call $return-none)
        ;; YIELD
        (i32.const 1))
      (func (export "gate-cb") (param i32 i32 i32) (result i32)
        (global.set $released-at (global.get $starts))
        (call $bp-dec)
        (i32.const 0))
      (func (export "f") (param $x i32) (result i32)
        (global.set $starts (i32.add (global.get $starts) (i32.const 1)))
        (call $yield-thrice)
        (call $return-u32 (i32.add (local.get $x) (i32.const 1)))
        (i32.const 0))
      (func (export "fs") (param $x i32)
        (global.set $starts (i32.add (global.get $starts) (i32.const 1)))
        (call $yield-thrice)
        (call $return-u32 (i32.add (local.get $x) (i32.const 1))))
      (func (export "released-at") (result i32) (global.get $released-at))
      (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "backpressure.inc" (func $bp-inc))
      (export "backpressure.dec" (func $bp-dec))
      (export "return-none" (func $return-none))
      (export "return-u32" (func $return-u32))
      (export "thread.yield" (func $yield))))))
    (func (export "gate") async
      (canon lift (core func $i "gate") async (callback (core func $i "gate-cb"))))
    (func (export "f") async (param "x" u32) (result u32)
      (canon lift (core func $i "f") async (callback (core func $i "cb-unreachable"))))
    (func (export "fs") async (param "x" u32) (result u32)
      (canon lift (core func $i "fs") async))
    (func (export "released-at") (result u32)
      (canon lift (core func $i "released-at"))))
  (instance $a (instantiate $A))

  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $gate (canon lower (func $a "gate") async (memory $mem)))
  (core func $f (canon lower (func $a "f") async (memory $mem)))
  (core func $fs (canon lower (func $a "fs") async (memory $mem)))
  (core func $released-at (canon lower (func $a "released-at")))
  (core func $set-new (canon waitable-set.new))
  (core func $wait (canon waitable-set.wait (memory $mem)))
  (core func $join (canon waitable.join))
  (core func $subtask-drop (canon subtask.drop))
  (type $five (tuple u32 u32 u32 u32 u32))
  (core func $return-five (canon task.return (result $five)))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "gate" (func $gate (result i32)))
    (import "" "f" (func $f (param i32 i32) (result i32)))
    (import "" "fs" (func $fs (param i32 i32) (result i32)))
    (import "" "released-at" (func $released-at (result i32)))
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
    (import "" "waitable.join" (func $join (param i32 i32)))
    (import "" "subtask.drop" (func $subtask-drop (param i32)))
    (import "" "return-five" (func $return-five (param i32 i32 i32 i32 i32)))
    (func $expect (param $got i32) (param $want i32)
      (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
    ;; Wait on $set for the next event, which must be subtask $h's, and
    ;; give the state it carried.
    (func $next (param $set i32) (param $h i32) (result i32)
      (call $expect (call $wait (local.get $set) (i32.const 200)) (i32.const 1))
      (call $expect (i32.load (i32.const 200)) (local.get $h))
      (i32.load (i32.const 204)))
    ;; Given the status the held call came back with, give that state,
    ;; the states its first and second events carried, its result, and
    ;; how many calls had started when backpressure went down.
    (func $finish (param $s i32)
      (local $h i32) (local $set i32) (local $e1 i32) (local $e2 i32)
      (local.set $h (i32.shr_u (local.get $s) (i32.const 4)))
      (if (i32.eqz (local.get $h)) (then unreachable))
      (call $expect (i32.load (i32.const 100)) (i32.const 0xdead))
      (local.set $set (call $set-new))
      (call $join (local.get $h) (local.get $set))
      (local.set $e1 (call $next (local.get $set) (local.get $h)))
      (if (i32.ne (local.get $e1) (i32.const 2)) (then
        (local.set $e2 (call $next (local.get $set) (local.get $h)))))
      (call $subtask-drop (local.get $h))
      (call $return-five (i32.and (local.get $s) (i32.const 0xf))
        (local.get $e1) (local.get $e2) (i32.load (i32.const 100)) (call $released-at)))
    (func (export "held") (result i32)
      (call $expect (call $gate) (i32.const 2))
      (i32.store (i32.const 100) (i32.const 0xdead))
      (call $finish (call $f (i32.const 41) (i32.const 100)))
      (i32.const 0))
    (func (export "held-stackful") (result i32)
      (call $expect (call $gate) (i32.const 2))
      (i32.store (i32.const 100) (i32.const 0xdead))
      (call $finish (call $fs (i32.const 41) (i32.const 100)))
      (i32.const 0))
    (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "gate" (func $gate))
    (export "f" (func $f))
    (export "fs" (func $fs))
    (export "released-at" (func $released-at))
    (export "waitable-set.new" (func $set-new))
    (export "waitable-set.wait" (func $wait))
    (export "waitable.join" (func $join))
    (export "subtask.drop" (func $subtask-drop))
    (export "return-five" (func $return-five))))))
  (alias core export $m "cb-unreachable" (core func $cb))
  (func (export "held") async (result $five)
    (canon lift (core func $m "held") async (callback $cb)))
  (func (export "held-stackful") async (result $five)
    (canon lift (core func $m "held-stackful") async (callback $cb))))

;; STARTING (0); first event STARTED (1), second RETURNED (2); 41 + 1;
;; no call had started when backpressure went down.
(component instance $held1 $Held)
(assert_return (invoke "held")
  (tuple.const (u32.const 0) (u32.const 1) (u32.const 2) (u32.const 42) (u32.const 0)))
(component instance $held2 $Held)
(assert_return (invoke "held-stackful")
  (tuple.const (u32.const 0) (u32.const 1) (u32.const 2) (u32.const 42) (u32.const 0)))

;; Cancelling a stackful callee suspended in a yield loop. `spin` yields
;; five times by a plain `thread.yield`, which does not let a cancellation
;; through: the cancel is not delivered, `spin` runs to its end and
;; returns 5. So a synchronous `subtask.cancel` waits for that and gives
;; RETURNED (2), the result written; `subtask.cancel async` gives BLOCKED
;; (-1), and the subtask's event later says RETURNED (2). `done` counts
;; the callees that ran to their end and `seen` the yields that reported
;; a cancellation (a plain yield gives 0, never 1, cancelled).
(component definition $Cancel
  (component $S
    (core func $return-u32 (canon task.return (result u32)))
    (core func $yield (canon thread.yield))
    (core module $m
      (import "" "return-u32" (func $return-u32 (param i32)))
      (import "" "thread.yield" (func $yield (result i32)))
      (global $done (mut i32) (i32.const 0))
      (global $seen (mut i32) (i32.const 0))
      (func (export "spin") (param $n i32)
        (local $i i32)
        (loop $again
          (if (i32.lt_u (local.get $i) (local.get $n)) (then
            (global.set $seen (i32.add (global.get $seen) (call $yield)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $again))))
        (global.set $done (i32.add (global.get $done) (i32.const 1)))
        (call $return-u32 (local.get $i)))
      (func (export "done") (result i32) (global.get $done))
      (func (export "seen") (result i32) (global.get $seen)))
    (core instance $i (instantiate $m (with "" (instance
      (export "return-u32" (func $return-u32))
      (export "thread.yield" (func $yield))))))
    (func (export "spin") async (param "n" u32) (result u32)
      (canon lift (core func $i "spin") async))
    (func (export "done") (result u32) (canon lift (core func $i "done")))
    (func (export "seen") (result u32) (canon lift (core func $i "seen"))))
  (instance $s (instantiate $S))

  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $spin (canon lower (func $s "spin") async (memory $mem)))
  (core func $done (canon lower (func $s "done")))
  (core func $seen (canon lower (func $s "seen")))
  (core func $cancel (canon subtask.cancel))
  (core func $cancel-async (canon subtask.cancel async))
  (core func $set-new (canon waitable-set.new))
  (core func $wait (canon waitable-set.wait (memory $mem)))
  (core func $join (canon waitable.join))
  (core func $subtask-drop (canon subtask.drop))
  (type $six (tuple u32 u32 u32 u32 u32 u32))
  (core func $return-six (canon task.return (result $six)))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "spin" (func $spin (param i32 i32) (result i32)))
    (import "" "done" (func $done (result i32)))
    (import "" "seen" (func $seen (result i32)))
    (import "" "subtask.cancel" (func $cancel (param i32) (result i32)))
    (import "" "subtask.cancel-async" (func $cancel-async (param i32) (result i32)))
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
    (import "" "waitable.join" (func $join (param i32 i32)))
    (import "" "subtask.drop" (func $subtask-drop (param i32)))
    (import "" "return-six" (func $return-six (param i32 i32 i32 i32 i32 i32)))
    (func $expect (param $got i32) (param $want i32)
      (if (i32.ne (local.get $got) (local.get $want)) (then unreachable)))
    ;; Calls `spin` to yield five times, cancels it, synchronously
    ;; ($async = 0) or not, and, if that cancel gave BLOCKED, waits for
    ;; the subtask's event. Gives the state the call came back with, what
    ;; the cancel gave, the state the event carried (0 if none was waited
    ;; for), the result slot, `done` and `seen`. The subtask is resolved
    ;; by then, so it may be dropped.
    (func (export "cancel") (param $async i32) (result i32)
      (local $s i32) (local $h i32) (local $r i32) (local $set i32) (local $e i32)
      (i32.store (i32.const 100) (i32.const 0xdead))
      (local.set $s (call $spin (i32.const 5) (i32.const 100)))
      (local.set $h (i32.shr_u (local.get $s) (i32.const 4)))
      (if (i32.eqz (local.get $h)) (then unreachable))
      (if (local.get $async)
        (then (local.set $r (call $cancel-async (local.get $h))))
        (else (local.set $r (call $cancel (local.get $h)))))
      (if (i32.eq (local.get $r) (i32.const -1)) (then
        (local.set $set (call $set-new))
        (call $join (local.get $h) (local.get $set))
        (call $expect (call $wait (local.get $set) (i32.const 200)) (i32.const 1))
        (call $expect (i32.load (i32.const 200)) (local.get $h))
        (local.set $e (i32.load (i32.const 204)))))
      (call $subtask-drop (local.get $h))
      (call $return-six (i32.and (local.get $s) (i32.const 0xf)) (local.get $r) (local.get $e)
        (i32.load (i32.const 100)) (call $done) (call $seen))
      (i32.const 0))
    (func (export "cb-unreachable") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "spin" (func $spin))
    (export "done" (func $done))
    (export "seen" (func $seen))
    (export "subtask.cancel" (func $cancel))
    (export "subtask.cancel-async" (func $cancel-async))
    (export "waitable-set.new" (func $set-new))
    (export "waitable-set.wait" (func $wait))
    (export "waitable.join" (func $join))
    (export "subtask.drop" (func $subtask-drop))
    (export "return-six" (func $return-six))))))
  (func (export "cancel") async (param "async" u32) (result $six)
    (canon lift (core func $m "cancel") async (callback (core func $m "cb-unreachable")))))

;; Synchronous cancel: STARTED (1); RETURNED (2); no event waited for;
;; 5 written; ran to its end; no yield saw the cancel.
(component instance $cancel1 $Cancel)
(assert_return (invoke "cancel" (u32.const 0))
  (tuple.const (u32.const 1) (u32.const 2) (u32.const 0)
    (u32.const 5) (u32.const 1) (u32.const 0)))
;; Async cancel: STARTED; BLOCKED (-1); the event says RETURNED (2); 5
;; written; ran to its end; no yield saw the cancel.
(component instance $cancel2 $Cancel)
(assert_return (invoke "cancel" (u32.const 1))
  (tuple.const (u32.const 1) (u32.const 0xffffffff) (u32.const 2)
    (u32.const 5) (u32.const 1) (u32.const 0)))
