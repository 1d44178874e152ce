//! A served guest's polls, each on a stack of its own, so that a guest
//! that runs long can be preempted. Compiled code looks at its store's
//! interrupt flag at each function entry and loop iteration; asked to
//! yield (`InterruptHandle::ask_to_yield`), it leaves its stack there
//! (`preempt`), the poll returns `Pending` after waking its own task, and
//! the worker runs other tasks. The next poll, on whichever worker takes
//! the task, resumes the guest where it stopped. A poll that ends gives
//! its stack back at once: only a preempted one keeps it.
//!
//! The guest's poll runs inside a poll of this future, with a waker of its
//! own that wakes whatever task last polled it: the `Context` it was given
//! must outlive a preemption, which the caller's does not.
//!
//! Switching stacks switches what belongs to one, as for a task's fiber
//! (`fiber`): the trap catcher, the stack running, and the stack limit
//! compiled code is given from here on (`stack_limit`).

use super::fiber;
use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult, Yielder};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

/// A poll on its stack: it yields only when preempted, and returns
/// whether the future is done (or the panic its poll raised).
type Body = Coroutine<(), (), std::thread::Result<Poll<()>>, DefaultStack>;

/// Stacks kept for reuse, per thread: one for each poll running at once,
/// and those preempted polls gave back.
const POOLED: usize = 16;

thread_local! {
    /// The yielder of the served stack running, if code runs on one.
    static SERVED: Cell<*const Yielder<(), ()>> = const { Cell::new(std::ptr::null()) };
    /// The lowest address compiled code may use on it.
    static LIMIT: Cell<usize> = const { Cell::new(0) };
    static STACKS: RefCell<Vec<DefaultStack>> = const { RefCell::new(Vec::new()) };
}

#[inline(never)]
fn swap_served(y: *const Yielder<(), ()>) -> *const Yielder<(), ()> {
    SERVED.with(|c| c.replace(y))
}

/// Make `limit` the stack limit calls into wasm take from here on (0: the
/// thread's), until swapped back.
#[inline(never)]
pub(super) fn swap_limit(limit: usize) -> usize {
    LIMIT.with(|c| c.replace(limit))
}

/// The stack limit of the stack code runs on, if it is a served poll's
/// or a task's: what a call into wasm made there sets for its instances.
#[inline(never)]
pub(crate) fn stack_limit() -> Option<usize> {
    Some(LIMIT.with(|c| c.get())).filter(|l| *l != 0)
}

/// Leave the served stack running, if code runs right on one (not on a
/// task's fiber it resumed), until its next poll. Called by compiled code
/// asked to yield; elsewhere it does nothing.
#[inline(never)]
pub(crate) fn preempt() {
    if fiber::on_fiber() {
        return;
    }
    let y = swap_served(std::ptr::null());
    if y.is_null() {
        return;
    }
    let buf = crate::traps::swap_jump_buf(std::ptr::null_mut());
    // SAFETY: the yielder belongs to the served stack running, whose body
    // is on the stack below this frame.
    unsafe { &*y }.suspend(());
    crate::traps::swap_jump_buf(buf);
    swap_served(y);
}

/// The guest's future and what it came to, where a poll's stack finds
/// them: boxed, so they stay put when this future moves before its first
/// poll.
struct Inner<F: Future> {
    future: F,
    output: Option<F::Output>,
}

/// `future`, each of its polls on a stack of its own.
pub struct Preemptible<F: Future> {
    /// Dropped as this is, unless a poll of it was preempted (`drop`).
    inner: std::mem::ManuallyDrop<Pin<Box<Inner<F>>>>,
    /// The poll preempted, on its stack, and the stack's limit.
    preempted: Option<(Body, usize)>,
    /// Wakes the task that polled last.
    waker: Arc<Forward>,
    stack_size: usize,
    max_wasm_stack: Option<usize>,
}

/// A waker that wakes the one it was last given.
struct Forward(Mutex<Option<Waker>>);

impl Wake for Forward {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref()
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let waker = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(w) = waker {
            w.wake()
        }
    }
}

