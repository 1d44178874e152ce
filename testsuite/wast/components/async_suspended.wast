;; Turns suspended on stacks of their own. A task another instance
;; started runs on a fiber; when it blocks inside a turn it is suspended
;; there, keeping its instance's lock, and whoever started it goes on.
;; What that must not break: a call from the host waits for the lock; a
;; suspended task may be cancelled; a fiber's stack is bounded as the
;; host's is; a start function may make such calls; and a synchronous
;; task may still not block, even when what blocks is a callee running on
;; its stack.

;; `run` calls `$A`'s `hold`, which yields inside its turn and is left
;; suspended, holding `$A`'s lock, when `run` returns (with `hold`
;; STARTED, 1). The host's next call, `probe`, must wait for that turn to
;; end: it sees `hold` outside its critical section (0).
(component definition $Left
  (component $A
    (core func $return (canon task.return (result u32)))
    (core func $yield (canon thread.yield))
    (core module $m
      (import "" "task.return" (func $return (param i32)))
      (import "" "thread.yield" (func $yield (result i32)))
      (global $in (mut i32) (i32.const 0))
      (func (export "hold") (result i32)
        (global.set $in (i32.const 1))
        (drop (call $yield))
        (global.set $in (i32.const 0))
        (call $return (i32.const 7))
        (i32.const 0))
      (func (export "probe") (result i32)
        (call $return (global.get $in))
        (i32.const 0))
      (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "task.return" (func $return))
      (export "thread.yield" (func $yield))))))
    (func (export "hold") async (result u32)
      (canon lift (core func $i "hold") async (callback (core func $i "cb"))))
    (func (export "probe") async (result u32)
      (canon lift (core func $i "probe") async (callback (core func $i "cb")))))
  (instance $a (instantiate $A))
  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $hold (canon lower (func $a "hold") async (memory $mem)))
  (core func $return-u32 (canon task.return (result u32)))
  (core module $m
    (import "" "hold" (func $hold (param i32) (result i32)))
    (import "" "return-u32" (func $return-u32 (param i32)))
    (func (export "run") (result i32)
      (call $return-u32 (i32.and (call $hold (i32.const 100)) (i32.const 0xf)))
      (i32.const 0))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "hold" (func $hold))
    (export "return-u32" (func $return-u32))))))
  (alias core export $m "cb" (core func $cb))
  (func (export "run") async (result u32)
    (canon lift (core func $m "run") async (callback $cb)))
  (export "probe" (func $a "probe")))
(component instance $l $Left)
(assert_return (invoke "run") (u32.const 1))
(assert_return (invoke "probe") (u32.const 0))

;; Cancelling a subtask whose callee is suspended inside its first turn:
;; the callee hears of it when that turn ends and its next event comes
;; (task-cancelled), and ends by `task.cancel`; the caller sees STARTED
;; (1), then CANCELLED_BEFORE_RETURNED (4), whether it cancels
;; synchronously or not (then waiting for the event).
(component definition $K
  (component $A
    (core func $cancel (canon task.cancel))
    (core func $yield (canon thread.yield))
    (core module $m
      (import "" "task.cancel" (func $cancel))
      (import "" "thread.yield" (func $yield (result i32)))
      (func (export "hold") (result i32)
        (drop (call $yield))
        (i32.const 1))
      (func (export "cb") (param $e i32) (param i32 i32) (result i32)
        (if (i32.ne (local.get $e) (i32.const 6)) (then unreachable))
        (call $cancel)
        (i32.const 0)))
    (core instance $i (instantiate $m (with "" (instance
      (export "task.cancel" (func $cancel))
      (export "thread.yield" (func $yield))))))
    (func (export "hold") async (result u32)
      (canon lift (core func $i "hold") async (callback (core func $i "cb")))))
  (instance $a (instantiate $A))
  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $hold (canon lower (func $a "hold") async (memory $mem)))
  (core func $sc (canon subtask.cancel))
  (core func $sca (canon subtask.cancel async))
  (core func $set-new (canon waitable-set.new))
  (core func $wait (canon waitable-set.wait (memory $mem)))
  (core func $join (canon waitable.join))
  (core func $return-pair (canon task.return (result (tuple u32 u32))))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "hold" (func $hold (param i32) (result i32)))
    (import "" "sc" (func $sc (param i32) (result i32)))
    (import "" "sca" (func $sca (param i32) (result i32)))
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
    (import "" "waitable.join" (func $join (param i32 i32)))
    (import "" "return-pair" (func $return-pair (param i32 i32)))
    (func (export "sync") (result i32)
      (local $s i32)
      (local.set $s (call $hold (i32.const 100)))
      (call $return-pair (i32.and (local.get $s) (i32.const 0xf))
        (call $sc (i32.shr_u (local.get $s) (i32.const 4))))
      (i32.const 0))
    (func (export "async") (result i32)
      (local $s i32) (local $r i32) (local $set i32)
      (local.set $s (call $hold (i32.const 100)))
      (local.set $r (call $sca (i32.shr_u (local.get $s) (i32.const 4))))
      (if (i32.ne (local.get $r) (i32.const -1)) (then unreachable))
      (local.set $set (call $set-new))
      (call $join (i32.shr_u (local.get $s) (i32.const 4)) (local.get $set))
      (drop (call $wait (local.get $set) (i32.const 200)))
      (call $return-pair (i32.and (local.get $s) (i32.const 0xf)) (i32.load (i32.const 204)))
      (i32.const 0))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "hold" (func $hold))
    (export "sc" (func $sc))
    (export "sca" (func $sca))
    (export "waitable-set.new" (func $set-new))
    (export "waitable-set.wait" (func $wait))
    (export "waitable.join" (func $join))
    (export "return-pair" (func $return-pair))))))
  (alias core export $m "cb" (core func $cb))
  (func (export "sync") async (result (tuple u32 u32))
    (canon lift (core func $m "sync") async (callback $cb)))
  (func (export "async") async (result (tuple u32 u32))
    (canon lift (core func $m "async") async (callback $cb))))
