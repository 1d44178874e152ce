//! Codegen units: translate a batch of functions, optimize, emit its object,
//! free it. Units run in parallel and never share an LLVM context.

use crate::analysis::plan::{self, Tier};
use crate::analysis::{analyze, Analysis, ModulePlan};
use crate::error::{CompileError, Result};
use crate::llvm::unit::UnitCx;
use crate::options::CompileOptions;
use crate::translate::translate_function;
use inkwell::context::Context;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{
    CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple,
};
use inkwell::OptimizationLevel;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::sync::Once;

pub struct CompiledModule {
    /// One object per codegen unit, the metadata unit last.
    pub objects: Vec<Vec<u8>>,
    pub triple: String,
    /// Wall time of each step, in order, for `--timings`.
    pub phases: Vec<(String, std::time::Duration)>,
}

pub fn host_triple() -> String {
    TargetMachine::get_default_triple()
        .as_str()
        .to_string_lossy()
        .into_owned()
}

/// Whether `opts` compile for x86_64, where traps are trap instructions
/// and functions that call keep no frame pointer (`frames`).
pub(crate) fn targets_x86_64(opts: &CompileOptions) -> bool {
    opts.target
        .clone()
        .unwrap_or_else(host_triple)
        .starts_with("x86_64-")
}

fn init_llvm() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        Target::initialize_all(&InitializationConfig::default());
        set_llvm_options();
    });
}

/// Options kiln gives LLVM's code generators, which have no per-module
/// setting. Innermost loops start on a 32-byte boundary, not 16: a small
/// hot loop that crosses a 32-byte fetch window costs an extra fetch per
/// iteration on current x86 cores, and where a loop falls was otherwise
/// an accident of how much code came before it. On AMD's Zen 4 the same
/// code of lz's match loop ran 1.4x slower at one address than at
/// another; with this option lz, interp, recursion and sqlite ran 5-10%
/// faster (same run, 5 runs each) and no benchmark slower beyond noise.
/// Padding costs about 1 KiB in a 6 MiB program.
const LLVM_OPTIONS: &[&str] = &["-x86-experimental-pref-innermost-loop-alignment=5"];

/// Parse `LLVM_OPTIONS`, then, as a debugging aid, those in
/// `KILN_LLVM_ARGS="-opt=value ..."` (as `-C llvm-args` does for rustc,
/// e.g. to try vectorizer settings); an option named there replaces
/// kiln's own (LLVM rejects an option given twice).
fn set_llvm_options() {
    let from_env = std::env::var("KILN_LLVM_ARGS").unwrap_or_default();
    let from_env: Vec<&str> = from_env.split_whitespace().collect();
    let name = |a: &str| a.split('=').next().unwrap_or(a).to_string();
    let overridden: Vec<String> = from_env.iter().map(|a| name(a)).collect();
    let argv: Vec<std::ffi::CString> = std::iter::once("kiln")
        .chain(
            LLVM_OPTIONS
                .iter()
                .copied()
                .filter(|a| !overridden.contains(&name(a))),
        )
        .chain(from_env.iter().copied())
        .filter_map(|a| std::ffi::CString::new(a).ok())
        .collect();
    let ptrs: Vec<*const std::os::raw::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    // SAFETY: `ptrs` points into `argv`, both alive for the call; LLVM copies
    // what it keeps. Called once, before any other LLVM use (inside `INIT`).
    unsafe {
        llvm_sys::support::LLVMParseCommandLineOptions(
            ptrs.len() as i32,
            ptrs.as_ptr(),
            std::ptr::null(),
        )
    };
}

pub(crate) fn target_machine(opts: &CompileOptions) -> Result<TargetMachine> {
    target_machine_for(opts, Tier::Optimized)
}

