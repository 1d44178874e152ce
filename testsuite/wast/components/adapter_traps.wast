;; The traps of values crossing between component instances, raised by
;; the fused adapter with wasmtime's messages. A trap leaves the component
;; unusable, so each case is a component of its own.

;; A string the callee returns past the end of its memory.
(component
  (component $callee
    (core module $m
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        global.get $bump
        local.get 2 i32.add i32.const 1 i32.sub
        i32.const 0 local.get 2 i32.sub i32.and
        local.tee $p local.get 3 i32.add global.set $bump
        local.get $p)
      (func (export "len") (param i32 i32) (result i32) local.get 1)
      (func (export "oob") (result i32)
        i32.const 16 i32.const 0xfff0 i32.store
        i32.const 20 i32.const 0x100 i32.store
        i32.const 16)
      (func (export "unaligned-list") (result i32)
        i32.const 16 i32.const 1025 i32.store
        i32.const 20 i32.const 1 i32.store
        i32.const 16)
      (func (export "bad-disc") (result i32) i32.const 3)
      (func (export "unaligned-ret") (result i32) i32.const 17))
    (core instance $i (instantiate $m))
    (alias core export $i "mem" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (func (export "f") (result string) (canon lift (core func $i "oob") (memory $mem))))
  (instance $c (instantiate $callee))
  (core module $cm
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    ;; Ill-formed UTF-8 at 100, an unpaired surrogate at 200.
    (data (i32.const 100) "ok\ff")
    (data (i32.const 200) "o\00\00\d8")
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      global.get $bump
      local.get 2 i32.add i32.const 1 i32.sub
      i32.const 0 local.get 2 i32.sub i32.and
      local.tee $p local.get 3 i32.add global.set $bump
      local.get $p))
  (core instance $cm (instantiate $cm))
  (alias core export $cm "mem" (core memory $mem))
  (alias core export $cm "realloc" (core func $realloc))
  (core func $f (canon lower (func $c "f") (memory $mem) (realloc $realloc)))
  (core module $relay
    (import "c" "f" (func $f (param i32)))
    (func (export "f") (result i32) i32.const 8 call $f i32.const 0))
  (core instance $r (instantiate $relay (with "c" (instance (export "f" (func $f))))))
  (func (export "f") (result u32) (canon lift (core func $r "f"))))
(assert_trap (invoke "f") "string content out-of-bounds")

;; A list the callee returns at a pointer not aligned for its elements.
(component
  (component $callee
    (core module $m
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        global.get $bump
        local.get 2 i32.add i32.const 1 i32.sub
        i32.const 0 local.get 2 i32.sub i32.and
        local.tee $p local.get 3 i32.add global.set $bump
        local.get $p)
      (func (export "len") (param i32 i32) (result i32) local.get 1)
      (func (export "oob") (result i32)
        i32.const 16 i32.const 0xfff0 i32.store
        i32.const 20 i32.const 0x100 i32.store
        i32.const 16)
      (func (export "unaligned-list") (result i32)
        i32.const 16 i32.const 1025 i32.store
        i32.const 20 i32.const 1 i32.store
        i32.const 16)
      (func (export "bad-disc") (result i32) i32.const 3)
      (func (export "unaligned-ret") (result i32) i32.const 17))
    (core instance $i (instantiate $m))
    (alias core export $i "mem" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (func (export "f") (result (list u32)) (canon lift (core func $i "unaligned-list") (memory $mem))))
  (instance $c (instantiate $callee))
  (core module $cm
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    ;; Ill-formed UTF-8 at 100, an unpaired surrogate at 200.
    (data (i32.const 100) "ok\ff")
    (data (i32.const 200) "o\00\00\d8")
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      global.get $bump
      local.get 2 i32.add i32.const 1 i32.sub
      i32.const 0 local.get 2 i32.sub i32.and
      local.tee $p local.get 3 i32.add global.set $bump
      local.get $p))
  (core instance $cm (instantiate $cm))
  (alias core export $cm "mem" (core memory $mem))
  (alias core export $cm "realloc" (core func $realloc))
  (core func $f (canon lower (func $c "f") (memory $mem) (realloc $realloc)))
  (core module $relay
    (import "c" "f" (func $f (param i32)))
    (func (export "f") (result i32) i32.const 8 call $f i32.const 0))
  (core instance $r (instantiate $relay (with "c" (instance (export "f" (func $f))))))
  (func (export "f") (result u32) (canon lift (core func $r "f"))))
(assert_trap (invoke "f") "unaligned pointer")