(component instance $k1 $K)
(assert_return (invoke "sync") (tuple.const (u32.const 1) (u32.const 4)))
(component instance $k2 $K)
(assert_return (invoke "async") (tuple.const (u32.const 1) (u32.const 4)))

;; Unbounded recursion in a stackful callee, on its fiber, at once or
;; after it blocked once: the call stack is exhausted, a trap, as on the
;; host's stack.
(component definition $Deep
  (component $S
    (core func $yield (canon thread.yield))
    (core module $m
      (import "" "thread.yield" (func $yield (result i32)))
      (func $rec (param i32) (result i32)
        (i32.add (call $rec (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
      (func (export "deep")
        (drop (call $rec (i32.const 0))))
      (func (export "deep-later")
        (drop (call $yield))
        (drop (call $rec (i32.const 0)))))
    (core instance $i (instantiate $m (with "" (instance
      (export "thread.yield" (func $yield))))))
    (func (export "deep") async (result u32)
      (canon lift (core func $i "deep") async))
    (func (export "deep-later") async (result u32)
      (canon lift (core func $i "deep-later") async)))
  (instance $s (instantiate $S))
  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $deep (canon lower (func $s "deep") async (memory $mem)))
  (core func $deep-later (canon lower (func $s "deep-later") async (memory $mem)))
  (core func $set-new (canon waitable-set.new))
  (core func $wait (canon waitable-set.wait (memory $mem)))
  (core func $join (canon waitable.join))
  (core func $return-u32 (canon task.return (result u32)))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "deep" (func $deep (param i32) (result i32)))
    (import "" "deep-later" (func $deep-later (param i32) (result i32)))
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
    (import "" "waitable.join" (func $join (param i32 i32)))
    (import "" "return-u32" (func $return-u32 (param i32)))
    (func (export "a") (result i32)
      (drop (call $deep (i32.const 100)))
      (call $return-u32 (i32.const 0))
      (i32.const 0))
    (func (export "b") (result i32)
      (local $s i32) (local $set i32)
      (local.set $s (call $deep-later (i32.const 100)))
      (local.set $set (call $set-new))
      (call $join (i32.shr_u (local.get $s) (i32.const 4)) (local.get $set))
      (drop (call $wait (local.get $set) (i32.const 200)))
      (call $return-u32 (i32.const 0))
      (i32.const 0))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "deep" (func $deep))
    (export "deep-later" (func $deep-later))
    (export "waitable-set.new" (func $set-new))
    (export "waitable-set.wait" (func $wait))
    (export "waitable.join" (func $join))
    (export "return-u32" (func $return-u32))))))
  (alias core export $m "cb" (core func $cb))
  (func (export "a") async (result u32)
    (canon lift (core func $m "a") async (callback $cb)))
  (func (export "b") async (result u32)
    (canon lift (core func $m "b") async (callback $cb))))
