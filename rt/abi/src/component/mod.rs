//! The component description: what the runtime needs to instantiate a
//! compiled component, as plain data. The compiler has already flattened
//! the component (nested components, component instances and aliases are
//! gone): what is left is a list of core instantiations in order, each
//! argument naming an export of an earlier core instance or a lowered
//! function, the lowered functions, and the root's exports as lifted core
//! functions with their canonical options.
//!
//! The component value types travel with it, interned in `types`, so that
//! the runtime can lift and lower values where the host calls a component
//! with values it only knows at run time. Their canonical-ABI layout is
//! `layout.rs`; the encoding is `encoding.rs`.

mod encoding;
mod layout;

pub use crate::codec::DecodeError;
pub use layout::{
    discriminant_size, flags_size, Flat, FlatSignature, Layout, MAX_FLAT_ASYNC_PARAMS,
    MAX_FLAT_PARAMS, MAX_FLAT_RESULTS,
};

/// Names borrowed from a description loaded with the code, as modules' are.
pub use crate::module::Name;
use alloc::string::String;
use alloc::vec::Vec;

/// Index into [`ComponentDescription::types`].
pub type TypeIndex = u32;

/// A component value type. Compound types name their parts by index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ValueType {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    List(TypeIndex),
    Record(Vec<(String, TypeIndex)>),
    Tuple(Vec<TypeIndex>),
    Variant(Vec<(String, Option<TypeIndex>)>),
    Enum(Vec<String>),
    Option(TypeIndex),
    Result {
        ok: Option<TypeIndex>,
        err: Option<TypeIndex>,
    },
    Flags(Vec<String>),
    /// A handle owning resource number `.0` of the component.
    Own(u32),
    /// A handle borrowing resource number `.0`.
    Borrow(u32),
    /// The readable end of a stream of `.0` (`None`: a stream that only
    /// signals, carrying no values), as a handle.
    Stream(Option<TypeIndex>),
    /// The readable end of a future of `.0`, as a handle.
    Future(Option<TypeIndex>),
    /// An error context, as a handle.
    ErrorContext,
}

/// A component function type: named parameters and at most one result.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncType {
    pub params: Vec<(String, TypeIndex)>,
    pub result: Option<TypeIndex>,
}

/// How a core function's strings are encoded (`string-encoding=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StringEncoding {
    #[default]
    Utf8,
    Utf16,
    /// `latin1+utf16`: the length's top bit marks UTF-16.
    CompactUtf16,
}

/// A core item the flattened component refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoreDef {
    /// Export `name` of core instance number `instance` (in the order of
    /// [`ComponentDescription::initializers`]): the `index`th of its
    /// module's exports, which are sorted by name.
    Export {
        instance: u32,
        name: Name,
        index: u32,
    },
    /// Lowered function number `.0` of [`ComponentDescription::lowerings`].
    Lowering(u32),
    /// The flags of component instance `.0`, which the runtime makes: a
    /// mutable i32 global, 1 while the instance may call out of itself, 0
    /// while its post-return runs.
    Flags(u32),
}

/// The canonical options of a `canon lift` or `canon lower`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Options {
    pub encoding: StringEncoding,
    pub memory: Option<CoreDef>,
    pub realloc: Option<CoreDef>,
    pub post_return: Option<CoreDef>,
    /// `async`: the function is lifted or lowered by the async ABI.
    pub async_: bool,
    /// An async lift's `callback`; without one, an async lift is stackful.
    pub callback: Option<CoreDef>,
}

impl Options {
    /// The core items the options name: memory, `realloc`, post-return
    /// and callback, those given.
    pub fn core_defs(&self) -> impl Iterator<Item = &CoreDef> {
        [
            &self.memory,
            &self.realloc,
            &self.post_return,
            &self.callback,
        ]
        .into_iter()
        .flatten()
    }
}

/// A function the host provides, imported by the component as `name`
/// inside instance `instance` (`wasi:cli/stdout@0.2.0`), or at the top
/// level when `instance` is `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub instance: Option<Name>,
    pub name: Name,
    pub ty: u32,
}

