//! The async built-ins, called by core code as host functions whose
//! `vmctx` is their lowering's [`HostContext`]. Each has the fixed core
//! signature the Canonical ABI gives it; `task.return`'s is spread over
//! [`TASK_RETURN_SLOTS`] `i64`s by a compiled shim.

use super::channel::{Copied, Pending};
use super::*;
use crate::component::abi::{Lift, Lower};
use crate::component::handles::Tables;
use crate::component::{ComponentState, HostContext};
use crate::traps::raise_host;
use kiln_abi::component::TASK_RETURN_SLOTS;

/// The state of the component `ctx` belongs to.
fn state(ctx: &HostContext) -> &mut ComponentState {
    // SAFETY: the state outlives calls into its instances, and a built-in
    // is the only code using it while it runs.
    unsafe { &mut *ctx.reach().state }
}

/// The result of `outcome`, or its trap raised.
fn or_raise<T>(outcome: Result<T, Trap>) -> T {
    match outcome {
        Ok(v) => v,
        Err(t) => raise_host(t.kind),
    }
}

/// The object handle `h` of the calling instance names, if it is a
/// `kind`; else the trap.
fn object(ctx: &HostContext, h: Handle, kind: AsyncKind) -> Result<u32, Trap> {
    leave(ctx)?;
    state(ctx).tables.rep(ctx.instance, h, kind.as_resource())
}

fn new_handle(tables: &mut Tables, instance: u32, kind: AsyncKind, id: u32) -> Handle {
    tables.tables[instance as usize].new_own(kind.as_resource(), id)
}

/// The task the calling instance runs now: built-ins that need one trap
/// outside a task.
fn task(ctx: &HostContext) -> Result<&mut Task, Trap> {
    leave(ctx)?;
    match state(ctx).concurrency.current() {
        Some(t) if t.instance == ctx.instance => Ok(t),
        _ => Err(trap("this built-in may only be called by an async task")),
    }
}

/// `task.return`: the task's result, flat, handed to its caller.
pub(in crate::component) extern "C" fn task_return(
    ctx: &HostContext,
    a0: u64,
    a1: u64,
    a2: u64,
    a3: u64,
    a4: u64,
    a5: u64,
    a6: u64,
    a7: u64,
    a8: u64,
    a9: u64,
    a10: u64,
    a11: u64,
    a12: u64,
    a13: u64,
    a14: u64,
    a15: u64,
) {
    let flat: [u64; TASK_RETURN_SLOTS] = [
        a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15,
    ];
    or_raise((|| {
        let t = task(ctx)?;
        if t.returned.is_some() {
            return Err(trap(
                "`task.return` or `task.cancel` called more than once for current task",
            ));
        }
        if t.result.unwrap_or(NO_RESULT) != ctx.arg {
            return Err(trap(
                "invalid `task.return` signature and/or options for current task",
            ));
        }
        give_back_lent(ctx)?;
        let t = task(ctx)?;
        if let Some(caller) = &t.caller {
            // Another instance called: its returner moves the result.
            // What a synchronous caller's wait gives: the result's one
            // flat value as the returner moved it (or unused).
            let mut given = flat[0];
            if let (Some(returner), Some(_)) = (caller.returner, t.result) {
                let mut slots: Vec<crate::vm::ValRaw> = flat
                    .iter()
                    .map(|v| crate::vm::ValRaw::from_u64(*v))
                    .collect();
                slots.push(crate::vm::ValRaw::from_u64(caller.retptr as u64));
                crate::instance::call_slots(returner, &mut slots)?;
                given = slots[0].u64();
            }
            let t = task(ctx)?;
            t.returned = Some(None);
            let mut caller = t.caller.take();
            if let Some(c) = &mut caller {
                c.returned.set(Some(given));
                state(ctx)
                    .concurrency
                    .subtask_resolved(c, super::subtask::RETURNED);
                // The subtask's number is the caller's to drop and reuse.
                c.subtask = None;
            }
            if let Some(t) = state(ctx).concurrency.current() {
                t.caller = caller;
            }
            return Ok(());
        }
        let value = match t.result {
            None => None,
            Some(r) => Some(lift_result(t, r, &flat)?),
        };
        let hook = t.on_return.take();
        let instance = t.instance;
        if let Some(hook) = hook {
            hook(state(ctx), instance, &value);
        }
        if let Some(t) = state(ctx).concurrency.current() {
            t.returned = Some(value);
        }
        Ok(())
    })())
}

