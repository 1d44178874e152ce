//! Instantiation (imports checked, vmctx laid out, segments applied, start
//! run) and calls from the host into wasm.

use crate::error::{ConstExprError, InstantiateError, LinkError};
use crate::module::Module;
use crate::store::{Extern, Func, Global, Memory, Store, Table, Val};
use crate::traps::{call_catching, Trap};
use crate::vm::{VMFuncRef, ValRaw};
use kiln_abi::module::{ConstExpr, ConstOp, ElemItem, ExportKind, ImportKind, Mode};
use kiln_abi::{TrapCode, VMOffsets};
use std::collections::HashMap;

pub struct Instance {
    pub module: &'static Module,
    offsets: VMOffsets,
    vmctx: Box<[u64]>,
    pub(crate) memories: Vec<*mut Memory>,
    pub(crate) tables: Vec<*mut Table>,
    globals: Vec<*mut Global>,
    pub(crate) datas: Vec<&'static [u8]>,
    pub(crate) elems: Vec<Vec<usize>>,
    exports: HashMap<String, Extern>,
    /// What host functions called from this instance work with (WASI's
    /// context, say).
    state: Option<Box<dyn std::any::Any>>,
}

fn limits_match(actual_min: u64, actual_max: Option<u64>, min: u64, max: Option<u64>) -> bool {
    actual_min >= min
        && match max {
            None => true,
            Some(m) => actual_max.is_some_and(|am| am <= m),
        }
}

impl Instance {
    pub fn vmctx_ptr(&self) -> usize {
        self.vmctx.as_ptr() as usize
    }

    fn vmctx_write(&mut self, offset: u32, value: usize) {
        // SAFETY: offset lies inside the vmctx, 8-aligned by VMOffsets.
        unsafe {
            *((self.vmctx.as_mut_ptr() as *mut u8).add(offset as usize) as *mut usize) = value
        };
    }

    fn funcref_ptr(&self, index: u32) -> *mut VMFuncRef {
        // SAFETY: the funcref array lies inside the vmctx.
        unsafe {
            (self.vmctx.as_ptr() as *mut u8).add(self.offsets.funcref(index) as usize)
                as *mut VMFuncRef
        }
    }

    pub fn export(&self, name: &str) -> Option<Extern> {
        self.exports.get(name).copied()
    }

    pub fn exports(&self) -> impl Iterator<Item = (&String, &Extern)> {
        self.exports.iter()
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

    /// The value of a constant expression, as the bits of its slot.
    fn eval_const(&self, expr: &ConstExpr) -> Result<u64, ConstExprError> {
        let mut stack: Vec<u64> = Vec::new();
        fn pop(stack: &mut Vec<u64>) -> Result<u64, ConstExprError> {
            stack.pop().ok_or(ConstExprError::Underflow)
        }
        for op in &expr.0 {
            let v = match *op {
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
                ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                    let (b, a) = (pop(&mut stack)? as u32, pop(&mut stack)? as u32);
                    (match op {
                        ConstOp::I32Add => a.wrapping_add(b),
                        ConstOp::I32Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    }) as u64
                }
                ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                    let (b, a) = (pop(&mut stack)?, pop(&mut stack)?);
                    match op {
                        ConstOp::I64Add => a.wrapping_add(b),
                        ConstOp::I64Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    }
                }
            };
            stack.push(v);
        }
        stack.pop().ok_or(ConstExprError::Empty)
    }
}

impl Store {
    /// Instantiate `module` with `imports` in the module's import order.
    pub fn instantiate(
        &mut self,
        module: &'static Module,
        imports: &[Extern],
    ) -> Result<*mut Instance, InstantiateError> {
        self.instantiate_with(module, imports, None)
    }

