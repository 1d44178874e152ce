//! The fault handler: a SIGSEGV/SIGBUS whose program counter lies in
//! registered compiled wasm code, on a thread that is running wasm, is an
//! out-of-bounds memory access (the guard region). Anything else is not
//! ours and goes to the previous handler.

use crate::traps::{self, CODE_RANGES};
use std::sync::Once;

static mut PREVIOUS_SEGV: Option<libc::sigaction> = None;
static mut PREVIOUS_BUS: Option<libc::sigaction> = None;

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

#[cfg(target_arch = "x86_64")]
unsafe fn context_regs(uc: *mut libc::ucontext_t) -> (usize, usize) {
    let g = &(*uc).uc_mcontext.gregs;
    (
        g[libc::REG_RIP as usize] as usize,
        g[libc::REG_RBP as usize] as usize,
    )
}

#[cfg(target_arch = "x86_64")]
unsafe fn redirect(uc: *mut libc::ucontext_t, to: usize, arg: usize) {
    let g = &mut (*uc).uc_mcontext.gregs;
    g[libc::REG_RIP as usize] = to as i64;
    g[libc::REG_RDI as usize] = arg as i64;
}

#[cfg(target_arch = "aarch64")]
unsafe fn context_regs(uc: *mut libc::ucontext_t) -> (usize, usize) {
    let m = &(*uc).uc_mcontext;
    (m.pc as usize, m.regs[29] as usize)
}

#[cfg(target_arch = "aarch64")]
unsafe fn redirect(uc: *mut libc::ucontext_t, to: usize, arg: usize) {
    let m = &mut (*uc).uc_mcontext;
    m.pc = to as u64;
    m.regs[0] = arg as u64;
}

extern "C" fn handle(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid ucontext for SA_SIGINFO handlers.
    let (pc, fp) = unsafe { context_regs(ctx as *mut libc::ucontext_t) };
    let buf = traps::current_jump_buf();
    if !buf.is_null() && CODE_RANGES.module_at(pc).is_some() {
        traps::record_fault(pc, fp);
        // SAFETY: resume at the catching frame of this thread, which is
        // live (the thread is inside `call_catching`).
        unsafe {
            redirect(
                ctx as *mut libc::ucontext_t,
                crate::sys::unwind::kiln_resume as *const () as usize,
                buf as usize,
            )
        };
        return;
    }
    // Not ours: reinstate the previous disposition and let the fault repeat.
    // SAFETY: restoring the action saved at install time.
    unsafe {
        let prev = if sig == libc::SIGSEGV {
            (*(&raw const PREVIOUS_SEGV)).as_ref()
        } else {
            (*(&raw const PREVIOUS_BUS)).as_ref()
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