/// Task `t`'s result of type `r`, from `task.return`'s flat values: in
/// them, or in memory at the pointer that is the first of them.
fn lift_result(t: &Task, r: TypeIndex, flat: &[u64]) -> Result<crate::component::Value, Trap> {
    // SAFETY: store-owned memory; nothing else runs while we read it.
    let memory = t.memory.map_or(&[][..], |m| unsafe { (*m).data() });
    let mut lift = crate::component::Lift::new(t.types, t.encoding, memory);
    match t.result_spilled {
        Some((size, align)) => {
            let ptr = flat[0] as u32;
            lift.range(ptr, size as u64, align, crate::traps::Region::Params)?;
            lift.load(r, ptr)
        }
        None => lift.lift_flat(r, &mut flat.iter()),
    }
}

/// `task.cancel`: a task told it was cancelled ends without a result; its
/// caller's subtask resolves as cancelled before it returned. The host
/// never cancels a task.
pub(in crate::component) extern "C" fn task_cancel(ctx: &HostContext) {
    or_raise((|| {
        let t = task(ctx)?;
        if t.cancel != Cancel::Delivered {
            return Err(trap(
                "`task.cancel` called by task which has not been cancelled",
            ));
        }
        if t.returned.is_some() {
            return Err(trap(
                "`task.return` or `task.cancel` called more than once for current task",
            ));
        }
        give_back_lent(ctx)?;
        let t = task(ctx)?;
        t.returned = Some(None);
        let mut caller = t.caller.take();
        if let Some(c) = &mut caller {
            let cancelled = super::subtask::CANCELLED_BEFORE_RETURNED;
            state(ctx).concurrency.subtask_resolved(c, cancelled);
            c.subtask = None;
        }
        if let Some(t) = state(ctx).concurrency.current() {
            t.caller = caller;
        }
        Ok(())
    })())
}

/// The calling task resolves: the handles its caller lent it must have
/// been dropped, and go back to their owners.
fn give_back_lent(ctx: &HostContext) -> Result<(), Trap> {
    match task(ctx)?.lent.take() {
        Some(scope) => state(ctx).tables.close(scope),
        None => Ok(()),
    }
}

/// A fused adapter's synchronous call begins a task of instance
/// `ctx.to`: its context slots start at zero.
pub(in crate::component) extern "C" fn begin_sync_task(ctx: &HostContext) {
    state(ctx).concurrency.begin_sync_task(ctx.to);
}

/// A fused adapter's call by the async ABI has moved its arguments: what
/// it was lent stays lent to the callee's task, which it starts now,
/// until that task resolves.
pub(in crate::component) extern "C" fn lend_to_task(ctx: &HostContext) {
    let s = state(ctx);
    let scope = s.tables.lend_to_task();
    let task = s.concurrency.tasks.last_mut();
    task.expect("begun by `enter-subtask`").lent = Some(scope);
}

/// `context.get`: a slot of the calling task's context, an async task's
/// or a synchronous one's. The spec lets any code read it, even where it
/// may not leave its instance (a `realloc`).
pub(in crate::component) extern "C" fn context_get(ctx: &HostContext) -> u32 {
    let slot = ctx.arg as usize;
    state(ctx)
        .concurrency
        .with_context(ctx.instance, |c| c[slot])
}

pub(in crate::component) extern "C" fn context_set(ctx: &HostContext, v: u32) {
    let slot = ctx.arg as usize;
    state(ctx)
        .concurrency
        .with_context(ctx.instance, |c| c[slot] = v)
}

pub(in crate::component) extern "C" fn backpressure_inc(ctx: &HostContext) {
    let b = state(ctx).concurrency.backpressure(ctx.instance);
    match b.checked_add(1) {
        Some(n) => *b = n,
        None => raise_host(trap("backpressure counter overflow").kind),
    }
}

pub(in crate::component) extern "C" fn backpressure_dec(ctx: &HostContext) {
    let b = state(ctx).concurrency.backpressure(ctx.instance);
    match b.checked_sub(1) {
        Some(n) => *b = n,
        None => raise_host(trap("backpressure counter overflow").kind),
    }
}

