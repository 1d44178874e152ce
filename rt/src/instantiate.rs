//! Instantiation: imports checked and linked, the vmctx laid out, memories,
//! tables and globals made, segments applied, the start function run.

use crate::error::{InstantiateError, LinkError};
use crate::instance::Instance;
use crate::module::Module;
use crate::store::{Extern, Store, Val};
use kiln_abi::module::{ElemItem, ImportKind, Mode};
use kiln_abi::{TrapCode, VMOffsets};

fn limits_match(actual_min: u64, actual_max: Option<u64>, min: u64, max: Option<u64>) -> bool {
    actual_min >= min
        && match max {
            None => true,
            Some(m) => actual_max.is_some_and(|am| am <= m),
        }
}

/// `words` as cells, in place.
fn cells(words: Box<[u64]>) -> Box<[std::cell::UnsafeCell<u64>]> {
    // SAFETY: `UnsafeCell<u64>` has the layout of `u64` (it is
    // `repr(transparent)`), so the allocation and its length carry over.
    unsafe { Box::from_raw(Box::into_raw(words) as *mut [std::cell::UnsafeCell<u64>]) }
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
        if imports.len() != module.imports.len() {
            return Err(InstantiateError::ImportCount {
                expected: module.imports.len(),
                given: imports.len(),
            });
        }
        let mut inst = self.new_instance(module, state);
        inst.link_imports(imports, module.sig_ids())?;
        inst.define_functions();
        self.define_storage(&mut inst)?;
        inst.publish_storage();
        inst.evaluate_elements()?;
        let p = &mut *inst as *mut Instance;
        self.instances.push(inst);
        // From here on the instance exists, even if a segment traps (its
        // earlier writes into shared tables and memories stay visible).
        self.apply_segments(p)?;
        if let Some(start) = module.start {
            // SAFETY: the instance is owned by this store.
            let f = unsafe { &*p }.func(start);
            self.call(f, &[]).map_err(InstantiateError::Trap)?;
        }
        Ok(p)
    }

    /// An instance of `module` with its vmctx's header filled in, and
    /// what every instance has in it (`Module::vmctx_image`).
    fn new_instance(
        &mut self,
        module: &'static Module,
        state: Option<Box<dyn std::any::Any>>,
    ) -> Box<Instance> {
        let mut inst = Box::new(Instance {
            module,
            offsets: module.offsets(),
            vmctx: cells(module.vmctx_image().into()),
            memories: Vec::with_capacity(module.memories.len()),
            tables: Vec::with_capacity(module.tables.len()),
            globals: Vec::with_capacity(module.globals.len()),
            datas: module.datas.iter().map(|d| d.bytes).collect(),
            elems: Vec::with_capacity(module.elems.len()),
            state,
        });
        let inst_ptr = &mut *inst as *mut Instance as usize;
        inst.vmctx_write(VMOffsets::INSTANCE, inst_ptr);
        inst.vmctx_write(VMOffsets::FUEL, self.fuel_ptr());
        inst.vmctx_write(VMOffsets::INTERRUPT, self.interrupt_flag_ptr());
        inst
    }

    /// The defined globals, tables and memories, in that order (an
    /// initializer may read the globals before it).
    fn define_storage(&mut self, inst: &mut Instance) -> Result<(), InstantiateError> {
        let module = inst.module;
        for (ty, init) in &module.globals[module.num_imported_globals as usize..] {
            let init = init.as_ref().expect("a defined global has an initializer");
            let bits = inst.eval_const(init)?;
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
        let defined = module.num_imported_memories as usize;
        for (i, ty) in module.memories.iter().enumerate().skip(defined) {
            // The compiler makes an image only of a defined memory 0, its
            // segments checked against the initial size; those segments
            // have no bytes of their own.
            let image = if i == 0 { module.memory_image } else { None };
            inst.memories.push(self.memory(*ty, image)?);
        }
        Ok(())
    }

    fn apply_segments(&mut self, p: *mut Instance) -> Result<(), InstantiateError> {
        // SAFETY: the instance is owned by this store.
        let inst = unsafe { &mut *p };
        let module = inst.module;
        let trap = |code| {
            InstantiateError::Trap(crate::traps::Trap {
                kind: crate::traps::TrapKind::Wasm(code),
                backtrace: vec![],
            })
        };
        for seg in &module.elems {
            if let Mode::Active { index, offset } = &seg.mode {
                let offset = inst.eval_const(offset).unwrap_or(0) as usize;
                let table = inst.tables[*index as usize];
                // Written straight into the table: an active segment is
                // dropped once applied, so its items are never kept.
                let mut failed = None;
                let items = seg.items.iter().map(|item| {
                    inst.item_value(item).unwrap_or_else(|e| {
                        failed = Some(e);
                        0
                    })
                });
                // SAFETY: a store-owned table, apart from the instance.
                let fits = unsafe { &mut *table }.set_from(offset, items);
                if let Some(e) = failed {
                    return Err(e.into());
                }
                if !fits {
                    return Err(trap(TrapCode::TableOutOfBounds));
                }
            }
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
}

impl Instance {
    /// Imports, checked against what the module declares.
    fn link_imports(
        &mut self,
        imports: &[Extern],
        sig_ids: &[u32],
    ) -> Result<(), InstantiateError> {
        let module = self.module;
        let vmctx = self.vmctx_ptr();
        let mut func_index = 0u32;
        for (imp, ext) in module.imports.iter().zip(imports) {
            let link = |problem| InstantiateError::Link {
                import: format!("{}::{}", imp.module, imp.name),
                problem,
            };
            match (&imp.kind, *ext) {
                (&ImportKind::Func(t), Extern::Func(f)) => {
                    // SAFETY: funcrefs handed out by this store are live.
                    let mut fr = unsafe { *f.funcref.as_ptr() };
                    if fr.sig_id != sig_ids[t as usize] {
                        return Err(link(LinkError::FuncType));
                    }
                    if fr.vmctx == 0 {
                        fr.vmctx = vmctx; // a host function runs against its importer
                    }
                    // SAFETY: the funcref array lies inside the vmctx; an
                    // imported function's slot is its index.
                    unsafe { *self.funcref_slot_ptr(func_index) = fr };
                    func_index += 1;
                }
                (ImportKind::Memory(m), Extern::Memory(p)) => {
                    // SAFETY: store-owned memory.
                    let mem = unsafe { &*p };
                    if !limits_match(mem.pages(), mem.ty.maximum, m.initial, m.maximum) {
                        return Err(link(LinkError::MemoryLimits));
                    }
                    self.memories.push(p);
                }
                (ImportKind::Table(t), Extern::Table(p)) => {
                    // SAFETY: store-owned table.
                    let table = unsafe { &*p };
                    if table.ty.element != t.element
                        || !limits_match(table.len() as u64, table.ty.maximum, t.initial, t.maximum)
                    {
                        return Err(link(LinkError::TableType));
                    }
                    self.tables.push(p);
                }
                (ImportKind::Global(g), Extern::Global(p)) => {
                    // SAFETY: store-owned global.
                    if unsafe { (*p).ty } != *g {
                        return Err(link(LinkError::GlobalType));
                    }
                    self.globals.push(p);
                }
                _ => return Err(link(LinkError::Kind)),
            }
        }
        Ok(())
    }

    /// The defined functions' funcrefs run against this instance (their
    /// code and signatures are in the image). They fill the slots after
    /// the imported functions'.
    fn define_functions(&mut self) {
        let vmctx = self.vmctx_ptr();
        let first = self.module.num_imported_funcs;
        for slot in first..self.module.funcref_slots.count {
            // SAFETY: the funcref array lies inside the vmctx.
            unsafe { (*self.funcref_slot_ptr(slot)).vmctx = vmctx };
        }
    }

    /// Where compiled code finds each memory, table and global, and the
    /// header's copies of memory 0's and table 0's bases.
    fn publish_storage(&mut self) {
        let offsets = self.offsets;
        // SAFETY (every dereference below): store-owned memories, tables and
        // globals, which live as long as the store.
        for i in 0..self.memories.len() {
            let vm = unsafe { &mut (*self.memories[i]).vm } as *mut _ as usize;
            self.vmctx_write(offsets.memory_ptr(i as u32), vm);
        }
        if let Some(p) = self.memories.first() {
            // A memory's base is fixed for its lifetime.
            let base = unsafe { (**p).vm.base } as usize;
            self.vmctx_write(VMOffsets::MEMORY0_BASE, base);
        }
        for i in 0..self.tables.len() {
            let vm = unsafe { &mut (*self.tables[i]).vm } as *mut _ as usize;
            self.vmctx_write(offsets.table_ptr(i as u32), vm);
        }
        if let Some(p) = self.tables.first() {
            // Compiled code reads this copy only for a table declared with
            // maximum == minimum, which never grows, so its elements stay
            // where they are.
            let base = unsafe { (**p).vm.base } as usize;
            self.vmctx_write(VMOffsets::TABLE0_BASE, base);
        }
        for i in 0..self.globals.len() {
            let vm = unsafe { &mut (*self.globals[i]).vm } as *mut _ as usize;
            self.vmctx_write(offsets.global_ptr(i as u32), vm);
        }
    }

    /// Passive element segments, evaluated now for table.init; active
    /// ones are written into their tables as they are applied, and
    /// declarative ones are dropped at once.
    fn evaluate_elements(&mut self) -> Result<(), InstantiateError> {
        for seg in &self.module.elems {
            let items = match seg.mode {
                Mode::Passive => (seg.items.iter())
                    .map(|item| self.item_value(item))
                    .collect::<Result<Vec<_>, _>>()?,
                _ => Vec::new(),
            };
            self.elems.push(items);
        }
        Ok(())
    }

    /// The value of an element segment's item.
    fn item_value(&self, item: &ElemItem) -> Result<usize, crate::error::ConstExprError> {
        match item {
            ElemItem::Func(f) => Ok(self.funcref_ptr(*f) as usize),
            ElemItem::Null => Ok(0),
            ElemItem::Expr(e) => self.eval_const(e).map(|v| v as usize),
        }
    }
}
