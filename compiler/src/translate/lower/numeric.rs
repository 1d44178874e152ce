//! Integer and float arithmetic, with wasm's exact semantics: shifts are
//! masked, division traps on zero and overflow, float min/max propagate NaN
//! and order -0 below +0.

use crate::error::Result;
use crate::llvm::ir::call_value;
use crate::translate::FuncTranslator;
use inkwell::values::{BasicValueEnum, FloatValue, IntValue};
use inkwell::IntPredicate;
use kiln_abi::TrapCode;
use wasmparser::{Ieee32, Ieee64};

#[derive(Clone, Copy)]
pub enum IntBin {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
    DivS,
    DivU,
    RemS,
    RemU,
}

#[derive(Clone, Copy)]
pub enum FloatBin {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Copysign,
}

/// What `clz`, `ctz` and `popcnt` count.
#[derive(Clone, Copy)]
pub enum Count {
    LeadingZeros,
    TrailingZeros,
    Ones,
}

#[derive(Clone, Copy)]
pub enum FloatUnary {
    Abs,
    Neg,
    Sqrt,
    Ceil,
    Floor,
    Trunc,
    Nearest,
}

pub fn i32_const(t: &mut FuncTranslator, value: i32) -> Result<()> {
    t.push(t.u.t.i32.const_int(value as u32 as u64, false));
    Ok(())
}

pub fn i64_const(t: &mut FuncTranslator, value: i64) -> Result<()> {
    t.push(t.u.t.i64.const_int(value as u64, false));
    Ok(())
}

/// Through the bits, so NaN payloads survive.
pub fn f32_const(t: &mut FuncTranslator, value: Ieee32) -> Result<()> {
    let bits = t.u.t.i32.const_int(value.bits() as u64, false);
    let v = t.b.build_bit_cast(bits, t.u.t.f32, "")?;
    t.push(v);
    Ok(())
}

pub fn f64_const(t: &mut FuncTranslator, value: Ieee64) -> Result<()> {
    let bits = t.u.t.i64.const_int(value.bits(), false);
    let v = t.b.build_bit_cast(bits, t.u.t.f64, "")?;
    t.push(v);
    Ok(())
}

/// `a + k` where `a` is an address already accessed and `k` a small
/// constant, either way round: it cannot wrap (see `addr_facts`).
fn in_bounds_plus_small<'ctx>(
    t: &FuncTranslator<'_, 'ctx>,
    lhs: IntValue<'ctx>,
    rhs: IntValue<'ctx>,
) -> Option<(IntValue<'ctx>, u64)> {
    let lhs_base = t.env.facts.add_cannot_wrap(lhs, rhs).map(|k| (lhs, k));
    lhs_base.or_else(|| t.env.facts.add_cannot_wrap(rhs, lhs).map(|k| (rhs, k)))
}

