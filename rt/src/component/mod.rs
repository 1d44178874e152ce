//! Components: loaded from the compiler's component descriptor, and
//! instantiated by performing the description's steps in order: core
//! instances made, lowered functions bound, exports found.

pub mod abi;
mod binding;
pub mod concurrent;
pub mod handles;
mod intrinsics;
pub mod program;
mod values;

pub use values::{LowerError, TypeMismatch, Value};

use crate::error::{InstantiateError, LinkError, LoadError};
use crate::instance::Instance;
use crate::module::Module;
use crate::store::{Extern, Func, Memory, Store, Val};
use crate::traps::Trap;
use concurrent::driver::Waiting;
use handles::ResourceKind;
use kiln_abi::component::{
    ComponentDescription, CoreDef, ExportItem, FuncType, Import, Initializer, Layout, Lowered,
    Options, StringEncoding, ValueType,
};
use kiln_abi::component_descriptor as d;
use kiln_abi::module::FuncType as CoreFuncType;

pub struct Component {
    pub description: ComponentDescription,
    pub modules: Vec<&'static Module>,
    /// Program settings baked in by `kiln build`.
    pub program: Option<String>,
    /// The signatures of each component function type, flattened on
    /// first use: a server instantiates the component once per request.
    signatures: Vec<Signatures>,
    /// For each value type, the size and alignment of its spilled form
    /// when `task.return` takes it in memory; None when it goes flat.
    returned_spilled: Vec<std::sync::OnceLock<Option<(u32, u32)>>>,
    /// What each lowering takes in every instance, worked out at the
    /// first (for the host it had).
    bound: std::sync::OnceLock<binding::Bound>,
    /// The same for each other type of host it was instantiated with.
    other_bounds: std::sync::Mutex<Vec<&'static binding::Bound>>,
    /// For each value type, its shape (`Layout::shape`), found on first use.
    shapes: Vec<std::sync::OnceLock<u32>>,
}

/// Check that each core export the description names is where its index
/// says: the compiler's position among the module's exports, which are
/// sorted by name. Then instantiation finds exports by index alone; a
/// handler's instance looks up about a hundred, and comparing their names
/// each time showed in its time.
fn check_export_indices(d: &ComponentDescription, modules: &[&Module]) -> Result<(), LoadError> {
    let mut misplaced = None;
    let mut where_named = |def: &CoreDef| match def {
        CoreDef::Export {
            instance,
            name,
            index,
        } => {
            let module = match d.initializers.get(*instance as usize) {
                Some(Initializer::Instantiate { module, .. }) => modules.get(*module as usize),
                None => None,
            };
            let exports = module.map(|m| &m.exports[..]).unwrap_or_default();
            let found = exports
                .get(*index as usize)
                .is_some_and(|e| e.name == *name);
            if !found && misplaced.is_none() {
                misplaced = Some((*instance, name.to_string()));
            }
        }
        CoreDef::Lowering(_) | CoreDef::Flags(_) => {}
    };
    d.for_each_core_def(&mut where_named);
    match misplaced {
        None => Ok(()),
        Some((instance, name)) => Err(LoadError::ExportIndex { instance, name }),
    }
}

/// Refuse a lowering that names a core instance (for its memory,
/// `realloc`, callback, returner or destructor) not yet made when the
/// lowering is first bound, as an instantiation's argument: binding it
/// would find nothing there.
fn check_lowering_order(d: &ComponentDescription) -> Result<(), LoadError> {
    let mut first_use = vec![u32::MAX; d.lowerings.len()];
    for (k, Initializer::Instantiate { args, .. }) in d.initializers.iter().enumerate() {
        for arg in args {
            if let CoreDef::Lowering(l) = arg {
                if let Some(first) = first_use.get_mut(*l as usize) {
                    *first = (*first).min(k as u32);
                }
            }
        }
    }
    for (l, lowering) in d.lowerings.iter().enumerate() {
        let dtor = match lowering.what {
            Lowered::ResourceDrop(r) => d.resources.get(r as usize).and_then(|r| r.dtor.as_ref()),
            _ => None,
        };
        let early = lowering.core_defs().chain(dtor).find_map(|def| match def {
            CoreDef::Export { instance, .. } if *instance >= first_use[l] => Some(*instance),
            _ => None,
        });
        if let Some(instance) = early {
            return Err(LoadError::LoweringOrder {
                lowering: l as u32,
                instance,
            });
        }
    }
    Ok(())
}

