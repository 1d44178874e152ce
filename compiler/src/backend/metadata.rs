//! The metadata unit: module descriptor, the table of defined functions,
//! host-to-wasm trampolines and the bytes the runtime instantiates from.

use crate::analysis::plan::Tier;
use crate::analysis::{Analysis, ModulePlan};
use crate::backend::pipeline::{optimize_and_emit, passes, Emit};
use crate::error::Result;
use crate::llvm::target::target_machine;
use crate::llvm::unit::UnitCx;
use crate::options::{BoundsChecks, CompileOptions};
use inkwell::context::Context;
use inkwell::module::Linkage;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, FunctionValue, PointerValue};
use inkwell::{AddressSpace, GlobalVisibility};
use kiln_abi::{descriptor, VAL_RAW_SIZE};

/// `unwind`: the code units' unwind table (`kiln_abi::unwind`), or empty.
pub fn compile_metadata_unit(
    analysis: &Analysis,
    plan: &ModulePlan,
    opts: &CompileOptions,
    unwind: &[u8],
) -> Result<Vec<u8>> {
    let cx = Context::create();
    emit_metadata(&cx, analysis, plan, opts, unwind)
}

fn emit_metadata<'ctx>(
    cx: &'ctx Context,
    analysis: &Analysis,
    plan: &ModulePlan,
    opts: &CompileOptions,
    unwind: &[u8],
) -> Result<Vec<u8>> {
    let info = &analysis.info;
    let u = UnitCx::new(cx, &format!("{}_meta", opts.prefix), analysis, plan, opts);
    let tm = target_machine(opts)?;
    u.module.set_triple(&tm.get_triple());
    u.module
        .set_data_layout(&tm.get_target_data().get_data_layout());
    let t = u.t;
    let p = &opts.prefix;
    // The code section starts on a page, so the wasm code's addresses
    // modulo the page (which cache lines, fetch windows and branch
    // predictors see) depend on the wasm code alone, not on the size of
    // the runtime and data linked before it. Without this, a larger unwind
    // table moved an interpreter's dispatch loop by 32 bytes and made it
    // 1.35x slower.
    u.module.set_inline_assembly(&format!(
        ".pushsection {},\"ax\",%progbits\n.p2align 12\n.popsection\n",
        kiln_abi::symbols::CODE_SECTION
    ));

    let hidden_const = |name: &str, value: BasicValueEnum<'ctx>| -> PointerValue<'ctx> {
        let g = u
            .module
            .add_global(value.get_type(), Some(AddressSpace::default()), name);
        g.set_initializer(&value);
        g.set_constant(true);
        g.set_linkage(Linkage::Internal);
        g.as_pointer_value()
    };

    let mut description = Vec::new();
    info.description.encode(&mut description);
    let meta = hidden_const(
        &format!("{p}_meta"),
        cx.const_string(&description, false).into(),
    );

    // Local functions may have been inlined everywhere and deleted: a weak
    // reference reads as null then (see local.rs).
    let funcs: Vec<PointerValue> = (info.num_imported_funcs..info.funcs.len() as u32)
        .map(|i| {
            let f = u.function(i);
            if plan.is_local(i) {
                f.as_global_value().set_linkage(Linkage::ExternalWeak);
            }
            f.as_global_value().as_pointer_value()
        })
        .collect();
    let funcs = hidden_const(&format!("{p}_funcs"), t.ptr.const_array(&funcs).into());
    crate::translate::call_targets::define_call_targets(&u)?;

    let trampolines: Vec<PointerValue> = (0..info.types.len() as u32)
        .map(|ti| trampoline(&u, ti).map(|f| f.as_global_value().as_pointer_value()))
        .collect::<Result<_>>()?;
    let trampolines = hidden_const(
        &format!("{p}_trampolines"),
        t.ptr.const_array(&trampolines).into(),
    );

    let code_bound = |which: &str| {
        let g = u.module.add_global(
            t.i8,
            None,
            &format!("__{which}_{}", kiln_abi::symbols::CODE_SECTION),
        );
        g.set_linkage(Linkage::ExternalWeak);
        g.set_visibility(GlobalVisibility::Hidden);
        g.as_pointer_value()
    };
    let int = |v: u64| t.i64.const_int(v, false).const_to_pointer(t.ptr);
    let mut fields = vec![int(0); descriptor::FIELDS as usize];
    fields[descriptor::ABI_VERSION as usize] = int(kiln_abi::ABI_VERSION as u64);
    fields[descriptor::META_PTR as usize] = meta;
    fields[descriptor::META_LEN as usize] = int(description.len() as u64);
    fields[descriptor::FUNCS_PTR as usize] = funcs;
    fields[descriptor::NUM_DEFINED_FUNCS as usize] = int(info.num_defined_funcs() as u64);
    fields[descriptor::TRAMPOLINES_PTR as usize] = trampolines;
    fields[descriptor::NUM_TYPES as usize] = int(info.types.len() as u64);
    fields[descriptor::CODE_START as usize] = code_bound("start");
    fields[descriptor::CODE_END as usize] = code_bound("stop");
    fields[descriptor::BOUNDS_CHECKS as usize] =
        int((opts.bounds_checks == BoundsChecks::Explicit) as u64);
    if let Some(image) = &info.memory_image {
        let g = u.module.add_global(
            t.i8.array_type(image.bytes.len() as u32),
            None,
            &format!("{p}_memory_image"),
        );
        g.set_initializer(&cx.const_string(&image.bytes, false));
        g.set_constant(true);
        g.set_linkage(Linkage::Internal);
        // Page-aligned in the file as in memory, so the runtime can map it.
        g.set_alignment(crate::module::image::IMAGE_ALIGN as u32);
        g.set_section(Some(kiln_abi::symbols::IMAGE_SECTION));
        fields[descriptor::IMAGE_PTR as usize] = g.as_pointer_value();
        fields[descriptor::IMAGE_OFFSET as usize] = int(image.offset);
        fields[descriptor::IMAGE_LEN as usize] = int(image.bytes.len() as u64);
    }
    if !unwind.is_empty() {
        let defined = info.num_defined_funcs() as u32;
        let table = kiln_abi::unwind::indexed(unwind, info.num_imported_funcs, defined)
            .ok_or_else(|| {
                crate::error::CompileError::Unwind("a malformed or misnumbered entry".into())
            })?;
        fields[descriptor::UNWIND_PTR as usize] = hidden_const(
            &format!("{p}_unwind"),
            cx.const_string(&table, false).into(),
        );
        fields[descriptor::UNWIND_LEN as usize] = int(table.len() as u64);
    }
    if let Some(program) = &opts.program {
        let text = cx.const_string(program.as_bytes(), true);
        fields[descriptor::PROGRAM as usize] = hidden_const(&format!("{p}_program"), text.into());
    }
    let desc_name = format!("{p}{}", kiln_abi::symbols::MODULE_SUFFIX);
    let desc = u
        .module
        .add_global(t.ptr.array_type(descriptor::FIELDS), None, &desc_name);
    desc.set_initializer(&t.ptr.const_array(&fields));
    desc.set_constant(true);
    if opts.program.is_some() {
        crate::llvm::ir::define_entry(
            &u.module,
            kiln_abi::symbols::ENTRY_MODULE,
            desc.as_pointer_value(),
        );
    }
    optimize_and_emit(&u.module, &tm, &passes(opts, Tier::Optimized), Emit::Object)
}

