//! The component's own object: its description and descriptor, which
//! names the descriptor of each of its compiled core modules.

use crate::analysis::plan::Tier;
use crate::backend::pipeline::{optimize_and_emit, passes, Emit};
use crate::error::Result;
use crate::llvm::target::target_machine;
use crate::options::CompileOptions;
use inkwell::context::Context;
use inkwell::module::Linkage;
use inkwell::values::PointerValue;
use inkwell::AddressSpace;
use kiln_abi::component::ComponentDescription;
use kiln_abi::component_descriptor as d;
use kiln_abi::symbols::{COMPONENT_SUFFIX, MODULE_SUFFIX};

pub fn compile_descriptor(desc: &ComponentDescription, opts: &CompileOptions) -> Result<Vec<u8>> {
    let cx = Context::create();
    let p = &opts.prefix;
    let module = cx.create_module(&format!("{p}{COMPONENT_SUFFIX}"));
    let tm = target_machine(opts)?;
    module.set_triple(&tm.get_triple());
    module.set_data_layout(&tm.get_target_data().get_data_layout());
    let ptr = cx.ptr_type(AddressSpace::default());
    let i64 = cx.i64_type();
    let internal_const = |name: &str, bytes: &[u8], nul: bool| -> PointerValue {
        let value = cx.const_string(bytes, nul);
        let g = module.add_global(value.get_type(), None, name);
        g.set_initializer(&value);
        g.set_constant(true);
        g.set_linkage(Linkage::Internal);
        g.as_pointer_value()
    };
    let mut description = Vec::new();
    desc.encode(&mut description);
    let meta = internal_const(&format!("{p}_component_meta"), &description, false);
    let modules: Vec<PointerValue> = (0..desc.modules as usize)
        .map(|i| {
            let name = format!("{}{MODULE_SUFFIX}", super::module_prefix(p, i));
            // Declared here, defined by the module's own metadata unit.
            let g = module.add_global(ptr, None, &name);
            g.set_linkage(Linkage::External);
            g.as_pointer_value()
        })
        .collect();
    let list = module.add_global(
        ptr.array_type(modules.len() as u32),
        None,
        &format!("{p}_component_modules"),
    );
    list.set_initializer(&ptr.const_array(&modules));
    list.set_constant(true);
    list.set_linkage(Linkage::Internal);
    let int = |v: u64| i64.const_int(v, false).const_to_pointer(ptr);
    let mut fields = vec![int(0); d::FIELDS as usize];
    fields[d::ABI_VERSION as usize] = int(kiln_abi::ABI_VERSION as u64);
    fields[d::META_PTR as usize] = meta;
    fields[d::META_LEN as usize] = int(description.len() as u64);
    fields[d::NUM_MODULES as usize] = int(desc.modules as u64);
    fields[d::MODULES_PTR as usize] = list.as_pointer_value();
    if let Some(program) = &opts.program {
        fields[d::PROGRAM as usize] =
            internal_const(&format!("{p}_component_program"), program.as_bytes(), true);
    }
    let descriptor = module.add_global(
        ptr.array_type(d::FIELDS),
        None,
        &format!("{p}{COMPONENT_SUFFIX}"),
    );
    descriptor.set_initializer(&ptr.const_array(&fields));
    descriptor.set_constant(true);
    if opts.program.is_some() {
        crate::llvm::ir::define_entry(
            &module,
            kiln_abi::symbols::ENTRY_COMPONENT,
            descriptor.as_pointer_value(),
        );
    }
    optimize_and_emit(&module, &tm, &passes(opts, Tier::Optimized), Emit::Object)
}