pub fn int_binary(t: &mut FuncTranslator, op: IntBin) -> Result<()> {
    let rhs = t.pop_int();
    let lhs = t.pop_int();
    let b = t.b;
    let ty = lhs.get_type();
    let bits = ty.get_bit_width() as u64;
    let mask = ty.const_int(bits - 1, false);
    let v: IntValue = match op {
        IntBin::Add if bits == 32 => match in_bounds_plus_small(t, lhs, rhs) {
            Some((base, k)) => {
                let sum = b.build_int_nuw_add(lhs, rhs, "")?;
                t.env.facts.sum_without_wrap(sum, base, k);
                sum
            }
            None => b.build_int_add(lhs, rhs, "")?,
        },
        IntBin::Add => b.build_int_add(lhs, rhs, "")?,
        IntBin::Sub => b.build_int_sub(lhs, rhs, "")?,
        IntBin::Mul => b.build_int_mul(lhs, rhs, "")?,
        IntBin::And => b.build_and(lhs, rhs, "")?,
        IntBin::Or => b.build_or(lhs, rhs, "")?,
        IntBin::Xor => b.build_xor(lhs, rhs, "")?,
        IntBin::Shl => b.build_left_shift(lhs, b.build_and(rhs, mask, "")?, "")?,
        IntBin::ShrS => b.build_right_shift(lhs, b.build_and(rhs, mask, "")?, true, "")?,
        IntBin::ShrU => b.build_right_shift(lhs, b.build_and(rhs, mask, "")?, false, "")?,
        IntBin::Rotl | IntBin::Rotr => {
            let name = if matches!(op, IntBin::Rotl) {
                "llvm.fshl"
            } else {
                "llvm.fshr"
            };
            let f = t.u.intrinsic(name, &[ty.into()]);
            call_value(t.b, f, &[lhs.into(), lhs.into(), rhs.into()])?.into_int_value()
        }
        IntBin::DivU | IntBin::RemU => {
            trap_if_zero(t, rhs)?;
            if matches!(op, IntBin::DivU) {
                t.b.build_int_unsigned_div(lhs, rhs, "")?
            } else {
                t.b.build_int_unsigned_rem(lhs, rhs, "")?
            }
        }
        IntBin::DivS => {
            trap_if_zero(t, rhs)?;
            let min = ty.const_int(1u64 << (bits - 1), false);
            let lhs_min = t.b.build_int_compare(IntPredicate::EQ, lhs, min, "")?;
            let rhs_m1 =
                t.b.build_int_compare(IntPredicate::EQ, rhs, ty.const_all_ones(), "")?;
            let overflow = t.b.build_and(lhs_min, rhs_m1, "")?;
            t.env.trap_if(overflow, TrapCode::IntegerOverflow)?;
            t.b.build_int_signed_div(lhs, rhs, "")?
        }
        IntBin::RemS => {
            trap_if_zero(t, rhs)?;
            // MIN % -1 is 0 in wasm but undefined in LLVM: divide by 1 instead.
            let rhs_m1 =
                t.b.build_int_compare(IntPredicate::EQ, rhs, ty.const_all_ones(), "")?;
            let safe =
                t.b.build_select(rhs_m1, ty.const_int(1, false), rhs, "")?
                    .into_int_value();
            t.b.build_int_signed_rem(lhs, safe, "")?
        }
    };
    if bits == 32 && matches!(op, IntBin::Add | IntBin::Sub) {
        t.env
            .streams
            .derived(v, lhs, rhs, matches!(op, IntBin::Add));
    }
    t.push(v);
    Ok(())
}

fn trap_if_zero<'ctx>(t: &mut FuncTranslator<'_, 'ctx>, v: IntValue<'ctx>) -> Result<()> {
    let zero =
        t.b.build_int_compare(IntPredicate::EQ, v, v.get_type().const_zero(), "")?;
    t.env.trap_if(zero, TrapCode::IntegerDivideByZero)
}

pub fn int_count(t: &mut FuncTranslator, what: Count) -> Result<()> {
    let a = t.pop_int();
    let name = match what {
        Count::LeadingZeros => "llvm.ctlz",
        Count::TrailingZeros => "llvm.cttz",
        Count::Ones => "llvm.ctpop",
    };
    let f = t.u.intrinsic(name, &[a.get_type().into()]);
    let v = if matches!(what, Count::Ones) {
        call_value(t.b, f, &[a.into()])?
    } else {
        // Zero input is defined in wasm (gives the bit width).
        call_value(t.b, f, &[a.into(), t.u.t.i1.const_zero().into()])?
    };
    t.push(v);
    Ok(())
}

/// `i32.extend8_s` and the like: the low `bits` bits, sign-extended.
pub fn sign_extend_low(t: &mut FuncTranslator, bits: u32) -> Result<()> {
    let a = t.pop_int();
    let narrow =
        t.u.cx
            .custom_width_int_type(std::num::NonZeroU32::new(bits).unwrap())
            .expect("valid width");
    let low = t.b.build_int_truncate(a, narrow, "")?;
    let v = t.b.build_int_s_extend(low, a.get_type(), "")?;
    t.push(v);
    Ok(())
}

