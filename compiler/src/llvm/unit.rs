//! One codegen unit: an LLVM module holding a batch of functions.

use crate::analysis::{Analysis, ModulePlan};
use crate::llvm::target::Target;
use crate::llvm::types::LlTypes;
use crate::module::ModuleInfo;
use crate::options::CompileOptions;
use inkwell::context::Context;
use inkwell::intrinsics::Intrinsic;
use inkwell::module::{Linkage, Module};
use inkwell::types::BasicTypeEnum;
use inkwell::values::{FunctionValue, GlobalValue, InstructionValue, MetadataValue};
use inkwell::GlobalVisibility;
use kiln_abi::VMOffsets;
use std::cell::RefCell;
use std::collections::HashMap;

/// What a load or store reaches. A linear memory is a mapping of its own,
/// and the runtime's structures (vmctx, globals, tables, funcrefs, code
/// arrays) live elsewhere, so an access to one never touches the other:
/// a store to linear memory leaves a global, a memory's length or a
/// table's base in its register, and a `global.set` leaves loads from
/// linear memory alone. Calls still clobber both, as calls do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    LinearMemory = 0,
    Runtime = 1,
}

pub struct UnitCx<'ctx, 'm> {
    pub cx: &'ctx Context,
    pub module: Module<'ctx>,
    pub t: LlTypes<'ctx>,
    pub info: &'m ModuleInfo<'m>,
    pub plan: &'m ModulePlan,
    pub offsets: VMOffsets,
    pub opts: &'m CompileOptions,
    declared: RefCell<HashMap<u32, FunctionValue<'ctx>>>,
    /// Per frozen table and signature (canonical type index): what
    /// `call_indirect` calls through, as declared in this unit: the jump
    /// table on x86_64, elsewhere the array of code pointers (see
    /// `translate::call_targets`).
    pub code_arrays: RefCell<HashMap<(u32, u32), GlobalValue<'ctx>>>,
    /// Per trap code and signature: the stub that raises the trap.
    pub trap_stubs: RefCell<HashMap<(u32, u32), FunctionValue<'ctx>>>,
    /// What the code generator's choices depend on.
    pub target: Target,
    /// The tbaa access tag of each `Region`, by its index, made once.
    tbaa_tags: [MetadataValue<'ctx>; 2],
}

impl<'ctx, 'm> UnitCx<'ctx, 'm> {
    pub fn new(
        cx: &'ctx Context,
        name: &str,
        analysis: &'m Analysis<'m>,
        plan: &'m ModulePlan,
        opts: &'m CompileOptions,
    ) -> Self {
        let info = &analysis.info;
        let t = LlTypes::new(cx);
        let root = cx.metadata_node(&[cx.metadata_string("kiln").into()]);
        let tag = |name: &str| {
            let zero = t.i64.const_zero().into();
            let ty = cx.metadata_node(&[cx.metadata_string(name).into(), root.into(), zero]);
            cx.metadata_node(&[ty.into(), ty.into(), zero])
        };
        let tbaa_tags = [tag("wasm linear memory"), tag("kiln runtime data")];
        UnitCx {
            cx,
            module: cx.create_module(name),
            t,
            info,
            plan,
            offsets: info.offsets(8),
            opts,
            declared: RefCell::new(HashMap::new()),
            code_arrays: RefCell::new(HashMap::new()),
            trap_stubs: RefCell::new(HashMap::new()),
            target: Target::of(opts),
            tbaa_tags,
        }
    }

    /// Tag load or store `access` with the region it reads or writes, for
    /// LLVM's type-based alias analysis (see `Region`).
    pub fn tag_access(&self, access: InstructionValue<'ctx>, region: Region) {
        let tag = self.tbaa_tags[region as usize];
        access
            .set_metadata(tag, self.cx.get_kind_id("tbaa"))
            .expect("a tbaa tag on a load or store");
    }

    pub fn func_symbol(&self, index: u32) -> String {
        format!("{}_f{}", self.opts.prefix, index)
    }

    /// The LLVM function of a defined wasm function, declared in this unit
    /// on first use. Symbols are hidden: visible across this module's units,
    /// never exported from a shared library.
    pub fn function(&self, index: u32) -> FunctionValue<'ctx> {
        if let Some(f) = self.declared.borrow().get(&index) {
            return *f;
        }
        let ty = self.t.func(self.cx, self.info.func_type(index));
        let f = self
            .module
            .add_function(&self.func_symbol(index), ty, Some(Linkage::External));
        f.as_global_value().set_visibility(GlobalVisibility::Hidden);
        self.declared.borrow_mut().insert(index, f);
        f
    }

    /// The function another module of the component defines as `symbol`,
    /// of wasm type `ty`, declared in this unit on first use (hidden, as
    /// that module's own declarations are).
    pub fn known_import(&self, symbol: &str, ty: &wasmparser::FuncType) -> FunctionValue<'ctx> {
        let fty = self.t.func(self.cx, ty);
        if let Some(f) = self.module.get_function(symbol) {
            debug_assert_eq!(f.get_type(), fty, "{symbol} declared with another type");
            return f;
        }
        let f = self
            .module
            .add_function(symbol, fty, Some(Linkage::External));
        f.as_global_value().set_visibility(GlobalVisibility::Hidden);
        f
    }

    pub fn intrinsic(&self, name: &str, types: &[BasicTypeEnum<'ctx>]) -> FunctionValue<'ctx> {
        Intrinsic::find(name)
            .and_then(|i| i.get_declaration(&self.module, types))
            .unwrap_or_else(|| panic!("LLVM intrinsic {name} missing"))
    }
}
