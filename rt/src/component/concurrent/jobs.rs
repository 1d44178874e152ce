//! Host work that completes later: I/O on the event loop (a tokio
//! runtime's worker), whose outcome the guest's thread applies when it
//! next waits. A host function that must wait (a timer, an HTTP response)
//! returns [`Async::Later`]; lowered asynchronously, its call becomes a
//! subtask, started, and the caller goes on until the subtask's event
//! says it returned; lowered synchronously, the call blocks until then.
//!
//! The event loop never touches the component: a job's future owns only
//! what it needs for its I/O (it is `Send`), and hands its output to a
//! step that runs on the guest's thread, with the component's state at
//! hand, when the job is found done: while a task waits and nothing else
//! is ready ([`await_jobs`]), or when one polls or yields
//! ([`Concurrency::finish_jobs`]).

use super::subtask::STARTED;
use super::*;
use crate::component::abi::Cx;
use crate::component::{ComponentState, HostContext};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};

/// The event loop host I/O runs on: one worker thread, started by the
/// first use.
///
/// Made once, inside the `OnceLock`: threads racing to a first use must
/// not each make one, since the losers' would be dropped, and dropping a
/// runtime on a server's worker panics.
pub fn event_loop() -> Result<&'static tokio::runtime::Runtime, String> {
    static LOOP: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    let made = LOOP.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("kiln-io")
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| format!("starting the event loop: {e}"))
    });
    made.as_ref().map_err(Clone::clone)
}

/// Run `wait`, which blocks this thread until something happens elsewhere.
/// On a worker of a multi-threaded tokio runtime (a guest driven as a
/// future by a server) the worker first hands its other tasks to another
/// thread: one of them may be what `wait` waits for. Elsewhere (a thread
/// of its own, the blocking pool) `wait` just runs.
pub fn blocking<R>(wait: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(wait),
        _ => wait(),
    }
}

thread_local! {
    /// Whether this thread is a server's worker polling a guest.
    static SERVING_ON_WORKER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `poll`, a poll of a served guest on one of a server's workers: what
/// the guest's host calls wake meanwhile is handed on (`hand_on_woken`).
pub fn serving_on_worker<R>(poll: impl FnOnce() -> R) -> R {
    struct Unset;
    impl Drop for Unset {
        fn drop(&mut self) {
            SERVING_ON_WORKER.set(false);
        }
    }
    SERVING_ON_WORKER.set(true);
    let _unset = Unset;
    poll()
}

/// Let another worker run the task a served guest's host call has just
/// woken (the connection's, with the guest's answer or body). On a worker
/// of a multi-threaded tokio runtime, a task woken from the task being
/// polled waits in the worker's own slot (tokio's LIFO slot), which no
/// other worker takes from, until that poll ends: a guest that answers
/// and goes on would hold its answer back. A task spawned now takes that
/// slot, and the one it displaces goes to the worker's queue, where an
/// idle worker, woken for it, takes it. Elsewhere nothing is done.
pub fn hand_on_woken() {
    if SERVING_ON_WORKER.get() {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            drop(runtime.spawn(async {}));
        }
    }
}

/// A host function's result: now, or after a job.
pub enum Async<R> {
    Ready(R),
    Later(Later<R>),
}

/// A job that makes a result of type `R`: I/O for the event loop, and a
/// step that makes the result from its output on the guest's thread.
pub struct Later<R> {
    spawn: Spawn<R>,
}

/// Starts the job: given the jobs, a context for its step, the subtask it
/// resolves, and what to do with its result; the job's number.
type Spawn<R> = Box<dyn FnOnce(&mut Jobs, Cx<'static>, Option<u32>, After<R>) -> u64>;

/// What is done with a job's result, on the guest's thread.
type After<R> = Box<dyn FnOnce(R, &mut Cx) -> Result<(), Trap>>;

impl<R: 'static> Later<R> {
    /// Run `io` on the event loop; then `then`, with its output, on the
    /// guest's thread, where the component is at hand.
    pub fn new<T, F, G>(io: F, then: G) -> Later<R>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
        G: FnOnce(T, &mut Cx) -> Result<R, Trap> + 'static,
    {
        Later {
            spawn: Box::new(move |jobs, mut cx, subtask, after| {
                jobs.spawn(io, subtask, move |v| {
                    let r = then(v, &mut cx)?;
                    after(r, &mut cx)
                })
            }),
        }
    }
}