/// `thread.yield`: other tasks' turns that are ready run, and host work
/// done is finished; in a sync task, which may not block, nothing.
pub(in crate::component) extern "C" fn thread_yield(ctx: &HostContext) -> u32 {
    if !state(ctx).concurrency.may_block(ctx.instance) {
        or_raise(leave(ctx));
        return 0;
    }
    or_raise(leave(ctx).and_then(|_| {
        Concurrency::finish_jobs(ctx.reach().state)?;
        let c = &state(ctx).concurrency;
        if c.tasks.last().is_some_and(|t| t.on_sync_stack) {
            // A synchronous task below would have to wait for it.
            return Err(cannot_block());
        }
        if super::fiber::on_fiber() {
            // Others go on while its turn is suspended.
            super::fiber::suspend(super::fiber::Pause::Blocked);
            return Ok(true);
        }
        super::subtask::run_pending(ctx.reach().state)
    }));
    0
}

pub(in crate::component) extern "C" fn waitable_set_new(ctx: &HostContext) -> u32 {
    or_raise(leave(ctx));
    let s = state(ctx);
    let id = s.concurrency.insert(Object::Set {
        members: Vec::new(),
        waiters: 0,
    });
    new_handle(&mut s.tables, ctx.instance, AsyncKind::WaitableSet, id)
}

/// Write event `e` (its index and payload) at `ptr` in the caller's
/// memory: what `waitable-set.wait` and `.poll` give besides its code.
fn write_event(ctx: &HostContext, ptr: u32, e: Event) -> Result<u32, Trap> {
    let mut cx = crate::component::abi::Cx::new(ctx);
    let at = cx.range(ptr, 8, 4, crate::traps::Region::Return)?;
    let bytes = cx.bytes();
    bytes[at..at + 4].copy_from_slice(&e.index.to_le_bytes());
    bytes[at + 4..at + 8].copy_from_slice(&e.payload.to_le_bytes());
    Ok(e.code)
}

/// `waitable-set.wait`: the set's next event, other tasks running their
/// turns until one comes; none coming is a deadlock.
pub(in crate::component) extern "C" fn waitable_set_wait(
    ctx: &HostContext,
    set: Handle,
    ptr: u32,
) -> u32 {
    or_raise((|| {
        leave(ctx)?;
        if !state(ctx).concurrency.may_block(ctx.instance) {
            return Err(cannot_block());
        }
        let id = object(ctx, set, AsyncKind::WaitableSet)?;
        state(ctx).concurrency.wait_on(id);
        let waited = wait_for_event(ctx.reach().state, id);
        state(ctx).concurrency.unwait(id);
        write_event(ctx, ptr, waited?)
    })())
}

/// `waitable-set.poll`: the set's next event, or none.
pub(in crate::component) extern "C" fn waitable_set_poll(
    ctx: &HostContext,
    set: Handle,
    ptr: u32,
) -> u32 {
    or_raise((|| {
        let id = object(ctx, set, AsyncKind::WaitableSet)?;
        Concurrency::finish_jobs(ctx.reach().state)?;
        let none = Event {
            code: EVENT_NONE,
            index: 0,
            payload: 0,
        };
        let e = state(ctx).concurrency.take_event(id).unwrap_or(none);
        write_event(ctx, ptr, e)
    })())
}

/// Set `set`'s next event, other tasks running their turns until it has
/// one.
pub(in crate::component) fn wait_for_event(
    state: *mut ComponentState,
    set: u32,
) -> Result<Event, Trap> {
    // (Host work done goes first, in `make_progress`: tasks that yield
    // are always ready to run, and must not keep a timer's event from its
    // waiter.)
    // SAFETY: as `state`; no borrow is held across a turn.
    super::turns::block(state, || {
        unsafe { &mut (*state).concurrency }.take_event(set)
    })
}

/// A trap if the calling instance may not call out now (during its
/// post-return, or a `realloc` the host called).
fn leave(ctx: &HostContext) -> Result<(), Trap> {
    crate::component::abi::Cx::new(ctx).check_may_leave()
}

pub(in crate::component) fn deadlock() -> Trap {
    trap("deadlock detected: event loop cannot make further progress")
}

pub(in crate::component) extern "C" fn waitable_set_drop(ctx: &HostContext, set: Handle) {
    or_raise((|| {
        leave(ctx)?;
        let s = state(ctx);
        let id = s
            .tables
            .rep(ctx.instance, set, AsyncKind::WaitableSet.as_resource())?;
        if let Object::Set { waiters: 1.., .. } = s.concurrency.object(id) {
            return Err(trap("cannot drop waitable set with waiters"));
        }
        s.tables
            .drop_handle(ctx.instance, set, AsyncKind::WaitableSet.as_resource())?;
        let Object::Set { members, .. } = s.concurrency.remove(id) else {
            unreachable!("checked to be a set")
        };
        for m in members {
            s.concurrency.join(m, None);
        }
        Ok(())
    })())
}

