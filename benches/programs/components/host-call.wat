;; A host call: `wasi:clocks/monotonic-clock.now`, `n` times. `run`
;; returns the nanoseconds the loop took, measured by the same clock.
(component
  (import "wasi:clocks/monotonic-clock@0.2.0" (instance $clock
    (export "now" (func (result u64)))))
  (core func $now (canon lower (func $clock "now")))
  (core module $m
    (import "" "now" (func $now (result i64)))
    (func (export "run") (param $n i32) (result i64)
      (local $t i64)
      call $now local.set $t
      block $done
        loop $next
          local.get $n i32.eqz br_if $done
          call $now drop
          local.get $n i32.const 1 i32.sub local.set $n
          br $next
        end
      end
      call $now local.get $t i64.sub))
  (core instance $i (instantiate $m (with "" (instance (export "now" (func $now))))))
  (func (export "run") (param "n" u32) (result u64) (canon lift (core func $i "run"))))
