//! One request: a fresh instance of the component, its handler called
//! with the request and a `response-outparam` (WASI 0.2, run on the
//! worker that took the request, which it blocks through
//! `concurrent::blocking`), or with the request alone, returning the
//! response (0.3, an async export, driven as a future on the server's
//! workers); the response handed to hyper while the handler goes on
//! (writing the body, say) until it returns.

use super::deadlines::Deadlines;
use super::held;
use crate::component::{CallError, Component, ComponentInstance, ComponentState, Value};
use crate::store::InterruptHandle;
use crate::wasi::p2::bindings::wasi_http_types::ErrorCode;
use crate::wasi::p2::host::http::server::{self, Answer};
use crate::wasi::p2::host::http::{IncomingRequest, OutgoingBodyStream, ResponseOutparam};
use crate::wasi::p2::{P2Host, WasiP2};
use crate::wasi::p3::http as p3;
use crate::{InstantiateError, Limits, Store, Trap, TrapKind};
use http::StatusCode;
use kiln_abi::TrapCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// What every request of a served component starts from.
pub struct Handler {
    pub component: &'static Component,
    /// The handler's export: `wasi:http/incoming-handler@0.2.x#handle`,
    /// or `wasi:http/handler@0.3.x#handle`.
    pub export: String,
    /// Whether that is WASI 0.3's.
    pub p3: bool,
    pub wasi: WasiP2,
    pub limits: Limits,
    /// The size of the stack each poll of a guest on a worker runs on,
    /// as the workers' own.
    pub stack_size: usize,
    /// Fuel each request may use (`--fuel`).
    pub fuel: Option<u64>,
    /// Stops each request's guest once it has run as long as it may
    /// (`--timeout`), from its arrival to the handler's return.
    pub deadlines: Option<Deadlines>,
}

pub enum Outcome {
    /// The guest's response, and how long its instance took to make.
    Response(http::Response<OutgoingBodyStream>, Duration),
    /// No response from the guest: the status the server answers, and why
    /// (for its log, not for the client).
    Failed { status: StatusCode, why: String },
}

/// Why a handler did not return.
enum Failure {
    Trap(Trap),
    /// The instance could not be made, or the handler not called with
    /// its arguments.
    Setup(String),
}

