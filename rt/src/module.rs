//! A compiled module as the runtime sees it: the descriptor the compiler
//! emitted plus what its metadata (the module minus code) says.

use crate::error::LoadError;
use crate::traps::CODE_RANGES;
use crate::vm::VMFuncRef;
use kiln_abi::descriptor as d;
use kiln_abi::module::{
    ConstExpr, DataSegment, ElemSegment, Export, FuncType, FuncrefSlots, GlobalType, Import,
    ImportKind, MemoryType, ModuleDescription, TableType,
};
use kiln_abi::VMOffsets;

pub struct Module {
    pub types: Vec<FuncType>,
    pub imports: Vec<Import>,
    /// Type index of every function, imports first.
    pub funcs: Vec<u32>,
    pub num_imported_funcs: u32,
    pub num_imported_tables: u32,
    pub num_imported_memories: u32,
    pub num_imported_globals: u32,
    /// Every table, imported ones first, with its initializer (None: null).
    pub tables: Vec<(TableType, Option<ConstExpr>)>,
    pub memories: Vec<MemoryType>,
    /// Every global, imported ones (without initializer) first.
    pub globals: Vec<(GlobalType, Option<ConstExpr>)>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment<'static>>,
    pub names: kiln_abi::module::Names<'static>,
    /// Code address of each defined function (in the loaded object).
    pub func_ptrs: &'static [usize],
    /// Host-to-wasm trampoline of each type (in the loaded object).
    pub trampolines: &'static [usize],
    pub explicit_bounds: bool,
    /// Program settings baked in by `kiln build` (`kiln_abi::descriptor`).
    pub program: Option<String>,
    /// Memory 0's initial contents from this offset on, page-aligned in
    /// the loaded object; the data segments of memory 0 carry no bytes then.
    pub memory_image: Option<(u64, &'static [u8])>,
    /// Where each function's funcref lies in an instance's vmctx, if it
    /// has one: imported functions and the defined ones a reference can
    /// be taken to (`ModuleDescription::funcref_slots`).
    pub funcref_slots: FuncrefSlots,
    /// Defined functions with code, as indices into `func_ptrs`, in
    /// address order: for backtraces, made at the first one, since
    /// ordering a large module's functions showed in its start-up.
    by_address: std::sync::OnceLock<Vec<u32>>,
    /// The signature id of each type, made at the first instance: the
    /// registry's lock was contended when a server made one per request.
    sig_ids: std::sync::OnceLock<Vec<u32>>,
    /// The vmctx every instance starts from (`Module::vmctx_image`).
    vmctx_image: std::sync::OnceLock<Box<[u64]>>,
    /// The unwind table (see `kiln_abi::unwind`), where functions keep
    /// no frame pointers.
    unwind: Option<kiln_abi::unwind::Indexed<'static>>,
}

impl Module {
    /// Read a module descriptor emitted by kiln's compiler.
    ///
    /// # Safety
    /// `desc` must point at a descriptor (`kiln_abi::descriptor`) in code
    /// that stays loaded for the rest of the process.
    pub unsafe fn from_descriptor(desc: *const usize) -> Result<&'static Module, LoadError> {
        // SAFETY: per the contract above.
        let field = |i: u32| unsafe { *desc.add(i as usize) };
        if field(d::ABI_VERSION) != kiln_abi::ABI_VERSION as usize {
            return Err(LoadError::Abi {
                found: field(d::ABI_VERSION),
                expected: kiln_abi::ABI_VERSION,
            });
        }
        // SAFETY: pointers and lengths the compiler wrote into the descriptor.
        let meta: &'static [u8] = unsafe {
            std::slice::from_raw_parts(field(d::META_PTR) as *const u8, field(d::META_LEN))
        };
        // Borrowed, not copied: a large module has tens of thousands of
        // functions, and start-up pays for every heap page it touches.
        let func_ptrs = unsafe {
            std::slice::from_raw_parts(
                field(d::FUNCS_PTR) as *const usize,
                field(d::NUM_DEFINED_FUNCS),
            )
        };
        let trampolines = unsafe {
            std::slice::from_raw_parts(
                field(d::TRAMPOLINES_PTR) as *const usize,
                field(d::NUM_TYPES),
            )
        };
        // SAFETY: the descriptor's description, written by the compiler
        // (the caller's promise).
        let description =
            unsafe { ModuleDescription::decode_static(meta) }.map_err(LoadError::Description)?;
        let mut m = Module::new(description);
        let defined = m.funcs.len() - m.num_imported_funcs as usize;
        if func_ptrs.len() != defined || trampolines.len() != m.types.len() {
            return Err(LoadError::Inconsistent);
        }
        m.func_ptrs = func_ptrs;
        m.trampolines = trampolines;
        m.explicit_bounds = field(d::BOUNDS_CHECKS) != 0;
        let program = field(d::PROGRAM);
        if program != 0 {
            // SAFETY: the compiler wrote a NUL-terminated string there.
            let text = unsafe { std::ffi::CStr::from_ptr(program as *const std::ffi::c_char) };
            m.program = Some(text.to_string_lossy().into_owned());
        }
        if field(d::IMAGE_PTR) != 0 {
            // SAFETY: the compiler wrote the image's address and length.
            let bytes = unsafe {
                std::slice::from_raw_parts(field(d::IMAGE_PTR) as *const u8, field(d::IMAGE_LEN))
            };
            m.memory_image = Some((field(d::IMAGE_OFFSET) as u64, bytes));
        }
        if field(d::UNWIND_LEN) != 0 {
            // SAFETY: the compiler wrote the table's address and length.
            let table = unsafe {
                std::slice::from_raw_parts(field(d::UNWIND_PTR) as *const u8, field(d::UNWIND_LEN))
            };
            let defined = m.func_ptrs.len() as u32;
            m.unwind =
                Some(kiln_abi::unwind::Indexed::new(table, defined).ok_or(LoadError::UnwindTable)?);
        }
        let m: &'static Module = Box::leak(Box::new(m));
        CODE_RANGES.register(field(d::CODE_START), field(d::CODE_END), m);
        Ok(m)
    }

    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.funcs[func_index as usize] as usize]
    }

    pub fn func_name(&self, index: u32) -> Option<String> {
        self.names.get(index).map(str::to_string)
    }

    /// Whether backtraces through this module's code follow its unwind
    /// table (else frame records).
    pub fn has_unwind_table(&self) -> bool {
        self.unwind.is_some()
    }

    /// The unwind row in force at `pc`, in a wasm function of this module.
    pub fn unwind_row(&self, pc: usize) -> Option<kiln_abi::unwind::Row> {
        let defined = self.func_at(pc)?.checked_sub(self.num_imported_funcs)?;
        let offset = pc - self.func_ptrs[defined as usize];
        self.unwind?.row(defined, u32::try_from(offset).ok()?)
    }

    /// The signature id of each of the module's types.
    pub(crate) fn sig_ids(&self) -> &[u32] {
        self.sig_ids
            .get_or_init(|| self.types.iter().map(crate::sig::sig_id).collect())
    }

    /// Where things are in its instances' vmctx.
    pub(crate) fn offsets(&self) -> VMOffsets {
        VMOffsets {
            ptr_size: 8,
            num_memories: self.memories.len() as u32,
            num_tables: self.tables.len() as u32,
            num_globals: self.globals.len() as u32,
            num_types: self.types.len() as u32,
            num_funcrefs: self.funcref_slots.count,
        }
    }

    /// The vmctx as every instance of the module starts: the built-ins'
    /// table, the signature ids, and the code and signatures of the
    /// defined functions that have funcrefs, all else zero. Made at the first instance and copied
    /// at each: a server makes an instance per request, and filling a
    /// large module's vmctx field by field showed in its time.
    pub(crate) fn vmctx_image(&self) -> &[u64] {
        self.vmctx_image.get_or_init(|| {
            let offsets = self.offsets();
            let mut image = vec![0u64; offsets.size().div_ceil(8) as usize];
            let builtins = &crate::builtins::BUILTINS as *const _ as u64;
            image[VMOffsets::BUILTINS as usize / 8] = builtins;
            let bytes = image.as_mut_ptr() as *mut u8;
            let sig_ids = self.sig_ids();
            for (i, id) in sig_ids.iter().enumerate() {
                let at = offsets.sig_id(i as u32) as usize;
                // SAFETY: inside the image, 4-aligned (`VMOffsets`).
                unsafe { *(bytes.add(at) as *mut u32) = *id };
            }
            let first = self.num_imported_funcs as usize;
            let types = &self.funcs[first..];
            for (i, (code, ty)) in self.func_ptrs.iter().zip(types).enumerate() {
                let Some(slot) = self.funcref_slots.of((first + i) as u32) else {
                    continue;
                };
                let at = offsets.funcref(slot) as usize;
                let funcref = VMFuncRef {
                    func_ptr: *code,
                    vmctx: 0, // the instance's own, written at each
                    sig_id: sig_ids[*ty as usize],
                    _pad: 0,
                };
                // SAFETY: the funcref array lies inside the image, aligned
                // to 8 (`VMOffsets::funcref`).
                unsafe { *(bytes.add(at) as *mut VMFuncRef) = funcref };
            }
            image.into_boxed_slice()
        })
    }

    /// The defined function whose code contains `pc`. Safe in a signal
    /// handler: it allocates nothing, and scans every function's start
    /// while no backtrace outside one has ordered them yet.
    pub fn func_at(&self, pc: usize) -> Option<u32> {
        let defined = match self.by_address.get() {
            Some(order) => {
                let start = |i: &u32| self.func_ptrs[*i as usize];
                *order.get(order.partition_point(|i| start(i) <= pc).checked_sub(1)?)?
            }
            None => {
                let below = self.func_ptrs.iter().enumerate();
                let below = below.filter(|(_, p)| **p != 0 && **p <= pc);
                below.max_by_key(|(_, p)| **p)?.0 as u32
            }
        };
        Some(self.num_imported_funcs + defined)
    }

    /// Where the defined function whose code contains `pc` starts.
    pub fn func_start_at(&self, pc: usize) -> Option<usize> {
        let defined = self.func_at(pc)? - self.num_imported_funcs;
        Some(self.func_ptrs[defined as usize])
    }

    /// As [`Module::func_at`], ordering the functions first if no call
    /// has yet: for code that may allocate, which reads many frames.
    pub fn func_at_ordering(&self, pc: usize) -> Option<u32> {
        self.by_address.get_or_init(|| by_address(self.func_ptrs));
        self.func_at(pc)
    }
}