/// `waitable.join`: waitable `w` joins set `set`, or leaves its set when
/// `set` is 0.
pub(in crate::component) extern "C" fn waitable_join(ctx: &HostContext, w: Handle, set: Handle) {
    or_raise((|| {
        leave(ctx)?;
        let s = state(ctx);
        let slot = *s.tables.tables[ctx.instance as usize].get(w)?;
        let id = match slot.kind {
            ResourceKind::Async(
                AsyncKind::Readable { .. } | AsyncKind::Writable { .. } | AsyncKind::Subtask,
            ) => slot.rep,
            _ => return Err(trap("handle is not a waitable")),
        };
        let set = match set {
            0 => None,
            h => Some(object(ctx, h, AsyncKind::WaitableSet)?),
        };
        state(ctx).concurrency.join(id, set);
        Ok(())
    })())
}

/// `subtask.cancel`: a host call's job stops, and its subtask resolves
/// as cancelled before it returned; a call of another instance's export
/// is told it was cancelled (`cancel_callee`); one that resolved,
/// unreported, says so now.
pub(in crate::component) extern "C" fn subtask_cancel(ctx: &HostContext, h: Handle) -> u32 {
    use super::subtask::{CANCELLED_BEFORE_RETURNED, RETURNED, STARTED};
    or_raise((|| {
        leave(ctx)?;
        let id = object(ctx, h, AsyncKind::Subtask)?;
        let c = &mut state(ctx).concurrency;
        let Object::Subtask(st) = c.object(id) else {
            unreachable!("checked to be a subtask")
        };
        if st.reported >= RETURNED || st.cancel_requested {
            return Err(trap(
                "`subtask.cancel` called after terminal status delivered",
            ));
        }
        st.cancel_requested = true;
        let starting = st.state == super::starting::STARTING;
        if starting && !c.cancel_held(id) {
            unreachable!("a subtask starting is a call held back");
        }
        let Object::Subtask(st) = c.object(id) else {
            unreachable!("checked to be a subtask")
        };
        if st.state == STARTED {
            if !c.jobs.cancel(id) {
                // A call of another instance's export.
                return super::subtask::cancel_callee(ctx, id);
            }
            if let Object::Subtask(st) = c.object(id) {
                st.state = CANCELLED_BEFORE_RETURNED;
            }
        }
        let Object::Subtask(st) = c.object(id) else {
            unreachable!("checked to be a subtask")
        };
        // The outcome is the event, delivered by this return.
        st.reported = st.state;
        Ok(st.state)
    })())
}

/// `stream.new` and `future.new`: the readable end's handle in the low
/// half, the writable end's in the high.
pub(in crate::component) extern "C" fn channel_new(ctx: &HostContext) -> u64 {
    or_raise(leave(ctx));
    let s = state(ctx);
    let future = ctx.future;
    let (r, w) = s.concurrency.new_channel(ctx.elem, ctx.numeric, future);
    let ty = ctx.arg;
    let rh = new_handle(
        &mut s.tables,
        ctx.instance,
        AsyncKind::Readable { ty, future },
        r,
    );
    let wh = new_handle(
        &mut s.tables,
        ctx.instance,
        AsyncKind::Writable { ty, future },
        w,
    );
    s.concurrency.place(r, rh, ctx.instance);
    s.concurrency.place(w, wh, ctx.instance);
    (rh as u64) | ((wh as u64) << 32)
}

fn end_kind(ctx: &HostContext, readable: bool) -> AsyncKind {
    let (ty, future) = (ctx.arg, ctx.future);
    match readable {
        true => AsyncKind::Readable { ty, future },
        false => AsyncKind::Writable { ty, future },
    }
}

