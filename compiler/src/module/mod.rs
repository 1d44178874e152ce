//! The module model: the parts of a module that compilation needs, read
//! once up front (`ModuleInfo::parse`), with the plain-data description the
//! runtime instantiates it from.

mod describe;
pub mod features;
pub mod image;
pub mod inspect;

use crate::error::{CompileError, Result};
use describe::NotDescribable;
use kiln_abi::module as abi;
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
    /// What the runtime instantiates the module from.
    pub description: abi::ModuleDescription<'a>,
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
        let mut refuse = |feature: &'static str, what: String, offset: u64| {
            refusal.get_or_insert(CompileError::Unsupported {
                feature,
                what,
                offset: offset as usize,
            });
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
            description: abi::ModuleDescription::default(),
            memory_image: None,
        };
        let d = &mut info.description;
        // What the description cannot say is refused where it is found.
        let mut note = |at: u64, described: std::result::Result<(), NotDescribable>| {
            if let Err(n) = described {
                refuse(n.feature, n.what, at);
            }
        };
        let mut parser = Parser::new(0);
        parser.set_features(features);
        for payload in parser.parse_all(wasm) {
            let payload = payload?;
            if let ValidPayload::Func(body, _) = validator.payload(&payload)? {
                bodies.push(body);
            }
            match payload {
                Payload::Version {
                    encoding, range, ..
                } if encoding != wasmparser::Encoding::Module => {
                    let what = "a component: kiln compiles core modules".to_string();
                    note(
                        range.start,
                        Err(NotDescribable {
                            feature: "components",
                            what,
                        }),
                    );
                }
                Payload::TypeSection(r) => {
                    for group in r.into_iter_with_offsets() {
                        let (at, group) = group?;
                        for sub in group.into_types() {
                            match sub.composite_type.inner {
                                CompositeInnerType::Func(f) => {
                                    let index = info.types.len();
                                    note(at, supported_type(&f, index));
                                    note(at, describe::func_type(&f).map(|t| d.types.push(t)));
                                    info.types.push(f);
                                }
                                other => note(
                                    at,
                                    Err(NotDescribable {
                                        feature: "gc",
                                        what: format!("type {other:?}"),
                                    }),
                                ),
                            }
                        }
                    }
                }
                Payload::ImportSection(r) => {
                    for imp in r.into_imports_with_offsets() {
                        let (at, imp) = imp?;
                        let kind = match imp.ty {
                            TypeRef::Func(t) => {
                                info.funcs.push(t);
                                info.num_imported_funcs += 1;
                                Ok(abi::ImportKind::Func(t))
                            }
                            TypeRef::Memory(m) => {
                                let index = info.memories.len();
                                info.memories.push(m);
                                info.num_imported_memories += 1;
                                supported_memory(&m, index)
                                    .map(|_| abi::ImportKind::Memory(describe::memory_type(&m)))
                            }
                            TypeRef::Table(t) => {
                                info.tables.push(t);
                                info.table_inits.push(None);
                                info.num_imported_tables += 1;
                                describe::table_type(&t).map(abi::ImportKind::Table)
                            }
                            TypeRef::Global(g) => {
                                info.globals.push(g);
                                describe::global_type(&g).map(abi::ImportKind::Global)
                            }
                            TypeRef::Tag(_) => Err(NotDescribable {
                                feature: "exception handling",
                                what: format!("tag import {}::{}", imp.module, imp.name),
                            }),
                            TypeRef::FuncExact(_) => Err(NotDescribable {
                                feature: "custom descriptors",
                                what: format!("exact function import {}::{}", imp.module, imp.name),
                            }),
                        };
                        note(
                            at,
                            kind.map(|kind| {
                                d.imports.push(abi::Import {
                                    module: imp.module.to_string(),
                                    name: imp.name.to_string(),
                                    kind,
                                })
                            }),
                        );
                    }
                }
                Payload::FunctionSection(r) => {
                    for t in r {
                        info.funcs.push(t?);
                    }
                }
                Payload::TableSection(r) => {
                    for t in r.into_iter_with_offsets() {
                        let (at, t) = t?;
                        info.tables.push(t.ty);
                        let init = match t.init {
                            TableInit::RefNull => None,
                            TableInit::Expr(e) => Some(e),
                        };
                        let described = describe::table_type(&t.ty).and_then(|ty| {
                            let init = init.as_ref().map(describe::const_expr).transpose()?;
                            d.tables.push((ty, init));
                            Ok(())
                        });
                        note(at, described);
                        info.table_inits.push(init);
                    }
                }
                Payload::MemorySection(r) => {
                    for m in r.into_iter_with_offsets() {
                        let (at, m) = m?;
                        note(at, supported_memory(&m, info.memories.len()));
                        d.memories.push(describe::memory_type(&m));
                        info.memories.push(m);
                    }
                }
                Payload::GlobalSection(r) => {
                    for g in r.into_iter_with_offsets() {
                        let (at, g) = g?;
                        info.globals.push(g.ty);
                        for op in g.init_expr.get_operators_reader() {
                            if let Operator::RefFunc { function_index } = op? {
                                info.global_refs.push(function_index);
                            }
                        }
                        let described = describe::global_type(&g.ty).and_then(|ty| {
                            d.globals.push((ty, describe::const_expr(&g.init_expr)?));
                            Ok(())
                        });
                        note(at, described);
                    }
                }
                Payload::ExportSection(r) => {
                    for e in r {
                        let e = e?;
                        let kind = match e.kind {
                            wasmparser::ExternalKind::Func
                            | wasmparser::ExternalKind::FuncExact => abi::ExportKind::Func,
                            wasmparser::ExternalKind::Table => abi::ExportKind::Table,
                            wasmparser::ExternalKind::Memory => abi::ExportKind::Memory,
                            wasmparser::ExternalKind::Global => abi::ExportKind::Global,
                            // Tags exist only with the tag section, refused.
                            wasmparser::ExternalKind::Tag => continue,
                        };
                        d.exports.push(abi::Export {
                            name: e.name.to_string(),
                            kind,
                            index: e.index,
                        });
                        info.exports.push(e);
                    }
                }
                Payload::StartSection { func, .. } => {
                    info.start = Some(func);
                    d.start = Some(func);
                }
                Payload::ElementSection(r) => {
                    for e in r.into_iter_with_offsets() {
                        let (at, e) = e?;
                        note(at, describe::element(&e).map(|s| d.elems.push(s)));
                        info.elements.push(e);
                    }
                }
                Payload::TagSection(r) => {
                    let what = "tag section".to_string();
                    note(
                        r.range().start,
                        Err(NotDescribable {
                            feature: "exception handling",
                            what,
                        }),
                    );
                }
                Payload::CodeSectionEntry(body) => info.bodies.push(body),
                Payload::DataSection(r) => {
                    info.memory_image = crate::module::image::build(
                        r.clone(),
                        info.memories.first(),
                        info.num_imported_memories > 0,
                    );
                    for s in r.into_iter_with_offsets() {
                        let (at, s) = s?;
                        note(at, describe::data(&s).map(|s| d.datas.push(s)));
                    }
                    if info.memory_image.is_some() {
                        // The image holds the bytes of every active segment
                        // of memory 0 (`image::build`).
                        for s in &mut d.datas {
                            if matches!(s.mode, abi::Mode::Active { index: 0, .. }) {
                                s.bytes = &[];
                            }
                        }
                    }
                }
                Payload::CustomSection(c) => {
                    if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                        read_function_names(names, &mut d.names);
                    }
                }
                _ => {}
            }
        }
        d.funcs = info.funcs.clone();
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

