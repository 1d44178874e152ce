//! wasm types as LLVM types.

use inkwell::context::Context;
use inkwell::types::{BasicMetadataTypeEnum, BasicType, BasicTypeEnum, FunctionType};
use inkwell::AddressSpace;
use wasmparser::{FuncType, ValType};

/// Frequently used LLVM types of one context.
#[derive(Clone, Copy)]
pub struct LlTypes<'ctx> {
    pub i1: inkwell::types::IntType<'ctx>,
    pub i8: inkwell::types::IntType<'ctx>,
    pub i32: inkwell::types::IntType<'ctx>,
    pub i64: inkwell::types::IntType<'ctx>,
    pub f32: inkwell::types::FloatType<'ctx>,
    pub f64: inkwell::types::FloatType<'ctx>,
    pub ptr: inkwell::types::PointerType<'ctx>,
    pub void: inkwell::types::VoidType<'ctx>,
}

impl<'ctx> LlTypes<'ctx> {
    pub fn new(cx: &'ctx Context) -> Self {
        LlTypes {
            i1: cx.bool_type(),
            i8: cx.i8_type(),
            i32: cx.i32_type(),
            i64: cx.i64_type(),
            f32: cx.f32_type(),
            f64: cx.f64_type(),
            ptr: cx.ptr_type(AddressSpace::default()),
            void: cx.void_type(),
        }
    }

    /// References (funcref, externref) are pointer-sized; v128 is refused
    /// when the module is read.
    pub fn val(&self, v: ValType) -> BasicTypeEnum<'ctx> {
        match v {
            ValType::I32 => self.i32.into(),
            ValType::I64 => self.i64.into(),
            ValType::F32 => self.f32.into(),
            ValType::F64 => self.f64.into(),
            ValType::V128 => unreachable!("v128 is rejected by ModuleInfo::parse"),
            ValType::Ref(_) => self.ptr.into(),
        }
    }

    /// `(vmctx, params...) -> ()` / `result` / `{results...}`.
    pub fn func(&self, cx: &'ctx Context, ty: &FuncType) -> FunctionType<'ctx> {
        let mut params: Vec<BasicMetadataTypeEnum> = vec![self.ptr.into()];
        params.extend(
            ty.params()
                .iter()
                .map(|p| BasicMetadataTypeEnum::from(self.val(*p))),
        );
        match ty.results() {
            [] => self.void.fn_type(&params, false),
            [one] => self.val(*one).fn_type(&params, false),
            many => {
                let fields: Vec<BasicTypeEnum> = many.iter().map(|r| self.val(*r)).collect();
                cx.struct_type(&fields, false).fn_type(&params, false)
            }
        }
    }
}
