//! An instance: its vmctx and what it reaches, its host state, and calls
//! from the host into its code (instantiation is `instantiate.rs`).

use crate::error::ConstExprError;
use crate::module::Module;
use crate::store::{Extern, Func, Global, Memory, Store, Table, Val};
use crate::traps::{call_catching, Trap};
use crate::vm::{VMFuncRef, ValRaw};
use kiln_abi::module::{ConstExpr, ConstOp};
use kiln_abi::VMOffsets;

pub struct Instance {
    pub module: &'static Module,
    pub(crate) offsets: VMOffsets,
    /// Cells: compiled code and the runtime write into it through
    /// pointers handed out while the instance is only shared
    /// (`funcref_ptr`, `func`).
    pub(crate) vmctx: Box<[std::cell::UnsafeCell<u64>]>,
    pub(crate) memories: Vec<*mut Memory>,
    pub(crate) tables: Vec<*mut Table>,
    pub(crate) globals: Vec<*mut Global>,
    pub(crate) datas: Vec<&'static [u8]>,
    pub(crate) elems: Vec<Vec<usize>>,
    /// What host functions called from this instance work with (WASI's
    /// context, say).
    pub(crate) state: Option<Box<dyn std::any::Any>>,
}

impl Instance {
    pub fn vmctx_ptr(&self) -> usize {
        self.vmctx_base() as usize
    }

    /// The vmctx's first byte, writable though `self` is shared: its
    /// words are cells.
    fn vmctx_base(&self) -> *mut u8 {
        std::cell::UnsafeCell::raw_get(self.vmctx.as_ptr()) as *mut u8
    }

    pub(crate) fn vmctx_write(&mut self, offset: u32, value: usize) {
        // SAFETY: offset lies inside the vmctx, 8-aligned by VMOffsets.
        unsafe { *(self.vmctx_base().add(offset as usize) as *mut usize) = value };
    }

    /// The funcref of function `index`, which must have one: imported,
    /// or a defined function a reference can be taken to (exported, the
    /// start function, or named by a segment or an initializer).
    pub(crate) fn funcref_ptr(&self, index: u32) -> *mut VMFuncRef {
        let slot = (self.module.funcref_slots.of(index)).expect("a function with a funcref");
        self.funcref_slot_ptr(slot)
    }

    /// The funcref in `slot`.
    pub(crate) fn funcref_slot_ptr(&self, slot: u32) -> *mut VMFuncRef {
        // SAFETY: the funcref array lies inside the vmctx.
        unsafe { self.vmctx_base().add(self.offsets.funcref(slot) as usize) as *mut VMFuncRef }
    }

    /// Export `name` (the module's exports are sorted by name).
    pub fn export(&self, name: &str) -> Option<Extern> {
        let exports = &self.module.exports;
        let i = exports.binary_search_by(|e| (*e.name).cmp(name)).ok()?;
        Some(self.extern_of(&exports[i]))
    }

    /// The `index`th of the module's exports (sorted by name).
    pub(crate) fn export_indexed(&self, index: u32) -> Option<Extern> {
        self.module
            .exports
            .get(index as usize)
            .map(|e| self.extern_of(e))
    }

    pub fn exports(&self) -> impl Iterator<Item = (&str, Extern)> {
        self.module
            .exports
            .iter()
            .map(|e| (&*e.name, self.extern_of(e)))
    }

    fn extern_of(&self, e: &kiln_abi::module::Export) -> Extern {
        use kiln_abi::module::ExportKind;
        let index = e.index as usize;
        match e.kind {
            ExportKind::Func => Extern::Func(self.func(e.index)),
            ExportKind::Memory => Extern::Memory(self.memories[index]),
            ExportKind::Table => Extern::Table(self.tables[index]),
            ExportKind::Global => Extern::Global(self.globals[index]),
        }
    }

    pub fn memory(&self, index: u32) -> Option<*mut Memory> {
        self.memories.get(index as usize).copied()
    }

    /// Memory `index` of this instance (validated code only names existing ones).
    pub(crate) fn memory_mut(&mut self, index: u32) -> &mut Memory {
        // SAFETY: memories are owned by the store, which outlives its
        // instances; one store runs on one thread at a time.
        unsafe { &mut *self.memories[index as usize] }
    }

    /// Table `index` of this instance.
    pub(crate) fn table_mut(&mut self, index: u32) -> &mut Table {
        // SAFETY: as for `memory_mut`.
        unsafe { &mut *self.tables[index as usize] }
    }

    /// This instance's host state, if it is a `T`.
    pub fn state<T: std::any::Any>(&mut self) -> Option<&mut T> {
        self.state.as_mut()?.downcast_mut::<T>()
    }

    /// The bytes of memory `index`, as they are now (a `memory.grow` may
    /// move its end, never its start).
    pub fn memory_bytes(&mut self, index: u32) -> Option<&mut [u8]> {
        let m = *self.memories.get(index as usize)?;
        // SAFETY: memories are owned by the store, which outlives its
        // instances; one store runs on one thread at a time.
        Some(unsafe { &mut *m }.data_mut())
    }

    pub fn set_stack_limit(&mut self, limit: usize) {
        self.vmctx_write(VMOffsets::STACK_LIMIT, limit);
    }

    pub(crate) fn stack_limit(&self) -> usize {
        // SAFETY: as `vmctx_write`.
        unsafe { *(self.vmctx_base().add(VMOffsets::STACK_LIMIT as usize) as *const usize) }
    }

