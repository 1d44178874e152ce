//! Traps: how compiled code stops, how the runtime catches it, and the wasm
//! backtrace it prints.

use crate::module::Module;
use crate::sys::signals::{Fault, Signal, Verdict};
use crate::sys::unwind::{kiln_call_catching, kiln_resume, JumpBuf};
use kiln_abi::TrapCode;
use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Why a call into wasm did not return normally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrapKind {
    Wasm(TrapCode),
    /// The program asked to exit (WASI `proc_exit`).
    Exit(i32),
    /// A host function failed.
    Host(String),
    /// A rule of the Canonical ABI was broken at a component boundary.
    Component(ComponentTrap),
}

/// The traps the Canonical ABI defines, at the boundary between a
/// component and its caller. Messages are wasmtime's where it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComponentTrap {
    /// A `char` that is not a Unicode scalar value.
    InvalidChar,
    /// A variant, enum, option or result discriminant past its cases.
    InvalidDiscriminant,
    InvalidUtf8,
    InvalidUtf16,
    /// A pointer not aligned for what it points at, or a range past the
    /// end of memory, by what it is for.
    Unaligned(Region),
    OutOfBounds(Region),
    /// A fused adapter met a value it may not pass.
    Adapter(kiln_abi::component::AdapterTrap),
    /// Handle `.0` names no live resource.
    BadHandle(u32),
    /// An owning handle moved or dropped while a borrow of it is lent.
    StillLent,
    /// A borrowed handle given where an owning one is expected.
    OwnFromBorrow,
    /// A call returned still holding borrowed handles.
    BorrowsRemain,
    /// A handle used as a resource type it is not.
    WrongHandleType,
    /// Handle `.0`, to one defined resource, used as another.
    WrongGuestType(u32),
    /// A call into a component instance that may not be entered now.
    CannotEnter,
    /// A call out of a component instance that may not leave now.
    CannotLeave,
    /// A rule of the async ABI broken, with wasmtime's message.
    Concurrency(&'static str),
}

/// What a pointer crossing a component boundary points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    String,
    List,
    /// Results returned through memory.
    Return,
    /// Parameters passed through memory.
    Params,
    /// What `realloc` returned.
    Realloc,
}

