//! Tables and references. A table element is pointer-sized: a funcref is the
//! address of a `VMFuncRef` (null for `ref.null`), an externref is an opaque
//! host value (0 for null).

use crate::error::Result;
use crate::translate::FuncTranslator;
use inkwell::IntPredicate;
use kiln_abi::{Builtin, TrapCode};
use wasmparser::Operator as O;

pub fn lower(t: &mut FuncTranslator, op: &O) -> Result<bool> {
    let (u, b) = (t.u, t.b);
    let i32t = u.t.i32;
    let idx = |n: u32| i32t.const_int(n as u64, false);
    match op {
        O::RefNull { .. } => t.push(u.t.ptr.const_null()),
        O::RefIsNull => {
            let r = t.pop().into_pointer_value();
            let c = b.build_is_null(r, "")?;
            crate::lower::compare::push_bool(t, c)?;
        }
        O::RefFunc { function_index } => {
            let p = t.env.funcref(u, b, *function_index)?;
            t.push(p);
        }
        O::TableGet { table } => {
            let i = t.pop_int();
            let slot = element(t, *table, i)?;
            let v = t.b.build_load(u.t.ptr, slot, "")?;
            t.push(v);
        }
        O::TableSet { table } => {
            let v = t.pop();
            let i = t.pop_int();
            let slot = element(t, *table, i)?;
            t.b.build_store(slot, v)?;
        }
        O::TableSize { table } => {
            let (_, len) = t.env.table_bounds(u, b, *table)?;
            let v = b.build_int_truncate(len, i32t, "")?;
            t.push(v);
        }
        O::TableGrow { table } => {
            let delta = t.pop_int();
            let init = t.pop();
            let args = [idx(*table).into(), init, delta.into()];
            let r = t
                .env
                .call_builtin(u, b, Builtin::TableGrow, &args, Some(i32t.into()))?;
            t.push(r.unwrap());
        }
        O::TableFill { table } => {
            let len = t.pop_int();
            let val = t.pop();
            let dst = t.pop_int();
            let args = [idx(*table).into(), dst.into(), val, len.into()];
            t.env.call_trapping_builtin(
                u,
                b,
                Builtin::TableFill,
                TrapCode::TableOutOfBounds,
                &args,
            )?;
        }
        O::TableCopy {
            dst_table,
            src_table,
        } => {
            let len = t.pop_int();
            let src = t.pop_int();
            let dst = t.pop_int();
            let args = [
                idx(*dst_table).into(),
                idx(*src_table).into(),
                dst.into(),
                src.into(),
                len.into(),
            ];
            t.env.call_trapping_builtin(
                u,
                b,
                Builtin::TableCopy,
                TrapCode::TableOutOfBounds,
                &args,
            )?;
        }
        O::TableInit { elem_index, table } => {
            let len = t.pop_int();
            let src = t.pop_int();
            let dst = t.pop_int();
            let args = [
                idx(*table).into(),
                idx(*elem_index).into(),
                dst.into(),
                src.into(),
                len.into(),
            ];
            t.env.call_trapping_builtin(
                u,
                b,
                Builtin::TableInit,
                TrapCode::TableOutOfBounds,
                &args,
            )?;
        }
        O::ElemDrop { elem_index } => {
            t.env
                .call_builtin(u, b, Builtin::ElemDrop, &[idx(*elem_index).into()], None)?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Address of element `i` of a table, trapping when out of bounds.
fn element<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    table: u32,
    i: inkwell::values::IntValue<'ctx>,
) -> Result<inkwell::values::PointerValue<'ctx>> {
    let (u, b) = (t.u, t.b);
    let (base, len) = t.env.table_bounds(u, b, table)?;
    let i = b.build_int_z_extend(i, u.t.i64, "")?;
    let oob = b.build_int_compare(IntPredicate::UGE, i, len, "")?;
    t.env.trap_if(u, b, oob, TrapCode::TableOutOfBounds)?;
    Ok(unsafe { t.b.build_gep(u.t.ptr, base, &[i], "")? })
}
