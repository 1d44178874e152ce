;; A call to a function of the same module is a direct LLVM call (which the
;; optimizer may inline); calls are never tail calls, so infinite recursion
;; exhausts the stack and traps.
;; OPTIONS: guard -O0
;; CHECK: notail call i32 @kiln_f1(ptr
;; CHECK-NOT: = tail call i32 @kiln_f1
(module
  (func (export "outer") (param i32) (result i32)
    (call $inner (local.get 0)))
  (func $inner (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1))))
