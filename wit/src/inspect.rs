//! `kiln inspect` of a component: its WIT world (the types of what it
//! imports and exports, decoded by wit-component), then its parts: core
//! modules, core instances, nested components and component instances.

use std::fmt::Write;
use wasmparser::{Encoding, Instance, Parser, Payload, Validator, WasmFeatures};

#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error("invalid component at byte offset {offset:#x}: {message}")]
    Invalid { message: String, offset: usize },
    /// What wit-parser said (its errors are `anyhow`'s, kept as text).
    #[error("cannot read the component's WIT world: {0}")]
    World(String),
}

impl From<wasmparser::BinaryReaderError> for InspectError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        InspectError::Invalid {
            message: e.message().to_string(),
            offset: e.offset() as usize,
        }
    }
}

/// Whether `wasm` is a component (not a core module).
pub fn is_component(wasm: &[u8]) -> bool {
    Parser::is_component(wasm)
}

/// Describe component `wasm`; `module` describes each of its core modules,
/// given the module's bytes.
pub fn inspect(wasm: &[u8], module: &dyn Fn(&[u8]) -> String) -> Result<String, InspectError> {
    Validator::new_with_features(WasmFeatures::all()).validate_all(wasm)?;
    let decoded =
        wit_parser::decoding::decode(wasm).map_err(|e| InspectError::World(format!("{e:#}")))?;
    let mut printer = wit_component::WitPrinter::default();
    printer.emit_docs(false);
    printer
        .print(decoded.resolve(), decoded.package(), &[])
        .map_err(|e| InspectError::World(format!("{e:#}")))?;
    let parts = parts(wasm)?;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "component: {} core modules, {} core instances, {} components, {} component instances",
        parts.modules.len(),
        parts.core_instances.len(),
        parts.components,
        parts.component_instances
    );
    let _ = writeln!(t, "world:");
    indent(&mut t, &printer.output.to_string());
    for (i, range) in parts.modules.iter().enumerate() {
        let _ = writeln!(t, "core module {i} ({} bytes):", range.len());
        indent(&mut t, &module(&wasm[range.clone()]));
    }
    for (i, instance) in parts.core_instances.iter().enumerate() {
        let _ = writeln!(t, "core instance {i}: {instance}");
    }
    Ok(t)
}

/// `text`, each line indented by two spaces (blank lines left blank).
fn indent(out: &mut String, text: &str) {
    for line in text.lines() {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  {line}");
        }
    }
}

/// The top-level parts of a component.
struct Parts {
    /// Byte ranges of the core modules, in order.
    modules: Vec<std::ops::Range<usize>>,
    /// How each core instance is made.
    core_instances: Vec<String>,
    components: usize,
    component_instances: usize,
}

fn parts(wasm: &[u8]) -> Result<Parts, InspectError> {
    let mut p = Parts {
        modules: Vec::new(),
        core_instances: Vec::new(),
        components: 0,
        component_instances: 0,
    };
    // Payloads of nested modules and components come in line; count only
    // the outer component's (depth 1).
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        let top = depth == 1;
        match payload {
            Payload::Version { encoding, .. } => {
                depth += 1;
                if depth == 1 && encoding != Encoding::Component {
                    return Err(InspectError::Invalid {
                        message: "a core module, not a component".into(),
                        offset: 0,
                    });
                }
            }
            Payload::End(_) => depth -= 1,
            Payload::ModuleSection {
                unchecked_range, ..
            } if top => {
                p.modules
                    .push(unchecked_range.start as usize..unchecked_range.end as usize);
            }
            Payload::ComponentSection { .. } if top => p.components += 1,
            Payload::InstanceSection(r) if top => {
                for instance in r {
                    p.core_instances.push(match instance? {
                        Instance::Instantiate { module_index, args } => {
                            let args: Vec<String> = args
                                .iter()
                                .map(|a| format!("{} = instance {}", a.name, a.index))
                                .collect();
                            if args.is_empty() {
                                format!("instantiate module {module_index}")
                            } else {
                                format!(
                                    "instantiate module {module_index} with {}",
                                    args.join(", ")
                                )
                            }
                        }
                        Instance::FromExports(exports) => {
                            let names: Vec<&str> = exports.iter().map(|e| e.name).collect();
                            format!("made of exports {}", names.join(", "))
                        }
                    });
                }
            }
            Payload::ComponentInstanceSection(r) if top => {
                p.component_instances += r.count() as usize
            }
            _ => {}
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADDER: &str = r#"(component
        (core module $m
          (func (export "add") (param i32 i32) (result i32)
            (i32.add (local.get 0) (local.get 1))))
        (core instance $i (instantiate $m))
        (func $add (param "a" s32) (param "b" s32) (result s32)
          (canon lift (core func $i "add")))
        (export "add" (func $add)))"#;

    #[test]
    fn a_component_shows_its_world_and_its_parts() {
        let wasm = wat::parse_str(ADDER).unwrap();
        assert!(is_component(&wasm));
        let text = inspect(&wasm, &|m| format!("{} bytes of module", m.len())).unwrap();
        for want in [
            "component: 1 core modules, 1 core instances, 0 components, 0 component instances",
            "export add: func(a: s32, b: s32) -> s32;",
            "core module 0 (",
            "bytes of module",
            "core instance 0: instantiate module 0",
        ] {
            assert!(text.contains(want), "missing {want:?} in:\n{text}");
        }
    }

    #[test]
    fn a_corrupt_component_names_the_offset() {
        let mut wasm = wat::parse_str(ADDER).unwrap();
        wasm.truncate(wasm.len() - 3);
        let e = inspect(&wasm, &|_| String::new()).unwrap_err();
        assert!(matches!(e, InspectError::Invalid { .. }), "{e}");
        assert!(e.to_string().contains("byte offset"), "{e}");
    }
}