/// A read or write of `count` elements at `ptr` through end `h`.
fn copy(ctx: &HostContext, h: Handle, ptr: u32, count: u32, reading: bool) -> Result<u32, Trap> {
    let id = object(ctx, h, end_kind(ctx, reading))?;
    if state(ctx).concurrency.elem_of(id) != ctx.elem {
        return Err(trap(match ctx.future {
            true => "handle is a future of a different type",
            false => "handle is a stream of a different type",
        }));
    }
    state(ctx).concurrency.check_idle(id, reading)?;
    check_buffer(ctx, ptr, count, reading)?;
    let op = Pending::new(ctx, ptr, count);
    let c = &mut state(ctx).concurrency;
    match c.copy(id, reading, op)? {
        Copied::Done(outcome) => Ok(outcome),
        Copied::Values(copy) => {
            let types = c.types;
            // The reader's realloc runs here, guest code that may call
            // built-ins of its own: no borrow of the state is held.
            super::values::copy_values(types, &copy.from, &copy.to, copy.n)?;
            state(ctx).concurrency.finish_copy(copy)
        }
    }
}

/// The spec's checks of a read's or write's buffer, made as it begins
/// (whether it then waits or not): a bounded count and, if it holds any
/// bytes, a start aligned for its elements and an end inside memory.
fn check_buffer(ctx: &HostContext, ptr: u32, count: u32, reading: bool) -> Result<(), Trap> {
    if count >= 1 << 28 {
        return Err(trap("stream read/write count too large"));
    }
    let (size, align) = ctx.elem;
    if size == 0 || count == 0 {
        return Ok(());
    }
    if ptr % align != 0 {
        return Err(trap(match reading {
            true => "read pointer not aligned",
            false => "write pointer not aligned",
        }));
    }
    let mut cx = crate::component::abi::Cx::new(ctx);
    if ptr as u64 + size as u64 * count as u64 > cx.bytes().len() as u64 {
        return Err(trap(match reading {
            true => "read pointer out of bounds of memory",
            false => "write pointer out of bounds of memory",
        }));
    }
    Ok(())
}

pub(in crate::component) extern "C" fn stream_read(
    ctx: &HostContext,
    h: Handle,
    ptr: u32,
    count: u32,
) -> u32 {
    or_raise(copy(ctx, h, ptr, count, true))
}

pub(in crate::component) extern "C" fn stream_write(
    ctx: &HostContext,
    h: Handle,
    ptr: u32,
    count: u32,
) -> u32 {
    or_raise(copy(ctx, h, ptr, count, false))
}

pub(in crate::component) extern "C" fn future_read(ctx: &HostContext, h: Handle, ptr: u32) -> u32 {
    or_raise(copy(ctx, h, ptr, 1, true))
}

pub(in crate::component) extern "C" fn future_write(ctx: &HostContext, h: Handle, ptr: u32) -> u32 {
    or_raise(copy(ctx, h, ptr, 1, false))
}

fn cancel(ctx: &HostContext, h: Handle, reading: bool) -> Result<u32, Trap> {
    let id = object(ctx, h, end_kind(ctx, reading))?;
    let c = &mut state(ctx).concurrency;
    if !ctx.async_ && c.waitable(id).is_some_and(|w| w.set.is_some()) {
        return Err(trap(
            "waitable cannot be used synchronously while added to a waitable set",
        ));
    }
    c.cancel(id, h)
}

pub(in crate::component) extern "C" fn cancel_read(ctx: &HostContext, h: Handle) -> u32 {
    or_raise(cancel(ctx, h, true))
}

pub(in crate::component) extern "C" fn cancel_write(ctx: &HostContext, h: Handle) -> u32 {
    or_raise(cancel(ctx, h, false))
}

fn drop_end(ctx: &HostContext, h: Handle, readable: bool) -> Result<(), Trap> {
    let kind = end_kind(ctx, readable);
    let id = object(ctx, h, kind)?;
    let source = state(ctx).concurrency.drop_end(id)?;
    drop(source);
    state(ctx)
        .tables
        .drop_handle(ctx.instance, h, kind.as_resource())
        .map(|_| ())
}

pub(in crate::component) extern "C" fn drop_readable(ctx: &HostContext, h: Handle) {
    or_raise(drop_end(ctx, h, true))
}

pub(in crate::component) extern "C" fn drop_writable(ctx: &HostContext, h: Handle) {
    or_raise(drop_end(ctx, h, false))
}

/// `error-context.new`: an error context with the debug message at
/// `ptr`, `len` code units long in the caller's string encoding.
pub(in crate::component) extern "C" fn error_context_new(
    ctx: &HostContext,
    ptr: u32,
    len: u32,
) -> u32 {
    or_raise((|| {
        leave(ctx)?;
        let mut cx = crate::component::abi::Cx::new(ctx);
        let message = String::lift_flat(&mut cx, &[ptr as u64, len as u64])?;
        let s = state(ctx);
        let id = s.concurrency.insert(Object::ErrorContext {
            message,
            handles: 1,
        });
        Ok(new_handle(
            &mut s.tables,
            ctx.instance,
            AsyncKind::ErrorContext,
            id,
        ))
    })())
}