impl ComponentTrap {
    pub fn message(self) -> &'static str {
        use Region::*;
        match self {
            ComponentTrap::InvalidChar => "converted integer out of range for `char`",
            ComponentTrap::InvalidDiscriminant => "discriminant out of range",
            ComponentTrap::InvalidUtf8 => "invalid utf-8 sequence",
            ComponentTrap::InvalidUtf16 => "invalid utf-16 sequence",
            ComponentTrap::Unaligned(String) => "string pointer is not aligned",
            ComponentTrap::Unaligned(List) => "list pointer is not aligned",
            ComponentTrap::Unaligned(Return) => "return pointer not aligned",
            ComponentTrap::Unaligned(Params) => "parameter pointer not aligned",
            ComponentTrap::Unaligned(Realloc) => "realloc return: result not aligned",
            ComponentTrap::OutOfBounds(String) => "string pointer/length out of bounds of memory",
            ComponentTrap::OutOfBounds(List) => "list pointer/length out of bounds of memory",
            ComponentTrap::OutOfBounds(Return) => "return pointer out of bounds of memory",
            ComponentTrap::OutOfBounds(Params) => "parameter pointer out of bounds of memory",
            ComponentTrap::OutOfBounds(Realloc) => "realloc return: beyond end of memory",
            ComponentTrap::Adapter(t) => t.message(),
            ComponentTrap::BadHandle(_) => "unknown handle index",
            ComponentTrap::StillLent => "cannot remove owned resource while borrowed",
            ComponentTrap::OwnFromBorrow => "cannot lift own resource from a borrow",
            ComponentTrap::BorrowsRemain => "borrow handles still remain at the end of the call",
            ComponentTrap::WrongHandleType => "handle used with the wrong resource type",
            ComponentTrap::WrongGuestType(_) => {
                "used with the wrong type, expected guest-defined resource but found a different guest-defined resource"
            }
            ComponentTrap::CannotEnter => "cannot enter component instance",
            ComponentTrap::CannotLeave => "cannot leave component instance",
            ComponentTrap::Concurrency(m) => m,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Trap {
    pub kind: TrapKind,
    /// Innermost first: (function index, name if the module has one).
    pub backtrace: Vec<(u32, Option<String>)>,
}

impl Trap {
    pub fn code(&self) -> Option<TrapCode> {
        match self.kind {
            TrapKind::Wasm(c) => Some(c),
            _ => None,
        }
    }
    pub fn message(&self) -> String {
        match &self.kind {
            TrapKind::Wasm(c) => c.message().to_string(),
            TrapKind::Exit(n) => format!("exit with status {n}"),
            TrapKind::Host(m) => m.clone(),
            // wasmtime's message names the handle first.
            TrapKind::Component(t @ ComponentTrap::WrongGuestType(h)) => {
                format!("handle index {h} {}", t.message())
            }
            TrapKind::Component(t @ ComponentTrap::BadHandle(h)) => {
                format!("{} {h}", t.message())
            }
            TrapKind::Component(t) => t.message().to_string(),
        }
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "trap: {}", self.message())?;
        writeln!(f, "wasm backtrace:")?;
        // Deep recursion would print thousands of equal lines: fold runs.
        let mut i = 0;
        while i < self.backtrace.len() {
            let (index, name) = &self.backtrace[i];
            let run = self.backtrace[i..]
                .iter()
                .take_while(|fr| *fr == &self.backtrace[i])
                .count();
            match name {
                Some(n) => writeln!(f, "  {i:>3}: func[{index}] {n}")?,
                None => writeln!(f, "  {i:>3}: func[{index}]")?,
            }
            if run > 1 {
                writeln!(f, "       ... the same frame {} more times", run - 1)?;
            }
            i += run;
        }
        Ok(())
    }
}

/// Code ranges of every loaded module, readable from a signal handler:
/// a fixed array filled with atomics, never shrunk.
pub struct CodeRanges {
    slots: [(AtomicUsize, AtomicUsize, AtomicUsize); 65536],
    len: AtomicUsize,
}

pub static CODE_RANGES: CodeRanges = CodeRanges {
    slots: [const {
        (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        )
    }; 65536],
    len: AtomicUsize::new(0),
};

impl CodeRanges {
    /// Register `[start, end)` as code of `module`, which must stay alive for
    /// the rest of the process (loaded modules are never unloaded).
    pub fn register(&self, start: usize, end: usize, module: *const Module) {
        if start >= end {
            return;
        }
        let i = self.len.fetch_add(1, Ordering::AcqRel);
        if i >= self.slots.len() {
            return; // beyond capacity faults are simply not ours
        }
        self.slots[i].0.store(start, Ordering::Release);
        self.slots[i].1.store(end, Ordering::Release);
        self.slots[i].2.store(module as usize, Ordering::Release);
    }

    /// The module whose code `pc` is in. The core modules of a component
    /// share one code section, so each registers all of it: of those, the
    /// module with a function starting nearest below `pc` has it. Where
    /// only one module covers `pc` (a core module), no function is looked
    /// up.
    pub fn module_at(&self, pc: usize) -> Option<&'static Module> {
        let n = self.len.load(Ordering::Acquire).min(self.slots.len());
        let mut found: Option<&'static Module> = None;
        // The found module's nearest function start, once another module
        // covers `pc` too.
        let mut nearest: Option<Option<usize>> = None;
        for s in &self.slots[..n] {
            let m = s.2.load(Ordering::Acquire);
            if m != 0 && pc >= s.0.load(Ordering::Acquire) && pc < s.1.load(Ordering::Acquire) {
                // SAFETY: registered modules are leaked and live forever.
                let m = unsafe { &*(m as *const Module) };
                let Some(best) = found else {
                    found = Some(m);
                    continue;
                };
                let best_start = *nearest.get_or_insert_with(|| best.func_start_at(pc));
                let start = m.func_start_at(pc);
                if start > best_start {
                    found = Some(m);
                    nearest = Some(start);
                }
            }
        }
        found
    }
}

const MAX_FRAMES: usize = 128;

/// What a trap left behind for `call_catching`, written without allocating
/// (it may be written from the signal handler).
struct Pending {
    kind: Cell<u32>,
    first: Cell<Option<(usize, u32)>>,
    pcs: Cell<[usize; MAX_FRAMES]>,
    n: Cell<usize>,
}

