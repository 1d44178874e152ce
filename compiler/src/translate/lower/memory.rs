//! Linear memory access. Under guard pages (the default) an access needs no
//! check: address + offset always lands inside the memory's reservation and
//! a fault past its length becomes a trap. With explicit bounds checks every
//! access compares against the current length.

use crate::error::Result;
use crate::llvm::unit::Region;
use crate::module::memory_index;
use crate::translate::env::Access;
use crate::translate::FuncTranslator;
use inkwell::types::{BasicTypeEnum, IntType};
use inkwell::values::BasicValue;
use kiln_abi::{Builtin, TrapCode};
use wasmparser::{MemArg, ValType};

/// How a narrow load widens its value.
#[derive(Clone, Copy)]
pub enum Extend {
    Signed,
    Unsigned,
}

/// A load of a whole `ty`.
pub fn load(t: &mut FuncTranslator, memarg: MemArg, ty: ValType) -> Result<()> {
    let llty = t.u.t.val(ty);
    load_as(t, &memarg, llty, None)
}

/// A load of the low `bits` of a `ty`, extended to `ty`.
pub fn load_narrow(
    t: &mut FuncTranslator,
    memarg: MemArg,
    ty: ValType,
    bits: u32,
    extend: Extend,
) -> Result<()> {
    let (wide, narrow) = (t.u.t.val(ty).into_int_type(), int_type(t, bits));
    load_as(t, &memarg, narrow.into(), Some((wide, extend)))
}

/// A store of the whole value.
pub fn store(t: &mut FuncTranslator, memarg: MemArg) -> Result<()> {
    store_as(t, &memarg, None)
}

/// A store of the low `bits` of an integer.
pub fn store_narrow(t: &mut FuncTranslator, memarg: MemArg, bits: u32) -> Result<()> {
    let narrow = int_type(t, bits);
    store_as(t, &memarg, Some(narrow))
}

fn int_type<'ctx>(t: &FuncTranslator<'_, 'ctx>, bits: u32) -> IntType<'ctx> {
    t.u.cx
        .custom_width_int_type(std::num::NonZeroU32::new(bits).expect("8, 16 or 32"))
        .expect("a valid width")
}

pub fn size(t: &mut FuncTranslator, mem: u32) -> Result<()> {
    let len = t.env.memory_length(mem)?;
    let pages =
        t.b.build_right_shift(len, t.u.t.i64.const_int(16, false), false, "")?;
    let v = t.b.build_int_truncate(pages, t.u.t.i32, "")?;
    t.push(v);
    Ok(())
}

pub fn grow(t: &mut FuncTranslator, mem: u32) -> Result<()> {
    let (i32t, i64t) = (t.u.t.i32, t.u.t.i64);
    let delta = t.pop_int();
    let delta = t.b.build_int_z_extend(delta, i64t, "")?;
    let mem_idx = i32t.const_int(mem as u64, false);
    let old = t
        .env
        .call_builtin(Builtin::MemoryGrow, &[mem_idx.into(), delta.into()])?;
    let v =
        t.b.build_int_truncate(old.unwrap().into_int_value(), i32t, "")?;
    t.push(v);
    Ok(())
}

pub fn fill(t: &mut FuncTranslator, mem: u32) -> Result<()> {
    let ty = t.u.t;
    let len = t.pop_int();
    let val = t.pop_int();
    let dst = t.pop_int();
    let dst = t.env.checked_range(mem, dst, len)?;
    let byte = t.b.build_int_truncate(val, ty.i8, "")?;
    let len = t.b.build_int_z_extend(len, ty.i64, "")?;
    let f =
        t.u.intrinsic("llvm.memset", &[ty.ptr.into(), ty.i64.into()]);
    bulk(t, f, dst.into(), byte.into(), len)
}

pub fn copy(t: &mut FuncTranslator, dst_mem: u32, src_mem: u32) -> Result<()> {
    let ty = t.u.t;
    let len = t.pop_int();
    let src = t.pop_int();
    let dst = t.pop_int();
    let src = t.env.checked_range(src_mem, src, len)?;
    let dst = t.env.checked_range(dst_mem, dst, len)?;
    let len = t.b.build_int_z_extend(len, ty.i64, "")?;
    let f = t.u.intrinsic(
        "llvm.memmove",
        &[ty.ptr.into(), ty.ptr.into(), ty.i64.into()],
    );
    bulk(t, f, dst.into(), src.into(), len)
}