impl Handler {
    pub async fn run(self: &Arc<Self>, request: http::Request<hyper::body::Incoming>) -> Outcome {
        let (outparam, answer) = server::response_outparam();
        let work = match self.p3 {
            false => Work::P2(server::incoming_request(request), outparam),
            true => {
                let runtime = tokio::runtime::Handle::current();
                Work::P3(request, runtime, outparam.0)
            }
        };
        let interrupt = InterruptHandle::new();
        // The guest is stopped at its deadline even after it has answered,
        // and even if hyper drops this future because the client went away.
        let deadline: Option<Instant> = self.deadlines.as_ref().map(|d| d.add(&interrupt).into());
        let this = self.clone();
        let instantiated = Arc::new(std::sync::OnceLock::new());
        let took = instantiated.clone();
        let (ended_tx, mut ended) = tokio::sync::oneshot::channel();
        // Whether the guest's answer has been taken: then nobody waits for
        // how the guest ended, and a failure after the answer is logged
        // by whichever side comes second, the guest's thread or this one.
        let answered = Arc::new(std::sync::Mutex::new(false));
        let taken = answered.clone();
        // What is done once the guest is done is done where it ran, not by
        // a task it would have to wake.
        let conclude = move |called: std::thread::Result<Result<(), Failure>>| {
            let result = called.unwrap_or_else(|panic| {
                let why = (panic.downcast_ref::<&str>().copied())
                    .or(panic.downcast_ref::<String>().map(String::as_str))
                    .unwrap_or("a panic");
                Err(Failure::Setup(format!(
                    "the handler's thread failed: {why}"
                )))
            });
            let answered = taken.lock().unwrap_or_else(|e| e.into_inner());
            match *answered {
                true => after_answer(result),
                false => {
                    if let Err(result) = ended_tx.send(result) {
                        // Nobody waits any more: the client went away.
                        after_answer(result)
                    }
                }
            }
        };
        match work {
            // The 0.2 handler runs on this worker, without a switch to
            // another thread and back. It waits for I/O by blocking its
            // thread, through `concurrent::blocking`, which first hands the
            // worker's other tasks to another thread (not for stdout,
            // stderr and files); its answer and its body go to another
            // worker (`concurrent::hand_on_woken`), so the response goes
            // out while it goes on. With one worker there is no other to
            // take them.
            Work::P2(request, outparam) if workers() > 1 && !held::others_held(workers()) => {
                let stop = interrupt.clone();
                let (stack, limits) = (self.stack_size, self.limits);
                let guest = async move {
                    let called = this.call_p2(request, outparam, &interrupt, &took);
                    drop(interrupt);
                    called
                };
                // SAFETY: the future makes the instance and owns it, and
                // it is done within one poll, unless preempted.
                let guest = unsafe { OnWorker::new(guest, stop, stack, &limits) };
                drop(tokio::spawn(async move { conclude(guest.await) }));
            }
            // Guests hold the other workers (they loop), or there is no
            // other: it runs on the blocking pool, and this worker stays
            // free.
            Work::P2(request, outparam) => drop(tokio::task::spawn_blocking(move || {
                let called = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    this.call_p2(request, outparam, &interrupt, &took)
                }));
                drop(interrupt);
                conclude(called)
            })),
            Work::P3(request, runtime, outparam) if held::others_held(workers()) => {
                // Guests hold the other workers (they loop): this one runs
                // on the blocking pool, and this worker stays free.
                drop(tokio::task::spawn_blocking(move || {
                    let called = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let call =
                            this.call_p3(request, runtime, outparam, &interrupt, &took, false);
                        crate::component::concurrent::now(call)
                    }));
                    drop(interrupt);
                    conclude(called)
                }))
            }
            // The 0.3 handler is a future on this worker: it answers and
            // goes on without a thread switch, and frees the worker while
            // it waits.
            Work::P3(request, runtime, outparam) => {
                let stop = interrupt.clone();
                let (stack, limits) = (self.stack_size, self.limits);
                let guest = async move {
                    let call = this.call_p3(request, runtime, outparam, &interrupt, &took, true);
                    let called = call.await;
                    drop(interrupt);
                    called
                };
                // SAFETY: the future makes the instance and owns it.
                let guest = unsafe { OnWorker::new(guest, stop, stack, &limits) };
                drop(tokio::spawn(async move { conclude(guest.await) }));
            }
        }
        let answer: Answer = tokio::select! {
            a = answer => match a {
                Ok(a) => a,
                // The outparam is gone unset: the handler returned or
                // trapped, or dropped it and went on.
                Err(_) => {
                    return tokio::select! {
                        ended = ended => failed(ended),
                        _ = expiry(deadline) => timed_out(),
                    }
                }
            },
            // Answered now, though a guest stuck in a host call (a read
            // that never completes) holds its thread until the call returns.
            _ = expiry(deadline) => return timed_out(),
        };
        {
            let mut answered = answered.lock().unwrap_or_else(|e| e.into_inner());
            *answered = true;
            if let Ok(result) = ended.try_recv() {
                after_answer(result);
            }
        }
        match answer {
            Ok(response) => {
                // Set before the guest could answer.
                let took = instantiated.get().copied().unwrap_or_default();
                Outcome::Response(server::hyper_response(response), took)
            }
            Err(code) => Outcome::Failed {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                why: format!("the handler answered with an error: {code:?}"),
            },
        }
    }

    /// A fresh instance, with the request's limits; how long its store
    /// and instance took to make goes to `took`.
    fn instantiate(
        &self,
        interrupt: &InterruptHandle,
        took: &std::sync::OnceLock<Duration>,
    ) -> Result<(Store, ComponentInstance), Failure> {
        let started = std::time::Instant::now();
        let mut store = Store::new();
        store.set_limits(self.limits);
        if let Some(fuel) = self.fuel {
            store.set_fuel(fuel);
        }
        store.share_interrupt(interrupt);
        let wasi = Box::new(self.wasi.clone());
        match store.instantiate_component(self.component, &P2Host, Some(wasi)) {
            Ok(inst) => {
                let _ = took.set(started.elapsed());
                Ok((store, inst))
            }
            Err(InstantiateError::Trap(t)) => Err(Failure::Trap(t)),
            Err(e) => Err(Failure::Setup(e.to_string())),
        }
    }

    /// Instantiate, then call the 0.2 handler.
    fn call_p2(
        &self,
        request: IncomingRequest,
        outparam: ResponseOutparam,
        interrupt: &InterruptHandle,
        instantiated: &std::sync::OnceLock<Duration>,
    ) -> Result<(), Failure> {
        let (mut store, mut inst) = self.instantiate(interrupt, instantiated)?;
        let args = [
            inst.own(&self.export, request).map_err(setup)?,
            inst.own(&self.export, outparam).map_err(setup)?,
        ];
        how_it_ended(inst.call(&mut store, &self.export, &args))
    }

    /// Instantiate, then call the 0.3 handler, which gives its answer to
    /// `answer` when it returns it: as a future on a worker, or blocking
    /// its thread (then the future is ready when first polled).
    async fn call_p3(
        &self,
        request: http::Request<hyper::body::Incoming>,
        runtime: tokio::runtime::Handle,
        answer: tokio::sync::oneshot::Sender<Answer>,
        interrupt: &InterruptHandle,
        instantiated: &std::sync::OnceLock<Duration>,
        on_worker: bool,
    ) -> Result<(), Failure> {
        let (mut store, mut inst) = self.instantiate(interrupt, instantiated)?;
        let request = p3::served_request(request, runtime);
        let args = [inst.own(&self.export, request).map_err(setup)?];
        let hook = Box::new(
            move |state: &mut ComponentState, by: u32, v: &Option<Value>| {
                // Not handed on to another worker: a 0.3 guest reaches its
                // next await at once, and this worker then sends the
                // answer itself. (Handing on woke the idle worker for each
                // answer: 28 000 rather than 37 000 requests a second with
                // 2 connections.)
                let _ = answer.send(p3_answer(state, by, v));
            },
        );
        match on_worker {
            true => how_it_ended(
                inst.call_async(&mut store, &self.export, &args, Some(hook))
                    .await,
            ),
            false => how_it_ended(inst.call_with(&mut store, &self.export, &args, Some(hook))),
        }
    }
}

