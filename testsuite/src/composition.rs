//! Two Rust components calling each other (testsuite/programs/
//! rust-components): the callee exports `kiln:bench/math`, the caller
//! imports it and WASI's monotonic clock. Built for wasm32-unknown-unknown,
//! made components by wit-component, and composed here into one component
//! that imports the clock and exports the caller's functions: what a
//! composition tool would make, written out by hand for the tests and the
//! benchmarks that cross this boundary.

use crate::peers::{cargo, root, succeed};
use std::path::{Path, PathBuf};
use std::process::Command;
use wasm_encoder::{
    Alias, Component, ComponentAliasSection, ComponentExportKind, ComponentExportSection,
    ComponentImportSection, ComponentInstanceSection, ComponentSectionId, ComponentTypeRef,
    ComponentTypeSection, ComponentValType, InstanceType, PrimitiveValType, RawSection,
};

/// The interface the callee exports and the caller imports.
const MATH: &str = "kiln:bench/math";
const CLOCK: &str = "wasi:clocks/monotonic-clock@0.2.0";
/// The caller's exports, which the composition exports.
pub const EXPORTS: [&str; 4] = ["run-add", "run-echo", "run-echo-list", "check"];

/// Build both components into `target_dir` and write them there
/// (`callee.wasm`, `caller.wasm`) with their composition; its path.
pub fn rust_pair(target_dir: &Path) -> Result<PathBuf, String> {
    let built = build_wasm32(
        &root().join("testsuite/programs/rust-components/Cargo.toml"),
        target_dir,
        "building the Rust components",
    )?;
    let component = |name: &str| -> Result<Vec<u8>, String> {
        let module = std::fs::read(built.join(format!("{name}.wasm")))
            .map_err(|e| format!("{name}.wasm: {e}"))?;
        component_of(&module, name)
    };
    let (callee, caller) = (component("callee")?, component("caller")?);
    // Each by itself too, for composition tools to put together.
    for (name, bytes) in [("callee", &callee), ("caller", &caller)] {
        let path = target_dir.join(format!("{name}.wasm"));
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let composed = compose(&callee, &caller);
    let out = target_dir.join("rust-pair.wasm");
    std::fs::write(&out, composed).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(out)
}

/// Build the cargo project `manifest` for wasm32-unknown-unknown (so that
/// its modules import only what their WIT says) into `target_dir`; the
/// folder of its release artifacts. `what` names the step in errors.
pub fn build_wasm32(manifest: &Path, target_dir: &Path, what: &str) -> Result<PathBuf, String> {
    succeed(
        Command::new(cargo())
            .args(["build", "--release", "--quiet"])
            .args(["--target", "wasm32-unknown-unknown", "--manifest-path"])
            .arg(manifest)
            .arg("--target-dir")
            .arg(target_dir)
            .env_remove("RUSTFLAGS"),
        what,
    )?;
    Ok(target_dir.join("wasm32-unknown-unknown/release"))
}

/// Core `module`, its WIT embedded, made a component by wit-component.
pub fn component_of(module: &[u8], what: &str) -> Result<Vec<u8>, String> {
    wit_component::ComponentEncoder::default()
        .module(module)
        .and_then(|e| e.validate(true).encode())
        .map_err(|e| format!("making {what} a component: {e:#}"))
}

/// ```text
/// (component
///   (import "wasi:clocks/monotonic-clock@0.2.0" (instance $clock ...))
///   (component $callee ...) (component $caller ...)
///   (instance $c (instantiate $callee))
///   (instance $p (instantiate $caller
///     (with "kiln:bench/math" (instance $c "kiln:bench/math"))
///     (with "wasi:clocks/monotonic-clock@0.2.0" (instance $clock))))
///   (export "run-add" (func $p "run-add")) ...)
/// ```
fn compose(callee: &[u8], caller: &[u8]) -> Vec<u8> {
    let mut c = Component::new();
    let mut clock = InstanceType::new();
    clock
        .ty()
        .function()
        .params([] as [(&str, ComponentValType); 0])
        .result(Some(ComponentValType::Primitive(PrimitiveValType::U64)));
    clock.export("now", ComponentTypeRef::Func(0));
    let mut types = ComponentTypeSection::new();
    types.instance(&clock);
    c.section(&types);
    let mut imports = ComponentImportSection::new();
    imports.import(CLOCK, ComponentTypeRef::Instance(0));
    c.section(&imports);
    for bytes in [callee, caller] {
        c.section(&RawSection {
            id: ComponentSectionId::Component.into(),
            data: bytes,
        });
    }
    // Instances: 0 the clock, 1 the callee, 2 its math, 3 the caller.
    let mut callee_instance = ComponentInstanceSection::new();
    callee_instance.instantiate(0, [] as [(&str, ComponentExportKind, u32); 0]);
    c.section(&callee_instance);
    let mut math = ComponentAliasSection::new();
    math.alias(Alias::InstanceExport {
        instance: 1,
        kind: ComponentExportKind::Instance,
        name: MATH,
    });
    c.section(&math);
    let mut caller_instance = ComponentInstanceSection::new();
    caller_instance.instantiate(
        1,
        [
            (MATH, ComponentExportKind::Instance, 2),
            (CLOCK, ComponentExportKind::Instance, 0),
        ],
    );
    c.section(&caller_instance);
    let mut funcs = ComponentAliasSection::new();
    for name in EXPORTS {
        funcs.alias(Alias::InstanceExport {
            instance: 3,
            kind: ComponentExportKind::Func,
            name,
        });
    }
    c.section(&funcs);
    let mut exports = ComponentExportSection::new();
    for (i, name) in EXPORTS.iter().enumerate() {
        exports.export(*name, ComponentExportKind::Func, i as u32, None);
    }
    c.section(&exports);
    c.finish()
}
