//! The Component Model's async ABI: tasks, waitables and waitable sets,
//! streams, futures and error contexts, as the Canonical ABI keeps them.
//!
//! Everything a component instance holds a handle to (a waitable set, a
//! stream's or future's end, an error context) is an [`Object`] here, and
//! its handle lives in the instance's handle table beside its resources,
//! in one index space, as the Canonical ABI has it. A handle's
//! representation is the object's number.
//!
//! The host calls an async-lifted export as a [`Task`] and drives it on
//! the calling thread (`driver.rs`): a callback-form export returns a code
//! (exit, yield, or wait on a set), and each event that set receives is
//! delivered by calling the callback with it. Calls between component
//! instances by the async ABI are subtasks (`subtask.rs`); a task between
//! turns runs its next one when something waits and no event is ready.

pub mod budget;
pub(super) mod builtins;
mod channel;
pub(super) mod driver;
pub(crate) use driver::now;
mod fiber;
mod host;
mod jobs;
mod preemptible;
pub(super) mod starting;
pub(super) mod subtask;
mod turns;
mod values;

use super::handles::{Handle, ResourceKind};
use crate::traps::{ComponentTrap, Trap, TrapKind};
pub use channel::{Channel, Ended, Refill, Sink, Source};
pub(crate) use fiber::CoreInstances;
pub use host::{FutureReader, FutureWriter, StreamReader, StreamWriter};
pub(crate) use jobs::settle;
pub use jobs::{blocking, event_loop, hand_on_woken, serving_on_worker, Async, Later};
use kiln_abi::component::TypeIndex;
pub use preemptible::Preemptible;
pub(crate) use preemptible::{preempt, stack_limit as served_stack_limit};

/// Event codes, as waitable sets deliver them.
pub const EVENT_NONE: u32 = 0;
pub const EVENT_SUBTASK: u32 = 1;
pub const EVENT_STREAM_READ: u32 = 2;
pub const EVENT_STREAM_WRITE: u32 = 3;
pub const EVENT_FUTURE_READ: u32 = 4;
pub const EVENT_FUTURE_WRITE: u32 = 5;
pub const EVENT_TASK_CANCELLED: u32 = 6;

/// What a callback-form export returns: the low four bits; a wait's set
/// is the rest.
pub const CALLBACK_EXIT: u32 = 0;
pub const CALLBACK_YIELD: u32 = 1;
pub const CALLBACK_WAIT: u32 = 2;

/// A stream or future copy's outcome, with the count of elements moved
/// in the bits above the low four; or `BLOCKED` if it waits.
pub const COPY_COMPLETED: u32 = 0;
pub const COPY_DROPPED: u32 = 1;
pub const COPY_CANCELLED: u32 = 2;
pub const BLOCKED: u32 = u32::MAX;

/// `task.return`'s result type when it takes none.
pub const NO_RESULT: u32 = u32::MAX;

/// How many context slots a task has (`context.get`/`set`).
pub const CONTEXT_SLOTS: usize = 2;

/// What an async handle is to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsyncKind {
    WaitableSet,
    /// A stream's or future's end, of stream or future type `ty`.
    Readable {
        ty: TypeIndex,
        future: bool,
    },
    Writable {
        ty: TypeIndex,
        future: bool,
    },
    ErrorContext,
    /// A call this instance made by the async ABI.
    Subtask,
}

impl AsyncKind {
    fn as_resource(self) -> ResourceKind {
        ResourceKind::Async(self)
    }
}

/// An event for a waitable's owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub code: u32,
    pub index: u32,
    pub payload: u32,
}

/// What a waitable (a stream's or future's end) shares: the set it is
/// joined to, and the event waiting for its owner.
#[derive(Default)]
pub(super) struct Waitable {
    set: Option<u32>,
    event: Option<Event>,
}

pub(super) enum Object {
    Set {
        /// Waitables joined to it, by object number, in joining order.
        members: Vec<u32>,
        /// How many tasks wait on it now.
        waiters: u32,
    },
    End {
        waitable: Waitable,
        channel: u32,
        readable: bool,
        /// Its handle and instance, which its events name.
        handle: Handle,
        instance: u32,
    },
    ErrorContext {
        message: String,
        /// Handles to it, in any instance's table: copying one into a
        /// value another instance reads adds a handle, and the context
        /// lives until the last is dropped.
        handles: u32,
    },
    Subtask(subtask::SubtaskState),
}