fn target_machine_for(opts: &CompileOptions, tier: Tier) -> Result<TargetMachine> {
    init_llvm();
    let triple_str = opts.target.clone().unwrap_or_else(host_triple);
    let triple = TargetTriple::create(&triple_str);
    let target = Target::from_triple(&triple)
        .map_err(|e| CompileError::Target(format!("{triple_str}: {e}")))?;
    let arch = triple_str.split('-').next().unwrap_or("");
    if !matches!(arch, "x86_64" | "aarch64" | "riscv64") {
        return Err(CompileError::Target(format!(
            "{triple_str}: kiln generates code for x86_64, aarch64 and riscv64 targets"
        )));
    }
    let (cpu, features) = match opts.cpu.as_deref() {
        Some("native") => (
            TargetMachine::get_host_cpu_name().to_string(),
            TargetMachine::get_host_cpu_features().to_string(),
        ),
        Some(cpu) => (cpu.to_string(), String::new()),
        None => match arch {
            "x86_64" => ("x86-64-v2".to_string(), String::new()),
            _ => ("generic".to_string(), String::new()),
        },
    };
    let level = match opts.opt_level {
        0 => OptimizationLevel::None,
        _ if tier == Tier::Fast => OptimizationLevel::Less,
        _ if tier == Tier::Baseline => OptimizationLevel::None,
        1 => OptimizationLevel::Less,
        2 => OptimizationLevel::Default,
        _ => OptimizationLevel::Aggressive,
    };
    let tm = target
        .create_target_machine(
            &triple,
            &cpu,
            &features,
            level,
            RelocMode::PIC,
            CodeModel::Default,
        )
        .ok_or_else(|| CompileError::Target(format!("{triple_str} with cpu {cpu}")))?;
    if tier == Tier::Fast {
        // Fast instruction selection, as at -O0, falling back to the DAG
        // selector for what it cannot handle.
        // SAFETY: `tm` is a live target machine owned by this function.
        unsafe { llvm_sys::target_machine::LLVMSetTargetMachineFastISel(tm.as_mut_ptr(), 1) };
    }
    Ok(tm)
}

/// Called as codegen units finish: (functions compiled, functions in total).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

pub fn compile(wasm: &[u8], opts: &CompileOptions) -> Result<CompiledModule> {
    compile_with_progress(wasm, opts, None)
}