(component instance $d1 $Deep)
(assert_trap (invoke "a") "call stack exhausted")
(component instance $d2 $Deep)
(assert_trap (invoke "b") "call stack exhausted")

;; A start function's async call runs the callee on a fiber while the
;; component is still being instantiated; `f` returns 7 at once
;; (RETURNED, 2): 2 + 7.
(component
  (component $A
    (core func $return (canon task.return (result u32)))
    (core module $m
      (import "" "task.return" (func $return (param i32)))
      (func (export "f") (result i32)
        (call $return (i32.const 7))
        (i32.const 0))
      (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "task.return" (func $return))))))
    (func (export "f") async (result u32)
      (canon lift (core func $i "f") async (callback (core func $i "cb")))))
  (instance $a (instantiate $A))
  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $f (canon lower (func $a "f") async (memory $mem)))
  (core module $m
    (import "" "memory" (memory 1))
    (import "" "f" (func $f (param i32) (result i32)))
    (global $st (mut i32) (i32.const 0))
    (func $start (global.set $st (call $f (i32.const 100))))
    (start $start)
    (func (export "get") (result i32) (i32.add (global.get $st) (i32.load (i32.const 100)))))
  (core instance $m (instantiate $m (with "" (instance
    (export "memory" (memory $mem))
    (export "f" (func $f))))))
  (func (export "get") (result u32) (canon lift (core func $m "get"))))
(assert_return (invoke "get") (u32.const 9))

;; A synchronous task may not block, even when what blocks is its
;; callee's turn running on its stack, inside another task's fiber: X's
;; callback-form `f` calls `$B`'s sync-lifted `bsync`, which calls `$C`'s
;; `slow` synchronously, and `slow` yields inside its first turn. `bsync`
;; would have to wait, so the call traps (and `bsync` is not left
;; frozen mid-call for another of `$B`'s calls to see).
(component definition $F
  ;; C: `slow` yields inside its first turn, then returns 5.
  (component $C
    (core func $return (canon task.return (result u32)))
    (core func $yield (canon thread.yield))
    (core module $m
      (import "" "task.return" (func $return (param i32)))
      (import "" "thread.yield" (func $yield (result i32)))
      (func (export "slow") (result i32)
        (drop (call $yield))
        (call $return (i32.const 5))
        (i32.const 0))
      (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "task.return" (func $return))
      (export "thread.yield" (func $yield))))))
    (func (export "slow") async (result u32)
      (canon lift (core func $i "slow") async (callback (core func $i "cb")))))
  (instance $c (instantiate $C))
  ;; B: sync-lifted `bsync` calls C.slow synchronously, flagging it is inside;
  ;; sync-lifted `probe` reads the flag.
  (component $B
    (import "slow" (func $slow async (result u32)))
    (core func $slow (canon lower (func $slow)))
    (core module $m
      (import "" "slow" (func $slow (result i32)))
      (global $in (mut i32) (i32.const 0))
      (func (export "bsync") (result i32)
        (local $r i32)
        (global.set $in (i32.const 1))
        (local.set $r (call $slow))
        (global.set $in (i32.const 0))
        (local.get $r))
      (func (export "probe") (result i32) (global.get $in)))
    (core instance $i (instantiate $m (with "" (instance (export "slow" (func $slow))))))
    (func (export "bsync") (result u32) (canon lift (core func $i "bsync")))
    (func (export "probe") (result u32) (canon lift (core func $i "probe"))))
  (instance $b (instantiate $B (with "slow" (func $c "slow"))))
  ;; X: callback-form `f` calls B.bsync synchronously in its first turn.
  (component $X
    (import "bsync" (func $bsync (result u32)))
    (core func $bsync (canon lower (func $bsync)))
    (core func $return (canon task.return (result u32)))
    (core module $m
      (import "" "bsync" (func $bsync (result i32)))
      (import "" "task.return" (func $return (param i32)))
      (func (export "f") (result i32)
        (call $return (call $bsync))
        (i32.const 0))
      (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m (with "" (instance
      (export "bsync" (func $bsync))
      (export "task.return" (func $return))))))
    (func (export "f") async (result u32)
      (canon lift (core func $i "f") async (callback (core func $i "cb")))))
  (instance $x (instantiate $X (with "bsync" (func $b "bsync"))))
  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $f (canon lower (func $x "f") async (memory $mem)))
  (core func $probe (canon lower (func $b "probe")))
  (core func $return-pair (canon task.return (result (tuple u32 u32))))
  (core module $m
    (import "" "f" (func $f (param i32) (result i32)))
    (import "" "probe" (func $probe (result i32)))
    (import "" "return-pair" (func $return-pair (param i32 i32)))
    (func (export "run") (result i32)
      (local $s i32)
      (local.set $s (call $f (i32.const 100)))
      (call $return-pair (i32.and (local.get $s) (i32.const 0xf)) (call $probe))
      (i32.const 0))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "f" (func $f))
    (export "probe" (func $probe))
    (export "return-pair" (func $return-pair))))))
  (alias core export $m "cb" (core func $cb))
  (func (export "run") async (result (tuple u32 u32))
    (canon lift (core func $m "run") async (callback $cb))))
