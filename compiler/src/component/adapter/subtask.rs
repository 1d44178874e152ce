//! Fused adapters for a call by the async ABI: an async-lowered import of
//! a function another instance lifts async. The call adapter gives the
//! caller's arguments in the async lowering's form (flat up to four, else
//! a pointer to them) and the caller's pointer for the result to the
//! runtime's `enter-subtask`. If the callee may start, the runtime runs
//! the starter, a second module, on a stack of the callee task's own: it
//! moves the arguments into the callee as a synchronous adapter does and
//! calls it, which runs until it first waits, yields or exits (or, in
//! the callback form, blocks inside its turn), and the caller gets the
//! subtask's state. Else the call is held back, and the runtime runs
//! the starter later. The result comes when the
//! callee's `task.return` gives it: the returner, a third module, moves
//! it from the callee's flat values (or its memory) to the caller's
//! memory at the caller's pointer.

use super::code::{Code, Loc};
use super::values::{Dir, Side, Translator};
use super::{
    call_imports, core, import_channels, import_transfers, needs, AdapterImport, Needs, Sides,
};
use kiln_abi::component::{
    AdapterTrap, FuncType, Layout, TypeIndex, MAX_FLAT_ASYNC_PARAMS, TASK_RETURN_SLOTS,
};
use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, FunctionSection, ImportSection,
    Instruction as I, MemoryType, Module, TypeSection, ValType,
};

const MEMORY: EntityType = EntityType::Memory(MemoryType {
    minimum: 0,
    maximum: None,
    memory64: false,
    shared: false,
    page_size_log2: None,
});

/// The async call's flat parameters, as the async lowering passes them
/// (flat up to four, else a pointer to them), and whether they are in
/// the caller's memory.
fn async_params(layout: &Layout, f: &FuncType) -> (Vec<ValType>, bool) {
    let mut flat = Vec::new();
    for (_, p) in &f.params {
        layout.flatten(*p, &mut flat);
    }
    match flat.len() > MAX_FLAT_ASYNC_PARAMS {
        true => (vec![ValType::I32], true),
        false => (flat.iter().map(core).collect(), false),
    }
}

/// The starter's bytes and its imports: the half of an async call that
/// takes the caller's arguments in the async lowering's form, moves them
/// into the callee as a synchronous adapter does, and calls the callee,
/// returning the code its first turn ends with. The call adapter runs it
/// when the callee may start at once; the runtime, for a call it held
/// back, when the callee is free.
pub fn build_starter(
    layout: &Layout,
    f: &FuncType,
    sides: &Sides,
    stackful: bool,
) -> Result<(Vec<u8>, Vec<AdapterImport>), String> {
    let lift = layout.signature(f, true);
    let (params, in_memory) = async_params(layout, f);
    let mut in_params = Needs::default();
    for (_, t) in &f.params {
        needs(layout, *t, &mut in_params);
    }
    // The callee's memory is written only through its `realloc`, which
    // only a call reading the caller's memory needs.
    let callee_realloc = in_params.memory || lift.params_in_memory;
    let caller_memory = callee_realloc || in_memory;
    if caller_memory && !sides.caller.memory {
        return Err("a call whose caller gives no `memory`".into());
    }
    if callee_realloc && !(sides.callee.memory && sides.callee.realloc) {
        return Err("a call whose callee gives no `memory` or `realloc`".into());
    }
    let callee_params: Vec<ValType> = lift.params.iter().map(core).collect();

    let mut types = TypeSection::new();
    types.ty().function(params.clone(), [ValType::I32]); // 0: the starter
    types
        .ty()
        .function(callee_params.clone(), callee_code(stackful)); // 1: the callee
    types.ty().function([ValType::I32; 4], [ValType::I32]); // 2: realloc
    types.ty().function([], []); // 3: unused
    types.ty().function([], []); // 4: raise
    types.ty().function([ValType::I32], [ValType::I32]); // 5: a channel's or handle's move
    let (mut imports, mut order, mut funcs) = call_imports();
    let mut import_func = |name: &str, ty: u32, what: AdapterImport| {
        imports.import("", name, EntityType::Function(ty));
        order.push(what);
        funcs += 1;
        funcs - 1
    };
    let channels = import_channels(&[(&in_params, true)], 5, &mut import_func);
    let transfers = import_transfers(&[(&in_params, true)], 5, &mut import_func);
    let lending = import_lending(&in_params, &mut import_func);
    let realloc =
        callee_realloc.then(|| import_func("callee-realloc", 2, AdapterImport::CalleeRealloc));
    if caller_memory {
        imports.import("", "caller-memory", MEMORY);
        order.push(AdapterImport::CallerMemory);
    }
    if callee_realloc {
        imports.import("", "callee-memory", MEMORY);
        order.push(AdapterImport::CalleeMemory);
    }
    let dir = Dir {
        from: Side {
            memory: 0,
            realloc: None,
            encoding: sides.caller.encoding,
        },
        to: Side {
            memory: 1,
            realloc,
            encoding: sides.callee.encoding,
        },
        to_callee: true,
    };
    let mut t = Translator {
        layout: *layout,
        code: Code::new(params.len() as u32),
        transfers,
        channels,
    };
    lend(&mut t.code, lending, true);
    let args = move_params(&mut t, f, &params, &callee_params, in_memory, dir);
    lend(&mut t.code, lending, false);
    for a in args {
        t.code.i(I::LocalGet(a));
    }
    t.code.i(I::Call(0));
    if stackful {
        // It ran to its end: it exits.
        t.code.i(I::I32Const(0));
    }
    finish(types, imports, funcs, t.code, order)
}

