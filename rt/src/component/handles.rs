//! A component instance's handle table: the resources it holds handles to,
//! by index (from 1; 0 is never a handle). Host resources are Rust values,
//! and a handle's type is its value's Rust type: using a handle as another
//! resource type traps, as the Canonical ABI requires.

use super::abi::trap;
use crate::traps::{ComponentTrap, Trap};
use std::any::Any;

/// A handle's index in its instance's table.
pub type Handle = u32;

#[derive(Default)]
pub struct HandleTable {
    /// Slot `i` is handle `i + 1`.
    slots: Vec<Option<Box<dyn Any>>>,
    free: Vec<u32>,
}

impl HandleTable {
    pub fn insert<T: 'static>(&mut self, value: T) -> Handle {
        let value: Box<dyn Any> = Box::new(value);
        match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(value);
                i + 1
            }
            None => {
                self.slots.push(Some(value));
                self.slots.len() as u32
            }
        }
    }

    fn slot(&mut self, h: Handle) -> Result<&mut Box<dyn Any>, Trap> {
        h.checked_sub(1)
            .and_then(|i| self.slots.get_mut(i as usize))
            .and_then(Option::as_mut)
            .ok_or_else(|| trap(ComponentTrap::BadHandle))
    }

    /// `h`, if it names a `T`.
    pub fn check<T: 'static>(&mut self, h: Handle) -> Result<Handle, Trap> {
        self.get::<T>(h).map(|_| h)
    }

    pub fn get<T: 'static>(&mut self, h: Handle) -> Result<&mut T, Trap> {
        self.slot(h)?
            .downcast_mut::<T>()
            .ok_or_else(|| trap(ComponentTrap::WrongHandleType))
    }

    /// The `T` that `h` names, shared: several at once (`poll`).
    pub fn peek<T: 'static>(&self, h: Handle) -> Option<&T> {
        let i = h.checked_sub(1)?;
        self.slots.get(i as usize)?.as_ref()?.downcast_ref::<T>()
    }

    /// The `T` that `h` names, taken out of the table.
    pub fn take<T: 'static>(&mut self, h: Handle) -> Result<T, Trap> {
        self.check::<T>(h)?;
        let value = self.remove(h)?;
        Ok(*value.downcast::<T>().expect("checked above"))
    }

    /// Whatever `h` names, taken out of the table (`resource.drop`); the
    /// caller checks its type.
    pub fn remove(&mut self, h: Handle) -> Result<Box<dyn Any>, Trap> {
        self.slot(h)?;
        let i = h - 1;
        self.free.push(i);
        Ok(self.slots[i as usize].take().expect("checked above"))
    }

    /// Whether `h` names a value of type `ty`.
    pub fn is(&mut self, h: Handle, ty: std::any::TypeId) -> Result<bool, Trap> {
        Ok((**self.slot(h)?).type_id() == ty)
    }
}
