//! The signal handler. A signal whose program counter lies in registered
//! compiled wasm code, on a thread that is running wasm, is a trap:
//! - SIGILL at a trap instruction (`kiln_abi::trap_instruction`): the trap
//!   it names;
//! - SIGSEGV/SIGBUS at an address next to the stack pointer: the stack ran
//!   into the guard page below it (functions that call only wasm functions
//!   have no stack check of their own, see the compiler's `stack_check`);
//! - SIGSEGV/SIGBUS at an address in a linear memory's reservation: an
//!   out-of-bounds memory access (the memory's guard region).
//!
//! Anything else is not ours and goes to the previous handler: a fault at
//! another address, even from compiled code, is a bug in kiln or the host,
//! and must not pass for a wasm trap.

use crate::traps::{self, CODE_RANGES};
use kiln_abi::TrapCode;
use std::sync::Once;

static mut PREVIOUS_SEGV: Option<libc::sigaction> = None;
static mut PREVIOUS_BUS: Option<libc::sigaction> = None;
static mut PREVIOUS_ILL: Option<libc::sigaction> = None;

/// How far from the stack pointer a fault still counts as the stack's:
/// below it, a push or a call's return address (and the red zone); above
/// it, the first touch of a new frame that was not probed (LLVM probes
/// frames larger than a page, page by page from the top).
const STACK_FAULT_BELOW: usize = 4096;
const STACK_FAULT_ABOVE: usize = 8192;

pub fn install_handlers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: sigaction with a zeroed struct, our handler and SA_ONSTACK;
        // the PREVIOUS_* statics are written once here, before any fault
        // can be routed to `handle`.
        unsafe {
            for (sig, slot) in [
                (libc::SIGSEGV, &raw mut PREVIOUS_SEGV),
                (libc::SIGBUS, &raw mut PREVIOUS_BUS),
                (libc::SIGILL, &raw mut PREVIOUS_ILL),
            ] {
                let mut sa: libc::sigaction = std::mem::zeroed();
                sa.sa_sigaction = handle as *const () as usize;
                sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
                libc::sigemptyset(&mut sa.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                libc::sigaction(sig, &sa, &mut old);
                *slot = Some(old);
            }
        }
    });
}

/// Each thread that runs wasm needs an alternate signal stack, since a fault
/// may come from a nearly exhausted stack.
pub fn ensure_alt_stack() {
    thread_local!(static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    DONE.with(|d| {
        if d.get() {
            return;
        }
        d.set(true);
        // SAFETY: querying and installing a sigaltstack for this thread; the
        // mapping is leaked on purpose, it must outlive every signal.
        unsafe {
            let mut old: libc::stack_t = std::mem::zeroed();
            libc::sigaltstack(std::ptr::null(), &mut old);
            if old.ss_flags & libc::SS_DISABLE == 0 && old.ss_size >= 64 * 1024 {
                return;
            }
            let size = 256 * 1024;
            let p = libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return;
            }
            let st = libc::stack_t {
                ss_sp: p,
                ss_flags: 0,
                ss_size: size,
            };
            libc::sigaltstack(&st, std::ptr::null_mut());
        }
    });
}

/// (program counter, frame pointer, stack pointer) of the interrupted code.
#[cfg(target_arch = "x86_64")]
unsafe fn context_regs(uc: *mut libc::ucontext_t) -> (usize, usize, usize) {
    let g = &(*uc).uc_mcontext.gregs;
    (
        g[libc::REG_RIP as usize] as usize,
        g[libc::REG_RBP as usize] as usize,
        g[libc::REG_RSP as usize] as usize,
    )
}

/// (trap code, function index) of the trap instruction at `pc`.
#[cfg(target_arch = "x86_64")]
fn trap_instruction(pc: usize) -> Option<(u32, u32)> {
    use kiln_abi::trap_instruction::{x86_64_decode, LEN};
    // SAFETY: `pc` lies in registered compiled code, which is mapped
    // readable; a trap instruction is followed by its operands, and any
    // other instruction that raised SIGILL by at least as many bytes of
    // code or padding in the same section.
    let bytes = unsafe { std::ptr::read_unaligned(pc as *const [u8; LEN]) };
    x86_64_decode(&bytes)
}