/// What the callee's export returns: a callback-form one, the code its
/// first turn ends with; a stackful one, nothing.
fn callee_code(stackful: bool) -> Vec<ValType> {
    match stackful {
        true => vec![],
        false => vec![ValType::I32],
    }
}

/// The call adapter's bytes and its imports: it takes the caller's
/// arguments in the async lowering's form and the caller's pointer for
/// the result, and gives them to the runtime's `enter-subtask` (the flat
/// arguments each as an `i64`), which makes the call: it runs the
/// starter (on a stack of the callee task's own) if the callee may
/// start, or holds the call back, and gives the caller its view of it.
pub fn build_call(layout: &Layout, f: &FuncType) -> (Vec<u8>, Vec<AdapterImport>) {
    let (starter_params, _) = async_params(layout, f);
    let mut params = starter_params.clone();
    let retptr = f.result.map(|_| {
        params.push(ValType::I32);
        params.len() as u32 - 1
    });
    let mut types = TypeSection::new();
    types.ty().function(params.clone(), [ValType::I32]); // 0: the adapter
    let mut enter = vec![ValType::I32];
    enter.extend([ValType::I64; MAX_FLAT_ASYNC_PARAMS]);
    types.ty().function(enter, [ValType::I32]); // 1: enter-subtask
    let mut imports = ImportSection::new();
    imports.import("", "enter-subtask", EntityType::Function(1));
    let mut code = Code::new(params.len() as u32);
    match retptr {
        Some(r) => code.i(I::LocalGet(r)),
        None => code.i(I::I32Const(0)),
    }
    for k in 0..MAX_FLAT_ASYNC_PARAMS {
        let Some(&v) = starter_params.get(k) else {
            code.i(I::I64Const(0));
            continue;
        };
        code.i(I::LocalGet(k as u32));
        to_i64(&mut code, v);
    }
    code.i(I::Call(0));
    let order = vec![AdapterImport::EnterSubtask];
    finish(types, imports, 1, code, order).expect("an adapter of no fallible part")
}