fn host_trap(message: String) -> Trap {
    Trap {
        kind: crate::traps::TrapKind::Host(message),
        backtrace: vec![],
    }
}

/// Where the event loop says which jobs are done, and the guest waits for
/// one: blocking its thread, or as a future.
#[derive(Clone, Default)]
pub struct Inbox(Arc<Mailbox>);

#[derive(Default)]
struct Mailbox {
    done: Mutex<Vec<u64>>,
    delivered: Condvar,
    /// Wakes a guest driven as a future; keeps a delivery made while none
    /// waits for the next wait.
    arrived: tokio::sync::Notify,
}

/// How often a guest waiting for jobs looks at its interrupt flag (a
/// server stops a guest past its deadline by it).
const INTERRUPT_PERIOD: std::time::Duration = std::time::Duration::from_millis(20);

impl Inbox {
    fn deliver(&self, id: u64) {
        self.0.done.lock().unwrap().push(id);
        self.0.delivered.notify_all();
        self.0.arrived.notify_one();
    }

    /// The jobs done since last asked; with `block`, at least one, unless
    /// `interrupt` is raised meanwhile (then the interrupt's trap).
    fn take(&self, block: bool, interrupt: &AtomicU64) -> Result<Vec<u64>, Trap> {
        let take = || {
            let mut done = self.0.done.lock().unwrap();
            while block && done.is_empty() {
                done = self.wait(done, interrupt)?;
            }
            Ok(std::mem::take(&mut *done))
        };
        match block {
            true => blocking(take),
            false => take(),
        }
    }

    /// Block until job `id` is done (others done meanwhile stay), or
    /// `interrupt` is raised.
    fn wait_for(&self, id: u64, interrupt: &AtomicU64) -> Result<(), Trap> {
        blocking(|| {
            let mut done = self.0.done.lock().unwrap();
            loop {
                if let Some(i) = done.iter().position(|d| *d == id) {
                    done.remove(i);
                    return Ok(());
                }
                done = self.wait(done, interrupt)?;
            }
        })
    }

    /// Wait to be told of a job done, looking at `interrupt` now and then.
    fn wait<'a>(
        &self,
        done: MutexGuard<'a, Vec<u64>>,
        interrupt: &AtomicU64,
    ) -> Result<MutexGuard<'a, Vec<u64>>, Trap> {
        interrupted(interrupt)?;
        Ok(self
            .0
            .delivered
            .wait_timeout(done, INTERRUPT_PERIOD)
            .unwrap()
            .0)
    }

    /// As a future: the jobs done since last asked, at least one, unless
    /// `interrupt` is raised meanwhile.
    async fn arrivals(&self, interrupt: &AtomicU64) -> Result<Vec<u64>, Trap> {
        loop {
            let done = std::mem::take(&mut *self.0.done.lock().unwrap());
            if !done.is_empty() {
                return Ok(done);
            }
            interrupted(interrupt)?;
            // A delivery since the lock above left a permit: no wake is lost.
            let _ = tokio::time::timeout(INTERRUPT_PERIOD, self.0.arrived.notified()).await;
        }
    }
}

/// The interrupt's trap, if `interrupt` says to stop.
fn interrupted(interrupt: &AtomicU64) -> Result<(), Trap> {
    if interrupt.load(Ordering::SeqCst) & crate::store::STOP != 0 {
        return Err(Trap {
            kind: crate::traps::TrapKind::Wasm(kiln_abi::TrapCode::Interrupted),
            backtrace: vec![],
        });
    }
    Ok(())
}

/// A job in flight: its number, the step to run when it is done, and
/// how to stop its I/O.
pub(in crate::component) struct Job {
    id: u64,
    finish: Box<dyn FnOnce() -> Result<(), Trap>>,
    abort: Option<tokio::task::AbortHandle>,
    /// The subtask object it resolves, if it does.
    subtask: Option<u32>,
}

