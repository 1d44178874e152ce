//! Calls between component instances by the async ABI. A fused adapter
//! gives the call to the runtime (`enter-subtask`, `starting.rs`), which
//! starts the callee's task and runs its first turn on a fiber
//! (`turns.rs`): a callee that returned in it has returned (state 2, no
//! handle); one that waits, yields or blocks goes on as a pending task
//! or a suspended turn, and the caller gets a subtask handle, whose
//! events report the callee's return. A synchronous call runs the
//! callee's first turn on the caller's stack, then waits
//! (`wait-subtask`). What waits runs, in the order it began to wait,
//! when something else waits and no event is ready ([`run_pending`]), on
//! the waiting thread: a callback-form task needs no stack of its own
//! between turns.

use super::turns::Settled;
use super::*;
use crate::component::{ComponentState, HostContext};
use crate::store::Func;
use crate::vm::ValRaw;

/// Subtask states, as the caller sees them.
pub const STARTED: u32 = 1;
pub const RETURNED: u32 = 2;
pub const CANCELLED_BEFORE_RETURNED: u32 = 4;

const TASK_CANCELLED: Event = Event {
    code: EVENT_TASK_CANCELLED,
    index: 0,
    payload: 0,
};

/// A task started by another instance: where its result goes.
pub struct Caller {
    /// The calling instance, and its pointer for the result.
    pub instance: u32,
    pub retptr: u32,
    /// Moves the result from the callee's `task.return` to the caller.
    pub returner: Option<Func>,
    /// The callee's callback.
    pub callback: Option<Func>,
    /// Its result's one flat value, once `task.return` gave it, for a
    /// caller waiting synchronously ([`wait_subtask`]).
    pub returned: std::rc::Rc<std::cell::Cell<Option<u64>>>,
    /// The subtask object in the caller's table, once it has one.
    pub subtask: Option<u32>,
}

/// A pending task: its callback, and the set it waits on (none: it
/// yielded).
pub(in crate::component) struct PendingTask {
    pub(super) task: Task,
    callback: Func,
    set: Option<u32>,
    /// When it began to wait, in the order of all that wait.
    seq: u64,
}

/// The subtask object: its state and the state last reported.
pub(in crate::component) struct SubtaskState {
    pub waitable: Waitable,
    pub state: u32,
    pub reported: u32,
    pub handle: Handle,
    /// `subtask.cancel` was called: it may not be again.
    pub cancel_requested: bool,
}

impl Concurrency {
    /// A new subtask in `state` (reported so), in `instance`'s table (of
    /// `tables`): its object and handle.
    pub(super) fn new_subtask(
        &mut self,
        tables: &mut crate::component::handles::Tables,
        instance: u32,
        state: u32,
    ) -> (u32, Handle) {
        let id = self.insert(Object::Subtask(SubtaskState {
            waitable: Waitable::default(),
            state,
            reported: state,
            handle: 0,
            cancel_requested: false,
        }));
        let kind = AsyncKind::Subtask.as_resource();
        let h = tables.tables[instance as usize].new_own(kind, id);
        if let Object::Subtask(st) = self.object(id) {
            st.handle = h;
        }
        (id, h)
    }
}

/// The component's async state, borrowed afresh at each use: a turn of a
/// task calls into wasm, which reaches the same state through its
/// built-ins, so no borrow may be held across one.
pub(super) fn concurrency<'a>(state: *mut ComponentState) -> &'a mut Concurrency {
    // SAFETY: the state outlives its instances' calls; each borrow ends
    // before the next call into wasm.
    unsafe { &mut (*state).concurrency }
}

