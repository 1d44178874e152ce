//! Handle tables, as the Canonical ABI keeps them: each component instance
//! has one, indexed from 1 (0 is never a handle). A slot owns or borrows
//! a resource, known by its type and its representation. For a resource a
//! component defines, the representation is the number the component gave
//! `resource.new`; for a host resource it is the index of the Rust value in
//! [`HostValues`], shared by every instance, so that a handle to a host
//! value can move between instances like any other.
//!
//! Owning handles count the borrows lent from them for the call in
//! progress; borrowed handles name the call they were lent to
//! ([`CallScope`]), which must drop them before it returns. A synchronous
//! call's scope closes as the call returns, innermost first; an async
//! call's lasts until its task returns, in any order.

use super::abi::trap;
use crate::traps::{ComponentTrap, Trap};
use std::any::{Any, TypeId};

/// A handle's index in its instance's table.
pub type Handle = u32;

/// What type of resource a handle is to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    /// A host resource: the Rust type of its value.
    Host(TypeId),
    /// Resource number `.0` of the component description.
    Guest(u32),
    /// A waitable set, a stream's or future's end, or an error context:
    /// the representation is its object's number.
    Async(super::concurrent::AsyncKind),
}

#[derive(Clone, Copy, Debug)]
pub struct Slot {
    pub kind: ResourceKind,
    pub rep: u32,
    /// Owning: how many borrows of it are lent out. Borrowed: `None`.
    lends: Option<u32>,
    /// Borrowed: the call it was lent to (its number among the scopes).
    scope: usize,
}

/// One component instance's handles.
#[derive(Default)]
pub struct HandleTable {
    /// Slot `i` is handle `i + 1`.
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
}

/// The Rust values of host resources, by representation.
#[derive(Default)]
pub struct HostValues {
    values: Vec<Option<Box<dyn Any>>>,
    free: Vec<u32>,
}

/// A call in progress that handles were lent to: the borrows it holds,
/// and the owning handles lent for it, to be given back when it returns.
#[derive(Default)]
pub struct CallScope {
    borrows: u32,
    lenders: Vec<(u32, Handle)>,
}

/// Every handle table of a flattened component, its host values and its
/// calls that hold borrows.
#[derive(Default)]
pub struct Tables {
    pub tables: Vec<HandleTable>,
    pub values: HostValues,
    /// The scopes of calls that may be lent handles, by number (`None`:
    /// free for reuse).
    pub(super) scopes: Vec<Option<CallScope>>,
    pub(super) free_scopes: Vec<usize>,
    /// The scopes of the synchronous calls in progress, innermost last,
    /// to which handles moving now are lent.
    pub(super) open: Vec<usize>,
}

impl HostValues {
    fn insert(&mut self, value: Box<dyn Any>) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.values[i as usize] = Some(value);
                i
            }
            None => {
                self.values.push(Some(value));
                self.values.len() as u32 - 1
            }
        }
    }

    fn get(&mut self, rep: u32) -> &mut Box<dyn Any> {
        self.values[rep as usize]
            .as_mut()
            .expect("a live handle names a live value")
    }

    fn remove(&mut self, rep: u32) -> Box<dyn Any> {
        self.free.push(rep);
        self.values[rep as usize]
            .take()
            .expect("a live handle names a live value")
    }
}