/// The jobs of a component's state.
#[derive(Default)]
pub(super) struct Jobs {
    inbox: Inbox,
    next: u64,
    running: Vec<Job>,
    /// The store's interrupt flag, which a wait looks at.
    pub(super) interrupt: Arc<AtomicU64>,
}

impl Drop for Jobs {
    fn drop(&mut self) {
        drop(self.abort_all());
    }
}

impl Jobs {
    /// Run `io` on the event loop; `then`, with its output, on the
    /// guest's thread once it is done (when a task waits, polls or
    /// yields). The job's number.
    pub(super) fn spawn<T, F>(
        &mut self,
        io: F,
        subtask: Option<u32>,
        then: impl FnOnce(T) -> Result<(), Trap> + 'static,
    ) -> u64
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        let id = self.next;
        self.next += 1;
        let slot = Arc::new(Mutex::new(None));
        let (out, inbox) = (slot.clone(), self.inbox.clone());
        let (finish, abort): (Box<dyn FnOnce() -> Result<(), Trap>>, _) = match event_loop() {
            Ok(rt) => {
                let spawned = rt.spawn(async move {
                    let v = io.await;
                    *out.lock().unwrap() = Some(v);
                    inbox.deliver(id);
                });
                let finish = move || then(slot.lock().unwrap().take().expect("delivered"));
                (Box::new(finish), Some(spawned.abort_handle()))
            }
            Err(e) => {
                inbox.deliver(id);
                (Box::new(move || Err(host_trap(e))), None)
            }
        };
        self.running.push(Job {
            id,
            finish,
            abort,
            subtask,
        });
        id
    }

    pub(super) fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    /// Stop every job (a trap ended their tasks): the jobs, for the caller
    /// to drop once it no longer borrows the state.
    pub(super) fn abort_all(&mut self) -> Vec<Job> {
        for j in &self.running {
            if let Some(a) = &j.abort {
                a.abort();
            }
        }
        let _ = self.inbox.take(false, &self.interrupt);
        std::mem::take(&mut self.running)
    }

    /// Stop job `id`, if it runs (its output is no longer wanted).
    pub(super) fn abort(&mut self, id: u64) {
        if let Some(i) = self.running.iter().position(|j| j.id == id) {
            if let Some(a) = self.running.remove(i).abort {
                a.abort();
            }
        }
    }

    /// Stop the job resolving subtask object `subtask`, if one runs:
    /// whether one did.
    pub(super) fn cancel(&mut self, subtask: u32) -> bool {
        let Some(i) = self.running.iter().position(|j| j.subtask == Some(subtask)) else {
            return false;
        };
        if let Some(a) = self.running.remove(i).abort {
            a.abort();
        }
        true
    }

    /// Job `id`'s step, once it is done, leaving other jobs be.
    fn wait_for(&mut self, id: u64) -> Result<Job, Trap> {
        let waited = self.inbox.wait_for(id, &self.interrupt);
        let i = self.running.iter().position(|j| j.id == id);
        let job = self.running.remove(i.expect("a job runs until taken"));
        if let Err(t) = waited {
            if let Some(a) = job.abort {
                a.abort();
            }
            return Err(t);
        }
        Ok(job)
    }
}

