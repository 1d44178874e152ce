//! Codegen units: translate a batch of functions, optimize, emit its object,
//! free it. Units run in parallel and never share an LLVM context.

use crate::error::{CompileError, Result};
use crate::module::ModuleInfo;
use crate::translate::translate_function;
use crate::unit::UnitCx;
use crate::CompileOptions;
use inkwell::context::Context;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{
    CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple,
};
use inkwell::OptimizationLevel;
use rayon::prelude::*;
use std::sync::Once;

/// Wasm bytes per unit before a new one starts: small enough for bounded
/// memory, large enough that LLVM sees callers and callees together.
const UNIT_BYTES: u64 = 256 * 1024;

pub struct CompiledModule {
    /// One object per codegen unit, the metadata unit last.
    pub objects: Vec<Vec<u8>>,
    pub triple: String,
}

pub fn host_triple() -> String {
    TargetMachine::get_default_triple()
        .as_str()
        .to_string_lossy()
        .into_owned()
}

fn init_llvm() {
    static INIT: Once = Once::new();
    INIT.call_once(|| Target::initialize_all(&InitializationConfig::default()));
}

pub(crate) fn target_machine(opts: &CompileOptions) -> Result<TargetMachine> {
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
        1 => OptimizationLevel::Less,
        2 => OptimizationLevel::Default,
        _ => OptimizationLevel::Aggressive,
    };
    target
        .create_target_machine(
            &triple,
            &cpu,
            &features,
            level,
            RelocMode::PIC,
            CodeModel::Default,
        )
        .ok_or_else(|| CompileError::Target(format!("{triple_str} with cpu {cpu}")))
}

/// Split defined functions into index ranges of bounded wasm size.
fn units(info: &ModuleInfo) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, body) in info.bodies.iter().enumerate() {
        bytes += body.range().end - body.range().start;
        if bytes >= UNIT_BYTES {
            out.push(start..i + 1);
            start = i + 1;
            bytes = 0;
        }
    }
    if start < info.bodies.len() {
        out.push(start..info.bodies.len());
    }
    out
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
    crate::validate(wasm, opts.features)?;
    let info = ModuleInfo::parse(wasm)?;
    let tm = target_machine(opts)?;
    let triple = tm.get_triple().as_str().to_string_lossy().into_owned();
    drop(tm);
    let ranges = units(&info);
    let total = info.bodies.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let report = |n: usize| {
        let now = done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
        if let Some(p) = progress {
            p(now, total);
        }
    };
    report(0);
    let run = || -> Result<Vec<Vec<u8>>> {
        ranges
            .par_iter()
            .enumerate()
            .map(|(n, r)| {
                let object = compile_unit(&info, opts, n, r.clone(), false);
                report(r.len());
                object
            })
            .collect()
    };
    let mut objects = if opts.jobs == 0 {
        run()?
    } else {
        rayon::ThreadPoolBuilder::new()
            .num_threads(opts.jobs)
            .build()
            .map_err(|e| CompileError::Target(format!("thread pool: {e}")))?
            .install(run)?
    };
    objects.push(crate::metadata::compile_metadata_unit(&info, opts)?);
    Ok(CompiledModule { objects, triple })
}

/// The optimized LLVM IR of a whole module as one unit (for IR tests).
pub fn compile_to_ir(wasm: &[u8], opts: &CompileOptions) -> Result<String> {
    crate::validate(wasm, opts.features)?;
    let info = ModuleInfo::parse(wasm)?;
    let ir = compile_unit(&info, opts, 0, 0..info.bodies.len(), true)?;
    Ok(String::from_utf8_lossy(&ir).into_owned())
}

fn compile_unit(
    info: &ModuleInfo,
    opts: &CompileOptions,
    n: usize,
    range: std::ops::Range<usize>,
    want_ir: bool,
) -> Result<Vec<u8>> {
    let cx = Context::create();
    let u = UnitCx::new(&cx, &format!("{}_unit{n}", opts.prefix), info, opts);
    let tm = target_machine(opts)?;
    u.module.set_triple(&tm.get_triple());
    u.module
        .set_data_layout(&tm.get_target_data().get_data_layout());
    let b = cx.create_builder();
    for i in range.clone() {
        let func_index = info.num_imported_funcs + i as u32;
        translate_function(&u, &b, func_index, &info.bodies[i])?;
    }
    // Debugging aid for LLVM crashes: KILN_DUMP_UNITS=DIR writes each
    // unit's IR before optimization, named by its function range.
    if let Some(dir) = std::env::var_os("KILN_DUMP_UNITS") {
        let first = info.num_imported_funcs as usize + range.start;
        let path =
            std::path::Path::new(&dir).join(format!("unit{n}-f{first}-{}.ll", first + range.len()));
        let _ = u.module.print_to_file(&path);
    }
    optimize_and_emit(&u.module, &tm, opts, want_ir)
}

pub(crate) fn optimize_and_emit(
    module: &inkwell::module::Module,
    tm: &TargetMachine,
    opts: &CompileOptions,
    want_ir: bool,
) -> Result<Vec<u8>> {
    module.verify().map_err(|e| CompileError::Codegen {
        func: u32::MAX,
        message: e.to_string(),
    })?;
    let passes = format!("default<O{}>", opts.opt_level.min(3));
    module
        .run_passes(&passes, tm, PassBuilderOptions::create())
        .map_err(|e| CompileError::Codegen {
            func: u32::MAX,
            message: e.to_string(),
        })?;
    if want_ir {
        return Ok(module.print_to_string().to_bytes().to_vec());
    }
    let buf = tm
        .write_to_memory_buffer(module, FileType::Object)
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
