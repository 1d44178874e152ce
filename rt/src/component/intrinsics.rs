//! The lowerings the runtime implements itself, called by core code as
//! host functions whose `vmctx` is their [`HostContext`]: the resource
//! intrinsics, a fused adapter's handle transfers, call scopes and traps,
//! and the trap of a call into the caller's own component.

use super::handles::Tables;
use super::HostContext;
use crate::traps::{raise_host, ComponentTrap, Trap, TrapKind};

/// The handle tables of the component `ctx` belongs to.
fn tables(ctx: &HostContext) -> &mut Tables {
    // SAFETY: the state outlives calls into its instances, and a lowering
    // the runtime implements is the only code using it while it runs.
    unsafe { &mut (*ctx.reach().state).tables }
}

/// The result of `outcome`, or its trap raised.
fn or_raise<T>(outcome: Result<T, Trap>) -> T {
    match outcome {
        Ok(v) => v,
        Err(t) => raise_host(t.kind),
    }
}

fn resource(ctx: &HostContext) -> super::handles::ResourceKind {
    ctx.resource.expect("set for a resource intrinsic")
}

/// A lowered function whose callee is its own caller's component: the
/// callee may not be entered while its instance is running.
pub(super) extern "C" fn cannot_enter(_ctx: usize) {
    raise_host(TrapKind::Component(ComponentTrap::CannotEnter))
}

/// A trap if the calling instance may not leave now (a `realloc` or
/// post-return of its is running), which `resource.new` and
/// `resource.drop` check, as the Canonical ABI and wasmtime do.
fn leave(ctx: &HostContext) {
    or_raise(super::abi::Cx::new(ctx).check_may_leave())
}

/// `resource.new`: a new owning handle for `rep`.
pub(super) extern "C" fn resource_new(ctx: &HostContext, rep: u32) -> u32 {
    leave(ctx);
    tables(ctx).tables[ctx.instance as usize].new_own(resource(ctx), rep)
}

/// `resource.rep`: the representation `handle` was made for.
pub(super) extern "C" fn resource_rep(ctx: &HostContext, handle: u32) -> u32 {
    or_raise(tables(ctx).rep(ctx.instance, handle, resource(ctx)))
}

/// `resource.drop`: the handle leaves the caller's table. The last owning
/// handle of a host resource drops its value; of a defined one, calls the
/// destructor, if any, with its representation.
pub(super) extern "C" fn resource_drop(ctx: &HostContext, handle: u32) {
    leave(ctx);
    let outcome = tables(ctx).drop_handle(ctx.instance, handle, resource(ctx));
    if let (Some(rep), Some(dtor)) = (or_raise(outcome), ctx.reach().dtor) {
        let mut slots = [crate::vm::ValRaw::from_u64(rep.into())];
        or_raise(crate::instance::call_slots(dtor, &mut slots))
    }
}

/// A fused adapter moving an owning handle from the caller's table to the
/// receiver's.
pub(super) extern "C" fn transfer_own(ctx: &HostContext, handle: u32) -> u32 {
    or_raise(tables(ctx).transfer_own(ctx.instance, ctx.to, handle, resource(ctx)))
}

/// A fused adapter lending a handle for the call in progress.
pub(super) extern "C" fn transfer_borrow(ctx: &HostContext, handle: u32) -> u32 {
    let t = tables(ctx);
    or_raise(t.transfer_borrow(ctx.instance, ctx.to, handle, resource(ctx), ctx.to_defines))
}

/// A fused adapter starting a call that borrows.
pub(super) extern "C" fn enter_call(ctx: &HostContext) {
    tables(ctx).enter_call()
}

/// A fused adapter ending that call.
pub(super) extern "C" fn exit_call(ctx: &HostContext) {
    or_raise(tables(ctx).exit_call())
}

/// A fused adapter's trap.
pub(super) extern "C" fn raise(ctx: &HostContext) {
    let t = ctx.trap.expect("set for Raise");
    raise_host(TrapKind::Component(t))
}