/// A component function type's core signatures, each made on first use.
#[derive(Default)]
struct Signatures {
    lowered: std::sync::OnceLock<CoreFuncType>,
    /// Lowered with `async`.
    async_lowered: std::sync::OnceLock<CoreFuncType>,
    lifted: std::sync::OnceLock<kiln_abi::component::FlatSignature>,
}

impl Component {
    /// Read a component descriptor.
    ///
    /// # Safety
    /// `desc` must point at a component descriptor emitted by the kiln
    /// compiler, whose data and modules live for the rest of the process.
    pub unsafe fn from_descriptor(desc: *const usize) -> Result<&'static Component, LoadError> {
        // SAFETY: the caller's promise: FIELDS words of descriptor.
        let field = |i: u32| unsafe { *desc.add(i as usize) };
        if field(d::ABI_VERSION) != kiln_abi::ABI_VERSION as usize {
            return Err(LoadError::Abi {
                found: field(d::ABI_VERSION),
                expected: kiln_abi::ABI_VERSION,
            });
        }
        // SAFETY: the compiler wrote meta_len bytes at meta_ptr.
        let meta = unsafe {
            std::slice::from_raw_parts(field(d::META_PTR) as *const u8, field(d::META_LEN))
        };
        // SAFETY: the descriptor's description, written by the compiler
        // (the caller's promise).
        let description =
            unsafe { ComponentDescription::decode_loaded(meta) }.map_err(LoadError::Description)?;
        if description.modules as usize != field(d::NUM_MODULES) {
            return Err(LoadError::Inconsistent);
        }
        let list = field(d::MODULES_PTR) as *const *const usize;
        let modules = (0..description.modules as usize)
            // SAFETY: the list holds num_modules module descriptors.
            .map(|i| unsafe { Module::from_descriptor(*list.add(i)) })
            .collect::<Result<Vec<_>, _>>()?;
        let program = match field(d::PROGRAM) {
            0 => None,
            // SAFETY: a NUL-terminated string the compiler wrote.
            p => Some(
                unsafe { std::ffi::CStr::from_ptr(p as *const std::ffi::c_char) }
                    .to_string_lossy()
                    .into_owned(),
            ),
        };
        fn once_each<T, U>(items: &[T]) -> Vec<std::sync::OnceLock<U>> {
            items.iter().map(|_| Default::default()).collect()
        }
        let signatures = description
            .funcs
            .iter()
            .map(|_| Signatures::default())
            .collect();
        check_export_indices(&description, &modules)?;
        check_lowering_order(&description)?;
        let returned_spilled = once_each(&description.types);
        let shapes = once_each(&description.types);
        Ok(Box::leak(Box::new(Component {
            description,
            modules,
            program,
            signatures,
            returned_spilled,
            bound: std::sync::OnceLock::new(),
            other_bounds: Default::default(),
            shapes,
        })))
    }

    /// Names of the exported functions, instances' as `instance#name`.
    pub fn export_names(&self) -> Vec<String> {
        fn walk(prefix: &str, exports: &[kiln_abi::component::Export], out: &mut Vec<String>) {
            for e in exports {
                let name = format!("{prefix}{}", e.name);
                match &e.item {
                    ExportItem::Func { .. } => out.push(name),
                    ExportItem::Instance(inner) => walk(&format!("{name}#"), inner, out),
                }
            }
        }
        let mut out = Vec::new();
        walk("", &self.description.exports, &mut out);
        out
    }

    /// The core signature of function type `ty` lowered with `async`: its
    /// parameters flat up to four, else a pointer to them; a pointer for
    /// its result; the subtask's state returned. Made on first use.
    pub fn async_lowered_signature(&self, ty: u32) -> &CoreFuncType {
        self.signatures[ty as usize].async_lowered.get_or_init(|| {
            use kiln_abi::module::ValType::I32;
            let d = &self.description;
            let f = &d.funcs[ty as usize];
            let mut params = Vec::new();
            for (_, p) in &f.params {
                d.layout().flatten(*p, &mut params);
            }
            if params.len() > kiln_abi::component::MAX_FLAT_ASYNC_PARAMS {
                params = vec![I32];
            }
            if f.result.is_some() {
                params.push(I32);
            }
            CoreFuncType::new(&params, &[I32])
        })
    }

    /// The flat signature of function type `ty`, lifted.
    pub fn lifted_signature(&self, ty: u32) -> &kiln_abi::component::FlatSignature {
        self.signatures[ty as usize].lifted.get_or_init(|| {
            let d = &self.description;
            d.layout().signature(&d.funcs[ty as usize], true)
        })
    }

    /// Where `task.return` takes a result of type `r` from: the size and
    /// alignment of it in memory, or None when its flat values are the
    /// arguments.
    pub(crate) fn returned_spilled(&self, r: u32) -> Option<(u32, u32)> {
        *self.returned_spilled[r as usize].get_or_init(|| {
            let layout = self.description.layout();
            let mut flat = Vec::new();
            layout.flatten(r, &mut flat);
            (flat.len() > kiln_abi::component::MAX_FLAT_PARAMS).then(|| layout.size_align(r))
        })
    }

    /// The shape of value type `t`, which a task's `task.return` must
    /// give (`Layout::shape`).
    pub(crate) fn shape(&self, t: u32) -> u32 {
        *self.shapes[t as usize].get_or_init(|| self.description.layout().shape(t))
    }

    /// The core signature of a lowered function of type `ty`.
    pub fn lowered_signature(&self, ty: u32) -> &CoreFuncType {
        self.signatures[ty as usize].lowered.get_or_init(|| {
            let d = &self.description;
            let sig = d.layout().signature(&d.funcs[ty as usize], false);
            CoreFuncType::new(&sig.params, &sig.results)
        })
    }
}