/// `error-context.debug-message`: the message, written as a string (its
/// pointer and length) at `ret`, in memory from the caller's `realloc`.
pub(in crate::component) extern "C" fn error_context_debug_message(
    ctx: &HostContext,
    h: Handle,
    ret: u32,
) {
    or_raise((|| {
        let id = object(ctx, h, AsyncKind::ErrorContext)?;
        let Object::ErrorContext { message, .. } = state(ctx).concurrency.object(id) else {
            unreachable!("checked to be an error context")
        };
        let message = message.clone();
        let mut cx = crate::component::abi::Cx::new(ctx);
        cx.range(ret, 8, 4, crate::traps::Region::Return)?;
        message.store(&mut cx, ret)
    })())
}

pub(in crate::component) extern "C" fn error_context_drop(ctx: &HostContext, h: Handle) {
    or_raise((|| {
        let id = object(ctx, h, AsyncKind::ErrorContext)?;
        let s = state(ctx);
        s.tables
            .drop_handle(ctx.instance, h, AsyncKind::ErrorContext.as_resource())?;
        let Object::ErrorContext { handles, .. } = s.concurrency.object(id) else {
            unreachable!("checked to be an error context")
        };
        *handles -= 1;
        if *handles == 0 {
            s.concurrency.remove(id);
        }
        Ok(())
    })())
}

/// A fused adapter giving the receiving instance error context `h` of the
/// sending one: its handle there (`share_error_context`).
pub(in crate::component) extern "C" fn transfer_error_context(ctx: &HostContext, h: Handle) -> u32 {
    or_raise((|| {
        leave(ctx)?;
        share_error_context(state(ctx), ctx.instance, ctx.to, h)
    })())
}

/// A fused adapter moving the readable end `h` of a stream or future from
/// the sending instance's table to the receiver's: its handle there
/// (`move_readable_end`).
pub(in crate::component) extern "C" fn transfer_channel(ctx: &HostContext, h: Handle) -> u32 {
    or_raise((|| {
        leave(ctx)?;
        move_readable_end(state(ctx), end_kind(ctx, true), ctx.instance, ctx.to, h)
    })())
}

/// Error context `h` of instance `from` given to instance `to`: its
/// handle there. The spec lifts an error context without taking it from
/// the sender's table, so both hold it, and it lives until the last
/// handle to it is dropped.
pub(super) fn share_error_context(
    s: &mut ComponentState,
    from: u32,
    to: u32,
    h: Handle,
) -> Result<Handle, Trap> {
    let kind = AsyncKind::ErrorContext;
    let id = s.tables.rep(from, h, kind.as_resource())?;
    if let Object::ErrorContext { handles, .. } = s.concurrency.object(id) {
        *handles += 1;
    }
    Ok(new_handle(&mut s.tables, to, kind, id))
}

/// Readable end `h` (of `kind`) moved from instance `from`'s table to
/// `to`'s: its handle there. An end waiting on a copy, in a waitable
/// set, or done for good may not move (the spec's `lift_async_value`
/// takes only an idle one).
pub(super) fn move_readable_end(
    s: &mut ComponentState,
    kind: AsyncKind,
    from: u32,
    to: u32,
    h: Handle,
) -> Result<Handle, Trap> {
    let id = s.tables.rep(from, h, kind.as_resource())?;
    let future = matches!(kind, AsyncKind::Readable { future: true, .. });
    let in_set = s.concurrency.waitable(id).is_some_and(|w| w.set.is_some());
    if in_set {
        return Err(trap(match future {
            true => "cannot lift future while it's in a waitable set",
            false => "cannot lift stream while it's in a waitable set",
        }));
    }
    if s.concurrency.reading(id) {
        return Err(trap(match future {
            true => "cannot remove busy future",
            false => "cannot remove busy stream",
        }));
    }
    if s.concurrency.done_reading(id) {
        return Err(trap(match future {
            true => "cannot lift future after its value was read or its writable end dropped",
            false => "cannot lift stream after being notified that the writable end dropped",
        }));
    }
    s.tables.drop_handle(from, h, kind.as_resource())?;
    let moved = new_handle(&mut s.tables, to, kind, id);
    s.concurrency.place(id, moved, to);
    Ok(moved)
}