/// A synchronous call of another instance's async export: once the
/// runtime's `enter-subtask` lets the callee start, the call adapter
/// moves the arguments and calls it on the caller's stack (its first
/// turn, or a stackful callee's whole run), then waits in the runtime
/// until the callee returns. A result of one flat value comes
/// back from the wait; a larger one the returner writes to the caller's
/// pointer when the callee gives it.
pub fn build_sync_call(
    layout: &Layout,
    f: &FuncType,
    sides: &Sides,
    stackful: bool,
) -> Result<(Vec<u8>, Vec<AdapterImport>), String> {
    let lower = layout.signature(f, false);
    let lift = layout.signature(f, true);
    let mut in_params = Needs::default();
    for (_, t) in &f.params {
        needs(layout, *t, &mut in_params);
    }
    let callee_realloc = in_params.memory || lift.params_in_memory;
    let memory = callee_realloc || lower.params_in_memory;
    if memory && !(sides.caller.memory && sides.callee.memory) {
        return Err("a call whose sides give no `memory`".into());
    }
    if callee_realloc && !sides.callee.realloc {
        return Err("a call whose callee gives no `realloc`".into());
    }
    let params: Vec<ValType> = lower.params.iter().map(core).collect();
    let results: Vec<ValType> = lower.results.iter().map(core).collect();
    let callee_params: Vec<ValType> = lift.params.iter().map(core).collect();
    let mut types = TypeSection::new();
    types.ty().function(params.clone(), results.clone()); // 0: the adapter
    types
        .ty()
        .function(callee_params.clone(), callee_code(stackful)); // 1: the callee
    types.ty().function([ValType::I32; 4], [ValType::I32]); // 2: realloc
    types.ty().function([ValType::I32], []); // 3: enter-subtask
    types.ty().function([], []); // 4: raise
    types.ty().function([ValType::I32], [ValType::I32]); // 5: a channel's move
    types.ty().function([ValType::I32], [ValType::I64]); // 6: wait-subtask
    let (mut imports, mut order, mut funcs) = call_imports();
    let mut import_func = |name: &str, ty: u32, what: AdapterImport| {
        imports.import("", name, EntityType::Function(ty));
        order.push(what);
        funcs += 1;
        funcs - 1
    };
    let enter = import_func("enter-subtask", 3, AdapterImport::EnterSubtask);
    let wait = import_func("wait-subtask", 6, AdapterImport::WaitSubtask);
    // The result moves by the returner, as the callee gives it.
    let channels = import_channels(&[(&in_params, true)], 5, &mut import_func);
    let transfers = import_transfers(&[(&in_params, true)], 5, &mut import_func);
    let lending = import_lending(&in_params, &mut import_func);
    let callee_realloc =
        callee_realloc.then(|| import_func("callee-realloc", 2, AdapterImport::CalleeRealloc));
    if memory {
        imports.import("", "caller-memory", MEMORY);
        imports.import("", "callee-memory", MEMORY);
        order.extend([AdapterImport::CallerMemory, AdapterImport::CalleeMemory]);
    }
    let caller = Side {
        memory: 0,
        realloc: None,
        encoding: sides.caller.encoding,
    };
    let callee = Side {
        memory: 1,
        realloc: callee_realloc,
        encoding: sides.callee.encoding,
    };
    let mut t = Translator {
        layout: *layout,
        code: Code::new(params.len() as u32),
        transfers,
        channels,
    };
    t.code.i(I::GlobalGet(0));
    t.code.i(I::I32Eqz);
    t.code.trap_if(AdapterTrap::CannotLeave);
    match lower.results_in_memory {
        true => t.code.i(I::LocalGet(params.len() as u32 - 1)),
        false => t.code.i(I::I32Const(0)),
    }
    t.code.i(I::Call(enter));
    let to_callee = Dir {
        from: caller,
        to: callee,
        to_callee: true,
    };
    lend(&mut t.code, lending, true);
    let args = move_params(
        &mut t,
        f,
        &params,
        &callee_params,
        lower.params_in_memory,
        to_callee,
    );
    lend(&mut t.code, lending, false);
    for a in args {
        t.code.i(I::LocalGet(a));
    }
    t.code.i(I::Call(0));
    if stackful {
        t.code.i(I::I32Const(0));
    }
    t.code.i(I::Call(wait));
    match (f.result, lower.results_in_memory) {
        // The one flat value, as the returner moved it, back from its
        // i64.
        (Some(_), false) => from_i64(&mut t.code, results[0]),
        _ => t.code.i(I::Drop),
    }
    finish(types, imports, funcs, t.code, order)
}

