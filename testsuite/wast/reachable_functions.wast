;; A function that nothing in the code calls or names, but that a constant
;; expression outside the code makes reachable, must keep its code: the
;; compiler may make only unreachable-from-outside functions private to
;; their codegen unit (and then inline and delete them).

;; Through a table's initializer.
(module
  (type $r (func (result i32)))
  (func $f (type $r) (i32.const 42))
  (table $t 2 funcref (ref.func $f))
  (func (export "call") (param i32) (result i32)
    (call_indirect $t (type $r) (local.get 0))))

(assert_return (invoke "call" (i32.const 0)) (i32.const 42))
(assert_return (invoke "call" (i32.const 1)) (i32.const 42))

;; Through a global's initializer, put in a table by code.
(module
  (type $r (func (result i32)))
  (func $g (type $r) (i32.const 7))
  (global $ref funcref (ref.func $g))
  (table $t 1 funcref)
  (func (export "call") (result i32)
    (table.set $t (i32.const 0) (global.get $ref))
    (call_indirect $t (type $r) (i32.const 0))))

(assert_return (invoke "call") (i32.const 7))