/// Memories kiln compiles: 32-bit, unshared.
fn supported_memory(m: &MemoryType, index: usize) -> std::result::Result<(), NotDescribable> {
    let refuse = |feature, what: &str| {
        Err(NotDescribable {
            feature,
            what: format!("{what} {index}"),
        })
    };
    if m.memory64 {
        return refuse("memory64", "memory");
    }
    if m.shared {
        return refuse("threads", "shared memory");
    }
    Ok(())
}

/// Function types kiln compiles: no v128 in signatures.
fn supported_type(t: &FuncType, index: usize) -> std::result::Result<(), NotDescribable> {
    if t.params()
        .iter()
        .chain(t.results())
        .any(|v| *v == ValType::V128)
    {
        return Err(NotDescribable {
            feature: "simd",
            what: format!("v128 in the signature of type {index}"),
        });
    }
    Ok(())
}

fn read_function_names(names: wasmparser::NameSectionReader<'_>, out: &mut Vec<(u32, String)>) {
    let mut seen = HashMap::new();
    for name in names.into_iter().flatten() {
        if let wasmparser::Name::Function(map) = name {
            for naming in map.into_iter().flatten() {
                seen.insert(naming.index, naming.name.to_string());
            }
        }
    }
    out.extend(seen);
    out.sort();
}
