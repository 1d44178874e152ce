;; Traps in guard-page mode are those of explicit bounds checks: a faulting
;; access traps before anything after it has an effect (a store, a call,
;; another trap), and an access whose value ends up unused still traps.
;; kiln-spec runs this file at -O0 and -O2, in both bounds modes.

;; A constant out-of-range truncation once crashed the compiler: the folded
;; result (poison) was read as a float constant.
(module
  (func (export "folded_trunc") (result f64)
    f32.const 1e10 i32.trunc_f32_s f64.convert_i32_s f64.const 1 f64.add))
(assert_trap (invoke "folded_trunc") "integer overflow")

(module
  (memory 1 1)
  (table 2 funcref)
  (global $g (mut i32) (i32.const 0))
  (data (i32.const 65520) "\01\00\00\00\02\00\00\00\03\00\00\00\04\00\00\00")

  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "global") (result i32) (global.get $g))

  ;; Loads whose value ends up unused.
  (func (export "unused_load") (result i32)
    i32.const 65536 i64.load8_s f64.convert_i64_s drop i32.const 7)
  (func (export "load_discarded_by_br")
    (block (i32.const 65536) (i32.load) (br 0)))
  (func (export "load_into_dead_local") (local i64)
    (local.set 0 (i64.load (i32.const 65535))))

  ;; A faulting load before another trap.
  (func (export "load_then_div_s") (param i32) (result i32)
    i32.const 65536 i32.load i32.const 0x80000000 local.get 0 i32.div_s i32.add)
  (func (export "load_then_div_by_zero") (param i32) (result i32)
    i32.const 65536 i32.load i32.const 1 local.get 0 i32.div_u i32.add)
  (func (export "load_then_unreachable") (param i32) (result i32)
    i32.const 65536 i32.load local.get 0 br_if 0 unreachable)
  (func (export "load_then_trunc") (param f32) (result i32)
    i32.const 65536 i32.load local.get 0 i32.trunc_f32_s i32.add)
  (func (export "load_then_table_get") (param i32) (result i32)
    i32.const 65536 i32.load local.get 0 table.get 0 ref.is_null i32.add)
  (func (export "load_then_null_call") (param i32) (result i32)
    i32.const 65536 i32.load local.get 0 call_indirect (result i32) i32.add)

  ;; A faulting access before a store, a global.set and a call.
  (func (export "load_then_store")
    (drop (i32.load (i32.const 65536)))
    (i32.store (i32.const 0) (i32.const 7)))
  (func (export "store_then_store")
    (i32.store (i32.const 65534) (i32.const 1))
    (i32.store (i32.const 8) (i32.const 2)))
  (func (export "load_then_global_set")
    (drop (i64.load (i32.const 65530)))
    (global.set $g (i32.const 9)))
  (func $mark (i32.store (i32.const 16) (i32.const 5)))
  (func (export "load_then_call") (result i32)
    (i32.load (i32.const 65536))
    (call $mark))

  ;; Loops: what was stored before the faulting iteration stays, nothing after.
  ;; dst[i] = src[i] for i < n, src at 65520: word 4 lies outside.
  (func (export "copy_words") (param $dst i32) (param $n i32) (local $i i32)
    (loop $l
      (i32.store
        (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
        (i32.load (i32.add (i32.const 65520) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
  ;; c[j] += b[j], b at 65520: the loop shape kiln vectorizes.
  (func (export "add_words") (param $c i32) (param $n i32) (local $j i32)
    (loop $l
      (i32.store offset=0
        (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2)))
        (i32.add
          (i32.load (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))))
          (i32.load (i32.add (i32.const 65520) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $j) (local.get $n)))))
  ;; a[i] = i for i < n, a near the end: a store loop LLVM would make a memset-like loop.
  (func (export "fill_words") (param $a i32) (param $n i32) (local $i i32)
    (loop $l
      (i32.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
)

(assert_trap (invoke "unused_load") "out of bounds memory access")
(assert_trap (invoke "load_discarded_by_br") "out of bounds memory access")
(assert_trap (invoke "load_into_dead_local") "out of bounds memory access")

(assert_trap (invoke "load_then_div_s" (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "load_then_div_by_zero" (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "load_then_unreachable" (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "load_then_trunc" (f32.const nan)) "out of bounds memory access")
(assert_trap (invoke "load_then_trunc" (f32.const 1e10)) "out of bounds memory access")
(assert_trap (invoke "load_then_table_get" (i32.const 5)) "out of bounds memory access")
(assert_trap (invoke "load_then_null_call" (i32.const 0)) "out of bounds memory access")

(assert_trap (invoke "load_then_store") "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 0)) (i32.const 0))
(assert_trap (invoke "store_then_store") "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 8)) (i32.const 0))
(assert_return (invoke "peek" (i32.const 65532)) (i32.const 4))
(assert_trap (invoke "load_then_global_set") "out of bounds memory access")
(assert_return (invoke "global") (i32.const 0))
(assert_trap (invoke "load_then_call") "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 16)) (i32.const 0))

(assert_trap (invoke "copy_words" (i32.const 256) (i32.const 64)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 256)) (i32.const 1))
(assert_return (invoke "peek" (i32.const 268)) (i32.const 4))
(assert_return (invoke "peek" (i32.const 272)) (i32.const 0))

(assert_trap (invoke "add_words" (i32.const 512) (i32.const 64)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 512)) (i32.const 1))
(assert_return (invoke "peek" (i32.const 524)) (i32.const 4))
(assert_return (invoke "peek" (i32.const 528)) (i32.const 0))

(assert_trap (invoke "fill_words" (i32.const 65000) (i32.const 1000)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 65532)) (i32.const 133))
(assert_return (invoke "peek" (i32.const 65528)) (i32.const 132))

;; A store before a faulting access happens, even when a later store to the
;; same place would make it dead to LLVM: the fault ends the function first.
(module
  (memory 1 1)
  (global $g (mut i64) (i64.const 0))
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "global") (result i64) (global.get $g))
  (func (export "global_set_twice") (param i32)
    (global.set $g (i64.const 1))
    (global.set $g (i64.load8_u (local.get 0))))
  (func (export "store_twice") (param i32)
    (i32.store (i32.const 0) (i32.const 1))
    (i32.store (i32.const 0) (i32.load (local.get 0))))
  ;; The first store is to an address a load already proved in bounds.
  (func (export "covered_store_twice") (param i32)
    (drop (i32.load (i32.const 8)))
    (i32.store (i32.const 8) (i32.const 3))
    (drop (i32.load (local.get 0)))
    (i32.store (i32.const 8) (i32.const 4)))
  (func (export "fill_twice") (param i32)
    (memory.fill (i32.const 32) (i32.const 1) (i32.const 8))
    (drop (i32.load (local.get 0)))
    (memory.fill (i32.const 32) (i32.const 2) (i32.const 8)))
  (func (export "copy_twice") (param i32)
    (memory.copy (i32.const 48) (i32.const 32) (i32.const 4))
    (drop (i32.load (local.get 0)))
    (memory.copy (i32.const 48) (i32.const 8) (i32.const 4)))
)
(assert_trap (invoke "global_set_twice" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "global") (i64.const 1))
(assert_trap (invoke "store_twice" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 0)) (i32.const 1))
(assert_trap (invoke "covered_store_twice" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 8)) (i32.const 3))
(assert_trap (invoke "fill_twice" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 32)) (i32.const 0x01010101))
(assert_trap (invoke "copy_twice" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 48)) (i32.const 0x01010101))