pub fn compile_with_progress(
    wasm: &[u8],
    opts: &CompileOptions,
    progress: Option<Progress>,
) -> Result<CompiledModule> {
    let mut clock = Clock::start();
    let analysis = analyze(wasm, opts)?;
    let info = &analysis.info;
    clock.lap("parse, validate and scan");
    let tm = target_machine(opts)?;
    let triple = tm.get_triple().as_str().to_string_lossy().into_owned();
    drop(tm);
    let plan = ModulePlan::new(&analysis, plan::units(info, opts))?;
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
    let (mut objects, busy) = compile_units(&analysis, &plan, opts, &report)?;
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
    if targets_x86_64(opts) {
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
) -> Result<(Vec<Vec<u8>>, Vec<std::time::Duration>)> {
    let units = &plan.units;
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&n| (std::cmp::Reverse(units[n].cost()), n));
    let jobs = opts.threads().clamp(1, units.len().max(1));
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    type Done = (Result<Vec<u8>>, std::time::Duration);
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
    let mut busy = Vec::with_capacity(units.len());
    for r in results {
        // None: skipped after another unit failed; that failure is reported.
        if let Some((object, time)) = r.into_inner().unwrap_or_else(|e| e.into_inner()) {
            objects.push(object?);
            busy.push(time);
        }
    }
    if objects.len() != units.len() {
        return Err(CompileError::Target(
            "codegen stopped without an error".into(),
        ));
    }
    Ok((objects, busy))
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

/// What a unit is compiled to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Emit {
    Object,
    /// Optimized LLVM IR.
    Ir,
    /// Assembly text.
    Asm,
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
    let analysis = analyze(wasm, opts)?;
    let unit = plan::Unit {
        tier: Tier::Optimized,
        bodies: (0..analysis.info.bodies.len()).collect(),
        bytes: 0,
    };
    let plan = ModulePlan::new(&analysis, vec![unit])?;
    let text = compile_unit(&analysis, &plan, opts, 0, &plan.units[0], what)?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

fn compile_unit(
    analysis: &Analysis,
    plan: &ModulePlan,
    opts: &CompileOptions,
    n: usize,
    unit: &plan::Unit,
    what: Emit,
) -> Result<Vec<u8>> {
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
    optimize(&u.module, &tm, &passes(opts, unit.tier))?;
    crate::translate::stack_check::insert(&u, &b)?;
    crate::backend::frames::choose(&u);
    export_survivors(&u, unit);
    emit(&u.module, &tm, what)
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

/// The IR pipeline of a unit.
pub(crate) fn passes(opts: &CompileOptions, tier: Tier) -> String {
    match tier {
        Tier::Fast | Tier::Baseline if opts.opt_level > 0 => {
            "function(sroa,early-cse<memssa>,instcombine<no-verify-fixpoint>,simplifycfg)".into()
        }
        _ => format!("default<O{}>", opts.opt_level.min(3)),
    }
}

pub(crate) fn optimize_and_emit(
    module: &inkwell::module::Module,
    tm: &TargetMachine,
    passes: &str,
    what: Emit,
) -> Result<Vec<u8>> {
    optimize(module, tm, passes)?;
    emit(module, tm, what)
}

/// What the inliner may spend on a call site beyond LLVM's own threshold
/// for the level (225 at -O1 and -O2, 250 at -O3), tuned for clang's IR of
/// native code. The same function costs about 25 more in kiln's IR: its
/// memory base and globals are loads from the vmctx, and a C function with
/// a local array moves the shadow-stack pointer (a wasm global: load,
/// update, restore) where native code has a free alloca. json's `string`
/// cost exactly 225 (inlined only below) where clang inlines it natively,
/// and it ran 1.34x native for it.
const WASM_INLINE_ALLOWANCE: i32 = 25;

/// The inline threshold for a default pipeline, None for others.
fn inline_threshold(passes: &str) -> Option<i32> {
    match passes {
        "default<O1>" | "default<O2>" => Some(225 + WASM_INLINE_ALLOWANCE),
        "default<O3>" => Some(250 + WASM_INLINE_ALLOWANCE),
        _ => None,
    }
}

/// Verify the unit's IR and run the pass pipeline `passes` over it.
fn optimize(module: &inkwell::module::Module, tm: &TargetMachine, passes: &str) -> Result<()> {
    module.verify().map_err(|e| CompileError::Codegen {
        func: u32::MAX,
        message: e.to_string(),
    })?;
    let options = PassBuilderOptions::create();
    if let Some(threshold) = inline_threshold(passes) {
        // SAFETY: `options` is a live pass-builder options object, and the
        // call only stores the number in it.
        unsafe {
            inkwell::llvm_sys::transforms::pass_builder::LLVMPassBuilderOptionsSetInlinerThreshold(
                options.as_mut_ptr(),
                threshold,
            );
        }
    }
    module
        .run_passes(passes, tm, options)
        .map_err(|e| CompileError::Codegen {
            func: u32::MAX,
            message: e.to_string(),
        })
}

/// The unit's object code, IR text or assembly text.
fn emit(module: &inkwell::module::Module, tm: &TargetMachine, what: Emit) -> Result<Vec<u8>> {
    let file_type = match what {
        Emit::Ir => return Ok(module.print_to_string().to_bytes().to_vec()),
        Emit::Object => FileType::Object,
        Emit::Asm => FileType::Assembly,
    };
    let buf = tm
        .write_to_memory_buffer(module, file_type)
        .map_err(|e| CompileError::Codegen {
            func: u32::MAX,
            message: e.to_string(),
        })?;
    Ok(buf.as_slice().to_vec())
}

impl From<inkwell::builder::BuilderError> for CompileError {
    fn from(e: inkwell::builder::BuilderError) -> Self {
        CompileError::Codegen {
            func: u32::MAX,
            message: e.to_string(),
        }
    }
}