impl HandleTable {
    fn insert(&mut self, slot: Slot) -> Handle {
        match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(slot);
                i + 1
            }
            None => {
                self.slots.push(Some(slot));
                self.slots.len() as u32
            }
        }
    }

    pub fn get(&self, h: Handle) -> Result<&Slot, Trap> {
        h.checked_sub(1)
            .and_then(|i| self.slots.get(i as usize))
            .and_then(Option::as_ref)
            .ok_or_else(|| trap(ComponentTrap::BadHandle(h)))
    }

    fn get_mut(&mut self, h: Handle) -> Result<&mut Slot, Trap> {
        h.checked_sub(1)
            .and_then(|i| self.slots.get_mut(i as usize))
            .and_then(Option::as_mut)
            .ok_or_else(|| trap(ComponentTrap::BadHandle(h)))
    }

    fn remove(&mut self, h: Handle) -> Result<Slot, Trap> {
        self.get(h)?;
        let i = h - 1;
        self.free.push(i);
        Ok(self.slots[i as usize].take().expect("checked above"))
    }

    /// Take owning handle `h` of `kind` out of the table: its
    /// representation. A borrowed or lent handle may not leave.
    fn lift_own(&mut self, h: Handle, kind: ResourceKind) -> Result<u32, Trap> {
        let slot = *self.get(h)?;
        typed(&slot, h, kind)?;
        match slot.lends {
            Some(0) => Ok(self.remove(h)?.rep),
            Some(_) => Err(trap(ComponentTrap::StillLent)),
            None => Err(trap(ComponentTrap::OwnFromBorrow)),
        }
    }

    /// A new owning handle.
    pub fn new_own(&mut self, kind: ResourceKind, rep: u32) -> Handle {
        self.insert(Slot {
            kind,
            rep,
            lends: Some(0),
            scope: 0,
        })
    }
}

/// `h`'s slot, if it is a handle of `kind`.
fn typed(slot: &Slot, h: Handle, kind: ResourceKind) -> Result<(), Trap> {
    if slot.kind == kind || super::concurrent::same_end(slot.kind, kind) {
        return Ok(());
    }
    Err(trap(match (slot.kind, kind) {
        (ResourceKind::Guest(_), ResourceKind::Guest(_)) => ComponentTrap::WrongGuestType(h),
        (_, ResourceKind::Async(want)) => {
            return Err(super::concurrent::wrong_kind(slot.kind, want));
        }
        _ => ComponentTrap::WrongHandleType,
    }))
}

impl Tables {
    /// Instance `instance`'s handles, as the host functions it calls see
    /// them.
    pub fn of(&mut self, instance: u32) -> Handles<'_> {
        Handles {
            table: &mut self.tables[instance as usize],
            values: &mut self.values,
        }
    }

    /// The representation behind handle `h` of `instance`, owned or
    /// borrowed, if it is of `kind`.
    pub fn rep(&self, instance: u32, h: Handle, kind: ResourceKind) -> Result<u32, Trap> {
        let slot = self.tables[instance as usize].get(h)?;
        typed(slot, h, kind)?;
        Ok(slot.rep)
    }

    /// `resource.drop`: the handle leaves the table. An owning handle
    /// gives its representation, for the caller to destroy (a host value
    /// is dropped here); a borrowed one is returned to its call.
    pub fn drop_handle(
        &mut self,
        instance: u32,
        h: Handle,
        kind: ResourceKind,
    ) -> Result<Option<u32>, Trap> {
        let table = &mut self.tables[instance as usize];
        let slot = *table.get(h)?;
        typed(&slot, h, kind)?;
        if slot.lends.is_none() {
            table.remove(h)?;
            // A trap may have ended the call already.
            if let Some(Some(call)) = self.scopes.get_mut(slot.scope) {
                call.borrows -= 1;
            }
            return Ok(None);
        }
        let rep = table.lift_own(h, kind)?;
        if let ResourceKind::Host(_) = kind {
            drop(self.values.remove(rep));
        }
        Ok(Some(rep))
    }

    /// An owning handle `h` of `from` moved to `to`.
    pub fn transfer_own(
        &mut self,
        from: u32,
        to: u32,
        h: Handle,
        kind: ResourceKind,
    ) -> Result<Handle, Trap> {
        let rep = self.tables[from as usize].lift_own(h, kind)?;
        Ok(self.tables[to as usize].new_own(kind, rep))
    }

    /// Handle `h` of `from` lent to the call in progress, for `to`: the
    /// representation itself when `to` defines the resource, a borrowed
    /// handle otherwise.
    pub fn transfer_borrow(
        &mut self,
        from: u32,
        to: u32,
        h: Handle,
        kind: ResourceKind,
        defined_by_receiver: bool,
    ) -> Result<u32, Trap> {
        let scope = *self.open.last().expect("a call lent handles has a scope");
        let slot = self.tables[from as usize].get_mut(h)?;
        typed(slot, h, kind)?;
        let call = self.scopes[scope].as_mut().expect("open");
        if let Some(lends) = &mut slot.lends {
            *lends += 1;
            call.lenders.push((from, h));
        }
        let rep = slot.rep;
        if defined_by_receiver {
            return Ok(rep);
        }
        call.borrows += 1;
        Ok(self.tables[to as usize].insert(Slot {
            kind,
            rep,
            lends: None,
            scope,
        }))
    }

    /// A call that may be lent handles begins.
    pub fn enter_call(&mut self) {
        let scope = match self.free_scopes.pop() {
            Some(i) => {
                self.scopes[i] = Some(CallScope::default());
                i
            }
            None => {
                self.scopes.push(Some(CallScope::default()));
                self.scopes.len() - 1
            }
        };
        self.open.push(scope);
    }

    /// That call ends: it must hold no borrow, and what was lent to it is
    /// given back.
    pub fn exit_call(&mut self) -> Result<(), Trap> {
        let scope = self.open.pop().expect("entered before");
        self.close(scope)
    }

    /// The innermost call begun, one by the async ABI whose arguments
    /// have moved, keeps what it was lent until its task returns: its
    /// scope, to `close` then.
    pub fn lend_to_task(&mut self) -> usize {
        self.open.pop().expect("entered before")
    }

    /// Call scope `scope` ends: it must hold no borrow, and what was lent
    /// to it is given back.
    pub fn close(&mut self, scope: usize) -> Result<(), Trap> {
        let call = self.scopes[scope].take().expect("open");
        if call.borrows > 0 {
            // Its number is not used again: the borrows still naming it
            // may yet be dropped.
            return Err(trap(ComponentTrap::BorrowsRemain));
        }
        self.free_scopes.push(scope);
        for (instance, h) in call.lenders {
            let slot = self.tables[instance as usize]
                .get_mut(h)
                .expect("a lent handle cannot be dropped");
            if let Some(lends) = &mut slot.lends {
                *lends -= 1;
            }
        }
        Ok(())
    }
}

