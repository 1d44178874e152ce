//! `kiln inspect`: what a module imports, exports, declares and which
//! post-MVP features its code uses.

use crate::error::Result;
use std::collections::BTreeSet;
use std::fmt::{self, Write};
use wasmparser::{ExternalKind, Operator, Parser, Payload, TypeRef, ValType};

pub struct Summary {
    text: String,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The post-MVP feature `op` uses: its proposal's, or multi-value for a
/// block typed by a function type.
fn feature_of(op: &Operator) -> Option<&'static str> {
    use wasmparser::BlockType::FuncType;
    match op {
        Operator::Block {
            blockty: FuncType(_),
        }
        | Operator::Loop {
            blockty: FuncType(_),
        }
        | Operator::If {
            blockty: FuncType(_),
        } => Some("multi-value"),
        op => super::features::feature_of(op),
    }
}

pub fn inspect(wasm: &[u8]) -> Result<Summary> {
    crate::validate(wasm, wasmparser::WasmFeatures::default())?;
    let mut t = String::new();
    let mut features = BTreeSet::new();
    let mut funcs = 0u32;
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    let mut memories = Vec::new();
    let mut tables = Vec::new();
    let mut globals = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types() {
                    let ty = ty?;
                    if ty.results().len() > 1 {
                        features.insert("multi-value");
                    }
                    if ty
                        .params()
                        .iter()
                        .chain(ty.results())
                        .any(|v| *v == ValType::V128)
                    {
                        features.insert("simd");
                    }
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    let imp = imp?;
                    let kind = match imp.ty {
                        TypeRef::Func(i) => format!("func (type {i})"),
                        TypeRef::Memory(m) => format!("memory {}", limits(m.initial, m.maximum)),
                        TypeRef::Table(tt) => format!(
                            "table {} {}",
                            tt.element_type,
                            limits(tt.initial, tt.maximum)
                        ),
                        TypeRef::Global(g) => {
                            if g.mutable {
                                features.insert("mutable globals");
                            }
                            format!(
                                "global {}{}",
                                if g.mutable { "mut " } else { "" },
                                g.content_type
                            )
                        }
                        other => format!("{other:?}"),
                    };
                    if let TypeRef::Memory(m) = imp.ty {
                        memories.push(format!("imported {}", limits(m.initial, m.maximum)));
                    }
                    imports.push(format!("  {}::{}: {kind}", imp.module, imp.name));
                }
            }
            Payload::FunctionSection(r) => funcs = r.count(),
            Payload::MemorySection(r) => {
                for m in r {
                    let m = m?;
                    memories.push(limits(m.initial, m.maximum));
                }
            }
            Payload::TableSection(r) => {
                for tb in r {
                    let tb = tb?.ty;
                    tables.push(format!(
                        "{} {}",
                        tb.element_type,
                        limits(tb.initial, tb.maximum)
                    ));
                }
            }
            Payload::GlobalSection(r) => globals = r.count(),
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e?;
                    let kind = match e.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => "func",
                        ExternalKind::Memory => "memory",
                        ExternalKind::Table => "table",
                        ExternalKind::Global => "global",
                        ExternalKind::Tag => "tag",
                    };
                    exports.push(format!("  {}: {kind} {}", e.name, e.index));
                }
            }
            Payload::CodeSectionEntry(body) => {
                for local in body.get_locals_reader()? {
                    if local?.1 == ValType::V128 {
                        features.insert("simd");
                    }
                }
                for op in body.get_operators_reader()? {
                    let op = op?;
                    if let Some(f) = feature_of(&op) {
                        features.insert(f);
                    }
                }
            }
            _ => {}
        }
    }
    if tables.len() > 1 {
        features.insert("reference types");
    }
    let _ = writeln!(
        t,
        "functions: {funcs} defined, {} imported",
        imports.iter().filter(|i| i.contains(": func")).count()
    );
    let _ = writeln!(t, "imports: {}", imports.len());
    for i in &imports {
        let _ = writeln!(t, "{i}");
    }
    let _ = writeln!(t, "exports: {}", exports.len());
    for e in &exports {
        let _ = writeln!(t, "{e}");
    }
    let _ = writeln!(t, "memories: {}", memories.join(", "));
    let _ = writeln!(t, "tables: {}", tables.join(", "));
    let _ = writeln!(t, "globals: {globals} defined");
    let f: Vec<&str> = features.into_iter().collect();
    let _ = writeln!(
        t,
        "features: {}",
        if f.is_empty() {
            "mvp".to_string()
        } else {
            f.join(", ")
        }
    );
    Ok(Summary { text: t })
}

fn limits(min: u64, max: Option<u64>) -> String {
    match max {
        Some(m) => format!("{min}..{m}"),
        None => format!("{min}.."),
    }
}