/// The server runtime's workers.
fn workers() -> usize {
    tokio::runtime::Handle::current().metrics().num_workers()
}

/// How a handler's call ended.
fn how_it_ended(called: Result<Option<Value>, CallError>) -> Result<(), Failure> {
    match called {
        Ok(_) => Ok(()),
        Err(CallError::Trap(t)) => Err(Failure::Trap(t)),
        Err(e) => Err(setup(e)),
    }
}

/// A handler's request as a task of the server's runtime, each poll on
/// the guest's own stack (`concurrent::Preemptible`), which it leaves when
/// the watch asks it to yield (`held`). Its instance's state is not `Send`
/// (raw pointers, `Rc`s), but the future owns all of it: the store and
/// instance are made inside it and nothing outside holds a pointer into
/// them; a call into wasm sets up its trap handling and signal stack on
/// the thread it runs on, the driver sets the stack limit anew after each
/// await (`Store::arm_stack_limit`), and a call on the host's stack never
/// spans two polls. A poll preempted, or a turn suspended on a fiber of
/// its own (a task another instance started), is resumed, perhaps on
/// another worker, with that thread's trap catcher and signal stack set
/// up, and the functions its frames reach thread-locals through are never
/// inlined, so no frame keeps one thread's address of one across the
/// switch (`concurrent::fiber`). So the runtime may poll it on one worker,
/// then another. A panic is caught, as on the blocking pool. Such a task
/// is never aborted: one dropped while preempted, as the runtime shuts
/// down, leaves its request's store unfreed (`Preemptible`'s drop).
struct OnWorker<F: std::future::Future> {
    guest: crate::component::concurrent::Preemptible<F>,
    /// Asks the guest to yield (or stops it).
    interrupt: InterruptHandle,
}

impl<F: std::future::Future + 'static> OnWorker<F> {
    /// # Safety
    /// `guest` owns all the instance state it reaches, as above.
    unsafe fn new(
        guest: F,
        interrupt: InterruptHandle,
        stack_size: usize,
        limits: &Limits,
    ) -> Self {
        let max_wasm_stack = limits.max_wasm_stack;
        let guest =
            crate::component::concurrent::Preemptible::new(guest, stack_size, max_wasm_stack);
        OnWorker { guest, interrupt }
    }
}