/// The caller's arguments (flat, or a tuple at local 0 of its memory
/// when `in_memory`) moved into locals holding the callee's.
fn move_params(
    t: &mut Translator,
    f: &FuncType,
    params: &[ValType],
    callee_params: &[ValType],
    in_memory: bool,
    dir: Dir,
) -> Vec<u32> {
    let types: Vec<TypeIndex> = f.params.iter().map(|(_, p)| *p).collect();
    let layout = t.layout;
    let offsets = layout.field_offsets(&types);
    let src = match in_memory {
        true => {
            let (_, align) = layout.params_size_align(f);
            t.code.check_aligned(0, align);
            Loc::at(dir.from.memory, 0)
        }
        false => Loc::Flat(
            (0..params.len() as u32)
                .zip(params.iter().copied())
                .collect(),
        ),
    };
    if layout.signature(f, true).params_in_memory {
        // More than the callee takes flat: a tuple in its memory.
        let (size, align) = layout.params_size_align(f);
        let bytes = t.code.local(ValType::I64);
        t.code.i(I::I64Const(size.into()));
        t.code.i(I::LocalSet(bytes));
        let realloc = dir.to.realloc.expect("checked by build_call");
        let to = t.code.allocate(
            realloc,
            dir.to.memory,
            align,
            bytes,
            AdapterTrap::ListOutOfBounds,
        );
        let dst = Loc::at(dir.to.memory, to);
        let mut flat = 0;
        for (p, offset) in types.iter().zip(&offsets) {
            let n = layout.flat_count(*p);
            let from = src.part(flat, n, *offset);
            t.translate(*p, &from, &dst.part(0, 0, *offset), dir);
            flat += n;
        }
        return vec![to];
    }
    let slots: Vec<(u32, ValType)> = callee_params
        .iter()
        .map(|&v| (t.code.local(v), v))
        .collect();
    let dst = Loc::Flat(slots.clone());
    let mut flat = 0;
    for (p, offset) in types.iter().zip(&offsets) {
        let n = layout.flat_count(*p);
        let from = src.part(flat, n, *offset);
        t.translate(*p, &from, &dst.part(flat, n, 0), dir);
        flat += n;
    }
    slots.into_iter().map(|(l, _)| l).collect()
}

/// The runtime's functions for a call lending handles (borrows in its
/// parameters, `needs`), imported through `import_func`: a call scope is
/// opened before the arguments move, and kept by the callee's task once
/// they have (it gives them back when it returns). Owning handles move as
/// in a synchronous call.
fn import_lending(
    needs: &Needs,
    import_func: &mut dyn FnMut(&str, u32, AdapterImport) -> u32,
) -> Option<(u32, u32)> {
    let lends = needs.handles.iter().any(|&(borrow, _)| borrow);
    lends.then(|| {
        (
            import_func("enter-call", 4, AdapterImport::EnterCall),
            import_func("lend-to-task", 4, AdapterImport::LendToTask),
        )
    })
}

/// The call opening a call scope before the arguments move (`before`),
/// or giving it to the callee's task after.
fn lend(code: &mut Code, lending: Option<(u32, u32)>, before: bool) {
    if let Some((enter, lend)) = lending {
        code.i(I::Call(if before { enter } else { lend }));
    }
}