/// A host function a component may import: its code, taking a
/// [`HostContext`] pointer first and then the lowered core arguments.
#[derive(Clone, Copy)]
pub struct HostFunc {
    pub code: usize,
    /// Its core signature: one letter per parameter (`i` i32, `I` i64,
    /// `f` f32, `F` f64), `>`, then the results. A lowering whose
    /// signature differs does not link.
    pub signature: &'static str,
    /// An async function's code and signature when lowered with `async`.
    pub asynchronous: Option<(usize, &'static str)>,
}

impl HostFunc {
    pub const fn new(
        (code, signature): (usize, &'static str),
        asynchronous: Option<(usize, &'static str)>,
    ) -> HostFunc {
        HostFunc {
            code,
            signature,
            asynchronous,
        }
    }
}

/// What the host gives the components it runs.
pub trait Host {
    /// The function imported as `import`, if the host has it.
    fn func(&self, import: &Import) -> Option<HostFunc>;
    /// The Rust type of the host's resource `name` of `instance`.
    fn resource(&self, instance: &str, name: &str) -> Option<std::any::TypeId>;
    /// What the host's answers to `func` and `resource` depend on: two
    /// hosts with the same id must give the same for every import, since
    /// a component keeps what it found for one instance for the next (its
    /// `binding::Bound`). A host whose answers depend on its settings is not one
    /// type but several, and needs an id for each.
    fn id(&self) -> std::any::TypeId;
}

/// A host with nothing to give.
pub struct NoHost;

impl Host for NoHost {
    fn func(&self, _: &Import) -> Option<HostFunc> {
        None
    }
    fn resource(&self, _: &str, _: &str) -> Option<std::any::TypeId> {
        None
    }
    fn id(&self) -> std::any::TypeId {
        std::any::TypeId::of::<NoHost>()
    }
}

/// What the host functions of a component's instances share: their
/// handle tables and the host's state (a WASI context).
pub struct ComponentState {
    pub tables: handles::Tables,
    pub concurrency: concurrent::Concurrency,
    pub host: Option<Box<dyn std::any::Any>>,
}

/// What a host function of a component sees: what its lowering is, the
/// same in every instance (through `Deref`), and what this instance gives
/// it: its memory, `realloc`, state and flags, and its own functions that
/// the host function calls.
#[derive(Clone, Copy)]
pub struct HostContext {
    /// Kept once per component (`binding::Bound`): copying it into each
    /// instance's context was a third of the bytes a served request's
    /// instance wrote.
    pub lowering: &'static LoweringContext,
    /// What it reaches of its instance (`UNBOUND` until bound), shared
    /// with the instance's other lowerings that reach the same: a served
    /// request's instance wrote 120 bytes a lowering when each context
    /// held its own, and took a sixth longer to make.
    reach: *const Reach,
}

/// What an unbound context reaches: nothing.
struct Unbound(Reach);

// SAFETY: never written, and its pointers are all null.
unsafe impl Sync for Unbound {}

static UNBOUND: Unbound = Unbound(Reach::NONE);

/// What a lowering's context reaches of its component instance.
#[derive(Clone, Copy)]
pub struct Reach {
    pub memory: Option<*mut Memory>,
    pub realloc: Option<Func>,
    pub state: *mut ComponentState,
    /// That instance's flags (`CoreDef::Flags`).
    pub flags: *mut crate::store::Global,
    /// For `resource.drop`: the resource's destructor, if it has one.
    pub dtor: Option<Func>,
    /// For a call by the async ABI: the callee's callback, and the
    /// returner moving its result to the caller.
    pub callback: Option<Func>,
    pub returner: Option<Func>,
    /// For an async lowering's call: the adapter's half starting the
    /// callee, which the runtime runs on a fiber, at once or once a call
    /// held back may start.
    pub starter: Option<Func>,
}

impl Reach {
    pub(crate) const NONE: Reach = Reach {
        memory: None,
        realloc: None,
        state: std::ptr::null_mut(),
        flags: std::ptr::null_mut(),
        dtor: None,
        callback: None,
        returner: None,
        starter: None,
    };
}

impl HostContext {
    /// The context of `lowering` before an instance binds it: it reaches
    /// nothing.
    pub(crate) fn unbound(lowering: &'static LoweringContext) -> HostContext {
        HostContext {
            lowering,
            reach: &UNBOUND.0,
        }
    }

    /// The context of `lowering` reaching `reach`.
    ///
    /// # Safety
    /// `reach` must stay valid, and unwritten while the context is used,
    /// as long as the context lives.
    pub(crate) unsafe fn reaching(
        lowering: &'static LoweringContext,
        reach: *const Reach,
    ) -> HostContext {
        HostContext { lowering, reach }
    }

    pub(crate) fn is_bound(&self) -> bool {
        !std::ptr::eq(self.reach, &UNBOUND.0)
    }

    /// What it reaches of its instance (nothing, before it is bound).
    pub(crate) fn reach(&self) -> &Reach {
        // SAFETY: `UNBOUND`, or one of its instance's reaches, which live
        // as long as the instance's contexts (`reaching`'s callers).
        unsafe { &*self.reach }
    }
}

impl std::ops::Deref for HostContext {
    type Target = LoweringContext;

    fn deref(&self) -> &LoweringContext {
        self.lowering
    }
}

/// What a host function's context holds that is the same in every
/// instance of its component: the lowering's options and operands.
#[derive(Clone, Copy)]
pub struct LoweringContext {
    pub encoding: StringEncoding,
    /// The component instance calling, whose handle table it uses.
    pub instance: u32,
    /// For `resource.new`, `.rep` and `.drop` and handle transfers: the
    /// resource.
    pub resource: Option<ResourceKind>,
    /// For a handle transfer: the receiving instance, and whether it
    /// defines the resource.
    pub to: u32,
    pub to_defines: bool,
    /// For a fused adapter's `Raise`: the trap.
    pub trap: Option<crate::traps::ComponentTrap>,
    /// The lowering's function type (`task.return`'s: taking the result).
    pub ty: u32,
    /// For an async built-in: its slot (`context.get`/`set`), its stream
    /// or future type, or the shape of the result `task.return` takes; for
    /// `enter-subtask`, the shape of the call's result. For streams and
    /// futures, whether that is a future, and the size and alignment of
    /// its elements.
    pub arg: u32,
    pub future: bool,
    pub elem: (u32, u32),
    /// Those elements are numbers, or absent.
    pub numeric: bool,
    /// The built-in has the `async` option.
    pub async_: bool,
}

impl LoweringContext {
    /// What a lowering with `encoding`, called from `instance`, starts
    /// from before binding fills in its operands.
    pub(crate) fn blank(encoding: StringEncoding, instance: u32) -> LoweringContext {
        LoweringContext {
            encoding,
            instance,
            resource: None,
            to: 0,
            to_defines: false,
            trap: None,
            ty: 0,
            arg: 0,
            future: false,
            elem: (0, 1),
            numeric: true,
            async_: false,
        }
    }
}

/// An instantiated component.
pub struct ComponentInstance {
    pub component: &'static Component,
    pub instances: Vec<*mut Instance>,
    /// One per lowering (`binding::Bound`); their addresses are the
    /// `vmctx` of the host functions' funcrefs, so they never move. A
    /// `Vec`, written only through `as_mut_ptr`, which keeps those
    /// addresses valid.
    pub(crate) contexts: Vec<HostContext>,
    /// What the contexts reach, one for each group of lowerings that
    /// reach the same (`binding::Bound::reach_of`); written only through
    /// `as_mut_ptr`, as `contexts`.
    pub(crate) reaches: Vec<Reach>,
    /// The host function of each lowering, running against its context.
    host_funcs: Box<[crate::vm::VMFuncRef]>,
    /// What the lowerings take in every instance.
    bound: &'static binding::Bound,
    /// Boxed: host contexts point at it.
    pub state: Box<ComponentState>,
    /// Each component instance's flags (`CoreDef::Flags`): 1 while it
    /// may call out of itself.
    flags: Vec<*mut crate::store::Global>,
    /// Set once a call into the instance trapped: it may not be entered
    /// again, as wasmtime does.
    poisoned: std::cell::Cell<bool>,
    types: &'static [ValueType],
}

/// The arguments and memory of one call into a component's export.
pub(crate) struct Call<'a> {
    types: &'a [ValueType],
    encoding: StringEncoding,
    memory: Option<*mut Memory>,
    /// Whether a stream's or future's end or an error context may be
    /// stored as the handle given: only for a stream of values between
    /// instances, which put it in the reader's table first
    /// (`concurrent::values`). A host's number would name nothing.
    channels: bool,
}

/// Where results are lifted from.
pub(crate) struct Lift<'a> {
    types: &'a [ValueType],
    encoding: StringEncoding,
    memory: &'a [u8],
    /// Bytes of strings and lists lifted so far, bounded by the memory's
    /// size (`Lift::take`).
    lifted: u64,
    /// Whether a stream's or future's end lifts as its handle (for a
    /// stream of values between instances, which moves it); else it is
    /// refused.
    pub(crate) channels: bool,
}

/// Why a call of an export did not return values.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("no exported function `{0}`")]
    NoSuchExport(String),
    #[error("`{name}` takes {expected} arguments, {given} given")]
    ArgumentCount {
        name: String,
        expected: usize,
        given: usize,
    },
    #[error(transparent)]
    Type(#[from] TypeMismatch),
    #[error("{0}")]
    Trap(Trap),
}

impl Store {
    /// Instantiate `component`; `host` gives the code of each host import
    /// (by its instance and function name), or `None` if it has none.
    pub fn instantiate_component(
        &mut self,
        component: &'static Component,
        host: &dyn Host,
        state: Option<Box<dyn std::any::Any>>,
    ) -> Result<ComponentInstance, InstantiateError> {
        let d = &component.description;
        let bound = binding::bound_for(component, host);
        let mut inst = ComponentInstance {
            component,
            instances: Vec::new(),
            contexts: bound.lowerings.iter().map(HostContext::unbound).collect(),
            reaches: vec![Reach::NONE; bound.reaches()],
            host_funcs: bound.funcs.clone(),
            bound,
            state: Box::new(ComponentState {
                tables: handles::Tables {
                    tables: (0..d.instances).map(|_| Default::default()).collect(),
                    ..Default::default()
                },
                concurrency: concurrent::Concurrency::new(
                    self.interrupt_flag(),
                    &d.types,
                    self.limits.max_wasm_stack,
                ),
                host: state,
            }),
            types: &d.types,
            poisoned: std::cell::Cell::new(false),
            flags: (0..d.instances)
                .map(|_| {
                    let ty = kiln_abi::module::GlobalType {
                        content: kiln_abi::module::ValType::I32,
                        mutable: true,
                    };
                    self.global(ty, Val::I32(1))
                })
                .collect(),
        };
        let contexts = inst.contexts.as_mut_ptr();
        for (i, f) in inst.host_funcs.iter_mut().enumerate() {
            // SAFETY: one context per lowering, as one function.
            f.vmctx = unsafe { contexts.add(i) } as usize;
        }
        // One list for each core instance's imports in turn.
        let mut imports = Vec::new();
        for init in &d.initializers {
            let Initializer::Instantiate { module, args } = init;
            let module = component.modules[*module as usize];
            imports.clear();
            imports.reserve(args.len());
            for (arg, imp) in args.iter().zip(&module.imports) {
                let ext = match arg {
                    CoreDef::Lowering(l) => Extern::Func(inst.lower(*l, host)?),
                    def => inst
                        .core_export(def)
                        .ok_or_else(|| InstantiateError::Link {
                            import: format!("{}::{}", imp.module, imp.name),
                            problem: LinkError::Unknown,
                        })?,
                };
                imports.push(ext);
            }
            let i = self.instantiate(module, &imports)?;
            inst.instances.push(i);
            // A start function run next may call into those made so far,
            // on a fiber, whose stack limit they need.
            // SAFETY: the list changes only here, after which the state
            // learns it anew; it lives as long as the state.
            inst.state.concurrency.instances =
                unsafe { concurrent::CoreInstances::new(&inst.instances) };
        }
        Ok(inst)
    }
}

/// How an import is named in messages: `instance#function`.
pub fn import_name(i: &Import) -> String {
    match &i.instance {
        Some(inst) => format!("{inst}#{}", i.name),
        None => i.name.to_string(),
    }
}

impl ComponentInstance {
    fn core_export(&self, def: &CoreDef) -> Option<Extern> {
        match def {
            CoreDef::Export {
                instance, index, ..
            } => self.export_at((*instance, *index)),
            CoreDef::Lowering(_) => None,
            CoreDef::Flags(i) => Some(Extern::Global(self.flags[*i as usize])),
        }
    }

