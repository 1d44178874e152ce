;; Calls between component instances, through fused adapters compiled
;; with the rest: integers narrowed as lifting does, bools normalized,
;; chars checked, strings and lists copied from the caller's memory into
;; the callee's through its realloc, and the callee's post-return run.

(component
  ;; The callee: its own memory, allocator and post-return counter.
  (component $callee
    (core module $m
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (global $posts (mut i32) (i32.const 0))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        global.get $bump
        local.get 2 i32.add i32.const 1 i32.sub
        i32.const 0 local.get 2 i32.sub i32.and
        local.tee $p local.get 3 i32.add global.set $bump
        local.get $p)
      (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
      (func (export "id") (param i32) (result i32) local.get 0)
      (func (export "id64") (param i64) (result i64) local.get 0)
      ;; Sum of a string's bytes, and of a list<u32>.
      (func (export "sum8") (param $p i32) (param $n i32) (result i32)
        (local $s i32)
        block $done loop $next
          local.get $n i32.eqz br_if $done
          local.get $s local.get $p i32.load8_u i32.add local.set $s
          local.get $p i32.const 1 i32.add local.set $p
          local.get $n i32.const 1 i32.sub local.set $n
          br $next
        end end
        local.get $s)
      (func (export "sum32") (param $p i32) (param $n i32) (result i32)
        (local $s i32)
        block $done loop $next
          local.get $n i32.eqz br_if $done
          local.get $s local.get $p i32.load i32.add local.set $s
          local.get $p i32.const 4 i32.add local.set $p
          local.get $n i32.const 1 i32.sub local.set $n
          br $next
        end end
        local.get $s)
      (func (export "post") (param i32) global.get $posts i32.const 1 i32.add global.set $posts)
      (func (export "posts") (result i32) global.get $posts))
    (core instance $i (instantiate $m))
    (alias core export $i "mem" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (func (export "add") (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $i "add") (post-return (core func $i "post"))))
    (func (export "u8") (param "x" u8) (result u8) (canon lift (core func $i "id")))
    (func (export "s16") (param "x" s16) (result s16) (canon lift (core func $i "id")))
    (func (export "bool") (param "x" bool) (result bool) (canon lift (core func $i "id")))
    (func (export "char") (param "x" char) (result char) (canon lift (core func $i "id")))
    (func (export "u64") (param "x" u64) (result u64) (canon lift (core func $i "id64")))
    (func (export "string-sum") (param "s" string) (result u32)
      (canon lift (core func $i "sum8") (memory $mem) (realloc $realloc)))
    (func (export "list-sum") (param "l" (list u32)) (result u32)
      (canon lift (core func $i "sum32") (memory $mem) (realloc $realloc)))
    (func (export "posts") (result u32) (canon lift (core func $i "posts"))))
  (instance $c (instantiate $callee))

  ;; The caller: lowers the callee's functions and calls them from core
  ;; code, with values in its own memory.
  (core module $caller-mem (memory (export "mem") 1)
    (data (i32.const 16) "hello")
    (data (i32.const 32) "\01\00\00\00\02\00\00\00\03\00\00\00\ff\ff\ff\ff"))
  (core instance $cm (instantiate $caller-mem))
  (alias core export $cm "mem" (core memory $mem))
  (core func $add (canon lower (func $c "add")))
  (core func $u8 (canon lower (func $c "u8")))
  (core func $s16 (canon lower (func $c "s16")))
  (core func $bool (canon lower (func $c "bool")))
  (core func $char (canon lower (func $c "char")))
  (core func $u64 (canon lower (func $c "u64")))
  (core func $string-sum (canon lower (func $c "string-sum") (memory $mem)))
  (core func $list-sum (canon lower (func $c "list-sum") (memory $mem)))
  (core module $app
    (import "c" "add" (func $add (param i32 i32) (result i32)))
    (import "c" "u8" (func $u8 (param i32) (result i32)))
    (import "c" "s16" (func $s16 (param i32) (result i32)))
    (import "c" "bool" (func $bool (param i32) (result i32)))
    (import "c" "char" (func $char (param i32) (result i32)))
    (import "c" "u64" (func $u64 (param i64) (result i64)))
    (import "c" "string-sum" (func $string-sum (param i32 i32) (result i32)))
    (import "c" "list-sum" (func $list-sum (param i32 i32) (result i32)))
    (func (export "add") (result i32) i32.const 40 i32.const 2 call $add)
    (func (export "u8") (result i32) i32.const 0x1ff call $u8)
    (func (export "s16") (result i32) i32.const 0x18000 call $s16)
    (func (export "bool") (result i32) i32.const 7 call $bool)
    (func (export "char") (result i32) i32.const 0x1f980 call $char)
    (func (export "bad-char") (result i32) i32.const 0xd800 call $char)
    (func (export "u64") (result i64) i64.const -1 call $u64)
    (func (export "string-sum") (result i32) i32.const 16 i32.const 5 call $string-sum)
    (func (export "list-sum") (result i32) i32.const 32 i32.const 4 call $list-sum)
    (func (export "bad-list") (result i32) i32.const 33 i32.const 1 call $list-sum))
  (core instance $app (instantiate $app
    (with "c" (instance
      (export "add" (func $add)) (export "u8" (func $u8)) (export "s16" (func $s16))
      (export "bool" (func $bool)) (export "char" (func $char)) (export "u64" (func $u64))
      (export "string-sum" (func $string-sum)) (export "list-sum" (func $list-sum))))))
  (func (export "add") (result u32) (canon lift (core func $app "add")))
  (func (export "u8") (result u32) (canon lift (core func $app "u8")))
  (func (export "s16") (result s32) (canon lift (core func $app "s16")))
  (func (export "bool") (result u32) (canon lift (core func $app "bool")))
  (func (export "char") (result u32) (canon lift (core func $app "char")))
  (func (export "bad-char") (result u32) (canon lift (core func $app "bad-char")))
  (func (export "u64") (result u64) (canon lift (core func $app "u64")))
  (func (export "string-sum") (result u32) (canon lift (core func $app "string-sum")))
  (func (export "list-sum") (result u32) (canon lift (core func $app "list-sum")))
  (func (export "bad-list") (result u32) (canon lift (core func $app "bad-list")))
  (export "posts" (func $c "posts"))
)