/// One instance's handle table and the host values, as host functions use
/// them: handles named by the Rust type of their value.
pub struct Handles<'a> {
    table: &'a mut HandleTable,
    values: &'a mut HostValues,
}

impl<'a> Handles<'a> {
    /// A new owning handle to the host value `value`.
    pub fn insert<T: 'static>(&mut self, value: T) -> Handle {
        let rep = self.values.insert(Box::new(value));
        self.table
            .new_own(ResourceKind::Host(TypeId::of::<T>()), rep)
    }

    /// `h`, if it names a `T`, owned or borrowed.
    pub fn check<T: 'static>(&mut self, h: Handle) -> Result<Handle, Trap> {
        typed(self.table.get(h)?, h, ResourceKind::Host(TypeId::of::<T>()))?;
        Ok(h)
    }

    /// The `T` that `h` names, owned or borrowed.
    pub fn get<T: 'static>(mut self, h: Handle) -> Result<&'a mut T, Trap> {
        self.check::<T>(h)?;
        let rep = self.table.get(h)?.rep;
        Ok(self
            .values
            .get(rep)
            .downcast_mut::<T>()
            .expect("a slot's kind is its value's type"))
    }

    /// The `T` that `h` names, shared: several at once (`poll`).
    pub fn peek<T: 'static>(&self, h: Handle) -> Option<&T> {
        let slot = self.table.get(h).ok()?;
        if slot.kind != ResourceKind::Host(TypeId::of::<T>()) {
            return None;
        }
        self.values.values[slot.rep as usize]
            .as_ref()?
            .downcast_ref()
    }

    /// The `T` that an owning handle `h` names, taken out of the table.
    pub fn take<T: 'static>(&mut self, h: Handle) -> Result<T, Trap> {
        let rep = self
            .table
            .lift_own(h, ResourceKind::Host(TypeId::of::<T>()))?;
        let value = self.values.remove(rep);
        Ok(*value
            .downcast::<T>()
            .expect("a slot's kind is its value's type"))
    }
}
