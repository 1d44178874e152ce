//! Linear memory access. Under guard pages (the default) an access needs no
//! check: address + offset always lands inside the memory's reservation and
//! a fault past its length becomes a trap. With explicit bounds checks every
//! access compares against the current length.

use crate::error::Result;
use crate::llvm::unit::Region;
use crate::options::BoundsChecks;
use crate::translate::FuncTranslator;
use inkwell::types::{BasicTypeEnum, IntType};
use inkwell::values::{BasicValue, IntValue, PointerValue};
use inkwell::IntPredicate;
use kiln_abi::{Builtin, TrapCode};
use wasmparser::{MemArg, Operator as O};

/// How a load widens a narrow value.
#[derive(Clone, Copy)]
enum Widen {
    None,
    Signed,
    Unsigned,
}

pub fn lower(t: &mut FuncTranslator, op: &O) -> Result<bool> {
    let ty = t.u.t;
    let (i8t, i16t, i32t, i64t) = (ty.i8, t.u.cx.i16_type(), ty.i32, ty.i64);
    match op {
        O::I32Load { memarg } => load(t, memarg, i32t.into(), None, Widen::None)?,
        O::I64Load { memarg } => load(t, memarg, i64t.into(), None, Widen::None)?,
        O::F32Load { memarg } => load(t, memarg, ty.f32.into(), None, Widen::None)?,
        O::F64Load { memarg } => load(t, memarg, ty.f64.into(), None, Widen::None)?,
        O::I32Load8S { memarg } => load(t, memarg, i8t.into(), Some(i32t), Widen::Signed)?,
        O::I32Load8U { memarg } => load(t, memarg, i8t.into(), Some(i32t), Widen::Unsigned)?,
        O::I32Load16S { memarg } => load(t, memarg, i16t.into(), Some(i32t), Widen::Signed)?,
        O::I32Load16U { memarg } => load(t, memarg, i16t.into(), Some(i32t), Widen::Unsigned)?,
        O::I64Load8S { memarg } => load(t, memarg, i8t.into(), Some(i64t), Widen::Signed)?,
        O::I64Load8U { memarg } => load(t, memarg, i8t.into(), Some(i64t), Widen::Unsigned)?,
        O::I64Load16S { memarg } => load(t, memarg, i16t.into(), Some(i64t), Widen::Signed)?,
        O::I64Load16U { memarg } => load(t, memarg, i16t.into(), Some(i64t), Widen::Unsigned)?,
        O::I64Load32S { memarg } => load(t, memarg, i32t.into(), Some(i64t), Widen::Signed)?,
        O::I64Load32U { memarg } => load(t, memarg, i32t.into(), Some(i64t), Widen::Unsigned)?,
        O::I32Store { memarg }
        | O::I64Store { memarg }
        | O::F32Store { memarg }
        | O::F64Store { memarg } => store(t, memarg, None)?,
        O::I32Store8 { memarg } | O::I64Store8 { memarg } => store(t, memarg, Some(i8t))?,
        O::I32Store16 { memarg } | O::I64Store16 { memarg } => store(t, memarg, Some(i16t))?,
        O::I64Store32 { memarg } => store(t, memarg, Some(i32t))?,
        O::MemorySize { mem } => {
            let len = t.env.memory_length(t.u, t.b, *mem)?;
            let pages =
                t.b.build_right_shift(len, i64t.const_int(16, false), false, "")?;
            let v = t.b.build_int_truncate(pages, i32t, "")?;
            t.push(v);
        }
        O::MemoryGrow { mem } => {
            let delta = t.pop_int();
            let delta = t.b.build_int_z_extend(delta, i64t, "")?;
            let mem_idx = i32t.const_int(*mem as u64, false);
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
        }
        O::MemoryFill { mem } => {
            let len = t.pop_int();
            let val = t.pop_int();
            let dst = t.pop_int();
            let dst = checked_range(t, *mem, dst, len)?;
            let byte = t.b.build_int_truncate(val, i8t, "")?;
            let len = t.b.build_int_z_extend(len, i64t, "")?;
            let f = t.u.intrinsic("llvm.memset", &[ty.ptr.into(), i64t.into()]);
            let volatile = ty.i1.const_int(keeps_trap_order(t) as u64, false);
            let args = [dst.into(), byte.into(), len.into(), volatile.into()];
            let call = t.b.build_call(f, &args, "")?;
            t.u.tag_access(
                call.try_as_basic_value().unwrap_instruction(),
                Region::LinearMemory,
            );
        }
        O::MemoryCopy { dst_mem, src_mem } => {
            let len = t.pop_int();
            let src = t.pop_int();
            let dst = t.pop_int();
            let src = checked_range(t, *src_mem, src, len)?;
            let dst = checked_range(t, *dst_mem, dst, len)?;
            let len = t.b.build_int_z_extend(len, i64t, "")?;
            let f =
                t.u.intrinsic("llvm.memmove", &[ty.ptr.into(), ty.ptr.into(), i64t.into()]);
            let volatile = ty.i1.const_int(keeps_trap_order(t) as u64, false);
            let args = [dst.into(), src.into(), len.into(), volatile.into()];
            let call = t.b.build_call(f, &args, "")?;
            t.u.tag_access(
                call.try_as_basic_value().unwrap_instruction(),
                Region::LinearMemory,
            );
        }
        O::MemoryInit { data_index, mem } => {
            let len = t.pop_int();
            let src = t.pop_int();
            let dst = t.pop_int();
            let dst = t.b.build_int_z_extend(dst, i64t, "")?;
            let args = [
                i32t.const_int(*mem as u64, false).into(),
                i32t.const_int(*data_index as u64, false).into(),
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
            )?;
        }
        O::DataDrop { data_index } => {
            let seg = i32t.const_int(*data_index as u64, false);
            t.env
                .call_builtin(t.u, t.b, Builtin::DataDrop, &[seg.into()], None)?;
        }
        _ => return Ok(false),
    }
    Ok(true)
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

fn load<'ctx>(
    t: &mut FuncTranslator<'_, 'ctx>,
    memarg: &MemArg,
    mem_ty: BasicTypeEnum<'ctx>,
    widen_to: Option<IntType<'ctx>>,
    widen: Widen,
) -> Result<()> {
    let addr = t.pop_int();
    let bytes = byte_size(mem_ty);
    let access = effective_address(t, memarg, addr, bytes)?;
    let v = t.b.build_load(mem_ty, access.p, "")?;
    v.as_instruction_value().unwrap().set_alignment(1).ok();
    order_if_it_may_fault(v.as_instruction_value().unwrap(), &access);
    t.u.tag_access(v.as_instruction_value().unwrap(), Region::LinearMemory);
    note_access(t, memarg, addr);
    let v = match (widen_to, widen) {
        (Some(to), Widen::Signed) => t.b.build_int_s_extend(v.into_int_value(), to, "")?.into(),
        (Some(to), Widen::Unsigned) => t.b.build_int_z_extend(v.into_int_value(), to, "")?.into(),
        _ => v,
    };
    t.push(v);
    Ok(())
}

fn store<'ctx>(
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

pub(crate) fn memory_index(memarg: &MemArg) -> u32 {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(m) => m,
        wasmparser::MemArgTarget::Array(_) => {
            unreachable!("gc types are rejected by ModuleInfo::parse")
        }
    }
}
