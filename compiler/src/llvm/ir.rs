//! Small IR-building helpers that know nothing of wasm or of the vmctx.

use crate::error::Result;
use crate::llvm::unit::{Region, UnitCx};
use inkwell::builder::Builder;
use inkwell::types::BasicTypeEnum;
use inkwell::values::{
    BasicMetadataValueEnum, BasicValue, BasicValueEnum, FunctionValue, IntValue, PointerValue,
};

/// `base + offset` bytes.
pub fn field<'ctx>(
    u: &UnitCx<'ctx, '_>,
    b: &Builder<'ctx>,
    base: PointerValue<'ctx>,
    offset: u32,
) -> Result<PointerValue<'ctx>> {
    if offset == 0 {
        return Ok(base);
    }
    let off = u.t.i64.const_int(offset as u64, false);
    // SAFETY (of the generated code): callers pass offsets inside the
    // object `base` points to.
    Ok(unsafe { b.build_in_bounds_gep(u.t.i8, base, &[off], "")? })
}

/// `*(base + offset)` as `ty`, a load of the runtime's data; `invariant`
/// when it cannot change while the instance lives.
pub fn load_runtime_field<'ctx>(
    u: &UnitCx<'ctx, '_>,
    b: &Builder<'ctx>,
    base: PointerValue<'ctx>,
    offset: u32,
    ty: BasicTypeEnum<'ctx>,
    invariant: bool,
) -> Result<BasicValueEnum<'ctx>> {
    let p = field(u, b, base, offset)?;
    let v = b.build_load(ty, p, "")?;
    u.tag_access(v.as_instruction_value().unwrap(), Region::Runtime);
    if invariant {
        mark_invariant(u, v);
    }
    Ok(v)
}

/// Mark load `v` `!invariant.load`: LLVM may keep its value in a register
/// across anything.
pub fn mark_invariant<'ctx>(u: &UnitCx<'ctx, '_>, v: BasicValueEnum<'ctx>) {
    let kind = u.cx.get_kind_id("invariant.load");
    let md = u.cx.metadata_node(&[]);
    v.as_instruction_value()
        .expect("a load")
        .set_metadata(md, kind)
        .ok();
}

/// This frame's frame pointer (what a backtrace starts from).
pub fn frame_address<'ctx>(u: &UnitCx<'ctx, '_>, b: &Builder<'ctx>) -> Result<PointerValue<'ctx>> {
    let f = u.intrinsic("llvm.frameaddress", &[u.t.ptr.into()]);
    Ok(b.build_call(f, &[u.t.i32.const_zero().into()], "fp")?
        .try_as_basic_value()
        .basic()
        .expect("a pointer")
        .into_pointer_value())
}

/// `cond`, marked as expected to be false (its branch is cold).
pub fn unlikely<'ctx>(
    u: &UnitCx<'ctx, '_>,
    b: &Builder<'ctx>,
    cond: IntValue<'ctx>,
) -> Result<IntValue<'ctx>> {
    let expect = u.intrinsic("llvm.expect", &[u.t.i1.into()]);
    Ok(call_value(b, expect, &[cond.into(), u.t.i1.const_zero().into()])?.into_int_value())
}

/// Call `f`, which returns a value, and give that value.
pub fn call_value<'ctx>(
    b: &Builder<'ctx>,
    f: FunctionValue<'ctx>,
    args: &[BasicMetadataValueEnum<'ctx>],
) -> Result<BasicValueEnum<'ctx>> {
    Ok(b.build_call(f, args, "")?
        .try_as_basic_value()
        .basic()
        .expect("a function that returns a value"))
}

/// Define the executable's entry (`kiln_abi::symbols::ENTRY`): the kind of
/// program and its descriptor.
pub fn define_entry<'ctx>(
    module: &inkwell::module::Module<'ctx>,
    kind: u64,
    descriptor: PointerValue<'ctx>,
) {
    let cx = module.get_context();
    let ptr = cx.ptr_type(inkwell::AddressSpace::default());
    let kind = cx.i64_type().const_int(kind, false).const_to_pointer(ptr);
    let entry = module.add_global(ptr.array_type(2), None, kiln_abi::symbols::ENTRY);
    entry.set_initializer(&ptr.const_array(&[kind, descriptor]));
    entry.set_constant(true);
}
