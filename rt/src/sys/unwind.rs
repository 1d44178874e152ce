//! Leaving compiled code abruptly on a trap, without unwind tables.
//!
//! `kiln_call_catching(buf, f, data)` saves the callee-saved registers,
//! stack pointer and a resume address in `buf`, then calls `f(data)`; it
//! returns 0 when `f` returns. `kiln_resume(buf)` (from a trap builtin, or
//! from the signal handler by rewriting the faulting context) restores them,
//! making `kiln_call_catching` return 1. The frames in between — compiled
//! wasm and the trampolines — own no resources, so skipping them is sound.
//! Host functions called by wasm must not hold owned values across a call
//! that can trap.

#[repr(C)]
pub struct JumpBuf {
    pub regs: [usize; 22],
}

impl JumpBuf {
    pub const fn new() -> JumpBuf {
        JumpBuf { regs: [0; 22] }
    }
}

extern "C" {
    pub fn kiln_call_catching(
        buf: *mut JumpBuf,
        f: unsafe extern "C" fn(*mut u8),
        data: *mut u8,
    ) -> u32;
    pub fn kiln_resume(buf: *const JumpBuf) -> !;
}

#[cfg(target_arch = "x86_64")]
std::arch::global_asm!(
    ".text",
    ".globl kiln_call_catching",
    ".hidden kiln_call_catching",
    ".type kiln_call_catching,@function",
    "kiln_call_catching:",
    "push rbp",
    "mov rbp, rsp",
    "mov [rdi + 0], rbx",
    "mov [rdi + 8], rbp",
    "mov [rdi + 16], r12",
    "mov [rdi + 24], r13",
    "mov [rdi + 32], r14",
    "mov [rdi + 40], r15",
    "mov [rdi + 48], rsp",
    "lea rax, [rip + 2f]",
    "mov [rdi + 56], rax",
    "mov rdi, rdx",
    "call rsi",
    "xor eax, eax",
    "pop rbp",
    "ret",
    "2:",
    "mov eax, 1",
    "pop rbp",
    "ret",
    ".size kiln_call_catching, . - kiln_call_catching",
    ".globl kiln_resume",
    ".hidden kiln_resume",
    ".type kiln_resume,@function",
    "kiln_resume:",
    "mov rbx, [rdi + 0]",
    "mov rbp, [rdi + 8]",
    "mov r12, [rdi + 16]",
    "mov r13, [rdi + 24]",
    "mov r14, [rdi + 32]",
    "mov r15, [rdi + 40]",
    "mov rsp, [rdi + 48]",
    "jmp qword ptr [rdi + 56]",
    ".size kiln_resume, . - kiln_resume",
);

#[cfg(target_arch = "aarch64")]
std::arch::global_asm!(
    ".text",
    ".globl kiln_call_catching",
    ".hidden kiln_call_catching",
    ".type kiln_call_catching,%function",
    "kiln_call_catching:",
    "stp x29, x30, [sp, #-16]!",
    "mov x29, sp",
    "stp x19, x20, [x0, #0]",
    "stp x21, x22, [x0, #16]",
    "stp x23, x24, [x0, #32]",
    "stp x25, x26, [x0, #48]",
    "stp x27, x28, [x0, #64]",
    "stp x29, x30, [x0, #80]",
    "mov x3, sp",
    "str x3, [x0, #96]",
    "adr x3, 2f",
    "str x3, [x0, #104]",
    "stp d8, d9, [x0, #112]",
    "stp d10, d11, [x0, #128]",
    "stp d12, d13, [x0, #144]",
    "stp d14, d15, [x0, #160]",
    "mov x0, x2",
    "blr x1",
    "mov w0, #0",
    "ldp x29, x30, [sp], #16",
    "ret",
    "2:",
    "mov w0, #1",
    "ldp x29, x30, [sp], #16",
    "ret",
    ".size kiln_call_catching, . - kiln_call_catching",
    ".globl kiln_resume",
    ".hidden kiln_resume",
    ".type kiln_resume,%function",
    "kiln_resume:",
    "ldp x19, x20, [x0, #0]",
    "ldp x21, x22, [x0, #16]",
    "ldp x23, x24, [x0, #32]",
    "ldp x25, x26, [x0, #48]",
    "ldp x27, x28, [x0, #64]",
    "ldp x29, x30, [x0, #80]",
    "ldp d8, d9, [x0, #112]",
    "ldp d10, d11, [x0, #128]",
    "ldp d12, d13, [x0, #144]",
    "ldp d14, d15, [x0, #160]",
    "ldr x3, [x0, #96]",
    "mov sp, x3",
    "ldr x3, [x0, #104]",
    "br x3",
    ".size kiln_resume, . - kiln_resume",
);
