//! Stream and future values other than numbers, copied between two
//! component instances: each lifted from the writer's memory by the
//! writer's element type and lowered into the reader's memory by the
//! reader's (the same type, but for how each numbers its resources), its
//! strings and lists placed by the reader's `realloc`, as a host function
//! places what it returns. Owning handles and the readable ends of
//! streams and futures in them move from the writer's handle table to the
//! reader's; error contexts in them are shared, a handle in each.

use super::channel::Pending;
use super::trap;
use super::AsyncKind;
use crate::component::handles::ResourceKind;
use crate::component::values::Caller;
use crate::component::Value;
use crate::component::{Call, ComponentState, HostContext, Lift, LowerError};
use crate::traps::Trap;
use kiln_abi::component::{Layout, TypeIndex, ValueType};

/// Copy `n` values from the writer's operation `from` to the reader's
/// `to`, after those each has already copied. A value holding a borrowed
/// handle is refused: its loan would outlast the copy.
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
    if layout.holds(from_ty, |t| matches!(t, ValueType::Borrow(_))) {
        return Err(trap(
            "kiln does not copy stream or future values that hold borrowed handles between component instances yet",
        ));
    }
    let (size, _) = layout.size_align(from_ty);
    // SAFETY: the writer's memory is store-owned and alive while its
    // instance runs; nothing writes it while the values are lifted.
    let memory = unsafe { &*from.memory.expect("a stream of values has a memory") }.data();
    let mut lift = Lift::new(types, writer.encoding, memory);
    lift.channels = true;
    // The buffer was checked to lie in memory when the write began; what
    // its values point at is checked as they are lifted.
    let mut values = (from.done..from.done + n)
        .map(|i| lift.load(from_ty, from.ptr + i * size))
        .collect::<Result<Vec<_>, Trap>>()?;
    // Owning handles, stream and future ends, error contexts.
    if layout.holds_handles(from_ty) {
        // SAFETY: the state outlives both instances' calls; this borrow
        // ends before the reader's realloc runs.
        let state = unsafe { &mut *writer.reach().state };
        let mut mover = Mover {
            types,
            state,
            shape: None,
            from: writer.instance,
            to: reader.instance,
        };
        for v in &mut values {
            mover.walk(from_ty, v)?;
        }
    }
    let mut call = Call {
        types,
        encoding: reader.encoding,
        memory: to.memory,
        channels: true,
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

/// Moves the owning handles and readable ends in lifted values from the
/// writer's handle table to the reader's, as lifting them from the one
/// and lowering them into the other does.
struct Mover<'a> {
    types: &'a [ValueType],
    state: &'a mut ComponentState,
    /// The last stream or future type moved and its shape (finding one
    /// scans the types; a stream of futures has one type).
    shape: Option<(TypeIndex, u32)>,
    from: u32,
    to: u32,
}

impl Mover<'_> {
    /// The handles in `v`, of type `t`.
    fn walk(&mut self, t: TypeIndex, v: &mut Value) -> Result<(), Trap> {
        let types = self.types;
        match (&types[t as usize], v) {
            (ValueType::Own(_), Value::Handle(h)) => *h = self.own(*h)?,
            (ValueType::Stream(_) | ValueType::Future(_), Value::Handle(h)) => {
                *h = self.readable_end(t, *h)?
            }
            (ValueType::ErrorContext, Value::Handle(h)) => *h = self.error_context(*h)?,
            (ValueType::List(e), Value::List(items)) => {
                for item in items {
                    self.walk(*e, item)?;
                }
            }
            (ValueType::Record(fields), Value::Record(values)) => {
                for ((_, f), (_, v)) in fields.iter().zip(values) {
                    self.walk(*f, v)?;
                }
            }
            (ValueType::Tuple(items), Value::Tuple(values)) => {
                for (i, v) in items.iter().zip(values) {
                    self.walk(*i, v)?;
                }
            }
            (ValueType::Variant(cases), Value::Variant(case, Some(v))) => {
                if let Some((_, Some(p))) = cases.iter().find(|(n, _)| n == case) {
                    self.walk(*p, v)?;
                }
            }
            (ValueType::Option(p), Value::Option(Some(v))) => self.walk(*p, v)?,
            (ValueType::Result { ok, err }, Value::Result(r)) => match (r, ok, err) {
                (Ok(Some(v)), Some(p), _) | (Err(Some(v)), _, Some(p)) => self.walk(*p, v)?,
                _ => {}
            },
            _ => {}
        }
        Ok(())
    }

    /// Owning handle `h` moved: its number in the reader's table. The
    /// types number resources as each component does, not as its
    /// instances do at run time, so the handle is taken for the resource
    /// its slot says, and every use of it in the reader checks that.
    fn own(&mut self, h: u32) -> Result<u32, Trap> {
        let tables = &mut self.state.tables;
        let kind = match tables.tables[self.from as usize].get(h)?.kind {
            kind @ (ResourceKind::Guest(_) | ResourceKind::Host(_)) => kind,
            ResourceKind::Async(_) => {
                return Err(trap(
                    "handle is not of the stream's or future's resource type",
                ))
            }
        };
        tables.transfer_own(self.from, self.to, h, kind)
    }

    /// Error context `h` shared: the reader's handle to it. The writer
    /// keeps its own.
    fn error_context(&mut self, h: u32) -> Result<u32, Trap> {
        super::builtins::share_error_context(self.state, self.from, self.to, h)
    }

    /// Readable end `h` of a stream or future of type `t` moved, as a
    /// call's argument moves one: its number in the reader's table.
    fn readable_end(&mut self, t: TypeIndex, h: u32) -> Result<u32, Trap> {
        let future = matches!(self.types[t as usize], ValueType::Future(_));
        let ty = match self.shape {
            Some((u, shape)) if u == t => shape,
            _ => Layout::new(self.types).shape(t),
        };
        self.shape = Some((t, ty));
        let kind = AsyncKind::Readable { ty, future };
        super::builtins::move_readable_end(self.state, kind, self.from, self.to, h)
    }
}
