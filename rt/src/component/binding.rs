//! Lowerings bound in an instance: each becomes a host function, its code
//! called with a [`HostContext`] of its own. What does not depend on the
//! instance (the code, its signature's id, most of the context) is worked
//! out at the first instance and kept in the component as a [`Bound`]: a
//! server instantiates a component per request, and finding host functions
//! by name, flattening their types, sizing stream elements and registering
//! signatures for each of a handler's seventy lowerings was two thirds of
//! its instance's time; building each context field by field, most of the
//! rest.

use super::concurrent;
use super::handles::ResourceKind;
use super::intrinsics::{
    cannot_enter, enter_call, exit_call, raise, resource_drop, resource_new, resource_rep,
    transfer_borrow, transfer_own,
};
use super::{import_name, Component, ComponentInstance, Host, HostContext, LoweringContext, Reach};
use crate::error::{InstantiateError, LinkError};
use crate::store::{Extern, Func};
use crate::vm::VMFuncRef;
use kiln_abi::component::{ComponentDescription, Lowered, ValueType};
use kiln_abi::module::FuncType as CoreFuncType;
use std::any::TypeId;

/// What each lowering of a component takes in every instance, for one
/// type of host: the part of its context that is the same in each, and
/// its host function, with no context yet. An instance points a context
/// of its own at each lowering's part, copies the functions whole, points
/// each at its context, and fills in a context's memory, `realloc`,
/// state, flags and functions as it first binds the lowering.
pub(super) struct Bound {
    /// The host's type (`Host::id`): another host gives other code.
    host: TypeId,
    pub(super) lowerings: Box<[LoweringContext]>,
    /// Code 0: the lowering cannot be bound for this host (`bind` says
    /// why when an instance first needs it).
    pub(super) funcs: Box<[VMFuncRef]>,
    /// Where each lowering's context finds what is an instance's.
    links: Box<[Links]>,
    /// Which of an instance's reaches each lowering's context shares:
    /// one for each memory, `realloc` and flags the lowerings without
    /// calls of their own take, and one for each lowering with them.
    reach_of: Box<[u32]>,
    reaches: usize,
}

/// Where a lowering's memory and `realloc` come from (a core instance and
/// export index), and whose flags it takes, read at each instance in
/// place of the lowering's description: that is some two hundred bytes a
/// lowering, and reading them all was as much as the rest of binding.
#[derive(Clone, Copy)]
struct Links {
    memory: Option<(u32, u32)>,
    realloc: Option<(u32, u32)>,
    instance: u32,
    /// It names functions besides `realloc` (a destructor, or an async
    /// call's callback, returner and starter): found from its description.
    calls: bool,
}

impl Links {
    fn of(lowering: &kiln_abi::component::Lowering) -> Links {
        Links {
            memory: export_key(&lowering.options.memory),
            realloc: export_key(&lowering.options.realloc),
            instance: lowering.instance,
            calls: matches!(
                lowering.what,
                Lowered::ResourceDrop(_) | Lowered::EnterSubtask { .. }
            ),
        }
    }
}

impl Bound {
    /// Bind every lowering of `component` for `host`.
    pub(super) fn new(component: &Component, host: &dyn Host) -> Bound {
        let lowerings = &component.description.lowerings;
        let mut contexts = Vec::with_capacity(lowerings.len());
        let mut funcs = Vec::with_capacity(lowerings.len());
        for (l, lowering) in lowerings.iter().enumerate() {
            let mut ctx = LoweringContext::blank(lowering.options.encoding, lowering.instance);
            let (code, sig_id) = bind(component, l as u32, host, &mut ctx).unwrap_or((0, 0));
            funcs.push(VMFuncRef {
                func_ptr: code,
                vmctx: 0,
                sig_id,
                _pad: 0,
            });
            contexts.push(ctx);
        }
        let links: Box<[Links]> = lowerings.iter().map(Links::of).collect();
        let (reach_of, reaches) = Self::group(&links);
        Bound {
            host: host.id(),
            lowerings: contexts.into(),
            funcs: funcs.into(),
            links,
            reach_of,
            reaches,
        }
    }