/// `void tramp(vmctx, callee, values)`: reads the arguments from 16-byte
/// slots, calls `callee(vmctx, args...)` and writes the results back over
/// the same slots. The runtime calls every function through these.
fn trampoline<'ctx>(u: &UnitCx<'ctx, '_>, type_index: u32) -> Result<FunctionValue<'ctx>> {
    let t = u.t;
    let ty = &u.info.types[type_index as usize];
    let fty = t
        .void
        .fn_type(&[t.ptr.into(), t.ptr.into(), t.ptr.into()], false);
    let f = u.module.add_function(
        &format!("{}_tramp{type_index}", u.opts.prefix),
        fty,
        Some(Linkage::Internal),
    );
    let b = u.cx.create_builder();
    b.position_at_end(u.cx.append_basic_block(f, "entry"));
    let vmctx = f.get_nth_param(0).unwrap();
    let callee = f.get_nth_param(1).unwrap().into_pointer_value();
    let values = f.get_nth_param(2).unwrap().into_pointer_value();
    let slot = |i: usize| unsafe {
        b.build_gep(
            t.i8,
            values,
            &[t.i64.const_int(i as u64 * VAL_RAW_SIZE as u64, false)],
            "",
        )
    };
    let mut args: Vec<BasicMetadataValueEnum> = vec![vmctx.into()];
    for (i, p) in ty.params().iter().enumerate() {
        args.push(b.build_load(t.val(*p), slot(i)?, "")?.into());
    }
    let call = b.build_indirect_call(t.func(u.cx, ty), callee, &args, "")?;
    let results = ty.results();
    if let Some(ret) = call.try_as_basic_value().basic() {
        if results.len() == 1 {
            b.build_store(slot(0)?, ret)?;
        } else {
            for i in 0..results.len() {
                let v = b.build_extract_value(ret.into_struct_value(), i as u32, "")?;
                b.build_store(slot(i)?, v)?;
            }
        }
    }
    b.build_return(None)?;
    Ok(f)
}

/// The objects `wat` compiles to for x86_64 Linux at -O2, the metadata
/// unit's last.
#[cfg(test)]
pub(crate) fn x86_64_objects(wat: &str) -> Vec<Vec<u8>> {
    let opts = CompileOptions {
        target: Some("x86_64-unknown-linux-gnu".into()),
        ..CompileOptions::default()
    };
    let wasm = wat::parse_str(wat).unwrap();
    crate::compile(&wasm, &opts).unwrap().objects
}

#[cfg(test)]
mod tests {
    use super::x86_64_objects;

    /// The metadata unit's piece of the code section asks for a page, so
    /// the linked code section starts on one.
    #[test]
    fn code_section_starts_on_a_page() {
        use object::{Object, ObjectSection};
        let objects = x86_64_objects(r#"(module (func (export "f")))"#);
        let meta = object::File::parse(&objects.last().unwrap()[..]).unwrap();
        let code = meta
            .section_by_name(kiln_abi::symbols::CODE_SECTION)
            .expect("a code section in the metadata unit");
        assert_eq!(code.align(), 4096);
    }
}
