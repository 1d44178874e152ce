//! Translation: one read of the component, validated as it goes, into the
//! steps of each component body in order (the root and every nested
//! component), with function types resolved into the description's types.
//! Nothing is instantiated here; `inline.rs` does that.

use super::types::TypeTable;
use crate::error::{CompileError, Result};
use kiln_abi::component::{AsyncBuiltin, StringEncoding};
use std::ops::Range;
use std::rc::Rc;
use wasmparser::component_types::{ComponentAnyTypeId, ComponentEntityType};
use wasmparser::{
    CanonicalFunction, CanonicalOption, ComponentAlias, ComponentExternalKind, ComponentInstance,
    ComponentOuterAliasKind, ComponentType, ComponentTypeRef, ExternalKind, Instance, Parser,
    Payload, ValidPayload, Validator, WasmFeatures,
};

/// A core module inside the component: its bytes and what it imports.
pub struct StaticModule {
    pub range: Range<usize>,
    /// `(module, name)` of each import, in order.
    pub imports: Vec<(String, String)>,
    /// Its exports' names, sorted as the compiled module's description
    /// sorts them.
    pub exports: Rc<Vec<String>>,
}

/// Canonical options as written, indices into the body's core spaces.
#[derive(Clone, Debug, Default)]
pub struct RawOptions {
    pub encoding: StringEncoding,
    pub memory: Option<u32>,
    pub realloc: Option<u32>,
    pub post_return: Option<u32>,
    pub async_: bool,
    pub callback: Option<u32>,
}

/// One definition of a component body, in order; each adds to one index
/// space, as the Component Model numbers them.
#[derive(Debug)]
pub enum Step {
    /// An import: a function (of description type `ty`), an instance, or
    /// something the host cannot provide (a module, a component, a value).
    ImportFunc {
        name: String,
        ty: u32,
    },
    /// `resources`: the resource types the instance's type exports, by
    /// export name, as the description numbers them here.
    ImportInstance {
        name: String,
        resources: Vec<(String, u32)>,
    },
    /// `resource`: the description's number of the imported type, if it
    /// is a resource.
    ImportType {
        name: String,
        resource: Option<u32>,
    },
    ImportOther {
        name: String,
        what: &'static str,
    },
    Module(usize),
    Component(usize),
    CoreInstantiate {
        module: u32,
        args: Vec<(String, u32)>,
    },
    CoreFromExports(Vec<(String, ExternalKind, u32)>),
    /// `resources`: the resource types the new instance exports, as this
    /// body numbers them.
    Instantiate {
        component: u32,
        args: Vec<(String, ComponentExternalKind, u32)>,
        resources: Vec<(String, u32)>,
    },
    FromExports(Vec<(String, ComponentExternalKind, u32)>),
    AliasCoreExport {
        kind: ExternalKind,
        instance: u32,
        name: String,
    },
    /// `ty` is the description's function type when `kind` is a function;
    /// `resource` the resource's number when it is a resource type.
    AliasExport {
        kind: ComponentExternalKind,
        instance: u32,
        name: String,
        ty: Option<u32>,
        resource: Option<u32>,
    },
    AliasOuter {
        kind: ComponentOuterAliasKind,
        count: u32,
        index: u32,
        resource: Option<u32>,
    },
    Lift {
        core_func: u32,
        ty: u32,
        options: RawOptions,
    },
    Lower {
        func: u32,
        ty: u32,
        options: RawOptions,
    },
    /// An async built-in; `ty` is `task.return`'s function type (taking
    /// the result), 0 for the others.
    Async {
        builtin: AsyncBuiltin,
        ty: u32,
        options: RawOptions,
    },
    /// `resource.drop` of the description's resource type `resource`.
    ResourceDrop {
        resource: u32,
    },
    /// `resource.new` of defined resource type `resource`.
    ResourceNew {
        resource: u32,
    },
    /// `resource.rep` of defined resource type `resource`.
    ResourceRep {
        resource: u32,
    },
    /// Resource type `resource` is defined here, with core function
    /// `dtor`, if any, as its destructor.
    DefineResource {
        resource: u32,
        dtor: Option<u32>,
    },
    /// `resource`: the exported type's number, when it is a resource.
    Export {
        name: String,
        kind: ComponentExternalKind,
        index: u32,
        resource: Option<u32>,
    },
    /// A definition that only adds a type that is not a resource.
    Type,
}

