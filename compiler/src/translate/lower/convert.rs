//! Conversions between number types. Trapping float-to-int conversions
//! check NaN and range before converting, since LLVM's `fptosi` of an
//! out-of-range value is poison.

use crate::error::Result;
use crate::llvm::ir::call_value;
use crate::translate::FuncTranslator;
use inkwell::types::FloatType;
use inkwell::FloatPredicate;
use kiln_abi::TrapCode;
use wasmparser::ValType;

pub fn wrap(t: &mut FuncTranslator) -> Result<()> {
    let a = t.pop_int();
    let v = t.b.build_int_truncate(a, t.u.t.i32, "")?;
    t.push(v);
    Ok(())
}

pub fn extend_i32(t: &mut FuncTranslator, signed: bool) -> Result<()> {
    let a = t.pop_int();
    let v = if signed {
        t.b.build_int_s_extend(a, t.u.t.i64, "")?
    } else {
        t.b.build_int_z_extend(a, t.u.t.i64, "")?
    };
    t.push(v);
    Ok(())
}

pub fn demote(t: &mut FuncTranslator) -> Result<()> {
    let a = t.pop_float();
    let v = t.b.build_float_trunc(a, t.u.t.f32, "")?;
    // LLVM folds demote(promote(x)) to x, keeping a signalling NaN.
    let v = crate::translate::lower::numeric::canonicalize(t, v)?;
    t.push(v);
    Ok(())
}

pub fn promote(t: &mut FuncTranslator) -> Result<()> {
    let a = t.pop_float();
    let v = t.b.build_float_ext(a, t.u.t.f64, "")?;
    t.push(v);
    Ok(())
}

/// Valid iff `trunc(x)` lies in `[-2^(N-1), 2^(N-1))` (signed) or
/// `(-1, 2^N)` (unsigned); the bounds are powers of two, exact in f32 and f64.
pub fn trunc(t: &mut FuncTranslator, to: ValType, signed: bool) -> Result<()> {
    let to = t.u.t.val(to).into_int_type();
    let x = t.pop_float();
    let fty: FloatType = x.get_type();
    let b = t.b;
    let is_nan = b.build_float_compare(FloatPredicate::UNO, x, x, "")?;
    t.env
        .trap_if(is_nan, TrapCode::InvalidConversionToInteger)?;
    let tx = call_value(t.b, t.u.intrinsic("llvm.trunc", &[fty.into()]), &[x.into()])?
        .into_float_value();
    let bits = to.get_bit_width() as i32;
    let (lo, lo_pred, hi) = if signed {
        (
            -(2f64.powi(bits - 1)),
            FloatPredicate::OGE,
            2f64.powi(bits - 1),
        )
    } else {
        (-1.0, FloatPredicate::OGT, 2f64.powi(bits))
    };
    let above = b.build_float_compare(lo_pred, tx, fty.const_float(lo), "")?;
    let below = b.build_float_compare(FloatPredicate::OLT, tx, fty.const_float(hi), "")?;
    let in_range = b.build_and(above, below, "")?;
    let out = b.build_not(in_range, "")?;
    t.env.trap_if(out, TrapCode::IntegerOverflow)?;
    let v = if signed {
        t.b.build_float_to_signed_int(x, to, "")?
    } else {
        t.b.build_float_to_unsigned_int(x, to, "")?
    };
    t.push(v);
    Ok(())
}

pub fn trunc_sat(t: &mut FuncTranslator, to: ValType, signed: bool) -> Result<()> {
    let to = t.u.t.val(to).into_int_type();
    let x = t.pop_float();
    let name = if signed {
        "llvm.fptosi.sat"
    } else {
        "llvm.fptoui.sat"
    };
    let f = t.u.intrinsic(name, &[to.into(), x.get_type().into()]);
    let v = call_value(t.b, f, &[x.into()])?;
    t.push(v);
    Ok(())
}

pub fn int_to_float(t: &mut FuncTranslator, to: ValType, signed: bool) -> Result<()> {
    let to = t.u.t.val(to).into_float_type();
    let a = t.pop_int();
    let v = if signed {
        t.b.build_signed_int_to_float(a, to, "")?
    } else {
        t.b.build_unsigned_int_to_float(a, to, "")?
    };
    t.push(v);
    Ok(())
}

pub fn reinterpret(t: &mut FuncTranslator, to: ValType) -> Result<()> {
    let to = t.u.t.val(to);
    let a = t.pop();
    let v = t.b.build_bit_cast(a, to, "")?;
    t.push(v);
    Ok(())
}
