//! Which i32 values are addresses a memory access has already used.
//!
//! A 32-bit memory of this runtime never grows past 65535 pages (see
//! `kiln_abi::MEMORY32_GROWTH_LIMIT_PAGES`), so an address that an access
//! got through with lies at least 64 KiB below 2^32, and adding a constant
//! of at most 64 KiB to it cannot wrap: the add is `nuw`, and the access
//! at `p + k` is addressed as `zext(p) + k`. LLVM then sees that accesses
//! at `p` and `p + 8` (clang emits an i32 add, not a memarg offset, in the
//! loops it unrolls for wasm) are adjacent, so the SLP vectorizer can pair
//! them, and that a pointer stepped by `p += k` after each access never
//! wraps, so loops need no run-time wrap checks. (Vectorizing a loop over
//! two arrays, such as matmul's, also needs `streams`.)
//!
//! A fact holds where the access that proved it dominates. Wasm's control
//! flow only joins at `loop`, `else` and `end`, so the translator forgets
//! everything there: what is left is straight-line code (with forward
//! exits), where every earlier instruction dominates every later one.
//!
//! Locals are loaded afresh by every `local.get`, so facts are kept about a
//! canonical value per local: the value last stored into it, or first read
//! from it, since the last join.
//!
//! A value also counts as accessed where the scan found that a load will
//! use it before anything observable happens (`analysis::scan`).

use inkwell::llvm_sys::prelude::LLVMValueRef;
use inkwell::values::{AsValueRef, BasicValueEnum, IntValue};
use kiln_abi::{MEMORY32_GROWTH_LIMIT_PAGES, WASM_PAGE_SIZE};
use std::collections::{HashMap, HashSet};

/// The largest constant an in-bounds address can be offset by without
/// wrapping: what the growth limit keeps free below 4 GiB (one page).
const HEADROOM: u64 = ((1 << 32) / WASM_PAGE_SIZE - MEMORY32_GROWTH_LIMIT_PAGES) * WASM_PAGE_SIZE;

pub struct AddressFacts<'f, 'ctx> {
    /// Positions of the `local.get`s whose value a load uses further on
    /// (`FunctionFacts::reads_ahead`, sorted), and the position of the
    /// operator being translated.
    read_ahead_of_access: &'f [u32],
    position: usize,
    /// The value each local holds, for the locals read or written since
    /// the last join.
    local_value: HashMap<u32, LLVMValueRef>,
    /// A `local.get`'s load → the value it reads.
    same_as: HashMap<LLVMValueRef, LLVMValueRef>,
    /// Values (canonical) an access has used as its address.
    accessed: HashSet<LLVMValueRef>,
    /// Values (canonical) known to be `base + k` without wrapping.
    offset_from: HashMap<LLVMValueRef, (IntValue<'ctx>, u64)>,
    /// (memory, address value) → how far past it an access got through:
    /// every byte below that end is in bounds from then on, since a
    /// memory never shrinks and starts at 0.
    in_bounds_end: HashMap<(u32, LLVMValueRef), u64>,
}

impl<'f, 'ctx> AddressFacts<'f, 'ctx> {
    pub fn new(reads_ahead: &'f [u32]) -> Self {
        AddressFacts {
            read_ahead_of_access: reads_ahead,
            position: 0,
            local_value: HashMap::new(),
            same_as: HashMap::new(),
            accessed: HashSet::new(),
            offset_from: HashMap::new(),
            in_bounds_end: HashMap::new(),
        }
    }

    /// The translator is at the `index`th operator of the body (counting
    /// unreachable ones too).
    pub fn at_operator(&mut self, index: usize) {
        self.position = index;
    }

    /// At a join: nothing seen before dominates what follows.
    pub fn forget_all(&mut self) {
        self.local_value.clear();
        self.same_as.clear();
        self.accessed.clear();
        self.offset_from.clear();
        self.in_bounds_end.clear();
    }

    fn canonical(&self, v: LLVMValueRef) -> LLVMValueRef {
        self.same_as.get(&v).copied().unwrap_or(v)
    }

    /// `local.get local` produced `v`.
    pub fn local_read(&mut self, local: u32, v: BasicValueEnum) {
        let v = v.as_value_ref();
        let held = match self.local_value.get(&local) {
            Some(&held) => {
                self.same_as.insert(v, held);
                held
            }
            None => {
                self.local_value.insert(local, v);
                v
            }
        };
        if (self.read_ahead_of_access)
            .binary_search(&(self.position as u32))
            .is_ok()
        {
            self.accessed.insert(held);
        }
    }

    /// `local.set` or `local.tee` stored `v` into `local`.
    pub fn local_written(&mut self, local: u32, v: BasicValueEnum) {
        let v = self.canonical(v.as_value_ref());
        self.local_value.insert(local, v);
    }

    /// An access to a memory that stays below 4 GiB used `addr` (before
    /// its memarg offset) as its address.
    pub fn accessed(&mut self, addr: IntValue) {
        let v = self.canonical(addr.as_value_ref());
        self.accessed.insert(v);
    }

    /// `sum` is `base + k` and does not wrap (`add_cannot_wrap` said so).
    pub fn sum_without_wrap(&mut self, sum: IntValue<'ctx>, base: IntValue<'ctx>, k: u64) {
        let key = self.canonical(base.as_value_ref());
        let (base, k) = match self.offset_from.get(&key) {
            Some(&(inner, j)) => (inner, j + k),
            None => (base, k),
        };
        let sum = self.canonical(sum.as_value_ref());
        self.offset_from.insert(sum, (base, k));
    }

    /// `(base, k)` when `addr` is `base + k` without wrapping: an access
    /// can then address `zext(base) + k`, which LLVM sees is next to the
    /// access at `base`, where `zext(base + k)` would hide that.
    pub fn split_address(&self, addr: IntValue<'ctx>) -> Option<(IntValue<'ctx>, u64)> {
        self.offset_from
            .get(&self.canonical(addr.as_value_ref()))
            .copied()
    }

    /// Whether `base + offset` (i32) cannot wrap: `base` is an address
    /// already accessed and `offset` a constant within the headroom.
    pub fn add_cannot_wrap(&self, base: IntValue, offset: IntValue) -> Option<u64> {
        let k = offset
            .get_zero_extended_constant()
            .filter(|&k| k <= HEADROOM)?;
        self.accessed
            .contains(&self.canonical(base.as_value_ref()))
            .then_some(k)
    }

    /// An access to `memory` got through `[addr + start, addr + end)`.
    pub fn got_through(&mut self, memory: u32, addr: IntValue, end: u64) {
        let key = (memory, self.canonical(addr.as_value_ref()));
        let known = self.in_bounds_end.entry(key).or_insert(0);
        *known = (*known).max(end);
    }

    /// Whether an access to `memory` ending at `addr + end` cannot trap:
    /// an earlier access that dominates it got as far.
    pub fn in_bounds(&self, memory: u32, addr: IntValue, end: u64) -> bool {
        let key = (memory, self.canonical(addr.as_value_ref()));
        self.in_bounds_end
            .get(&key)
            .is_some_and(|&known| end <= known)
    }
}