/// The returner's bytes and its imports: `(i64 × 16, retptr)`, the
/// callee's `task.return` values as the runtime holds them and the
/// caller's pointer, writing the result of type `r` there; or, for a
/// synchronous call whose result is one flat value (`flat`), returning
/// that value as the caller takes it, as an `i64`. It runs as the callee
/// gives the result, so that what the result holds (handles, stream
/// ends, error contexts) leaves the callee then.
pub fn build_returner(
    layout: &Layout,
    r: TypeIndex,
    sides: &Sides,
    flat: bool,
) -> Result<(Vec<u8>, Vec<AdapterImport>), String> {
    let mut result = Needs::default();
    needs(layout, r, &mut result);
    let f = FuncType {
        params: vec![(String::new(), r)],
        result: None,
    };
    let sig = layout.signature(&f, false);
    // The callee's memory holds the result when it spills, or its
    // strings and lists.
    let callee_memory = result.memory || sig.params_in_memory;
    let caller_memory = !flat;
    if caller_memory && !sides.caller.memory || callee_memory && !sides.callee.memory {
        return Err("an async call whose sides give no `memory` for its result".into());
    }
    if result.memory && !sides.caller.realloc {
        return Err("a call whose caller gives no `realloc`".into());
    }
    let mut params = vec![ValType::I64; TASK_RETURN_SLOTS];
    params.push(ValType::I32);
    let returns = match flat {
        true => vec![ValType::I64],
        false => vec![],
    };
    let mut types = TypeSection::new();
    types.ty().function(params, returns); // 0: the returner
    types.ty().function([ValType::I32; 4], [ValType::I32]); // 1: realloc
    types.ty().function([], []); // 2: raise
    types.ty().function([ValType::I32], [ValType::I32]); // 3: a channel's or handle's move
    let mut imports = ImportSection::new();
    // Function 0 is where the call adapter has its callee: raising
    // functions are at `1 + trap` in both.
    imports.import("", "unused", EntityType::Function(2));
    let mut order = vec![AdapterImport::Raise(AdapterTrap::CannotLeave)];
    for t in AdapterTrap::ALL {
        imports.import("", &format!("raise-{}", t as u8), EntityType::Function(2));
        order.push(AdapterImport::Raise(t));
    }
    let mut funcs = 1 + AdapterTrap::ALL.len() as u32;
    let mut import_func = |name: &str, ty: u32, what: AdapterImport| {
        imports.import("", name, EntityType::Function(ty));
        order.push(what);
        funcs += 1;
        funcs - 1
    };
    let caller_realloc = result
        .memory
        .then(|| import_func("caller-realloc", 1, AdapterImport::CallerRealloc));
    // Stream and future ends, and owning handles, leave the callee when it
    // gives the result.
    let channels = import_channels(&[(&result, false)], 3, &mut import_func);
    let transfers = import_transfers(&[(&result, false)], 3, &mut import_func);
    // Memory 0 is the caller's, 1 the callee's. One flat value needs
    // neither: it holds no string or list, and does not spill.
    debug_assert!(!(flat && callee_memory));
    if caller_memory {
        imports.import("", "caller-memory", MEMORY);
        order.push(AdapterImport::CallerMemory);
    }
    if callee_memory {
        imports.import("", "callee-memory", MEMORY);
        order.push(AdapterImport::CalleeMemory);
    }
    let dir = Dir {
        from: Side {
            memory: 1,
            realloc: None,
            encoding: sides.callee.encoding,
        },
        to: Side {
            memory: 0,
            realloc: caller_realloc,
            encoding: sides.caller.encoding,
        },
        to_callee: false,
    };
    let mut t = Translator {
        layout: *layout,
        code: Code::new(TASK_RETURN_SLOTS as u32 + 1),
        transfers,
        channels,
    };
    let retptr = TASK_RETURN_SLOTS as u32;
    if !flat {
        t.code.check_aligned(retptr, layout.align(r));
    }
    let src = if sig.params_in_memory {
        let ptr = t.code.local(ValType::I32);
        t.code.i(I::LocalGet(0));
        t.code.i(I::I32WrapI64);
        t.code.i(I::LocalSet(ptr));
        t.code.check_aligned(ptr, layout.align(r));
        Loc::at(1, ptr)
    } else {
        // Each flat value back from its i64 slot.
        let mut slots = Vec::new();
        for (i, v) in sig.params.iter().map(core).enumerate() {
            let l = t.code.local(v);
            t.code.i(I::LocalGet(i as u32));
            from_i64(&mut t.code, v);
            t.code.i(I::LocalSet(l));
            slots.push((l, v));
        }
        Loc::Flat(slots)
    };
    if !flat {
        t.translate(r, &src, &Loc::at(0, retptr), dir);
        return finish(types, imports, funcs, t.code, order);
    }
    let v = match &src {
        Loc::Flat(slots) => slots[0].1,
        _ => unreachable!("one flat value is not spilled"),
    };
    let out = t.code.local(v);
    t.translate(r, &src, &Loc::Flat(vec![(out, v)]), dir);
    t.code.i(I::LocalGet(out));
    to_i64(&mut t.code, v);
    finish(types, imports, funcs, t.code, order)
}

/// The flat value of core type `v` on the stack, from the `i64` slot the
/// runtime keeps it in.
fn from_i64(code: &mut Code, v: ValType) {
    match v {
        ValType::I32 => code.i(I::I32WrapI64),
        ValType::F32 => {
            code.i(I::I32WrapI64);
            code.i(I::F32ReinterpretI32);
        }
        ValType::F64 => code.i(I::F64ReinterpretI64),
        _ => {}
    }
}

/// The flat value of core type `v` on the stack, into an `i64` slot.
fn to_i64(code: &mut Code, v: ValType) {
    match v {
        ValType::I32 => code.i(I::I64ExtendI32U),
        ValType::F32 => {
            code.i(I::I32ReinterpretF32);
            code.i(I::I64ExtendI32U);
        }
        ValType::F64 => code.i(I::I64ReinterpretF64),
        _ => {}
    }
}

fn finish(
    types: TypeSection,
    imports: ImportSection,
    funcs: u32,
    code: Code,
    order: Vec<AdapterImport>,
) -> Result<(Vec<u8>, Vec<AdapterImport>), String> {
    let mut functions = FunctionSection::new();
    functions.function(0);
    let mut exports = ExportSection::new();
    exports.export("adapter", ExportKind::Func, funcs);
    let mut section = CodeSection::new();
    section.function(&code.finish());
    let mut module = Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&functions)
        .section(&exports)
        .section(&section);
    Ok((module.finish(), order))
}
