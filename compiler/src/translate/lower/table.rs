//! Tables and references (laid out as `translate::env` says).

use crate::error::Result;
use crate::translate::FuncTranslator;
use inkwell::values::BasicValueEnum;
use kiln_abi::{Builtin, TrapCode};

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
    let p = t.env.funcref(function_index)?;
    t.push(p);
    Ok(())
}

pub fn get(t: &mut FuncTranslator, table: u32) -> Result<()> {
    let i = t.pop_int();
    let slot = t.env.table_element(table, i, TrapCode::TableOutOfBounds)?;
    let v = t.env.table_get(table, slot)?;
    t.push(v);
    Ok(())
}

pub fn set(t: &mut FuncTranslator, table: u32) -> Result<()> {
    let v = t.pop();
    let i = t.pop_int();
    let slot = t.env.table_element(table, i, TrapCode::TableOutOfBounds)?;
    t.env.table_set(table, slot, v)
}

pub fn size(t: &mut FuncTranslator, table: u32) -> Result<()> {
    let (_, len) = t.env.table_bounds(table)?;
    let v = t.b.build_int_truncate(len, t.u.t.i32, "")?;
    t.push(v);
    Ok(())
}

pub fn grow(t: &mut FuncTranslator, table: u32) -> Result<()> {
    let delta = t.pop_int();
    let init = t.pop();
    let args = [index(t, table), init, delta.into()];
    let r = t.env.call_builtin(Builtin::TableGrow, &args)?;
    t.push(r.unwrap());
    Ok(())
}

pub fn fill(t: &mut FuncTranslator, table: u32) -> Result<()> {
    let len = t.pop_int();
    let val = t.pop();
    let dst = t.pop_int();
    let args = [index(t, table), dst.into(), val, len.into()];
    let trap = TrapCode::TableOutOfBounds;
    t.env.call_trapping_builtin(Builtin::TableFill, trap, &args)
}

pub fn copy(t: &mut FuncTranslator, dst_table: u32, src_table: u32) -> Result<()> {
    move_elements(t, Builtin::TableCopy, dst_table, src_table)
}

pub fn init(t: &mut FuncTranslator, elem_index: u32, table: u32) -> Result<()> {
    move_elements(t, Builtin::TableInit, table, elem_index)
}

/// `table.copy` or `table.init`: `len` elements from `src` in the source
/// (a table or a segment) to `dst` in `table`, through builtin `which`.
fn move_elements(t: &mut FuncTranslator, which: Builtin, table: u32, source: u32) -> Result<()> {
    let len = t.pop_int();
    let src = t.pop_int();
    let dst = t.pop_int();
    let args = [
        index(t, table),
        index(t, source),
        dst.into(),
        src.into(),
        len.into(),
    ];
    t.env
        .call_trapping_builtin(which, TrapCode::TableOutOfBounds, &args)
}

pub fn elem_drop(t: &mut FuncTranslator, elem_index: u32) -> Result<()> {
    let args = [index(t, elem_index)];
    t.env.call_builtin(Builtin::ElemDrop, &args)?;
    Ok(())
}