pub struct Translation {
    pub modules: Vec<StaticModule>,
    /// Body 0 is the root; the others are nested components, in order.
    pub bodies: Vec<Vec<(usize, Step)>>,
    pub types: TypeTable,
}

fn unsupported(feature: &'static str, what: impl Into<String>, offset: usize) -> CompileError {
    CompileError::Unsupported {
        feature,
        what: what.into(),
        offset,
    }
}

const ASYNC: &str = "component-model async";

/// What the validator accepts: everything kiln refuses by name later.
pub fn features(core: WasmFeatures) -> WasmFeatures {
    core | WasmFeatures::COMPONENT_MODEL
        | WasmFeatures::CM_ASYNC
        | WasmFeatures::CM_ASYNC_STACKFUL
        | WasmFeatures::CM_MORE_ASYNC_BUILTINS
        | WasmFeatures::CM_ERROR_CONTEXT
}

enum Open {
    Module {
        start: usize,
        imports: Vec<(String, String)>,
        exports: Vec<String>,
    },
    Component {
        body: usize,
        funcs: u32,
        instances: u32,
        types: u32,
    },
}

pub fn translate(wasm: &[u8], core_features: WasmFeatures) -> Result<Translation> {
    let mut validator = Validator::new_with_features(features(core_features));
    let mut t = Translation {
        modules: Vec::new(),
        bodies: vec![Vec::new()],
        types: TypeTable::default(),
    };
    let mut open = vec![Open::Component {
        body: 0,
        funcs: 0,
        instances: 0,
        types: 0,
    }];
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        if let ValidPayload::Func(f, body) = validator.payload(&payload)? {
            f.into_validator(Default::default()).validate(&body)?;
        }
        if let (Payload::End(_), Some(Open::Component { .. })) = (&payload, open.last()) {
            let Some(Open::Component { body: closed, .. }) = open.pop() else {
                unreachable!()
            };
            if open.is_empty() {
                break;
            }
            top_body(&mut t, &open).push((0, Step::Component(closed)));
            continue;
        }
        match open.last_mut().expect("the root is open until its end") {
            Open::Module {
                imports, exports, ..
            } => {
                match payload {
                    Payload::ImportSection(r) => {
                        for imp in r.into_imports() {
                            let imp = imp?;
                            imports.push((imp.module.to_string(), imp.name.to_string()));
                        }
                    }
                    Payload::ExportSection(r) => {
                        for e in r {
                            exports.push(e?.name.to_string());
                        }
                    }
                    Payload::End(end) => {
                        let Some(Open::Module {
                            start,
                            imports,
                            mut exports,
                        }) = open.pop()
                        else {
                            unreachable!()
                        };
                        exports.sort();
                        let index = t.modules.len();
                        t.modules.push(StaticModule {
                            range: start..end as usize,
                            imports,
                            exports: Rc::new(exports),
                        });
                        top_body(&mut t, &open).push((start, Step::Module(index)));
                    }
                    _ => {}
                }
                continue;
            }
            Open::Component {
                body,
                funcs,
                instances,
                types: type_count,
            } => {
                let (body, funcs) = (*body, funcs);
                let here = payload.as_section().map_or(0, |(_, r)| r.start as usize);
                let types = validator.types(0).expect("a component is being validated");
                let steps = &mut t.bodies[body];
                let mut new_func = || {
                    *funcs += 1;
                    *funcs - 1
                };
                let mut new_instance = || {
                    *instances += 1;
                    *instances - 1
                };
                // The next type index, and the resource it is if it is one.
                let mut new_type = |t: &mut TypeTable| {
                    *type_count += 1;
                    resource_of(t, &types, *type_count - 1)
                };
                match payload {
                    Payload::Version { .. } | Payload::CustomSection(_) => {}
                    Payload::ModuleSection {
                        unchecked_range, ..
                    } => {
                        open.push(Open::Module {
                            start: unchecked_range.start as usize,
                            imports: Vec::new(),
                            exports: Vec::new(),
                        });
                    }
                    Payload::ComponentSection { .. } => {
                        let nested = t.bodies.len();
                        t.bodies.push(Vec::new());
                        open.push(Open::Component {
                            body: nested,
                            funcs: 0,
                            instances: 0,
                            types: 0,
                        });
                    }
                    Payload::InstanceSection(r) => {
                        for inst in r {
                            steps.push((
                                here,
                                match inst? {
                                    Instance::Instantiate { module_index, args } => {
                                        Step::CoreInstantiate {
                                            module: module_index,
                                            args: args
                                                .iter()
                                                .map(|a| (a.name.to_string(), a.index))
                                                .collect(),
                                        }
                                    }
                                    Instance::FromExports(exports) => Step::CoreFromExports(
                                        exports
                                            .iter()
                                            .map(|e| (e.name.to_string(), e.kind, e.index))
                                            .collect(),
                                    ),
                                },
                            ));
                        }
                    }
                    Payload::CoreTypeSection(_) => {}
                    Payload::ComponentTypeSection(r) => {
                        for item in r.into_iter_with_offsets() {
                            let (at, ty) = item?;
                            let resource = new_type(&mut t.types);
                            let step = match (ty, resource) {
                                (ComponentType::Resource { dtor, .. }, Some(resource)) => {
                                    Step::DefineResource { resource, dtor }
                                }
                                _ => Step::Type,
                            };
                            steps.push((at as usize, step));
                        }
                    }
                    Payload::ComponentInstanceSection(r) => {
                        for inst in r {
                            let index = new_instance();
                            steps.push((
                                here,
                                match inst? {
                                    ComponentInstance::Instantiate {
                                        component_index,
                                        args,
                                    } => Step::Instantiate {
                                        component: component_index,
                                        args: args
                                            .iter()
                                            .map(|a| (a.name.to_string(), a.kind, a.index))
                                            .collect(),
                                        resources: exported_resources(
                                            &mut t.types,
                                            &types[types.component_instance_at(index)],
                                        ),
                                    },
                                    ComponentInstance::FromExports(exports) => Step::FromExports(
                                        exports
                                            .iter()
                                            .map(|e| (e.name.name.to_string(), e.kind, e.index))
                                            .collect(),
                                    ),
                                },
                            ));
                        }
                    }
                    Payload::ComponentAliasSection(r) => {
                        for alias in r {
                            steps.push((
                                here,
                                match alias? {
                                    ComponentAlias::CoreInstanceExport {
                                        kind,
                                        instance_index,
                                        name,
                                    } => Step::AliasCoreExport {
                                        kind,
                                        instance: instance_index,
                                        name: name.to_string(),
                                    },
                                    ComponentAlias::InstanceExport {
                                        kind,
                                        instance_index,
                                        name,
                                    } => {
                                        if kind == ComponentExternalKind::Instance {
                                            new_instance();
                                        }
                                        let ty = if kind == ComponentExternalKind::Func {
                                            let id = types.component_function_at(new_func());
                                            Some(
                                                t.types
                                                    .func(&types, id)
                                                    .map_err(|e| unsupported(e.0, e.1, here))?,
                                            )
                                        } else {
                                            None
                                        };
                                        let resource = match kind {
                                            ComponentExternalKind::Type => new_type(&mut t.types),
                                            _ => None,
                                        };
                                        Step::AliasExport {
                                            kind,
                                            instance: instance_index,
                                            name: name.to_string(),
                                            ty,
                                            resource,
                                        }
                                    }
                                    ComponentAlias::Outer { kind, count, index } => {
                                        let resource = match kind {
                                            ComponentOuterAliasKind::Type => new_type(&mut t.types),
                                            _ => None,
                                        };
                                        // A core type alias adds to the core type
                                        // space, which nothing here follows.
                                        Step::AliasOuter {
                                            kind,
                                            count,
                                            index,
                                            resource,
                                        }
                                    }
                                },
                            ));
                        }
                    }
                    Payload::ComponentCanonicalSection(r) => {
                        for item in r.into_iter_with_offsets() {
                            let (at, canon) = item?;
                            let at = at as usize;
                            steps.push((
                                at,
                                match canon {
                                    CanonicalFunction::Lift {
                                        core_func_index,
                                        options,
                                        ..
                                    } => {
                                        let id = types.component_function_at(new_func());
                                        Step::Lift {
                                            core_func: core_func_index,
                                            ty: t
                                                .types
                                                .func(&types, id)
                                                .map_err(|e| unsupported(e.0, e.1, here))?,
                                            options: raw_options(&options, at)?,
                                        }
                                    }
                                    CanonicalFunction::Lower {
                                        func_index,
                                        options,
                                    } => {
                                        let id = types.component_function_at(func_index);
                                        Step::Lower {
                                            func: func_index,
                                            ty: t
                                                .types
                                                .func(&types, id)
                                                .map_err(|e| unsupported(e.0, e.1, here))?,
                                            options: raw_options(&options, at)?,
                                        }
                                    }
                                    CanonicalFunction::ResourceDrop { resource } => {
                                        Step::ResourceDrop {
                                            resource: resource_at(&mut t.types, &types, resource),
                                        }
                                    }
                                    CanonicalFunction::ResourceNew { resource } => {
                                        Step::ResourceNew {
                                            resource: resource_at(&mut t.types, &types, resource),
                                        }
                                    }
                                    CanonicalFunction::ResourceRep { resource } => {
                                        Step::ResourceRep {
                                            resource: resource_at(&mut t.types, &types, resource),
                                        }
                                    }
                                    other => {
                                        let name = canon_name(&other);
                                        async_step(&mut t.types, &types, other)
                                            .map_err(|e| unsupported(e.0, e.1, at))?
                                            .ok_or_else(|| unsupported(ASYNC, name, at))?
                                    }
                                },
                            ));
                        }
                    }
                    Payload::ComponentStartSection { range, .. } => {
                        return Err(unsupported(
                            "component-model values",
                            "a component start function",
                            range.start as usize,
                        ))
                    }
                    Payload::ComponentImportSection(r) => {
                        for imp in r {
                            let imp = imp?;
                            let name = imp.name.name.to_string();
                            steps.push((
                                here,
                                match imp.ty {
                                    ComponentTypeRef::Func(_) => {
                                        let id = types.component_function_at(new_func());
                                        Step::ImportFunc {
                                            name,
                                            ty: t
                                                .types
                                                .func(&types, id)
                                                .map_err(|e| unsupported(e.0, e.1, here))?,
                                        }
                                    }
                                    ComponentTypeRef::Instance(_) => {
                                        let id = types.component_instance_at(new_instance());
                                        let resources =
                                            exported_resources(&mut t.types, &types[id]);
                                        // The root's imported resources are the
                                        // host's, known by name.
                                        if body == 0 {
                                            for (export, r) in &resources {
                                                t.types.host_resource(*r, &name, export);
                                            }
                                        }
                                        Step::ImportInstance { name, resources }
                                    }
                                    ComponentTypeRef::Type(_) => Step::ImportType {
                                        name,
                                        resource: new_type(&mut t.types),
                                    },
                                    ComponentTypeRef::Module(_) => Step::ImportOther {
                                        name,
                                        what: "a core module",
                                    },
                                    ComponentTypeRef::Component(_) => Step::ImportOther {
                                        name,
                                        what: "a component",
                                    },
                                    ComponentTypeRef::Value(_) => Step::ImportOther {
                                        name,
                                        what: "a value",
                                    },
                                },
                            ));
                        }
                    }
                    Payload::ComponentExportSection(r) => {
                        for e in r {
                            let e = e?;
                            if e.kind == ComponentExternalKind::Func {
                                new_func();
                            }
                            if e.kind == ComponentExternalKind::Instance {
                                new_instance();
                            }
                            let resource = match e.kind {
                                ComponentExternalKind::Type => new_type(&mut t.types),
                                _ => None,
                            };
                            steps.push((
                                here,
                                Step::Export {
                                    name: e.name.name.to_string(),
                                    kind: e.kind,
                                    index: e.index,
                                    resource,
                                },
                            ));
                        }
                    }
                    other => {
                        // Core sections of the component itself cannot
                        // occur: the validator refused them above.
                        unreachable!("a validated component has no {other:?}")
                    }
                }
            }
        }
    }
    Ok(t)
}