(component instance $i $F)
(assert_trap (invoke "run") "cannot block a synchronous task before returning")

;; A callee whose first turn ran on a synchronous task's stack and
;; returned, going on after: its later turns run on stacks of their own
;; and may block. `$B`'s sync-lifted `bsync` calls `$C`'s `f`
;; synchronously; `f` returns 5 in its first turn and yields (code);
;; its next turn calls `thread.yield` inside itself, then counts that
;; it got past it. `run` calls `bsync`, then yields a few times, and
;; gives `bsync`'s result and `$C`'s count.
(component definition $Later
  (component $C
    (core func $return (canon task.return (result u32)))
    (core func $yield (canon thread.yield))
    (core module $m
      (import "" "task.return" (func $return (param i32)))
      (import "" "thread.yield" (func $yield (result i32)))
      (global $done (mut i32) (i32.const 0))
      (func (export "f") (result i32)
        (call $return (i32.const 5))
        (i32.const 1))
      (func (export "f-cb") (param i32 i32 i32) (result i32)
        (drop (call $yield))
        (global.set $done (i32.add (global.get $done) (i32.const 1)))
        (i32.const 0))
      (func (export "done") (result i32) (global.get $done)))
    (core instance $i (instantiate $m (with "" (instance
      (export "task.return" (func $return))
      (export "thread.yield" (func $yield))))))
    (func (export "f") async (result u32)
      (canon lift (core func $i "f") async (callback (core func $i "f-cb"))))
    (func (export "done") (result u32) (canon lift (core func $i "done"))))
  (instance $c (instantiate $C))
  (component $B
    (import "f" (func $f async (result u32)))
    (core func $f (canon lower (func $f)))
    (core module $m
      (import "" "f" (func $f (result i32)))
      (func (export "bsync") (result i32) (call $f)))
    (core instance $i (instantiate $m (with "" (instance (export "f" (func $f))))))
    (func (export "bsync") (result u32) (canon lift (core func $i "bsync"))))
  (instance $b (instantiate $B (with "f" (func $c "f"))))
  (core func $bsync (canon lower (func $b "bsync")))
  (core func $done (canon lower (func $c "done")))
  (core func $yield (canon thread.yield))
  (type $pair (tuple u32 u32))
  (core func $return-pair (canon task.return (result $pair)))
  (core module $m
    (import "" "bsync" (func $bsync (result i32)))
    (import "" "done" (func $done (result i32)))
    (import "" "thread.yield" (func $yield (result i32)))
    (import "" "return-pair" (func $return-pair (param i32 i32)))
    (func (export "run") (result i32)
      (local $v i32)
      (local.set $v (call $bsync))
      (drop (call $yield))
      (drop (call $yield))
      (drop (call $yield))
      (drop (call $yield))
      (call $return-pair (local.get $v) (call $done))
      (i32.const 0))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
  (core instance $m (instantiate $m (with "" (instance
    (export "bsync" (func $bsync)) (export "done" (func $done))
    (export "thread.yield" (func $yield)) (export "return-pair" (func $return-pair))))))
  (func (export "run") async (result $pair)
    (canon lift (core func $m "run") async (callback (core func $m "cb")))))
(component instance $later $Later)
(assert_return (invoke "run") (tuple.const (u32.const 5) (u32.const 1)))