    /// Which reach each lowering's context shares (`reach_of`), and how
    /// many there are.
    fn group(links: &[Links]) -> (Box<[u32]>, usize) {
        type Key = (Option<(u32, u32)>, Option<(u32, u32)>, u32);
        let mut shared: Vec<(Key, u32)> = Vec::new();
        let mut reaches = 0u32;
        let reach_of = (links.iter())
            .map(|k| {
                let key = (k.memory, k.realloc, k.instance);
                if !k.calls {
                    if let Some(&(_, at)) = shared.iter().find(|(s, _)| *s == key) {
                        return at;
                    }
                }
                let at = reaches;
                reaches += 1;
                if !k.calls {
                    shared.push((key, at));
                }
                at
            })
            .collect();
        (reach_of, reaches as usize)
    }

    /// How many reaches an instance has.
    pub(super) fn reaches(&self) -> usize {
        self.reaches
    }

    /// Whether it was made for `host`.
    pub(super) fn is_for(&self, host: &dyn Host) -> bool {
        self.host == host.id()
    }
}

/// `component`'s lowerings bound for `host`: the first host's are kept in
/// the component, any other's in a list beside them, each made once.
pub(super) fn bound_for(component: &'static Component, host: &dyn Host) -> &'static Bound {
    let first = component.bound.get_or_init(|| Bound::new(component, host));
    if first.is_for(host) {
        return first;
    }
    let mut others = component
        .other_bounds
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(b) = others.iter().find(|b| b.is_for(host)) {
        return b;
    }
    // One for each type of host the component is instantiated with, for
    // as long as the component, which lives for good.
    let b: &'static Bound = Box::leak(Box::new(Bound::new(component, host)));
    others.push(b);
    b
}

impl ComponentInstance {
    /// The function core code calls for lowering `l`, its context filled
    /// in with this instance's memory, `realloc`, state and flags.
    pub(super) fn lower(&mut self, l: u32, host: &dyn Host) -> Result<Func, InstantiateError> {
        let component = self.component;
        let d = &component.description;
        let lowering = &d.lowerings[l as usize];
        let func = Func {
            funcref: std::ptr::NonNull::from(&self.host_funcs[l as usize]),
            trampoline: 0,
        };
        if self.contexts[l as usize].is_bound() {
            return Ok(func); // bound already, for an earlier core instance
        }
        if self.host_funcs[l as usize].func_ptr == 0 {
            let mut ctx = LoweringContext::blank(lowering.options.encoding, lowering.instance);
            // Binding again says why; a host that answers differently
            // now breaks `Host::id`'s promise, and is told so.
            return Err(match bind(component, l, host, &mut ctx) {
                Err(why) => why,
                Ok(_) => InstantiateError::Link {
                    import: format!("lowering {l}"),
                    problem: LinkError::Unknown,
                },
            });
        }
        // Through the `Vec`s' pointers, not references, so that the
        // pointers host functions and contexts were given stay valid.
        // SAFETY: `reach_of` indexes the instance's reaches.
        let reach = unsafe {
            self.reaches
                .as_mut_ptr()
                .add(self.bound.reach_of[l as usize] as usize)
        };
        // SAFETY: as above; a reach is made by the first lowering that
        // takes it (its state is null until then).
        if unsafe { (*reach).state.is_null() } {
            let state: *mut super::ComponentState = &mut *self.state;
            let made = self.reach(l, state);
            // SAFETY: as above.
            unsafe { reach.write(made) };
        }
        // SAFETY: one context per lowering; the reaches live as long as
        // the contexts, and are written only before a context takes them.
        let ctx = unsafe { &mut *self.contexts.as_mut_ptr().add(l as usize) };
        *ctx = unsafe { HostContext::reaching(ctx.lowering, reach) };
        Ok(func)
    }

    /// What lowering `l`'s context reaches of this instance, whose state
    /// is `state`.
    fn reach(&self, l: u32, state: *mut super::ComponentState) -> Reach {
        let d = &self.component.description;
        let lowering = &d.lowerings[l as usize];
        let links = self.bound.links[l as usize];
        // Looked up once for each reach, which the lowerings with the
        // same memory and `realloc` share.
        let memory = match links.memory.and_then(|k| self.export_at(k)) {
            Some(Extern::Memory(m)) => Some(m),
            _ => None,
        };
        let realloc = match links.realloc.and_then(|k| self.export_at(k)) {
            Some(Extern::Func(f)) => Some(f),
            _ => None,
        };
        let flags = self.flags[links.instance as usize];
        // The instance's own functions the context calls.
        let (mut dtor, mut callback, mut returner, mut starter) = (None, None, None, None);
        if links.calls {
            match &lowering.what {
                Lowered::ResourceDrop(r) => {
                    // The destructor's instance was made before any use
                    // of its type.
                    let def = d.resources[*r as usize].dtor.as_ref();
                    dtor = def.and_then(|def| self.func(def));
                }
                Lowered::EnterSubtask {
                    returner: r,
                    starter: st,
                    ..
                } => {
                    let c = lowering.options.callback.as_ref();
                    callback = c.and_then(|c| self.func(c));
                    returner = r.as_ref().and_then(|r| self.func(r));
                    starter = st.as_ref().and_then(|st| self.func(st));
                }
                _ => {}
            }
        }
        Reach {
            memory,
            realloc,
            state,
            flags,
            dtor,
            callback,
            returner,
            starter,
        }
    }
}

/// Where a core export comes from: its instance and export index.
fn export_key(def: &Option<kiln_abi::component::CoreDef>) -> Option<(u32, u32)> {
    match def {
        Some(kiln_abi::component::CoreDef::Export {
            instance, index, ..
        }) => Some((*instance, *index)),
        _ => None,
    }
}

/// Work out what lowering `l` of `component` takes in every instance:
/// its code and its signature's id, and in `ctx` what it needs beyond
/// the instance's memory, `realloc`, state and flags.
fn bind(
    component: &Component,
    l: u32,
    host: &dyn Host,
    ctx: &mut LoweringContext,
) -> Result<(usize, u32), InstantiateError> {
    let d = &component.description;
    let lowering = &d.lowerings[l as usize];
    // Flattened only for the host, whose functions take the lowered
    // type; the runtime's own intrinsics have fixed signatures.
    let sig: std::borrow::Cow<CoreFuncType>;
    use kiln_abi::module::ValType::I32;
    let code = match &lowering.what {
        Lowered::Host { import } => {
            let import = &d.imports[*import as usize];
            let unlinked = |problem| InstantiateError::Link {
                import: import_name(import),
                problem,
            };
            let f = host
                .func(import)
                .ok_or_else(|| unlinked(LinkError::Unknown))?;
            let (code, spelling) = match (lowering.options.async_, f.asynchronous) {
                (false, _) => {
                    sig = std::borrow::Cow::Borrowed(component.lowered_signature(lowering.ty));
                    (f.code, f.signature)
                }
                (true, Some(lowered)) => {
                    sig =
                        std::borrow::Cow::Borrowed(component.async_lowered_signature(lowering.ty));
                    lowered
                }
                (true, None) => return Err(unlinked(LinkError::FuncType)),
            };
            if !spelled(&sig, spelling) {
                return Err(unlinked(LinkError::FuncType));
            }
            code
        }
        Lowered::Trap => {
            sig = std::borrow::Cow::Borrowed(component.lowered_signature(lowering.ty));
            cannot_enter as *const () as usize
        }
        Lowered::ResourceDrop(r) => {
            ctx.resource = Some(resource_kind(d, *r, host)?);
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[I32], &[]));
            resource_drop as *const () as usize
        }
        Lowered::ResourceNew(r) | Lowered::ResourceRep(r) => {
            ctx.resource = Some(ResourceKind::Guest(*r));
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[I32], &[I32]));
            match lowering.what {
                Lowered::ResourceNew(_) => resource_new as *const () as usize,
                _ => resource_rep as *const () as usize,
            }
        }
        Lowered::Raise(t) => {
            ctx.trap = Some(crate::traps::ComponentTrap::Adapter(*t));
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[], &[]));
            raise as *const () as usize
        }
        Lowered::Transfer {
            borrow,
            resource,
            from,
            to,
        } => {
            ctx.resource = Some(resource_kind(d, *resource, host)?);
            ctx.instance = *from;
            ctx.to = *to;
            ctx.to_defines = d.resources[*resource as usize].instance == Some(*to);
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[I32], &[I32]));
            match borrow {
                true => transfer_borrow as *const () as usize,
                false => transfer_own as *const () as usize,
            }
        }
        Lowered::EnterCall => {
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[], &[]));
            enter_call as *const () as usize
        }
        Lowered::BeginSyncTask { instance } => {
            ctx.to = *instance;
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[], &[]));
            concurrent::builtins::begin_sync_task as *const () as usize
        }
        Lowered::LendToTask => {
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[], &[]));
            concurrent::builtins::lend_to_task as *const () as usize
        }
        Lowered::ExitCall => {
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[], &[]));
            exit_call as *const () as usize
        }
        Lowered::Async(b) => {
            ctx.ty = lowering.ty;
            let (types, code) = concurrent::lowering(component, *b, ctx);
            sig = std::borrow::Cow::Owned(types);
            code
        }
        Lowered::EnterSubtask { callee, .. } => {
            ctx.to = *callee;
            // The callee's `task.return` is checked against it by shape:
            // the caller names the result's resources its own way.
            let result = d.funcs[lowering.ty as usize].result;
            ctx.arg = result.map_or(concurrent::NO_RESULT, |r| component.shape(r));
            // Lowered async, it makes the call: it takes the caller's
            // flat arguments too, for the starter.
            use kiln_abi::module::ValType::I64;
            match lowering.options.async_ {
                true => {
                    sig = std::borrow::Cow::Owned(CoreFuncType::new(
                        &[I32, I64, I64, I64, I64],
                        &[I32],
                    ));
                    concurrent::starting::enter_subtask as *const () as usize
                }
                false => {
                    sig = std::borrow::Cow::Owned(CoreFuncType::new(&[I32], &[]));
                    concurrent::starting::enter_subtask_sync as *const () as usize
                }
            }
        }
        Lowered::TransferChannel { ty, from, to } => {
            ctx.instance = *from;
            ctx.to = *to;
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[I32], &[I32]));
            if let ValueType::ErrorContext = d.types[*ty as usize] {
                concurrent::builtins::transfer_error_context as *const () as usize
            } else {
                // Typed by its shape, as the built-ins type ends.
                ctx.arg = component.shape(*ty);
                ctx.future = matches!(d.types[*ty as usize], ValueType::Future(_));
                concurrent::builtins::transfer_channel as *const () as usize
            }
        }
        Lowered::WaitSubtask => {
            use kiln_abi::module::ValType::I64;
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[I32], &[I64]));
            concurrent::subtask::wait_subtask as *const () as usize
        }
    };
    Ok((code, crate::sig::sig_id(&sig)))
}

/// Whether `sig` is spelled `spelling` ([`super::HostFunc::signature`]),
/// read without allocating: a component may lower hundreds of host
/// functions.
fn spelled(sig: &CoreFuncType, spelling: &str) -> bool {
    use kiln_abi::module::ValType as V;
    let letter = |t: &V| match t {
        V::I64 => b'I',
        V::F32 => b'f',
        V::F64 => b'F',
        _ => b'i',
    };
    let letters = sig
        .params
        .iter()
        .map(letter)
        .chain([b'>'])
        .chain(sig.results.iter().map(letter));
    letters.eq(spelling.bytes())
}

/// What resource number `r` of `d` is at run time: a host resource's Rust
/// type, or the defined resource itself.
fn resource_kind(
    d: &ComponentDescription,
    r: u32,
    host: &dyn Host,
) -> Result<ResourceKind, InstantiateError> {
    match &d.resources[r as usize].host {
        None => Ok(ResourceKind::Guest(r)),
        Some((instance, name)) => host
            .resource(instance, name)
            .map(ResourceKind::Host)
            .ok_or_else(|| InstantiateError::Link {
                import: format!("{instance}#{name}"),
                problem: LinkError::Unknown,
            }),
    }
}
