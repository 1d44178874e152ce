//! Turns of tasks other instances started, each on a fiber of its own
//! (`fiber.rs`): a turn that blocks inside (a synchronous wait, yield,
//! or call that must wait) suspends, keeping its instance's lock, and
//! whoever ran it goes on: an async caller gets its subtask, started. A
//! task waiting on the host's stack resumes suspended turns in their turn
//! among all that waits ([`resume_suspended`]); each asks whether it may
//! go on ([`block`]).
//!
//! A task's first turn calls the adapter's starter with the caller's
//! arguments (the callee's export itself is called inside it); a later
//! one calls its callback with an event. A stackful task has one turn,
//! to its end, and no lock.

use super::fiber::{Fiber, Pause, Resumed};
use super::subtask::after_turn;
use super::subtask::concurrency;
use super::*;
use crate::component::ComponentState;
use crate::store::Func;
use crate::vm::ValRaw;

/// A turn suspended while it blocks, with the tasks on its stack (its
/// own task first, then any it called synchronously).
pub(in crate::component) struct SuspendedTurn {
    fiber: Fiber,
    pub(super) tasks: Vec<Task>,
    /// When it began to wait, in the order of all that wait; a turn
    /// resumed that may not go on yet keeps its place.
    pub(super) seq: u64,
}

/// Where a turn left its task.
pub(super) enum Settled {
    /// It exited: the task is gone.
    Exited,
    /// It waits or yields between turns: the last of the pending.
    Pending,
    /// It blocked inside the turn: the first task of the last turn
    /// suspended.
    Suspended,
}

/// Run a turn of `task` on a fiber: `f` called with `args` (as many as
/// it takes), returning the turn's callback code (a stackful task's
/// starter gives exit).
pub(super) fn run(
    state: *mut ComponentState,
    task: Task,
    f: Func,
    args: [ValRaw; MAX_FLAT_ARGS],
) -> Result<Settled, Trap> {
    let max_wasm_stack = concurrency(state).max_wasm_stack;
    let body = move || {
        let mut slots = args;
        crate::instance::call_slots(f, &mut slots)?;
        Ok(slots[0].u32())
    };
    let mut fiber = Fiber::new(body, max_wasm_stack)?;
    let c = concurrency(state);
    if task.callback().is_some() {
        // The turn holds its instance's lock.
        c.set_in_turn(task.instance, true);
    }
    let depth = c.tasks.len();
    c.tasks.push(task);
    let resumed = fiber.resume(c.instances);
    settle(state, depth, fiber, resumed, None)
}

/// The most flat arguments a turn takes: an async call's (a callback's
/// event takes three).
pub(super) const MAX_FLAT_ARGS: usize = kiln_abi::component::MAX_FLAT_ASYNC_PARAMS;

/// What resuming `fiber` came to, the tasks above `depth` being its own:
/// suspended again (they go with it; `seq`: its place in the order of
/// what waits, kept if it may not go on yet), or ended (the turn's code
/// goes to `after_turn`).
fn settle(
    state: *mut ComponentState,
    depth: usize,
    fiber: Fiber,
    resumed: Resumed,
    seq: Option<u64>,
) -> Result<Settled, Trap> {
    let c = concurrency(state);
    let code = match resumed {
        Resumed::Paused(why) => {
            let tasks = c.tasks.split_off(depth);
            let seq = match (why, seq) {
                (Pause::NotReady, Some(seq)) => seq,
                _ => c.next_seq(),
            };
            c.suspended.push(SuspendedTurn { fiber, tasks, seq });
            return Ok(Settled::Suspended);
        }
        Resumed::Done(code) => code,
    };
    // A trap may have left tasks above this one.
    c.tasks.truncate(depth + 1);
    let task = c.tasks.pop().expect("pushed by `run`");
    let callback = task.callback();
    if callback.is_some() {
        c.set_in_turn(task.instance, false);
    }
    let code = code?;
    after_turn(state, task, callback, code)
}

/// Resume the turn suspended as `seq`: whether it went on (it ran, and
/// blocked again or ended), or found it may not yet.
pub(super) fn resume_suspended(state: *mut ComponentState, seq: u64) -> Result<bool, Trap> {
    let c = concurrency(state);
    let Some(i) = c.suspended.iter().position(|t| t.seq == seq) else {
        return Ok(false);
    };
    let SuspendedTurn {
        mut fiber, tasks, ..
    } = c.suspended.remove(i);
    let depth = c.tasks.len();
    c.tasks.extend(tasks);
    let resumed = fiber.resume(c.instances);
    let not_ready = matches!(resumed, Resumed::Paused(Pause::NotReady));
    settle(state, depth, fiber, resumed, Some(seq))?;
    Ok(!not_ready)
}

/// Wait until `ready` gives a value. On a fiber, the turn suspends, and
/// is resumed now and then to ask again; on the host's stack, what else
/// can run runs meanwhile ([`super::subtask::make_progress`]).
pub(super) fn block<T>(
    state: *mut ComponentState,
    mut ready: impl FnMut() -> Option<T>,
) -> Result<T, Trap> {
    if let Some(v) = ready() {
        return Ok(v);
    }
    if concurrency(state)
        .tasks
        .last()
        .is_some_and(|t| t.on_sync_stack)
    {
        // A synchronous task below would have to wait for it.
        return Err(super::cannot_block());
    }
    if super::fiber::on_fiber() {
        let mut why = Pause::Blocked;
        loop {
            super::fiber::suspend(why);
            if let Some(v) = ready() {
                return Ok(v);
            }
            why = Pause::NotReady;
        }
    }
    loop {
        super::subtask::make_progress(state)?;
        if let Some(v) = ready() {
            return Ok(v);
        }
    }
}

impl Task {
    /// The callback of a task another instance started in the callback
    /// form; none for a stackful one (or the host's).
    pub(super) fn callback(&self) -> Option<Func> {
        self.caller.as_ref().and_then(|c| c.callback)
    }
}
