//! Stack-limit checks, put in after the unit's optimization pipeline.
//!
//! Every function but a small leaf (see `arrange`) checks on entry that
//! its frame lies above the runtime's stack limit, so that exhaustion is a
//! trap, never a fault. The translator only marks such a function with the
//! attribute `kiln-stack-check` (its wasm index as the value) and holds on
//! to its vmctx (`hold_vmctx`); `insert` writes the check once LLVM is done
//! with the function. A function with too many locals to count as small
//! gets its check at once: it is too big to be inlined anyway.
//!
//! On x86_64 a function whose optimized code calls nothing but wasm
//! functions needs no check either (`calls_out`). The check exists so that
//! host code (imports, runtime builtins, library calls) always has the
//! runtime's reserve below the limit to run in; wasm code that runs past
//! the limit without calling host code ends in the guard page below the
//! thread's stack, and the signal handler reports the fault, which is in
//! wasm code, as call stack exhausted. Every path out of such a recursion
//! into host code passes a function that checks, and a failed check traps
//! with a trap instruction, which needs no stack. Frames larger than a
//! page are probed page by page (`probe-stack`), so none steps over the
//! guard page. Such a function gets no hold, so a private recursion that
//! only passes its vmctx on loses it as native code would (`fib`).
//!
//! Why not earlier: LLVM's inliner would count the check, and its cold
//! path that calls the trap builtin, as part of every callee: about 90 of
//! the 225 that -O2 allows a callee at one call site (the hold costs 10).
//! The check is
//! machinery native code does not have, so it kept functions out of line
//! that clang inlines natively (json's `string` into `value`). And an
//! inlined check is dead weight: the caller's own check on entry already
//! covers the inlined body, whose locals become part of the caller's
//! frame, bounded as any frame is by the runtime's reserve below the
//! limit. Only functions with a check of their own have calls to inline
//! (a small leaf has none); a trampoline that inlines the function it
//! enters is called from the host, and a recursion always runs through
//! some call that was not inlined, into a function that checks.

use crate::analysis::scan::FunctionFacts;
use crate::error::{CompileError, Result};
use crate::llvm::unit::UnitCx;
use crate::translate::env::FuncEnv;
use inkwell::attributes::AttributeLoc;
use inkwell::builder::Builder;
use inkwell::types::FunctionType;
use inkwell::values::{AsValueRef, BasicValueEnum, FunctionValue, InstructionOpcode, PointerValue};
use kiln_abi::TrapCode;

pub(crate) const ATTRIBUTE: &str = "kiln-stack-check";

/// Locals (parameters included) a leaf may have and still skip the stack
/// check: with spills its frame stays far below the runtime's reserve.
const SMALL_LEAF_LOCALS: usize = 1000;

/// Give `func`, just translated from wasm function `func_index` with
/// `locals` locals, what it needs: nothing for a small leaf, a check now
/// for a function with many locals, the mark for `insert` otherwise.
///
/// A small leaf calls no wasm function and has few locals: its frame is
/// bounded, and the runtime keeps 256 KiB of stack below the limit for host
/// code, so it needs no check of its own; only its callers, which check
/// theirs, can exhaust the stack. Leaves are the most called functions.
pub fn arrange<'ctx>(
    u: &UnitCx<'ctx, '_>,
    b: &Builder<'ctx>,
    func: FunctionValue<'ctx>,
    func_index: u32,
    facts: &FunctionFacts,
) -> Result<()> {
    if facts.locals > SMALL_LEAF_LOCALS {
        return check_on_entry(u, b, func, func_index);
    }
    if !facts.calls_wasm {
        return Ok(());
    }
    let value = func_index.to_string();
    let attr = u.cx.create_string_attribute(ATTRIBUTE, &value);
    func.add_attribute(AttributeLoc::Function, attr);
    if u.target.guard_page_stops_wasm_recursion() && !facts.calls_host {
        // Likely to need no check (see the module comment); should inlining
        // bring in a call out, it brings a use of the vmctx with it.
        return Ok(());
    }
    hold_vmctx(u, b, func)
}

/// The call-site attribute of a call out that checks the stack itself
/// before it (the interrupt check's call of the runtime): it does not
/// make its function check on entry.
pub const CHECKED_CALL: &str = "kiln-checked-call";

