//! Linear memory access. Under guard pages (the default) an access needs no
//! check: address + offset always lands inside the memory's reservation and
//! a fault past its length becomes a trap. With explicit bounds checks every
//! access compares against the current length.

use crate::error::Result;
use crate::llvm::unit::Region;
use crate::module::memory_index;
use crate::options::BoundsChecks;
use crate::translate::FuncTranslator;
use inkwell::types::{BasicTypeEnum, IntType};
use inkwell::values::{BasicValue, IntValue, PointerValue};
use inkwell::IntPredicate;
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
    let len = t.env.memory_length(t.u, t.b, mem)?;
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
    let old = t.env.call_builtin(
        t.u,
        t.b,
        Builtin::MemoryGrow,
        &[mem_idx.into(), delta.into()],
        Some(i64t.into()),
    )?;
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
    let dst = checked_range(t, mem, dst, len)?;
    let byte = t.b.build_int_truncate(val, ty.i8, "")?;
    let len = t.b.build_int_z_extend(len, ty.i64, "")?;
    let f =
        t.u.intrinsic("llvm.memset", &[ty.ptr.into(), ty.i64.into()]);
    let volatile = ty.i1.const_int(keeps_trap_order(t) as u64, false);
    let args = [dst.into(), byte.into(), len.into(), volatile.into()];
    let call = t.b.build_call(f, &args, "")?;
    t.u.tag_access(
        call.try_as_basic_value().unwrap_instruction(),
        Region::LinearMemory,
    );
    Ok(())
}

pub fn copy(t: &mut FuncTranslator, dst_mem: u32, src_mem: u32) -> Result<()> {
    let ty = t.u.t;
    let len = t.pop_int();
    let src = t.pop_int();
    let dst = t.pop_int();
    let src = checked_range(t, src_mem, src, len)?;
    let dst = checked_range(t, dst_mem, dst, len)?;
    let len = t.b.build_int_z_extend(len, ty.i64, "")?;
    let f = t.u.intrinsic(
        "llvm.memmove",
        &[ty.ptr.into(), ty.ptr.into(), ty.i64.into()],
    );
    let volatile = ty.i1.const_int(keeps_trap_order(t) as u64, false);
    let args = [dst.into(), src.into(), len.into(), volatile.into()];
    let call = t.b.build_call(f, &args, "")?;
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
    t.env.call_trapping_builtin(
        t.u,
        t.b,
        Builtin::MemoryInit,
        TrapCode::MemoryOutOfBounds,
        &args,
    )
}

pub fn data_drop(t: &mut FuncTranslator, data_index: u32) -> Result<()> {
    let seg = t.u.t.i32.const_int(data_index as u64, false);
    t.env
        .call_builtin(t.u, t.b, Builtin::DataDrop, &[seg.into()], None)?;
    Ok(())
}

/// `base + zext(addr) + offset`, checked against the length when bounds are
/// explicit.
fn effective_address<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    memarg: &MemArg,
    addr: IntValue<'ctx>,
    access_bytes: u64,
) -> Result<Access<'ctx>> {
    let i64t = t.u.t.i64;
    let memory_base = crate::translate::streams::base_for(t, memory_index(memarg), addr)?;
    // `base + k` that cannot wrap is addressed as `zext(base) + k`.
    let (addr, offset) = match t.facts.split_address(addr) {
        Some((base, k)) => (base, memarg.offset + k),
        None => (addr, memarg.offset),
    };
    let mem = memory_index(memarg);
    let covered = t.facts.in_bounds(mem, addr, offset + access_bytes)
        || below_initial_size(t, mem, addr, offset + access_bytes);
    t.facts.got_through(mem, addr, offset + access_bytes);
    let addr = t.b.build_int_z_extend(addr, i64t, "")?;
    let ea = if offset != 0 {
        t.b.build_int_add(addr, i64t.const_int(offset, false), "")?
    } else {
        addr
    };
    if t.u.opts.bounds_checks == BoundsChecks::Explicit {
        let end =
            t.b.build_int_add(ea, i64t.const_int(access_bytes, false), "")?;
        let len = t.env.memory_length(t.u, t.b, memory_index(memarg))?;
        let oob = t.b.build_int_compare(IntPredicate::UGT, end, len, "")?;
        t.env.trap_if(t.u, t.b, oob, TrapCode::MemoryOutOfBounds)?;
    }
    // SAFETY (of the generated code): within the reservation, see above.
    let p = unsafe { t.b.build_gep(t.u.t.i8, memory_base, &[ea], "")? };
    let may_fault = keeps_trap_order(t) && !covered;
    Ok(Access { p, may_fault })
}

