//! `ModuleInfo::parse`: one pass over the module's sections, validating
//! each payload as it comes, filling the `ModuleInfo` the compiler works
//! from and the description the runtime instantiates from, and noting the
//! first construct kiln does not compile (refused once the bodies are
//! known to be valid, see `Unchecked`).

use super::describe::{self, NotDescribable};
use super::{ModuleInfo, Unchecked};
use crate::error::{CompileError, Result};
use kiln_abi::module as abi;
use std::collections::HashMap;
use wasmparser::{
    CompositeInnerType, ExternalKind, FuncType, MemoryType, Parser, Payload, TableInit, TypeRef,
    ValType, ValidPayload, Validator, WasmFeatures,
};

type Described = std::result::Result<(), NotDescribable>;

struct Reading<'a> {
    info: ModuleInfo<'a>,
    unchecked: Unchecked,
}

pub(super) fn parse(wasm: &[u8], features: WasmFeatures) -> Result<(ModuleInfo<'_>, Unchecked)> {
    let mut validator = Validator::new_with_features(features);
    let mut r = Reading {
        info: ModuleInfo::empty(),
        unchecked: Unchecked {
            bodies: Vec::new(),
            refusal: None,
        },
    };
    let mut parser = Parser::new(0);
    parser.set_features(features);
    for payload in parser.parse_all(wasm) {
        let payload = payload?;
        if let ValidPayload::Func(body, _) = validator.payload(&payload)? {
            r.unchecked.bodies.push(body);
        }
        r.payload(payload)?;
    }
    let Reading {
        mut info,
        unchecked,
    } = r;
    info.description.funcs = info.funcs.clone();
    info.funcref_slots = info.description.funcref_slots();
    Ok((info, unchecked))
}

impl<'a> Reading<'a> {
    /// Refuse what `described` could not describe, at byte `at`; the first
    /// refusal is the one reported.
    fn note(&mut self, at: u64, described: Described) {
        if let Err(n) = described {
            self.unchecked
                .refusal
                .get_or_insert(CompileError::Unsupported {
                    feature: n.feature,
                    what: n.what,
                    offset: at as usize,
                });
        }
    }