/// Run one thing that waits and may go on, whichever began to wait
/// first (as wasmtime takes them, in order): a call held back whose
/// callee is now free, a turn suspended that may go on, or a pending
/// task's turn that is ready (a yield, or a wait whose set has an event).
/// Whether one ran.
pub(in crate::component) fn run_pending(state: *mut ComponentState) -> Result<bool, Trap> {
    let c = concurrency(state);
    if c.held.is_empty() && c.suspended.is_empty() && c.pending.is_empty() {
        return Ok(false);
    }
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Kind {
        Held,
        Suspended,
        Pending,
    }
    let held = c.held.iter().map(|h| (h.seq, Kind::Held));
    let suspended = c.suspended.iter().map(|t| (t.seq, Kind::Suspended));
    let pending = c.pending.iter().map(|p| (p.seq, Kind::Pending));
    let mut order: Vec<_> = held.chain(suspended).chain(pending).collect();
    order.sort_unstable();
    for (seq, kind) in order {
        let ran = match kind {
            Kind::Held => super::starting::start_held(state, seq)?,
            Kind::Suspended => super::turns::resume_suspended(state, seq)?,
            Kind::Pending => run_if_ready(state, seq)?,
        };
        if ran {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Run the turn of the pending task that began to wait as `seq`, if it
/// is ready and its instance free: whether it ran.
fn run_if_ready(state: *mut ComponentState, seq: u64) -> Result<bool, Trap> {
    let c = concurrency(state);
    let Some(i) = c.pending.iter().position(|p| p.seq == seq) else {
        return Ok(false);
    };
    let p = &c.pending[i];
    if c.in_turn(p.task.instance) {
        // Its instance's lock is held by a turn on the stack, or one
        // suspended.
        return Ok(false);
    }
    let event = match p.set {
        _ if p.task.cancel == Cancel::Requested => Some(TASK_CANCELLED),
        None => Some(Event {
            code: EVENT_NONE,
            index: 0,
            payload: 0,
        }),
        Some(set) => c.take_event(set),
    };
    let Some(e) = event else {
        return Ok(false);
    };
    run_turn(state, i, e)?;
    Ok(true)
}

/// Run pending task `i`'s turn, given event `e`.
fn run_turn(state: *mut ComponentState, i: usize, e: Event) -> Result<(), Trap> {
    let PendingTask {
        mut task,
        callback,
        set,
        ..
    } = concurrency(state).pending.remove(i);
    if e.code == EVENT_TASK_CANCELLED {
        task.cancel = Cancel::Delivered;
    }
    if let Some(set) = set {
        concurrency(state).unwait(set);
    }
    let mut args = [ValRaw::default(); super::turns::MAX_FLAT_ARGS];
    for (a, v) in args.iter_mut().zip([e.code, e.index, e.payload]) {
        *a = ValRaw::from_u64(v as u64);
    }
    super::turns::run(state, task, callback, args)?;
    Ok(())
}

/// `subtask.cancel` of a call to another instance's export (subtask
/// object `id`), not yet resolved: the callee, between turns, is told
/// now if its instance is free, and may end by `task.cancel` or return.
/// Its state if it resolved; else, with `async_`, `BLOCKED` (an event will
/// say), or without, once it has.
pub(super) fn cancel_callee(ctx: &HostContext, id: u32) -> Result<u32, Trap> {
    let (state, async_) = (ctx.reach().state, ctx.async_);
    let c = concurrency(state);
    // The callee still answering this subtask (one that returned may go
    // on, its subtask's number used again).
    let answering =
        |t: &Task| t.returned.is_none() && t.caller.as_ref().and_then(|c| c.subtask) == Some(id);
    let suspended = c.suspended.iter_mut().map(|s| &mut s.tasks[0]);
    if let Some(task) = suspended.into_iter().find(|t| answering(t)) {
        // Blocked inside a turn: told when that turn ends, by its next
        // event (a stackful callee, which has none, is not told).
        task.cancel = Cancel::Requested;
    } else {
        let Some(i) = c.pending.iter().position(|p| answering(&p.task)) else {
            return Err(trap("kiln does not cancel a subtask that is running"));
        };
        let callee = c.pending[i].task.instance;
        let suspended = c.suspended.iter().any(|s| s.tasks[0].instance == callee);
        if !async_ && c.in_turn(callee) && !suspended {
            // Only a frame below this one could end that turn.
            return Err(trap(
                "kiln does not wait synchronously to cancel a subtask whose instance is in a turn",
            ));
        }
        c.pending[i].task.cancel = Cancel::Requested;
        if !c.in_turn(callee) {
            run_turn(state, i, TASK_CANCELLED)?;
        }
    }
    loop {
        // Another task may have dropped the subtask meanwhile.
        match concurrency(state).objects.get_mut(id as usize) {
            Some(Some(Object::Subtask(st))) => {
                if st.state >= RETURNED {
                    st.reported = st.state;
                    return Ok(st.state);
                }
            }
            _ => return Err(trap("subtask dropped while it was being cancelled")),
        }
        if async_ {
            return Ok(BLOCKED);
        }
        if !concurrency(state).may_block(ctx.instance) {
            return Err(super::cannot_block());
        }
        // Until the callee has resolved (or the subtask went).
        super::turns::block(state, || {
            match concurrency(state).objects.get_mut(id as usize) {
                Some(Some(Object::Subtask(st))) if st.state < RETURNED => None,
                _ => Some(()),
            }
        })?;
    }
}

/// Run what can run while a task waits: host work done, else a pending
/// task's turn, else wait for host work; a deadlock if nothing can.
pub(super) fn make_progress(state: *mut ComponentState) -> Result<(), Trap> {
    if Concurrency::finish_jobs(state)? || run_pending(state)? || super::jobs::await_jobs(state)? {
        return Ok(());
    }
    Err(super::builtins::deadlock())
}

/// As [`make_progress`], for a task driven as a future on `store`: a
/// wait for jobs frees the thread. Whether it waited.
pub(super) async fn progress(
    state: *mut ComponentState,
    store: &mut crate::store::Store,
) -> Result<bool, Trap> {
    if Concurrency::finish_jobs(state)? || run_pending(state)? {
        return Ok(false);
    }
    if super::jobs::jobs_arrived(state, store).await? {
        return Ok(true);
    }
    Err(super::builtins::deadlock())
}

/// What a task's turn returned: it exits (having returned), or waits
/// again among the pending (a wait holding its set, which may not be
/// dropped meanwhile).
pub(super) fn after_turn(
    state: *mut ComponentState,
    task: Task,
    callback: Option<Func>,
    code: u32,
) -> Result<Settled, Trap> {
    let set = match code & 0xf {
        CALLBACK_EXIT if task.returned.is_none() => {
            return Err(trap("async-lifted export failed to produce a result"))
        }
        CALLBACK_EXIT => return Ok(Settled::Exited),
        CALLBACK_YIELD => None,
        CALLBACK_WAIT => {
            // SAFETY: as `concurrency`.
            let tables = unsafe { &(*state).tables };
            let kind = AsyncKind::WaitableSet.as_resource();
            let set = tables.rep(task.instance, code >> 4, kind)?;
            concurrency(state).wait_on(set);
            Some(set)
        }
        _ => return Err(trap("unsupported callback code")),
    };
    let callback = callback.expect("a stackful task's only turn exits");
    let c = concurrency(state);
    let seq = c.next_seq();
    c.pending.push(PendingTask {
        task,
        callback,
        set,
        seq,
    });
    Ok(Settled::Pending)
}

impl Concurrency {
    /// Drop every task left between turns and on the stack above `depth`:
    /// a trap ended them.
    /// The jobs it stopped are the caller's to drop, once it no longer
    /// borrows the state (their steps may hold the host's ends, whose drop
    /// reaches it).
    #[must_use]
    pub(in crate::component) fn abandon(&mut self, depth: usize) -> Vec<super::jobs::Job> {
        self.tasks.truncate(depth);
        self.in_turn.clear();
        self.held.clear();
        // Their fibers are let go, unwound no further.
        self.suspended.clear();
        let stopped = self.jobs.abort_all();
        for p in std::mem::take(&mut self.pending) {
            if let Some(set) = p.set {
                self.unwait(set);
            }
        }
        stopped
    }

    /// The callee's task resolved (returned, or cancelled): the caller's
    /// subtask learns it.
    pub(super) fn subtask_resolved(&mut self, caller: &Caller, state: u32) {
        if let Some(id) = caller.subtask {
            if let Object::Subtask(s) = self.object(id) {
                s.state = state;
            }
        }
    }

    /// The subtask event of object `id`, if its state changed since last
    /// reported.
    pub(super) fn take_subtask_event(&mut self, id: u32) -> Option<Event> {
        let Object::Subtask(s) = self.object(id) else {
            return None;
        };
        if s.state == s.reported {
            return None;
        }
        s.reported = s.state;
        Some(Event {
            code: EVENT_SUBTASK,
            index: s.handle,
            payload: s.state,
        })
    }
}

/// `wait-subtask`: a synchronous call's callee ended its first turn with
/// `code`; other tasks' turns run until it has returned. Its one flat
/// result, if it has one (a larger one went to the caller's memory).
pub(in crate::component) extern "C" fn wait_subtask(ctx: &HostContext, code: u32) -> u64 {
    let outcome = (|| {
        let mut task = concurrency(ctx.reach().state)
            .tasks
            .pop()
            .expect("entered by the adapter");
        // Its later turns run on fibers of their own, not on the
        // caller's stack: they may block.
        task.on_sync_stack = false;
        let callback = task.callback();
        if callback.is_some() {
            concurrency(ctx.reach().state).set_in_turn(task.instance, false);
        }
        let caller = task.caller.as_ref().expect("started by an adapter");
        let returned = caller.returned.clone();
        after_turn(ctx.reach().state, task, callback, code)?;
        if returned.get().is_none() && !concurrency(ctx.reach().state).may_block(ctx.instance) {
            return Err(super::cannot_block());
        }
        super::turns::block(ctx.reach().state, || returned.get())
    })();
    match outcome {
        Ok(v) => v,
        Err(t) => crate::traps::raise_host(t.kind),
    }
}

/// `subtask.drop`: only a subtask whose return was reported may go.
pub(in crate::component) extern "C" fn subtask_drop(ctx: &HostContext, h: Handle) {
    // SAFETY: as the built-ins' `state`.
    let s = unsafe { &mut *ctx.reach().state };
    let outcome = (|| {
        crate::component::abi::Cx::new(ctx).check_may_leave()?;
        let kind = AsyncKind::Subtask.as_resource();
        let id = s.tables.rep(ctx.instance, h, kind)?;
        let Object::Subtask(st) = s.concurrency.object(id) else {
            unreachable!("checked to be a subtask")
        };
        if st.reported < RETURNED {
            return Err(trap("cannot drop a subtask which has not yet resolved"));
        }
        s.tables.drop_handle(ctx.instance, h, kind)?;
        s.concurrency.join(id, None);
        s.concurrency.remove(id);
        Ok(())
    })();
    if let Err(t) = outcome {
        crate::traps::raise_host(t.kind)
    }
}