/// The steps of the innermost open component.
fn top_body<'t>(t: &'t mut Translation, open: &[Open]) -> &'t mut Vec<(usize, Step)> {
    let body = open
        .iter()
        .rev()
        .find_map(|o| match o {
            Open::Component { body, .. } => Some(*body),
            Open::Module { .. } => None,
        })
        .expect("the root is open");
    &mut t.bodies[body]
}

fn raw_options(options: &[CanonicalOption], at: usize) -> Result<RawOptions> {
    let mut o = RawOptions::default();
    for option in options {
        match *option {
            CanonicalOption::UTF8 => o.encoding = StringEncoding::Utf8,
            CanonicalOption::UTF16 => o.encoding = StringEncoding::Utf16,
            CanonicalOption::CompactUTF16 => o.encoding = StringEncoding::CompactUtf16,
            CanonicalOption::Memory(m) => o.memory = Some(m),
            CanonicalOption::Realloc(f) => o.realloc = Some(f),
            CanonicalOption::PostReturn(f) => o.post_return = Some(f),
            CanonicalOption::Async => o.async_ = true,
            CanonicalOption::Callback(f) => o.callback = Some(f),
            CanonicalOption::CoreType(_) | CanonicalOption::Gc => {
                return Err(unsupported(
                    "component-model GC",
                    "the core-type and gc options",
                    at,
                ))
            }
        }
    }
    Ok(o)
}