    /// Instantiate `module` with `imports`, giving the instance `state`
    /// for the host functions it calls (its start function's included).
    pub fn instantiate_with(
        &mut self,
        module: &'static Module,
        imports: &[Extern],
        state: Option<Box<dyn std::any::Any>>,
    ) -> Result<*mut Instance, InstantiateError> {
        use InstantiateError::*;
        if imports.len() != module.imports.len() {
            return Err(ImportCount {
                expected: module.imports.len(),
                given: imports.len(),
            });
        }
        let offsets = VMOffsets {
            ptr_size: 8,
            num_memories: module.memories.len() as u32,
            num_tables: module.tables.len() as u32,
            num_globals: module.globals.len() as u32,
            num_types: module.types.len() as u32,
            num_funcs: module.funcs.len() as u32,
        };
        let mut inst = Box::new(Instance {
            module,
            offsets,
            vmctx: vec![0u64; offsets.size().div_ceil(8) as usize].into_boxed_slice(),
            memories: Vec::new(),
            tables: Vec::new(),
            globals: Vec::new(),
            datas: module.datas.iter().map(|d| d.bytes).collect(),
            elems: Vec::new(),
            exports: HashMap::new(),
            state,
        });
        let inst_ptr = &mut *inst as *mut Instance as usize;
        inst.vmctx_write(
            VMOffsets::BUILTINS,
            &crate::builtins::BUILTINS as *const _ as usize,
        );
        inst.vmctx_write(VMOffsets::INSTANCE, inst_ptr);
        inst.vmctx_write(VMOffsets::FUEL, self.fuel_ptr());
        inst.vmctx_write(VMOffsets::INTERRUPT, self.interrupt_flag_ptr());
        let sig_ids: Vec<u32> = module.types.iter().map(crate::sig::sig_id).collect();
        for (i, id) in sig_ids.iter().enumerate() {
            let off = offsets.sig_id(i as u32);
            // SAFETY: inside the vmctx, 4-aligned.
            unsafe { *((inst.vmctx.as_mut_ptr() as *mut u8).add(off as usize) as *mut u32) = *id };
        }
        let vmctx = inst.vmctx_ptr();

        // Imports, checked against what the module declares.
        let mut func_index = 0u32;
        for (imp, ext) in module.imports.iter().zip(imports) {
            let link = |problem| Link {
                import: format!("{}::{}", imp.module, imp.name),
                problem,
            };
            match (&imp.kind, *ext) {
                (&ImportKind::Func(t), Extern::Func(f)) => {
                    // SAFETY: funcrefs handed out by this store are live.
                    let mut fr = unsafe { *f.funcref };
                    if fr.sig_id != sig_ids[t as usize] {
                        return Err(link(LinkError::FuncType));
                    }
                    if fr.vmctx == 0 {
                        fr.vmctx = vmctx; // a host function runs against its importer
                    }
                    unsafe { *inst.funcref_ptr(func_index) = fr };
                    func_index += 1;
                }
                (ImportKind::Memory(m), Extern::Memory(p)) => {
                    // SAFETY: store-owned memory.
                    let mem = unsafe { &*p };
                    if !limits_match(mem.pages(), mem.ty.maximum, m.initial, m.maximum) {
                        return Err(link(LinkError::MemoryLimits));
                    }
                    inst.memories.push(p);
                }
                (ImportKind::Table(t), Extern::Table(p)) => {
                    let table = unsafe { &*p };
                    if table.ty.element != t.element
                        || !limits_match(table.len() as u64, table.ty.maximum, t.initial, t.maximum)
                    {
                        return Err(link(LinkError::TableType));
                    }
                    inst.tables.push(p);
                }
                (ImportKind::Global(g), Extern::Global(p)) => {
                    if unsafe { (*p).ty } != *g {
                        return Err(link(LinkError::GlobalType));
                    }
                    inst.globals.push(p);
                }
                _ => return Err(link(LinkError::Kind)),
            }
        }

        // Defined functions.
        for (i, code) in module.func_ptrs.iter().enumerate() {
            let index = module.num_imported_funcs + i as u32;
            let fr = VMFuncRef {
                func_ptr: *code,
                vmctx,
                sig_id: sig_ids[module.funcs[index as usize] as usize],
                _pad: 0,
            };
            unsafe { *inst.funcref_ptr(index) = fr };
        }
        // Defined globals, in order (an initializer may read earlier ones).
        for (ty, init) in &module.globals[module.num_imported_globals as usize..] {
            let bits = inst.eval_const(init.as_ref().unwrap())?;
            let g = self.global(*ty, Val::from_bits(ty.content, bits));
            inst.globals.push(g);
        }
        for (ty, init) in &module.tables[module.num_imported_tables as usize..] {
            let init = match init {
                Some(e) => inst.eval_const(e)? as usize,
                None => 0,
            };
            inst.tables.push(self.table(*ty, init)?);
        }
        for ty in &module.memories[module.num_imported_memories as usize..] {
            inst.memories.push(self.memory(*ty)?);
        }
        for (i, p) in inst.memories.clone().iter().enumerate() {
            inst.vmctx_write(
                offsets.memory_ptr(i as u32),
                unsafe { &mut (**p).vm } as *mut _ as usize,
            );
        }
        if let Some(p) = inst.memories.first() {
            // SAFETY: store-owned memory; its base is fixed for its lifetime.
            let base = unsafe { (**p).vm.base } as usize;
            inst.vmctx_write(VMOffsets::MEMORY0_BASE, base);
        }
        for (i, p) in inst.tables.clone().iter().enumerate() {
            inst.vmctx_write(
                offsets.table_ptr(i as u32),
                unsafe { &mut (**p).vm } as *mut _ as usize,
            );
        }
        if let Some(p) = inst.tables.first() {
            // SAFETY: store-owned table. Compiled code reads this copy only
            // for a table declared with maximum == minimum, which never
            // grows, so its elements stay where they are.
            let base = unsafe { (**p).vm.base } as usize;
            inst.vmctx_write(VMOffsets::TABLE0_BASE, base);
        }
        for (i, p) in inst.globals.clone().iter().enumerate() {
            inst.vmctx_write(
                offsets.global_ptr(i as u32),
                unsafe { &mut (**p).vm } as *mut _ as usize,
            );
        }
        // Element segments, evaluated now; passive ones stay for table.init.
        for seg in &module.elems {
            let items = seg
                .items
                .iter()
                .map(|item| match item {
                    ElemItem::Func(f) => Ok(inst.funcref_ptr(*f) as usize),
                    ElemItem::Null => Ok(0),
                    ElemItem::Expr(e) => inst.eval_const(e).map(|v| v as usize),
                })
                .collect::<Result<Vec<_>, _>>()?;
            inst.elems.push(items);
        }
        for e in &module.exports {
            let index = e.index as usize;
            let ext = match e.kind {
                ExportKind::Func => Extern::Func(inst.func(e.index)),
                ExportKind::Memory => Extern::Memory(inst.memories[index]),
                ExportKind::Table => Extern::Table(inst.tables[index]),
                ExportKind::Global => Extern::Global(inst.globals[index]),
            };
            inst.exports.insert(e.name.clone(), ext);
        }
        let p = &mut *inst as *mut Instance;
        self.instances.push(inst);
        // From here on the instance exists, even if a segment traps (its
        // earlier writes into shared tables and memories stay visible).
        self.apply_segments(p).map_err(Trap)?;
        if let Some(start) = module.start {
            let f = unsafe { &*p }.func(start);
            self.call(f, &[]).map_err(Trap)?;
        }
        Ok(p)
    }