#[cfg(target_arch = "x86_64")]
unsafe fn redirect(uc: *mut libc::ucontext_t, to: usize, arg: usize) {
    let g = &mut (*uc).uc_mcontext.gregs;
    g[libc::REG_RIP as usize] = to as i64;
    g[libc::REG_RDI as usize] = arg as i64;
}

#[cfg(target_arch = "aarch64")]
unsafe fn context_regs(uc: *mut libc::ucontext_t) -> (usize, usize, usize) {
    let m = &(*uc).uc_mcontext;
    (m.pc as usize, m.regs[29] as usize, m.sp as usize)
}

/// Compiled code for aarch64 traps through the trap builtin.
#[cfg(target_arch = "aarch64")]
fn trap_instruction(_pc: usize) -> Option<(u32, u32)> {
    None
}

#[cfg(target_arch = "aarch64")]
unsafe fn redirect(uc: *mut libc::ucontext_t, to: usize, arg: usize) {
    let m = &mut (*uc).uc_mcontext;
    m.pc = to as u64;
    m.regs[0] = arg as u64;
}

extern "C" fn handle(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid ucontext for SA_SIGINFO handlers.
    let (pc, fp, sp) = unsafe { context_regs(ctx as *mut libc::ucontext_t) };
    let buf = traps::current_jump_buf();
    let module = if buf.is_null() {
        None
    } else {
        CODE_RANGES.module_at(pc)
    };
    if let Some(module) = module {
        // SAFETY: `info` is the kernel's siginfo for this signal.
        let addr = unsafe { (*info).si_addr() } as usize;
        if record_trap(sig, module, pc, fp, sp, addr) {
            // SAFETY: resume at the catching frame of this thread, which
            // is live (the thread is inside `call_catching`).
            unsafe {
                redirect(
                    ctx as *mut libc::ucontext_t,
                    crate::sys::unwind::kiln_resume as *const () as usize,
                    buf as usize,
                )
            };
            return;
        }
    }
    // Not ours: reinstate the previous disposition and let the fault repeat.
    // SAFETY: restoring the action saved at install time.
    unsafe {
        let prev = match sig {
            libc::SIGSEGV => (*(&raw const PREVIOUS_SEGV)).as_ref(),
            libc::SIGBUS => (*(&raw const PREVIOUS_BUS)).as_ref(),
            _ => (*(&raw const PREVIOUS_ILL)).as_ref(),
        };
        match prev {
            Some(p) if p.sa_sigaction != libc::SIG_DFL && p.sa_sigaction != libc::SIG_IGN => {
                if p.sa_flags & libc::SA_SIGINFO != 0 {
                    let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                        std::mem::transmute(p.sa_sigaction);
                    f(sig, info, ctx);
                } else {
                    let f: extern "C" fn(libc::c_int) = std::mem::transmute(p.sa_sigaction);
                    f(sig);
                }
            }
            _ => {
                let mut dfl: libc::sigaction = std::mem::zeroed();
                dfl.sa_sigaction = libc::SIG_DFL;
                libc::sigaction(sig, &dfl, std::ptr::null_mut());
            }
        }
    }
}

/// Record the trap that signal `sig` at `pc` in `module`'s code means, if
/// it is one (see the module comment); `addr` is the faulting address.
fn record_trap(
    sig: libc::c_int,
    module: &crate::module::Module,
    pc: usize,
    fp: usize,
    sp: usize,
    addr: usize,
) -> bool {
    if sig == libc::SIGILL {
        // A `ud2` without a known trap code after it is not one of ours.
        let Some((code, func_index)) =
            trap_instruction(pc).filter(|(code, _)| TrapCode::from_u32(*code).is_some())
        else {
            return false;
        };
        // A trap stub made a frame record before its trap instruction and
        // has no unwind rows; a wasm function has them.
        let start = if func_index == kiln_abi::TRAP_IN_CALLER {
            traps::Start::Record(fp)
        } else {
            traps::Start::Stopped(traps::Frame { pc, sp, fp })
        };
        traps::record_wasm_trap(code, module, func_index, start);
        return true;
    }
    let near_stack =
        addr.wrapping_add(STACK_FAULT_BELOW) >= sp && addr < sp.saturating_add(STACK_FAULT_ABOVE);
    let code = if near_stack {
        TrapCode::CallStackExhausted
    } else if crate::sys::mmap::in_reservation(addr) {
        TrapCode::MemoryOutOfBounds
    } else {
        return false;
    };
    traps::record_fault(code, traps::Frame { pc, sp, fp });
    true
}