// SAFETY: as above: nothing the future holds is reached from another
// thread, and it is polled on one thread at a time.
unsafe impl<F: std::future::Future> Send for OnWorker<F> {}

impl<F: std::future::Future<Output = Result<(), Failure>> + 'static> std::future::Future
    for OnWorker<F>
{
    type Output = std::thread::Result<Result<(), Failure>>;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        // SAFETY: nothing is moved out of it.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: `Preemptible` keeps what must stay put in boxes.
        let guest = unsafe { std::pin::Pin::new_unchecked(&mut this.guest) };
        // A request to yield made after the last poll left wasm (at an
        // await, or in the host's code) is stale: this poll starts afresh.
        this.interrupt.cancel_yield();
        let _polling = held::Polling::begin(Some(&this.interrupt));
        let poll = || crate::component::concurrent::serving_on_worker(|| guest.poll(cx));
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(poll)) {
            Ok(p) => p.map(Ok),
            Err(panic) => std::task::Poll::Ready(Err(panic)),
        }
    }
}

/// A request's work: the 0.2 handler's arguments, or what the 0.3
/// handler's request is made of (its body read on the server's runtime)
/// and where its answer goes.
enum Work {
    P2(IncomingRequest, ResponseOutparam),
    P3(
        http::Request<hyper::body::Incoming>,
        tokio::runtime::Handle,
        tokio::sync::oneshot::Sender<Answer>,
    ),
}

/// What a 0.3 handler returned, as the server answers it: its response
/// (taken from instance `by`'s table), or the error it returned.
fn p3_answer(state: &mut ComponentState, by: u32, value: &Option<Value>) -> Answer {
    let failed = |why: String| Err(ErrorCode::InternalError(Some(why)));
    let h = match value {
        Some(Value::Result(Ok(Some(v)))) => match **v {
            Value::Handle(h) => h,
            _ => return failed("the handler returned no response".into()),
        },
        Some(Value::Result(Err(e))) => {
            let code = e.as_deref().map(crate::component::program::show);
            return failed(format!("the handler returned an error: {code:?}"));
        }
        _ => return failed("the handler returned no response".into()),
    };
    match state.tables.of(by).take::<p3::Response>(h) {
        Ok(response) => Ok(p3::served_response(&mut state.concurrency, response)),
        Err(t) => failed(format!("the handler's response: {}", t.message())),
    }
}

/// Log how a guest that answered ended, if it failed. (A stop at the
/// deadline was logged when it was answered.)
fn after_answer(result: Result<(), Failure>) {
    match result {
        Err(Failure::Trap(t)) if !matches!(t.kind, TrapKind::Wasm(TrapCode::Interrupted)) => {
            eprintln!("kiln serve: the handler trapped after answering: {t}")
        }
        Err(Failure::Setup(why)) => eprintln!("kiln serve: after answering: {why}"),
        _ => {}
    }
}

fn setup(e: CallError) -> Failure {
    Failure::Setup(e.to_string())
}

/// Resolves at `deadline`, or never.
async fn expiry(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

fn timed_out() -> Outcome {
    Outcome::Failed {
        status: StatusCode::SERVICE_UNAVAILABLE,
        why: "the handler ran past its deadline (--timeout) and was stopped".into(),
    }
}

/// The handler ended without setting a response.
fn failed(ended: Result<Result<(), Failure>, tokio::sync::oneshot::error::RecvError>) -> Outcome {
    let Ok(ended) = ended else {
        return Outcome::Failed {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            why: "the server stopped during the request".into(),
        };
    };
    let (status, why) = match ended {
        Ok(()) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the handler returned without setting a response".to_string(),
        ),
        Err(Failure::Trap(t)) if matches!(t.kind, TrapKind::Wasm(TrapCode::Interrupted)) => {
            return timed_out()
        }
        Err(Failure::Trap(t)) => (StatusCode::INTERNAL_SERVER_ERROR, t.to_string()),
        Err(Failure::Setup(e)) => (StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    Outcome::Failed { status, why }
}
