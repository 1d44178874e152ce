//! Integer and float arithmetic, with wasm's exact semantics: shifts are
//! masked, division traps on zero and overflow, float min/max propagate NaN
//! and order -0 below +0.

use crate::error::Result;
use crate::translate::FuncTranslator;
use inkwell::values::{BasicValueEnum, FloatValue, IntValue};
use inkwell::IntPredicate;
use kiln_abi::TrapCode;
use wasmparser::Operator as O;

#[derive(Clone, Copy)]
enum IntBin {
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
enum FloatBin {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Copysign,
}

pub fn lower(t: &mut FuncTranslator, op: &O) -> Result<bool> {
    let ty = &t.u.t;
    match op {
        O::I32Const { value } => t.push(ty.i32.const_int(*value as u32 as u64, false)),
        O::I64Const { value } => t.push(ty.i64.const_int(*value as u64, false)),
        O::F32Const { value } => {
            // Through the bits, so NaN payloads survive.
            let bits = ty.i32.const_int(value.bits() as u64, false);
            let v = t.b.build_bit_cast(bits, ty.f32, "")?;
            t.push(v);
        }
        O::F64Const { value } => {
            let bits = ty.i64.const_int(value.bits(), false);
            let v = t.b.build_bit_cast(bits, ty.f64, "")?;
            t.push(v);
        }
        O::I32Add | O::I64Add => int_bin(t, IntBin::Add)?,
        O::I32Sub | O::I64Sub => int_bin(t, IntBin::Sub)?,
        O::I32Mul | O::I64Mul => int_bin(t, IntBin::Mul)?,
        O::I32And | O::I64And => int_bin(t, IntBin::And)?,
        O::I32Or | O::I64Or => int_bin(t, IntBin::Or)?,
        O::I32Xor | O::I64Xor => int_bin(t, IntBin::Xor)?,
        O::I32Shl | O::I64Shl => int_bin(t, IntBin::Shl)?,
        O::I32ShrS | O::I64ShrS => int_bin(t, IntBin::ShrS)?,
        O::I32ShrU | O::I64ShrU => int_bin(t, IntBin::ShrU)?,
        O::I32Rotl | O::I64Rotl => int_bin(t, IntBin::Rotl)?,
        O::I32Rotr | O::I64Rotr => int_bin(t, IntBin::Rotr)?,
        O::I32DivS | O::I64DivS => int_bin(t, IntBin::DivS)?,
        O::I32DivU | O::I64DivU => int_bin(t, IntBin::DivU)?,
        O::I32RemS | O::I64RemS => int_bin(t, IntBin::RemS)?,
        O::I32RemU | O::I64RemU => int_bin(t, IntBin::RemU)?,
        O::I32Clz | O::I64Clz => int_count(t, "llvm.ctlz")?,
        O::I32Ctz | O::I64Ctz => int_count(t, "llvm.cttz")?,
        O::I32Popcnt | O::I64Popcnt => int_count(t, "llvm.ctpop")?,
        O::I32Extend8S | O::I64Extend8S => sign_extend_low(t, 8)?,
        O::I32Extend16S | O::I64Extend16S => sign_extend_low(t, 16)?,
        O::I64Extend32S => sign_extend_low(t, 32)?,
        O::F32Add | O::F64Add => float_bin(t, FloatBin::Add)?,
        O::F32Sub | O::F64Sub => float_bin(t, FloatBin::Sub)?,
        O::F32Mul | O::F64Mul => float_bin(t, FloatBin::Mul)?,
        O::F32Div | O::F64Div => float_bin(t, FloatBin::Div)?,
        O::F32Min | O::F64Min => float_bin(t, FloatBin::Min)?,
        O::F32Max | O::F64Max => float_bin(t, FloatBin::Max)?,
        O::F32Copysign | O::F64Copysign => float_bin(t, FloatBin::Copysign)?,
        O::F32Abs | O::F64Abs => float_unary(t, "llvm.fabs")?,
        O::F32Sqrt | O::F64Sqrt => float_unary(t, "llvm.sqrt")?,
        O::F32Ceil | O::F64Ceil => float_unary(t, "llvm.ceil")?,
        O::F32Floor | O::F64Floor => float_unary(t, "llvm.floor")?,
        O::F32Trunc | O::F64Trunc => float_unary(t, "llvm.trunc")?,
        O::F32Nearest | O::F64Nearest => float_unary(t, "llvm.roundeven")?,
        O::F32Neg | O::F64Neg => {
            let a = t.pop_float();
            let v = t.b.build_float_neg(a, "")?;
            t.push(v);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// `a + k` where `a` is an address already accessed and `k` a small
/// constant, either way round: it cannot wrap (see `addr_facts`).
fn in_bounds_plus_small<'ctx>(
    t: &FuncTranslator<'_, 'ctx>,
    lhs: IntValue<'ctx>,
    rhs: IntValue<'ctx>,
) -> Option<(IntValue<'ctx>, u64)> {
    let lhs_base = t.facts.add_cannot_wrap(lhs, rhs).map(|k| (lhs, k));
    lhs_base.or_else(|| t.facts.add_cannot_wrap(rhs, lhs).map(|k| (rhs, k)))
}

fn int_bin(t: &mut FuncTranslator, op: IntBin) -> Result<()> {
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
                t.facts.sum_without_wrap(sum, base, k);
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
            call1(t, f, &[lhs.into(), lhs.into(), rhs.into()])?.into_int_value()
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
            t.env
                .trap_if(t.u, t.b, overflow, TrapCode::IntegerOverflow)?;
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
        t.streams.derived(v, lhs, rhs, matches!(op, IntBin::Add));
    }
    t.push(v);
    Ok(())
}

fn trap_if_zero<'ctx>(t: &mut FuncTranslator<'_, 'ctx>, v: IntValue<'ctx>) -> Result<()> {
    let zero =
        t.b.build_int_compare(IntPredicate::EQ, v, v.get_type().const_zero(), "")?;
    t.env.trap_if(t.u, t.b, zero, TrapCode::IntegerDivideByZero)
}

fn int_count(t: &mut FuncTranslator, name: &str) -> Result<()> {
    let a = t.pop_int();
    let f = t.u.intrinsic(name, &[a.get_type().into()]);
    let v = if name == "llvm.ctpop" {
        call1(t, f, &[a.into()])?
    } else {
        // Zero input is defined in wasm (gives the bit width).
        call1(t, f, &[a.into(), t.u.t.i1.const_zero().into()])?
    };
    t.push(v);
    Ok(())
}

fn sign_extend_low(t: &mut FuncTranslator, bits: u32) -> Result<()> {
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

fn float_bin(t: &mut FuncTranslator, op: FloatBin) -> Result<()> {
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
            let r = call1(t, intrinsic(name), &[lhs.into(), rhs.into()])?.into_float_value();
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
        FloatBin::Copysign => call1(t, intrinsic("llvm.copysign"), &[lhs.into(), rhs.into()])?,
    };
    t.push(v);
    Ok(())
}

fn float_unary(t: &mut FuncTranslator, name: &str) -> Result<()> {
    let a: FloatValue = t.pop_float();
    let f = t.u.intrinsic(name, &[a.get_type().into()]);
    let v = call1(t, f, &[a.into()])?;
    t.push(v);
    Ok(())
}

pub fn call1<'ctx>(
    t: &FuncTranslator<'_, 'ctx>,
    f: inkwell::values::FunctionValue<'ctx>,
    args: &[inkwell::values::BasicMetadataValueEnum<'ctx>],
) -> Result<BasicValueEnum<'ctx>> {
    Ok(t.b
        .build_call(f, args, "")?
        .try_as_basic_value()
        .basic()
        .expect("intrinsic returns a value"))
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
    use inkwell::llvm_sys::core::LLVMIsAConstantFP;
    use inkwell::values::AsValueRef;
    // SAFETY: LLVMIsAConstantFP only inspects the value's kind, and `v` is a
    // live value of this context.
    let is_fp = unsafe { !LLVMIsAConstantFP(v.as_value_ref()).is_null() };
    if !is_fp {
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