/// Whether `addr + end` is a constant within the memory's initial size,
/// which it never shrinks below (an imported memory is at least as large
/// as its import declares): a static variable of a C program.
fn below_initial_size(t: &FuncTranslator, mem: u32, addr: IntValue, end: u64) -> bool {
    let Some(m) = t.u.info.memories.get(mem as usize) else {
        return false;
    };
    let initial_bytes = m.initial.saturating_mul(kiln_abi::WASM_PAGE_SIZE);
    addr.get_zero_extended_constant()
        .is_some_and(|a| !m.memory64 && a + end <= initial_bytes)
}

/// Where an access goes, and whether it may fault on a guard page.
struct Access<'ctx> {
    p: PointerValue<'ctx>,
    may_fault: bool,
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

/// Whether faults on guard pages must keep their place among what is
/// observable (precise traps under guard pages). Then an access that may
/// fault is volatile, and so is every store to what a trap leaves behind
/// (linear memory, globals, `memory.fill` and `memory.copy`): a store
/// before a faulting access must happen, yet LLVM takes that access to be
/// one that cannot trap, so it would delete the store as dead when a later
/// one overwrites it (dead store elimination across a faulting load of
/// another address, or of memory where the store was to a global).
pub fn keeps_trap_order(t: &FuncTranslator) -> bool {
    t.u.opts.bounds_checks == BoundsChecks::GuardPages && t.u.opts.precise_traps
}

/// Address of `[start, start + len)` in a memory, always checked: bulk
/// operations trap before touching anything.
fn checked_range<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    mem: u32,
    start: IntValue<'ctx>,
    len: IntValue<'ctx>,
) -> Result<PointerValue<'ctx>> {
    let i64t = t.u.t.i64;
    let start = t.b.build_int_z_extend(start, i64t, "")?;
    let len = t.b.build_int_z_extend(len, i64t, "")?;
    let end = t.b.build_int_add(start, len, "")?;
    let mem_len = t.env.memory_length(t.u, t.b, mem)?;
    let oob = t.b.build_int_compare(IntPredicate::UGT, end, mem_len, "")?;
    t.env.trap_if(t.u, t.b, oob, TrapCode::MemoryOutOfBounds)?;
    let base = t.env.memory_base(t.u, t.b, mem)?;
    Ok(unsafe { t.b.build_gep(t.u.t.i8, base, &[start], "")? })
}

fn load_as<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    memarg: &MemArg,
    mem_ty: BasicTypeEnum<'ctx>,
    widen: Option<(IntType<'ctx>, Extend)>,
) -> Result<()> {
    let addr = t.pop_int();
    let bytes = byte_size(mem_ty);
    let access = effective_address(t, memarg, addr, bytes)?;
    let v = t.b.build_load(mem_ty, access.p, "")?;
    v.as_instruction_value().unwrap().set_alignment(1).ok();
    order_if_it_may_fault(v.as_instruction_value().unwrap(), &access);
    t.u.tag_access(v.as_instruction_value().unwrap(), Region::LinearMemory);
    note_access(t, memarg, addr);
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
    let access = effective_address(t, memarg, addr, byte_size(value.get_type()))?;
    let st = t.b.build_store(access.p, value)?;
    st.set_alignment(1).ok();
    if keeps_trap_order(t) {
        st.set_volatile(true).expect("a store");
    }
    t.u.tag_access(st, Region::LinearMemory);
    note_access(t, memarg, addr);
    Ok(())
}

/// From here on `addr` is known to be in bounds (see `addr_facts`).
fn note_access<'ctx>(t: &mut FuncTranslator<'_, 'ctx>, memarg: &MemArg, addr: IntValue<'ctx>) {
    if t.u.info.memory_stays_below_4gib(memory_index(memarg)) {
        t.facts.accessed(addr);
    }
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
