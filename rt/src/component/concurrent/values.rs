//! Stream and future values other than numbers, copied between two
//! component instances: each lifted from the writer's memory by the
//! writer's element type and lowered into the reader's memory by the
//! reader's (the same type, but for how each numbers its resources), its
//! strings and lists placed by the reader's `realloc`, as a host function
//! places what it returns.

use super::channel::{check_aligned, Pending};
use super::trap;
use crate::component::values::Caller;
use crate::component::{Call, HostContext, Lift, LowerError};
use crate::traps::Trap;
use kiln_abi::component::{Layout, TypeIndex, ValueType};

/// Copy `n` values from the writer's operation `from` to the reader's
/// `to`, after those each has already copied. A value that holds a handle
/// is refused: it would have to move from the writer's table to the
/// reader's.
pub(super) fn copy_values(
    types: &'static [ValueType],
    from: &Pending,
    to: &Pending,
    n: u32,
) -> Result<(), Trap> {
    // SAFETY: a built-in's context lives as long as its instance, and
    // both instances are alive while their operations are open.
    let (writer, reader) = unsafe { (&*from.ctx, &*to.ctx) };
    let (Some(from_ty), Some(to_ty)) = (element(types, writer), element(types, reader)) else {
        unreachable!("a stream or future with no values is numeric");
    };
    let layout = Layout::new(types);
    if layout.holds_handles(from_ty) {
        return Err(trap(
            "kiln does not copy stream or future values that hold handles between component instances yet",
        ));
    }
    let (size, align) = layout.size_align(from_ty);
    check_aligned(from, to, align)?;
    // SAFETY: the writer's memory is store-owned and alive while its
    // instance runs; nothing writes it while the values are lifted.
    let memory = unsafe { &*from.memory.expect("a stream of values has a memory") }.data();
    let mut lift = Lift::new(types, writer.encoding, memory);
    // The buffer was checked to lie in memory when the write began; what
    // its values point at is checked as they are lifted.
    let values = (from.done..from.done + n)
        .map(|i| lift.load(from_ty, from.ptr + i * size))
        .collect::<Result<Vec<_>, _>>()?;
    let mut call = Call {
        types,
        encoding: reader.encoding,
        memory: to.memory,
    };
    let caller = &mut Caller::Guest(reader);
    for (i, v) in (to.done..).zip(&values) {
        call.store(caller, to_ty, v, to.ptr + i * size)
            .map_err(|e| match e {
                LowerError::Trap(t) => t,
                LowerError::Type(_) => {
                    trap("a stream or future value does not match the reader's type")
                }
            })?;
    }
    Ok(())
}

/// The element type of the stream or future a built-in's context is for.
fn element(types: &[ValueType], ctx: &HostContext) -> Option<TypeIndex> {
    match types.get(ctx.arg as usize)? {
        ValueType::Stream(e) | ValueType::Future(e) => *e,
        _ => None,
    }
}
