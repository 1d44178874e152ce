//! The host's call of an async-lifted export: a task, driven on the
//! calling thread until it exits. A callback-form export returns a code:
//! exit, yield (its callback is called again with no event), or wait on
//! a waitable set (its callback is called with the set's next event). A
//! stackful export runs to its end in one call. Either must have given
//! its result by `task.return` before it exits.
//!
//! The drive is a future. While the task waits for an event, it blocks
//! its thread ([`Waiting::Block`], and the future is ready when first
//! polled: [`now`]), or gives the thread back to the event loop it runs
//! on ([`Waiting::Await`], a server's worker).

use super::*;
use crate::component::ComponentState;
use crate::component::Value;
use crate::store::{Func, Store, Val};
use std::future::Future;
use std::task::{Context, Poll, Waker};

/// How the host's call of an async export waits for its events.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waiting {
    /// Blocking the calling thread.
    Block,
    /// As a future, on a tokio runtime's worker.
    Await,
}

/// The output of `f`, a call that waits by [`Waiting::Block`], so never
/// waits as a future.
pub(crate) fn now<F: Future>(f: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match std::pin::pin!(f).poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => unreachable!("a call that blocks to wait is never pending"),
    }
}

/// Run `task`, the call of export `f` (with `callback`, if it has one)
/// with flat `args`: the result `task.return` gave.
pub(in crate::component) async fn run(
    state: *mut ComponentState,
    store: &mut Store,
    f: Func,
    callback: Option<Func>,
    args: &[Val],
    task: Task,
    waiting: Waiting,
) -> Result<Option<Value>, Trap> {
    let instance = task.instance;
    // SAFETY: the state outlives calls into its instances; it is touched
    // here only between calls into core code, which reach it through the
    // built-ins' contexts while they run.
    let concurrency = || unsafe { &mut (*state).concurrency };
    // It waits, as another instance's call would, until the instance may
    // be entered: its backpressure down, and no turn (one suspended, or
    // one a call held back starts) holding its lock.
    let exclusive = callback.is_some();
    while !concurrency().may_enter(instance, exclusive) {
        match waiting {
            Waiting::Block => super::subtask::make_progress(state)?,
            Waiting::Await => {
                super::subtask::progress(state, store).await?;
            }
        }
    }
    let depth = concurrency().tasks.len();
    concurrency().tasks.push(task);
    let outcome = drive(state, store, f, callback, args, waiting).await;
    if let Err(t) = outcome {
        // A trap ends every task it interrupted, and those between turns.
        let stopped = concurrency().abandon(depth);
        drop(stopped);
        return Err(t);
    }
    let task = concurrency().tasks.pop().expect("pushed above");
    task.returned
        .ok_or_else(|| trap("async-lifted export failed to produce a result"))
}

async fn drive(
    state: *mut ComponentState,
    store: &mut Store,
    f: Func,
    callback: Option<Func>,
    args: &[Val],
    waiting: Waiting,
) -> Result<(), Trap> {
    let Some(callback) = callback else {
        // Stackful: it takes no exclusive lock.
        store.call(f, args)?;
        return Ok(());
    };
    // SAFETY: as in `run`.
    let instance = unsafe { &*state }
        .concurrency
        .tasks
        .last()
        .expect("a task runs")
        .instance;
    let turn = move |store: &mut Store, f: Func, args: &[Val]| {
        // SAFETY: as in `run`; no borrow is held across the call.
        let held = unsafe { &mut (*state).concurrency }.set_in_turn(instance, true);
        let results = store.call(f, args);
        unsafe { &mut (*state).concurrency }.set_in_turn(instance, held);
        results
    };
    let results = turn(store, f, args)?;
    let mut code = match results.first() {
        Some(Val::I32(c)) => *c as u32,
        _ => unreachable!("validation gives a callback-form export an i32 result"),
    };
    loop {
        let event = match code & 0xf {
            CALLBACK_EXIT => return Ok(()),
            CALLBACK_YIELD => {
                Concurrency::finish_jobs(state)?;
                super::subtask::run_pending(state)?;
                if waiting == Waiting::Await {
                    // Others on the event loop get their turn too.
                    tokio::task::yield_now().await;
                }
                Event {
                    code: EVENT_NONE,
                    index: 0,
                    payload: 0,
                }
            }
            CALLBACK_WAIT => {
                let set = code >> 4;
                // SAFETY: as in `run`.
                let s = unsafe { &mut *state };
                let id = s
                    .tables
                    .rep(instance, set, AsyncKind::WaitableSet.as_resource())?;
                // Other tasks' turns run until the set has an event.
                s.concurrency.wait_on(id);
                let waited = match waiting {
                    Waiting::Block => builtins::wait_for_event(state, id),
                    Waiting::Await => next_event(state, store, id).await,
                };
                // SAFETY: as in `run`.
                unsafe { &mut *state }.concurrency.unwait(id);
                waited?
            }
            _ => return Err(trap("unsupported callback code")),
        };
        let args = [
            Val::I32(event.code as i32),
            Val::I32(event.index as i32),
            Val::I32(event.payload as i32),
        ];
        code = match turn(store, callback, &args)?.first() {
            Some(Val::I32(c)) => *c as u32,
            _ => unreachable!("validation gives a callback an i32 result"),
        };
    }
}

/// As [`builtins::wait_for_event`], as a future: set `set`'s next event,
/// the thread free for other work while there is none.
async fn next_event(
    state: *mut ComponentState,
    store: &mut Store,
    set: u32,
) -> Result<Event, Trap> {
    // Turns of other tasks run here one after another, and may keep doing
    // so (a task that yields): now and then the thread is given back even
    // though there is progress.
    const TURNS_BEFORE_YIELDING: u32 = 16;
    let mut without_waiting = 0;
    loop {
        // SAFETY: as in `run`; no borrow is held across a turn or an await.
        if let Some(e) = unsafe { &mut (*state).concurrency }.take_event(set) {
            return Ok(e);
        }
        if !super::subtask::progress(state, store).await? {
            without_waiting += 1;
            if without_waiting == TURNS_BEFORE_YIELDING {
                without_waiting = 0;
                tokio::task::yield_now().await;
                // Perhaps on another thread now, where the next turns run.
                store.arm_stack_limit();
            }
        }
    }
}
