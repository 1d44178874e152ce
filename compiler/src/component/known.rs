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
            Payload::CodeSectionStart { .. } => break,
            _ => {}
        }
    }
    Ok(Shape {
        imports,
        defined_exports: exports.into_iter().collect(),
    })
}

/// The function a known import is bound to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The module defining it.
    pub module: usize,
    pub symbol: String,
}

/// For each compiled module of `flat` (whose bytes `bytes_of` gives), its
/// known imports: function index → what it is bound to.
pub fn known_imports<'a>(
    flat: &Flattened,
    bytes_of: impl Fn(usize) -> &'a [u8],
    prefix: &str,
) -> Result<Vec<BTreeMap<u32, Target>>> {
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
    let mut known: Vec<BTreeMap<u32, Option<Target>>> = vec![BTreeMap::new(); shapes.len()];
    for Initializer::Instantiate { module, args } in &flat.description.initializers {
        let m = *module as usize;
        for (import, arg) in shapes[m].imports.iter().zip(args) {
            let Some(func) = *import else { continue };
            let target = match arg {
                CoreDef::Export { instance, name, .. } => {
                    let from = instance_module[*instance as usize];
                    shapes[from].defined_exports.get(&**name).map(|f| Target {
                        module: from,
                        symbol: format!("{}_f{f}", module_prefix(prefix, from)),
                    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::{inline, translate};

    /// The known imports of each module of component `wat`, by module.
    fn known(wat: &str) -> Vec<BTreeMap<u32, String>> {
        let wasm = wat::parse_str(wat).unwrap();
        let t = translate::translate(&wasm, wasmparser::WasmFeatures::default()).unwrap();
        let flat = inline::flatten(&t).unwrap();
        let bytes_of = |i: usize| match &flat.modules[i] {
            inline::ModuleSource::Static(m) => &wasm[t.modules[*m].range.clone()],
            inline::ModuleSource::Adapter(bytes) => &bytes[..],
        };
        let known = known_imports(&flat, bytes_of, "p").unwrap();
        let symbols =
            |k: BTreeMap<u32, Target>| k.into_iter().map(|(f, t)| (f, t.symbol)).collect();
        known.into_iter().map(symbols).collect()
    }

    #[test]
    fn an_import_bound_to_a_defined_function_is_known() {
        let k = known(
            r#"(component
                (import "host" (func $host))
                (core func $h (canon lower (func $host)))
                (core module $a
                    (import "h" "f" (func $h))
                    (func $own)
                    (export "own" (func $own))
                    (export "again" (func $h)))
                (core module $b
                    (import "a" "own" (func))
                    (import "a" "again" (func))
                    (import "h" "f" (func)))
                (core instance $ia (instantiate $a (with "h" (instance (export "f" (func $h))))))
                (core instance $ib (instantiate $b
                    (with "a" (instance $ia))
                    (with "h" (instance (export "f" (func $h)))))))"#,
        );
        assert!(k[0].is_empty());
        // Only the function $a defines; not its re-export of the host's,
        // nor the host's itself.
        assert_eq!(k[1], BTreeMap::from([(0, "p_m0_f1".to_string())]));
    }

    #[test]
    fn instantiations_that_disagree_keep_the_call_indirect() {
        let component = |third: &str| {
            format!(
                r#"(component
                    (core module $a (func $f) (export "f" (func $f)))
                    (core module $a2 (func $g) (func $f) (export "f" (func $f)))
                    (core module $b (import "a" "f" (func)))
                    (core instance $i1 (instantiate $a))
                    (core instance $i2 (instantiate $a2))
                    (core instance $i3 (instantiate $a))
                    (core instance (instantiate $b (with "a" (instance $i1))))
                    (core instance (instantiate $b (with "a" (instance {third})))))"#
            )
        };
        // Two instances of one module share its symbol: they agree.
        let k = known(&component("$i3"));
        assert_eq!(k[2], BTreeMap::from([(0, "p_m0_f0".to_string())]));
        let k = known(&component("$i2"));
        assert!(k[2].is_empty(), "{k:?}");
    }
}
