;; Host resources crossing between component instances: the root gets
;; stdout's stream from the host and lends it twice to $Writer, then gives
;; it away; $Writer writes through the host and drops what it was given.
;; With `MOVED` replaced by 1, the root uses the handle after giving it
;; away, which must trap.
(component
  (import "wasi:io/error@0.2.0" (instance $err (export "error" (type (sub resource)))))
  (alias export $err "error" (type $error))
  (import "wasi:io/streams@0.2.0" (instance $streams
    (export "error" (type $e (eq $error)))
    (export "output-stream" (type $os (sub resource)))
    (type $se (variant (case "last-operation-failed" (own $e)) (case "closed")))
    (export "stream-error" (type $se2 (eq $se)))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" (borrow $os)) (param "contents" (list u8)) (result (result (error $se2)))))))
  (alias export $streams "output-stream" (type $os))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (export "output-stream" (type $o (eq $os)))
    (export "get-stdout" (func (result (own $o))))))

  ;; Writes to a stream it is given, owned or borrowed.
  (component $Writer
    (import "streams" (instance $s
      (export "error" (type $e (sub resource)))
      (export "output-stream" (type $os (sub resource)))
      (type $se (variant (case "last-operation-failed" (own $e)) (case "closed")))
      (export "stream-error" (type $se2 (eq $se)))
      (export "[method]output-stream.blocking-write-and-flush"
        (func (param "self" (borrow $os)) (param "contents" (list u8)) (result (result (error $se2)))))))
    (alias export $s "output-stream" (type $os))
    (core module $mem
      (memory (export "memory") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        global.get $next local.set $p
        global.get $next local.get 3 i32.add global.set $next
        local.get $p))
    (core instance $mem (instantiate $mem))
    (core func $write (canon lower (func $s "[method]output-stream.blocking-write-and-flush")
      (memory (core memory $mem "memory"))))
    (core func $drop (canon resource.drop $os))
    (core module $impl
      (import "" "write" (func $write (param i32 i32 i32 i32)))
      (import "" "drop" (func $drop (param i32)))
      ;; A borrowed handle must be dropped before the call returns.
      (func (export "write-borrowed") (param i32 i32 i32)
        local.get 0 local.get 1 local.get 2 i32.const 16 call $write
        local.get 0 call $drop)
      (func (export "write-owned") (param i32 i32 i32)
        local.get 0 local.get 1 local.get 2 i32.const 16 call $write
        local.get 0 call $drop))
    (core instance $x (instantiate $impl (with "" (instance
      (export "write" (func $write)) (export "drop" (func $drop))))))
    (export $os2 "output-stream" (type $os))
    (func (export "write-borrowed") (param "s" (borrow $os2)) (param "text" string)
      (canon lift (core func $x "write-borrowed") (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
    (func (export "write-owned") (param "s" (own $os2)) (param "text" string)
      (canon lift (core func $x "write-owned") (memory (core memory $mem "memory")) (realloc (core func $mem "realloc")))))
  (instance $w (instantiate $Writer (with "streams" (instance $streams))))

  (core module $data
    (memory (export "memory") 1)
    (data (i32.const 0) "borrowed\0a")
    (data (i32.const 16) "owned\0a"))
  (core instance $data (instantiate $data))
  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $write-borrowed (canon lower (func $w "write-borrowed") (memory (core memory $data "memory"))))
  (core func $write-owned (canon lower (func $w "write-owned") (memory (core memory $data "memory"))))
  (core func $drop (canon resource.drop $os))
  (core module $main
    (import "" "get-stdout" (func $get-stdout (result i32)))
    (import "" "write-borrowed" (func $wb (param i32 i32 i32)))
    (import "" "write-owned" (func $wo (param i32 i32 i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "run") (result i32)
      (local $h i32)
      call $get-stdout local.set $h
      local.get $h i32.const 0 i32.const 9 call $wb
      local.get $h i32.const 0 i32.const 9 call $wb
      local.get $h i32.const 16 i32.const 6 call $wo
      i32.const MOVED
      if local.get $h i32.const 0 i32.const 9 call $wb end
      i32.const 0))
  (core instance $main (instantiate $main (with "" (instance
    (export "get-stdout" (func $get-stdout)) (export "write-borrowed" (func $write-borrowed))
    (export "write-owned" (func $write-owned)) (export "drop" (func $drop))))))
  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $r (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $r)))