impl Cx<'_> {
    /// This context, for a step run later: a host context lives as long
    /// as its component's state, which runs the step.
    fn later(&self) -> Cx<'static> {
        let ctx: *const HostContext = self.ctx;
        // SAFETY: as above; the step runs on the guest's thread, when no
        // other code uses the state.
        Cx::new(unsafe { &*ctx })
    }

    fn jobs(&mut self) -> &mut Jobs {
        // SAFETY: the state outlives calls into its instances.
        unsafe { &mut (*self.ctx.reach().state).concurrency.jobs }
    }

    /// Run `io` on the event loop; then `then`, with its output, on the
    /// guest's thread (when a task next waits, polls or yields).
    pub fn spawn<T, F>(
        &mut self,
        io: F,
        then: impl FnOnce(T, &mut Cx) -> Result<(), Trap> + 'static,
    ) where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        let mut cx = self.later();
        self.jobs().spawn(io, None, move |v| then(v, &mut cx));
    }

    /// An async lowering's call of a host function whose result `r` may
    /// come later: returned (2) now, its result stored by `store`; or a
    /// new subtask, started, whose event says when it has been.
    pub fn lower_async<R: 'static>(
        &mut self,
        r: Async<R>,
        store: impl FnOnce(&mut Cx, R) -> Result<(), Trap> + 'static,
    ) -> Result<u32, Trap> {
        let later = match r {
            Async::Ready(r) => {
                store(self, r)?;
                return Ok(subtask::RETURNED);
            }
            Async::Later(l) => l,
        };
        let state = self.ctx.reach().state;
        // SAFETY: the state outlives calls into its instances.
        let s = unsafe { &mut *state };
        let (id, h) = s
            .concurrency
            .new_subtask(&mut s.tables, self.ctx.instance, STARTED);
        let after = Box::new(move |r, cx: &mut Cx| {
            store(cx, r)?;
            // SAFETY: as above; no other borrow of it is live.
            if let Object::Subtask(st) = unsafe { &mut *state }.concurrency.object(id) {
                st.state = subtask::RETURNED;
            }
            Ok(())
        });
        let cx = self.later();
        (later.spawn)(self.jobs(), cx, Some(id), after);
        Ok((h << 4) | STARTED)
    }

    /// A synchronous lowering's call of such a function: its result, once
    /// it comes (other jobs done meanwhile are finished later). A sync
    /// task may not wait for it.
    pub fn block_on<R: 'static>(&mut self, r: Async<R>) -> Result<R, Trap> {
        let later = match r {
            Async::Ready(r) => return Ok(r),
            Async::Later(l) => l,
        };
        // SAFETY: the state outlives calls into its instances.
        if !unsafe { &(*self.ctx.reach().state).concurrency }.may_block(self.ctx.instance) {
            return Err(super::cannot_block());
        }
        let slot = std::rc::Rc::new(std::cell::Cell::new(None));
        let out = slot.clone();
        let after = Box::new(move |r, _: &mut Cx| {
            out.set(Some(r));
            Ok(())
        });
        let cx = self.later();
        let id = (later.spawn)(self.jobs(), cx, None, after);
        (self.jobs().wait_for(id)?.finish)()?;
        Ok(slot.take().expect("the job's step gave it"))
    }
}

impl Concurrency {
    /// Channel `c`, whose host side job `id` was readying, now ready; none
    /// if the channel went (or its number was used again) meanwhile.
    fn readied(&mut self, c: u32, id: u64) -> Option<&mut super::Channel> {
        let ch = self.channels.get_mut(c as usize)?.as_mut()?;
        if ch.readying != Some(id) {
            return None;
        }
        ch.readying = None;
        Some(ch)
    }

    /// Channel `c`'s source must wait for bytes: `io` gets them on the
    /// event loop, then the read waiting on the channel takes them (or,
    /// with the host at both ends, its sink: `pump`).
    pub(super) fn start_refill(&mut self, c: u32, io: super::Refill) {
        // The number `spawn` gives this job.
        let id = self.jobs.next;
        self.channel(c).readying = Some(id);
        let this: *mut Concurrency = self;
        self.jobs.spawn(io, None, move |filled| {
            // SAFETY: the step runs on the guest's thread with the state
            // that holds this alive (its jobs go with it) and not
            // otherwise borrowed.
            let this = unsafe { &mut *this };
            let Some(ch) = this.readied(c, id) else {
                return Ok(());
            };
            let Some(source) = &mut ch.source else {
                return Ok(());
            };
            source.refilled(filled);
            if ch.pumped() {
                this.pump(c);
                return Ok(());
            }
            let Some(source) = &mut ch.source else {
                return Ok(());
            };
            if let Some(io) = source.refill() {
                this.start_refill(c, io);
                return Ok(());
            }
            let Some(mut op) = ch.read.op.filter(|op| op.outcome.is_none()) else {
                return Ok(()); // the read was cancelled: the bytes wait
            };
            let result = this.read_source(c, &op)?;
            op.done = result >> 4;
            op.outcome = Some(result & 0xf);
            this.channel(c).read.op = Some(op);
            Ok(())
        });
    }

