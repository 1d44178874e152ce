//! Direct calls (to defined functions: plain LLVM calls that can be
//! inlined), calls to imports (through the vmctx) and `call_indirect`.

use crate::error::Result;
use crate::llvm::unit::Region;
use crate::translate::FuncTranslator;
use inkwell::types::FunctionType;
use inkwell::values::{BasicMetadataValueEnum, BasicValue, CallSiteValue, IntValue, PointerValue};
use inkwell::IntPredicate;
use kiln_abi::TrapCode;

pub fn call(t: &mut FuncTranslator, function_index: u32) -> Result<()> {
    let ty = t.u.info.func_type(function_index).clone();
    let args = t.pop_n(ty.params().len());
    let known = t.u.opts.known_imports.get(&function_index);
    let call = if let (Some(symbol), true) = (known, function_index < t.u.info.num_imported_funcs) {
        // An import the component binds to a function another of its
        // modules defines: called directly, with the callee's own vmctx.
        // (The callee's symbol is defined because exported functions are
        // never internalized; see `local.rs`.)
        let (_, callee_vmctx) = t.env.imported_callee(function_index)?;
        let f = t.u.known_import(symbol, &ty);
        let mut all: Vec<BasicMetadataValueEnum> = vec![callee_vmctx.into()];
        all.extend(args.iter().map(|a| BasicMetadataValueEnum::from(*a)));
        t.b.build_call(f, &all, "")?
    } else if function_index < t.u.info.num_imported_funcs {
        let (code, callee_vmctx) = t.env.imported_callee(function_index)?;
        let fty = t.u.t.func(t.u.cx, &ty);
        indirect(t, fty, code, callee_vmctx, &args)?
    } else {
        let f = t.u.function(function_index);
        let mut all: Vec<BasicMetadataValueEnum> = vec![t.env.vmctx.into()];
        all.extend(args.iter().map(|a| BasicMetadataValueEnum::from(*a)));
        t.b.build_call(f, &all, "")?
    };
    no_tail(call);
    push_results(t, call, ty.results().len())
}

pub fn call_indirect(t: &mut FuncTranslator, type_index: u32, table_index: u32) -> Result<()> {
    let u = t.u;
    let ty = u.info.types[type_index as usize].clone();
    let index = t.pop_int();
    let args = t.pop_n(ty.params().len());
    if u.plan.frozen_table(table_index).is_some() {
        let call = frozen_table_call(t, table_index, type_index, index, &args)?;
        no_tail(call);
        return push_results(t, call, ty.results().len());
    }
    let slot = t
        .env
        .table_element(table_index, index, TrapCode::UndefinedElement)?;
    let actual = t.env.callee_sig_id(slot)?;
    let expected = t.env.sig_id(type_index)?;
    callee_check(t, actual, expected)?;
    let (code, callee_vmctx) = t.env.callee(slot)?;
    let fty = u.t.func(u.cx, &ty);
    let call = indirect(t, fty, code, callee_vmctx, &args)?;
    no_tail(call);
    push_results(t, call, ty.results().len())
}

fn frozen_table_call<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    table: u32,
    type_index: u32,
    index: IntValue<'ctx>,
    args: &[inkwell::values::BasicValueEnum<'ctx>],
) -> Result<CallSiteValue<'ctx>> {
    let (u, b) = (t.u, t.b);
    let elements = u.plan.frozen_table(table).expect("a frozen table").len();
    let index = b.build_int_z_extend(index, u.t.i64, "")?;
    let len = u.t.i64.const_int(elements as u64, false);
    let oob = b.build_int_compare(IntPredicate::UGE, index, len, "")?;
    t.env.trap_if(oob, TrapCode::UndefinedElement)?;
    let code = if u.target.calls_through_jump_tables() {
        let jumps = crate::translate::call_targets::jump_table(u, table, type_index);
        let offset = b.build_int_mul(
            index,
            u.t.i64
                .const_int(crate::translate::call_targets::JUMP_SLOT, false),
            "",
        )?;
        // SAFETY (of the IR): index < len, and the table has len slots.
        unsafe { b.build_in_bounds_gep(u.t.i8, jumps, &[offset], "")? }
    } else {
        let array = crate::translate::call_targets::code_array(u, table, type_index)?;
        // SAFETY (of the IR): index < len, the array's length.
        let slot =
            unsafe { b.build_in_bounds_gep(u.t.ptr, array.as_pointer_value(), &[index], "")? };
        let code = b.build_load(u.t.ptr, slot, "")?;
        u.tag_access(code.as_instruction_value().unwrap(), Region::Runtime);
        code.into_pointer_value()
    };
    let vmctx = t.env.vmctx;
    let fty = u.t.func(u.cx, &u.info.types[type_index as usize]);
    indirect(t, fty, code, vmctx, args)
}

fn indirect<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    fty: FunctionType<'ctx>,
    code: PointerValue<'ctx>,
    callee_vmctx: PointerValue<'ctx>,
    args: &[inkwell::values::BasicValueEnum<'ctx>],
) -> Result<CallSiteValue<'ctx>> {
    let mut all: Vec<BasicMetadataValueEnum> = vec![callee_vmctx.into()];
    all.extend(args.iter().map(|a| BasicMetadataValueEnum::from(*a)));
    Ok(t.b.build_indirect_call(fty, code, &all, "")?)
}

fn push_results<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    call: CallSiteValue<'ctx>,
    n: usize,
) -> Result<()> {
    match n {
        0 => {}
        1 => t.push(call.try_as_basic_value().basic().unwrap()),
        _ => {
            let agg = call
                .try_as_basic_value()
                .basic()
                .unwrap()
                .into_struct_value();
            for i in 0..n {
                let v = t.b.build_extract_value(agg, i as u32, "")?;
                t.push(v);
            }
        }
    }
    Ok(())
}

/// Wasm calls must use stack: recursion that LLVM turned into a loop would
/// never exhaust it, and infinite recursion must trap.
fn no_tail(call: CallSiteValue) {
    call.set_tail_call_kind(inkwell::values::LLVMTailCallKind::LLVMTailCallKindNoTail);
}

/// Continue if the element's signature id `actual` is `expected`; else trap:
/// uninitialized element if it is 0 (null), signature mismatch otherwise.
fn callee_check<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    actual: IntValue<'ctx>,
    expected: IntValue<'ctx>,
) -> Result<()> {
    let (u, b) = (t.u, t.b);
    let mismatch = b.build_int_compare(IntPredicate::NE, actual, expected, "")?;
    let bad = u.cx.append_basic_block(t.env.func, "bad_callee");
    let ok = u.cx.append_basic_block(t.env.func, "ok");
    let mismatch = crate::llvm::ir::unlikely(u, b, mismatch)?;
    b.build_conditional_branch(mismatch, bad, ok)?;
    b.position_at_end(bad);
    let null = t.env.trap_block(TrapCode::UninitializedElement)?;
    let wrong = t.env.trap_block(TrapCode::IndirectCallTypeMismatch)?;
    let is_null = b.build_int_compare(IntPredicate::EQ, actual, u.t.i32.const_zero(), "")?;
    b.build_conditional_branch(is_null, null, wrong)?;
    b.position_at_end(ok);
    Ok(())
}
