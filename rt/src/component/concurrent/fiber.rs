//! A task's own stack. The spec gives every task a thread of its own,
//! which may block inside a turn (wait, yield, or call what must wait)
//! while the code that started it goes on. kiln runs the turns of tasks
//! other instances start on fibers: stacks of their own (corosensei's,
//! reused from a pool), so that blocking suspends the fiber and whoever
//! resumed it goes on. A task waiting on the host's stack resumes
//! suspended fibers now and then, each asking again whether it may go on
//! ([`Pause::NotReady`] if not).
//!
//! Switching stacks switches what belongs to one: the innermost trap
//! catcher (`traps::swap_jump_buf`), the fiber running, and the stack
//! limit of the component's core instances, which compiled code checks.
//! Those are read and written through functions never inlined, so that a
//! frame the fiber keeps may be resumed on another thread (a server's
//! worker) without reusing one thread's address of a thread-local.

use crate::instance::Instance;
use crate::traps::Trap;
use corosensei::stack::{DefaultStack, Stack};
use corosensei::{Coroutine, CoroutineResult, Yielder};
use std::cell::{Cell, RefCell};

/// Why a fiber suspended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pause {
    /// It ran, then blocked.
    Blocked,
    /// Resumed to ask, it may not go on yet: it made no progress.
    NotReady,
}

/// What resuming a fiber came to.
pub(super) enum Resumed {
    Paused(Pause),
    /// Its body ended, with this.
    Done(Result<u32, Trap>),
}

type Body = Coroutine<(), Pause, Result<u32, Trap>, DefaultStack>;

/// A stack's size: address space, its pages committed as they are
/// touched.
const STACK_SIZE: usize = 2 << 20;
/// Room below wasm's stack limit for host functions and trap handling.
const HOST_RESERVE: usize = 256 << 10;

/// The lowest address compiled code may use on `stack`: the runtime's
/// reserve above its end, or `max_wasm_stack` below its base if that is
/// higher.
pub(super) fn wasm_limit(stack: &DefaultStack, max_wasm_stack: Option<usize>) -> usize {
    let limit = stack.limit().get() + HOST_RESERVE;
    match max_wasm_stack {
        Some(max) => limit.max(stack.base().get().saturating_sub(max)),
        None => limit,
    }
}
/// Stacks kept for reuse, per thread.
const POOLED: usize = 16;

thread_local! {
    /// The yielder of the fiber running, if code runs on one.
    static CURRENT: Cell<*const Yielder<(), Pause>> = const { Cell::new(std::ptr::null()) };
    static STACKS: RefCell<Vec<DefaultStack>> = const { RefCell::new(Vec::new()) };
}

#[inline(never)]
fn swap_current(y: *const Yielder<(), Pause>) -> *const Yielder<(), Pause> {
    CURRENT.with(|c| c.replace(y))
}

#[inline(never)]
fn current() -> *const Yielder<(), Pause> {
    CURRENT.with(|c| c.get())
}

/// The core instances of a component instance made so far, as its state
/// knows them (the list the `ComponentInstance` holds, which lives as
/// long as the state, and which the state learns anew each time it
/// grows).
#[derive(Clone, Copy)]
pub(crate) struct CoreInstances(*const [*mut Instance]);

impl Default for CoreInstances {
    fn default() -> Self {
        CoreInstances(std::ptr::slice_from_raw_parts(std::ptr::null(), 0))
    }
}

impl CoreInstances {
    /// # Safety
    /// `list` is not changed, nor its buffer freed, while the state keeps
    /// this (it may be replaced by a newer one after a change).
    pub(crate) unsafe fn new(list: &[*mut Instance]) -> CoreInstances {
        CoreInstances(list)
    }

    fn get(&self) -> &[*mut Instance] {
        match self.0.is_null() {
            true => &[],
            // SAFETY: as `new` requires.
            false => unsafe { &*self.0 },
        }
    }
}

/// A task's turns on a stack of their own.
pub(super) struct Fiber {
    body: Option<Body>,
    /// The lowest address compiled code may use on it.
    wasm_limit: usize,
}

