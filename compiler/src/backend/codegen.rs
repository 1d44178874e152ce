//! Codegen units: translate a batch of functions, optimize, emit its object,
//! free it. Units run in parallel and never share an LLVM context.

use crate::analysis::plan::{self, Tier};
use crate::analysis::{analyze, Analysis, ModulePlan};
use crate::backend::across;
use crate::backend::pipeline::{emit, optimize, passes, Emit};
use crate::error::{CompileError, Result};
use crate::llvm::target::{target_machine, target_machine_for, Target};
use crate::llvm::unit::UnitCx;
use crate::options::CompileOptions;
use crate::translate::translate_function;
use inkwell::context::Context;
use kiln_abi::module::ModuleDescription;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

pub struct CompiledModule {
    /// One object per codegen unit, the metadata unit last.
    pub objects: Vec<Vec<u8>>,
    pub triple: String,
    /// Wall time of each step, in order, for `--timings`.
    pub phases: Vec<(String, std::time::Duration)>,
    /// What the module offers other modules of its component to inline
    /// (`CompileOptions::offered`).
    pub bodies: Vec<across::Bodies>,
}

/// Called as codegen units finish: (functions compiled, functions in total).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// What a caller of `compile_with` hears of, and decides, along the way.
#[derive(Default)]
pub struct Hooks<'a> {
    pub progress: Option<Progress<'a>>,
    /// Called once the module is parsed and validated, before any code is
    /// generated: an error refuses the module's imports (`kiln build`
    /// checks them against the host it links in).
    pub check_imports: Option<&'a dyn Fn(&ModuleDescription) -> std::result::Result<(), String>>,
    /// The same for a component, once it is flattened.
    pub check_component_imports: Option<crate::component::CheckComponentImports<'a>>,
}

pub fn compile(wasm: &[u8], opts: &CompileOptions) -> Result<CompiledModule> {
    compile_with(wasm, opts, Hooks::default())
}

/// Compile a core module or a component.
pub fn compile_with(wasm: &[u8], opts: &CompileOptions, hooks: Hooks) -> Result<CompiledModule> {
    if wasmparser::Parser::is_component(wasm) {
        return crate::component::compile(wasm, opts, hooks);
    }
    let progress = hooks.progress;
    let mut clock = Clock::start();
    let analysis = analyze(wasm, opts)?;
    let info = &analysis.info;
    if let Some(check) = hooks.check_imports {
        check(&info.description).map_err(CompileError::Imports)?;
    }
    clock.lap("parse, validate and scan");
    let tm = target_machine(opts)?;
    let triple = tm.get_triple().as_str().to_string_lossy().into_owned();
    drop(tm);
    let plan = ModulePlan::new(&analysis, plan::units(info, opts));
    let units = &plan.units;
    clock.lap("plan: units, local functions, frozen tables, out-of-line callees");
    let total = info.bodies.len();
    let done = AtomicUsize::new(0);
    let report = |n: usize| {
        let now = done.fetch_add(n, Ordering::Relaxed) + n;
        if let Some(p) = progress {
            p(now, total);
        }
    };
    report(0);
    let (mut objects, bodies, busy) = compile_units(&analysis, &plan, opts, &report)?;
    clock.lap(&format!("codegen: {} units of functions", units.len()));
    for tier in [Tier::Optimized, Tier::Fast, Tier::Baseline] {
        let of_tier = || (0..units.len()).filter(|&n| units[n].tier == tier);
        if of_tier().next().is_none() {
            continue;
        }
        let bytes: u64 = of_tier().map(|n| units[n].bytes).sum();
        let functions: usize = of_tier().map(|n| units[n].bodies.len()).sum();
        // Thread time, summed: not a step of the wall-clock sequence.
        clock.note(
            &format!(
                "  of which {tier:?} tier: {} units, {functions} functions, {:.1} MB of wasm (thread time)",
                of_tier().count(),
                bytes as f64 / 1e6
            ),
            of_tier().map(|n| busy[n]).sum(),
        );
    }
    let mut unwind = Vec::new();
    if Target::of(opts).omits_frame_pointers() {
        for object in &objects {
            crate::backend::frames::unwind_table(object, &opts.prefix, &mut unwind)?;
        }
        clock.lap("unwind table");
    }
    objects.push(crate::backend::metadata::compile_metadata_unit(
        &analysis, &plan, opts, &unwind,
    )?);
    clock.lap("codegen: metadata unit");
    Ok(CompiledModule {
        objects,
        triple,
        phases: clock.phases,
        bodies,
    })
}

