//! Fused adapters: a call from one component instance into a function
//! another lifts becomes a small core module, made here with wasm-encoder
//! and compiled by the same backend as every module. It takes the caller's
//! flat arguments, lifts and lowers each by its type (integers narrowed,
//! bools and chars checked, strings and lists copied into the callee's
//! memory through its `realloc`), calls the callee, passes the result back
//! the same way and runs the callee's `post-return`. The link is known when
//! the program is built, so the call is direct.
//!
//! Supported so far: results of at most one flat value and parameters that
//! do not spill; strings between two UTF-8 sides; lists of numbers. Other
//! shapes are refused by name.

use kiln_abi::component::{AdapterTrap, FuncType, Layout, StringEncoding, ValueType};
use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, ImportSection,
    Instruction as I, MemoryType, Module, TypeSection, ValType,
};

/// What the adapter needs from both sides.
pub struct Sides {
    pub caller_encoding: StringEncoding,
    pub callee_encoding: StringEncoding,
    pub has_post_return: bool,
}

/// The adapter's imports, in order, as the instantiation must give them.
#[derive(Debug, PartialEq, Eq)]
pub enum AdapterImport {
    Callee,
    /// The runtime's function raising this trap.
    Raise(AdapterTrap),
    CallerMemory,
    CalleeMemory,
    CalleeRealloc,
    PostReturn,
}

