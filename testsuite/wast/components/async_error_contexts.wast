;; Error contexts passed in calls between two component instances: the
;; caller passes one to the callee, which reads its message and returns
;; the message's length; the callee returns one of its own, whose message
;; the caller reads. (The spec lifts an error context without taking it
;; from the sender's table; what the sender may do with it afterwards is
;; left untested, as wasmtime takes it.)

(component definition $Contexts
  (component $Callee
    (core module $libc
      (memory (export "memory") 1)
      (data (i32.const 0) "kaput!")
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1000)))
    (core instance $libc (instantiate $libc))
    (alias core export $libc "memory" (core memory $mem))
    (alias core export $libc "realloc" (core func $realloc))
    (core func $message (canon error-context.debug-message (memory $mem) (realloc $realloc)))
    (core func $drop (canon error-context.drop))
    (core func $new (canon error-context.new (memory $mem)))
    (core module $m
      (import "" "message" (func $message (param i32 i32)))
      (import "" "drop" (func $drop (param i32)))
      (import "" "new" (func $new (param i32 i32) (result i32)))
      (import "" "memory" (memory 1))
      (func (export "length") (param $e i32) (result i32)
        (call $message (local.get $e) (i32.const 100))
        (call $drop (local.get $e))
        (i32.load (i32.const 104)))
      (func (export "make") (result i32)
        (call $new (i32.const 0) (i32.const 6))))
    (core instance $i (instantiate $m (with "" (instance
      (export "message" (func $message))
      (export "drop" (func $drop))
      (export "new" (func $new))
      (export "memory" (memory $mem))))))
    (func (export "length") (param "e" error-context) (result u32)
      (canon lift (core func $i "length")))
    (func (export "make") (result error-context)
      (canon lift (core func $i "make"))))
  (instance $callee (instantiate $Callee))

  (core module $libc
    (memory (export "memory") 1)
    (data (i32.const 0) "boom")
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1000)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (core func $length (canon lower (func $callee "length")))
  (core func $make (canon lower (func $callee "make")))
  (core func $new (canon error-context.new (memory $mem)))
  (core func $message (canon error-context.debug-message (memory $mem) (realloc $realloc)))
  (core func $drop (canon error-context.drop))
  (core module $m
    (import "" "length" (func $length (param i32) (result i32)))
    (import "" "make" (func $make (result i32)))
    (import "" "new" (func $new (param i32 i32) (result i32)))
    (import "" "message" (func $message (param i32 i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "memory" (memory 1))
    ;; The callee's length of "boom", times 100, and the length of the
    ;; callee's "kaput!".
    (func (export "run") (result i32)
      (local $mine i32)
      (local $theirs i32)
      (local.set $mine (call $length (call $new (i32.const 0) (i32.const 4))))
      (local.set $theirs (call $make))
      (call $message (local.get $theirs) (i32.const 200))
      (call $drop (local.get $theirs))
      (i32.add (i32.mul (local.get $mine) (i32.const 100)) (i32.load (i32.const 204)))))
  (core instance $m (instantiate $m (with "" (instance
    (export "length" (func $length))
    (export "make" (func $make))
    (export "new" (func $new))
    (export "message" (func $message))
    (export "drop" (func $drop))
    (export "memory" (memory $mem))))))
  (func (export "run") (result u32) (canon lift (core func $m "run"))))

(component instance $c $Contexts)
(assert_return (invoke "run") (u32.const 406))
