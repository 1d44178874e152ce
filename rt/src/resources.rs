//! A table of host resources (open files, sockets, streams) that guest code
//! refers to by handle. A slot freed by `remove` is reused, but with its
//! generation bumped, so a handle kept after its resource was dropped is
//! refused as stale instead of reaching the resource that took its slot.

/// A resource's handle: its slot, and the generation the slot had when the
/// resource was put there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle {
    index: u32,
    generation: u32,
}

impl Handle {
    pub fn index(self) -> u32 {
        self.index
    }

    /// The handle as one number, for a guest that keeps it: the
    /// generation in the high half.
    pub fn to_bits(self) -> u64 {
        (self.generation as u64) << 32 | self.index as u64
    }

    pub fn from_bits(bits: u64) -> Handle {
        Handle {
            index: bits as u32,
            generation: (bits >> 32) as u32,
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum HandleError {
    #[error("unknown handle {0}")]
    Unknown(u32),
    #[error(
        "handle {index} is stale: its resource was dropped (generation {held}, now {current})"
    )]
    Stale { index: u32, held: u32, current: u32 },
}

struct Slot<T> {
    generation: u32,
    value: Option<T>,
}

pub struct ResourceTable<T> {
    slots: Vec<Slot<T>>,
    /// Empty slots, reused last-freed first.
    free: Vec<u32>,
}

impl<T> Default for ResourceTable<T> {
    fn default() -> Self {
        ResourceTable {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> ResourceTable<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Put `value` in the table; the handle that reaches it.
    pub fn insert(&mut self, value: T) -> Handle {
        if let Some(index) = self.free.pop() {
            let slot = &mut self.slots[index as usize];
            slot.value = Some(value);
            return Handle {
                index,
                generation: slot.generation,
            };
        }
        let index = u32::try_from(self.slots.len()).expect("fewer than 2^32 resources");
        self.slots.push(Slot {
            generation: 0,
            value: Some(value),
        });
        Handle {
            index,
            generation: 0,
        }
    }

    fn slot(&self, h: Handle) -> Result<&Slot<T>, HandleError> {
        let slot = self
            .slots
            .get(h.index as usize)
            .ok_or(HandleError::Unknown(h.index))?;
        if slot.generation != h.generation || slot.value.is_none() {
            return Err(HandleError::Stale {
                index: h.index,
                held: h.generation,
                current: slot.generation,
            });
        }
        Ok(slot)
    }

    pub fn get(&self, h: Handle) -> Result<&T, HandleError> {
        Ok(self.slot(h)?.value.as_ref().expect("checked by slot"))
    }

    pub fn get_mut(&mut self, h: Handle) -> Result<&mut T, HandleError> {
        self.slot(h)?;
        let slot = &mut self.slots[h.index as usize];
        Ok(slot.value.as_mut().expect("checked by slot"))
    }

    /// Take the resource out; its handle, and every copy of it, is stale
    /// from now on.
    pub fn remove(&mut self, h: Handle) -> Result<T, HandleError> {
        self.slot(h)?;
        let slot = &mut self.slots[h.index as usize];
        let value = slot.value.take().expect("checked by slot");
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(h.index);
        Ok(value)
    }

    /// Resources in the table.
    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handle_reaches_its_resource_until_it_is_removed() {
        let mut t = ResourceTable::new();
        let a = t.insert("a");
        let b = t.insert("b");
        assert_eq!(t.get(a), Ok(&"a"));
        *t.get_mut(b).unwrap() = "b2";
        assert_eq!(t.remove(b), Ok("b2"));
        assert_eq!(t.len(), 1);
        assert!(matches!(t.get(b), Err(HandleError::Stale { .. })));
        assert!(matches!(t.remove(b), Err(HandleError::Stale { .. })));
        assert_eq!(t.get(Handle::from_bits(7)), Err(HandleError::Unknown(7)));
    }

    #[test]
    fn a_reused_slot_refuses_the_old_handle() {
        let mut t = ResourceTable::new();
        let old = t.insert(1);
        t.remove(old).unwrap();
        let new = t.insert(2);
        assert_eq!(new.index(), old.index(), "the slot is reused");
        assert_eq!(
            t.get(old),
            Err(HandleError::Stale {
                index: old.index(),
                held: 0,
                current: 1
            })
        );
        assert_eq!(t.get(new), Ok(&2));
        assert_eq!(Handle::from_bits(new.to_bits()), new);
    }
}