;; An enum the callee returns past its cases.
(component
  (component $callee
    (core module $m
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        global.get $bump
        local.get 2 i32.add i32.const 1 i32.sub
        i32.const 0 local.get 2 i32.sub i32.and
        local.tee $p local.get 3 i32.add global.set $bump
        local.get $p)
      (func (export "len") (param i32 i32) (result i32) local.get 1)
      (func (export "oob") (result i32)
        i32.const 16 i32.const 0xfff0 i32.store
        i32.const 20 i32.const 0x100 i32.store
        i32.const 16)
      (func (export "unaligned-list") (result i32)
        i32.const 16 i32.const 1025 i32.store
        i32.const 20 i32.const 1 i32.store
        i32.const 16)
      (func (export "bad-disc") (result i32) i32.const 3)
      (func (export "unaligned-ret") (result i32) i32.const 17))
    (core instance $i (instantiate $m))
    (alias core export $i "mem" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (type $e (enum "a" "b" "c"))
    (export $e-x "e" (type $e))
    (func (export "f") (result $e-x) (canon lift (core func $i "bad-disc"))))
  (instance $c (instantiate $callee))
  (core module $cm
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    ;; Ill-formed UTF-8 at 100, an unpaired surrogate at 200.
    (data (i32.const 100) "ok\ff")
    (data (i32.const 200) "o\00\00\d8")
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      global.get $bump
      local.get 2 i32.add i32.const 1 i32.sub
      i32.const 0 local.get 2 i32.sub i32.and
      local.tee $p local.get 3 i32.add global.set $bump
      local.get $p))
  (core instance $cm (instantiate $cm))
  (alias core export $cm "mem" (core memory $mem))
  (alias core export $cm "realloc" (core func $realloc))
  (core func $f (canon lower (func $c "f") ))
  (core module $relay
    (import "c" "f" (func $f (result i32)))
    (func (export "f") (result i32) call $f))
  (core instance $r (instantiate $relay (with "c" (instance (export "f" (func $f))))))
  (func (export "f") (result u32) (canon lift (core func $r "f"))))
(assert_trap (invoke "f") "invalid variant discriminant")

;; A return pointer not aligned for the result.
(component
  (component $callee
    (core module $m
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        global.get $bump
        local.get 2 i32.add i32.const 1 i32.sub
        i32.const 0 local.get 2 i32.sub i32.and
        local.tee $p local.get 3 i32.add global.set $bump
        local.get $p)
      (func (export "len") (param i32 i32) (result i32) local.get 1)
      (func (export "oob") (result i32)
        i32.const 16 i32.const 0xfff0 i32.store
        i32.const 20 i32.const 0x100 i32.store
        i32.const 16)
      (func (export "unaligned-list") (result i32)
        i32.const 16 i32.const 1025 i32.store
        i32.const 20 i32.const 1 i32.store
        i32.const 16)
      (func (export "bad-disc") (result i32) i32.const 3)
      (func (export "unaligned-ret") (result i32) i32.const 17))
    (core instance $i (instantiate $m))
    (alias core export $i "mem" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (func (export "f") (result string) (canon lift (core func $i "unaligned-ret") (memory $mem))))
  (instance $c (instantiate $callee))
  (core module $cm
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    ;; Ill-formed UTF-8 at 100, an unpaired surrogate at 200.
    (data (i32.const 100) "ok\ff")
    (data (i32.const 200) "o\00\00\d8")
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      global.get $bump
      local.get 2 i32.add i32.const 1 i32.sub
      i32.const 0 local.get 2 i32.sub i32.and
      local.tee $p local.get 3 i32.add global.set $bump
      local.get $p))
  (core instance $cm (instantiate $cm))
  (alias core export $cm "mem" (core memory $mem))
  (alias core export $cm "realloc" (core func $realloc))
  (core func $f (canon lower (func $c "f") (memory $mem) (realloc $realloc)))
  (core module $relay
    (import "c" "f" (func $f (param i32)))
    (func (export "f") (result i32) i32.const 8 call $f i32.const 0))
  (core instance $r (instantiate $relay (with "c" (instance (export "f" (func $f))))))
  (func (export "f") (result u32) (canon lift (core func $r "f"))))
(assert_trap (invoke "f") "unaligned pointer")

;; A list the caller passes past the end of its memory.
(component
  (component $callee
    (core module $m
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        global.get $bump
        local.get 2 i32.add i32.const 1 i32.sub
        i32.const 0 local.get 2 i32.sub i32.and
        local.tee $p local.get 3 i32.add global.set $bump
        local.get $p)
      (func (export "len") (param i32 i32) (result i32) local.get 1)
      (func (export "oob") (result i32)
        i32.const 16 i32.const 0xfff0 i32.store
        i32.const 20 i32.const 0x100 i32.store
        i32.const 16)
      (func (export "unaligned-list") (result i32)
        i32.const 16 i32.const 1025 i32.store
        i32.const 20 i32.const 1 i32.store
        i32.const 16)
      (func (export "bad-disc") (result i32) i32.const 3)
      (func (export "unaligned-ret") (result i32) i32.const 17))
    (core instance $i (instantiate $m))
    (alias core export $i "mem" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (func (export "f") (param "l" (list u64)) (result u32) (canon lift (core func $i "len") (memory $mem) (realloc $realloc))))
  (instance $c (instantiate $callee))
  (core module $cm
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    ;; Ill-formed UTF-8 at 100, an unpaired surrogate at 200.
    (data (i32.const 100) "ok\ff")
    (data (i32.const 200) "o\00\00\d8")
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      global.get $bump
      local.get 2 i32.add i32.const 1 i32.sub
      i32.const 0 local.get 2 i32.sub i32.and
      local.tee $p local.get 3 i32.add global.set $bump
      local.get $p))
  (core instance $cm (instantiate $cm))
  (alias core export $cm "mem" (core memory $mem))
  (alias core export $cm "realloc" (core func $realloc))
  (core func $f (canon lower (func $c "f") (memory $mem)))
  (core module $relay
    (import "c" "f" (func $f (param i32 i32) (result i32)))
    (func (export "f") (result i32) i32.const 0xff00 i32.const 0x100 call $f))
  (core instance $r (instantiate $relay (with "c" (instance (export "f" (func $f))))))
  (func (export "f") (result u32) (canon lift (core func $r "f"))))
