//! The parts of a module that code generation needs, read once up front.

pub mod features;
pub mod image;
pub mod inspect;

use crate::error::{CompileError, Result};
use std::collections::HashMap;
use wasmparser::{
    CompositeInnerType, ConstExpr, Element, Export, FuncToValidate, FuncType, FunctionBody,
    GlobalType, MemoryType, Operator, Parser, Payload, TableInit, TableType, TypeRef, ValType,
    ValidPayload, Validator, ValidatorResources, WasmFeatures,
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
    pub exports: Vec<Export<'a>>,
    pub start: Option<u32>,
    /// Element segments, in order.
    pub elements: Vec<Element<'a>>,
    /// The initializer of every table that has one other than null, by
    /// table index (imported tables have none).
    pub table_inits: Vec<Option<ConstExpr<'a>>>,
    /// Functions whose reference a global's initializer takes.
    pub global_refs: Vec<u32>,
    pub func_names: HashMap<u32, String>,
    /// The module without its code section: what the runtime needs to
    /// instantiate (types, imports, exports, segments, names).
    pub metadata: Vec<u8>,
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
        let mut validator = Validator::new_with_features(features);
        let mut bodies = Vec::new();
        let mut refusal = None;
        let mut refuse = |what: String| {
            refusal.get_or_insert(CompileError::Unsupported(what));
        };
        let mut info = ModuleInfo {
            types: Vec::new(),
            funcs: Vec::new(),
            num_imported_funcs: 0,
            memories: Vec::new(),
            num_imported_memories: 0,
            tables: Vec::new(),
            num_imported_tables: 0,
            globals: Vec::new(),
            bodies: Vec::new(),
            exports: Vec::new(),
            start: None,
            elements: Vec::new(),
            table_inits: Vec::new(),
            global_refs: Vec::new(),
            func_names: HashMap::new(),
            metadata: Vec::new(),
            memory_image: None,
        };
        info.metadata.extend_from_slice(&wasm[..8.min(wasm.len())]);
        let mut parser = Parser::new(0);
        parser.set_features(features);
        for payload in parser.parse_all(wasm) {
            let payload = payload?;
            if let ValidPayload::Func(body, _) = validator.payload(&payload)? {
                bodies.push(body);
            }
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
                    refuse("components: kiln compiles core modules".into());
                }
                Payload::TypeSection(r) => {
                    for group in r {
                        for sub in group?.into_types() {
                            match sub.composite_type.inner {
                                CompositeInnerType::Func(f) => info.types.push(f),
                                _ => refuse("gc types".into()),
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
                            TypeRef::Table(t) => {
                                info.tables.push(t);
                                info.table_inits.push(None);
                                info.num_imported_tables += 1;
                            }
                            TypeRef::Global(g) => info.globals.push(g),
                            TypeRef::Tag(_) => refuse("exception handling (tag import)".into()),
                            TypeRef::FuncExact(_) => refuse("exact function imports".into()),
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
                        let t = t?;
                        info.tables.push(t.ty);
                        info.table_inits.push(match t.init {
                            TableInit::RefNull => None,
                            TableInit::Expr(e) => Some(e),
                        });
                    }
                }
                Payload::MemorySection(r) => {
                    for m in r {
                        info.memories.push(m?);
                    }
                }
                Payload::GlobalSection(r) => {
                    for g in r {
                        let g = g?;
                        info.globals.push(g.ty);
                        for op in g.init_expr.get_operators_reader() {
                            if let Operator::RefFunc { function_index } = op? {
                                info.global_refs.push(function_index);
                            }
                        }
                    }
                }
                Payload::ExportSection(r) => {
                    for e in r {
                        info.exports.push(e?);
                    }
                }
                Payload::StartSection { func, .. } => info.start = Some(func),
                Payload::ElementSection(r) => {
                    for e in r {
                        info.elements.push(e?);
                    }
                }
                Payload::TagSection(_) => refuse("exception handling (tag section)".into()),
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
                refuse("memory64".into());
            }
            if m.shared {
                refuse("threads (shared memory)".into());
            }
        }
        for t in &info.types {
            if t.params()
                .iter()
                .chain(t.results())
                .any(|v| *v == ValType::V128)
            {
                refuse("simd (v128)".into());
            }
        }
        Ok((info, Unchecked { bodies, refusal }))
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

/// The memory a load or store addresses.
pub fn memory_index(memarg: &wasmparser::MemArg) -> u32 {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(m) => m,
        wasmparser::MemArgTarget::Array(_) => {
            unreachable!("gc types are refused by ModuleInfo::parse")
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
