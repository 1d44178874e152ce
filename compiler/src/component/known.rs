//! Imports the component fixes: a core module's imported function that
//! every instantiation of the module binds to the same function another
//! module defines. Its calls become direct calls to that function's
//! symbol (with the callee's vmctx, still read from the importer's
//! funcref), rather than calls through the funcref: the link between
//! component instances is known when the program is built.

use super::inline::Flattened;
use super::module_prefix;
use crate::error::Result;
use kiln_abi::component::{CoreDef, Initializer};
use std::collections::{BTreeMap, HashMap};

/// What the known imports need of a module.
struct Shape {
    /// For each import, its function index if it is a function.
    imports: Vec<Option<u32>>,
    /// Each exported function the module defines (not re-exports of its
    /// imports): name → function index.
    defined_exports: HashMap<String, u32>,
}

fn shape(bytes: &[u8]) -> Result<Shape> {
    use wasmparser::{ExternalKind, Payload, TypeRef};
    let mut imports = Vec::new();
    let mut funcs = 0u32;
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::ImportSection(s) => {
                for import in s.into_imports() {
                    imports.push(match import?.ty {
                        TypeRef::Func(_) => {
                            funcs += 1;
                            Some(funcs - 1)
                        }
                        _ => None,
                    });
                }
            }
            Payload::ExportSection(s) => {
                for e in s {
                    let e = e?;
                    if e.kind == ExternalKind::Func && e.index >= funcs {
                        exports.push((e.name.to_string(), e.index));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(Shape {
        imports,
        defined_exports: exports.into_iter().collect(),
    })
}

/// For each compiled module of `flat` (whose bytes `bytes_of` gives), its
/// known imports: function index → symbol.
pub fn known_imports<'a>(
    flat: &Flattened,
    bytes_of: impl Fn(usize) -> &'a [u8],
    prefix: &str,
) -> Result<Vec<BTreeMap<u32, String>>> {
    let shapes = (0..flat.modules.len())
        .map(|i| shape(bytes_of(i)))
        .collect::<Result<Vec<_>>>()?;
    let instance_module: Vec<usize> = flat
        .description
        .initializers
        .iter()
        .map(|Initializer::Instantiate { module, .. }| *module as usize)
        .collect();
    // None once two instantiations disagree.
    let mut known: Vec<BTreeMap<u32, Option<String>>> = vec![BTreeMap::new(); shapes.len()];
    for Initializer::Instantiate { module, args } in &flat.description.initializers {
        let m = *module as usize;
        for (import, arg) in shapes[m].imports.iter().zip(args) {
            let Some(func) = *import else { continue };
            let target = match arg {
                CoreDef::Export { instance, name, .. } => {
                    let from = instance_module[*instance as usize];
                    shapes[from]
                        .defined_exports
                        .get(&**name)
                        .map(|f| format!("{}_f{f}", module_prefix(prefix, from)))
                }
                _ => None,
            };
            known[m]
                .entry(func)
                .and_modify(|t| {
                    if *t != target {
                        *t = None
                    }
                })
                .or_insert(target);
        }
    }
    Ok(known
        .into_iter()
        .map(|k| k.into_iter().filter_map(|(f, t)| Some((f, t?))).collect())
        .collect())
}