/// An adapter's bytes and its imports; `Err` names what is not supported.
pub fn build(
    layout: &Layout,
    f: &FuncType,
    sides: &Sides,
) -> Result<(Vec<u8>, Vec<AdapterImport>), String> {
    let sig = layout.signature(f, false);
    if sig.params_in_memory || sig.results_in_memory {
        return Err("a function whose parameters or results spill to memory".into());
    }
    let wasm = |v: &kiln_abi::module::ValType| match v {
        kiln_abi::module::ValType::I64 => ValType::I64,
        kiln_abi::module::ValType::F32 => ValType::F32,
        kiln_abi::module::ValType::F64 => ValType::F64,
        _ => ValType::I32,
    };
    let params: Vec<ValType> = sig.params.iter().map(wasm).collect();
    let results: Vec<ValType> = sig.results.iter().map(wasm).collect();
    let mut copies_memory = false;
    for (_, t) in &f.params {
        copies_memory |= needs_memory(layout, *t, sides)?;
    }
    if let Some(r) = f.result {
        if needs_memory(layout, r, sides)? {
            return Err("a result that lives in memory".into());
        }
    }

    let mut types = TypeSection::new();
    types.ty().function(params.clone(), results.clone()); // 0: the call
    types.ty().function([ValType::I32; 4], [ValType::I32]); // 1: realloc
    types.ty().function(results.clone(), []); // 2: post-return
    types.ty().function([], []); // 3: raise
    let mut imports = ImportSection::new();
    let mut order = vec![AdapterImport::Callee];
    imports.import("", "callee", EntityType::Function(0));
    // Functions 1..=3 raise the adapter's traps, in `AdapterTrap` order.
    for t in [
        AdapterTrap::InvalidChar,
        AdapterTrap::UnalignedPointer,
        AdapterTrap::ListTooLong,
    ] {
        imports.import("", &format!("raise-{}", t as u8), EntityType::Function(3));
        order.push(AdapterImport::Raise(t));
    }
    let memory = EntityType::Memory(MemoryType {
        minimum: 0,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut funcs = 4;
    let (caller_mem, callee_mem, realloc) = (0u32, 1u32, 4u32);
    if copies_memory {
        imports.import("", "caller-memory", memory);
        imports.import("", "callee-memory", memory);
        imports.import("", "callee-realloc", EntityType::Function(1));
        order.extend([
            AdapterImport::CallerMemory,
            AdapterImport::CalleeMemory,
            AdapterImport::CalleeRealloc,
        ]);
        funcs += 1;
    }
    let post_return = funcs;
    if sides.has_post_return {
        imports.import("", "post-return", EntityType::Function(2));
        order.push(AdapterImport::PostReturn);
        funcs += 1;
    }
    let mut functions = FunctionSection::new();
    functions.function(0);
    let mut exports = ExportSection::new();
    exports.export("adapter", ExportKind::Func, funcs);

    // Locals after the parameters: two scratch i32s, then the result.
    let scratch = params.len() as u32;
    let result_local = scratch + 2;
    let mut locals = vec![(2, ValType::I32)];
    if let Some(r) = results.first() {
        locals.push((1, *r));
    }
    let mut body = Function::new(locals);
    let mut flat = 0u32;
    for (_, t) in &f.params {
        pass(
            layout,
            *t,
            &mut flat,
            scratch,
            (caller_mem, callee_mem, realloc),
            &mut body,
        )?;
    }
    body.instruction(&I::Call(0));
    if let Some(r) = f.result {
        body.instruction(&I::LocalSet(result_local));
        if *layout.ty(r) == ValueType::Char {
            check_char(result_local, &mut body);
        }
        // post-return gets the callee's own result; the caller the lifted one.
        if sides.has_post_return {
            body.instruction(&I::LocalGet(result_local));
            body.instruction(&I::Call(post_return));
        }
        body.instruction(&I::LocalGet(result_local));
        narrow(layout.ty(r), &mut body);
    } else if sides.has_post_return {
        body.instruction(&I::Call(post_return));
    }
    body.instruction(&I::End);
    let mut code = CodeSection::new();
    code.function(&body);

    let mut module = Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&functions)
        .section(&exports)
        .section(&code);
    Ok((module.finish(), order))
}

/// Whether a value of type `t` lives partly in memory; `Err` for a type
/// the adapters cannot carry yet.
fn needs_memory(layout: &Layout, t: u32, sides: &Sides) -> Result<bool, String> {
    Ok(match layout.ty(t) {
        ValueType::String => {
            if sides.caller_encoding != StringEncoding::Utf8
                || sides.callee_encoding != StringEncoding::Utf8
            {
                return Err("a string in an encoding other than UTF-8".into());
            }
            true
        }
        ValueType::List(e) => {
            if !is_number(layout.ty(*e)) {
                return Err(format!("a list of {:?}", layout.ty(*e)));
            }
            true
        }
        t if is_scalar(t) => false,
        other => return Err(format!("a value of type {other:?}")),
    })
}

fn is_number(t: &ValueType) -> bool {
    use ValueType::*;
    matches!(t, S8 | U8 | S16 | U16 | S32 | U32 | S64 | U64 | F32 | F64)
}

fn is_scalar(t: &ValueType) -> bool {
    is_number(t) || matches!(t, ValueType::Bool | ValueType::Char)
}

/// Narrow the flat value on the stack as lifting its type does (chars are
/// checked by `check_char`).
fn narrow(t: &ValueType, body: &mut Function) {
    match t {
        ValueType::U8 => {
            body.instruction(&I::I32Const(0xff));
            body.instruction(&I::I32And);
        }
        ValueType::U16 => {
            body.instruction(&I::I32Const(0xffff));
            body.instruction(&I::I32And);
        }
        ValueType::S8 => {
            body.instruction(&I::I32Extend8S);
        }
        ValueType::S16 => {
            body.instruction(&I::I32Extend16S);
        }
        ValueType::Bool => {
            body.instruction(&I::I32Const(0));
            body.instruction(&I::I32Ne);
        }
        _ => {}
    }
}

/// Move one parameter from the caller's flat values to the callee's.
fn pass(
    layout: &Layout,
    t: u32,
    flat: &mut u32,
    scratch: u32,
    (caller_mem, callee_mem, realloc): (u32, u32, u32),
    body: &mut Function,
) -> Result<(), String> {
    let ty = layout.ty(t);
    if is_scalar(ty) {
        body.instruction(&I::LocalGet(*flat));
        narrow(ty, body);
        if *ty == ValueType::Char {
            check_char(*flat, body);
        }
        *flat += 1;
        return Ok(());
    }
    let (size, align) = match ty {
        ValueType::String => (1, 1),
        ValueType::List(e) => layout.size_align(*e),
        _ => unreachable!("needs_memory refused it"),
    };
    let (ptr, len) = (*flat, *flat + 1);
    let (bytes, new) = (scratch, scratch + 1);
    // bytes = len * size, trapping where that overflows; the source
    // aligned for its elements.
    body.instruction(&I::LocalGet(len));
    body.instruction(&I::I32Const((u32::MAX / size) as i32));
    body.instruction(&I::I32GtU);
    trap_if(AdapterTrap::ListTooLong, body);
    body.instruction(&I::LocalGet(len));
    body.instruction(&I::I32Const(size as i32));
    body.instruction(&I::I32Mul);
    body.instruction(&I::LocalSet(bytes));
    if align > 1 {
        body.instruction(&I::LocalGet(ptr));
        body.instruction(&I::I32Const(align as i32 - 1));
        body.instruction(&I::I32And);
        trap_if(AdapterTrap::UnalignedPointer, body);
    }
    // new = realloc(0, 0, align, bytes); copy; pass (new, len).
    body.instruction(&I::I32Const(0));
    body.instruction(&I::I32Const(0));
    body.instruction(&I::I32Const(align as i32));
    body.instruction(&I::LocalGet(bytes));
    body.instruction(&I::Call(realloc));
    body.instruction(&I::LocalSet(new));
    body.instruction(&I::LocalGet(new));
    body.instruction(&I::LocalGet(ptr));
    body.instruction(&I::LocalGet(bytes));
    body.instruction(&I::MemoryCopy {
        src_mem: caller_mem,
        dst_mem: callee_mem,
    });
    body.instruction(&I::LocalGet(new));
    body.instruction(&I::LocalGet(len));
    *flat += 2;
    Ok(())
}

/// Trap unless local `v` holds a Unicode scalar value.
fn check_char(v: u32, body: &mut Function) {
    body.instruction(&I::LocalGet(v));
    body.instruction(&I::I32Const(0x11_0000));
    body.instruction(&I::I32GeU);
    body.instruction(&I::LocalGet(v));
    body.instruction(&I::I32Const(0xd800));
    body.instruction(&I::I32Sub);
    body.instruction(&I::I32Const(0x800));
    body.instruction(&I::I32LtU);
    body.instruction(&I::I32Or);
    trap_if(AdapterTrap::InvalidChar, body);
}

/// If the i32 on the stack is nonzero, raise `t`.
fn trap_if(t: AdapterTrap, body: &mut Function) {
    body.instruction(&I::If(wasm_encoder::BlockType::Empty));
    body.instruction(&I::Call(1 + t as u32));
    body.instruction(&I::Unreachable);
    body.instruction(&I::End);
}