/// A call of an async-lifted export in progress.
pub struct Task {
    /// The component instance that lifts it.
    pub instance: u32,
    pub context: [u32; CONTEXT_SLOTS],
    /// The shape of the export's result type (`Layout::shape`), which
    /// `task.return` must take (for a call from another instance, the
    /// caller's view of it), and what lifting it needs: the types, the
    /// export's string encoding and memory.
    pub result: Option<TypeIndex>,
    /// The size and alignment of the result in memory, if `task.return`
    /// takes it there (`Component::returned_spilled`).
    pub result_spilled: Option<(u32, u32)>,
    pub types: &'static [kiln_abi::component::ValueType],
    pub encoding: kiln_abi::component::StringEncoding,
    pub memory: Option<*mut crate::store::Memory>,
    /// The result `task.return` gave, lifted, once it did.
    pub returned: Option<Option<super::Value>>,
    /// Called with it then, while the task goes on (a server sends a
    /// response's head while the guest writes its body).
    pub on_return: Option<OnReturn>,
    /// The instance that started it by the async ABI, if one did (not
    /// the host).
    pub caller: Option<subtask::Caller>,
    /// Its caller asked to cancel it (`subtask.cancel`): its next event is
    /// task-cancelled, after which it may end by `task.cancel`.
    pub cancel: Cancel,
    /// The call scope (`handles::Tables`) of the handles its caller lent
    /// it, which it must have dropped by the time it returns.
    pub lent: Option<usize>,
    /// It runs on the stack of a synchronous task that called it (or of
    /// a task that may not block for that reason): it may not block, as
    /// its caller could not wait.
    pub on_sync_stack: bool,
}

/// Where a task is in being cancelled.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum Cancel {
    #[default]
    No,
    Requested,
    /// Told, by its task-cancelled event.
    Delivered,
}

/// What the host does with a task's result when it is returned: given the
/// component's state, the instance that returned it, and the result.
pub type OnReturn = Box<dyn FnOnce(&mut super::ComponentState, u32, &Option<super::Value>)>;

/// The async state of a component: its objects and streams, the tasks in
/// progress (innermost last), and each instance's backpressure.
#[derive(Default)]
pub struct Concurrency {
    objects: Vec<Option<Object>>,
    free: Vec<u32>,
    channels: Vec<Option<Channel>>,
    free_channels: Vec<u32>,
    /// Being dropped: the host's ends it holds no longer report back.
    closing: bool,
    pub(super) tasks: Vec<Task>,
    /// Tasks between turns, waiting or yielding.
    pending: Vec<subtask::PendingTask>,
    /// Calls into other instances held back (STARTING), in order.
    held: Vec<starting::HeldCall>,
    /// Turns suspended while they block, on fibers of their own.
    suspended: Vec<turns::SuspendedTurn>,
    /// The order in which the held, suspended and pending began to wait.
    seq: u64,
    /// The component's core instances, whose stack limit is a fiber's
    /// while it runs.
    pub(crate) instances: fiber::CoreInstances,
    /// The store's bound on wasm's stack (`Limits::max_wasm_stack`),
    /// which a fiber's stack keeps too.
    pub(crate) max_wasm_stack: Option<usize>,
    backpressure: Vec<u32>,
    /// Per instance, whether a callback-form task is in a turn: it holds
    /// the instance's exclusive lock, and no other task of the instance
    /// may run a turn until it ends.
    in_turn: Vec<bool>,
    /// Host work in flight on the event loop.
    jobs: jobs::Jobs,
    /// Per instance, the context slots of its synchronous task, which
    /// pushes no `Task`: an instance runs one at a time, since it may not
    /// be entered again while one runs. In a cell: the host begins a
    /// synchronous task while it holds the state shared.
    sync_contexts: std::cell::RefCell<Vec<[u32; CONTEXT_SLOTS]>>,
    /// The component's types, which streams' and futures' values have.
    types: &'static [kiln_abi::component::ValueType],
}

/// What a sync task that would block gets, in wasmtime's words.
pub(super) fn cannot_block() -> Trap {
    trap("cannot block a synchronous task before returning")
}

pub(crate) fn trap(message: &'static str) -> Trap {
    Trap {
        kind: TrapKind::Component(ComponentTrap::Concurrency(message)),
        backtrace: vec![],
    }
}