    /// The value of a constant expression, as the bits of its slot.
    pub(crate) fn eval_const(&self, expr: &ConstExpr) -> Result<u64, ConstExprError> {
        // A constant, a global or a function: its value (else arithmetic).
        let leaf = |op: &ConstOp| -> Result<Option<u64>, ConstExprError> {
            Ok(Some(match *op {
                ConstOp::I32(v) => v as u32 as u64,
                ConstOp::I64(v) => v as u64,
                ConstOp::F32(bits) => bits as u64,
                ConstOp::F64(bits) => bits,
                ConstOp::RefNull => 0,
                ConstOp::RefFunc(f) => self.funcref_ptr(f) as u64,
                ConstOp::GlobalGet(g) => {
                    let g = self
                        .globals
                        .get(g as usize)
                        .ok_or(ConstExprError::NoSuchGlobal(g))?;
                    // SAFETY: globals are owned by the store, like memories.
                    unsafe { (**g).get() }.to_bits()
                }
                _ => return Ok(None),
            }))
        };
        // Nearly every expression is one leaf: no stack for those (a large
        // module has thousands, and start-up pays for each allocation).
        if let [op] = &expr.0[..] {
            if let Some(v) = leaf(op)? {
                return Ok(v);
            }
        }
        let mut stack: Vec<u64> = Vec::new();
        fn pop(stack: &mut Vec<u64>) -> Result<u64, ConstExprError> {
            stack.pop().ok_or(ConstExprError::Underflow)
        }
        for op in &expr.0 {
            let v = match leaf(op)? {
                Some(v) => v,
                None => {
                    let (b, a) = (pop(&mut stack)?, pop(&mut stack)?);
                    op.arithmetic(a, b).expect("every other step is a leaf")
                }
            };
            stack.push(v);
        }
        stack.pop().ok_or(ConstExprError::Empty)
    }
}

impl Store {
    /// Call `f` with `args`; results in order, or the trap that stopped it.
    pub fn call(&mut self, f: Func, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let ty = f.ty();
        assert_eq!(args.len(), ty.params.len(), "argument count");
        assert!(
            f.trampoline != 0,
            "a bare host function cannot be called from the host"
        );
        let mut slots = vec![ValRaw::default(); ty.params.len().max(ty.results.len()).max(1)];
        for (s, a) in slots.iter_mut().zip(args) {
            *s = ValRaw::from_u64(a.to_bits());
        }
        self.arm_stack_limit();
        self.depth += 1;
        let r = call_slots(f, &mut slots);
        self.depth -= 1;
        r?;
        Ok(ty
            .results
            .iter()
            .zip(&slots)
            .map(|(t, s)| Val::from_bits(*t, s.u64()))
            .collect())
    }
}

impl Store {
    /// Outside any call, set the stack limit of calls into the store's
    /// instances from this thread's stack: a call from the host does, and
    /// so does a host that may call them directly ([`call_slots`]) after
    /// moving to another thread (a guest driven as a future).
    pub(crate) fn arm_stack_limit(&mut self) {
        if self.depth == 0 {
            let limit = self.limits.stack_limit_from_here(stack_limit());
            for inst in &mut self.instances {
                inst.set_stack_limit(limit);
            }
        }
    }
}

/// Call `f` with its arguments in `slots`, which get its results: for a
/// host function calling back into wasm (a component's `realloc`), where
/// the store's own bookkeeping is already done.
pub(crate) fn call_slots(f: Func, slots: &mut [ValRaw]) -> Result<(), Trap> {
    // SAFETY: the funcref is live; the trampoline matches its type (both
    // come from the same export); `slots` has room for params and results.
    let fr = unsafe { *f.funcref.as_ptr() };
    let tramp: unsafe extern "C" fn(usize, usize, *mut ValRaw) =
        unsafe { std::mem::transmute(f.trampoline) };
    let slots_ptr = slots.as_mut_ptr();
    call_catching(&mut || unsafe { tramp(fr.vmctx, fr.func_ptr, slots_ptr) })
}

impl Instance {
    /// A callable handle for function `index` of this instance.
    pub fn func(&self, index: u32) -> Func {
        let trampoline = self.module.trampolines[self.module.funcs[index as usize] as usize];
        Func {
            funcref: std::ptr::NonNull::new(self.funcref_ptr(index)).expect("in the vmctx"),
            trampoline,
        }
    }
}

/// Lowest stack address wasm may use on this thread: the thread's stack
/// bottom plus room for host functions and trap handling. Asked of the
/// thread library once per thread (each time costs two system calls, and
/// a server calls into wasm several times per request).
fn stack_limit() -> usize {
    // On a served poll's own stack or a task's fiber: that stack's.
    if let Some(limit) = crate::component::concurrent::served_stack_limit() {
        return limit;
    }
    thread_local! {
        static KNOWN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }
    if let Some(limit) = KNOWN.with(|k| Some(k.get()).filter(|l| *l != 0)) {
        return limit;
    }
    match stack_bottom() {
        Some(limit) => {
            KNOWN.with(|k| k.set(limit));
            limit
        }
        None => {
            let here = 0u8;
            (&here as *const u8 as usize).saturating_sub(1 << 20)
        }
    }
}

/// The thread's stack bottom plus room for host functions and trap
/// handling, if the thread library knows the bottom.
fn stack_bottom() -> Option<usize> {
    const HOST_RESERVE: usize = 256 * 1024;
    // SAFETY: querying this thread's own attributes.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) == 0 {
            let mut addr: *mut libc::c_void = std::ptr::null_mut();
            let mut size: libc::size_t = 0;
            libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
            libc::pthread_attr_destroy(&mut attr);
            let here = &attr as *const _ as usize;
            // Trust the bounds only if they leave room below us (musl
            // reports just the mapped part of a main thread's stack).
            if !addr.is_null() && here > addr as usize + 2 * HOST_RESERVE {
                return Some(addr as usize + HOST_RESERVE);
            }
        }
    }
    None
}