/// What a call in optimized IR calls.
enum Callee {
    /// Inline assembly (a trap instruction, a vmctx hold): no call at all.
    InlineAsm,
    /// A call out that checks the stack itself (`CHECKED_CALL`).
    Checked,
    /// A function by name: wasm, an intrinsic, a library routine.
    Named(String),
    /// A pointer known only at run time.
    Indirect,
}

/// The callee of every call in optimized `func`.
fn callees<'ctx>(func: FunctionValue<'ctx>) -> impl Iterator<Item = Callee> + 'ctx {
    func.get_basic_block_iter()
        .flat_map(|block| block.get_instructions())
        .filter(|inst| {
            matches!(
                inst.get_opcode(),
                InstructionOpcode::Call | InstructionOpcode::Invoke | InstructionOpcode::CallBr
            )
        })
        .map(|inst| {
            let checked = inkwell::values::CallSiteValue::try_from(inst).is_ok_and(|call| {
                let loc = inkwell::attributes::AttributeLoc::Function;
                call.get_string_attribute(loc, CHECKED_CALL).is_some()
            });
            if checked {
                return Callee::Checked;
            }
            let n = inst.get_num_operands();
            let Some(callee) = inst.get_operand(n - 1).and_then(|o| o.value()) else {
                return Callee::Indirect;
            };
            if crate::llvm::raw::is_inline_asm(callee) {
                return Callee::InlineAsm;
            }
            match callee {
                BasicValueEnum::PointerValue(p) if !p.is_const() => Callee::Indirect,
                _ => Callee::Named(callee.get_name().to_string_lossy().into_owned()),
            }
        })
}

/// Whether optimized `func` calls anything but wasm functions and
/// intrinsics that become instructions: anything that may run host code.
fn calls_out(u: &UnitCx, func: FunctionValue) -> bool {
    let wasm_prefix = format!("{}_f", u.opts.prefix);
    callees(func).any(|callee| match callee {
        Callee::InlineAsm | Callee::Checked => false,
        Callee::Indirect => true,
        Callee::Named(name) => {
            let wasm = name
                .strip_prefix(&wasm_prefix)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()));
            !wasm && !inline_intrinsic(&name)
        }
    })
}

/// Intrinsics that wasm lowers to and the code generator turns into
/// instructions, never a library call (`llvm.memset` becomes one, and so
/// may `llvm.floor` on a CPU without SSE4.1).
pub(crate) fn inline_intrinsic(name: &str) -> bool {
    const INLINE: &[&str] = &[
        "llvm.lifetime.",
        "llvm.assume",
        "llvm.expect",
        "llvm.ctlz.",
        "llvm.cttz.",
        "llvm.ctpop.",
        "llvm.fshl.",
        "llvm.fshr.",
        "llvm.abs.",
        "llvm.smax.",
        "llvm.smin.",
        "llvm.umax.",
        "llvm.umin.",
        "llvm.bswap.",
        "llvm.sqrt.",
        "llvm.fabs.",
        "llvm.copysign.",
        "llvm.frameaddress.",
        "llvm.read_register.",
        "llvm.fptosi.sat.",
        "llvm.fptoui.sat.",
        "llvm.experimental.noalias.scope.decl",
    ];
    INLINE.iter().any(|p| name.starts_with(p))
}

/// Until the check is in, keep `func`'s vmctx in use and `func` impure,
/// with an empty `asm sideeffect` that takes the vmctx on entry: it costs
/// the inliner nothing (no instructions) and emits nothing. Without it,
/// dead-argument elimination drops the vmctx of a private function that
/// only passes it to itself (a recursive `fib`), and function-attrs infers
/// purity that a function which may trap does not have.
fn hold_vmctx<'ctx>(
    u: &UnitCx<'ctx, '_>,
    b: &Builder<'ctx>,
    func: FunctionValue<'ctx>,
) -> Result<()> {
    let entry = func.get_first_basic_block().expect("a translated function");
    let end = entry.get_terminator().expect("a translated function");
    b.position_before(&end);
    let vmctx = func.get_nth_param(0).expect("a vmctx parameter");
    b.build_indirect_call(hold_type(u), hold_asm(u), &[vmctx.into()], "")?;
    Ok(())
}

fn hold_type<'ctx>(u: &UnitCx<'ctx, '_>) -> FunctionType<'ctx> {
    u.t.void.fn_type(&[u.t.ptr.into()], false)
}