/// The type of an end the host gave, which the guest's built-ins of any
/// stream or future type with the same elements may use.
pub const ANY_TYPE: TypeIndex = u32::MAX;

/// Whether a handle to `found` serves as a `want`: an end the host gave
/// serves as the same end of any type (its elements are checked when it
/// copies).
pub(crate) fn same_end(found: ResourceKind, want: ResourceKind) -> bool {
    use AsyncKind::*;
    match (found, want) {
        (
            ResourceKind::Async(Readable {
                ty: ANY_TYPE,
                future: a,
            }),
            ResourceKind::Async(Readable { future: b, .. }),
        )
        | (
            ResourceKind::Async(Writable {
                ty: ANY_TYPE,
                future: a,
            }),
            ResourceKind::Async(Writable { future: b, .. }),
        ) => a == b,
        _ => false,
    }
}

impl Drop for Concurrency {
    /// The host's sinks, sources and values go first, while the channels
    /// they would report their ends to are still whole.
    fn drop(&mut self) {
        self.closing = true;
        let host: Vec<_> = self
            .channels
            .iter_mut()
            .flatten()
            .map(|ch| (ch.sink.take(), ch.source.take(), ch.value.take()))
            .collect();
        drop(host);
    }
}

/// The trap for a handle to `found` used as a `want`, with wasmtime's
/// messages.
pub(crate) fn wrong_kind(found: ResourceKind, want: AsyncKind) -> Trap {
    use AsyncKind::*;
    let found = match found {
        ResourceKind::Async(k) => Some(k),
        _ => None,
    };
    let channel = |k: AsyncKind| match k {
        Readable { ty, future } | Writable { ty, future } => Some((ty, future)),
        _ => None,
    };
    trap(match (want, found.and_then(channel)) {
        (WaitableSet, _) => "handle is not an waitable-set",
        (Subtask, _) => "handle is not a subtask",
        (ErrorContext, _) => "handle is not an error-context",
        (Readable { future, .. } | Writable { future, .. }, None) => match future {
            true => "handle is not a future",
            false => "handle is not a stream",
        },
        (_, Some((ty, future))) if channel(want) != Some((ty, future)) => match future {
            true => "handle is a future of a different type",
            false => "handle is a stream of a different type",
        },
        (Readable { future, .. }, _) => match future {
            true => "handle is not a readable end of a future",
            false => "handle is not a readable end of a stream",
        },
        (Writable { future, .. }, _) => match future {
            true => "handle is not a writable end of a future",
            false => "handle is not a writable end of a stream",
        },
    })
}

impl Concurrency {
    /// The async state of a component in a store whose interrupt flag is
    /// `interrupt`: a task waiting on the event loop stops when it rises.
    pub fn new(
        interrupt: std::sync::Arc<std::sync::atomic::AtomicU64>,
        types: &'static [kiln_abi::component::ValueType],
        max_wasm_stack: Option<usize>,
    ) -> Concurrency {
        let mut c = Concurrency::default();
        c.jobs.interrupt = interrupt;
        c.types = types;
        c.max_wasm_stack = max_wasm_stack;
        c
    }

    /// Whether code of `instance` runs in an async task now, which may
    /// block (wait, or call synchronously what must wait). A sync task (a
    /// sync-lifted export's, or a start function's) pushes no task, so the
    /// innermost one is then another instance's, or there is none.
    pub(super) fn may_block(&self, instance: u32) -> bool {
        self.tasks.last().is_some_and(|t| t.instance == instance)
    }

    /// Apply `f` to the context slots (`context.get`/`set`) of the task
    /// `instance` runs now: its async task's, else its synchronous task's.
    pub(super) fn with_context<R>(
        &mut self,
        instance: u32,
        f: impl FnOnce(&mut [u32; CONTEXT_SLOTS]) -> R,
    ) -> R {
        if self.may_block(instance) {
            let task = self.tasks.last_mut().expect("an async task runs");
            return f(&mut task.context);
        }
        let contexts = self.sync_contexts.get_mut();
        let i = instance as usize;
        if contexts.len() <= i {
            contexts.resize(i + 1, [0; CONTEXT_SLOTS]);
        }
        f(&mut contexts[i])
    }