    /// Channel `c`'s sink is full: `io` waits on the event loop for room,
    /// then the write waiting on the channel goes to it (or, with the host
    /// at both ends, its source's bytes: `pump`).
    pub(super) fn start_drain(&mut self, c: u32, io: super::Refill) {
        // The number `spawn` gives this job.
        let id = self.jobs.next;
        self.channel(c).readying = Some(id);
        let this: *mut Concurrency = self;
        self.jobs.spawn(io, None, move |_| {
            // SAFETY: as in `start_refill`.
            let this = unsafe { &mut *this };
            let Some(ch) = this.readied(c, id) else {
                return Ok(());
            };
            if ch.pumped() {
                this.pump(c);
                return Ok(());
            }
            let Some(sink) = &mut ch.sink else {
                return Ok(());
            };
            if let Some(io) = sink.wait_for_room() {
                this.start_drain(c, io);
                return Ok(());
            }
            let Some(mut op) = ch.write.op.filter(|op| op.outcome.is_none()) else {
                return Ok(()); // the write was cancelled
            };
            let result = this.write_sink(c, &op)?;
            op.done = match this.channel(c).future {
                false => result >> 4,
                true if result == COPY_COMPLETED => 1,
                true => 0,
            };
            op.outcome = Some(result & 0xf);
            this.channel(c).write.op = Some(op);
            Ok(())
        });
    }

    /// Finish the jobs found done, without waiting: whether any was.
    pub(super) fn finish_jobs(state: *mut ComponentState) -> Result<bool, Trap> {
        finish(state, false)
    }
}

/// Wait for a job to be done, and finish those that are: false if none
/// runs (nothing could ever wake the waiter).
pub(super) fn await_jobs(state: *mut ComponentState) -> Result<bool, Trap> {
    // SAFETY: the state outlives calls into its instances.
    let jobs = || unsafe { &(*state).concurrency.jobs };
    while !jobs().is_empty() {
        if finish(state, true)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// As [`await_jobs`], for a guest driven as a future on `store`: its
/// thread is free for other work meanwhile.
pub(super) async fn jobs_arrived(
    state: *mut ComponentState,
    store: &mut crate::store::Store,
) -> Result<bool, Trap> {
    // SAFETY: as `await_jobs`; no borrow is held across an await.
    let jobs = || unsafe { &mut (*state).concurrency.jobs };
    while !jobs().is_empty() {
        let (inbox, interrupt) = (jobs().inbox.clone(), jobs().interrupt.clone());
        let done = inbox.arrivals(&interrupt).await?;
        // The steps may call in (a `realloc`), perhaps from another thread.
        store.arm_stack_limit();
        if run_steps(state, done)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Once the guest's call is done: move the streams that have the host at
/// both ends (`Concurrency::pump`) to their end, which nothing the guest
/// does any more would; the instance stays until then.
pub(crate) async fn settle(
    state: *mut ComponentState,
    store: &mut crate::store::Store,
    waiting: super::driver::Waiting,
) -> Result<(), Trap> {
    // SAFETY: as `await_jobs`; no borrow is held across an await.
    let pumping = || unsafe { &(*state).concurrency }.pumping();
    while pumping() {
        let ran = match waiting {
            super::driver::Waiting::Block => await_jobs(state)?,
            super::driver::Waiting::Await => jobs_arrived(state, store).await?,
        };
        if !ran {
            break;
        }
    }
    Ok(())
}

fn finish(state: *mut ComponentState, block: bool) -> Result<bool, Trap> {
    // SAFETY: as `await_jobs`.
    let jobs = || unsafe { &mut (*state).concurrency.jobs };
    let (inbox, interrupt) = (jobs().inbox.clone(), jobs().interrupt.clone());
    let done = inbox.take(block, &interrupt)?;
    run_steps(state, done)
}

/// Run the steps of jobs `done`, those not cancelled: whether any was.
fn run_steps(state: *mut ComponentState, done: Vec<u64>) -> Result<bool, Trap> {
    // SAFETY: as `await_jobs`; each borrow ends before a step runs, which
    // may call into wasm (a `realloc`).
    let jobs = || unsafe { &mut (*state).concurrency.jobs };
    let mut any = false;
    for id in done {
        let Some(i) = jobs().running.iter().position(|j| j.id == id) else {
            continue; // cancelled
        };
        let job = jobs().running.remove(i);
        (job.finish)()?;
        any = true;
    }
    Ok(any)
}
