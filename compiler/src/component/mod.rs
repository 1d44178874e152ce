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

/// The modules in an order that has each after the modules its known
/// imports call (depth first; a cycle, which instantiation order rules
/// out, would only lose some inlining).
fn callees_first(known: &[std::collections::BTreeMap<u32, known::Target>]) -> Vec<usize> {
    fn visit(
        m: usize,
        known: &[std::collections::BTreeMap<u32, known::Target>],
        seen: &mut [bool],
        order: &mut Vec<usize>,
    ) {
        if std::mem::replace(&mut seen[m], true) {
            return;
        }
        for t in known[m].values() {
            visit(t.module, known, seen, order);
        }
        order.push(m);
    }
    let mut seen = vec![false; known.len()];
    let mut order = Vec::with_capacity(known.len());
    for m in 0..known.len() {
        visit(m, known, &mut seen, &mut order);
    }
    order
}

pub fn compile(wasm: &[u8], opts: &CompileOptions, hooks: Hooks) -> Result<CompiledModule> {
    let each = |bytes: &[u8], module_opts: &CompileOptions| {
        let hooks = Hooks {
            progress: None,
            ..Hooks::default()
        };
        compile_with(bytes, module_opts, hooks)
    };
    compile_modules(wasm, opts, hooks, &each)
}

/// The optimized IR of each core module of a component, each module as
/// one unit, in module order (for IR tests).
pub fn compile_to_ir(wasm: &[u8], opts: &CompileOptions) -> Result<String> {
    let each = |bytes: &[u8], module_opts: &CompileOptions| {
        let (ir, bodies) = crate::backend::codegen::whole_module_ir(bytes, module_opts)?;
        Ok(CompiledModule {
            objects: vec![ir.into_bytes()],
            triple: String::new(),
            phases: Vec::new(),
            bodies,
        })
    };
    let compiled = compile_modules(wasm, opts, Hooks::default(), &each)?;
    let modules = compiled.objects[..compiled.objects.len() - 1].iter();
    Ok(modules.map(|ir| String::from_utf8_lossy(ir)).collect())
}

/// A compile of one core module with its options.
type CompileModule<'a> = &'a dyn Fn(&[u8], &CompileOptions) -> Result<CompiledModule>;

fn compile_modules(
    wasm: &[u8],
    opts: &CompileOptions,
    hooks: Hooks,
    compile_module: CompileModule,
) -> Result<CompiledModule> {
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
    let known = match opts.keep_boundaries {
        true => vec![Default::default(); flat.modules.len()],
        false => known::known_imports(&flat, bytes_of, &opts.prefix)?,
    };
    // Each module's functions that others call directly, offered to them
    // for inlining; so a module is compiled after those it calls. Only
    // where traps are instructions: a trap builtin's call would name the
    // callee's function and module from the caller's frame.
    let mut offered = vec![Vec::new(); flat.modules.len()];
    let inlining = crate::llvm::target::Target::of(opts).traps_by_instruction();
    for k in known.iter().filter(|_| inlining) {
        for t in k.values() {
            offered[t.module].push(t.symbol.clone());
        }
    }
    for o in &mut offered {
        o.sort();
        o.dedup();
    }
    let mut compiled: Vec<Option<CompiledModule>> = (0..flat.modules.len()).map(|_| None).collect();
    for i in callees_first(&known) {
        let inlinable = known[i]
            .values()
            .map(|t| t.module)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .flat_map(|m| compiled[m].as_ref().map_or(&[][..], |c| &c.bodies[..]))
            .cloned()
            .collect();
        let module_opts = CompileOptions {
            prefix: module_prefix(&opts.prefix, i),
            known_imports: std::sync::Arc::new(
                known[i]
                    .iter()
                    .map(|(f, t)| (*f, t.symbol.clone()))
                    .collect(),
            ),
            offered: std::sync::Arc::new(std::mem::take(&mut offered[i])),
            inlinable: std::sync::Arc::new(inlinable),
            // Settings of a built program belong to the component.
            program: None,
            ..opts.clone()
        };
        compiled[i] = Some(compile_module(bytes_of(i), &module_opts)?);
    }
    for (i, c) in compiled.into_iter().enumerate() {
        let c = c.expect("every module compiled");
        objects.extend(c.objects);
        triple = c.triple;
        for (what, time) in c.phases {
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
        bodies: Vec::new(),
    })
}
