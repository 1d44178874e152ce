//! Comparisons; every result is an i32 0 or 1.

use crate::error::Result;
use crate::translate::FuncTranslator;
use inkwell::{FloatPredicate as F, IntPredicate as I};

pub fn eqz(t: &mut FuncTranslator) -> Result<()> {
    let a = t.pop_int();
    let c =
        t.b.build_int_compare(I::EQ, a, a.get_type().const_zero(), "")?;
    push_bool(t, c)
}

pub fn int_compare(t: &mut FuncTranslator, p: I) -> Result<()> {
    let rhs = t.pop_int();
    let lhs = t.pop_int();
    let c = t.b.build_int_compare(p, lhs, rhs, "")?;
    push_bool(t, c)
}

pub fn float_compare(t: &mut FuncTranslator, p: F) -> Result<()> {
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