/// Compile every unit on `opts.jobs` threads (0: one per available core),
/// the costliest units first so that no thread is left with a long one at
/// the end. Objects come back in unit order, whatever order they finish in.
fn compile_units(
    analysis: &Analysis,
    plan: &ModulePlan,
    opts: &CompileOptions,
    report: &(dyn Fn(usize) + Sync),
) -> Result<(Vec<Vec<u8>>, Vec<across::Bodies>, Vec<std::time::Duration>)> {
    let units = &plan.units;
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&n| (std::cmp::Reverse(units[n].cost()), n));
    let jobs = opts.threads().clamp(1, units.len().max(1));
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    type Done = (Result<Compiled>, std::time::Duration);
    let results: Vec<Mutex<Option<Done>>> = units.iter().map(|_| Mutex::new(None)).collect();
    let work = || loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        if k >= order.len() || failed.load(Ordering::Relaxed) {
            break;
        }
        let n = order[k];
        let start = std::time::Instant::now();
        let object = compile_unit(analysis, plan, opts, n, &units[n], Emit::Object);
        failed.fetch_or(object.is_err(), Ordering::Relaxed);
        report(units[n].bodies.len());
        *results[n].lock().unwrap_or_else(|e| e.into_inner()) = Some((object, start.elapsed()));
    };
    std::thread::scope(|s| {
        for i in 0..jobs {
            // LLVM recurses on deep expressions and long functions: give it
            // room (address space only; untouched pages cost nothing).
            std::thread::Builder::new()
                .name(format!("kiln-codegen-{i}"))
                .stack_size(64 << 20)
                .spawn_scoped(s, work)
                .map(|_| ())
                .unwrap_or_else(|_| work());
        }
    });
    let mut objects = Vec::with_capacity(units.len());
    let mut bodies = Vec::new();
    let mut busy = Vec::with_capacity(units.len());
    for r in results {
        // None: skipped after another unit failed; that failure is reported.
        if let Some((compiled, time)) = r.into_inner().unwrap_or_else(|e| e.into_inner()) {
            let compiled = compiled?;
            objects.push(compiled.output);
            bodies.extend(compiled.offered);
            busy.push(time);
        }
    }
    if objects.len() != units.len() {
        return Err(CompileError::Target(
            "codegen stopped without an error".into(),
        ));
    }
    Ok((objects, bodies, busy))
}

/// Wall time between named points.
struct Clock {
    last: std::time::Instant,
    phases: Vec<(String, std::time::Duration)>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            last: std::time::Instant::now(),
            phases: Vec::new(),
        }
    }

    /// A figure that is not a step: printed, not counted in the total.
    fn note(&mut self, name: &str, d: std::time::Duration) {
        self.phases.push((name.to_string(), d));
    }

    fn lap(&mut self, name: &str) {
        let now = std::time::Instant::now();
        self.phases.push((name.to_string(), now - self.last));
        self.last = now;
    }
}

/// The optimized LLVM IR of a whole module as one unit (for IR tests).
pub fn compile_to_ir(wasm: &[u8], opts: &CompileOptions) -> Result<String> {
    whole_module(wasm, opts, Emit::Ir)
}

/// The assembly of a whole module as one unit (for tests of what the code
/// generators do, such as loop alignment).
pub fn compile_to_asm(wasm: &[u8], opts: &CompileOptions) -> Result<String> {
    whole_module(wasm, opts, Emit::Asm)
}

