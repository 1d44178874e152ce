//! Calls between component instances by the async ABI. A fused adapter
//! starts the callee's task (`enter-subtask`), calls its export, and ends
//! its first turn (`exit-subtask`): a callee that exited has returned
//! (state 2, no handle); one that waits or yields becomes a pending task,
//! and the caller gets a subtask handle, whose events report the callee's
//! return. Pending tasks run when something waits and no event is ready
//! ([`Concurrency::run_pending`]), on the waiting thread: a callback-form
//! task needs no stack of its own between turns.

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
    task: Task,
    callback: Func,
    set: Option<u32>,
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
fn concurrency<'a>(state: *mut ComponentState) -> &'a mut Concurrency {
    // SAFETY: the state outlives its instances' calls; each borrow ends
    // before the next call into wasm.
    unsafe { &mut (*state).concurrency }
}

/// Start a call held back whose callee is now free, else run one pending
/// task's turn that is ready (a yield, or a wait whose set has an event):
/// whether one ran.
pub(in crate::component) fn run_pending(state: *mut ComponentState) -> Result<bool, Trap> {
    if super::starting::start_held(state)? {
        return Ok(true);
    }
    let mut ready = None;
    for i in 0..concurrency(state).pending.len() {
        let p = &concurrency(state).pending[i];
        if concurrency(state).in_turn(p.task.instance) {
            // Its instance's lock is held by a turn on the stack.
            continue;
        }
        let event = match p.set {
            _ if p.task.cancel == Cancel::Requested => Some(TASK_CANCELLED),
            None => Some(Event {
                code: EVENT_NONE,
                index: 0,
                payload: 0,
            }),
            Some(set) => concurrency(state).take_event(set),
        };
        if let Some(e) = event {
            ready = Some((i, e));
            break;
        }
    }
    let Some((i, e)) = ready else {
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
    let instance = task.instance;
    let depth = concurrency(state).tasks.len();
    concurrency(state).tasks.push(task);
    let mut slots = [
        ValRaw::from_u64(e.code as u64),
        ValRaw::from_u64(e.index as u64),
        ValRaw::from_u64(e.payload as u64),
    ];
    let held = concurrency(state).set_in_turn(instance, true);
    let called = crate::instance::call_slots(callback, &mut slots);
    concurrency(state).set_in_turn(instance, held);
    // A trap may have left tasks above this one.
    concurrency(state).tasks.truncate(depth + 1);
    let task = concurrency(state).tasks.pop().expect("pushed above");
    called?;
    after_turn(state, task, callback, slots[0].u64() as u32)
}

/// `subtask.cancel` of a call to another instance's export (subtask
/// object `id`), not yet resolved: the callee, between turns, is told
/// now if its instance is free, and may end by `task.cancel` or return.
/// Its state if it resolved; else, with `async_`, `BLOCKED` (an event will
/// say), or without, once it has.
pub(super) fn cancel_callee(ctx: &HostContext, id: u32) -> Result<u32, Trap> {
    let (state, async_) = (ctx.state, ctx.async_);
    let c = concurrency(state);
    // The callee still answering this subtask (one that returned may go
    // on, its subtask's number used again).
    let at = c.pending.iter().position(|p| {
        p.task.returned.is_none() && p.task.caller.as_ref().and_then(|c| c.subtask) == Some(id)
    });
    let Some(i) = at else {
        return Err(trap("kiln does not cancel a subtask that is running"));
    };
    let callee = c.pending[i].task.instance;
    if !async_ && c.in_turn(callee) {
        // Only a frame below this one could end that turn.
        return Err(trap(
            "kiln does not wait synchronously to cancel a subtask whose instance is in a turn",
        ));
    }
    c.pending[i].task.cancel = Cancel::Requested;
    if !c.in_turn(callee) {
        run_turn(state, i, TASK_CANCELLED)?;
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
        make_progress(state)?;
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
    callback: Func,
    code: u32,
) -> Result<(), Trap> {
    let set = match code & 0xf {
        CALLBACK_EXIT if task.returned.is_none() => {
            return Err(trap("async-lifted export failed to produce a result"))
        }
        CALLBACK_EXIT => return Ok(()),
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
    concurrency(state).pending.push(PendingTask {
        task,
        callback,
        set,
    });
    Ok(())
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

/// `exit-subtask`: the callee's first turn returned `code`; the caller's
/// view of it: returned (2), or a new subtask handle, started.
pub(in crate::component) extern "C" fn exit_subtask(ctx: &HostContext, code: u32) -> u32 {
    // SAFETY: as the built-ins' `state`.
    let s = unsafe { &mut *ctx.state };
    let mut task = s.concurrency.tasks.pop().expect("entered by the adapter");
    s.concurrency.set_in_turn(task.instance, false);
    let callback = task.caller.as_ref().and_then(|c| c.callback);
    let callback = callback.expect("a callback-form lifting");
    let status = match code & 0xf {
        CALLBACK_EXIT => RETURNED,
        _ if task.returned.is_some() => RETURNED,
        _ => {
            let (id, h) = s
                .concurrency
                .new_subtask(&mut s.tables, ctx.instance, STARTED);
            if let Some(c) = &mut task.caller {
                c.subtask = Some(id);
            }
            (h << 4) | STARTED
        }
    };
    match after_turn(ctx.state, task, callback, code) {
        Ok(()) => status,
        Err(t) => crate::traps::raise_host(t.kind),
    }
}

/// `wait-subtask`: a synchronous call's callee ended its first turn with
/// `code`; other tasks' turns run until it has returned. Its one flat
/// result, if it has one (a larger one went to the caller's memory).
pub(in crate::component) extern "C" fn wait_subtask(ctx: &HostContext, code: u32) -> u64 {
    let outcome = (|| {
        let task = concurrency(ctx.state)
            .tasks
            .pop()
            .expect("entered by the adapter");
        concurrency(ctx.state).set_in_turn(task.instance, false);
        let caller = task.caller.as_ref().expect("started by an adapter");
        let (returned, callback) = (caller.returned.clone(), caller.callback);
        let callback = callback.expect("a callback-form lifting");
        after_turn(ctx.state, task, callback, code)?;
        if returned.get().is_none() && !concurrency(ctx.state).may_block(ctx.instance) {
            return Err(super::cannot_block());
        }
        loop {
            if let Some(v) = returned.get() {
                return Ok(v);
            }
            make_progress(ctx.state)?;
        }
    })();
    match outcome {
        Ok(v) => v,
        Err(t) => crate::traps::raise_host(t.kind),
    }
}

/// `subtask.drop`: only a subtask whose return was reported may go.
pub(in crate::component) extern "C" fn subtask_drop(ctx: &HostContext, h: Handle) {
    // SAFETY: as the built-ins' `state`.
    let s = unsafe { &mut *ctx.state };
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
