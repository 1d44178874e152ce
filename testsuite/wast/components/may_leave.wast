;; A realloc runs while its instance may not leave it: the built-ins that
;; check that trap there (`resource.new`, `resource.drop`, `subtask.drop`,
;; as the Canonical ABI has them), and `resource.rep`, which does not,
;; goes on to its own check. The realloc is the callee's, called to lower
;; a string the host passes.

(component definition $Leaving
  (type $r (resource (rep i32)))
  (core func $new (canon resource.new $r))
  (core func $drop (canon resource.drop $r))
  (core func $rep (canon resource.rep $r))
  (core func $subtask-drop (canon subtask.drop))
  (core module $libc
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "rep" (func $rep (param i32) (result i32)))
    (import "" "subtask.drop" (func $subtask-drop (param i32)))
    (memory (export "memory") 1)
    ;; Which built-in the next realloc calls, set by the export's caller.
    (global $which (mut i32) (i32.const 0))
    (func (export "set") (param i32) (global.set $which (local.get 0)))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (if (i32.eq (global.get $which) (i32.const 1)) (then (drop (call $new (i32.const 7)))))
      (if (i32.eq (global.get $which) (i32.const 2)) (then (call $drop (i32.const 1))))
      (if (i32.eq (global.get $which) (i32.const 3)) (then (drop (call $rep (i32.const 1)))))
      (if (i32.eq (global.get $which) (i32.const 4)) (then (call $subtask-drop (i32.const 1))))
      (i32.const 100)))
  (core instance $libc (instantiate $libc (with "" (instance
    (export "new" (func $new))
    (export "drop" (func $drop))
    (export "rep" (func $rep))
    (export "subtask.drop" (func $subtask-drop))))))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (core module $m
    (import "" "set" (func $set (param i32)))
    (func (export "take") (param i32 i32))
    (func (export "choose") (param i32) (call $set (local.get 0))))
  (core instance $m (instantiate $m (with "" (instance (export "set" (func $libc "set"))))))
  (func (export "choose") (param "which" u32) (canon lift (core func $m "choose")))
  (func (export "take") (param "s" string)
    (canon lift (core func $m "take") (memory $mem) (realloc $realloc))))

(component instance $t $Leaving)
(assert_return (invoke "choose" (u32.const 1)))
(assert_trap (invoke "take" (str.const "hi")) "cannot leave component instance")
(component instance $t $Leaving)
(assert_return (invoke "choose" (u32.const 2)))
(assert_trap (invoke "take" (str.const "hi")) "cannot leave component instance")
(component instance $t $Leaving)
(assert_return (invoke "choose" (u32.const 3)))
(assert_trap (invoke "take" (str.const "hi")) "unknown handle index 1")
(component instance $t $Leaving)
(assert_return (invoke "choose" (u32.const 4)))
(assert_trap (invoke "take" (str.const "hi")) "cannot leave component instance")