fn whole_module(wasm: &[u8], opts: &CompileOptions, what: Emit) -> Result<String> {
    if wasmparser::Parser::is_component(wasm) && what == Emit::Ir {
        return crate::component::compile_to_ir(wasm, opts);
    }
    let text = one_unit(wasm, opts, what)?.output;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// A core module's optimized IR as one unit, and what it offers other
/// modules of its component to inline.
pub(crate) fn whole_module_ir(
    wasm: &[u8],
    opts: &CompileOptions,
) -> Result<(String, Vec<across::Bodies>)> {
    let compiled = one_unit(wasm, opts, Emit::Ir)?;
    let ir = String::from_utf8_lossy(&compiled.output).into_owned();
    Ok((ir, compiled.offered.into_iter().collect()))
}

/// A core module compiled as one unit of the optimized tier.
fn one_unit(wasm: &[u8], opts: &CompileOptions, what: Emit) -> Result<Compiled> {
    let analysis = analyze(wasm, opts)?;
    let unit = plan::Unit {
        tier: Tier::Optimized,
        bodies: (0..analysis.info.bodies.len()).collect(),
        bytes: 0,
    };
    let plan = ModulePlan::new(&analysis, vec![unit]);
    compile_unit(&analysis, &plan, opts, 0, &plan.units[0], what)
}

/// A unit's object (or text), and what it offers to inline elsewhere.
struct Compiled {
    output: Vec<u8>,
    offered: Option<across::Bodies>,
}

fn compile_unit(
    analysis: &Analysis,
    plan: &ModulePlan,
    opts: &CompileOptions,
    n: usize,
    unit: &plan::Unit,
    what: Emit,
) -> Result<Compiled> {
    let info = &analysis.info;
    let cx = Context::create();
    let u = UnitCx::new(
        &cx,
        &format!("{}_unit{n}", opts.prefix),
        analysis,
        plan,
        opts,
    );
    let tm = target_machine_for(opts, unit.tier)?;
    u.module.set_triple(&tm.get_triple());
    u.module
        .set_data_layout(&tm.get_target_data().get_data_layout());
    let b = cx.create_builder();
    for &i in &unit.bodies {
        let func_index = info.num_imported_funcs + i as u32;
        translate_function(&u, &b, func_index, &info.bodies[i], &analysis.functions[i])?;
    }
    // Debugging aid for LLVM crashes: KILN_DUMP_UNITS=DIR writes each
    // unit's IR before optimization, named by its function range.
    if let Some(dir) = std::env::var_os("KILN_DUMP_UNITS") {
        let first = info.num_imported_funcs as usize + unit.bodies[0];
        let path = std::path::Path::new(&dir).join(format!(
            "unit{n}-{:?}-f{first}-{}funcs.ll",
            unit.tier,
            unit.bodies.len()
        ));
        let _ = u.module.print_to_file(&path);
    }
    // Only the optimized tier's pipeline inlines.
    if unit.tier == Tier::Optimized && opts.opt_level > 0 {
        across::take(&cx, &u.module, &opts.inlinable);
    }
    optimize(&u.module, &tm, &passes(opts, unit.tier))?;
    // Before stack checks: a caller that inlines brings its own.
    let offered = match opts.offered.is_empty() {
        true => None,
        false => across::offer(&u.module, &opts.offered, &tm),
    };
    crate::translate::stack_check::insert(&u, &b)?;
    crate::backend::frames::choose(&u);
    export_survivors(&u, unit);
    Ok(Compiled {
        output: emit(&u.module, &tm, what)?,
        offered,
    })
}

/// After optimization: give what remains of this unit's local functions a
/// hidden global symbol, so the metadata unit's weak references find them.
fn export_survivors(u: &UnitCx, unit: &plan::Unit) {
    for &b in &unit.bodies {
        let index = u.info.num_imported_funcs + b as u32;
        if !u.plan.is_local(index) {
            continue;
        }
        if let Some(f) = u.module.get_function(&u.func_symbol(index)) {
            if f.count_basic_blocks() > 0 {
                f.as_global_value()
                    .set_linkage(inkwell::module::Linkage::External);
                f.as_global_value()
                    .set_visibility(inkwell::GlobalVisibility::Hidden);
            }
        }
    }
}

impl From<inkwell::builder::BuilderError> for CompileError {
    fn from(e: inkwell::builder::BuilderError) -> Self {
        CompileError::Codegen {
            func: u32::MAX,
            message: e.to_string(),
        }
    }
}
