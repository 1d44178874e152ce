;; A post-return that calls the host (wasi:cli/stdout) while the host is
;; returning from a call of `f`: the instance may not leave, and the call traps.
(component
  (import "wasi:io/error@0.2.0" (instance $err (export "error" (type (sub resource)))))
  (alias export $err "error" (type $error))
  (import "wasi:io/streams@0.2.0" (instance $streams
    (export "output-stream" (type $os (sub resource)))))
  (alias export $streams "output-stream" (type $os))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (export "output-stream" (type $o (eq $os)))
    (export "get-stdout" (func (result (own $o))))))
  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core module $m
    (import "" "get-stdout" (func $get-stdout (result i32)))
    (func (export "f") (result i32) i32.const 5)
    (func (export "post") (param i32) call $get-stdout drop))
  (core instance $i (instantiate $m (with "" (instance (export "get-stdout" (func $get-stdout))))))
  (func (export "f") (result u32) (canon lift (core func $i "f") (post-return (core func $i "post")))))
