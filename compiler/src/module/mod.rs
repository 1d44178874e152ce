//! The parts of a module that code generation needs, read once up front.

pub mod image;
pub mod inspect;

use crate::error::{CompileError, Result};
use std::collections::HashMap;
use wasmparser::{
    CompositeInnerType, FuncType, FunctionBody, GlobalType, MemoryType, Parser, Payload, TableType,
    TypeRef, ValType,
};

pub struct ModuleInfo<'a> {
    pub types: Vec<FuncType>,
    /// Type index of every function, imported ones first.
    pub funcs: Vec<u32>,
    pub num_imported_funcs: u32,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub tables: Vec<TableType>,
    pub globals: Vec<GlobalType>,
    pub bodies: Vec<FunctionBody<'a>>,
    pub func_names: HashMap<u32, String>,
    /// The module without its code section: what the runtime needs to
    /// instantiate (types, imports, exports, segments, names).
    pub metadata: Vec<u8>,
    /// Memory 0's initial contents, when the compiler could build them.
    pub memory_image: Option<crate::module::image::MemoryImage>,
    /// Functions private to their codegen unit (see `local.rs`), by
    /// function index; set once the units are planned.
    pub local: Vec<bool>,
    /// The frozen tables (see `frozen.rs`); set with `local`.
    pub frozen: crate::analysis::frozen::FrozenTables,
    /// Functions kept out of line at their only call site (see
    /// `out_of_line.rs`), by function index; set with `local`.
    pub out_of_line: Vec<bool>,
}

impl<'a> ModuleInfo<'a> {
    /// The contents of table `index` if it is frozen (see `frozen.rs`).
    pub fn frozen_table(&self, index: u32) -> Option<&[Option<u32>]> {
        self.frozen.contents.get(index as usize)?.as_deref()
    }

    /// Whether function `index` is private to its codegen unit.
    pub fn is_local(&self, index: u32) -> bool {
        self.local.get(index as usize).copied().unwrap_or(false)
    }

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

