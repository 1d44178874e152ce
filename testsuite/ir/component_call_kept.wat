;; OPTIONS: keep-boundaries
;; As component_call_inlined.wat, with `--keep-boundaries`: the caller's
;; loop calls the adapter through its funcref, and the adapter calls the
;; callee the same way: nothing is inlined.
;; CHECK: define hidden i32 @kiln_m1_f9(
;; CHECK-NOT: kiln_m1_f9.exit:
;; CHECK: call i32 %{{[0-9]+}}(ptr

(component
  (component $callee
    (core module $m
      (func (export "add") (param i32 i32) (result i32)
        local.get 0 local.get 1 i32.add))
    (core instance $i (instantiate $m))
    (func (export "add") (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $i "add"))))

  (component $caller
    (import "add" (func $add (param "a" u32) (param "b" u32) (result u32)))
    (core func $add_low (canon lower (func $add)))
    (core module $m
      (import "callee" "add" (func $add (param i32 i32) (result i32)))
      ;; 0 + 1 + ... + (n - 1), one call of `add` a step.
      (func (export "sum") (param $n i32) (result i32)
        (local $i i32) (local $acc i32)
        (block $done
          (loop $loop
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $acc (call $add (local.get $acc) (local.get $i)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $loop)))
        (local.get $acc)))
    (core instance $i (instantiate $m
      (with "callee" (instance (export "add" (func $add_low))))))
    (func (export "sum") (param "n" u32) (result u32)
      (canon lift (core func $i "sum"))))

  (instance $callee (instantiate $callee))
  (instance $caller (instantiate $caller (with "add" (func $callee "add"))))
  (export "sum" (func $caller "sum")))
