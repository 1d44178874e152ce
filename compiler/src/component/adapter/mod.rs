//! Fused adapters: a call from one component instance into a function
//! another lifts becomes a small core module, made here with wasm-encoder
//! and compiled by the same backend as every module. It takes the caller's
//! arguments (flat, or spilled to its memory), moves each by its type into
//! the callee's (`values.rs`, `strings.rs`: integers narrowed, bools,
//! chars, discriminants and pointers checked, strings and lists copied or
//! transcoded into the callee's memory through its `realloc`), calls the
//! callee, moves the result back the same way and runs the callee's
//! `post-return`. The link is known when the program is built, so the
//! call is direct.
//!
//! Handles move by the runtime's functions: an owning handle leaves the
//! sender's table for the receiver's, a borrowed one is lent for the call,
//! which the runtime opens before the parameters move and closes after
//! post-return, checking that every borrow it received was dropped.

mod code;
mod strings;
mod subtask;
mod values;

pub use subtask::{
    build_call as build_async_call, build_returner, build_starter as build_async_starter,
    build_sync_call,
};

use code::{Code, Loc};
use kiln_abi::component::{AdapterTrap, FuncType, Layout, StringEncoding, TypeIndex, ValueType};
use std::collections::{BTreeMap, BTreeSet};
use values::{Dir, Side, Translator};
use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, FunctionSection, ImportSection,
    Instruction as I, MemoryType, Module, TypeSection, ValType,
};

/// The canonical options one side of the call gives.
#[derive(Clone, Copy, Debug)]
pub struct SideOptions {
    pub encoding: StringEncoding,
    pub memory: bool,
    pub realloc: bool,
    pub post_return: bool,
}

pub struct Sides {
    pub caller: SideOptions,
    pub callee: SideOptions,
}

/// The adapter's imports, in order, as the instantiation must give them.
#[derive(Debug, PartialEq, Eq)]
pub enum AdapterImport {
    Callee,
    /// The caller's instance flags: it may not call out while its
    /// post-return runs.
    CallerFlags,
    /// The runtime's function raising this trap.
    Raise(AdapterTrap),
    CallerMemory,
    CalleeMemory,
    CallerRealloc,
    CalleeRealloc,
    PostReturn,
    /// The runtime's function moving a handle to resource `resource` (as
    /// the caller's type numbers it), owning or borrowed, to the callee or
    /// back.
    Transfer {
        borrow: bool,
        resource: u32,
        to_callee: bool,
    },
    /// The runtime's functions opening and closing a call that borrows.
    EnterCall,
    ExitCall,
    /// The runtime's function keeping what a call by the async ABI was
    /// lent until its task returns.
    LendToTask,
    /// The runtime's function beginning the callee's synchronous task:
    /// its context slots start at zero.
    BeginSyncTask,
    /// The runtime's function starting a call by the async ABI: lowered
    /// async, it makes the call and gives the caller its view of it.
    EnterSubtask,
    /// The runtime's function moving the readable end of a stream or
    /// future of type `ty` to the callee or back (or sharing an error
    /// context).
    TransferChannel {
        ty: TypeIndex,
        to_callee: bool,
    },
    /// The runtime's function waiting, in a synchronous call, for the
    /// callee's return (its flat result, when it has one flat value).
    WaitSubtask,
}

/// What moving values of a type needs.
#[derive(Default)]
pub(super) struct Needs {
    /// Strings or lists: memory on both sides, `realloc` on the receiver's.
    pub memory: bool,
    /// Handles: by whether they borrow, and their resource.
    pub handles: BTreeSet<(bool, u32)>,
    /// Stream, future and error-context types, whose handles the
    /// runtime moves (readable ends) or shares (error contexts).
    pub channels: BTreeSet<TypeIndex>,
}