/// What a lowered function does when core code calls it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lowered {
    /// Calls host import number `import`.
    Host { import: u32 },
    /// Traps: a component lowering a function it lifts itself may never
    /// call it (the callee could not be entered).
    Trap,
    /// `resource.drop` of resource type number `.0`: a host resource's
    /// value dropped, or a defined one's destructor called.
    ResourceDrop(u32),
    /// `resource.new` of defined resource type number `.0`: a handle for
    /// a representation.
    ResourceNew(u32),
    /// `resource.rep` of defined resource type number `.0`: a handle's
    /// representation.
    ResourceRep(u32),
    /// Raises trap `.0` (a fused adapter found a value it may not pass).
    Raise(AdapterTrap),
    /// A fused adapter moving a handle to resource `resource` from the
    /// table of component instance `from` to that of `to`: an owning one
    /// leaves `from`; a borrowed one is lent for the call, and becomes a
    /// borrow in `to` unless `to` defines the resource, which gets the
    /// representation itself.
    Transfer {
        borrow: bool,
        resource: u32,
        from: u32,
        to: u32,
    },
    /// A fused adapter starting a call that lends handles: borrows made
    /// until `ExitCall` belong to it.
    EnterCall,
    /// The end of that call: every borrow it received must have been
    /// dropped, and what it lent is returned.
    ExitCall,
    /// A call by the async ABI whose arguments have moved keeps what it
    /// was lent (since its `EnterCall`) until its task returns.
    LendToTask,
    /// A fused adapter's synchronous call begins a task of component
    /// instance `instance`: its context slots start at zero.
    BeginSyncTask { instance: u32 },
    /// One of the async ABI's built-ins, which the runtime implements.
    Async(AsyncBuiltin),
    /// A fused adapter starting a call by the async ABI into component
    /// instance `callee` (its export lifted async, in the callback form
    /// with the lowering's `callback` option, else stackful): the
    /// callee's task begins. `returner` moves its result to the caller's
    /// memory when `task.return` gives it. Lowered async (the lowering's
    /// `async` option), the runtime makes the call: `starter`, the
    /// adapter's half that moves the arguments and calls the callee, runs
    /// on a stack of the callee task's own, at once or once a call held
    /// back may start.
    EnterSubtask {
        callee: u32,
        returner: Option<CoreDef>,
        starter: Option<CoreDef>,
    },
    /// A synchronous call's wait for its async callee's return: the
    /// callee's first turn ended with the code it is called with; the
    /// callee's one flat result, if it has one, is what it returns.
    WaitSubtask,
    /// A fused adapter moving the readable end of a stream or future of
    /// type `ty` from the table of component instance `from` to that of
    /// `to`; or, for an error-context type, giving `to` a handle of its
    /// own to the same context.
    TransferChannel { ty: TypeIndex, from: u32, to: u32 },
}

/// The Canonical ABI's async built-ins. Each has a fixed core signature
/// but `task.return`, whose lowering's type is a function type taking the
/// task's result; a small core module spreads its flat values over the
/// runtime's fixed signature of [`TASK_RETURN_SLOTS`] `i64`s. A stream or
/// future built-in names its type's index, a `Stream` or `Future` type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsyncBuiltin {
    TaskReturn,
    TaskCancel,
    ContextGet(u32),
    ContextSet(u32),
    BackpressureInc,
    BackpressureDec,
    ThreadYield,
    WaitableSetNew,
    WaitableSetWait,
    WaitableSetPoll,
    WaitableSetDrop,
    WaitableJoin,
    SubtaskDrop,
    SubtaskCancel { async_: bool },
    StreamNew(TypeIndex),
    StreamRead(TypeIndex),
    StreamWrite(TypeIndex),
    StreamCancelRead { ty: TypeIndex, async_: bool },
    StreamCancelWrite { ty: TypeIndex, async_: bool },
    StreamDropReadable(TypeIndex),
    StreamDropWritable(TypeIndex),
    FutureNew(TypeIndex),
    FutureRead(TypeIndex),
    FutureWrite(TypeIndex),
    FutureCancelRead { ty: TypeIndex, async_: bool },
    FutureCancelWrite { ty: TypeIndex, async_: bool },
    FutureDropReadable(TypeIndex),
    FutureDropWritable(TypeIndex),
    ErrorContextNew,
    ErrorContextDebugMessage,
    ErrorContextDrop,
}

/// How many flat values `task.return`'s runtime function takes: the most
/// a result may flatten to as parameters.
pub const TASK_RETURN_SLOTS: usize = MAX_FLAT_PARAMS;