impl<F: Future + 'static> Preemptible<F> {
    /// `future`, polled on stacks of `stack_size` bytes, of which wasm may
    /// use at most `max_wasm_stack`, if that is less than it has.
    pub fn new(future: F, stack_size: usize, max_wasm_stack: Option<usize>) -> Preemptible<F> {
        Preemptible {
            inner: std::mem::ManuallyDrop::new(Box::pin(Inner {
                future,
                output: None,
            })),
            preempted: None,
            waker: Arc::new(Forward(Mutex::new(None))),
            stack_size,
            max_wasm_stack,
        }
    }

    /// A poll of the future on a stack of its own, and the stack's limit
    /// for wasm; None if no stack can be had.
    fn poll_on_stack(&mut self) -> Option<(Body, usize)> {
        let pooled = STACKS.with(|s| s.borrow_mut().pop());
        let stack = match pooled {
            Some(s) => s,
            None => DefaultStack::new(self.stack_size).ok()?,
        };
        let limit = fiber::wasm_limit(&stack, self.max_wasm_stack);
        // SAFETY: the box is pinned, and outlives every poll's body (it is
        // dropped only with no body, or leaked with one).
        let at = unsafe { self.inner.as_mut().get_unchecked_mut() } as *mut Inner<F>;
        let waker = Waker::from(self.waker.clone());
        let body = Coroutine::with_stack(stack, move |y: &Yielder<(), ()>, ()| {
            swap_served(y);
            let poll = || {
                // SAFETY: as above; the future never moves out of it.
                let future = unsafe { Pin::new_unchecked(&mut (*at).future) };
                match future.poll(&mut Context::from_waker(&waker)) {
                    Poll::Ready(out) => {
                        // SAFETY: as above.
                        unsafe { (*at).output = Some(out) };
                        Poll::Ready(())
                    }
                    Poll::Pending => Poll::Pending,
                }
            };
            let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(poll));
            swap_served(std::ptr::null());
            polled
        });
        Some((body, limit))
    }
}

impl<F: Future + 'static> Future for Preemptible<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: nothing is moved out of it; what must stay put is boxed.
        let this = unsafe { self.as_mut().get_unchecked_mut() };
        {
            let mut last = this.waker.0.lock().unwrap_or_else(|e| e.into_inner());
            match &mut *last {
                Some(w) if w.will_wake(cx.waker()) => {}
                last => *last = Some(cx.waker().clone()),
            }
        }
        let Some((mut body, limit)) = this.preempted.take().or_else(|| this.poll_on_stack()) else {
            // No stack to be had: polled here, and not preempted.
            let inner = unsafe { this.inner.as_mut().get_unchecked_mut() };
            // SAFETY: pinned in its box.
            return unsafe { Pin::new_unchecked(&mut inner.future) }.poll(cx);
        };
        crate::sys::signals::ensure_alt_stack();
        let buf = crate::traps::swap_jump_buf(std::ptr::null_mut());
        let served = swap_served(std::ptr::null());
        let was = swap_limit(limit);
        let r = body.resume(());
        swap_limit(was);
        swap_served(served);
        crate::traps::swap_jump_buf(buf);
        match r {
            CoroutineResult::Yield(()) => {
                this.preempted = Some((body, limit));
                // Polled again once the worker has run what waits.
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            CoroutineResult::Return(polled) => {
                let stack = body.into_stack();
                STACKS.with(|s| {
                    let mut s = s.borrow_mut();
                    if s.len() < POOLED {
                        s.push(stack);
                    }
                });
                match polled {
                    Err(panic) => std::panic::resume_unwind(panic),
                    Ok(Poll::Pending) => Poll::Pending,
                    Ok(Poll::Ready(())) => {
                        let inner = unsafe { this.inner.as_mut().get_unchecked_mut() };
                        Poll::Ready(inner.output.take().expect("the poll left it"))
                    }
                }
            }
        }
    }
}

impl<F: Future> Drop for Preemptible<F> {
    /// Dropped between polls, the guest's future is dropped as any is.
    /// Dropped while preempted (the runtime shuts down), its poll is
    /// unfinished on its stack, and the future may not be in a state to
    /// drop (a store in the middle of a call): the stack is let go without
    /// unwinding, and the future left unfreed.
    fn drop(&mut self) {
        match self.preempted.take() {
            Some((mut body, _)) => {
                // SAFETY: the frames on the stack are compiled code and the
                // runtime's; what they own is let go, which leaves the
                // runtime sound.
                unsafe { body.force_reset() };
                drop(body.into_stack());
            }
            // SAFETY: dropped once, here, with no poll's body pointing at it.
            None => unsafe { std::mem::ManuallyDrop::drop(&mut self.inner) },
        }
    }
}
