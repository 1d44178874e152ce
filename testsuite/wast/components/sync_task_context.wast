;; `context.get` and `context.set` in synchronous tasks: each call of a
;; sync-lifted export is a task whose context starts at zero, whether the
;; host calls it or another instance does, through a fused adapter. A `realloc`
;; lowering the call's arguments may use them too, though it may not
;; leave its instance (the spec runs it in the callee's task, wasmtime
;; where the host calls not: what it leaves is left untested here).

(component definition $C
  (core func $get (canon context.get i32 0))
  (core func $set (canon context.set i32 0))
  (core module $libc
    (import "" "set" (func $set (param i32)))
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (call $set (i32.const 7))
      (i32.const 100)))
  (core instance $libc (instantiate $libc (with "" (instance (export "set" (func $set))))))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (core module $m
    (import "" "get" (func $get (result i32)))
    (import "" "set" (func $set (param i32)))
    ;; What the slot held, then 42 in it.
    (func (export "swap") (result i32)
      (local $was i32)
      (local.set $was (call $get))
      (call $set (i32.const 42))
      (local.get $was))
    ;; Called after a realloc that used the slot placed the string.
    (func (export "after-realloc") (param i32 i32) (result i32)
      (i32.const 1)))
  (core instance $i (instantiate $m (with "" (instance
    (export "get" (func $get))
    (export "set" (func $set))))))
  (func (export "swap") (result u32) (canon lift (core func $i "swap")))
  (func (export "after-realloc") (param "s" string) (result u32)
    (canon lift (core func $i "after-realloc") (memory $mem) (realloc $realloc))))

(component instance $c $C)
(assert_return (invoke "swap") (u32.const 0))
;; The next call is a new task: its slot starts at zero again.
(assert_return (invoke "swap") (u32.const 0))
(assert_return (invoke "after-realloc" (str.const "hi")) (u32.const 1))

;; `$B`'s `probe` gives what its context held, then sets it to 99;
;; called twice through an adapter, it gives 0 both times.
(component definition $Adapted
  (component $B
    (core func $get (canon context.get i32 0))
    (core func $set (canon context.set i32 0))
    (core module $m
      (import "" "get" (func $get (result i32)))
      (import "" "set" (func $set (param i32)))
      (func (export "probe") (result i32)
        (local $was i32)
        (local.set $was (call $get))
        (call $set (i32.const 99))
        (local.get $was)))
    (core instance $i (instantiate $m (with "" (instance
      (export "get" (func $get)) (export "set" (func $set))))))
    (func (export "probe") (result u32) (canon lift (core func $i "probe"))))
  (instance $b (instantiate $B))
  (core func $probe (canon lower (func $b "probe")))
  (core module $m
    (import "" "probe" (func $probe (result i32)))
    (func (export "twice") (result i32)
      (i32.add (i32.mul (call $probe) (i32.const 1000)) (call $probe))))
  (core instance $m (instantiate $m (with "" (instance (export "probe" (func $probe))))))
  (func (export "twice") (result u32) (canon lift (core func $m "twice"))))
(component instance $a $Adapted)
(assert_return (invoke "twice") (u32.const 0))
