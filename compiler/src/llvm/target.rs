//! What differs by target: the LLVM target machine kiln asks for, and
//! every choice kiln makes for x86_64 alone. Code elsewhere asks these
//! questions instead of looking at the triple.

use crate::analysis::plan::Tier;
use crate::error::{CompileError, Result};
use crate::llvm::unit::UnitCx;
use crate::options::CompileOptions;
use inkwell::builder::Builder;
use inkwell::targets::{
    CodeModel, InitializationConfig, RelocMode, Target as LlvmTarget, TargetMachine, TargetTriple,
};
use inkwell::values::{CallSiteValue, IntValue};
use inkwell::OptimizationLevel;
use kiln_abi::TrapCode;
use std::sync::Once;

pub fn host_triple() -> String {
    TargetMachine::get_default_triple()
        .as_str()
        .to_string_lossy()
        .into_owned()
}

/// The target of a compile, as the code generator's choices depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    x86_64: bool,
}

impl Target {
    pub fn of(opts: &CompileOptions) -> Target {
        let triple = opts.target.clone().unwrap_or_else(host_triple);
        Target {
            x86_64: triple.starts_with("x86_64-"),
        }
    }

    /// Traps are trap instructions (`kiln_abi::trap_instruction`), which the
    /// signal handler decodes; elsewhere a call to the trap builtin.
    pub fn traps_by_instruction(self) -> bool {
        self.x86_64
    }

    /// No function keeps a frame pointer; backtraces follow the unwind
    /// table read from the objects (`backend::frames`). Elsewhere every
    /// function keeps its frame record.
    pub fn omits_frame_pointers(self) -> bool {
        self.x86_64
    }

    /// `call_indirect` through a frozen table jumps into a jump table;
    /// elsewhere it loads from an array of code pointers
    /// (`translate::call_targets`).
    pub fn calls_through_jump_tables(self) -> bool {
        self.x86_64
    }

    /// A function that calls nothing but wasm functions needs no stack
    /// check: running past the limit ends in the guard page, and the fault
    /// in wasm code is reported as stack exhaustion (`stack_check`).
    pub fn guard_page_stops_wasm_recursion(self) -> bool {
        self.x86_64
    }

    /// Frames larger than a page touch each page on the way down, so that
    /// none steps over the stack's guard page.
    pub fn probes_stack_inline(self) -> bool {
        self.x86_64
    }

    /// Where this frame's stack is, for the stack check: on x86_64 the stack
    /// pointer itself, so that the check does not make the function keep a
    /// frame pointer; elsewhere the frame pointer.
    pub fn stack_position<'ctx>(
        self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
    ) -> Result<IntValue<'ctx>> {
        if !self.x86_64 {
            let fp = crate::llvm::ir::frame_address(u, b)?;
            return Ok(b.build_ptr_to_int(fp, u.t.i64, "")?);
        }
        let rsp = u.cx.metadata_node(&[u.cx.metadata_string("rsp").into()]);
        Ok(b.build_call(
            u.intrinsic("llvm.read_register", &[u.t.i64.into()]),
            &[rsp.into()],
            "sp",
        )?
        .try_as_basic_value()
        .basic()
        .unwrap()
        .into_int_value())
    }

    /// The trap instruction that raises `code` on behalf of wasm function
    /// `func_index`, where `traps_by_instruction`.
    pub fn trap_instruction<'ctx>(
        self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        code: TrapCode,
        func_index: u32,
    ) -> Result<CallSiteValue<'ctx>> {
        assert!(self.x86_64, "trap instructions are x86_64's");
        // The layout `kiln_abi::trap_instruction` decodes.
        let text = format!("ud2\n\t.byte {}\n\t.long {}", code as u32, func_index);
        let ty = u.t.void.fn_type(&[], false);
        let asm =
            u.cx.create_inline_asm(ty, text, String::new(), true, false, None, false);
        Ok(b.build_indirect_call(ty, asm, &[], "")?)
    }
}

fn init_llvm() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        LlvmTarget::initialize_all(&InitializationConfig::default());
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
///
/// The register coalescer is quadratic in the uses of a live interval it
/// joins into many times: in a huge function (CPython's 0.4 MB evaluation
/// loop) one interval is joined thousands of times, and its terminal rule
/// and use-list walks took most of the compile time. Capping joins of a
/// large interval at 16 and dropping the terminal rule brought CPython's
/// core module (5.9 MB of code, componentize-py) from 117 s to 78 s on two
/// cores; on `cargo xtask bench programs` no benchmark got slower beyond
/// noise (geomean 1.11 against 1.12 of native; interp 1.25 against 1.43).
const LLVM_OPTIONS: &[&str] = &[
    "-x86-experimental-pref-innermost-loop-alignment=5",
    "-large-interval-freq-threshold=16",
    "-terminal-rule=false",
];

/// Parse `LLVM_OPTIONS`, then, as a debugging aid, those in
/// `KILN_LLVM_ARGS="-opt=value ..."` (as `-C llvm-args` does for rustc,
/// e.g. to try vectorizer settings); an option named there replaces
/// kiln's own (LLVM rejects an option given twice).
fn set_llvm_options() {
    let from_env = std::env::var("KILN_LLVM_ARGS").unwrap_or_default();
    let from_env: Vec<&str> = from_env.split_whitespace().collect();
    let name = |a: &str| a.split('=').next().unwrap_or(a).to_string();
    let overridden: Vec<String> = from_env.iter().map(|a| name(a)).collect();
    let args: Vec<&str> = LLVM_OPTIONS
        .iter()
        .copied()
        .filter(|a| !overridden.contains(&name(a)))
        .chain(from_env.iter().copied())
        .collect();
    crate::llvm::raw::parse_command_line_options(&args);
}

pub(crate) fn target_machine(opts: &CompileOptions) -> Result<TargetMachine> {
    target_machine_for(opts, Tier::Optimized)
}

/// The target machine for a unit of `tier`.
pub(crate) fn target_machine_for(opts: &CompileOptions, tier: Tier) -> Result<TargetMachine> {
    init_llvm();
    let triple_str = opts.target.clone().unwrap_or_else(host_triple);
    let triple = TargetTriple::create(&triple_str);
    let target = LlvmTarget::from_triple(&triple)
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
        crate::llvm::raw::set_fast_instruction_selection(&tm);
    }
    Ok(tm)
}
