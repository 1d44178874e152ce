;; The trap builtin's address is loaded in the cold block that raises the
;; trap, not up front: loaded in the entry block it stayed live through the
;; whole function (a spill slot and a store on every call) for the sake of
;; paths that almost never run. (On aarch64: x86_64 traps with a trap
;; instruction, trap_instruction.wat.)
;; OPTIONS: guard aarch64
;; CHECK: load ptr
;; CHECK-NOT-IN-BLOCK: load ptr | entry
(module
  (func (export "quotient") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b))))