/// The empty asm of `hold_vmctx` (LLVM keeps one of each inline asm, so
/// every call to it calls this same value).
fn hold_asm<'ctx>(u: &UnitCx<'ctx, '_>) -> PointerValue<'ctx> {
    u.cx.create_inline_asm(
        hold_type(u),
        String::new(),
        "r".into(),
        true,
        false,
        None,
        false,
    )
}

/// Delete the holds, wherever inlining copied them: the checks are in, and
/// to the code generator an `asm sideeffect` is a barrier it may not
/// schedule across.
fn release_holds(u: &UnitCx) {
    let hold = hold_asm(u).as_value_ref();
    for func in u.module.get_functions() {
        for block in func.get_basic_block_iter() {
            let mut next = block.get_first_instruction();
            while let Some(inst) = next {
                next = inst.get_next_instruction();
                let n = inst.get_num_operands();
                if inst.get_opcode() == InstructionOpcode::Call
                    && n > 0
                    && inst
                        .get_operand(n - 1)
                        .and_then(|o| o.value())
                        .is_some_and(|callee| callee.as_value_ref() == hold)
                {
                    inst.erase_from_basic_block();
                }
            }
        }
    }
}

/// Give every marked function still in the unit its check, in a block of
/// its own ahead of the entry block (which hands over its static allocas:
/// they must stay in the first block).
pub fn insert<'ctx>(u: &UnitCx<'ctx, '_>, b: &Builder<'ctx>) -> Result<()> {
    for func in u.module.get_functions() {
        let Some(attr) = func.get_string_attribute(AttributeLoc::Function, ATTRIBUTE) else {
            continue;
        };
        func.remove_string_attribute(AttributeLoc::Function, ATTRIBUTE);
        // A body another module offered and this unit did not inline (left
        // a declaration, or `available_externally`) is never emitted here.
        let emitted = func.count_basic_blocks() > 0
            && func.as_global_value().get_linkage()
                != inkwell::module::Linkage::AvailableExternally;
        if !emitted {
            continue;
        }
        let func_index: u32 = attr
            .get_string_value()
            .to_str()
            .ok()
            .and_then(|s| s.parse().ok())
            .expect("kiln-stack-check holds a function index");
        if u.target.guard_page_stops_wasm_recursion() && !calls_out(u, func) {
            continue;
        }
        // Dead-argument elimination may have dropped wasm parameters that
        // were never read, but not the vmctx: `hold_vmctx` reads it, and so
        // does any call out.
        if !func.get_first_param().is_some_and(|p| p.is_pointer_value()) {
            return Err(CompileError::Codegen {
                func: func_index,
                message: "the optimizer removed the vmctx parameter the stack check needs".into(),
            });
        }
        check_on_entry(u, b, func, func_index)?;
    }
    release_holds(u);
    Ok(())
}

fn check_on_entry<'ctx>(
    u: &UnitCx<'ctx, '_>,
    b: &Builder<'ctx>,
    func: FunctionValue<'ctx>,
    func_index: u32,
) -> Result<()> {
    let body = func.get_first_basic_block().expect("a defined function");
    let check = u.cx.prepend_basic_block(body, "stack_check");
    let trap = u.cx.append_basic_block(func, "trap_CallStackExhausted");
    b.position_at_end(check);
    while let Some(alloca) = body
        .get_first_instruction()
        .filter(|i| i.get_opcode() == InstructionOpcode::Alloca)
    {
        alloca.remove_from_basic_block();
        b.insert_instruction(&alloca, None);
    }
    let vmctx = func.get_nth_param(0).unwrap().into_pointer_value();
    let sp = u.target.stack_position(u, b)?;
    let limit = FuncEnv::stack_limit(u, b, vmctx)?;
    let over = b.build_int_compare(inkwell::IntPredicate::ULT, sp, limit, "")?;
    let branch = b.build_conditional_branch(over, trap, body)?;
    // llvm.expect is gone by now (the pipeline lowers it): weights instead.
    let weights = u.cx.metadata_node(&[
        u.cx.metadata_string("branch_weights").into(),
        u.t.i32.const_int(1, false).into(),
        u.t.i32.const_int(2000, false).into(),
    ]);
    branch
        .set_metadata(weights, u.cx.get_kind_id("prof"))
        .expect("branch_weights on a branch");
    b.position_at_end(trap);
    FuncEnv::raise(u, b, vmctx, TrapCode::CallStackExhausted, func_index)
}