(assert_trap (invoke "f") "list content out-of-bounds")

;; Ill-formed UTF-8 transcoded for a UTF-16 callee.
(component
  (component $callee
    (core module $m
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        global.get $bump
        local.get 2 i32.add i32.const 1 i32.sub
        i32.const 0 local.get 2 i32.sub i32.and
        local.tee $p local.get 3 i32.add global.set $bump
        local.get $p)
      (func (export "len") (param i32 i32) (result i32) local.get 1)
      (func (export "oob") (result i32)
        i32.const 16 i32.const 0xfff0 i32.store
        i32.const 20 i32.const 0x100 i32.store
        i32.const 16)
      (func (export "unaligned-list") (result i32)
        i32.const 16 i32.const 1025 i32.store
        i32.const 20 i32.const 1 i32.store
        i32.const 16)
      (func (export "bad-disc") (result i32) i32.const 3)
      (func (export "unaligned-ret") (result i32) i32.const 17))
    (core instance $i (instantiate $m))
    (alias core export $i "mem" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (func (export "f") (param "s" string) (result u32) (canon lift (core func $i "len") string-encoding=utf16 (memory $mem) (realloc $realloc))))
  (instance $c (instantiate $callee))
  (core module $cm
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    ;; Ill-formed UTF-8 at 100, an unpaired surrogate at 200.
    (data (i32.const 100) "ok\ff")
    (data (i32.const 200) "o\00\00\d8")
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      global.get $bump
      local.get 2 i32.add i32.const 1 i32.sub
      i32.const 0 local.get 2 i32.sub i32.and
      local.tee $p local.get 3 i32.add global.set $bump
      local.get $p))
  (core instance $cm (instantiate $cm))
  (alias core export $cm "mem" (core memory $mem))
  (alias core export $cm "realloc" (core func $realloc))
  (core func $f (canon lower (func $c "f") (memory $mem)))
  (core module $relay
    (import "c" "f" (func $f (param i32 i32) (result i32)))
    (func (export "f") (result i32) i32.const 100 i32.const 3 call $f))
  (core instance $r (instantiate $relay (with "c" (instance (export "f" (func $f))))))
  (func (export "f") (result u32) (canon lift (core func $r "f"))))
(assert_trap (invoke "f") "invalid utf8 encoding")

;; An unpaired surrogate transcoded for a UTF-8 callee.
(component
  (component $callee
    (core module $m
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        global.get $bump
        local.get 2 i32.add i32.const 1 i32.sub
        i32.const 0 local.get 2 i32.sub i32.and
        local.tee $p local.get 3 i32.add global.set $bump
        local.get $p)
      (func (export "len") (param i32 i32) (result i32) local.get 1)
      (func (export "oob") (result i32)
        i32.const 16 i32.const 0xfff0 i32.store
        i32.const 20 i32.const 0x100 i32.store
        i32.const 16)
      (func (export "unaligned-list") (result i32)
        i32.const 16 i32.const 1025 i32.store
        i32.const 20 i32.const 1 i32.store
        i32.const 16)
      (func (export "bad-disc") (result i32) i32.const 3)
      (func (export "unaligned-ret") (result i32) i32.const 17))
    (core instance $i (instantiate $m))
    (alias core export $i "mem" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (func (export "f") (param "s" string) (result u32) (canon lift (core func $i "len") (memory $mem) (realloc $realloc))))
  (instance $c (instantiate $callee))
  (core module $cm
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    ;; Ill-formed UTF-8 at 100, an unpaired surrogate at 200.
    (data (i32.const 100) "ok\ff")
    (data (i32.const 200) "o\00\00\d8")
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      global.get $bump
      local.get 2 i32.add i32.const 1 i32.sub
      i32.const 0 local.get 2 i32.sub i32.and
      local.tee $p local.get 3 i32.add global.set $bump
      local.get $p))
  (core instance $cm (instantiate $cm))
  (alias core export $cm "mem" (core memory $mem))
  (alias core export $cm "realloc" (core func $realloc))
  (core func $f (canon lower (func $c "f") string-encoding=utf16 (memory $mem)))
  (core module $relay
    (import "c" "f" (func $f (param i32 i32) (result i32)))
    (func (export "f") (result i32) i32.const 200 i32.const 2 call $f))
  (core instance $r (instantiate $relay (with "c" (instance (export "f" (func $f))))))
  (func (export "f") (result u32) (canon lift (core func $r "f"))))
(assert_trap (invoke "f") "invalid utf16 encoding")
