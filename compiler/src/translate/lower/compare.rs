//! Comparisons; every result is an i32 0 or 1.

use crate::error::Result;
use crate::translate::FuncTranslator;
use inkwell::{FloatPredicate as F, IntPredicate as I};
use wasmparser::Operator as O;

pub fn lower(t: &mut FuncTranslator, op: &O) -> Result<bool> {
    match op {
        O::I32Eqz | O::I64Eqz => {
            let a = t.pop_int();
            let c =
                t.b.build_int_compare(I::EQ, a, a.get_type().const_zero(), "")?;
            push_bool(t, c)?;
        }
        O::I32Eq | O::I64Eq => int_cmp(t, I::EQ)?,
        O::I32Ne | O::I64Ne => int_cmp(t, I::NE)?,
        O::I32LtS | O::I64LtS => int_cmp(t, I::SLT)?,
        O::I32LtU | O::I64LtU => int_cmp(t, I::ULT)?,
        O::I32GtS | O::I64GtS => int_cmp(t, I::SGT)?,
        O::I32GtU | O::I64GtU => int_cmp(t, I::UGT)?,
        O::I32LeS | O::I64LeS => int_cmp(t, I::SLE)?,
        O::I32LeU | O::I64LeU => int_cmp(t, I::ULE)?,
        O::I32GeS | O::I64GeS => int_cmp(t, I::SGE)?,
        O::I32GeU | O::I64GeU => int_cmp(t, I::UGE)?,
        O::F32Eq | O::F64Eq => float_cmp(t, F::OEQ)?,
        // `ne` is true when either side is NaN.
        O::F32Ne | O::F64Ne => float_cmp(t, F::UNE)?,
        O::F32Lt | O::F64Lt => float_cmp(t, F::OLT)?,
        O::F32Gt | O::F64Gt => float_cmp(t, F::OGT)?,
        O::F32Le | O::F64Le => float_cmp(t, F::OLE)?,
        O::F32Ge | O::F64Ge => float_cmp(t, F::OGE)?,
        _ => return Ok(false),
    }
    Ok(true)
}

fn int_cmp(t: &mut FuncTranslator, p: I) -> Result<()> {
    let rhs = t.pop_int();
    let lhs = t.pop_int();
    let c = t.b.build_int_compare(p, lhs, rhs, "")?;
    push_bool(t, c)
}

fn float_cmp(t: &mut FuncTranslator, p: F) -> Result<()> {
    let rhs = t.pop_float();
    let lhs = t.pop_float();
    let c = t.b.build_float_compare(p, lhs, rhs, "")?;
    push_bool(t, c)
}

pub fn push_bool<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    c: inkwell::values::IntValue<'ctx>,
) -> Result<()> {
    let v = t.b.build_int_z_extend(c, t.u.t.i32, "")?;
    t.push(v);
    Ok(())
}
