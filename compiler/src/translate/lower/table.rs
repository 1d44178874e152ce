//! Tables and references. A funcref value is the address of a `VMFuncRef`
//! (null for `ref.null`), an externref an opaque host value (0 for null).
//! An externref table holds the values; a funcref table element is a
//! `VMTableFuncRef`: a copy of the funcref, for `call_indirect`, then its
//! address, the element's value (all zeros for null).

use crate::error::Result;
use crate::translate::FuncTranslator;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::IntPredicate;
use kiln_abi::{Builtin, TrapCode, VMOffsets, VM_FUNCREF_SIZE, VM_TABLE_FUNCREF_SIZE};

fn index<'ctx>(t: &FuncTranslator<'_, 'ctx>, n: u32) -> BasicValueEnum<'ctx> {
    t.u.t.i32.const_int(n as u64, false).into()
}

pub fn ref_null(t: &mut FuncTranslator) -> Result<()> {
    t.push(t.u.t.ptr.const_null());
    Ok(())
}

pub fn ref_is_null(t: &mut FuncTranslator) -> Result<()> {
    let r = t.pop().into_pointer_value();
    let c = t.b.build_is_null(r, "")?;
    crate::translate::lower::compare::push_bool(t, c)
}

pub fn ref_func(t: &mut FuncTranslator, function_index: u32) -> Result<()> {
    let p = t.env.funcref(t.u, t.b, function_index)?;
    t.push(p);
    Ok(())
}

pub fn get(t: &mut FuncTranslator, table: u32) -> Result<()> {
    let (u, b) = (t.u, t.b);
    let i = t.pop_int();
    let slot = element(t, table, i)?;
    let value = if holds_funcrefs(t, table) {
        crate::translate::env::FuncEnv::field(u, b, slot, VMOffsets::TABLE_FUNCREF_ADDRESS)?
    } else {
        slot
    };
    let v = t.b.build_load(u.t.ptr, value, "")?;
    t.push(v);
    Ok(())
}

pub fn set(t: &mut FuncTranslator, table: u32) -> Result<()> {
    let v = t.pop();
    let i = t.pop_int();
    let slot = element(t, table, i)?;
    if holds_funcrefs(t, table) {
        set_funcref_element(t, slot, v)?;
    } else {
        t.b.build_store(slot, v)?;
    }
    Ok(())
}

pub fn size(t: &mut FuncTranslator, table: u32) -> Result<()> {
    let (_, len) = t.env.table_bounds(t.u, t.b, table)?;
    let v = t.b.build_int_truncate(len, t.u.t.i32, "")?;
    t.push(v);
    Ok(())
}

pub fn grow(t: &mut FuncTranslator, table: u32) -> Result<()> {
    let delta = t.pop_int();
    let init = t.pop();
    let args = [index(t, table), init, delta.into()];
    let ret = Some(t.u.t.i32.into());
    let r = t
        .env
        .call_builtin(t.u, t.b, Builtin::TableGrow, &args, ret)?;
    t.push(r.unwrap());
    Ok(())
}

pub fn fill(t: &mut FuncTranslator, table: u32) -> Result<()> {
    let len = t.pop_int();
    let val = t.pop();
    let dst = t.pop_int();
    let args = [index(t, table), dst.into(), val, len.into()];
    let trap = TrapCode::TableOutOfBounds;
    t.env
        .call_trapping_builtin(t.u, t.b, Builtin::TableFill, trap, &args)
}

pub fn copy(t: &mut FuncTranslator, dst_table: u32, src_table: u32) -> Result<()> {
    let len = t.pop_int();
    let src = t.pop_int();
    let dst = t.pop_int();
    let args = [
        index(t, dst_table),
        index(t, src_table),
        dst.into(),
        src.into(),
        len.into(),
    ];
    let trap = TrapCode::TableOutOfBounds;
    t.env
        .call_trapping_builtin(t.u, t.b, Builtin::TableCopy, trap, &args)
}

pub fn init(t: &mut FuncTranslator, elem_index: u32, table: u32) -> Result<()> {
    let len = t.pop_int();
    let src = t.pop_int();
    let dst = t.pop_int();
    let args = [
        index(t, table),
        index(t, elem_index),
        dst.into(),
        src.into(),
        len.into(),
    ];
    let trap = TrapCode::TableOutOfBounds;
    t.env
        .call_trapping_builtin(t.u, t.b, Builtin::TableInit, trap, &args)
}

pub fn elem_drop(t: &mut FuncTranslator, elem_index: u32) -> Result<()> {
    let args = [index(t, elem_index)];
    t.env
        .call_builtin(t.u, t.b, Builtin::ElemDrop, &args, None)?;
    Ok(())
}

fn holds_funcrefs(t: &FuncTranslator, table: u32) -> bool {
    t.u.info.tables[table as usize].element_type.is_func_ref()
}

/// Address of element `i` of a table, trapping when out of bounds.
fn element<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    table: u32,
    i: IntValue<'ctx>,
) -> Result<PointerValue<'ctx>> {
    let (u, b) = (t.u, t.b);
    let (base, len) = t.env.table_bounds(u, b, table)?;
    let i = b.build_int_z_extend(i, u.t.i64, "")?;
    let oob = b.build_int_compare(IntPredicate::UGE, i, len, "")?;
    t.env.trap_if(u, b, oob, TrapCode::TableOutOfBounds)?;
    if holds_funcrefs(t, table) {
        return funcref_element(t, base, i);
    }
    // SAFETY (of the generated code): `i` is below the length.
    Ok(unsafe { t.b.build_gep(u.t.ptr, base, &[i], "")? })
}

/// Address of element `i` (i64, in bounds) of the funcref table at `base`.
pub(crate) fn funcref_element<'ctx>(
    t: &FuncTranslator<'_, 'ctx>,
    base: PointerValue<'ctx>,
    i: IntValue<'ctx>,
) -> Result<PointerValue<'ctx>> {
    let element = t.u.t.i8.array_type(VM_TABLE_FUNCREF_SIZE);
    // SAFETY (of the generated code): the caller checked `i`.
    Ok(unsafe { t.b.build_gep(element, base, &[i], "")? })
}

/// `table.set` of funcref `v` at `slot`: the inline copy (zeros for null),
/// then the address.
fn set_funcref_element<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    slot: PointerValue<'ctx>,
    v: BasicValueEnum<'ctx>,
) -> Result<()> {
    let (u, b) = (t.u, t.b);
    let v = v.into_pointer_value();
    let size = u.t.i64.const_int(VM_FUNCREF_SIZE as u64, false);
    let copy = u.cx.append_basic_block(t.env.func, "copy_funcref");
    let clear = u.cx.append_basic_block(t.env.func, "clear_funcref");
    let done = u.cx.append_basic_block(t.env.func, "funcref_set");
    b.build_conditional_branch(b.build_is_null(v, "")?, clear, copy)?;
    b.position_at_end(copy);
    b.build_memcpy(slot, 8, v, 8, size)?;
    b.build_unconditional_branch(done)?;
    b.position_at_end(clear);
    b.build_memset(slot, 8, u.t.i8.const_zero(), size)?;
    b.build_unconditional_branch(done)?;
    b.position_at_end(done);
    let address =
        crate::translate::env::FuncEnv::field(u, b, slot, VMOffsets::TABLE_FUNCREF_ADDRESS)?;
    b.build_store(address, v)?;
    Ok(())
}