(assert_return (invoke "add") (u32.const 42))
(assert_return (invoke "posts") (u32.const 1))
(assert_return (invoke "u8") (u32.const 255))
(assert_return (invoke "s16") (s32.const -32768))
(assert_return (invoke "bool") (u32.const 1))
(assert_return (invoke "char") (u32.const 0x1f980))
(assert_return (invoke "u64") (u64.const 18446744073709551615))
(assert_return (invoke "string-sum") (u32.const 532))
(assert_return (invoke "list-sum") (u32.const 5))
(assert_trap (invoke "bad-list") "unaligned pointer")
;; A trap leaves the instance unusable.
(assert_trap (invoke "add") "cannot enter component instance")

;; A char that is not a Unicode scalar value, passed to another instance.
(component
  (component $callee
    (core module $m (func (export "id") (param i32) (result i32) local.get 0))
    (core instance $i (instantiate $m))
    (func (export "char") (param "x" char) (result char) (canon lift (core func $i "id"))))
  (instance $c (instantiate $callee))
  (core func $char (canon lower (func $c "char")))
  (core module $app
    (import "c" "char" (func $char (param i32) (result i32)))
    (func (export "bad-char") (result i32) i32.const 0xd800 call $char))
  (core instance $app (instantiate $app (with "c" (instance (export "char" (func $char))))))
  (func (export "bad-char") (result u32) (canon lift (core func $app "bad-char"))))
(assert_trap (invoke "bad-char") "invalid `char` bit pattern")

;; A call back into the calling component through a child it instantiated:
;; wasmtime allows it (the spec's newer recursion check would trap), and so
;; does kiln.
(component
  (core module $m
    (func (export "f") (result i32) i32.const 42))
  (core instance $i (instantiate $m))
  (func $f (result u32) (canon lift (core func $i "f")))
  (component $C
    (import "f" (func $f (result u32)))
    (core func $f (canon lower (func $f)))
    (core module $impl
      (import "" "f" (func $f (result i32)))
      (func (export "g") (result i32) call $f i32.const 1 i32.add))
    (core instance $x (instantiate $impl (with "" (instance (export "f" (func $f))))))
    (func (export "g") (result u32) (canon lift (core func $x "g"))))
  (instance $c (instantiate $C (with "f" (func $f))))
  (core func $g (canon lower (func $c "g")))
  (core module $run
    (import "" "g" (func $g (result i32)))
    (func (export "run") (result i32) call $g))
  (core instance $r (instantiate $run (with "" (instance (export "g" (func $g))))))
  (func (export "run") (result u32) (canon lift (core func $r "run")))
  (export "g" (func $c "g")))
(assert_return (invoke "g") (u32.const 43))
(assert_return (invoke "run") (u32.const 43))
(assert_return (invoke "run") (u32.const 43))