    /// A synchronous task of `instance` begins (one the host calls): its
    /// context slots start at zero.
    pub(crate) fn begin_sync_task(&self, instance: u32) {
        let mut contexts = self.sync_contexts.borrow_mut();
        if let Some(slots) = contexts.get_mut(instance as usize) {
            *slots = [0; CONTEXT_SLOTS];
        }
    }

    fn insert(&mut self, o: Object) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.objects[i as usize] = Some(o);
                i
            }
            None => {
                self.objects.push(Some(o));
                self.objects.len() as u32 - 1
            }
        }
    }

    fn object(&mut self, id: u32) -> &mut Object {
        self.objects[id as usize]
            .as_mut()
            .expect("a live handle names a live object")
    }

    fn remove(&mut self, id: u32) -> Object {
        self.free.push(id);
        self.objects[id as usize]
            .take()
            .expect("a live handle names a live object")
    }

    /// The task running now, if any.
    pub fn current(&mut self) -> Option<&mut Task> {
        self.tasks.last_mut()
    }

    fn waitable(&mut self, id: u32) -> Option<&mut Waitable> {
        match self.object(id) {
            Object::End { waitable, .. } => Some(waitable),
            Object::Subtask(s) => Some(&mut s.waitable),
            _ => None,
        }
    }

    /// Join waitable `w` to set `set`, or to none; it leaves any set it
    /// was in.
    fn join(&mut self, w: u32, set: Option<u32>) {
        let old = self.waitable(w).and_then(|x| x.set.take());
        if let Some(old) = old {
            if let Object::Set { members, .. } = self.object(old) {
                members.retain(|&m| m != w);
            }
        }
        if let Some(set) = set {
            if let Object::Set { members, .. } = self.object(set) {
                members.push(w);
            }
        }
        if let Some(x) = self.waitable(w) {
            x.set = set;
        }
    }

    /// The next event of set `set`, taken from the first member that has
    /// one.
    fn take_event(&mut self, set: u32) -> Option<Event> {
        let Object::Set { members, .. } = self.object(set) else {
            unreachable!("checked to be a set")
        };
        for m in members.clone() {
            let e = match self.object(m) {
                Object::End { handle, .. } => {
                    let handle = *handle;
                    self.take_end_event(m, handle)
                }
                Object::Subtask(_) => self.take_subtask_event(m),
                _ => None,
            };
            if e.is_some() {
                return e;
            }
        }
        None
    }

    /// A task waits on set `set`: it may not be dropped meanwhile.
    pub(super) fn wait_on(&mut self, set: u32) {
        if let Object::Set { waiters, .. } = self.object(set) {
            *waiters += 1;
        }
    }

    pub(super) fn unwait(&mut self, set: u32) {
        if let Some(Some(Object::Set { waiters, .. })) = self.objects.get_mut(set as usize) {
            *waiters = waiters.saturating_sub(1);
        }
    }

    /// Whether instance `i`'s exclusive lock is held: a task of it is in
    /// a turn.
    pub(super) fn in_turn(&self, i: u32) -> bool {
        self.in_turn.get(i as usize).copied().unwrap_or(false)
    }

    /// A callback-form turn of instance `i` begins (`true`) or ends: what
    /// it was before, to restore.
    pub(super) fn set_in_turn(&mut self, i: u32, turn: bool) -> bool {
        let i = i as usize;
        if self.in_turn.len() <= i {
            self.in_turn.resize(i + 1, false);
        }
        std::mem::replace(&mut self.in_turn[i], turn)
    }

    /// The next in the order of what waits.
    pub(super) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The backpressure counter of instance `i`.
    pub(super) fn backpressure(&mut self, i: u32) -> &mut u32 {
        let i = i as usize;
        if self.backpressure.len() <= i {
            self.backpressure.resize(i + 1, 0);
        }
        &mut self.backpressure[i]
    }
}