thread_local! {
    static JUMP_BUF: Cell<*mut JumpBuf> = const { Cell::new(std::ptr::null_mut()) };
    static PENDING: Pending = const { Pending {
        kind: Cell::new(0),
        first: Cell::new(None),
        pcs: Cell::new([0; MAX_FRAMES]),
        n: Cell::new(0),
    } };
    static HOST_TRAP: Cell<Option<Box<TrapKind>>> = const { Cell::new(None) };
}

pub fn current_jump_buf() -> *mut JumpBuf {
    JUMP_BUF.with(|b| b.get())
}

/// Make `buf` the innermost trap catcher: the one it replaces. Never
/// inlined: a frame on a task's own stack may be resumed on another
/// thread (`component::concurrent::fiber`), and must not keep one
/// thread's address of a thread-local across the switch.
#[inline(never)]
pub(crate) fn swap_jump_buf(buf: *mut JumpBuf) -> *mut JumpBuf {
    JUMP_BUF.with(|b| b.replace(buf))
}

/// The registers of a stopped wasm frame that finding its caller needs.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub pc: usize,
    pub sp: usize,
    pub fp: usize,
}

/// Where a backtrace starts.
#[derive(Clone, Copy, Debug)]
pub enum Start {
    /// In the frame that stopped (a fault or trap instruction), with its
    /// registers.
    Stopped(Frame),
    /// At the frame record (saved fp, return address) at this address,
    /// which the raising function made: it called the trap builtin, or it
    /// is a trap stub.
    Record(usize),
}

/// Fill `pcs` with the return addresses into wasm code above `start`,
/// innermost first; returns how many.
fn backtrace_from(start: Start, pcs: &mut [usize; MAX_FRAMES], mut n: usize) -> usize {
    let (frame, stopped, fp) = match start {
        Start::Stopped(f) => (f, true, f.fp),
        // SAFETY: a frame record on this thread's stack: the raising
        // function's saved fp, then its return address, just below the
        // caller's stack pointer at the call.
        Start::Record(fp) => unsafe {
            let caller = Frame {
                pc: *((fp + 8) as *const usize),
                sp: fp + 16,
                fp: *(fp as *const usize),
            };
            (caller, false, fp)
        },
    };
    let at = if stopped {
        frame.pc
    } else {
        frame.pc.wrapping_sub(1)
    };
    let Some(module) = CODE_RANGES.module_at(at) else {
        return n;
    };
    if !module.has_unwind_table() {
        return walk_frames(fp, pcs, n);
    }
    if !stopped {
        pcs[n] = frame.pc;
        n += 1;
    }
    walk_unwind(frame, stopped, pcs, n)
}

/// Follow the modules' unwind tables up from frame `f` while return
/// addresses are wasm code. `stopped`: `f.pc` is where `f` stopped, not a
/// return address (which points after its call).
fn walk_unwind(
    mut f: Frame,
    mut stopped: bool,
    pcs: &mut [usize; MAX_FRAMES],
    mut n: usize,
) -> usize {
    use kiln_abi::unwind::{CfaBase, FP_NOT_SAVED};
    while n < MAX_FRAMES {
        let at = if stopped { f.pc } else { f.pc - 1 };
        let Some(row) = CODE_RANGES.module_at(at).and_then(|m| m.unwind_row(at)) else {
            break;
        };
        let base = match row.cfa_base {
            CfaBase::StackPointer => f.sp,
            CfaBase::FramePointer => f.fp,
            CfaBase::Unknown => break,
        };
        let cfa = base.wrapping_add_signed(row.cfa_offset as isize);
        // SAFETY: the row describes this frame at `at`, as LLVM's
        // call-frame information did: the return address sits just below
        // the CFA, and a saved frame pointer at the offset it names, on
        // this thread's stack.
        let caller = unsafe {
            Frame {
                pc: *((cfa - 8) as *const usize),
                sp: cfa,
                fp: if row.saved_fp == FP_NOT_SAVED {
                    f.fp
                } else {
                    *(cfa.wrapping_add_signed(row.saved_fp as isize) as *const usize)
                },
            }
        };
        if caller.sp <= f.sp || CODE_RANGES.module_at(caller.pc.wrapping_sub(1)).is_none() {
            break;
        }
        pcs[n] = caller.pc;
        n += 1;
        f = caller;
        stopped = false;
    }
    n
}