    pub fn parse(wasm: &'a [u8]) -> Result<ModuleInfo<'a>> {
        let mut info = ModuleInfo {
            types: Vec::new(),
            funcs: Vec::new(),
            num_imported_funcs: 0,
            memories: Vec::new(),
            num_imported_memories: 0,
            tables: Vec::new(),
            globals: Vec::new(),
            bodies: Vec::new(),
            func_names: HashMap::new(),
            metadata: Vec::new(),
            memory_image: None,
            local: Vec::new(),
            frozen: Default::default(),
            out_of_line: Vec::new(),
        };
        info.metadata.extend_from_slice(&wasm[..8.min(wasm.len())]);
        for payload in Parser::new(0).parse_all(wasm) {
            let payload = payload?;
            if let Some((id, range)) = payload.as_section() {
                if id == 3 {
                    // Without code, a function section would make the module
                    // malformed; the runtime reads it from a custom section.
                    let payload = &wasm[range.start as usize..range.end as usize];
                    push_custom_section(
                        &mut info.metadata,
                        kiln_abi::symbols::FUNCTIONS_SECTION,
                        payload,
                    );
                } else if id == 11 {
                    // The data section: below, with the memory image.
                } else if id != 10 {
                    // Copy the whole section (id, size, contents) for the runtime.
                    let start = section_start(wasm, range.start as usize);
                    info.metadata.push(id);
                    info.metadata
                        .extend_from_slice(&wasm[start..range.end as usize]);
                }
            }
            match payload {
                Payload::Version { encoding, .. } if encoding != wasmparser::Encoding::Module => {
                    return Err(CompileError::Unsupported(
                        "components (this issue compiles core modules only)".into(),
                    ))
                }
                Payload::TypeSection(r) => {
                    for group in r {
                        for sub in group?.into_types() {
                            match sub.composite_type.inner {
                                CompositeInnerType::Func(f) => info.types.push(f),
                                _ => return Err(CompileError::Unsupported("gc types".into())),
                            }
                        }
                    }
                }
                Payload::ImportSection(r) => {
                    for imp in r.into_imports() {
                        match imp?.ty {
                            TypeRef::Func(t) => {
                                info.funcs.push(t);
                                info.num_imported_funcs += 1;
                            }
                            TypeRef::Memory(m) => {
                                info.memories.push(m);
                                info.num_imported_memories += 1;
                            }
                            TypeRef::Table(t) => info.tables.push(t),
                            TypeRef::Global(g) => info.globals.push(g),
                            TypeRef::Tag(_) => {
                                return Err(CompileError::Unsupported("exception handling".into()))
                            }
                            TypeRef::FuncExact(_) => {
                                return Err(CompileError::Unsupported(
                                    "exact function imports".into(),
                                ))
                            }
                        }
                    }
                }
                Payload::FunctionSection(r) => {
                    for t in r {
                        info.funcs.push(t?);
                    }
                }
                Payload::TableSection(r) => {
                    for t in r {
                        info.tables.push(t?.ty);
                    }
                }
                Payload::MemorySection(r) => {
                    for m in r {
                        info.memories.push(m?);
                    }
                }
                Payload::GlobalSection(r) => {
                    for g in r {
                        info.globals.push(g?.ty);
                    }
                }
                Payload::TagSection(_) => {
                    return Err(CompileError::Unsupported("exception handling".into()))
                }
                Payload::CodeSectionEntry(body) => info.bodies.push(body),
                Payload::DataSection(r) => {
                    let range = r.range();
                    let range = range.start as usize..range.end as usize;
                    let image = crate::module::image::build(
                        r.clone(),
                        info.memories.first(),
                        info.num_imported_memories > 0,
                    );
                    let stripped = image
                        .as_ref()
                        .and_then(|_| crate::module::image::strip_memory0_segments(wasm, r));
                    info.metadata.push(11);
                    match stripped {
                        Some(section) => {
                            info.metadata.extend_from_slice(&section);
                            info.memory_image = image;
                        }
                        None => {
                            let start = section_start(wasm, range.start);
                            info.metadata.extend_from_slice(&wasm[start..range.end]);
                        }
                    }
                }
                Payload::CustomSection(c) => {
                    if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                        read_function_names(names, &mut info.func_names);
                    }
                }
                _ => {}
            }
        }
        for m in &info.memories {
            if m.memory64 {
                return Err(CompileError::Unsupported("memory64".into()));
            }
            if m.shared {
                return Err(CompileError::Unsupported("threads (shared memory)".into()));
            }
        }
        for t in &info.types {
            if t.params()
                .iter()
                .chain(t.results())
                .any(|v| *v == ValType::V128)
            {
                return Err(CompileError::Unsupported("simd (v128)".into()));
            }
        }
        Ok(info)
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
            num_funcs: self.funcs.len() as u32,
        }
    }
}

/// The section's payload range starts after its LEB128 size; walk back over
/// the size bytes to the byte after the section id.
fn section_start(wasm: &[u8], payload_start: usize) -> usize {
    let mut i = payload_start - 1;
    while i > 0 && wasm[i - 1] & 0x80 != 0 {
        i -= 1;
    }
    i
}

fn read_function_names(names: wasmparser::NameSectionReader<'_>, out: &mut HashMap<u32, String>) {
    for name in names.into_iter().flatten() {
        if let wasmparser::Name::Function(map) = name {
            for naming in map.into_iter().flatten() {
                out.insert(naming.index, naming.name.to_string());
            }
        }
    }
}

fn push_custom_section(out: &mut Vec<u8>, name: &str, payload: &[u8]) {
    let mut body = Vec::new();
    kiln_abi::unwind::write_unsigned(&mut body, name.len() as u64);
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(payload);
    out.push(0);
    kiln_abi::unwind::write_unsigned(out, body.len() as u64);
    out.extend_from_slice(&body);
}
