//! The module model: the parts of a module that compilation needs, read
//! once up front (`ModuleInfo::parse`), with the plain-data description the
//! runtime instantiates it from.

mod describe;
pub mod features;
pub mod image;
pub mod inspect;
mod parse;

use crate::error::{CompileError, Result};
use kiln_abi::module as abi;
use wasmparser::{
    FuncToValidate, FuncType, FunctionBody, GlobalType, MemoryType, TableType, ValidatorResources,
    WasmFeatures,
};

pub struct ModuleInfo<'a> {
    pub types: Vec<FuncType>,
    /// Type index of every function, imported ones first.
    pub funcs: Vec<u32>,
    pub num_imported_funcs: u32,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub tables: Vec<TableType>,
    pub num_imported_tables: u32,
    pub globals: Vec<GlobalType>,
    pub bodies: Vec<FunctionBody<'a>>,
    /// What the runtime instantiates the module from: also the compiler's
    /// view of exports, the start function, segments and initializers.
    pub description: abi::ModuleDescription<'a>,
    /// Where each function's funcref lies in the vmctx, if it has one.
    pub funcref_slots: abi::FuncrefSlots,
    /// Memory 0's initial contents, when the compiler could build them.
    pub memory_image: Option<crate::module::image::MemoryImage>,
}

/// What parsing leaves to do before a module may be compiled: validate its
/// function bodies (`analysis::scan` does, as it reads them), and then
/// refuse it if it uses what kiln does not compile.
pub struct Unchecked {
    /// One validator per function body, in order.
    pub bodies: Vec<FuncToValidate<ValidatorResources>>,
    /// The first construct of the module kiln does not compile, reported
    /// once every body is known to be valid: an invalid module is reported
    /// as invalid.
    pub refusal: Option<CompileError>,
}

impl<'a> ModuleInfo<'a> {
    /// Whether memory `index` never reaches 4 GiB, so that every in-bounds
    /// address lies at least 64 KiB below 2^32: a memory defined here starts
    /// below 65536 pages and the runtime refuses to grow it to that
    /// (`MEMORY32_GROWTH_LIMIT_PAGES`); an imported one may be any memory
    /// its type admits, so only its declared maximum counts.
    pub fn memory_stays_below_4gib(&self, index: u32) -> bool {
        let Some(m) = self.memories.get(index as usize) else {
            return false;
        };
        let limit = kiln_abi::MEMORY32_GROWTH_LIMIT_PAGES;
        let declared_below = m.maximum.is_some_and(|max| max <= limit);
        let defined_here = index >= self.num_imported_memories;
        !m.memory64 && (declared_below || (defined_here && m.initial <= limit))
    }

    /// Read and validate the module's sections, once; the function bodies
    /// are validated by `analysis::scan`.
    pub fn parse(wasm: &'a [u8], features: WasmFeatures) -> Result<(ModuleInfo<'a>, Unchecked)> {
        parse::parse(wasm, features)
    }

    fn empty() -> ModuleInfo<'a> {
        ModuleInfo {
            types: Vec::new(),
            funcs: Vec::new(),
            num_imported_funcs: 0,
            memories: Vec::new(),
            num_imported_memories: 0,
            tables: Vec::new(),
            num_imported_tables: 0,
            globals: Vec::new(),
            bodies: Vec::new(),
            description: abi::ModuleDescription::default(),
            funcref_slots: abi::FuncrefSlots::default(),
            memory_image: None,
        }
    }

    pub fn num_defined_funcs(&self) -> u32 {
        self.funcs.len() as u32 - self.num_imported_funcs
    }

    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.funcs[func_index as usize] as usize]
    }

    /// The lowest type index structurally equal to `type_index`:
    /// call_indirect through a frozen table compares function types, not
    /// indices.
    pub fn canonical_type(&self, type_index: u32) -> u32 {
        let ty = &self.types[type_index as usize];
        self.types
            .iter()
            .position(|t| t == ty)
            .unwrap_or(type_index as usize) as u32
    }

    pub fn offsets(&self, ptr_size: u32) -> kiln_abi::VMOffsets {
        kiln_abi::VMOffsets {
            ptr_size,
            num_memories: self.memories.len() as u32,
            num_tables: self.tables.len() as u32,
            num_globals: self.globals.len() as u32,
            num_types: self.types.len() as u32,
            num_funcrefs: self.funcref_slots.count,
        }
    }
}

/// The memory a load or store addresses.
pub fn memory_index(memarg: &wasmparser::MemArg) -> u32 {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(m) => m,
        wasmparser::MemArgTarget::Array(_) => {
            unreachable!("gc types are refused by ModuleInfo::parse")
        }
    }
}