/// Follow frame records from `fp` while return addresses are wasm code
/// (where functions keep frame pointers: no unwind table).
fn walk_frames(mut fp: usize, pcs: &mut [usize; MAX_FRAMES], mut n: usize) -> usize {
    while fp != 0 && n < MAX_FRAMES {
        // SAFETY: frame pointers of compiled wasm frames point at a frame
        // record (saved fp, return address) on this thread's stack; the walk
        // stops at the first return address outside wasm code.
        let (next, ret) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
        if CODE_RANGES.module_at(ret).is_none() {
            break;
        }
        pcs[n] = ret;
        n += 1;
        if next <= fp {
            break;
        }
        fp = next;
    }
    n
}

/// Called from the signal handler for a fault in compiled code: an access
/// to a linear memory's guard region, or (`code` says which) a call that
/// ran into the guard page below the thread's stack.
pub fn record_fault(code: TrapCode, stopped: Frame) {
    PENDING.with(|p| {
        let mut pcs = [0usize; MAX_FRAMES];
        pcs[0] = stopped.pc;
        let n = backtrace_from(Start::Stopped(stopped), &mut pcs, 1);
        p.kind.set(code as u32);
        p.first.set(None);
        p.pcs.set(pcs);
        p.n.set(n);
    });
}

/// Record trap `code`, raised by wasm function `func_index` of `module`,
/// for `call_catching` to pick up. Called by the trap builtin, and by the
/// signal handler for a trap instruction.
pub fn record_wasm_trap(code: u32, module: &Module, func_index: u32, start: Start) {
    PENDING.with(|p| {
        let mut pcs = [0usize; MAX_FRAMES];
        let mut n = backtrace_from(start, &mut pcs, 0);
        let mut first = Some((module as *const Module as usize, func_index));
        if func_index == kiln_abi::TRAP_IN_CALLER {
            // A trap stub: the first return address is in the wasm function
            // that called it, which is where the trap happened.
            first = pcs[..n].first().and_then(|&ret| {
                let m = CODE_RANGES.module_at(ret - 1)?;
                Some((m as *const Module as usize, m.func_at(ret - 1)?))
            });
            if n > 0 {
                pcs.copy_within(1..n, 0);
                n -= 1;
            }
        }
        p.kind.set(code);
        p.first.set(first);
        p.pcs.set(pcs);
        p.n.set(n);
    });
}

/// Raise a wasm trap from compiled code (through the trap builtin).
pub fn raise_wasm(code: u32, module: &Module, func_index: u32, fp: usize) -> ! {
    record_wasm_trap(code, module, func_index, Start::Record(fp));
    resume()
}

/// Raise a trap from a host function called by wasm.
pub fn raise_host(kind: TrapKind) -> ! {
    HOST_TRAP.with(|h| h.set(Some(Box::new(kind))));
    PENDING.with(|p| {
        p.kind.set(0);
        p.first.set(None);
        p.n.set(0);
    });
    resume()
}

fn resume() -> ! {
    let buf = current_jump_buf();
    assert!(!buf.is_null(), "trap raised outside of wasm");
    // SAFETY: `buf` belongs to the innermost live `call_catching` frame.
    unsafe { kiln_resume(buf) }
}

/// Run `f` (which calls compiled code); a trap inside comes back as `Err`.
pub fn call_catching(f: &mut dyn FnMut()) -> Result<(), Trap> {
    crate::sys::signals::install_handlers(classify_fault);
    crate::sys::signals::ensure_alt_stack();
    unsafe extern "C" fn call_closure(data: *mut u8) {
        // SAFETY: `data` is the `&mut &mut dyn FnMut()` passed below.
        let f = unsafe { &mut *(data as *mut &mut dyn FnMut()) };
        f();
    }
    let mut buf = JumpBuf::new();
    let prev = swap_jump_buf(&mut buf);
    let mut fref: &mut dyn FnMut() = f;
    // SAFETY: buf outlives the call; the closure owns nothing that a trap
    // would skip dropping (see sys::unwind).
    let trapped =
        unsafe { kiln_call_catching(&mut buf, call_closure, &mut fref as *mut _ as *mut u8) };
    swap_jump_buf(prev);
    if trapped == 0 {
        return Ok(());
    }
    Err(take_pending())
}

