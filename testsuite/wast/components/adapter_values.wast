;; Every kind of value crossing between two component instances through
;; fused adapters, both ways: the callee is memory_values.wast's component,
;; and a relay component lowers each of its functions and lifts a core
;; function that passes its arguments straight through, so each value goes
;; host -> relay -> adapter -> callee -> adapter -> relay -> host. Strings
;; cross between every pair of encodings (transcoded where they differ).

(component

  (component $callee
    (core module $m
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (global $posts (mut i32) (i32.const 0))
      ;; A bump allocator: (old ptr, old size, align, new size) -> ptr.
      ;; Shrinking keeps the block; growing copies it.
      (func (export "realloc") (param $old i32) (param $old_size i32)
          (param $align i32) (param $size i32) (result i32)
        (local $p i32)
        local.get $old
        if
          local.get $size local.get $old_size i32.le_u
          if local.get $old return end
        end
        global.get $bump
        local.get $align i32.add i32.const 1 i32.sub
        i32.const 0 local.get $align i32.sub i32.and
        local.tee $p
        local.get $size i32.add
        global.set $bump
        local.get $old
        if local.get $p local.get $old local.get $old_size memory.copy end
        local.get $p)
      ;; A (ptr, len) pair returned through memory at 16.
      (func (export "pair") (param i32 i32) (result i32)
        i32.const 16 local.get 0 i32.store
        i32.const 20 local.get 1 i32.store
        i32.const 16)
      (func (export "post") (param i32)
        global.get $posts i32.const 1 i32.add global.set $posts)
      (func (export "posts") (result i32) global.get $posts)
      ;; Sum of a list<u8>.
      (func (export "sum8") (param $p i32) (param $n i32) (result i32)
        (local $s i32)
        block $done
          loop $next
            local.get $n i32.eqz br_if $done
            local.get $s local.get $p i32.load8_u i32.add local.set $s
            local.get $p i32.const 1 i32.add local.set $p
            local.get $n i32.const 1 i32.sub local.set $n
            br $next
          end
        end
        local.get $s)
      ;; record { a: u8, b: u64, c: string } stored at 32.
      (func (export "record") (param i32 i64 i32 i32) (result i32)
        i32.const 32 local.get 0 i32.store8
        i32.const 40 local.get 1 i64.store
        i32.const 48 local.get 2 i32.store
        i32.const 52 local.get 3 i32.store
        i32.const 32)
      ;; tuple<u8, string> stored at 128.
      (func (export "tuple") (param i32 i32 i32) (result i32)
        i32.const 128 local.get 0 i32.store8
        i32.const 132 local.get 1 i32.store
        i32.const 136 local.get 2 i32.store
        i32.const 128)
      ;; variant { a(u32), b(f64), c } stored at 64.
      (func (export "variant") (param i32 i64) (result i32)
        i32.const 64 local.get 0 i32.store8
        local.get 0 i32.const 0 i32.eq
        if i32.const 72 local.get 1 i32.wrap_i64 i32.store end
        local.get 0 i32.const 1 i32.eq
        if i32.const 72 local.get 1 i64.store end
        i32.const 64)
      ;; option<u32> and result<u32, string>: (disc, payload...) stored at 96.
      (func (export "case1") (param i32 i32) (result i32)
        i32.const 96 local.get 0 i32.store8
        i32.const 100 local.get 1 i32.store
        i32.const 96)
      (func (export "case2") (param i32 i32 i32) (result i32)
        i32.const 96 local.get 0 i32.store8
        i32.const 100 local.get 1 i32.store
        i32.const 104 local.get 2 i32.store
        i32.const 96)
      (func (export "id") (param i32) (result i32) local.get 0)
      ;; The sum of 17 u32 parameters spilled to memory at $p.
      (func (export "sum17") (param $p i32) (result i32)
        (local $i i32) (local $s i32)
        block $done
          loop $next
            local.get $i i32.const 17 i32.eq br_if $done
            local.get $s
            local.get $p local.get $i i32.const 4 i32.mul i32.add i32.load
            i32.add local.set $s
            local.get $i i32.const 1 i32.add local.set $i
            br $next
          end
        end
        local.get $s)
    )
    (core instance $i (instantiate $m))
    (alias core export $i "mem" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (alias core export $i "post" (core func $post))

    (func (export "echo-string") (param "s" string) (result string)
      (canon lift (core func $i "pair") (memory $mem) (realloc $realloc) (post-return $post)))
    (func (export "echo-utf16") (param "s" string) (result string)
      (canon lift (core func $i "pair") string-encoding=utf16 (memory $mem) (realloc $realloc)))
    (func (export "echo-compact") (param "s" string) (result string)
      (canon lift (core func $i "pair") string-encoding=latin1+utf16 (memory $mem)
        (realloc $realloc)))
    (func (export "posts") (result u32) (canon lift (core func $i "posts")))
    (func (export "echo-list") (param "l" (list u32)) (result (list u32))
      (canon lift (core func $i "pair") (memory $mem) (realloc $realloc)))
    (func (export "echo-strings") (param "l" (list string)) (result (list string))
      (canon lift (core func $i "pair") (memory $mem) (realloc $realloc)))
    (func (export "sum8") (param "l" (list u8)) (result u32)
      (canon lift (core func $i "sum8") (memory $mem) (realloc $realloc)))
    (type $r (record (field "a" u8) (field "b" u64) (field "c" string)))
    (export $r-x "r" (type $r))
    (func (export "echo-record") (param "r" $r-x) (result $r-x)
      (canon lift (core func $i "record") (memory $mem) (realloc $realloc)))
    (type $v (variant (case "a" u32) (case "b" f64) (case "c")))
    (export $v-x "v" (type $v))
    (func (export "echo-variant") (param "v" $v-x) (result $v-x)
      (canon lift (core func $i "variant") (memory $mem)))
    (func (export "echo-option") (param "o" (option u32)) (result (option u32))
      (canon lift (core func $i "case1") (memory $mem)))
    (type $res (result u32 (error string)))
    (export $res-x "res" (type $res))
    (func (export "echo-result") (param "r" $res-x) (result $res-x)
      (canon lift (core func $i "case2") (memory $mem) (realloc $realloc)))
    (type $e (enum "red" "green" "blue"))
    (export $e-x "e" (type $e))
    (func (export "echo-enum") (param "e" $e-x) (result $e-x) (canon lift (core func $i "id")))
    (type $f (flags "x" "y" "z"))
    (export $f-x "f" (type $f))
    (func (export "echo-flags") (param "f" $f-x) (result $f-x) (canon lift (core func $i "id")))
    (func (export "echo-tuple") (param "t" (tuple u8 string)) (result (tuple u8 string))
      (canon lift (core func $i "tuple") (memory $mem) (realloc $realloc)))
    (func (export "sum17")
      (param "a" u32) (param "b" u32) (param "c" u32) (param "d" u32) (param "e" u32)
      (param "f" u32) (param "g" u32) (param "h" u32) (param "i" u32) (param "j" u32)
      (param "k" u32) (param "l" u32) (param "m" u32) (param "n" u32) (param "o" u32)
      (param "p" u32) (param "q" u32) (result u32)
      (canon lift (core func $i "sum17") (memory $mem) (realloc $realloc)))
  )
  (instance $c (instantiate $callee))
  (alias export $c "r" (type $r-c))
  (export $r "r" (type $r-c))
  (alias export $c "v" (type $v-c))
  (export $v "v" (type $v-c))
  (alias export $c "res" (type $res-c))
  (export $res "res" (type $res-c))
  (alias export $c "e" (type $e-c))
  (export $e "e" (type $e-c))
  (alias export $c "f" (type $f-c))
  (export $f "f" (type $f-c))

  ;; The relay's memory and allocator (the same bump allocator).
  (core module $rm
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param $old i32) (param $old_size i32)
        (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      local.get $old
      if
        local.get $size local.get $old_size i32.le_u
        if local.get $old return end
      end
      global.get $bump
      local.get $align i32.add i32.const 1 i32.sub
      i32.const 0 local.get $align i32.sub i32.and
      local.tee $p
      local.get $size i32.add
      global.set $bump
      local.get $old
      if local.get $p local.get $old local.get $old_size memory.copy end
      local.get $p))
  (core instance $rm (instantiate $rm))
  (alias core export $rm "mem" (core memory $mem))
  (alias core export $rm "realloc" (core func $realloc))

  (core func $lower-utf8-to-utf8 (canon lower (func $c "echo-string") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (core func $lower-utf16-to-utf8 (canon lower (func $c "echo-string") string-encoding=utf16 (memory $mem) (realloc $realloc)))
  (core func $lower-latin1-to-utf8 (canon lower (func $c "echo-string") string-encoding=latin1+utf16 (memory $mem) (realloc $realloc)))
  (core func $lower-utf8-to-utf16 (canon lower (func $c "echo-utf16") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (core func $lower-utf16-to-utf16 (canon lower (func $c "echo-utf16") string-encoding=utf16 (memory $mem) (realloc $realloc)))
  (core func $lower-latin1-to-utf16 (canon lower (func $c "echo-utf16") string-encoding=latin1+utf16 (memory $mem) (realloc $realloc)))
  (core func $lower-utf8-to-latin1 (canon lower (func $c "echo-compact") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (core func $lower-utf16-to-latin1 (canon lower (func $c "echo-compact") string-encoding=utf16 (memory $mem) (realloc $realloc)))
  (core func $lower-latin1-to-latin1 (canon lower (func $c "echo-compact") string-encoding=latin1+utf16 (memory $mem) (realloc $realloc)))
  (core func $lower-posts (canon lower (func $c "posts")))
  (core func $lower-echo-list (canon lower (func $c "echo-list") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (core func $lower-echo-strings (canon lower (func $c "echo-strings") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (core func $lower-echo-strings-utf16 (canon lower (func $c "echo-strings") string-encoding=utf16 (memory $mem) (realloc $realloc)))
  (core func $lower-sum8 (canon lower (func $c "sum8") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (core func $lower-echo-record (canon lower (func $c "echo-record") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (core func $lower-echo-variant (canon lower (func $c "echo-variant") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (core func $lower-echo-option (canon lower (func $c "echo-option") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (core func $lower-echo-result (canon lower (func $c "echo-result") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (core func $lower-echo-enum (canon lower (func $c "echo-enum")))
  (core func $lower-echo-flags (canon lower (func $c "echo-flags")))
  (core func $lower-echo-tuple (canon lower (func $c "echo-tuple") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (core func $lower-sum17 (canon lower (func $c "sum17") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (core module $relay
    (import "c" "utf8-to-utf8" (func $f-utf8-to-utf8 (param i32 i32 i32)))
    (import "c" "utf16-to-utf8" (func $f-utf16-to-utf8 (param i32 i32 i32)))
    (import "c" "latin1-to-utf8" (func $f-latin1-to-utf8 (param i32 i32 i32)))
    (import "c" "utf8-to-utf16" (func $f-utf8-to-utf16 (param i32 i32 i32)))
    (import "c" "utf16-to-utf16" (func $f-utf16-to-utf16 (param i32 i32 i32)))
    (import "c" "latin1-to-utf16" (func $f-latin1-to-utf16 (param i32 i32 i32)))
    (import "c" "utf8-to-latin1" (func $f-utf8-to-latin1 (param i32 i32 i32)))
    (import "c" "utf16-to-latin1" (func $f-utf16-to-latin1 (param i32 i32 i32)))
    (import "c" "latin1-to-latin1" (func $f-latin1-to-latin1 (param i32 i32 i32)))
    (import "c" "posts" (func $f-posts (result i32)))
    (import "c" "echo-list" (func $f-echo-list (param i32 i32 i32)))
    (import "c" "echo-strings" (func $f-echo-strings (param i32 i32 i32)))
    (import "c" "echo-strings-utf16" (func $f-echo-strings-utf16 (param i32 i32 i32)))
    (import "c" "sum8" (func $f-sum8 (param i32 i32) (result i32)))
    (import "c" "echo-record" (func $f-echo-record (param i32 i64 i32 i32 i32)))
    (import "c" "echo-variant" (func $f-echo-variant (param i32 i64 i32)))
    (import "c" "echo-option" (func $f-echo-option (param i32 i32 i32)))
    (import "c" "echo-result" (func $f-echo-result (param i32 i32 i32 i32)))
    (import "c" "echo-enum" (func $f-echo-enum (param i32) (result i32)))
    (import "c" "echo-flags" (func $f-echo-flags (param i32) (result i32)))
    (import "c" "echo-tuple" (func $f-echo-tuple (param i32 i32 i32 i32)))
    (import "c" "sum17" (func $f-sum17 (param i32) (result i32)))
    (func (export "utf8-to-utf8") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-utf8-to-utf8 i32.const 8)
    (func (export "utf16-to-utf8") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-utf16-to-utf8 i32.const 8)
    (func (export "latin1-to-utf8") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-latin1-to-utf8 i32.const 8)
    (func (export "utf8-to-utf16") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-utf8-to-utf16 i32.const 8)
    (func (export "utf16-to-utf16") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-utf16-to-utf16 i32.const 8)
    (func (export "latin1-to-utf16") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-latin1-to-utf16 i32.const 8)
    (func (export "utf8-to-latin1") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-utf8-to-latin1 i32.const 8)
    (func (export "utf16-to-latin1") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-utf16-to-latin1 i32.const 8)
    (func (export "latin1-to-latin1") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-latin1-to-latin1 i32.const 8)
    (func (export "posts") (result i32) call $f-posts)
    (func (export "echo-list") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-echo-list i32.const 8)
    (func (export "echo-strings") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-echo-strings i32.const 8)
    (func (export "echo-strings-utf16") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-echo-strings-utf16 i32.const 8)
    (func (export "sum8") (param i32 i32) (result i32) local.get 0 local.get 1 call $f-sum8)
    (func (export "echo-record") (param i32 i64 i32 i32) (result i32) local.get 0 local.get 1 local.get 2 local.get 3 i32.const 8 call $f-echo-record i32.const 8)
    (func (export "echo-variant") (param i32 i64) (result i32) local.get 0 local.get 1 i32.const 8 call $f-echo-variant i32.const 8)
    (func (export "echo-option") (param i32 i32) (result i32) local.get 0 local.get 1 i32.const 8 call $f-echo-option i32.const 8)
    (func (export "echo-result") (param i32 i32 i32) (result i32) local.get 0 local.get 1 local.get 2 i32.const 8 call $f-echo-result i32.const 8)
    (func (export "echo-enum") (param i32) (result i32) local.get 0 call $f-echo-enum)
    (func (export "echo-flags") (param i32) (result i32) local.get 0 call $f-echo-flags)
    (func (export "echo-tuple") (param i32 i32 i32) (result i32) local.get 0 local.get 1 local.get 2 i32.const 8 call $f-echo-tuple i32.const 8)
    (func (export "sum17") (param i32) (result i32) local.get 0 call $f-sum17)
  )
  (core instance $r (instantiate $relay (with "c" (instance
      (export "utf8-to-utf8" (func $lower-utf8-to-utf8))
      (export "utf16-to-utf8" (func $lower-utf16-to-utf8))
      (export "latin1-to-utf8" (func $lower-latin1-to-utf8))
      (export "utf8-to-utf16" (func $lower-utf8-to-utf16))
      (export "utf16-to-utf16" (func $lower-utf16-to-utf16))
      (export "latin1-to-utf16" (func $lower-latin1-to-utf16))
      (export "utf8-to-latin1" (func $lower-utf8-to-latin1))
      (export "utf16-to-latin1" (func $lower-utf16-to-latin1))
      (export "latin1-to-latin1" (func $lower-latin1-to-latin1))
      (export "posts" (func $lower-posts))
      (export "echo-list" (func $lower-echo-list))
      (export "echo-strings" (func $lower-echo-strings))
      (export "echo-strings-utf16" (func $lower-echo-strings-utf16))
      (export "sum8" (func $lower-sum8))
      (export "echo-record" (func $lower-echo-record))
      (export "echo-variant" (func $lower-echo-variant))
      (export "echo-option" (func $lower-echo-option))
      (export "echo-result" (func $lower-echo-result))
      (export "echo-enum" (func $lower-echo-enum))
      (export "echo-flags" (func $lower-echo-flags))
      (export "echo-tuple" (func $lower-echo-tuple))
      (export "sum17" (func $lower-sum17))))))
  (func (export "utf8-to-utf8") (param "s" string) (result string)
    (canon lift (core func $r "utf8-to-utf8") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (func (export "utf16-to-utf8") (param "s" string) (result string)
    (canon lift (core func $r "utf16-to-utf8") string-encoding=utf16 (memory $mem) (realloc $realloc)))
  (func (export "latin1-to-utf8") (param "s" string) (result string)
    (canon lift (core func $r "latin1-to-utf8") string-encoding=latin1+utf16 (memory $mem) (realloc $realloc)))
  (func (export "utf8-to-utf16") (param "s" string) (result string)
    (canon lift (core func $r "utf8-to-utf16") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (func (export "utf16-to-utf16") (param "s" string) (result string)
    (canon lift (core func $r "utf16-to-utf16") string-encoding=utf16 (memory $mem) (realloc $realloc)))
  (func (export "latin1-to-utf16") (param "s" string) (result string)
    (canon lift (core func $r "latin1-to-utf16") string-encoding=latin1+utf16 (memory $mem) (realloc $realloc)))
  (func (export "utf8-to-latin1") (param "s" string) (result string)
    (canon lift (core func $r "utf8-to-latin1") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (func (export "utf16-to-latin1") (param "s" string) (result string)
    (canon lift (core func $r "utf16-to-latin1") string-encoding=utf16 (memory $mem) (realloc $realloc)))
  (func (export "latin1-to-latin1") (param "s" string) (result string)
    (canon lift (core func $r "latin1-to-latin1") string-encoding=latin1+utf16 (memory $mem) (realloc $realloc)))
  (func (export "posts") (result u32)
    (canon lift (core func $r "posts")))
  (func (export "echo-list") (param "l" (list u32)) (result (list u32))
    (canon lift (core func $r "echo-list") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (func (export "echo-strings") (param "l" (list string)) (result (list string))
    (canon lift (core func $r "echo-strings") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (func (export "echo-strings-utf16") (param "l" (list string)) (result (list string))
    (canon lift (core func $r "echo-strings-utf16") string-encoding=utf16 (memory $mem) (realloc $realloc)))
  (func (export "sum8") (param "l" (list u8)) (result u32)
    (canon lift (core func $r "sum8") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (func (export "echo-record") (param "r" $r) (result $r)
    (canon lift (core func $r "echo-record") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (func (export "echo-variant") (param "v" $v) (result $v)
    (canon lift (core func $r "echo-variant") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (func (export "echo-option") (param "o" (option u32)) (result (option u32))
    (canon lift (core func $r "echo-option") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (func (export "echo-result") (param "r" $res) (result $res)
    (canon lift (core func $r "echo-result") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (func (export "echo-enum") (param "e" $e) (result $e)
    (canon lift (core func $r "echo-enum")))
  (func (export "echo-flags") (param "f" $f) (result $f)
    (canon lift (core func $r "echo-flags")))
  (func (export "echo-tuple") (param "t" (tuple u8 string)) (result (tuple u8 string))
    (canon lift (core func $r "echo-tuple") string-encoding=utf8 (memory $mem) (realloc $realloc)))
  (func (export "sum17") 
    (param "a" u32) (param "b" u32) (param "c" u32) (param "d" u32) (param "e" u32) (param "f" u32) (param "g" u32) (param "h" u32) (param "i" u32) (param "j" u32) (param "k" u32) (param "l" u32) (param "m" u32) (param "n" u32) (param "o" u32) (param "p" u32) (param "q" u32) (result u32)
    (canon lift (core func $r "sum17") string-encoding=utf8 (memory $mem) (realloc $realloc)))
)
(assert_return (invoke "utf8-to-utf8" (str.const "")) (str.const ""))
(assert_return (invoke "utf8-to-utf8" (str.const "héllo")) (str.const "héllo"))
(assert_return (invoke "utf8-to-utf8" (str.const "héllo, wörld 🦀")) (str.const "héllo, wörld 🦀"))
(assert_return (invoke "utf8-to-utf8" (str.const "ÿ")) (str.const "ÿ"))
(assert_return (invoke "utf8-to-utf8" (str.const "Ā€𐍈")) (str.const "Ā€𐍈"))
(assert_return (invoke "utf16-to-utf8" (str.const "")) (str.const ""))
(assert_return (invoke "utf16-to-utf8" (str.const "héllo")) (str.const "héllo"))
(assert_return (invoke "utf16-to-utf8" (str.const "héllo, wörld 🦀")) (str.const "héllo, wörld 🦀"))
(assert_return (invoke "utf16-to-utf8" (str.const "ÿ")) (str.const "ÿ"))
(assert_return (invoke "utf16-to-utf8" (str.const "Ā€𐍈")) (str.const "Ā€𐍈"))
(assert_return (invoke "latin1-to-utf8" (str.const "")) (str.const ""))
(assert_return (invoke "latin1-to-utf8" (str.const "héllo")) (str.const "héllo"))
(assert_return (invoke "latin1-to-utf8" (str.const "héllo, wörld 🦀")) (str.const "héllo, wörld 🦀"))
(assert_return (invoke "latin1-to-utf8" (str.const "ÿ")) (str.const "ÿ"))
(assert_return (invoke "latin1-to-utf8" (str.const "Ā€𐍈")) (str.const "Ā€𐍈"))
(assert_return (invoke "utf8-to-utf16" (str.const "")) (str.const ""))
(assert_return (invoke "utf8-to-utf16" (str.const "héllo")) (str.const "héllo"))
(assert_return (invoke "utf8-to-utf16" (str.const "héllo, wörld 🦀")) (str.const "héllo, wörld 🦀"))
(assert_return (invoke "utf8-to-utf16" (str.const "ÿ")) (str.const "ÿ"))
(assert_return (invoke "utf8-to-utf16" (str.const "Ā€𐍈")) (str.const "Ā€𐍈"))
(assert_return (invoke "utf16-to-utf16" (str.const "")) (str.const ""))
(assert_return (invoke "utf16-to-utf16" (str.const "héllo")) (str.const "héllo"))
(assert_return (invoke "utf16-to-utf16" (str.const "héllo, wörld 🦀")) (str.const "héllo, wörld 🦀"))
(assert_return (invoke "utf16-to-utf16" (str.const "ÿ")) (str.const "ÿ"))
(assert_return (invoke "utf16-to-utf16" (str.const "Ā€𐍈")) (str.const "Ā€𐍈"))
(assert_return (invoke "latin1-to-utf16" (str.const "")) (str.const ""))
(assert_return (invoke "latin1-to-utf16" (str.const "héllo")) (str.const "héllo"))
(assert_return (invoke "latin1-to-utf16" (str.const "héllo, wörld 🦀")) (str.const "héllo, wörld 🦀"))
(assert_return (invoke "latin1-to-utf16" (str.const "ÿ")) (str.const "ÿ"))
(assert_return (invoke "latin1-to-utf16" (str.const "Ā€𐍈")) (str.const "Ā€𐍈"))
(assert_return (invoke "utf8-to-latin1" (str.const "")) (str.const ""))
(assert_return (invoke "utf8-to-latin1" (str.const "héllo")) (str.const "héllo"))
(assert_return (invoke "utf8-to-latin1" (str.const "héllo, wörld 🦀")) (str.const "héllo, wörld 🦀"))
(assert_return (invoke "utf8-to-latin1" (str.const "ÿ")) (str.const "ÿ"))
(assert_return (invoke "utf8-to-latin1" (str.const "Ā€𐍈")) (str.const "Ā€𐍈"))
(assert_return (invoke "utf16-to-latin1" (str.const "")) (str.const ""))
(assert_return (invoke "utf16-to-latin1" (str.const "héllo")) (str.const "héllo"))
(assert_return (invoke "utf16-to-latin1" (str.const "héllo, wörld 🦀")) (str.const "héllo, wörld 🦀"))
(assert_return (invoke "utf16-to-latin1" (str.const "ÿ")) (str.const "ÿ"))
(assert_return (invoke "utf16-to-latin1" (str.const "Ā€𐍈")) (str.const "Ā€𐍈"))
(assert_return (invoke "latin1-to-latin1" (str.const "")) (str.const ""))
(assert_return (invoke "latin1-to-latin1" (str.const "héllo")) (str.const "héllo"))
(assert_return (invoke "latin1-to-latin1" (str.const "héllo, wörld 🦀")) (str.const "héllo, wörld 🦀"))
(assert_return (invoke "latin1-to-latin1" (str.const "ÿ")) (str.const "ÿ"))
(assert_return (invoke "latin1-to-latin1" (str.const "Ā€𐍈")) (str.const "Ā€𐍈"))
(assert_return (invoke "echo-list" (list.const)) (list.const))
(assert_return (invoke "echo-list" (list.const (u32.const 1) (u32.const 4294967295)))
  (list.const (u32.const 1) (u32.const 4294967295)))
(assert_return (invoke "echo-strings" (list.const (str.const "a") (str.const "") (str.const "ccc")))
  (list.const (str.const "a") (str.const "") (str.const "ccc")))
(assert_return (invoke "echo-strings-utf16" (list.const (str.const "é") (str.const "🦀🦀")))
  (list.const (str.const "é") (str.const "🦀🦀")))
(assert_return (invoke "sum8" (list.const (u8.const 200) (u8.const 100) (u8.const 7))) (u32.const 307))
(assert_return
  (invoke "echo-record" (record.const (field "a" u8.const 255) (field "b" u64.const 18446744073709551615) (field "c" str.const "rec")))
  (record.const (field "a" u8.const 255) (field "b" u64.const 18446744073709551615) (field "c" str.const "rec")))
(assert_return (invoke "echo-variant" (variant.const "a" (u32.const 42))) (variant.const "a" (u32.const 42)))
(assert_return (invoke "echo-variant" (variant.const "b" (f64.const -2.5))) (variant.const "b" (f64.const -2.5)))
(assert_return (invoke "echo-variant" (variant.const "c")) (variant.const "c"))
(assert_return (invoke "echo-option" (option.none)) (option.none))
(assert_return (invoke "echo-option" (option.some (u32.const 9))) (option.some (u32.const 9)))
(assert_return (invoke "echo-result" (result.ok (u32.const 5))) (result.ok (u32.const 5)))
(assert_return (invoke "echo-result" (result.err (str.const "bad"))) (result.err (str.const "bad")))
(assert_return (invoke "echo-enum" (enum.const "blue")) (enum.const "blue"))
(assert_return (invoke "echo-flags" (flags.const "x" "z")) (flags.const "x" "z"))
(assert_return (invoke "echo-flags" (flags.const)) (flags.const))
(assert_return (invoke "echo-tuple" (tuple.const (u8.const 1) (str.const "t")))
  (tuple.const (u8.const 1) (str.const "t")))
(assert_return
  (invoke "sum17" (u32.const 1) (u32.const 2) (u32.const 3) (u32.const 4) (u32.const 5)
    (u32.const 6) (u32.const 7) (u32.const 8) (u32.const 9) (u32.const 10) (u32.const 11)
    (u32.const 12) (u32.const 13) (u32.const 14) (u32.const 15) (u32.const 16) (u32.const 17))
  (u32.const 153))
;; The callee's post-return ran once per call of echo-string (utf8-to-utf8
;; and its five strings, utf16 and latin1 callers likewise).
(assert_return (invoke "posts") (u32.const 15))

