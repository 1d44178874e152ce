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

use super::subtask::{SubtaskState, STARTED};
use super::*;
use crate::component::abi::Cx;
use crate::component::{ComponentState, HostContext};
use std::future::Future;
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// The event loop host I/O runs on: one worker thread, started by the
/// first use.
pub fn event_loop() -> Result<&'static tokio::runtime::Runtime, String> {
    static LOOP: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(rt) = LOOP.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("kiln-io")
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("starting the event loop: {e}"))?;
    Ok(LOOP.get_or_init(|| rt))
}

/// A host function's result: now, or after a job.
pub enum Async<R> {
    Ready(R),
    Later(Later<R>),
}

/// A job that makes a result of type `R`: started on the event loop, it
/// gives the step that finishes it on the guest's thread.
pub struct Later<R> {
    start: Box<dyn FnOnce(&Inbox, u64) -> Started<R>>,
}

/// The step that makes a job's result, on the guest's thread.
type Finish<R> = Box<dyn FnOnce(&mut Cx) -> Result<R, Trap>>;

struct Started<R> {
    finish: Finish<R>,
    abort: Option<tokio::task::AbortHandle>,
}

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
            start: Box::new(move |inbox, id| {
                let slot = Arc::new(Mutex::new(None));
                let (out, inbox) = (slot.clone(), inbox.clone());
                let spawned = match event_loop() {
                    Ok(rt) => rt.spawn(async move {
                        let v = io.await;
                        *out.lock().unwrap() = Some(v);
                        inbox.deliver(id);
                    }),
                    Err(e) => {
                        let trap = host_trap(e);
                        inbox.deliver(id);
                        return Started {
                            finish: Box::new(move |_| Err(trap)),
                            abort: None,
                        };
                    }
                };
                Started {
                    finish: Box::new(move |cx| {
                        let v = slot.lock().unwrap().take().expect("delivered once");
                        then(v, cx)
                    }),
                    abort: Some(spawned.abort_handle()),
                }
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

/// Where the event loop says which jobs are done, and the guest's thread
/// waits for one.
#[derive(Clone, Default)]
pub struct Inbox(Arc<(Mutex<Vec<u64>>, Condvar)>);

impl Inbox {
    fn deliver(&self, id: u64) {
        self.0 .0.lock().unwrap().push(id);
        self.0 .1.notify_all();
    }

    /// The jobs done since last asked; with `block`, at least one.
    fn take(&self, block: bool) -> Vec<u64> {
        let mut done = self.0 .0.lock().unwrap();
        while block && done.is_empty() {
            done = self.0 .1.wait(done).unwrap();
        }
        std::mem::take(&mut *done)
    }

    /// Block until job `id` is done; others done meanwhile stay.
    fn wait_for(&self, id: u64) {
        let mut done = self.0 .0.lock().unwrap();
        loop {
            if let Some(i) = done.iter().position(|d| *d == id) {
                done.remove(i);
                return;
            }
            done = self.0 .1.wait(done).unwrap();
        }
    }
}

/// A job in flight: its number, the step to run when it is done (with
/// the component's state), and how to stop its I/O.
pub(super) struct Job {
    id: u64,
    finish: Box<dyn FnOnce(*mut ComponentState) -> Result<(), Trap>>,
    abort: Option<tokio::task::AbortHandle>,
    /// The subtask object it resolves.
    subtask: u32,
}

/// The jobs of a component's state.
#[derive(Default)]
pub(super) struct Jobs {
    inbox: Inbox,
    next: u64,
    running: Vec<Job>,
}

impl Drop for Jobs {
    fn drop(&mut self) {
        for j in &self.running {
            if let Some(a) = &j.abort {
                a.abort();
            }
        }
    }
}

impl Jobs {
    fn start<R>(&mut self, later: Later<R>) -> (u64, Started<R>) {
        let id = self.next;
        self.next += 1;
        (id, (later.start)(&self.inbox, id))
    }

    pub(super) fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    /// Stop every job: a trap ended their tasks.
    pub(super) fn abort_all(&mut self) {
        for j in std::mem::take(&mut self.running) {
            if let Some(a) = j.abort {
                a.abort();
            }
        }
        self.inbox.take(false);
    }

    /// Stop the job resolving subtask object `subtask`, if one runs:
    /// whether one did.
    pub(super) fn cancel(&mut self, subtask: u32) -> bool {
        let Some(i) = self.running.iter().position(|j| j.subtask == subtask) else {
            return false;
        };
        if let Some(a) = self.running.remove(i).abort {
            a.abort();
        }
        true
    }
}

impl Cx<'_> {
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
        let ctx: *const HostContext = self.ctx;
        let state = self.ctx.state;
        // SAFETY: the state outlives calls into its instances.
        let s = unsafe { &mut *state };
        let id = s.concurrency.insert(Object::Subtask(SubtaskState {
            waitable: Waitable::default(),
            state: STARTED,
            reported: STARTED,
            handle: 0,
        }));
        let kind = AsyncKind::Subtask.as_resource();
        let h = s.tables.tables[self.ctx.instance as usize].new_own(kind, id);
        if let Object::Subtask(st) = s.concurrency.object(id) {
            st.handle = h;
        }
        let (job, started) = s.concurrency.jobs.start(later);
        let finish = started.finish;
        s.concurrency.jobs.running.push(Job {
            id: job,
            finish: Box::new(move |state| {
                // SAFETY: a host context lives as long as its component's
                // state, which is running this step.
                let mut cx = Cx {
                    ctx: unsafe { &*ctx },
                };
                let r = finish(&mut cx)?;
                store(&mut cx, r)?;
                // SAFETY: as above; no other borrow of it is live.
                if let Object::Subtask(st) = unsafe { &mut *state }.concurrency.object(id) {
                    st.state = subtask::RETURNED;
                }
                Ok(())
            }),
            abort: started.abort,
            subtask: id,
        });
        Ok((h << 4) | STARTED)
    }

    /// A synchronous lowering's call of such a function: its result, once
    /// it comes (other jobs done meanwhile are finished later).
    pub fn block_on<R: 'static>(&mut self, r: Async<R>) -> Result<R, Trap> {
        let later = match r {
            Async::Ready(r) => return Ok(r),
            Async::Later(l) => l,
        };
        // SAFETY: the state outlives calls into its instances.
        let jobs = unsafe { &mut (*self.ctx.state).concurrency.jobs };
        let (id, started) = jobs.start(later);
        jobs.inbox.wait_for(id);
        (started.finish)(self)
    }
}

impl Concurrency {
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

fn finish(state: *mut ComponentState, block: bool) -> Result<bool, Trap> {
    // SAFETY: as `await_jobs`; each borrow ends before a step runs, which
    // may call into wasm (a `realloc`).
    let jobs = || unsafe { &mut (*state).concurrency.jobs };
    let done = jobs().inbox.take(block);
    let mut any = false;
    for id in done {
        let Some(i) = jobs().running.iter().position(|j| j.id == id) else {
            continue; // cancelled
        };
        let job = jobs().running.remove(i);
        (job.finish)(state)?;
        any = true;
    }
    Ok(any)
}