/// The step of an async built-in, `None` for one kiln does not support
/// (the threads' built-ins and `forward`).
fn async_step(
    table: &mut TypeTable,
    types: &wasmparser::types::TypesRef,
    c: CanonicalFunction,
) -> super::types::Lookup<Option<Step>> {
    use AsyncBuiltin as B;
    use CanonicalFunction as C;
    let mut options = RawOptions::default();
    let mut ty = 0;
    let mut with = |o: &[CanonicalOption]| -> super::types::Lookup<()> {
        options = raw_options(o, 0).map_err(|_| (ASYNC, "an option of a built-in"))?;
        Ok(())
    };
    let builtin = match c {
        C::TaskReturn { result, options: o } => {
            with(&o)?;
            ty = table.task_return(types, result)?;
            B::TaskReturn
        }
        C::TaskCancel => B::TaskCancel,
        C::ContextGet { slot, .. } => B::ContextGet(slot),
        C::ContextSet { slot, .. } => B::ContextSet(slot),
        C::BackpressureInc => B::BackpressureInc,
        C::BackpressureDec => B::BackpressureDec,
        C::ThreadYield => B::ThreadYield,
        C::WaitableSetNew => B::WaitableSetNew,
        C::WaitableSetWait { memory } => {
            options.memory = Some(memory);
            B::WaitableSetWait
        }
        C::WaitableSetPoll { memory } => {
            options.memory = Some(memory);
            B::WaitableSetPoll
        }
        C::WaitableSetDrop => B::WaitableSetDrop,
        C::WaitableJoin => B::WaitableJoin,
        C::SubtaskDrop => B::SubtaskDrop,
        C::SubtaskCancel { async_ } => B::SubtaskCancel { async_ },
        C::StreamNew { ty } => B::StreamNew(table.defined(types, ty)?),
        C::StreamRead { ty, options: o } => {
            with(&o)?;
            sync_copy(&options)?;
            B::StreamRead(table.defined(types, ty)?)
        }
        C::StreamWrite { ty, options: o } => {
            with(&o)?;
            sync_copy(&options)?;
            B::StreamWrite(table.defined(types, ty)?)
        }
        C::StreamCancelRead { ty, async_ } => B::StreamCancelRead {
            ty: table.defined(types, ty)?,
            async_,
        },
        C::StreamCancelWrite { ty, async_ } => B::StreamCancelWrite {
            ty: table.defined(types, ty)?,
            async_,
        },
        C::StreamDropReadable { ty } => B::StreamDropReadable(table.defined(types, ty)?),
        C::StreamDropWritable { ty } => B::StreamDropWritable(table.defined(types, ty)?),
        C::FutureNew { ty } => B::FutureNew(table.defined(types, ty)?),
        C::FutureRead { ty, options: o } => {
            with(&o)?;
            sync_copy(&options)?;
            B::FutureRead(table.defined(types, ty)?)
        }
        C::FutureWrite { ty, options: o } => {
            with(&o)?;
            sync_copy(&options)?;
            B::FutureWrite(table.defined(types, ty)?)
        }
        C::FutureCancelRead { ty, async_ } => B::FutureCancelRead {
            ty: table.defined(types, ty)?,
            async_,
        },
        C::FutureCancelWrite { ty, async_ } => B::FutureCancelWrite {
            ty: table.defined(types, ty)?,
            async_,
        },
        C::FutureDropReadable { ty } => B::FutureDropReadable(table.defined(types, ty)?),
        C::FutureDropWritable { ty } => B::FutureDropWritable(table.defined(types, ty)?),
        C::ErrorContextNew { options: o } => {
            with(&o)?;
            B::ErrorContextNew
        }
        C::ErrorContextDebugMessage { options: o } => {
            with(&o)?;
            B::ErrorContextDebugMessage
        }
        C::ErrorContextDrop => B::ErrorContextDrop,
        _ => return Ok(None),
    };
    Ok(Some(Step::Async {
        builtin,
        ty,
        options,
    }))
}

