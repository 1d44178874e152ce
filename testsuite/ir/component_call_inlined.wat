;; Two components: `add` of one (the code rustc makes of
;; `a.wrapping_add(b)`) called by `sum` of another, through a lowering
;; and a lifting the component fixes when it is built. The callee's body
;; reaches the caller through the adapter: the caller's loop adds in
;; place, calling neither the adapter nor the callee; each keeps its
;; vmctx, and the adapter's own function is still there for other
;; callers.
;;
;; The callee (module 0), the adapter (module 1) with the callee inlined,
;; and the caller (module 2) with the adapter inlined into its loop:
;; CHECK: define hidden i32 @kiln_m0_f0(
;; CHECK: define hidden i32 @kiln_m1_f9(
;; CHECK: kiln_m1_f9.exit:
;; CHECK-NOT: call {{.*}}@kiln_m{{[0-9]+}}_f

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
