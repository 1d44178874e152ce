//! The one place where kiln's compiler and runtime agree.
//!
//! The compiler never hard-codes an offset and the runtime never guesses a
//! layout: both call [`VMOffsets`]. A test in `rt` checks that the runtime's
//! `#[repr(C)]` structs match these numbers.
#![no_std]
#![deny(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "alloc")]
pub use smallvec;

mod builtins;
#[cfg(feature = "alloc")]
mod codec;
#[cfg(feature = "alloc")]
pub mod component;
#[cfg(feature = "alloc")]
pub mod module;
mod offsets;
mod sig;
mod traps;
pub mod unwind;

pub use builtins::{AbiType, Builtin, Signature, TRAP_AT_PC, TRAP_IN_CALLER};
pub use offsets::{
    VMOffsets, VM_FUNCREF_SIZE, VM_GLOBAL_SIZE, VM_MEMORY_SIZE, VM_TABLE_FUNCREF_SIZE,
    VM_TABLE_SIZE,
};
#[cfg(feature = "alloc")]
pub use sig::structural_sig_id_of;
pub use sig::{structural_sig_id, SigType, STRUCTURAL_TAG};
pub use traps::{trap_instruction, TrapCode};

/// Bumped whenever anything in this crate changes meaning; a compiled module
/// records it and the runtime refuses a module built against another one.
pub const ABI_VERSION: u32 = 22;

/// Size of a wasm page.
pub const WASM_PAGE_SIZE: u64 = 65536;

/// Bytes reserved for one 32-bit linear memory: 4 GiB addressable plus a
/// 4 GiB guard, so `base + zext(addr) + offset` (both u32) never leaves the
/// reservation and needs no bounds check.
pub const MEMORY32_RESERVATION: u64 = 8 << 30;

/// Pages a 32-bit memory may grow to: one short of 4 GiB. The spec lets
/// `memory.grow` fail for any reason; refusing the last page keeps every
/// in-bounds address at least 64 KiB below 2^32, so the compiler may mark
/// `address + small constant` as not wrapping (see the compiler's
/// `addr_facts`). A memory whose initial size is already 65536 pages keeps
/// it, and the compiler assumes nothing about it.
pub const MEMORY32_GROWTH_LIMIT_PAGES: u64 = 65535;

/// Size of one value slot in the host-to-wasm trampoline argument array.
pub const VAL_RAW_SIZE: u32 = 16;

/// Symbol and section names in a compiled object.
pub mod symbols {
    /// The descriptor of a module compiled with prefix `p` is `{p}` + this.
    pub const MODULE_SUFFIX: &str = "_module";
    /// The descriptor of a component compiled with prefix `p` is `{p}` +
    /// this; its core module number `i` has prefix `{p}_m{i}`.
    pub const COMPONENT_SUFFIX: &str = "_component";
    /// What a static executable starts: two words, the kind of program
    /// (`ENTRY_MODULE` or `ENTRY_COMPONENT`) and its descriptor. Defined by
    /// whichever object carries the program's settings.
    pub const ENTRY: &str = "kiln_entry";
    pub const ENTRY_MODULE: u64 = 0;
    pub const ENTRY_COMPONENT: u64 = 1;
    /// Prefix used when the user names none.
    pub const DEFAULT_PREFIX: &str = "kiln";
    /// ELF section holding all compiled wasm function bodies; the linker
    /// defines `__start_`/`__stop_` symbols for it, so the runtime knows which
    /// program counters belong to wasm code.
    pub const CODE_SECTION: &str = "kiln_wasm_code";
    /// Section of memory images: read-only data, aligned to 64 KiB.
    pub const IMAGE_SECTION: &str = ".rodata.kiln_memory_image";
}

/// The module descriptor the compiler emits and the runtime reads.
///
/// Layout (all fields 8 bytes, little or big endian as the target):
/// `abi_version: u64, meta_ptr, meta_len (the module description, see
///  [`module`]), funcs_ptr (defined functions, in
///  order), num_defined_funcs, trampolines_ptr (one per type index),
///  num_types, code_start, code_end, bounds_checks (0 guard pages, 1 explicit),
///  program (NUL-terminated program settings baked in by `kiln build`: lines
///  `entry NAME`, `dir HOST::GUEST`, `env NAME=VALUE`, `env NAME`; or null),
///  image_ptr, image_offset, image_len (memory 0's initial contents from
///  image_offset on, page-aligned; or null: apply the data segments),
///  unwind_ptr, unwind_len (the unwind table, see [`unwind`]; empty where
///  every function keeps a frame pointer)`
pub mod descriptor {
    pub const FIELDS: u32 = 16;
    pub const ABI_VERSION: u32 = 0;
    pub const META_PTR: u32 = 1;
    pub const META_LEN: u32 = 2;
    pub const FUNCS_PTR: u32 = 3;
    pub const NUM_DEFINED_FUNCS: u32 = 4;
    pub const TRAMPOLINES_PTR: u32 = 5;
    pub const NUM_TYPES: u32 = 6;
    pub const CODE_START: u32 = 7;
    pub const CODE_END: u32 = 8;
    pub const BOUNDS_CHECKS: u32 = 9;
    pub const PROGRAM: u32 = 10;
    pub const IMAGE_PTR: u32 = 11;
    pub const IMAGE_OFFSET: u32 = 12;
    pub const IMAGE_LEN: u32 = 13;
    pub const UNWIND_PTR: u32 = 14;
    pub const UNWIND_LEN: u32 = 15;
}

/// The component descriptor the compiler emits for a component.
///
/// Layout (all fields 8 bytes): `abi_version: u64, meta_ptr, meta_len (the
/// component description, see [`component`]), num_modules, modules_ptr (the
/// descriptor of each core module, in the description's numbering),
/// program (as the module descriptor's, or null)`.
pub mod component_descriptor {
    pub const FIELDS: u32 = 6;
    pub const ABI_VERSION: u32 = 0;
    pub const META_PTR: u32 = 1;
    pub const META_LEN: u32 = 2;
    pub const NUM_MODULES: u32 = 3;
    pub const MODULES_PTR: u32 = 4;
    pub const PROGRAM: u32 = 5;
}