    /// The `index`th export of core instance `instance`.
    fn export_at(&self, (instance, index): (u32, u32)) -> Option<Extern> {
        // The index was checked when the component was loaded
        // (`check_export_indices`).
        // SAFETY: instances live as long as the store.
        unsafe { &*self.instances[instance as usize] }.export_indexed(index)
    }

    fn func(&self, def: &CoreDef) -> Option<Func> {
        match self.core_export(def)? {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    fn memory(&self, def: &Option<CoreDef>) -> Option<*mut Memory> {
        match self.core_export(def.as_ref()?)? {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }

    /// The exported function at `path` (an instance's export is
    /// `instance#name`, as wasmtime spells it).
    fn export(&self, path: &str) -> Option<(&CoreDef, u32, &Options, u32)> {
        let mut exports = &self.component.description.exports;
        let mut parts = path.split('#').peekable();
        while let Some(part) = parts.next() {
            let e = exports.iter().find(|e| e.name == part)?;
            match (&e.item, parts.peek()) {
                (
                    ExportItem::Func {
                        func,
                        ty,
                        options,
                        instance,
                    },
                    None,
                ) => return Some((func, *ty, options, *instance)),
                (ExportItem::Instance(inner), Some(_)) => exports = inner,
                _ => return None,
            }
        }
        None
    }

    /// `value`, a host resource, as an owning handle in the table of the
    /// instance that lifts export `path`: an `own<T>` argument for it.
    pub fn own<T: 'static>(&mut self, path: &str, value: T) -> Result<Value, CallError> {
        let (_, _, _, lifted_by) = self
            .export(path)
            .ok_or_else(|| CallError::NoSuchExport(path.to_string()))?;
        Ok(Value::Handle(self.state.tables.of(lifted_by).insert(value)))
    }

    /// The host value of type `T` an owning handle `h` names in the table
    /// of the instance that lifts export `path`, taken out of it: what a
    /// result's [`Value::Handle`] holds.
    pub fn take<T: 'static>(&mut self, path: &str, h: u32) -> Result<T, CallError> {
        let (_, _, _, lifted_by) = self
            .export(path)
            .ok_or_else(|| CallError::NoSuchExport(path.to_string()))?;
        self.state
            .tables
            .of(lifted_by)
            .take::<T>(h)
            .map_err(CallError::Trap)
    }

    /// The component function type of export `path`.
    pub fn export_type(&self, path: &str) -> Option<&FuncType> {
        let (_, ty, _, _) = self.export(path)?;
        Some(&self.component.description.funcs[ty as usize])
    }

    /// Names of the exported functions, instances' as `instance#name`.
    pub fn export_names(&self) -> Vec<String> {
        self.component.export_names()
    }

    /// Call export `path` with `args`: lowered into the callee by the
    /// Canonical ABI, its result lifted back, then its post-return run.
    pub fn call(
        &self,
        store: &mut Store,
        path: &str,
        args: &[Value],
    ) -> Result<Option<Value>, CallError> {
        self.call_with(store, path, args, None)
    }

    /// As [`ComponentInstance::call`]; an async export's result also goes
    /// to `on_return` when the export returns it, while it goes on.
    pub fn call_with(
        &self,
        store: &mut Store,
        path: &str,
        args: &[Value],
        on_return: Option<concurrent::OnReturn>,
    ) -> Result<Option<Value>, CallError> {
        let call = self.call_waiting(store, path, args, on_return, Waiting::Block);
        concurrent::driver::now(call)
    }

    /// As [`ComponentInstance::call_with`], a future for a tokio runtime
    /// with its time driver (a server's worker): while an async export
    /// waits for events, the thread is free. Code that blocks inside a
    /// turn (a synchronous wait) still blocks it, the worker's other tasks
    /// handed to another thread first ([`concurrent::blocking`]).
    pub async fn call_async(
        &self,
        store: &mut Store,
        path: &str,
        args: &[Value],
        on_return: Option<concurrent::OnReturn>,
    ) -> Result<Option<Value>, CallError> {
        self.call_waiting(store, path, args, on_return, Waiting::Await)
            .await
    }

    async fn call_waiting(
        &self,
        store: &mut Store,
        path: &str,
        args: &[Value],
        on_return: Option<concurrent::OnReturn>,
        waiting: Waiting,
    ) -> Result<Option<Value>, CallError> {
        let (core, ty, options, lifted_by) = self
            .export(path)
            .ok_or_else(|| CallError::NoSuchExport(path.to_string()))?;
        let d = &self.component.description;
        let ft = &d.funcs[ty as usize];
        if ft.params.len() != args.len() {
            return Err(CallError::ArgumentCount {
                name: path.to_string(),
                expected: ft.params.len(),
                given: args.len(),
            });
        }
        if self.poisoned.get() {
            return Err(CallError::Trap(abi::trap(
                crate::traps::ComponentTrap::CannotEnter,
            )));
        }
        let f = self.func(core).expect("a lifted export is a core function");
        if !options.async_ {
            self.state.concurrency.begin_sync_task(lifted_by);
        }
        let layout = Layout::new(self.types);
        let sig = self.component.lifted_signature(ty);
        let mut call = Call {
            types: self.types,
            encoding: options.encoding,
            memory: self.memory(&options.memory),
            channels: false,
        };
        let realloc = options.realloc.as_ref().and_then(|r| self.func(r));
        let lowered = (|| {
            let mut flat = Vec::new();
            let caller = &mut values::Caller::Host {
                store,
                realloc,
                flags: self.flags[lifted_by as usize],
            };
            if sig.params_in_memory {
                let (size, align) = layout.params_size_align(ft);
                let ptr = call.realloc(caller, align, size)?;
                let fields: Vec<u32> = ft.params.iter().map(|p| p.1).collect();
                for ((p, off), v) in fields.iter().zip(layout.field_offsets(&fields)).zip(args) {
                    call.store(caller, *p, v, ptr + off)?;
                }
                flat.push(ptr as u64);
            } else {
                for ((_, p), v) in ft.params.iter().zip(args) {
                    call.lower_flat(caller, *p, v, &mut flat)?;
                }
            }
            Ok(flat)
        })();
        let poison = |t: Trap| {
            self.poisoned.set(true);
            CallError::Trap(t)
        };
        let flat = match lowered {
            Ok(flat) => flat,
            Err(LowerError::Type(t)) => return Err(CallError::Type(t)),
            Err(LowerError::Trap(t)) => return Err(CallError::Trap(t)),
        };
        let vals: Vec<Val> = sig
            .params
            .iter()
            .zip(&flat)
            .map(|(t, bits)| Val::from_bits(*t, *bits))
            .collect();
        // A trap in the callee's code poisons it; one while lifting or
        // lowering does not, as in wasmtime.
        if options.async_ {
            let task = concurrent::Task {
                instance: lifted_by,
                context: [0; concurrent::CONTEXT_SLOTS],
                result: ft.result.map(|r| self.component.shape(r)),
                result_spilled: ft.result.and_then(|r| self.component.returned_spilled(r)),
                types: self.types,
                encoding: options.encoding,
                memory: call.memory,
                returned: None,
                on_return,
                caller: None,
                cancel: Default::default(),
                lent: None,
                on_sync_stack: false,
            };
            let callback = options.callback.as_ref().and_then(|c| self.func(c));
            let state = &*self.state as *const ComponentState as *mut ComponentState;
            let run = concurrent::driver::run(state, store, f, callback, &vals, task, waiting);
            let returned = run.await.map_err(poison)?;
            concurrent::settle(state, store, waiting)
                .await
                .map_err(poison)?;
            return Ok(returned);
        }
        let results = store.call(f, &vals).map_err(poison)?;
        let bits: Vec<u64> = results.iter().map(|v| v.to_bits()).collect();
        let value = match ft.result {
            None => None,
            Some(rt) => {
                // SAFETY: store-owned memory; nothing runs while we read it.
                let memory = call.memory.map_or(&[][..], |m| unsafe { (*m).data() });
                let mut lift = Lift::new(self.types, options.encoding, memory);
                let v = if sig.results_in_memory {
                    let ptr = bits[0] as u32;
                    let (size, align) = layout.size_align(rt);
                    lift.range(ptr, size as u64, align, crate::traps::Region::Return)
                        .map_err(CallError::Trap)?;
                    lift.load(rt, ptr)
                } else {
                    lift.lift_flat(rt, &mut bits.iter())
                };
                Some(v.map_err(CallError::Trap)?)
            }
        };
        if let Some(post) = options.post_return.as_ref().and_then(|p| self.func(p)) {
            // The instance may not call out while its post-return runs.
            let flags = self.flags[lifted_by as usize];
            // SAFETY: store-owned globals, alive as long as the store.
            unsafe { (*flags).set_bits(0) };
            let done = store.call(post, &results);
            unsafe { (*flags).set_bits(1) };
            done.map_err(CallError::Trap)?;
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_abi::module::{Export as CoreExport, ExportKind, ModuleDescription};

    /// A module exporting `a` and `b` (sorted by name), and a description
    /// that instantiates it and names export `name` at `index`.
    fn naming(name: &str, index: u32) -> (ComponentDescription, &'static Module) {
        let export = |name: &'static str, index| CoreExport {
            name: name.into(),
            kind: ExportKind::Func,
            index,
        };
        let module = Module::new(ModuleDescription {
            exports: vec![export("a", 0), export("b", 1)],
            ..Default::default()
        });
        let d = ComponentDescription {
            modules: 1,
            initializers: vec![
                Initializer::Instantiate {
                    module: 0,
                    args: vec![],
                },
                Initializer::Instantiate {
                    module: 0,
                    args: vec![CoreDef::Export {
                        instance: 0,
                        name: name.to_string().into(),
                        index,
                    }],
                },
            ],
            ..Default::default()
        };
        (d, Box::leak(Box::new(module)))
    }

    #[test]
    fn an_export_index_that_names_another_export_is_refused_at_load() {
        let (d, m) = naming("b", 1);
        assert!(check_export_indices(&d, &[m]).is_ok());
        let (d, m) = naming("b", 0);
        match check_export_indices(&d, &[m]) {
            Err(LoadError::ExportIndex { instance: 0, name }) => assert_eq!(name, "b"),
            other => panic!("{other:?}"),
        }
        let (d, m) = naming("c", 2);
        assert!(check_export_indices(&d, &[m]).is_err(), "past the end");
    }

    #[test]
    fn a_lowering_whose_memory_is_made_after_it_is_refused_at_load() {
        use kiln_abi::component::Lowering;
        let memory_of = |instance| Lowering {
            what: Lowered::Trap,
            ty: 0,
            options: Options {
                memory: Some(CoreDef::Export {
                    instance,
                    name: "a".into(),
                    index: 0,
                }),
                ..Default::default()
            },
            instance: 0,
        };
        // Instance 1 takes lowering 0 as its argument.
        let (mut d, _) = naming("a", 0);
        let Initializer::Instantiate { args, .. } = &mut d.initializers[1];
        args[0] = CoreDef::Lowering(0);
        d.lowerings = vec![memory_of(0)];
        assert!(check_lowering_order(&d).is_ok());
        d.lowerings = vec![memory_of(1)];
        match check_lowering_order(&d) {
            Err(LoadError::LoweringOrder {
                lowering: 0,
                instance: 1,
            }) => {}
            other => panic!("{other:?}"),
        }
    }
}