fn take_pending() -> Trap {
    if let Some(kind) = HOST_TRAP.with(|h| h.take()) {
        return Trap {
            kind: *kind,
            backtrace: Vec::new(),
        };
    }
    PENDING.with(|p| {
        let code = TrapCode::from_u32(p.kind.get()).unwrap_or(TrapCode::Unreachable);
        let mut backtrace = Vec::new();
        if let Some((m, index)) = p.first.get() {
            // SAFETY: module pointers recorded here are live registered modules.
            let m = unsafe { &*(m as *const Module) };
            backtrace.push((index, m.func_name(index)));
        }
        let pcs = p.pcs.get();
        for (i, pc) in pcs[..p.n.get()].iter().enumerate() {
            if let Some(m) = CODE_RANGES.module_at(*pc) {
                // A return address points after the call; a faulting pc at it.
                let at = if i == 0 && p.first.get().is_none() {
                    *pc
                } else {
                    pc - 1
                };
                if let Some(index) = m.func_at_ordering(at) {
                    backtrace.push((index, m.func_name(index)));
                }
            }
        }
        Trap {
            kind: TrapKind::Wasm(code),
            backtrace,
        }
    })
}

/// How far from the stack pointer a fault still counts as the stack's:
/// below it, a push or a call's return address (and the red zone); above
/// it, the first touch of a new frame that was not probed (LLVM probes
/// frames larger than a page, page by page from the top).
const STACK_FAULT_BELOW: usize = 4096;
const STACK_FAULT_ABOVE: usize = 8192;

/// The signal handler's question (`sys::signals`): is `fault` a trap of the
/// wasm code this thread is running? If so, it is recorded, and the answer
/// is the jump buffer to resume at; if wasm is running but it is not one,
/// the host crashed. A signal is a trap only at a program
/// counter in registered compiled code, on a thread inside `call_catching`:
/// - SIGILL at a trap instruction (`kiln_abi::trap_instruction`): the trap
///   it names;
/// - SIGSEGV/SIGBUS at an address next to the stack pointer: the stack ran
///   into the guard page below it (functions that call only wasm functions
///   have no stack check of their own, see the compiler's `stack_check`);
/// - SIGSEGV/SIGBUS at an address in a linear memory's reservation: an
///   out-of-bounds memory access (the memory's guard region).
///
/// A fault at any other address, even from compiled code, is a bug in kiln
/// or the host, and must not pass for a wasm trap.
fn classify_fault(fault: &Fault) -> Verdict {
    let buf = current_jump_buf();
    if buf.is_null() {
        return Verdict::Unknown;
    }
    match trap_of(fault) {
        Some(()) => Verdict::Trap(buf as usize),
        None => Verdict::Crash,
    }
}

/// Record the trap `fault` is, if it is one.
fn trap_of(fault: &Fault) -> Option<()> {
    let module = CODE_RANGES.module_at(fault.pc)?;
    let Fault {
        signal,
        pc,
        fp,
        sp,
        addr,
    } = *fault;
    if signal == Signal::Ill {
        // A `ud2` without a known trap code after it is not one of ours.
        let (code, func_index) =
            trap_instruction(pc).filter(|(code, _)| TrapCode::from_u32(*code).is_some())?;
        let func_index = match func_index {
            kiln_abi::TRAP_AT_PC => module.func_at(pc).unwrap_or(func_index),
            i => i,
        };
        // A trap stub made a frame record before its trap instruction and
        // has no unwind rows; a wasm function has them.
        let start = if func_index == kiln_abi::TRAP_IN_CALLER {
            Start::Record(fp)
        } else {
            Start::Stopped(Frame { pc, sp, fp })
        };
        record_wasm_trap(code, module, func_index, start);
        return Some(());
    }
    let near_stack =
        addr.wrapping_add(STACK_FAULT_BELOW) >= sp && addr < sp.saturating_add(STACK_FAULT_ABOVE);
    let code = if near_stack {
        TrapCode::CallStackExhausted
    } else if crate::sys::mmap::in_reservation(addr) {
        TrapCode::MemoryOutOfBounds
    } else {
        return None;
    };
    record_fault(code, Frame { pc, sp, fp });
    Some(())
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

/// Compiled code for aarch64 traps through the trap builtin.
#[cfg(target_arch = "aarch64")]
fn trap_instruction(_pc: usize) -> Option<(u32, u32)> {
    None
}
