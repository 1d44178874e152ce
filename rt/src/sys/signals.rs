//! The signal handler's mechanism: SIGSEGV, SIGBUS and SIGILL are caught
//! on an alternate stack and shown to the classifier the runtime installs
//! (`traps::classify_fault`). A fault it claims as a trap of wasm code
//! resumes at the catching frame it names. Any other fault is not a trap:
//! one that happened while wasm was running (in compiled code or in a host
//! function it called) is reported as a crash of the host, with its
//! address; then every fault that is not a trap goes to the handler
//! installed before kiln's, or, with none, kills the process as the signal
//! would have (reported as a crash too).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

/// What a fault looked like to the handler.
#[derive(Clone, Copy, Debug)]
pub struct Fault {
    pub signal: Signal,
    /// Program counter, frame pointer and stack pointer of the code that
    /// faulted.
    pub pc: usize,
    pub fp: usize,
    pub sp: usize,
    /// The faulting address (SIGSEGV, SIGBUS).
    pub addr: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Segv,
    Bus,
    Ill,
}

/// What the runtime makes of a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A trap of wasm code, recorded: resume at the catching frame whose
    /// jump buffer this is.
    Trap(usize),
    /// Not a trap, while wasm was running: a crash of the host.
    Crash,
    /// Nothing to do with wasm.
    Unknown,
}

/// Judges a fault. It runs in the signal handler: no allocation, no locks.
pub type Classifier = fn(&Fault) -> Verdict;

/// The installed classifier, as an address (0 until `install_handlers`).
static CLASSIFIER: AtomicUsize = AtomicUsize::new(0);

static mut PREVIOUS_SEGV: Option<libc::sigaction> = None;
static mut PREVIOUS_BUS: Option<libc::sigaction> = None;
static mut PREVIOUS_ILL: Option<libc::sigaction> = None;

pub fn install_handlers(classify: Classifier) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        CLASSIFIER.store(classify as usize, Ordering::Release);
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

#[cfg(target_arch = "aarch64")]
unsafe fn redirect(uc: *mut libc::ucontext_t, to: usize, arg: usize) {
    let m = &mut (*uc).uc_mcontext;
    m.pc = to as u64;
    m.regs[0] = arg as u64;
}

extern "C" fn handle(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid ucontext for SA_SIGINFO handlers.
    let (pc, fp, sp) = unsafe { context_regs(ctx as *mut libc::ucontext_t) };
    let signal = match sig {
        libc::SIGSEGV => Signal::Segv,
        libc::SIGBUS => Signal::Bus,
        _ => Signal::Ill,
    };
    // SAFETY: `info` is the kernel's siginfo for this signal.
    let addr = unsafe { (*info).si_addr() } as usize;
    let fault = Fault {
        signal,
        pc,
        fp,
        sp,
        addr,
    };
    let classify = CLASSIFIER.load(Ordering::Acquire);
    let verdict = if classify == 0 {
        Verdict::Unknown
    } else {
        // SAFETY: the only value stored there is a `Classifier`.
        let classify: Classifier = unsafe { std::mem::transmute(classify) };
        classify(&fault)
    };
    match verdict {
        Verdict::Trap(buf) => {
            // SAFETY: the classifier names the catching frame of this
            // thread, which is live (the thread is inside it).
            unsafe {
                redirect(
                    ctx as *mut libc::ucontext_t,
                    super::unwind::kiln_resume as *const () as usize,
                    buf,
                )
            };
            return;
        }
        Verdict::Crash => report_crash(&fault, CRASH_IN_WASM),
        Verdict::Unknown => {}
    }
    // Not a trap: the previous disposition, and the fault repeats.
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
                if verdict == Verdict::Unknown {
                    report_crash(&fault, b"");
                }
                let mut dfl: libc::sigaction = std::mem::zeroed();
                dfl.sa_sigaction = libc::SIG_DFL;
                libc::sigaction(sig, &dfl, std::ptr::null_mut());
            }
        }
    }
}

/// What a crash report adds when wasm was running.
const CRASH_IN_WASM: &[u8] =
    b": not a trap of wasm code; this is a bug in kiln or in a host function";

/// Tell stderr that the process crashed, and where, before the signal
/// kills it: `kiln: crash: SIGSEGV at address 0x8 (pc 0x...)` and `why`.
/// Formatted on the stack and written with one write(2): async-signal-safe.
fn report_crash(f: &Fault, why: &[u8]) {
    let mut buf = [0u8; 160];
    let mut n = 0;
    let mut put = |s: &[u8]| {
        let take = s.len().min(buf.len() - n);
        buf[n..n + take].copy_from_slice(&s[..take]);
        n += take;
    };
    put(b"kiln: crash: ");
    put(match f.signal {
        Signal::Segv => b"SIGSEGV",
        Signal::Bus => b"SIGBUS",
        Signal::Ill => b"SIGILL",
    });
    if f.signal != Signal::Ill {
        put(b" at address ");
        put(&hex(f.addr));
    }
    put(b" (pc ");
    put(&hex(f.pc));
    put(b")");
    put(why);
    put(b"\n");
    // SAFETY: writing our own buffer to stderr.
    unsafe { libc::write(2, buf.as_ptr() as *const libc::c_void, n) };
}

/// `0x` and the hexadecimal digits of `v`, in a fixed buffer, NUL-padded
/// after the digits (callers trim it).
fn hex(v: usize) -> HexDigits {
    let mut out = [0u8; 18];
    out[..2].copy_from_slice(b"0x");
    let digits = (usize::BITS - v.leading_zeros()).div_ceil(4).max(1) as usize;
    for i in 0..digits {
        let d = (v >> (4 * (digits - 1 - i))) & 0xf;
        out[2 + i] = b"0123456789abcdef"[d];
    }
    HexDigits {
        bytes: out,
        len: 2 + digits,
    }
}

struct HexDigits {
    bytes: [u8; 18],
    len: usize,
}

impl std::ops::Deref for HexDigits {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}