impl AsyncBuiltin {
    /// The built-in as a code, its operand (a slot or a type, else 0) and
    /// its `async` flag: how the description stores it.
    pub fn parts(self) -> (u8, u32, bool) {
        use AsyncBuiltin::*;
        match self {
            TaskReturn => (0, 0, false),
            TaskCancel => (1, 0, false),
            ContextGet(s) => (2, s, false),
            ContextSet(s) => (3, s, false),
            BackpressureInc => (4, 0, false),
            BackpressureDec => (5, 0, false),
            ThreadYield => (6, 0, false),
            WaitableSetNew => (7, 0, false),
            WaitableSetWait => (8, 0, false),
            WaitableSetPoll => (9, 0, false),
            WaitableSetDrop => (10, 0, false),
            WaitableJoin => (11, 0, false),
            SubtaskDrop => (12, 0, false),
            SubtaskCancel { async_ } => (13, 0, async_),
            StreamNew(t) => (14, t, false),
            StreamRead(t) => (15, t, false),
            StreamWrite(t) => (16, t, false),
            StreamCancelRead { ty, async_ } => (17, ty, async_),
            StreamCancelWrite { ty, async_ } => (18, ty, async_),
            StreamDropReadable(t) => (19, t, false),
            StreamDropWritable(t) => (20, t, false),
            FutureNew(t) => (21, t, false),
            FutureRead(t) => (22, t, false),
            FutureWrite(t) => (23, t, false),
            FutureCancelRead { ty, async_ } => (24, ty, async_),
            FutureCancelWrite { ty, async_ } => (25, ty, async_),
            FutureDropReadable(t) => (26, t, false),
            FutureDropWritable(t) => (27, t, false),
            ErrorContextNew => (28, 0, false),
            ErrorContextDebugMessage => (29, 0, false),
            ErrorContextDrop => (30, 0, false),
        }
    }

    /// The inverse of [`AsyncBuiltin::parts`].
    pub fn from_parts(code: u8, arg: u32, async_: bool) -> Option<AsyncBuiltin> {
        use AsyncBuiltin::*;
        let (ty, slot) = (arg, arg);
        Some(match code {
            0 => TaskReturn,
            1 => TaskCancel,
            2 => ContextGet(slot),
            3 => ContextSet(slot),
            4 => BackpressureInc,
            5 => BackpressureDec,
            6 => ThreadYield,
            7 => WaitableSetNew,
            8 => WaitableSetWait,
            9 => WaitableSetPoll,
            10 => WaitableSetDrop,
            11 => WaitableJoin,
            12 => SubtaskDrop,
            13 => SubtaskCancel { async_ },
            14 => StreamNew(ty),
            15 => StreamRead(ty),
            16 => StreamWrite(ty),
            17 => StreamCancelRead { ty, async_ },
            18 => StreamCancelWrite { ty, async_ },
            19 => StreamDropReadable(ty),
            20 => StreamDropWritable(ty),
            21 => FutureNew(ty),
            22 => FutureRead(ty),
            23 => FutureWrite(ty),
            24 => FutureCancelRead { ty, async_ },
            25 => FutureCancelWrite { ty, async_ },
            26 => FutureDropReadable(ty),
            27 => FutureDropWritable(ty),
            28 => ErrorContextNew,
            29 => ErrorContextDebugMessage,
            30 => ErrorContextDrop,
            _ => return None,
        })
    }

    /// The type a stream or future built-in names, if it names one.
    pub fn type_operand(self) -> Option<TypeIndex> {
        let (code, arg, _) = self.parts();
        (14..=27).contains(&code).then_some(arg)
    }
}

/// The traps a fused adapter raises, through a lowering of `Raise`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdapterTrap {
    /// A `char` that is not a Unicode scalar value.
    InvalidChar = 0,
    /// A pointer not aligned for what it points at.
    UnalignedPointer = 1,
    /// A string's bytes not all inside its memory.
    StringOutOfBounds = 2,
    /// A list's elements not all inside its memory.
    ListOutOfBounds = 3,
    /// A variant, enum, option or result discriminant past its cases.
    InvalidDiscriminant = 4,
    /// Ill-formed UTF-8 met while transcoding.
    InvalidUtf8 = 5,
    /// An unpaired surrogate met while transcoding UTF-16.
    InvalidUtf16 = 6,
    /// A call out of an instance that may not leave now (its post-return
    /// is running).
    CannotLeave = 7,
}

impl AdapterTrap {
    /// Every trap, in the order of their numbers.
    pub const ALL: [AdapterTrap; 8] = [
        AdapterTrap::InvalidChar,
        AdapterTrap::UnalignedPointer,
        AdapterTrap::StringOutOfBounds,
        AdapterTrap::ListOutOfBounds,
        AdapterTrap::InvalidDiscriminant,
        AdapterTrap::InvalidUtf8,
        AdapterTrap::InvalidUtf16,
        AdapterTrap::CannotLeave,
    ];

