//! Calls held back. A call by the async ABI into an instance that may not
//! be entered now (its backpressure is up, a turn of one of its tasks
//! holds its exclusive lock, or calls held back before it still wait) is
//! STARTING: lowered async, the caller gets its subtask at once, and the
//! call starts later, when something waits, yields or polls and the
//! instance is free, in the order the calls were made. Its arguments are
//! read then, from the caller's memory if they are there, as the spec's
//! `on_start` lifts them. Lowered synchronously, the caller waits until
//! the call may start.
//!
//! The call adapter comes in two halves for this: the call itself, which
//! asks `enter-subtask` whether the callee may start, and the starter,
//! which moves the arguments into the callee and calls it; the runtime
//! keeps the starter and the caller's flat arguments of a call held back.

use super::subtask::{after_turn, make_progress, Caller, STARTED};
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
}

/// The async state, borrowed afresh at each use, as `subtask.rs` does.
fn concurrency<'a>(state: *mut ComponentState) -> &'a mut Concurrency {
    // SAFETY: the state outlives its instances' calls; each borrow ends
    // before the next call into wasm.
    unsafe { &mut (*state).concurrency }
}

impl Concurrency {
    /// Whether a task of instance `i` may begin: no backpressure, and no
    /// turn holding its exclusive lock.
    fn free(&mut self, i: u32) -> bool {
        !self.in_turn(i) && *self.backpressure(i) == 0
    }

    /// Whether a new call may start in instance `i` now: it is free, and
    /// no call held back before waits for it.
    fn may_enter(&mut self, i: u32) -> bool {
        self.free(i) && !self.held.iter().any(|h| h.instance == i)
    }

    /// The task of a call into `instance` from another, begun: it holds
    /// the instance's lock for its first turn.
    fn begin_callee(&mut self, instance: u32, result: Option<u32>, caller: Caller) {
        self.set_in_turn(instance, true);
        self.tasks.push(Task {
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
        });
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

/// The caller of the call `ctx`'s adapter makes, its result going to
/// `retptr`.
fn caller(ctx: &HostContext, retptr: u32) -> Caller {
    Caller {
        instance: ctx.instance,
        retptr,
        returner: ctx.returner,
        callback: ctx.callback,
        subtask: None,
        returned: Default::default(),
    }
}

/// The shape of the call's result, if it has one.
fn result(ctx: &HostContext) -> Option<u32> {
    (ctx.arg != NO_RESULT).then_some(ctx.arg)
}

/// `enter-subtask` of an async lowering, with the caller's flat
/// arguments (as `i64`s) and its pointer for the result: 0 if the callee
/// starts now (the adapter starts it, then `exit-subtask`); else the call
/// is held back, and this is its subtask's handle, STARTING.
pub(in crate::component) extern "C" fn enter_subtask(
    ctx: &HostContext,
    retptr: u32,
    a0: u64,
    a1: u64,
    a2: u64,
    a3: u64,
) -> u32 {
    let c = concurrency(ctx.state);
    let mut caller = caller(ctx, retptr);
    if c.may_enter(ctx.to) {
        c.begin_callee(ctx.to, result(ctx), caller);
        return 0;
    }
    let Some(starter) = ctx.starter else {
        unreachable!("an async lowering's adapter has a starter")
    };
    // SAFETY: as `concurrency`.
    let s = unsafe { &mut *ctx.state };
    let (id, h) = s
        .concurrency
        .new_subtask(&mut s.tables, ctx.instance, STARTING);
    caller.subtask = Some(id);
    s.concurrency.held.push(HeldCall {
        instance: ctx.to,
        result: result(ctx),
        caller,
        starter,
        args: [a0, a1, a2, a3].map(ValRaw::from_u64),
    });
    (h << 4) | STARTING
}

/// `enter-subtask` of a synchronous lowering: the caller waits, running
/// what else can run, until the callee may start; then it starts.
pub(in crate::component) extern "C" fn enter_subtask_sync(ctx: &HostContext, retptr: u32) {
    let waited = (|| {
        while !concurrency(ctx.state).may_enter(ctx.to) {
            if !concurrency(ctx.state).may_block(ctx.instance) {
                return Err(super::cannot_block());
            }
            make_progress(ctx.state)?;
        }
        Ok(())
    })();
    if let Err(t) = waited {
        raise_host(t.kind);
    }
    concurrency(ctx.state).begin_callee(ctx.to, result(ctx), caller(ctx, retptr));
}

/// Start the first call held back whose instance is now free, and run
/// its first turn: whether one started.
pub(super) fn start_held(state: *mut ComponentState) -> Result<bool, Trap> {
    let c = concurrency(state);
    let mut at = None;
    for i in 0..c.held.len() {
        if c.free(c.held[i].instance) {
            at = Some(i);
            break;
        }
    }
    let Some(i) = at else {
        return Ok(false);
    };
    let HeldCall {
        instance,
        result,
        caller,
        starter,
        mut args,
    } = c.held.remove(i);
    if let Some(Object::Subtask(st)) = caller.subtask.map(|id| c.object(id)) {
        st.state = STARTED;
    }
    let callback = caller.callback.expect("a callback-form lifting");
    let depth = c.tasks.len();
    c.begin_callee(instance, result, caller);
    let called = crate::instance::call_slots(starter, &mut args);
    let c = concurrency(state);
    c.set_in_turn(instance, false);
    // A trap may have left tasks above this one.
    c.tasks.truncate(depth + 1);
    let task = c.tasks.pop().expect("pushed above");
    called?;
    after_turn(state, task, callback, args[0].u32())?;
    Ok(true)
}