    fn payload(&mut self, payload: Payload<'a>) -> Result<()> {
        match payload {
            Payload::Version {
                encoding, range, ..
            } if encoding != wasmparser::Encoding::Module => {
                let what = "a component: kiln compiles core modules".to_string();
                self.note(range.start as u64, refused("components", what));
            }
            Payload::TypeSection(r) => {
                for group in r.into_iter_with_offsets() {
                    let (at, group) = group?;
                    for sub in group.into_types() {
                        let described = match sub.composite_type.inner {
                            CompositeInnerType::Func(f) => self.func_type(f),
                            other => refused("gc", format!("type {other:?}")),
                        };
                        self.note(at as u64, described);
                    }
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports_with_offsets() {
                    let (at, imp) = imp?;
                    let described = self.import(imp.module, imp.name, imp.ty);
                    self.note(at as u64, described);
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    self.info.funcs.push(t?);
                }
            }
            Payload::TableSection(r) => {
                for t in r.into_iter_with_offsets() {
                    let (at, t) = t?;
                    let described = self.table(t)?;
                    self.note(at as u64, described);
                }
            }
            Payload::MemorySection(r) => {
                for m in r.into_iter_with_offsets() {
                    let (at, m) = m?;
                    let described = supported_memory(&m, self.info.memories.len());
                    self.note(at as u64, described);
                    self.info
                        .description
                        .memories
                        .push(describe::memory_type(&m));
                    self.info.memories.push(m);
                }
            }
            Payload::GlobalSection(r) => {
                for g in r.into_iter_with_offsets() {
                    let (at, g) = g?;
                    let described = self.global(g)?;
                    self.note(at as u64, described);
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    self.export(e?);
                }
                // By name: the runtime finds an export by binary search.
                let exports = &mut self.info.description.exports;
                exports.sort_by(|a, b| a.name.cmp(&b.name));
            }
            Payload::StartSection { func, .. } => {
                self.info.description.start = Some(func);
            }
            Payload::ElementSection(r) => {
                for e in r.into_iter_with_offsets() {
                    let (at, e) = e?;
                    let described =
                        describe::element(&e).map(|s| self.info.description.elems.push(s));
                    self.note(at as u64, described);
                }
            }
            Payload::TagSection(r) => {
                let what = "tag section".to_string();
                self.note(r.range().start as u64, refused("exception handling", what));
            }
            Payload::CodeSectionEntry(body) => self.info.bodies.push(body),
            Payload::DataSection(r) => self.data(r)?,
            Payload::CustomSection(c) => {
                if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                    read_function_names(names, &mut self.info.description.names);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn func_type(&mut self, f: FuncType) -> Described {
        let index = self.info.types.len();
        let described = supported_type(&f, index)
            .and_then(|_| describe::func_type(&f))
            .map(|t| self.info.description.types.push(t));
        self.info.types.push(f);
        described
    }

    fn import(&mut self, module: &str, name: &str, ty: TypeRef) -> Described {
        let info = &mut self.info;
        let kind = match ty {
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
                info.num_imported_tables += 1;
                describe::table_type(&t).map(abi::ImportKind::Table)
            }
            TypeRef::Global(g) => {
                info.globals.push(g);
                describe::global_type(&g).map(abi::ImportKind::Global)
            }
            TypeRef::Tag(_) => Err(NotDescribable {
                feature: "exception handling",
                what: format!("tag import {module}::{name}"),
            }),
            TypeRef::FuncExact(_) => Err(NotDescribable {
                feature: "custom descriptors",
                what: format!("exact function import {module}::{name}"),
            }),
        }?;
        info.description.imports.push(abi::Import {
            module: module.to_string().into(),
            name: name.to_string().into(),
            kind,
        });
        Ok(())
    }

    fn table(&mut self, t: wasmparser::Table<'a>) -> Result<Described> {
        let info = &mut self.info;
        info.tables.push(t.ty);
        let init = match t.init {
            TableInit::RefNull => None,
            TableInit::Expr(e) => Some(e),
        };
        let described = describe::table_type(&t.ty).and_then(|ty| {
            let init = init.as_ref().map(describe::const_expr).transpose()?;
            info.description.tables.push((ty, init));
            Ok(())
        });
        Ok(described)
    }

    fn global(&mut self, g: wasmparser::Global<'a>) -> Result<Described> {
        let info = &mut self.info;
        info.globals.push(g.ty);
        Ok(describe::global_type(&g.ty).and_then(|ty| {
            let init = describe::const_expr(&g.init_expr)?;
            info.description.globals.push((ty, init));
            Ok(())
        }))
    }

    fn export(&mut self, e: wasmparser::Export<'a>) {
        let kind = match e.kind {
            ExternalKind::Func | ExternalKind::FuncExact => abi::ExportKind::Func,
            ExternalKind::Table => abi::ExportKind::Table,
            ExternalKind::Memory => abi::ExportKind::Memory,
            ExternalKind::Global => abi::ExportKind::Global,
            // A tag exists only with a tag section, which is refused.
            ExternalKind::Tag => return,
        };
        self.info.description.exports.push(abi::Export {
            name: e.name.to_string().into(),
            kind,
            index: e.index,
        });
    }

    /// Data segments, and memory 0's image when the compiler can build it
    /// (its segments then carry no bytes of their own).
    fn data(&mut self, r: wasmparser::DataSectionReader<'a>) -> Result<()> {
        for s in r.into_iter_with_offsets() {
            let (at, s) = s?;
            let described = describe::data(&s).map(|s| self.info.description.datas.push(s));
            self.note(at as u64, described);
        }
        let info = &mut self.info;
        info.memory_image = super::image::build(
            &info.description.datas,
            info.memories.first(),
            info.num_imported_memories > 0,
        );
        if self.info.memory_image.is_some() {
            // The image holds the bytes of every active segment of memory 0
            // (`image::build`).
            for s in &mut self.info.description.datas {
                if matches!(s.mode, abi::Mode::Active { index: 0, .. }) {
                    s.bytes = &[];
                }
            }
        }
        Ok(())
    }
}

fn refused(feature: &'static str, what: String) -> Described {
    Err(NotDescribable { feature, what })
}

/// Memories kiln compiles: 32-bit, unshared.
fn supported_memory(m: &MemoryType, index: usize) -> Described {
    if m.memory64 {
        return refused("memory64", format!("memory {index}"));
    }
    if m.shared {
        return refused("threads", format!("shared memory {index}"));
    }
    Ok(())
}

/// Function types kiln compiles: no v128 in signatures.
fn supported_type(t: &FuncType, index: usize) -> Described {
    if t.params()
        .iter()
        .chain(t.results())
        .any(|v| *v == ValType::V128)
    {
        return refused("simd", format!("v128 in the signature of type {index}"));
    }
    Ok(())
}

fn read_function_names(
    names: wasmparser::NameSectionReader<'_>,
    out: &mut kiln_abi::module::Names<'_>,
) {
    let mut seen = HashMap::new();
    for name in names.into_iter().flatten() {
        if let wasmparser::Name::Function(map) = name {
            for naming in map.into_iter().flatten() {
                seen.insert(naming.index, naming.name.to_string());
            }
        }
    }
    let mut sorted: Vec<(u32, String)> = seen.into_iter().collect();
    sorted.sort();
    *out = kiln_abi::module::Names::new(&sorted);
}
