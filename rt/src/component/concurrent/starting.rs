//! Calls held back. A call by the async ABI into an instance that may not
//! be entered now (its backpressure is up, a turn of one of its tasks
//! holds its exclusive lock, or calls held back before it still wait) is
//! STARTING: lowered async, the caller gets its subtask at once, and the
//! call starts later, when something waits or yields and the
//! instance is free, in the order the calls were made. Its arguments are
//! read then, from the caller's memory if they are there, as the spec's
//! `on_start` lifts them. Lowered synchronously, the caller waits until
//! the call may start.
//!
//! The call adapter comes in two halves for this: the call itself, which
//! gives the caller's flat arguments to `enter-subtask`, and the starter,
//! which moves them into the callee and calls it, and which the runtime
//! runs (on a fiber, `turns.rs`) at once or, for a call held back, later.

use super::subtask::concurrency;
use super::subtask::{Caller, RETURNED, STARTED};
use super::turns::{self, Settled};
use super::*;
use crate::component::{ComponentState, HostContext};
use crate::store::Func;
use crate::traps::raise_host;
use crate::vm::ValRaw;
use kiln_abi::component::MAX_FLAT_ASYNC_PARAMS;

/// Subtask states, as the caller sees them, of a call held back.
pub const STARTING: u32 = 0;
pub const CANCELLED_BEFORE_STARTED: u32 = 3;

/// A call held back until its callee's instance may be entered.
pub(in crate::component) struct HeldCall {
    /// The callee's instance, and the shape of the call's result.
    instance: u32,
    result: Option<u32>,
    /// The caller, whose subtask it is.
    caller: Caller,
    /// The adapter's half that moves the arguments into the callee and
    /// calls it, and the caller's flat arguments it takes.
    starter: Func,
    args: [ValRaw; MAX_FLAT_ASYNC_PARAMS],
    /// When it began to wait, in the order of all that wait.
    pub(super) seq: u64,
}

impl Concurrency {
    /// Whether a task of instance `i` may begin: no backpressure, and,
    /// if it takes the instance's lock (`exclusive`: a callback-form
    /// task), no turn holding it.
    fn free(&mut self, i: u32, exclusive: bool) -> bool {
        !(exclusive && self.in_turn(i)) && *self.backpressure(i) == 0
    }

    /// Whether a new call may start in instance `i` now: it is free, and
    /// no call held back before waits for it.
    pub(super) fn may_enter(&mut self, i: u32, exclusive: bool) -> bool {
        self.free(i, exclusive) && !self.held.iter().any(|h| h.instance == i)
    }

    /// `subtask.cancel` of subtask object `id`: if it is a call held
    /// back, it will never start.
    pub(super) fn cancel_held(&mut self, id: u32) -> bool {
        let Some(i) = self.held.iter().position(|h| h.caller.subtask == Some(id)) else {
            return false;
        };
        self.held.remove(i);
        if let Object::Subtask(st) = self.object(id) {
            st.state = CANCELLED_BEFORE_STARTED;
        }
        true
    }
}

/// The task of a call into `instance` from another.
fn callee_task(instance: u32, result: Option<u32>, caller: Caller) -> Task {
    Task {
        instance,
        context: [0; CONTEXT_SLOTS],
        result,
        // The adapter lifts the result; the runtime does not.
        result_spilled: None,
        types: &[],
        encoding: Default::default(),
        memory: None,
        returned: None,
        on_return: None,
        caller: Some(caller),
        cancel: Cancel::No,
        lent: None,
        on_sync_stack: false,
    }
}

/// The caller of the call `ctx`'s adapter makes, its result going to
/// `retptr`.
fn caller(ctx: &HostContext, retptr: u32) -> Caller {
    Caller {
        instance: ctx.instance,
        retptr,
        returner: ctx.reach().returner,
        callback: ctx.reach().callback,
        subtask: None,
        returned: Default::default(),
    }
}

/// The shape of the call's result, if it has one.
fn result(ctx: &HostContext) -> Option<u32> {
    (ctx.arg != NO_RESULT).then_some(ctx.arg)
}