/// The core signature and code of async built-in `b`, with what its
/// context needs set.
pub(super) fn lowering(
    component: &super::Component,
    b: kiln_abi::component::AsyncBuiltin,
    ctx: &mut super::LoweringContext,
) -> (kiln_abi::module::FuncType, usize) {
    let d = &component.description;
    use builtins::*;
    use kiln_abi::component::AsyncBuiltin as B;
    use kiln_abi::component::ValueType;
    use kiln_abi::module::ValType::{I32, I64};
    ctx.async_ = b.parts().2;
    if let Some(ty) = b.type_operand() {
        // Each component numbers the resources a type names its own way,
        // so an end is typed by its type's shape, resources aside, as
        // `task.return` compares results; a handle in its values is checked
        // by each use of it.
        ctx.arg = component.shape(ty);
        let (future, elem) = match d.types[ty as usize] {
            ValueType::Stream(e) => (false, e),
            ValueType::Future(e) => (true, e),
            _ => unreachable!("the compiler gives a stream or future type"),
        };
        ctx.future = future;
        ctx.elem = elem.map_or((0, 1), |e| d.layout().size_align(e));
        use ValueType::*;
        ctx.numeric = elem.is_none_or(|e| {
            matches!(
                d.types[e as usize],
                S8 | U8 | S16 | U16 | S32 | U32 | S64 | U64 | F32 | F64
            )
        });
    }
    let f = |params: &[kiln_abi::module::ValType], results: &[kiln_abi::module::ValType]| {
        kiln_abi::module::FuncType::new(params, results)
    };
    let (ty, code) = match b {
        B::TaskReturn => {
            // The result type it takes, compared with its task's by shape.
            let param = d.funcs[ctx.ty as usize].params.first();
            ctx.arg = param.map_or(NO_RESULT, |p| component.shape(p.1));
            (
                f(&[I64; kiln_abi::component::TASK_RETURN_SLOTS], &[]),
                task_return as *const () as usize,
            )
        }
        B::TaskCancel => (f(&[], &[]), task_cancel as *const () as usize),
        B::ContextGet(slot) => {
            ctx.arg = slot;
            (f(&[], &[I32]), context_get as *const () as usize)
        }
        B::ContextSet(slot) => {
            ctx.arg = slot;
            (f(&[I32], &[]), context_set as *const () as usize)
        }
        B::BackpressureInc => (f(&[], &[]), backpressure_inc as *const () as usize),
        B::BackpressureDec => (f(&[], &[]), backpressure_dec as *const () as usize),
        B::ThreadYield => (f(&[], &[I32]), thread_yield as *const () as usize),
        B::WaitableSetNew => (f(&[], &[I32]), waitable_set_new as *const () as usize),
        B::WaitableSetWait => (
            f(&[I32, I32], &[I32]),
            waitable_set_wait as *const () as usize,
        ),
        B::WaitableSetPoll => (
            f(&[I32, I32], &[I32]),
            waitable_set_poll as *const () as usize,
        ),
        B::WaitableSetDrop => (f(&[I32], &[]), waitable_set_drop as *const () as usize),
        B::WaitableJoin => (f(&[I32, I32], &[]), waitable_join as *const () as usize),
        B::SubtaskDrop => (f(&[I32], &[]), subtask::subtask_drop as *const () as usize),
        B::SubtaskCancel { .. } => (f(&[I32], &[I32]), subtask_cancel as *const () as usize),
        B::StreamNew(_) | B::FutureNew(_) => (f(&[], &[I64]), channel_new as *const () as usize),
        B::StreamRead(_) => (f(&[I32; 3], &[I32]), stream_read as *const () as usize),
        B::StreamWrite(_) => (f(&[I32; 3], &[I32]), stream_write as *const () as usize),
        B::FutureRead(_) => (f(&[I32; 2], &[I32]), future_read as *const () as usize),
        B::FutureWrite(_) => (f(&[I32; 2], &[I32]), future_write as *const () as usize),
        B::StreamCancelRead { .. } | B::FutureCancelRead { .. } => {
            (f(&[I32], &[I32]), cancel_read as *const () as usize)
        }
        B::StreamCancelWrite { .. } | B::FutureCancelWrite { .. } => {
            (f(&[I32], &[I32]), cancel_write as *const () as usize)
        }
        B::StreamDropReadable(_) | B::FutureDropReadable(_) => {
            (f(&[I32], &[]), drop_readable as *const () as usize)
        }
        B::StreamDropWritable(_) | B::FutureDropWritable(_) => {
            (f(&[I32], &[]), drop_writable as *const () as usize)
        }
        B::ErrorContextNew => (
            f(&[I32, I32], &[I32]),
            error_context_new as *const () as usize,
        ),
        B::ErrorContextDebugMessage => (
            f(&[I32, I32], &[]),
            error_context_debug_message as *const () as usize,
        ),
        B::ErrorContextDrop => (f(&[I32], &[]), error_context_drop as *const () as usize),
    };
    (ty, code)
}
