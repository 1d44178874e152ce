;; On x86_64 a trap is a trap instruction: `ud2`, then the trap code (7,
;; integer divide by zero; 8, integer overflow) and the function index,
;; which the signal handler reads (kiln_abi::trap_instruction). The cold
;; path needs no vmctx, no builtin's address and no stack.
;; OPTIONS: guard -O2
;; CHECK: asm sideeffect "ud2\0A\09.byte 7\0A\09.long 0"
;; CHECK: asm sideeffect "ud2\0A\09.byte 8\0A\09.long 0"
;; CHECK-NOT: load ptr
(module
  (func (export "quotient") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b))))