/// The indices of the functions at `func_ptrs` that have code, in address
/// order.
fn by_address(func_ptrs: &[usize]) -> Vec<u32> {
    let mut order = Vec::with_capacity(func_ptrs.len());
    // Null: a function private to its unit that was inlined everywhere
    // and deleted; it has no code of its own.
    order.extend((0..func_ptrs.len() as u32).filter(|&i| func_ptrs[i as usize] != 0));
    order.sort_unstable_by_key(|&i| func_ptrs[i as usize]);
    order
}

impl Module {
    /// The module `d` describes, before its code is attached.
    pub(crate) fn new(d: ModuleDescription<'static>) -> Module {
        let imported = d.import_counts();
        let funcref_slots = d.funcref_slots();
        let mut tables = Vec::new();
        let mut memories = Vec::new();
        let mut globals = Vec::new();
        for i in &d.imports {
            match &i.kind {
                ImportKind::Func(_) => {}
                ImportKind::Table(t) => tables.push((*t, None)),
                ImportKind::Memory(m) => memories.push(*m),
                ImportKind::Global(g) => globals.push((*g, None)),
            }
        }
        tables.extend(d.tables);
        memories.extend(d.memories);
        globals.extend(d.globals.into_iter().map(|(g, init)| (g, Some(init))));
        Module {
            num_imported_funcs: imported.funcs as u32,
            num_imported_tables: imported.tables as u32,
            num_imported_memories: imported.memories as u32,
            num_imported_globals: imported.globals as u32,
            types: d.types,
            imports: d.imports,
            funcs: d.funcs,
            tables,
            memories,
            globals,
            exports: d.exports,
            start: d.start,
            elems: d.elems,
            datas: d.datas,
            names: d.names,
            func_ptrs: &[],
            trampolines: &[],
            explicit_bounds: false,
            program: None,
            memory_image: None,
            funcref_slots,
            by_address: std::sync::OnceLock::new(),
            sig_ids: std::sync::OnceLock::new(),
            vmctx_image: std::sync::OnceLock::new(),
            unwind: None,
        }
    }
}