/// `llvm.memset` or `llvm.memmove` of `len` bytes at `dst`, from `from`
/// (a byte or a source address): volatile where traps keep their order,
/// as a store is.
fn bulk<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    f: inkwell::values::FunctionValue<'ctx>,
    dst: inkwell::values::BasicMetadataValueEnum<'ctx>,
    from: inkwell::values::BasicMetadataValueEnum<'ctx>,
    len: inkwell::values::IntValue<'ctx>,
) -> Result<()> {
    let volatile = t.u.t.i1.const_int(t.env.keeps_trap_order() as u64, false);
    let call =
        t.b.build_call(f, &[dst, from, len.into(), volatile.into()], "")?;
    t.u.tag_access(
        call.try_as_basic_value().unwrap_instruction(),
        Region::LinearMemory,
    );
    Ok(())
}

pub fn init(t: &mut FuncTranslator, data_index: u32, mem: u32) -> Result<()> {
    let (i32t, i64t) = (t.u.t.i32, t.u.t.i64);
    let len = t.pop_int();
    let src = t.pop_int();
    let dst = t.pop_int();
    let dst = t.b.build_int_z_extend(dst, i64t, "")?;
    let args = [
        i32t.const_int(mem as u64, false).into(),
        i32t.const_int(data_index as u64, false).into(),
        dst.into(),
        src.into(),
        len.into(),
    ];
    t.env
        .call_trapping_builtin(Builtin::MemoryInit, TrapCode::MemoryOutOfBounds, &args)
}

pub fn data_drop(t: &mut FuncTranslator, data_index: u32) -> Result<()> {
    let seg = t.u.t.i32.const_int(data_index as u64, false);
    t.env.call_builtin(Builtin::DataDrop, &[seg.into()])?;
    Ok(())
}

/// Make `access` a trap point if it may fault: under guard pages the fault
/// *is* the bounds check, so LLVM must neither delete the access (its value
/// may be unused) nor move it past anything observable (a store, a call,
/// another trap) or move such a thing before it. A volatile access is kept
/// and kept in order; a load a dominating access proved in bounds is left
/// free (README: "Precise traps").
fn order_if_it_may_fault(access: inkwell::values::InstructionValue, how: &Access) {
    if how.may_fault {
        access.set_volatile(true).expect("a load");
    }
}

fn load_as<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    memarg: &MemArg,
    mem_ty: BasicTypeEnum<'ctx>,
    widen: Option<(IntType<'ctx>, Extend)>,
) -> Result<()> {
    let addr = t.pop_int();
    let bytes = byte_size(mem_ty);
    let mem = memory_index(memarg);
    let access = t.env.access(mem, addr, memarg.offset, bytes)?;
    let v = t.b.build_load(mem_ty, access.p, "")?;
    v.as_instruction_value().unwrap().set_alignment(1).ok();
    order_if_it_may_fault(v.as_instruction_value().unwrap(), &access);
    t.u.tag_access(v.as_instruction_value().unwrap(), Region::LinearMemory);
    t.env.accessed(mem, addr);
    let v = match widen {
        Some((to, Extend::Signed)) => t.b.build_int_s_extend(v.into_int_value(), to, "")?.into(),
        Some((to, Extend::Unsigned)) => t.b.build_int_z_extend(v.into_int_value(), to, "")?.into(),
        None => v,
    };
    t.push(v);
    Ok(())
}

fn store_as<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    memarg: &MemArg,
    narrow: Option<IntType<'ctx>>,
) -> Result<()> {
    let value = t.pop();
    let addr = t.pop_int();
    let value = match narrow {
        Some(n) => {
            t.b.build_int_truncate(value.into_int_value(), n, "")?
                .into()
        }
        None => value,
    };
    let mem = memory_index(memarg);
    let access = t
        .env
        .access(mem, addr, memarg.offset, byte_size(value.get_type()))?;
    let st = t.b.build_store(access.p, value)?;
    st.set_alignment(1).ok();
    if t.env.keeps_trap_order() {
        st.set_volatile(true).expect("a store");
    }
    t.u.tag_access(st, Region::LinearMemory);
    t.env.accessed(mem, addr);
    Ok(())
}

fn byte_size(ty: BasicTypeEnum) -> u64 {
    match ty {
        BasicTypeEnum::IntType(i) => i.get_bit_width() as u64 / 8,
        BasicTypeEnum::FloatType(f) => {
            if f == f.get_context().f32_type() {
                4
            } else {
                8
            }
        }
        _ => 8,
    }
}