    pub fn from_u8(b: u8) -> Option<AdapterTrap> {
        AdapterTrap::ALL.get(b as usize).copied()
    }

    /// The message wasmtime gives the same trap.
    pub fn message(self) -> &'static str {
        match self {
            AdapterTrap::InvalidChar => "invalid `char` bit pattern",
            AdapterTrap::UnalignedPointer => "unaligned pointer",
            AdapterTrap::StringOutOfBounds => "string content out-of-bounds",
            AdapterTrap::ListOutOfBounds => "list content out-of-bounds",
            AdapterTrap::InvalidDiscriminant => "invalid variant discriminant",
            AdapterTrap::InvalidUtf8 => "invalid utf8 encoding",
            AdapterTrap::InvalidUtf16 => "invalid utf16 encoding",
            AdapterTrap::CannotLeave => "cannot leave component instance",
        }
    }
}

/// A resource type of the component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceType {
    /// The host's: `(instance, name)` as the root imports it
    /// (`("wasi:io/streams@0.2.0", "output-stream")`). `None`: a resource
    /// a component defines.
    pub host: Option<(String, String)>,
    /// A defined resource's destructor, called with the representation
    /// when its last owning handle is dropped.
    pub dtor: Option<CoreDef>,
    /// The component instance defining it (`None`: the host).
    pub instance: Option<u32>,
}

/// A `canon lower`: a core function of type `ty` (a component function
/// type, flattened as the Canonical ABI lowers it) with `options`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lowering {
    pub what: Lowered,
    pub ty: u32,
    pub options: Options,
    /// The component instance it belongs to, whose handle table it uses.
    pub instance: u32,
}

impl Lowering {
    /// The core items a lowering names besides what it lowers: its
    /// options', and an async call's returner and starter.
    pub fn core_defs(&self) -> impl Iterator<Item = &CoreDef> {
        let (returner, starter) = match &self.what {
            Lowered::EnterSubtask {
                returner, starter, ..
            } => (returner.as_ref(), starter.as_ref()),
            _ => (None, None),
        };
        self.options.core_defs().chain(returner).chain(starter)
    }
}

/// One step of instantiating the component, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Initializer {
    /// Instantiate core module number `module` with one argument per
    /// import of the module, in its import order.
    Instantiate { module: u32, args: Vec<CoreDef> },
}

/// An export of the root component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub name: Name,
    pub item: ExportItem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportItem {
    /// A `canon lift` of core function `func`, of component function type
    /// `ty`, with `options`.
    Func {
        func: CoreDef,
        ty: u32,
        options: Options,
        /// The component instance that lifts it.
        instance: u32,
    },
    /// An instance, with its own exports.
    Instance(Vec<Export>),
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ComponentDescription {
    pub types: Vec<ValueType>,
    pub funcs: Vec<FuncType>,
    pub resources: Vec<ResourceType>,
    /// How many component instances the flattened component has; each has
    /// a handle table.
    pub instances: u32,
    /// Core modules compiled into the component, numbered from 0; module
    /// `i`'s descriptor is the `i`th of the component descriptor's list.
    pub modules: u32,
    pub imports: Vec<Import>,
    pub lowerings: Vec<Lowering>,
    pub initializers: Vec<Initializer>,
    pub exports: Vec<Export>,
}

impl ComponentDescription {
    /// The canonical-ABI layout of the value types.
    pub fn layout(&self) -> Layout<'_> {
        Layout::new(&self.types)
    }

    /// Call `f` with every core item the description names: the
    /// instantiations' arguments, the lowerings' options and returners,
    /// the resources' destructors, and the exports' functions and options.
    pub fn for_each_core_def(&self, f: &mut dyn FnMut(&CoreDef)) {
        fn exports(list: &[Export], f: &mut dyn FnMut(&CoreDef)) {
            for e in list {
                match &e.item {
                    ExportItem::Func {
                        func, options: o, ..
                    } => {
                        f(func);
                        o.core_defs().for_each(&mut *f);
                    }
                    ExportItem::Instance(inner) => exports(inner, f),
                }
            }
        }
        for i in &self.initializers {
            let Initializer::Instantiate { args, .. } = i;
            args.iter().for_each(&mut *f);
        }
        for l in &self.lowerings {
            l.core_defs().for_each(&mut *f);
        }
        (self.resources.iter())
            .filter_map(|r| r.dtor.as_ref())
            .for_each(&mut *f);
        exports(&self.exports, f);
    }
}
