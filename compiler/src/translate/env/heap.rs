//! Linear memories, by index: where each one's bytes are, how long it is,
//! and how an access is kept inside it. This is the one place that decides
//! how a memory is addressed (its index width and its bounds strategy),
//! so multi-memory and memory64 change this file.
//!
//! A 32-bit memory under guard pages (the default) needs no check:
//! `base + zext(addr) + offset` always lands inside the memory's
//! reservation and a fault past its length becomes a trap. With explicit
//! bounds checks every access compares against the current length.

use super::FuncEnv;
use crate::error::Result;
use crate::options::BoundsChecks;
use inkwell::values::{IntValue, PointerValue};
use inkwell::IntPredicate;
use kiln_abi::{TrapCode, VMOffsets};

/// Where an access goes, and whether it may fault on a guard page.
pub struct Access<'ctx> {
    pub p: PointerValue<'ctx>,
    /// The access must be a trap point (see `keeps_trap_order`).
    pub may_fault: bool,
}

impl<'ctx> FuncEnv<'_, 'ctx> {
    /// Address of the `VMMemory` of memory `index`.
    fn memory_def(&mut self, index: u32) -> Result<PointerValue<'ctx>> {
        self.vmctx_ptr(self.u.offsets.memory_ptr(index))
    }

    /// A memory's base never moves: it is the start of its reservation.
    pub fn memory_base(&mut self, index: u32) -> Result<PointerValue<'ctx>> {
        if let Some(p) = self.memory_bases.get(&index) {
            return Ok(*p);
        }
        let base = self.fixed_base(
            index,
            VMOffsets::MEMORY0_BASE,
            VMOffsets::MEMORY_BASE,
            |e| e.memory_def(index),
        )?;
        self.memory_bases.insert(index, base);
        Ok(base)
    }

    /// Current length in bytes; reloaded at each use, since any call may grow it.
    pub fn memory_length(&mut self, index: u32) -> Result<IntValue<'ctx>> {
        let def = self.memory_def(index)?;
        let length = VMOffsets::MEMORY_LENGTH;
        Ok(self
            .load_field(def, length, self.u.t.i64.into())?
            .into_int_value())
    }

    /// How accesses to memory `mem` are kept in bounds: the one choice per
    /// memory (a 64-bit memory would have explicit checks, whatever the
    /// options say, having no reservation to fault in).
    fn bounds(&self, _mem: u32) -> BoundsChecks {
        self.u.opts.bounds_checks
    }

    /// Whether faults on guard pages must keep their place among what is
    /// observable (precise traps under guard pages). Then an access that may
    /// fault is volatile, and so is every store to what a trap leaves behind
    /// (linear memory, globals, `memory.fill` and `memory.copy`): a store
    /// before a faulting access must happen, yet LLVM takes that access to be
    /// one that cannot trap, so it would delete the store as dead when a later
    /// one overwrites it (dead store elimination across a faulting load of
    /// another address, or of memory where the store was to a global).
    pub fn keeps_trap_order(&self) -> bool {
        self.u.opts.bounds_checks == BoundsChecks::GuardPages && self.u.opts.precise_traps
    }

    /// The address of an access of `bytes` bytes at `addr + offset` in
    /// memory `mem`: `base + zext(addr) + offset`, checked against the
    /// length when bounds are explicit.
    pub fn access(
        &mut self,
        mem: u32,
        addr: IntValue<'ctx>,
        offset: u64,
        bytes: u64,
    ) -> Result<Access<'ctx>> {
        let (u, b) = (self.u, self.b);
        let i64t = u.t.i64;
        let memory_base = self.access_base(mem, addr)?;
        // `base + k` that cannot wrap is addressed as `zext(base) + k`.
        let (addr, offset) = match self.facts.split_address(addr) {
            Some((base, k)) => (base, offset + k),
            None => (addr, offset),
        };
        let covered = self.facts.in_bounds(mem, addr, offset + bytes)
            || self.below_initial_size(mem, addr, offset + bytes);
        self.facts.got_through(mem, addr, offset + bytes);
        let addr = b.build_int_z_extend(addr, i64t, "")?;
        let ea = if offset != 0 {
            b.build_int_add(addr, i64t.const_int(offset, false), "")?
        } else {
            addr
        };
        if self.bounds(mem) == BoundsChecks::Explicit {
            let end = b.build_int_add(ea, i64t.const_int(bytes, false), "")?;
            let len = self.memory_length(mem)?;
            let oob = b.build_int_compare(IntPredicate::UGT, end, len, "")?;
            self.trap_if(oob, TrapCode::MemoryOutOfBounds)?;
        }
        // SAFETY (of the generated code): within the reservation, see above.
        let p = unsafe { b.build_gep(u.t.i8, memory_base, &[ea], "")? };
        let faults_trap = self.bounds(mem) == BoundsChecks::GuardPages;
        let may_fault = faults_trap && self.u.opts.precise_traps && !covered;
        Ok(Access { p, may_fault })
    }

    /// An access to memory `mem` at `addr` (before its memarg offset) is
    /// done: from here on `addr` is known to be in bounds (`addr_facts`).
    pub fn accessed(&mut self, mem: u32, addr: IntValue<'ctx>) {
        if self.u.info.memory_stays_below_4gib(mem) {
            self.facts.accessed(addr);
        }
    }

    /// The base an access at `addr` goes through: under guard pages, a
    /// copy of the memory's base per array a loop walks (`streams`).
    fn access_base(&mut self, mem: u32, addr: IntValue<'ctx>) -> Result<PointerValue<'ctx>> {
        let base = self.memory_base(mem)?;
        if self.bounds(mem) == BoundsChecks::Explicit {
            // Every access may branch to a trap: no loop is one block.
            return Ok(base);
        }
        self.streams.base_for(self.u, self.b, base, mem, addr)
    }

    /// Whether `addr + end` is a constant within the memory's initial size,
    /// which it never shrinks below (an imported memory is at least as large
    /// as its import declares): a static variable of a C program.
    fn below_initial_size(&self, mem: u32, addr: IntValue, end: u64) -> bool {
        let Some(m) = self.u.info.memories.get(mem as usize) else {
            return false;
        };
        let initial_bytes = m.initial.saturating_mul(kiln_abi::WASM_PAGE_SIZE);
        addr.get_zero_extended_constant()
            .is_some_and(|a| !m.memory64 && a + end <= initial_bytes)
    }

    /// Address of `[start, start + len)` in a memory, always checked: bulk
    /// operations trap before touching anything.
    pub fn checked_range(
        &mut self,
        mem: u32,
        start: IntValue<'ctx>,
        len: IntValue<'ctx>,
    ) -> Result<PointerValue<'ctx>> {
        let (u, b) = (self.u, self.b);
        let i64t = u.t.i64;
        let start = b.build_int_z_extend(start, i64t, "")?;
        let len = b.build_int_z_extend(len, i64t, "")?;
        let end = b.build_int_add(start, len, "")?;
        let mem_len = self.memory_length(mem)?;
        let oob = b.build_int_compare(IntPredicate::UGT, end, mem_len, "")?;
        self.trap_if(oob, TrapCode::MemoryOutOfBounds)?;
        let base = self.memory_base(mem)?;
        // SAFETY (of the generated code): checked against the length above.
        Ok(unsafe { b.build_gep(u.t.i8, base, &[start], "")? })
    }
}