/// A stream or future read or write without `async` blocks its caller,
/// which kiln's tasks do not do yet.
fn sync_copy(o: &RawOptions) -> super::types::Lookup<()> {
    match o.async_ {
        true => Ok(()),
        false => Err((ASYNC, "a synchronous stream or future read or write")),
    }
}

/// The canonical built-in's name as the Explainer spells it.
fn canon_name(c: &CanonicalFunction) -> String {
    let debug = format!("{c:?}");
    let name = debug.split([' ', '{', '(']).next().unwrap_or("");
    // `TaskReturn` → `task.return`: the first capital starts the name, the
    // next one is the dot, any later ones are hyphens.
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push(if out.contains('.') { '-' } else { '.' });
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

/// The description's number for the type at component type index
/// `index`, if it is a resource.
fn resource_of(
    table: &mut TypeTable,
    types: &wasmparser::types::TypesRef,
    index: u32,
) -> Option<u32> {
    match types.component_any_type_at(index) {
        ComponentAnyTypeId::Resource(r) => Some(table.resource(r.resource())),
        _ => None,
    }
}

/// The resource types an instance type exports, by name.
fn exported_resources(
    table: &mut TypeTable,
    instance: &wasmparser::component_types::ComponentInstanceType,
) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for (export, item) in &instance.exports {
        if let ComponentEntityType::Type {
            created: ComponentAnyTypeId::Resource(r),
            ..
        } = item.ty
        {
            out.push((export.to_string(), table.resource(r.resource())));
        }
    }
    out
}

/// The description's number for the resource type at component type
/// index `index`.
fn resource_at(table: &mut TypeTable, types: &wasmparser::types::TypesRef, index: u32) -> u32 {
    let ComponentAnyTypeId::Resource(r) = types.component_any_type_at(index) else {
        unreachable!("validation checked a resource type")
    };
    table.resource(r.resource())
}
