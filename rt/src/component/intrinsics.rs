//! The lowerings the runtime implements itself, called by core code as
//! host functions whose `vmctx` is their [`HostContext`]: the resource
//! intrinsics, a fused adapter's traps, and the trap of a call into the
//! caller's own component.

use super::{abi, HostContext};

/// What a handle to a resource a component defines holds: its type and
/// the representation the component gave `resource.new`.
pub struct GuestHandle {
    pub resource: u32,
    pub rep: u32,
}

/// A lowered function whose callee is its own caller's component: the
/// callee may not be entered while its instance is running.
pub(super) extern "C" fn cannot_enter(_ctx: usize) {
    crate::traps::raise_host(crate::traps::TrapKind::Component(
        crate::traps::ComponentTrap::CannotEnter,
    ))
}

/// `resource.drop` of a host resource: the handle leaves the caller's
/// table and the host value is dropped.
pub(super) extern "C" fn resource_drop(ctx: &HostContext, handle: u32) {
    // SAFETY: the state outlives calls into its instance.
    let handles = unsafe { &mut (*ctx.state).handles };
    let ty = ctx.resource.expect("set for resource.drop");
    let outcome = match handles.is(handle, ty) {
        Ok(true) => handles.remove(handle).map(drop),
        Ok(false) => Err(abi::trap(crate::traps::ComponentTrap::WrongHandleType)),
        Err(t) => Err(t),
    };
    if let Err(t) = outcome {
        crate::traps::raise_host(t.kind)
    }
}

/// The representation behind `handle` of the caller's table, if it names
/// the defined resource `ctx.guest`.
fn guest_rep(ctx: &HostContext, handle: u32) -> Result<u32, crate::traps::Trap> {
    use crate::traps::ComponentTrap::WrongGuestType;
    // SAFETY: the state outlives calls into its instance.
    let handles = unsafe { &mut (*ctx.state).handles };
    let h = handles.get::<GuestHandle>(handle)?;
    if Some(h.resource) != ctx.guest {
        return Err(abi::trap(WrongGuestType(handle)));
    }
    Ok(h.rep)
}

/// `resource.new`: a new owning handle for `rep`.
pub(super) extern "C" fn resource_new(ctx: &HostContext, rep: u32) -> u32 {
    // SAFETY: the state outlives calls into its instance.
    let handles = unsafe { &mut (*ctx.state).handles };
    let resource = ctx.guest.expect("set for resource.new");
    handles.insert(GuestHandle { resource, rep })
}

/// `resource.rep`: the representation `handle` was made for.
pub(super) extern "C" fn resource_rep(ctx: &HostContext, handle: u32) -> u32 {
    match guest_rep(ctx, handle) {
        Ok(rep) => rep,
        Err(t) => crate::traps::raise_host(t.kind),
    }
}

/// `resource.drop` of a defined resource: the handle leaves the table and
/// the destructor, if any, is called with its representation.
pub(super) extern "C" fn guest_resource_drop(ctx: &HostContext, handle: u32) {
    let outcome = guest_rep(ctx, handle).and_then(|rep| {
        // SAFETY: the state outlives calls into its instance.
        unsafe { &mut (*ctx.state).handles }.remove(handle)?;
        match ctx.dtor {
            Some(dtor) => {
                let mut slots = [crate::vm::ValRaw::from_u64(rep.into())];
                crate::instance::call_slots(dtor, &mut slots)
            }
            None => Ok(()),
        }
    });
    if let Err(t) = outcome {
        crate::traps::raise_host(t.kind)
    }
}

/// A fused adapter's trap.
pub(super) extern "C" fn raise(ctx: &HostContext) {
    let t = ctx.trap.expect("set for Raise");
    crate::traps::raise_host(crate::traps::TrapKind::Component(t))
}
