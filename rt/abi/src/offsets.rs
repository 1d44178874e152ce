//! Layout of the per-instance context (`vmctx`) that every compiled function
//! receives as its first argument.
//!
//! ```text
//! 0   stack_limit: usize          lowest stack address wasm may use
//! 8   builtins: *const fn         table of `Builtin` entry points
//! 16  instance: *mut ()           the runtime's instance, opaque here
//! 24  memory0_base: *mut u8       memory 0's base, which never moves
//! 32  table0_base: *mut u8        table 0's elements, if it cannot grow
//! 40  fuel: *mut i64              the store's fuel left (code built to consume fuel)
//! 48  interrupt: *const u64       the store's interrupt flag, non-zero to stop
//! 56  memories: [*mut VMMemory; M]
//!     tables:   [*mut VMTable; T]
//!     globals:  [*mut VMGlobal; G]
//!     sig_ids:  [u32; types], padded to 8 (compiled code reads only
//!               those of signatures without a structural id)
//!     funcrefs: [VMFuncRef; F]    imported functions first, then the
//!               defined ones a reference can be taken to
//!               (`ModuleDescription::funcref_slots`)
//! ```

/// `VMMemory { base: *mut u8, length_bytes: u64 }`
pub const VM_MEMORY_SIZE: u32 = 16;
/// `VMTable { base: *mut u8, length: u64 }`: `length` elements of
/// `VM_TABLE_FUNCREF_SIZE` bytes in a funcref table, pointer-sized in an
/// externref table.
pub const VM_TABLE_SIZE: u32 = 16;
/// `VMGlobal { bytes: [u8; 16] }`
pub const VM_GLOBAL_SIZE: u32 = 16;
/// `VMFuncRef { func_ptr, vmctx, sig_id: u32, pad }`
pub const VM_FUNCREF_SIZE: u32 = 24;
/// `VMTableFuncRef { inline: VMFuncRef, funcref }`: an element of a funcref
/// table holds a copy of its funcref, so `call_indirect` reads the code and
/// signature straight from the table, and the funcref's address (what
/// `table.get` returns). A null element is all zeros: signature id 0.
pub const VM_TABLE_FUNCREF_SIZE: u32 = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VMOffsets {
    pub ptr_size: u32,
    pub num_memories: u32,
    pub num_tables: u32,
    pub num_globals: u32,
    pub num_types: u32,
    /// Funcref slots (`FuncrefSlots::count`).
    pub num_funcrefs: u32,
}

impl VMOffsets {
    pub const STACK_LIMIT: u32 = 0;
    pub const BUILTINS: u32 = 8;
    pub const INSTANCE: u32 = 16;
    /// A copy of memory 0's base (its reservation never moves): one load
    /// from the vmctx instead of two (vmctx, then its `VMMemory`) at the
    /// start of every function that touches memory. Other memories and
    /// every memory's length go through `memory_ptr`.
    pub const MEMORY0_BASE: u32 = 24;
    /// A copy of table 0's element base, for code that calls through a
    /// table whose maximum is its minimum: such a table never grows, so
    /// its elements never move (see `FuncEnv::table_bounds`). Meaningless
    /// for a table that can grow.
    pub const TABLE0_BASE: u32 = 32;
    /// The store's fuel counter, which code compiled to consume fuel
    /// decrements at every function entry and loop iteration, trapping
    /// when it goes below zero (`--fuel`).
    pub const FUEL: u32 = 40;
    /// The store's interrupt flag, which code compiled for interruption
    /// reads at every function entry and loop iteration, trapping when it
    /// is not zero (`--timeout`: a watchdog thread sets it).
    pub const INTERRUPT: u32 = 48;
    const HEADER: u32 = 56;

    pub const MEMORY_BASE: u32 = 0;
    pub const MEMORY_LENGTH: u32 = 8;
    pub const TABLE_BASE: u32 = 0;
    pub const TABLE_LENGTH: u32 = 8;
    pub const FUNCREF_FUNC_PTR: u32 = 0;
    pub const FUNCREF_VMCTX: u32 = 8;
    pub const FUNCREF_SIG_ID: u32 = 16;
    /// In a funcref table element, after the inline copy.
    pub const TABLE_FUNCREF_ADDRESS: u32 = 24;

    pub fn memory_ptr(&self, index: u32) -> u32 {
        Self::HEADER + index * self.ptr_size
    }
    pub fn table_ptr(&self, index: u32) -> u32 {
        self.memory_ptr(self.num_memories) + index * self.ptr_size
    }
    pub fn global_ptr(&self, index: u32) -> u32 {
        self.table_ptr(self.num_tables) + index * self.ptr_size
    }
    pub fn sig_id(&self, type_index: u32) -> u32 {
        self.global_ptr(self.num_globals) + type_index * 4
    }
    /// The funcref in `slot` (a function's, by `FuncrefSlots::of`).
    pub fn funcref(&self, slot: u32) -> u32 {
        let start = (self.sig_id(self.num_types) + 7) & !7;
        start + slot * VM_FUNCREF_SIZE
    }
    pub fn builtin(&self, b: crate::Builtin) -> u32 {
        b as u32 * self.ptr_size
    }
    pub fn size(&self) -> u32 {
        self.funcref(self.num_funcrefs)
    }
}