pub(super) fn needs(layout: &Layout, t: TypeIndex, out: &mut Needs) {
    match layout.ty(t) {
        ValueType::String => out.memory = true,
        ValueType::List(e) => {
            out.memory = true;
            needs(layout, *e, out);
        }
        ValueType::Own(r) => {
            out.handles.insert((false, *r));
        }
        ValueType::Borrow(r) => {
            out.handles.insert((true, *r));
        }
        ValueType::Stream(_) | ValueType::Future(_) | ValueType::ErrorContext => {
            out.channels.insert(t);
        }
        _ => {
            for f in layout.fields(t).unwrap_or_default() {
                needs(layout, f, out);
            }
            for p in layout.cases(t).unwrap_or_default().into_iter().flatten() {
                needs(layout, p, out);
            }
        }
    }
}

pub(super) fn core(v: &kiln_abi::module::ValType) -> ValType {
    match v {
        kiln_abi::module::ValType::I64 => ValType::I64,
        kiln_abi::module::ValType::F32 => ValType::F32,
        kiln_abi::module::ValType::F64 => ValType::F64,
        _ => ValType::I32,
    }
}

/// An adapter's bytes and its imports; `Err` names what is not supported.
/// `begin_task`: the callee's instance uses `context.get`/`set`, so the
/// runtime must be told its task begins (its context slots start at
/// zero).
pub fn build(
    layout: &Layout,
    f: &FuncType,
    sides: &Sides,
    begin_task: bool,
) -> Result<(Vec<u8>, Vec<AdapterImport>), String> {
    let lower = layout.signature(f, false);
    let lift = layout.signature(f, true);
    let (mut in_params, mut in_result) = (Needs::default(), Needs::default());
    for (_, t) in &f.params {
        needs(layout, *t, &mut in_params);
    }
    if let Some(r) = f.result {
        needs(layout, r, &mut in_result);
    }
    let callee_realloc = in_params.memory || lower.params_in_memory;
    let caller_realloc = in_result.memory;
    let memory =
        callee_realloc || caller_realloc || lower.params_in_memory || lower.results_in_memory;
    let missing = |what: &str, side: &str| Err(format!("a call whose {side} gives no `{what}`"));
    if memory && !sides.caller.memory {
        return missing("memory", "caller");
    }
    if memory && !sides.callee.memory {
        return missing("memory", "callee");
    }
    if callee_realloc && !sides.callee.realloc {
        return missing("realloc", "callee");
    }
    if caller_realloc && !sides.caller.realloc {
        return missing("realloc", "caller");
    }

    let params: Vec<ValType> = lower.params.iter().map(core).collect();
    let results: Vec<ValType> = lower.results.iter().map(core).collect();
    let callee_params: Vec<ValType> = lift.params.iter().map(core).collect();
    let callee_results: Vec<ValType> = lift.results.iter().map(core).collect();
    let mut types = TypeSection::new();
    types.ty().function(params.clone(), results.clone()); // 0: the adapter
    types
        .ty()
        .function(callee_params.clone(), callee_results.clone()); // 1: the callee
    types.ty().function([ValType::I32; 4], [ValType::I32]); // 2: realloc
    types.ty().function(callee_results.clone(), []); // 3: post-return
    types.ty().function([], []); // 4: raise, enter-call, exit-call
    types.ty().function([ValType::I32], [ValType::I32]); // 5: a handle transfer

    let (mut imports, mut order, mut funcs) = call_imports();
    let mut import_func = |name: &str, ty: u32, what: AdapterImport| {
        imports.import("", name, EntityType::Function(ty));
        order.push(what);
        funcs += 1;
        funcs - 1
    };
    let caller_realloc =
        caller_realloc.then(|| import_func("caller-realloc", 2, AdapterImport::CallerRealloc));
    let callee_realloc =
        callee_realloc.then(|| import_func("callee-realloc", 2, AdapterImport::CalleeRealloc));
    let post_return = sides
        .callee
        .post_return
        .then(|| import_func("post-return", 3, AdapterImport::PostReturn));
    let moved = [(&in_params, true), (&in_result, false)];
    let transfers = import_transfers(&moved, 5, &mut import_func);
    let channels = import_channels(&moved, 5, &mut import_func);
    let begin_task =
        begin_task.then(|| import_func("begin-sync-task", 4, AdapterImport::BeginSyncTask));
    // A call lent handles is a scope of its own.
    let lends = in_params.handles.iter().any(|&(borrow, _)| borrow);
    let scope = lends.then(|| {
        (
            import_func("enter-call", 4, AdapterImport::EnterCall),
            import_func("exit-call", 4, AdapterImport::ExitCall),
        )
    });
    if memory {
        let memory = EntityType::Memory(MemoryType {
            minimum: 0,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
        imports.import("", "caller-memory", memory);
        imports.import("", "callee-memory", memory);
        order.extend([AdapterImport::CallerMemory, AdapterImport::CalleeMemory]);
    }
    let caller = Side {
        memory: 0,
        realloc: caller_realloc,
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
    // The caller may not leave its instance while its post-return runs.
    t.code.i(I::GlobalGet(0));
    t.code.i(I::I32Eqz);
    t.code.trap_if(AdapterTrap::CannotLeave);
    if let Some(begin) = begin_task {
        t.code.i(I::Call(begin));
    }
    if let Some((enter, _)) = scope {
        t.code.i(I::Call(enter));
    }
    let args = move_params(
        &mut t,
        f,
        &params,
        &callee_params,
        Dir {
            from: caller,
            to: callee,
            to_callee: true,
        },
    );
    for a in args {
        t.code.i(I::LocalGet(a));
    }
    t.code.i(I::Call(0));
    move_result(
        &mut t,
        f,
        &params,
        &callee_results,
        Dir {
            from: callee,
            to: caller,
            to_callee: false,
        },
        post_return,
        scope.map(|(_, exit)| exit),
    );

    let mut functions = FunctionSection::new();
    functions.function(0);
    let mut exports = ExportSection::new();
    exports.export("adapter", ExportKind::Func, funcs);
    let mut code = CodeSection::new();
    code.function(&t.code.finish());
    let mut module = Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&functions)
        .section(&exports)
        .section(&code);
    Ok((module.finish(), order))
}

/// The imports a call adapter starts with: function 0 the callee (type
/// 1), global 0 the caller's flags, functions 1.. raising the adapter's
/// traps in `AdapterTrap` order (type 4, as `Code::trap_if` calls them);
/// and the number of functions imported so far.
fn call_imports() -> (ImportSection, Vec<AdapterImport>, u32) {
    let mut imports = ImportSection::new();
    let mut order = vec![AdapterImport::Callee, AdapterImport::CallerFlags];
    imports.import("", "callee", EntityType::Function(1));
    let flags = wasm_encoder::GlobalType {
        val_type: ValType::I32,
        mutable: true,
        shared: false,
    };
    imports.import("", "caller-flags", EntityType::Global(flags));
    for t in AdapterTrap::ALL {
        imports.import("", &format!("raise-{}", t as u8), EntityType::Function(4));
        order.push(AdapterImport::Raise(t));
    }
    (imports, order, 1 + AdapterTrap::ALL.len() as u32)
}

/// The runtime's functions moving the handles each `(needs, to_callee)`
/// names (of type `move_ty`, `(i32) -> i32`), imported through
/// `import_func`: by whether they borrow, resource and direction.
fn import_transfers(
    sides: &[(&Needs, bool)],
    move_ty: u32,
    import_func: &mut dyn FnMut(&str, u32, AdapterImport) -> u32,
) -> BTreeMap<(bool, u32, bool), u32> {
    let mut transfers = BTreeMap::new();
    for &(needs, to_callee) in sides {
        for &(borrow, resource) in &needs.handles {
            let what = AdapterImport::Transfer {
                borrow,
                resource,
                to_callee,
            };
            let name = format!("transfer-{}-{resource}-{to_callee}", borrow as u8);
            let f = import_func(&name, move_ty, what);
            transfers.insert((borrow, resource, to_callee), f);
        }
    }
    transfers
}

/// The runtime's functions moving the stream and future ends each
/// `(needs, to_callee)` names (of type `move_ty`, `(i32) -> i32`),
/// imported through `import_func`: by type and direction.
fn import_channels(
    sides: &[(&Needs, bool)],
    move_ty: u32,
    import_func: &mut dyn FnMut(&str, u32, AdapterImport) -> u32,
) -> BTreeMap<(TypeIndex, bool), u32> {
    let mut channels = BTreeMap::new();
    for &(needs, to_callee) in sides {
        for &ty in &needs.channels {
            let what = AdapterImport::TransferChannel { ty, to_callee };
            let f = import_func(&format!("channel-{ty}-{to_callee}"), move_ty, what);
            channels.insert((ty, to_callee), f);
        }
    }
    channels
}

/// Move the parameters into locals holding the callee's arguments.
fn move_params(
    t: &mut Translator,
    f: &FuncType,
    params: &[ValType],
    callee_params: &[ValType],
    dir: Dir,
) -> Vec<u32> {
    let types: Vec<TypeIndex> = f.params.iter().map(|(_, p)| *p).collect();
    let layout = t.layout;
    if layout.signature(f, false).params_in_memory {
        // A tuple in the caller's memory, to one in the callee's.
        let (size, align) = layout.params_size_align(f);
        let from = 0;
        t.code.check_aligned(from, align);
        let bytes = t.code.local(ValType::I64);
        t.code.i(I::I64Const(size.into()));
        t.code.i(I::LocalSet(bytes));
        let realloc = dir.to.realloc.expect("spilled parameters need it");
        let to = t.code.allocate(
            realloc,
            dir.to.memory,
            align,
            bytes,
            AdapterTrap::ListOutOfBounds,
        );
        let src = Loc::at(dir.from.memory, from);
        let dst = Loc::at(dir.to.memory, to);
        for (p, offset) in types.iter().zip(layout.field_offsets(&types)) {
            t.translate(*p, &src.part(0, 0, offset), &dst.part(0, 0, offset), dir);
        }
        return vec![to];
    }
    let src = Loc::Flat(
        (0..params.len() as u32)
            .zip(params.iter().copied())
            .collect(),
    );
    let slots: Vec<(u32, ValType)> = callee_params
        .iter()
        .map(|&v| (t.code.local(v), v))
        .collect();
    let dst = Loc::Flat(slots.clone());
    let mut flat = 0;
    for p in types {
        let n = layout.flat_count(p);
        t.translate(p, &src.part(flat, n, 0), &dst.part(flat, n, 0), dir);
        flat += n;
    }
    slots.into_iter().map(|(l, _)| l).collect()
}

/// Take the callee's results off the stack, move the result to where the
/// caller wants it, run post-return, and leave the caller's results.
fn move_result(
    t: &mut Translator,
    f: &FuncType,
    params: &[ValType],
    callee_results: &[ValType],
    dir: Dir,
    post_return: Option<u32>,
    exit_call: Option<u32>,
) {
    let raw: Vec<u32> = callee_results.iter().map(|&v| t.code.local(v)).collect();
    for &l in raw.iter().rev() {
        t.code.i(I::LocalSet(l));
    }
    let mut out = Vec::new();
    if let Some(r) = f.result {
        let layout = t.layout;
        if layout.signature(f, true).results_in_memory {
            // From the callee's return area to the caller's, whose
            // pointer is the caller's last argument.
            let align = layout.align(r);
            let (from, to) = (raw[0], params.len() as u32 - 1);
            t.code.check_aligned(from, align);
            t.code.check_aligned(to, align);
            let src = Loc::at(dir.from.memory, from);
            let dst = Loc::at(dir.to.memory, to);
            t.translate(r, &src, &dst, dir);
        } else {
            let src = Loc::Flat(
                raw.iter()
                    .copied()
                    .zip(callee_results.iter().copied())
                    .collect(),
            );
            let slots: Vec<(u32, ValType)> = callee_results
                .iter()
                .map(|&v| (t.code.local(v), v))
                .collect();
            t.translate(r, &src, &Loc::Flat(slots.clone()), dir);
            out = slots.into_iter().map(|(l, _)| l).collect();
        }
    }
    if let Some(post) = post_return {
        for &l in &raw {
            t.code.i(I::LocalGet(l));
        }
        t.code.i(I::Call(post));
    }
    if let Some(exit) = exit_call {
        t.code.i(I::Call(exit));
    }
    for l in out {
        t.code.i(I::LocalGet(l));
    }
}