pub fn float_binary(t: &mut FuncTranslator, op: FloatBin) -> Result<()> {
    let rhs = t.pop_float();
    let lhs = t.pop_float();
    let b = t.b;
    let intrinsic = |name: &str| t.u.intrinsic(name, &[lhs.get_type().into()]);
    let v: BasicValueEnum = match op {
        FloatBin::Add | FloatBin::Sub | FloatBin::Mul | FloatBin::Div => {
            let r = match op {
                FloatBin::Add => b.build_float_add(lhs, rhs, "")?,
                FloatBin::Sub => b.build_float_sub(lhs, rhs, "")?,
                FloatBin::Mul => b.build_float_mul(lhs, rhs, "")?,
                _ => b.build_float_div(lhs, rhs, "")?,
            };
            if folds_to_operand(op, lhs, rhs) {
                // LLVM folds x+0, x-0, 0-x, x*1, x/1 (and their negated
                // forms) to x or -x, which would pass a signalling NaN
                // through unquieted.
                canonicalize(t, r)?
            } else {
                r.into()
            }
        }
        FloatBin::Min | FloatBin::Max => {
            let name = if matches!(op, FloatBin::Min) {
                "llvm.minimum"
            } else {
                "llvm.maximum"
            };
            let r = call_value(t.b, intrinsic(name), &[lhs.into(), rhs.into()])?.into_float_value();
            // llvm.minimum may hand back a signalling NaN operand as it is;
            // wasm requires a quiet (arithmetic) NaN.
            let any_nan = b.build_float_compare(inkwell::FloatPredicate::UNO, lhs, rhs, "")?;
            let quiet = if lhs.get_type() == t.u.t.f32 {
                f32::NAN as f64
            } else {
                f64::NAN
            };
            b.build_select(any_nan, lhs.get_type().const_float(quiet), r, "")?
        }
        FloatBin::Copysign => {
            call_value(t.b, intrinsic("llvm.copysign"), &[lhs.into(), rhs.into()])?
        }
    };
    t.push(v);
    Ok(())
}

pub fn float_unary(t: &mut FuncTranslator, op: FloatUnary) -> Result<()> {
    let a: FloatValue = t.pop_float();
    let name = match op {
        FloatUnary::Neg => {
            let v = t.b.build_float_neg(a, "")?;
            t.push(v);
            return Ok(());
        }
        FloatUnary::Abs => "llvm.fabs",
        FloatUnary::Sqrt => "llvm.sqrt",
        FloatUnary::Ceil => "llvm.ceil",
        FloatUnary::Floor => "llvm.floor",
        FloatUnary::Trunc => "llvm.trunc",
        FloatUnary::Nearest => "llvm.roundeven",
    };
    let f = t.u.intrinsic(name, &[a.get_type().into()]);
    let v = call_value(t.b, f, &[a.into()])?;
    t.push(v);
    Ok(())
}

/// Whether `lhs op rhs` may be folded to an operand or its negation: a
/// zero added or subtracted (or subtracted from), a one multiplied by or
/// divided by, of either sign. Other constants (x+1, x*2) leave an
/// arithmetic operation, which quiets a NaN itself: guarding those cost
/// mandelbrot three instructions a pixel.
fn folds_to_operand(op: FloatBin, lhs: FloatValue, rhs: FloatValue) -> bool {
    let is =
        |v: FloatValue, magnitude: f64| constant_float(v).is_some_and(|c| c.abs() == magnitude);
    match op {
        FloatBin::Add | FloatBin::Sub => is(lhs, 0.0) || is(rhs, 0.0),
        FloatBin::Mul => is(lhs, 1.0) || is(rhs, 1.0),
        FloatBin::Div => is(rhs, 1.0),
        _ => false,
    }
}

/// `v`'s value if it is a float constant (`ConstantFP`). Folding can leave
/// other constants here, such as the poison of an out-of-range
/// `fptosi` of a constant that a trap check guards, and inkwell's
/// `get_constant` reads any constant as a `ConstantFP`: LLVM crashed on them.
fn constant_float(v: FloatValue) -> Option<f64> {
    if !crate::llvm::raw::is_constant_fp(v) {
        return None;
    }
    v.get_constant().map(|(c, _)| c)
}

/// Quiet a NaN without changing any other value: any NaN becomes the
/// canonical one. (Not `llvm.canonicalize`: once vectorized to v2f32 it
/// crashes LLVM 22's x86 instruction selection.)
pub fn canonicalize<'ctx>(
    t: &FuncTranslator<'_, 'ctx>,
    v: FloatValue<'ctx>,
) -> Result<BasicValueEnum<'ctx>> {
    let is_nan =
        t.b.build_float_compare(inkwell::FloatPredicate::UNO, v, v, "")?;
    let quiet = if v.get_type() == t.u.t.f32 {
        f32::NAN as f64
    } else {
        f64::NAN
    };
    Ok(t.b.build_select(is_nan, v.get_type().const_float(quiet), v, "")?)
}