    fn apply_segments(&mut self, p: *mut Instance) -> Result<(), crate::traps::Trap> {
        // SAFETY: the instance is owned by this store.
        let inst = unsafe { &mut *p };
        let module = inst.module;
        let trap = |code| crate::traps::Trap {
            kind: crate::traps::TrapKind::Wasm(code),
            backtrace: vec![],
        };
        for (i, seg) in module.elems.iter().enumerate() {
            if let Mode::Active { index, offset } = &seg.mode {
                let offset = inst.eval_const(offset).unwrap_or(0) as u32;
                let n = inst.elems[i].len() as u32;
                let code = crate::builtins::table_init(inst, *index, i as u32, offset, 0, n);
                if code != 0 {
                    return Err(trap(TrapCode::TableOutOfBounds));
                }
            }
            if seg.mode != Mode::Passive {
                inst.elems[i].clear();
            }
        }
        if let Some((offset, image)) = module.memory_image {
            // The compiler checked every segment it holds against memory 0's
            // initial size; those segments now have no bytes of their own.
            inst.memory_mut(0).load_image(offset, image);
        }
        for (i, seg) in module.datas.iter().enumerate() {
            if let Mode::Active { index, offset } = &seg.mode {
                let offset = inst.eval_const(offset).unwrap_or(0);
                let code = crate::builtins::memory_init(
                    inst,
                    *index,
                    i as u32,
                    offset,
                    0,
                    seg.bytes.len() as u32,
                );
                if code != 0 {
                    return Err(trap(TrapCode::MemoryOutOfBounds));
                }
                inst.datas[i] = &[];
            }
        }
        Ok(())
    }

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
        if self.depth == 0 {
            let limit = self.limits.stack_limit_from_here(stack_limit());
            for inst in &mut self.instances {
                inst.set_stack_limit(limit);
            }
        }
        self.depth += 1;
        // SAFETY: the funcref is live; the trampoline matches its type (both
        // come from the same export); `slots` has room for params and results.
        let fr = unsafe { *f.funcref };
        let tramp: unsafe extern "C" fn(usize, usize, *mut ValRaw) =
            unsafe { std::mem::transmute(f.trampoline) };
        let slots_ptr = slots.as_mut_ptr();
        let r = call_catching(&mut || unsafe { tramp(fr.vmctx, fr.func_ptr, slots_ptr) });
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

impl Instance {
    /// A callable handle for function `index` of this instance.
    pub fn func(&self, index: u32) -> Func {
        let trampoline = self.module.trampolines[self.module.funcs[index as usize] as usize];
        Func {
            funcref: self.funcref_ptr(index),
            trampoline,
        }
    }
}

/// Lowest stack address wasm may use on this thread: the thread's stack
/// bottom plus room for host functions and trap handling.
fn stack_limit() -> usize {
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
                return addr as usize + HOST_RESERVE;
            }
        }
    }
    let here = 0u8;
    (&here as *const u8 as usize).saturating_sub(1 << 20)
}
