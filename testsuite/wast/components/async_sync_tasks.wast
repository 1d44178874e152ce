;; A synchronous task may not block before it returns: a sync-lifted
;; export (or a start function) that waits on a set, or that calls
;; another instance's async export synchronously while the callee waits,
;; traps; an async-lifted one may do both. Yielding in a sync task does
;; nothing.

(component definition $Sync
  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $set-new (canon waitable-set.new))
  (core func $set-wait (canon waitable-set.wait (memory $mem)))
  (core func $yield (canon thread.yield))
  (core func $return-u32 (canon task.return (result u32)))
  (core module $m
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $set-wait (param i32 i32) (result i32)))
    (import "" "thread.yield" (func $yield (result i32)))
    (import "" "task.return" (func $return-u32 (param i32)))
    ;; Waits on an empty set: nothing could ever come.
    (func (export "wait") (result i32)
      (call $set-wait (call $set-new) (i32.const 0)))
    ;; Yields, which in a sync task returns at once, then answers.
    (func (export "yield") (result i32)
      (drop (call $yield))
      (i32.const 7))
    ;; The same wait in an async (stackful) export: a deadlock, not a
    ;; blocked sync task.
    (func (export "async-wait")
      (drop (call $set-wait (call $set-new) (i32.const 0)))
      (call $return-u32 (i32.const 1))))
  (core instance $i (instantiate $m
    (with "" (instance
      (export "waitable-set.new" (func $set-new))
      (export "waitable-set.wait" (func $set-wait))
      (export "thread.yield" (func $yield))
      (export "task.return" (func $return-u32))))))
  (func (export "wait") (result u32) (canon lift (core func $i "wait")))
  (func (export "yield") (result u32) (canon lift (core func $i "yield")))
  (func (export "async-wait") async (result u32) (canon lift (core func $i "async-wait") async))
)

(component instance $sync $Sync)
(assert_trap (invoke "wait") "cannot block a synchronous task before returning")
(component instance $sync2 $Sync)
(assert_return (invoke "yield") (u32.const 7))
(assert_trap (invoke "async-wait") "deadlock detected")

;; A start function that waits traps as instantiation runs it.
(assert_trap
(component
  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (core func $set-new (canon waitable-set.new))
  (core func $set-wait (canon waitable-set.wait (memory $mem)))
  (core module $m
    (import "" "waitable-set.new" (func $set-new (result i32)))
    (import "" "waitable-set.wait" (func $set-wait (param i32 i32) (result i32)))
    (func $start (drop (call $set-wait (call $set-new) (i32.const 0))))
    (start $start))
  (core instance $i (instantiate $m
    (with "" (instance
      (export "waitable-set.new" (func $set-new))
      (export "waitable-set.wait" (func $set-wait))))))
)
"cannot block a synchronous task before returning")

;; A sync-lifted export calling another instance's async export by a sync
;; lowering: the callee yields, so the caller would have to block.
(component definition $Calls
  (component $Callee
    (core func $return-u32 (canon task.return (result u32)))
    (core module $m
      (import "" "task.return" (func $return-u32 (param i32)))
      (func (export "slow") (result i32) (i32.const 1))
      (func (export "slow-cb") (param i32 i32 i32) (result i32)
        (call $return-u32 (i32.const 42))
        (i32.const 0))
      (func (export "quick") (result i32)
        (call $return-u32 (i32.const 43))
        (i32.const 0))
      (func (export "quick-cb") (param i32 i32 i32) (result i32) unreachable))
    (core instance $i (instantiate $m
      (with "" (instance (export "task.return" (func $return-u32))))))
    (func (export "slow") async (result u32)
      (canon lift (core func $i "slow") async (callback (core func $i "slow-cb"))))
    (func (export "quick") async (result u32)
      (canon lift (core func $i "quick") async (callback (core func $i "quick-cb")))))
  (instance $callee (instantiate $Callee))
  (core func $slow (canon lower (func $callee "slow")))
  (core func $quick (canon lower (func $callee "quick")))
  (core func $return-u32 (canon task.return (result u32)))
  (core module $caller
    (import "" "slow" (func $slow (result i32)))
    (import "" "quick" (func $quick (result i32)))
    (import "" "task.return" (func $return-u32 (param i32)))
    (func (export "sync-slow") (result i32) (call $slow))
    (func (export "sync-quick") (result i32) (call $quick))
    (func (export "async-slow") (call $return-u32 (call $slow))))
  (core instance $c (instantiate $caller
    (with "" (instance
      (export "slow" (func $slow))
      (export "quick" (func $quick))
      (export "task.return" (func $return-u32))))))
  (func (export "sync-slow") (result u32) (canon lift (core func $c "sync-slow")))
  (func (export "sync-quick") (result u32) (canon lift (core func $c "sync-quick")))
  (func (export "async-slow") async (result u32) (canon lift (core func $c "async-slow") async))
)
(component instance $calls $Calls)
(assert_return (invoke "sync-quick") (u32.const 43))
(assert_return (invoke "async-slow") (u32.const 42))
(assert_trap (invoke "sync-slow") "cannot block a synchronous task before returning")
