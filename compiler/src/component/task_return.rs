//! `task.return`'s core function: its signature is the task's result,
//! flattened as parameters (or one pointer when they are too many), so it
//! differs per type. The runtime's function has one fixed signature,
//! [`TASK_RETURN_SLOTS`] `i64`s; a small core module, made here, widens
//! each flat value to an `i64` (floats by their bits) and calls it.

use kiln_abi::component::{FuncType, Layout, TASK_RETURN_SLOTS};
use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, ImportSection,
    Instruction as I, Module, TypeSection, ValType,
};

/// The shim's bytes: it imports the runtime's function as `("", "task.return")`
/// and exports its own as `adapter`.
pub fn shim(layout: &Layout, f: &FuncType) -> Vec<u8> {
    let flat: Vec<ValType> = layout
        .signature(f, false)
        .params
        .iter()
        .map(|&v| super::adapter::core(&v))
        .collect();
    let mut types = TypeSection::new();
    types.ty().function([ValType::I64; TASK_RETURN_SLOTS], []);
    types.ty().function(flat.iter().copied(), []);
    let mut imports = ImportSection::new();
    imports.import("", "task.return", EntityType::Function(0));
    let mut funcs = FunctionSection::new();
    funcs.function(1);
    let mut body = Function::new([]);
    for (i, v) in flat.iter().enumerate() {
        body.instruction(&I::LocalGet(i as u32));
        match v {
            ValType::I32 => body.instruction(&I::I64ExtendI32U),
            ValType::F32 => body
                .instruction(&I::I32ReinterpretF32)
                .instruction(&I::I64ExtendI32U),
            ValType::F64 => body.instruction(&I::I64ReinterpretF64),
            _ => &mut body,
        };
    }
    for _ in flat.len()..TASK_RETURN_SLOTS {
        body.instruction(&I::I64Const(0));
    }
    body.instruction(&I::Call(0));
    body.instruction(&I::End);
    let mut code = CodeSection::new();
    code.function(&body);
    let mut exports = ExportSection::new();
    exports.export("adapter", ExportKind::Func, 1);
    let mut m = Module::new();
    m.section(&types)
        .section(&imports)
        .section(&funcs)
        .section(&exports)
        .section(&code);
    m.finish()
}
