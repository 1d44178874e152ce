//! Components: translated (`translate.rs`), flattened into a static list
//! of core instantiations (`inline.rs`), each core module compiled by the
//! same backend as any module, and a descriptor tying them together for the
//! runtime (`descriptor.rs`). See docs/components.md for the plan.

mod adapter;
mod descriptor;
mod inline;
mod known;
mod task_return;
mod translate;
mod types;

use crate::backend::codegen::{compile_with, CompiledModule, Hooks};
use crate::error::{CompileError, Result};
use crate::options::CompileOptions;
use kiln_abi::component::ComponentDescription;

/// What `kiln build` checks before compiling a component: an error
/// refuses its imports.
pub type CheckComponentImports<'a> =
    &'a dyn Fn(&ComponentDescription) -> std::result::Result<(), String>;

/// The flattened description of component `wasm`, validated; nothing is
/// compiled.
pub fn describe(wasm: &[u8], opts: &CompileOptions) -> Result<ComponentDescription> {
    let t = translate::translate(wasm, opts.features)?;
    Ok(inline::flatten(&t)?.description)
}

/// Validate component `wasm` as kiln does before compiling it (core
/// modules with `core_features`), giving the first error with its offset.
pub fn validate(wasm: &[u8], core_features: wasmparser::WasmFeatures) -> Result<()> {
    wasmparser::Validator::new_with_features(translate::features(core_features))
        .validate_all(wasm)?;
    Ok(())
}

/// The symbol prefix of core module `i` of a component compiled with
/// prefix `prefix`.
pub fn module_prefix(prefix: &str, i: usize) -> String {
    format!("{prefix}_m{i}")
}

pub fn compile(wasm: &[u8], opts: &CompileOptions, hooks: Hooks) -> Result<CompiledModule> {
    let started = std::time::Instant::now();
    let t = translate::translate(wasm, opts.features)?;
    let flat = inline::flatten(&t)?;
    if let Some(check) = hooks.check_component_imports {
        check(&flat.description).map_err(CompileError::Imports)?;
    }
    let mut phases = vec![(
        "component: validate, translate, flatten".to_string(),
        started.elapsed(),
    )];
    let mut objects = Vec::new();
    let mut triple = String::new();
    let bytes_of = |i: usize| match &flat.modules[i] {
        inline::ModuleSource::Static(m) => &wasm[t.modules[*m].range.clone()],
        inline::ModuleSource::Adapter(bytes) => &bytes[..],
    };
    let mut known = match opts.keep_boundaries {
        true => vec![Default::default(); flat.modules.len()],
        false => known::known_imports(&flat, bytes_of, &opts.prefix)?,
    };
    for i in 0..flat.modules.len() {
        let bytes = bytes_of(i);
        let module_opts = CompileOptions {
            prefix: module_prefix(&opts.prefix, i),
            known_imports: std::sync::Arc::new(std::mem::take(&mut known[i])),
            // Settings of a built program belong to the component.
            program: None,
            ..opts.clone()
        };
        let compiled = compile_with(
            bytes,
            &module_opts,
            Hooks {
                progress: None,
                ..Hooks::default()
            },
        )?;
        objects.extend(compiled.objects);
        triple = compiled.triple;
        for (what, time) in compiled.phases {
            phases.push((format!("core module {i}: {what}"), time));
        }
    }
    let started = std::time::Instant::now();
    objects.push(descriptor::compile_descriptor(&flat.description, opts)?);
    phases.push(("component descriptor".to_string(), started.elapsed()));
    if triple.is_empty() {
        triple = crate::llvm::target::target_machine(opts)?
            .get_triple()
            .as_str()
            .to_string_lossy()
            .into_owned();
    }
    Ok(CompiledModule {
        objects,
        triple,
        phases,
    })
}