impl Fiber {
    /// A fiber that will run `f` when first resumed; wasm may use at most
    /// `max_wasm_stack` of its stack, if that is less than it has.
    pub fn new(
        f: impl FnOnce() -> Result<u32, Trap> + 'static,
        max_wasm_stack: Option<usize>,
    ) -> Result<Fiber, Trap> {
        let stack = match STACKS.with(|s| s.borrow_mut().pop()) {
            Some(s) => s,
            None => DefaultStack::new(STACK_SIZE)
                .map_err(|_| super::trap("cannot map a stack for a task"))?,
        };
        let wasm_limit = wasm_limit(&stack, max_wasm_stack);
        let body = Coroutine::with_stack(stack, move |y: &Yielder<(), Pause>, ()| {
            swap_current(y);
            f()
        });
        Ok(Fiber {
            body: Some(body),
            wasm_limit,
        })
    }

    /// Run it until it suspends or its body ends. `instances`: the
    /// component's core instances, whose stack limit is the fiber's while
    /// it runs.
    pub fn resume(&mut self, instances: CoreInstances) -> Resumed {
        let instances = instances.get();
        let body = self.body.as_mut().expect("resumed after it ended");
        // One limit for all the store's instances (`arm_stack_limit`).
        // SAFETY: the component's instances live as long as its state,
        // which holds this fiber; nothing else touches them while the
        // thread switches stacks.
        let was = instances.first().map(|i| unsafe { &**i }.stack_limit());
        let set_limits = |limit: usize| {
            for i in instances {
                // SAFETY: as above.
                unsafe { &mut **i }.set_stack_limit(limit);
            }
        };
        set_limits(self.wasm_limit);
        crate::sys::signals::ensure_alt_stack();
        let buf = crate::traps::swap_jump_buf(std::ptr::null_mut());
        let current = swap_current(std::ptr::null());
        // A call into wasm it makes takes its limit, not the limit of the
        // stack that resumed it.
        let limit = super::preemptible::swap_limit(self.wasm_limit);
        let r = body.resume(());
        super::preemptible::swap_limit(limit);
        swap_current(current);
        crate::traps::swap_jump_buf(buf);
        if let Some(was) = was {
            set_limits(was);
        }
        match r {
            CoroutineResult::Yield(p) => Resumed::Paused(p),
            CoroutineResult::Return(r) => {
                if let Some(body) = self.body.take() {
                    recycle(body.into_stack());
                }
                Resumed::Done(r)
            }
        }
    }
}

impl Drop for Fiber {
    /// A fiber dropped before its body ended (a trap ended its task, or
    /// the store went) is let go without unwinding: the frames on it are
    /// compiled code and the runtime's, which own nothing but a few
    /// small values (an `Rc` to a result slot, a closure), left unfreed.
    fn drop(&mut self) {
        let Some(mut body) = self.body.take() else {
            return;
        };
        if !body.started() {
            // Only the closure to drop: nothing to unwind.
            body.force_unwind();
        } else if !body.done() {
            // SAFETY: as above: nothing on the stack needs dropping for
            // the runtime to stay sound.
            unsafe { body.force_reset() };
        }
        recycle(body.into_stack());
    }
}

fn recycle(stack: DefaultStack) {
    STACKS.with(|s| {
        let mut s = s.borrow_mut();
        if s.len() < POOLED {
            s.push(stack);
        }
    });
}

/// Whether code runs on a task's own stack now.
pub(super) fn on_fiber() -> bool {
    !current().is_null()
}

/// Suspend the fiber running, saying why: back to whoever resumed it,
/// until it is resumed again.
#[inline(never)]
pub(super) fn suspend(why: Pause) {
    let y = swap_current(std::ptr::null());
    assert!(!y.is_null(), "suspended off a fiber");
    let buf = crate::traps::swap_jump_buf(std::ptr::null_mut());
    // SAFETY: the yielder belongs to the fiber running, whose body is on
    // the stack below this frame.
    unsafe { &*y }.suspend(why);
    crate::traps::swap_jump_buf(buf);
    swap_current(y);
}
