;; Calls from one component instance into another, through a fused
;; adapter: `add(u32, u32) -> u32`, `echo(string) -> string` with a 1 KiB
;; string, and `echo-list(list<u8>) -> list<u8>` with 64 KiB. Each `run-*`
;; makes `n` calls and returns the nanoseconds they took. Both sides
;; allocate from one fixed buffer, as a real allocator would reuse the
;; freed block, so that memory does not grow with `n`.
(component
  (import "wasi:clocks/monotonic-clock@0.2.0" (instance $clock
    (export "now" (func (result u64)))))
  (component $callee
    (core module $m
      (memory (export "mem") 4)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 65536)
      (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
      ;; The (ptr, len) it was given, as its result through memory at 16.
      (func (export "echo") (param i32 i32) (result i32)
        i32.const 16 local.get 0 i32.store
        i32.const 20 local.get 1 i32.store
        i32.const 16))
    (core instance $i (instantiate $m))
    (alias core export $i "mem" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (func (export "add") (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $i "add")))
    (func (export "echo") (param "s" string) (result string)
      (canon lift (core func $i "echo") (memory $mem) (realloc $realloc)))
    (func (export "echo-list") (param "l" (list u8)) (result (list u8))
      (canon lift (core func $i "echo") (memory $mem) (realloc $realloc))))
  (instance $c (instantiate $callee))

  (core module $caller-mem
    (memory (export "mem") 4)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 131072)
    ;; The 1 KiB string.
    (data (i32.const 1024) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1088) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1152) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1216) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1280) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1344) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1408) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1472) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1536) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1600) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1664) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1728) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1792) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1856) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1920) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    (data (i32.const 1984) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
  (core instance $cm (instantiate $caller-mem))
  (alias core export $cm "mem" (core memory $mem))
  (alias core export $cm "realloc" (core func $realloc))
  (core func $now (canon lower (func $clock "now")))
  (core func $add (canon lower (func $c "add")))
  (core func $echo (canon lower (func $c "echo") (memory $mem) (realloc $realloc)))
  (core func $echo-list (canon lower (func $c "echo-list") (memory $mem) (realloc $realloc)))
  (core module $app
    (import "" "now" (func $now (result i64)))
    (import "" "add" (func $add (param i32 i32) (result i32)))
    (import "" "echo" (func $echo (param i32 i32 i32)))
    (import "" "echo-list" (func $echo-list (param i32 i32 i32)))
    (import "" "mem" (memory 4))
    (func (export "run-add") (param $n i32) (result i64)
      (local $t i64) (local $s i32)
      call $now local.set $t
      block $done
        loop $next
          local.get $n i32.eqz br_if $done
          local.get $s local.get $n call $add local.set $s
          local.get $n i32.const 1 i32.sub local.set $n
          br $next
        end
      end
      call $now local.get $t i64.sub)
    (func (export "run-echo") (param $n i32) (result i64)
      (local $t i64)
      call $now local.set $t
      block $done
        loop $next
          local.get $n i32.eqz br_if $done
          i32.const 1024 i32.const 1024 i32.const 16 call $echo
          local.get $n i32.const 1 i32.sub local.set $n
          br $next
        end
      end
      call $now local.get $t i64.sub)
    (func (export "run-echo-list") (param $n i32) (result i64)
      (local $t i64)
      call $now local.set $t
      block $done
        loop $next
          local.get $n i32.eqz br_if $done
          i32.const 0 i32.const 65536 i32.const 16 call $echo-list
          local.get $n i32.const 1 i32.sub local.set $n
          br $next
        end
      end
      call $now local.get $t i64.sub))
  (core instance $app (instantiate $app (with "" (instance
    (export "now" (func $now)) (export "add" (func $add)) (export "echo" (func $echo))
    (export "echo-list" (func $echo-list)) (export "mem" (memory $mem))))))
  (func (export "run-add") (param "n" u32) (result u64) (canon lift (core func $app "run-add")))
  (func (export "run-echo") (param "n" u32) (result u64) (canon lift (core func $app "run-echo")))
  (func (export "run-echo-list") (param "n" u32) (result u64)
    (canon lift (core func $app "run-echo-list"))))
