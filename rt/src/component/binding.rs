//! Lowerings bound in an instance: each becomes a host function, its code
//! called with a [`HostContext`] of its own. What does not depend on the
//! instance (the code, its signature's id, most of the context) is worked
//! out at the first instance and kept in the component as a [`Binding`]: a
//! server instantiates a component per request, and finding host functions
//! by name, flattening their types, sizing stream elements and registering
//! signatures for each of a handler's seventy lowerings was two thirds of
//! its instance's time.

use super::concurrent;
use super::handles::ResourceKind;
use super::intrinsics::{
    cannot_enter, enter_call, exit_call, raise, resource_drop, resource_new, resource_rep,
    transfer_borrow, transfer_own,
};
use super::{import_name, Component, ComponentInstance, Host, HostContext};
use crate::error::{InstantiateError, LinkError};
use crate::store::{Func, Store};
use kiln_abi::component::{ComponentDescription, Lowered, StringEncoding, ValueType};
use kiln_abi::module::FuncType as CoreFuncType;
use std::any::TypeId;

/// What lowering a function takes in every instance of a component, for
/// one type of host.
#[derive(Clone, Copy)]
pub(super) struct Binding {
    /// The host's type (`Host::id`): another host gives other code.
    host: TypeId,
    code: usize,
    sig_id: u32,
    fixed: Fixed,
}

/// The fields of a [`HostContext`] that are the same in every instance.
#[derive(Clone, Copy)]
struct Fixed {
    encoding: StringEncoding,
    instance: u32,
    resource: Option<ResourceKind>,
    to: u32,
    to_defines: bool,
    trap: Option<crate::traps::ComponentTrap>,
    ty: u32,
    arg: u32,
    future: bool,
    elem: (u32, u32),
    numeric: bool,
    async_: bool,
}

impl Fixed {
    fn of(c: &HostContext) -> Fixed {
        Fixed {
            encoding: c.encoding,
            instance: c.instance,
            resource: c.resource,
            to: c.to,
            to_defines: c.to_defines,
            trap: c.trap,
            ty: c.ty,
            arg: c.arg,
            future: c.future,
            elem: c.elem,
            numeric: c.numeric,
            async_: c.async_,
        }
    }

    fn apply(&self, c: &mut HostContext) {
        c.encoding = self.encoding;
        c.instance = self.instance;
        c.resource = self.resource;
        c.to = self.to;
        c.to_defines = self.to_defines;
        c.trap = self.trap;
        c.ty = self.ty;
        c.arg = self.arg;
        c.future = self.future;
        c.elem = self.elem;
        c.numeric = self.numeric;
        c.async_ = self.async_;
    }
}

impl Store {
    /// The function core code calls for lowering `l` in `inst`.
    pub(super) fn lower(
        &mut self,
        inst: &mut ComponentInstance,
        l: u32,
        host: &dyn Host,
    ) -> Result<Func, InstantiateError> {
        let component = inst.component;
        let d = &component.description;
        let lowering = &d.lowerings[l as usize];
        let kept = &component.bindings[l as usize];
        let binding = match kept.get().filter(|b| b.host == host.id()) {
            Some(b) => *b,
            None => {
                let b = bind(component, l, host)?;
                let _ = kept.set(b);
                b
            }
        };
        let mut ctx = inst.host_context(&lowering.options, lowering.instance);
        binding.fixed.apply(&mut ctx);
        // The instance's own functions the context calls.
        match &lowering.what {
            Lowered::ResourceDrop(r) => {
                // The destructor's instance was made before any use of
                // its type.
                let dtor = d.resources[*r as usize].dtor.as_ref();
                ctx.dtor = dtor.and_then(|def| inst.func(def));
            }
            Lowered::EnterSubtask { returner, .. } => {
                let callback = lowering.options.callback.as_ref();
                ctx.callback = callback.and_then(|c| inst.func(c));
                ctx.returner = returner.as_ref().and_then(|r| inst.func(r));
            }
            _ => {}
        }
        let p = inst.contexts.push(ctx) as usize;
        Ok(self.host_func_with_sig_id(binding.sig_id, binding.code, p))
    }
}

/// Work out what lowering `l` of `component` takes in every instance.
fn bind(component: &Component, l: u32, host: &dyn Host) -> Result<Binding, InstantiateError> {
    let d = &component.description;
    let lowering = &d.lowerings[l as usize];
    // Flattened only for the host, whose functions take the lowered
    // type; the runtime's own intrinsics have fixed signatures.
    let sig: std::borrow::Cow<CoreFuncType>;
    let mut ctx = HostContext::blank(lowering.options.encoding, lowering.instance);
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
        Lowered::ExitCall => {
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[], &[]));
            exit_call as *const () as usize
        }
        Lowered::Async(b) => {
            ctx.ty = lowering.ty;
            let (types, code) = concurrent::lowering(component, *b, &mut ctx);
            sig = std::borrow::Cow::Owned(types);
            code
        }
        Lowered::EnterSubtask { callee, .. } => {
            ctx.to = *callee;
            // The callee's `task.return` is checked against it by shape:
            // the caller names the result's resources its own way.
            let result = d.funcs[lowering.ty as usize].result;
            ctx.arg = result.map_or(concurrent::NO_RESULT, |r| component.shape(r));
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[I32], &[]));
            concurrent::subtask::enter_subtask as *const () as usize
        }
        Lowered::TransferChannel { ty, from, to } => {
            // Typed by its shape, as the built-ins type ends.
            ctx.arg = component.shape(*ty);
            ctx.future = matches!(d.types[*ty as usize], ValueType::Future(_));
            ctx.instance = *from;
            ctx.to = *to;
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[I32], &[I32]));
            concurrent::builtins::transfer_channel as *const () as usize
        }
        Lowered::ExitSubtask => {
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[I32], &[I32]));
            concurrent::subtask::exit_subtask as *const () as usize
        }
        Lowered::WaitSubtask => {
            use kiln_abi::module::ValType::I64;
            sig = std::borrow::Cow::Owned(CoreFuncType::new(&[I32], &[I64]));
            concurrent::subtask::wait_subtask as *const () as usize
        }
    };
    Ok(Binding {
        host: host.id(),
        code,
        sig_id: crate::sig::sig_id(&sig),
        fixed: Fixed::of(&ctx),
    })
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
