//! Conversions between number types. Trapping float-to-int conversions
//! check NaN and range before converting, since LLVM's `fptosi` of an
//! out-of-range value is poison.

use crate::error::Result;
use crate::translate::lower::numeric::call1;
use crate::translate::FuncTranslator;
use inkwell::types::{BasicTypeEnum, FloatType, IntType};
use inkwell::FloatPredicate;
use kiln_abi::TrapCode;
use wasmparser::Operator as O;

pub fn lower(t: &mut FuncTranslator, op: &O) -> Result<bool> {
    let ty = t.u.t;
    match op {
        O::I32WrapI64 => {
            let a = t.pop_int();
            let v = t.b.build_int_truncate(a, ty.i32, "")?;
            t.push(v);
        }
        O::I64ExtendI32S | O::I64ExtendI32U => {
            let a = t.pop_int();
            let v = if matches!(op, O::I64ExtendI32S) {
                t.b.build_int_s_extend(a, ty.i64, "")?
            } else {
                t.b.build_int_z_extend(a, ty.i64, "")?
            };
            t.push(v);
        }
        O::I32TruncF32S | O::I32TruncF64S => trunc(t, ty.i32, true)?,
        O::I32TruncF32U | O::I32TruncF64U => trunc(t, ty.i32, false)?,
        O::I64TruncF32S | O::I64TruncF64S => trunc(t, ty.i64, true)?,
        O::I64TruncF32U | O::I64TruncF64U => trunc(t, ty.i64, false)?,
        O::I32TruncSatF32S | O::I32TruncSatF64S => trunc_sat(t, ty.i32, true)?,
        O::I32TruncSatF32U | O::I32TruncSatF64U => trunc_sat(t, ty.i32, false)?,
        O::I64TruncSatF32S | O::I64TruncSatF64S => trunc_sat(t, ty.i64, true)?,
        O::I64TruncSatF32U | O::I64TruncSatF64U => trunc_sat(t, ty.i64, false)?,
        O::F32ConvertI32S | O::F32ConvertI64S => int_to_float(t, ty.f32, true)?,
        O::F32ConvertI32U | O::F32ConvertI64U => int_to_float(t, ty.f32, false)?,
        O::F64ConvertI32S | O::F64ConvertI64S => int_to_float(t, ty.f64, true)?,
        O::F64ConvertI32U | O::F64ConvertI64U => int_to_float(t, ty.f64, false)?,
        O::F32DemoteF64 => {
            let a = t.pop_float();
            let v = t.b.build_float_trunc(a, ty.f32, "")?;
            // LLVM folds demote(promote(x)) to x, keeping a signalling NaN.
            let v = crate::translate::lower::numeric::canonicalize(t, v)?;
            t.push(v);
        }
        O::F64PromoteF32 => {
            let a = t.pop_float();
            let v = t.b.build_float_ext(a, ty.f64, "")?;
            t.push(v);
        }
        O::I32ReinterpretF32 => reinterpret(t, ty.i32.into())?,
        O::I64ReinterpretF64 => reinterpret(t, ty.i64.into())?,
        O::F32ReinterpretI32 => reinterpret(t, ty.f32.into())?,
        O::F64ReinterpretI64 => reinterpret(t, ty.f64.into())?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// Valid iff `trunc(x)` lies in `[-2^(N-1), 2^(N-1))` (signed) or
/// `(-1, 2^N)` (unsigned); the bounds are powers of two, exact in f32 and f64.
fn trunc<'ctx>(t: &mut FuncTranslator<'_, 'ctx>, to: IntType<'ctx>, signed: bool) -> Result<()> {
    let x = t.pop_float();
    let fty: FloatType = x.get_type();
    let b = t.b;
    let is_nan = b.build_float_compare(FloatPredicate::UNO, x, x, "")?;
    t.env
        .trap_if(t.u, t.b, is_nan, TrapCode::InvalidConversionToInteger)?;
    let tx = call1(t, t.u.intrinsic("llvm.trunc", &[fty.into()]), &[x.into()])?.into_float_value();
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
    t.env.trap_if(t.u, t.b, out, TrapCode::IntegerOverflow)?;
    let v = if signed {
        t.b.build_float_to_signed_int(x, to, "")?
    } else {
        t.b.build_float_to_unsigned_int(x, to, "")?
    };
    t.push(v);
    Ok(())
}

fn trunc_sat<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    to: IntType<'ctx>,
    signed: bool,
) -> Result<()> {
    let x = t.pop_float();
    let name = if signed {
        "llvm.fptosi.sat"
    } else {
        "llvm.fptoui.sat"
    };
    let f = t.u.intrinsic(name, &[to.into(), x.get_type().into()]);
    let v = call1(t, f, &[x.into()])?;
    t.push(v);
    Ok(())
}

fn int_to_float<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    to: FloatType<'ctx>,
    signed: bool,
) -> Result<()> {
    let a = t.pop_int();
    let v = if signed {
        t.b.build_signed_int_to_float(a, to, "")?
    } else {
        t.b.build_unsigned_int_to_float(a, to, "")?
    };
    t.push(v);
    Ok(())
}

fn reinterpret<'ctx>(t: &mut FuncTranslator<'_, 'ctx>, to: BasicTypeEnum<'ctx>) -> Result<()> {
    let a = t.pop();
    let v = t.b.build_bit_cast(a, to, "")?;
    t.push(v);
    Ok(())
}
