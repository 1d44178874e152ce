;; A resource method: `[method]pollable.ready` on a host pollable (a
;; timer far in the future, so never ready), `n` times.
(component $root
  (import "wasi:io/poll@0.2.0" (instance $poll
    (export "pollable" (type $p (sub resource)))
    (export "[method]pollable.ready" (func (param "self" (borrow $p)) (result bool)))))
  (alias export $poll "pollable" (type $pollable))
  (import "wasi:clocks/monotonic-clock@0.2.0" (instance $clock
    (alias outer $root $pollable (type $p))
    (export "pollable" (type $q (eq $p)))
    (export "now" (func (result u64)))
    (export "subscribe-duration" (func (param "when" u64) (result (own $q))))))
  (core func $now (canon lower (func $clock "now")))
  (core func $subscribe (canon lower (func $clock "subscribe-duration")))
  (core func $ready (canon lower (func $poll "[method]pollable.ready")))
  (core module $m
    (import "" "now" (func $now (result i64)))
    (import "" "subscribe" (func $subscribe (param i64) (result i32)))
    (import "" "ready" (func $ready (param i32) (result i32)))
    (func (export "run") (param $n i32) (result i64)
      (local $t i64) (local $p i32)
      i64.const 3600000000000 call $subscribe local.set $p
      call $now local.set $t
      block $done
        loop $next
          local.get $n i32.eqz br_if $done
          local.get $p call $ready drop
          local.get $n i32.const 1 i32.sub local.set $n
          br $next
        end
      end
      call $now local.get $t i64.sub))
  (core instance $i (instantiate $m (with "" (instance
    (export "now" (func $now)) (export "subscribe" (func $subscribe))
    (export "ready" (func $ready))))))
  (func (export "run") (param "n" u32) (result u64) (canon lift (core func $i "run"))))