/// `enter-subtask` of an async lowering: the call, with the caller's
/// flat arguments (as `i64`s) and its pointer for the result. The callee
/// starts, its first turn on a fiber of its own, if it may; else the call
/// is held back. The caller's view of it: returned (2, no handle), or
/// its subtask's handle, started or starting.
pub(in crate::component) extern "C" fn enter_subtask(
    ctx: &HostContext,
    retptr: u32,
    a0: u64,
    a1: u64,
    a2: u64,
    a3: u64,
) -> u32 {
    if let Err(t) = crate::component::abi::Cx::new(ctx).check_may_leave() {
        raise_host(t.kind);
    }
    let Some(starter) = ctx.reach().starter else {
        unreachable!("an async lowering's adapter has a starter")
    };
    let args = [a0, a1, a2, a3].map(ValRaw::from_u64);
    let mut caller = caller(ctx, retptr);
    // SAFETY: as `concurrency`; no borrow is held across a turn.
    let s = || unsafe { &mut *ctx.reach().state };
    let exclusive = ctx.reach().callback.is_some();
    if !s().concurrency.may_enter(ctx.to, exclusive) {
        let st = s();
        let (id, h) = st
            .concurrency
            .new_subtask(&mut st.tables, ctx.instance, STARTING);
        caller.subtask = Some(id);
        let seq = st.concurrency.next_seq();
        st.concurrency.held.push(HeldCall {
            instance: ctx.to,
            result: result(ctx),
            caller,
            starter,
            args,
            seq,
        });
        return (h << 4) | STARTING;
    }
    let task = callee_task(ctx.to, result(ctx), caller);
    let settled = match turns::run(ctx.reach().state, task, starter, args) {
        Ok(settled) => settled,
        Err(t) => raise_host(t.kind),
    };
    // Returned in its first turn (even if it goes on): no subtask.
    let returned =
        started_task(&mut s().concurrency, &settled).is_none_or(|t| t.returned.is_some());
    if returned {
        return RETURNED;
    }
    let st = s();
    let (id, h) = st
        .concurrency
        .new_subtask(&mut st.tables, ctx.instance, STARTED);
    if let Some(c) = started_task(&mut st.concurrency, &settled).and_then(|t| t.caller.as_mut()) {
        c.subtask = Some(id);
    }
    (h << 4) | STARTED
}

/// The task a turn just run left where `settled` says, if it goes on.
fn started_task<'a>(c: &'a mut Concurrency, settled: &Settled) -> Option<&'a mut Task> {
    match settled {
        Settled::Exited => None,
        Settled::Pending => c.pending.last_mut().map(|p| &mut p.task),
        Settled::Suspended => c.suspended.last_mut().map(|s| &mut s.tasks[0]),
    }
}

/// `enter-subtask` of a synchronous lowering: the caller waits until the
/// callee may start; then its task begins, and the adapter calls it (on
/// the caller's stack).
pub(in crate::component) extern "C" fn enter_subtask_sync(ctx: &HostContext, retptr: u32) {
    let exclusive = ctx.reach().callback.is_some();
    let waited = (|| {
        if concurrency(ctx.reach().state).may_enter(ctx.to, exclusive) {
            return Ok(());
        }
        if !concurrency(ctx.reach().state).may_block(ctx.instance) {
            return Err(super::cannot_block());
        }
        turns::block(ctx.reach().state, || {
            concurrency(ctx.reach().state)
                .may_enter(ctx.to, exclusive)
                .then_some(())
        })
    })();
    if let Err(t) = waited {
        raise_host(t.kind);
    }
    let c = concurrency(ctx.reach().state);
    if exclusive {
        // The first turn holds the instance's lock.
        c.set_in_turn(ctx.to, true);
    }
    // Its first turn runs on the caller's stack: if the caller may not
    // block, neither may it.
    let on_sync_stack = match c.tasks.last() {
        Some(t) if t.instance == ctx.instance => t.on_sync_stack,
        _ => true,
    };
    let mut task = callee_task(ctx.to, result(ctx), caller(ctx, retptr));
    task.on_sync_stack = on_sync_stack;
    c.tasks.push(task);
}

/// Start the call held back as `seq` if its instance is now free, its
/// first turn on a fiber: whether it started. (Calls held back before it
/// do not hold it back: the spec's waiting calls each wait only for the
/// instance to let them in.)
pub(super) fn start_held(state: *mut ComponentState, seq: u64) -> Result<bool, Trap> {
    let c = concurrency(state);
    let Some(i) = c.held.iter().position(|h| h.seq == seq) else {
        return Ok(false);
    };
    let (instance, exclusive) = (c.held[i].instance, c.held[i].caller.callback.is_some());
    if !c.free(instance, exclusive) {
        return Ok(false);
    }
    let HeldCall {
        instance,
        result,
        caller,
        starter,
        args,
        ..
    } = c.held.remove(i);
    if let Some(Object::Subtask(st)) = caller.subtask.map(|id| c.object(id)) {
        st.state = STARTED;
    }
    turns::run(state, callee_task(instance, result, caller), starter, args)?;
    Ok(true)
}
