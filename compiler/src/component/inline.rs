//! Flattening: the root component instantiated symbolically, with the
//! host's imports as its arguments. Nested components, component
//! instances and aliases disappear; what is left is static: the core
//! instantiations in order, each argument naming an earlier core
//! instance's export or a lowered function, and the root's exports as
//! lifted core functions.

use super::adapter;
use super::translate::{RawOptions, Step, Translation};
use crate::error::{CompileError, Result};
use kiln_abi::component::{
    AsyncBuiltin, ComponentDescription, CoreDef, Export, ExportItem, Import, Initializer, Lowered,
    Lowering, Options, ResourceType,
};
use std::collections::HashMap;
use std::rc::Rc;
use wasmparser::{ComponentExternalKind, ComponentOuterAliasKind, ExternalKind};

/// A component function as the flattening knows it.
#[derive(Clone, Debug)]
enum FuncDef {
    /// Function `name` of host instance `instance` (or a top-level one).
    Host {
        instance: Option<String>,
        name: String,
        ty: u32,
    },
    /// A `canon lift` by component instance number `by`.
    Lifted {
        func: CoreDef,
        ty: u32,
        options: Options,
        by: u32,
    },
}

#[derive(Clone, Debug)]
enum InstanceDef {
    /// An instance the host provides, imported by the root as `name`.
    Host { name: String },
    /// An instance made in the component: its exports in order.
    Items(Rc<Vec<(String, Item)>>),
}

#[derive(Clone, Debug)]
enum CoreInstanceDef {
    /// Number `instance` of the description's instantiations, of a module
    /// whose exports (sorted) are `exports`.
    Runtime {
        instance: u32,
        exports: Rc<Vec<String>>,
    },
    /// Made of other exports by `instance ... from exports`.
    Synthetic(Rc<HashMap<String, CoreDef>>),
}

/// A component definition with what it may alias from the components
/// around it, as they were where it was defined.
#[derive(Clone, Debug)]
struct ComponentDef {
    body: usize,
    outer: Rc<Vec<Captured>>,
}

#[derive(Clone, Debug)]
struct Captured {
    modules: Vec<usize>,
    components: Vec<ComponentDef>,
    types: Vec<Option<u32>>,
}

#[derive(Clone, Debug)]
enum Item {
    Func(FuncDef),
    Instance(InstanceDef),
    Module(usize),
    Component(ComponentDef),
    /// A type: the resource it is, if it is one.
    Type(Option<u32>),
}

/// The index spaces of one component instance being made.
#[derive(Default)]
struct Frame {
    core_funcs: Vec<CoreDef>,
    core_memories: Vec<CoreDef>,
    core_tables: Vec<CoreDef>,
    core_globals: Vec<CoreDef>,
    modules: Vec<usize>,
    core_instances: Vec<CoreInstanceDef>,
    funcs: Vec<FuncDef>,
    instances: Vec<InstanceDef>,
    components: Vec<ComponentDef>,
    exports: Vec<(String, Item)>,
    /// The type index space: the resource each type is, if it is one.
    types: Vec<Option<u32>>,
    /// What each resource number the body's types name is in this
    /// instance: the body's own resources are made anew by each
    /// instantiation, and imported ones are its arguments.
    resources: HashMap<u32, u32>,
}

/// The lowering side of a call between component instances.
struct Caller<'f> {
    options: Options,
    instance: u32,
    /// The resources its function type names, as its frame knows them.
    resources: &'f HashMap<u32, u32>,
}

/// The lifting side.
struct Callee {
    func: CoreDef,
    options: Options,
    instance: u32,
}

/// Where a compiled module's bytes come from.
pub enum ModuleSource {
    /// A core module of the component (its number in the translation).
    Static(usize),
    /// A fused adapter made for a call between component instances.
    Adapter(Vec<u8>),
}

pub struct Flattened {
    pub description: ComponentDescription,
    /// Each compiled module, in compiled order.
    pub modules: Vec<ModuleSource>,
}

struct Inliner<'t> {
    t: &'t Translation,
    d: ComponentDescription,
    modules: Vec<ModuleSource>,
    imports: HashMap<(Option<String>, String), u32>,
    instances_made: u32,
    /// The component instances whose code uses `context.get` or `set`.
    use_context: std::collections::HashSet<u32>,
}

fn unsupported(feature: &'static str, what: impl Into<String>, offset: usize) -> CompileError {
    CompileError::Unsupported {
        feature,
        what: what.into(),
        offset,
    }
}

pub fn flatten(t: &Translation) -> Result<Flattened> {
    let mut inliner = Inliner {
        t,
        d: ComponentDescription {
            types: t.types.types.clone(),
            funcs: t.types.funcs.clone(),
            resources: t
                .types
                .resource_names
                .iter()
                .map(|host| ResourceType {
                    host: host.clone(),
                    dtor: None,
                    instance: None,
                })
                .collect(),
            ..ComponentDescription::default()
        },
        modules: Vec::new(),
        imports: HashMap::new(),
        instances_made: 0,
        use_context: Default::default(),
    };
    let root = ComponentDef {
        body: 0,
        outer: Rc::new(Vec::new()),
    };
    let exports = inliner.instantiate(&root, None)?;
    inliner.d.exports = root_exports(&exports)?;
    inliner.d.modules = inliner.modules.len() as u32;
    inliner.d.instances = inliner.instances_made;
    Ok(Flattened {
        description: inliner.d,
        modules: inliner.modules,
    })
}

fn root_exports(items: &[(String, Item)]) -> Result<Vec<Export>> {
    let mut out = Vec::new();
    for (name, item) in items {
        let item = match item {
            Item::Func(FuncDef::Lifted {
                func,
                ty,
                options,
                by,
            }) => ExportItem::Func {
                func: func.clone(),
                ty: *ty,
                options: options.clone(),
                instance: *by,
            },
            Item::Instance(InstanceDef::Items(inner)) => ExportItem::Instance(root_exports(inner)?),
            Item::Func(FuncDef::Host { .. }) | Item::Instance(InstanceDef::Host { .. }) => {
                return Err(unsupported(
                    "component re-exports",
                    format!("`{name}` re-exports what the host provides"),
                    0,
                ))
            }
            // Types need no code; modules and components exported by the
            // root are for whoever composes it, not for running it.
            Item::Type(_) | Item::Module(_) | Item::Component(_) => continue,
        };
        out.push(Export {
            name: name.clone().into(),
            item,
        });
    }
    Ok(out)
}

impl Inliner<'_> {
    /// Instantiate `c` with `args` (`None` for the root, whose imports the
    /// host provides); its exports.
    fn instantiate(
        &mut self,
        c: &ComponentDef,
        args: Option<&HashMap<String, Item>>,
    ) -> Result<Vec<(String, Item)>> {
        let id = self.instances_made;
        self.instances_made += 1;
        let mut f = Frame::default();
        for (at, step) in &self.t.bodies[c.body] {
            let at = *at;
            match step {
                Step::ImportFunc { name, ty } => match args {
                    None => f.funcs.push(FuncDef::Host {
                        instance: None,
                        name: name.clone(),
                        ty: *ty,
                    }),
                    Some(args) => f.push(arg(args, name)),
                },
                Step::ImportInstance { name, resources } => match args {
                    None => f.instances.push(InstanceDef::Host { name: name.clone() }),
                    Some(args) => {
                        let instance = arg(args, name);
                        if let Item::Instance(i) = &instance {
                            for (export, r) in resources {
                                let given = self.instance_resource(i, export);
                                f.resources.extend(given.map(|g| (*r, g)));
                            }
                        }
                        f.push(instance)
                    }
                },
                Step::ImportType { name, resource } => {
                    let given = match (args, resource) {
                        (Some(args), Some(r)) => match arg(args, name) {
                            Item::Type(Some(given)) => {
                                f.resources.insert(*r, given);
                                Some(given)
                            }
                            _ => None,
                        },
                        _ => *resource,
                    };
                    f.types.push(given);
                }
                Step::Type => f.types.push(None),
                Step::ImportOther { name, what } => match args {
                    None => {
                        return Err(unsupported(
                            "component imports",
                            format!("`{name}` is {what}, which the host does not provide"),
                            at,
                        ))
                    }
                    Some(args) => f.push(arg(args, name)),
                },
                Step::Module(m) => f.modules.push(*m),
                Step::Component(body) => {
                    let mut outer = vec![Captured {
                        modules: f.modules.clone(),
                        components: f.components.clone(),
                        types: f.types.clone(),
                    }];
                    outer.extend(c.outer.iter().cloned());
                    f.components.push(ComponentDef {
                        body: *body,
                        outer: Rc::new(outer),
                    });
                }
                Step::CoreInstantiate { module, args } => {
                    let module = f.modules[*module as usize];
                    let by_name: HashMap<&str, &CoreInstanceDef> = args
                        .iter()
                        .map(|(name, i)| (name.as_str(), &f.core_instances[*i as usize]))
                        .collect();
                    let args = self.t.modules[module]
                        .imports
                        .iter()
                        .map(|(m, name)| core_export(by_name[m.as_str()], name))
                        .collect();
                    let compiled = self.compiled(module);
                    self.d.initializers.push(Initializer::Instantiate {
                        module: compiled,
                        args,
                    });
                    let n = self.d.initializers.len() as u32 - 1;
                    f.core_instances.push(CoreInstanceDef::Runtime {
                        instance: n,
                        exports: self.t.modules[module].exports.clone(),
                    });
                }
                Step::CoreFromExports(exports) => {
                    let map = exports
                        .iter()
                        .map(|(name, kind, index)| (name.clone(), f.core(*kind, *index).clone()))
                        .collect();
                    f.core_instances
                        .push(CoreInstanceDef::Synthetic(Rc::new(map)));
                }
                Step::Instantiate {
                    component,
                    args,
                    resources,
                } => {
                    let args: HashMap<String, Item> = args
                        .iter()
                        .map(|(name, kind, index)| Ok((name.clone(), f.item(*kind, *index, at)?)))
                        .collect::<Result<_>>()?;
                    let nested = f.components[*component as usize].clone();
                    let exports =
                        InstanceDef::Items(Rc::new(self.instantiate(&nested, Some(&args))?));
                    for (export, r) in resources {
                        let made = self.instance_resource(&exports, export);
                        f.resources.extend(made.map(|m| (*r, m)));
                    }
                    f.instances.push(exports);
                }
                Step::FromExports(exports) => {
                    let items = exports
                        .iter()
                        .map(|(name, kind, index)| Ok((name.clone(), f.item(*kind, *index, at)?)))
                        .collect::<Result<_>>()?;
                    f.instances.push(InstanceDef::Items(Rc::new(items)));
                }
                Step::AliasCoreExport {
                    kind,
                    instance,
                    name,
                } => {
                    let def = core_export(&f.core_instances[*instance as usize], name);
                    f.push_core(*kind, def, at)?;
                }
                Step::AliasExport {
                    kind,
                    instance,
                    name,
                    ty,
                    resource,
                } => match f.instances[*instance as usize].clone() {
                    InstanceDef::Items(items) => {
                        let item = items
                            .iter()
                            .find(|(n, _)| n == name)
                            .map(|(_, i)| i.clone())
                            .expect("validation checked the export exists");
                        if let (Item::Type(Some(given)), Some(r)) = (&item, resource) {
                            f.resources.insert(*r, *given);
                        }
                        f.push(item);
                    }
                    InstanceDef::Host { name: instance } => match (kind, ty) {
                        (ComponentExternalKind::Func, Some(ty)) => f.funcs.push(FuncDef::Host {
                            instance: Some(instance),
                            name: name.clone(),
                            ty: *ty,
                        }),
                        (ComponentExternalKind::Type, _) => {
                            let host = resource.map(|r| {
                                let host = self.host_resource(&instance, name);
                                f.resources.insert(r, host);
                                host
                            });
                            f.types.push(host);
                        }
                        _ => {
                            return Err(unsupported(
                                "component imports",
                                format!(
                                    "`{name}` of imported instance `{instance}` is not a function"
                                ),
                                at,
                            ))
                        }
                    },
                },
                Step::AliasOuter {
                    kind,
                    count,
                    index,
                    resource,
                } => {
                    let i = *index as usize;
                    let (modules, components, types) = match *count {
                        0 => (&f.modules, &f.components, &f.types),
                        n => {
                            let up = &c.outer[n as usize - 1];
                            (&up.modules, &up.components, &up.types)
                        }
                    };
                    match kind {
                        ComponentOuterAliasKind::Type => {
                            let t = types[i];
                            if let (Some(given), Some(r)) = (t, resource) {
                                f.resources.insert(*r, given);
                            }
                            f.types.push(t);
                        }
                        ComponentOuterAliasKind::CoreModule => {
                            let m = modules[i];
                            f.modules.push(m);
                        }
                        ComponentOuterAliasKind::Component => {
                            let c = components[i].clone();
                            f.components.push(c);
                        }
                        _ => {}
                    }
                }
                Step::Lift {
                    core_func,
                    ty,
                    options,
                } => {
                    let lifted = FuncDef::Lifted {
                        func: f.core_funcs[*core_func as usize].clone(),
                        ty: *ty,
                        options: f.options(options),
                        by: id,
                    };
                    f.funcs.push(lifted);
                }
                Step::Lower { func, ty, options } => {
                    let what = match &f.funcs[*func as usize] {
                        FuncDef::Host { instance, name, ty } => Lowered::Host {
                            import: self.import(instance, name, *ty),
                        },
                        FuncDef::Lifted { by, .. } if *by == id => Lowered::Trap,
                        FuncDef::Lifted {
                            func: callee,
                            options: callee_options,
                            by,
                            ..
                        } => {
                            let callee = Callee {
                                func: callee.clone(),
                                options: callee_options.clone(),
                                instance: *by,
                            };
                            let caller = Caller {
                                options: f.options(options),
                                instance: id,
                                resources: &f.resources,
                            };
                            let adapter = self.adapter(*ty, &caller, &callee, at)?;
                            f.core_funcs.push(adapter);
                            continue;
                        }
                    };
                    self.d.lowerings.push(Lowering {
                        what,
                        ty: *ty,
                        options: f.options(options),
                        instance: id,
                    });
                    let n = self.d.lowerings.len() as u32 - 1;
                    f.core_funcs.push(CoreDef::Lowering(n));
                }
                Step::Async {
                    builtin,
                    ty,
                    options,
                } => {
                    let options = f.options(options);
                    let def = match builtin {
                        AsyncBuiltin::TaskReturn => self.task_return(*ty, options, id),
                        _ => self.lowering(Lowered::Async(*builtin), *ty, options, id),
                    };
                    f.core_funcs.push(def);
                }
                Step::ResourceDrop { resource } => {
                    let r = f.resource(*resource);
                    f.core_funcs
                        .push(self.intrinsic(Lowered::ResourceDrop(r), id));
                }
                Step::ResourceNew { resource } => {
                    let r = f.resource(*resource);
                    f.core_funcs
                        .push(self.intrinsic(Lowered::ResourceNew(r), id));
                }
                Step::ResourceRep { resource } => {
                    let r = f.resource(*resource);
                    f.core_funcs
                        .push(self.intrinsic(Lowered::ResourceRep(r), id));
                }
                Step::DefineResource { resource, dtor } => {
                    let defined = ResourceType {
                        host: None,
                        dtor: dtor.map(|d| f.core_funcs[d as usize].clone()),
                        instance: Some(id),
                    };
                    // The first instance of the body keeps the number the
                    // types use; each later one makes a new resource.
                    let r = match &self.d.resources[*resource as usize] {
                        ResourceType {
                            instance: None,
                            host: None,
                            ..
                        } => *resource,
                        _ => {
                            self.d.resources.push(defined.clone());
                            self.d.resources.len() as u32 - 1
                        }
                    };
                    self.d.resources[r as usize] = defined;
                    f.resources.insert(*resource, r);
                    f.types.push(Some(r));
                }
                Step::Export {
                    name,
                    kind,
                    index,
                    resource,
                } => {
                    let item = f.item(*kind, *index, at)?;
                    if let (Item::Type(Some(given)), Some(r)) = (&item, resource) {
                        f.resources.insert(*r, *given);
                    }
                    f.push(item.clone());
                    f.exports.push((name.clone(), item));
                }
            }
        }
        Ok(f.exports)
    }

    /// The compiled index of static module `m`, compiled once however
    /// many times it is instantiated.
    fn compiled(&mut self, m: usize) -> u32 {
        let same = |s: &ModuleSource| matches!(s, ModuleSource::Static(s) if *s == m);
        match self.modules.iter().position(same) {
            Some(i) => i as u32,
            None => {
                self.modules.push(ModuleSource::Static(m));
                self.modules.len() as u32 - 1
            }
        }
    }

    /// A fused adapter from `caller`'s lowering to `callee`, instantiated
    /// now: the function the caller imports.
    fn adapter(&mut self, ty: u32, caller: &Caller, callee: &Callee, at: usize) -> Result<CoreDef> {
        let side = |o: &Options| adapter::SideOptions {
            encoding: o.encoding,
            memory: o.memory.is_some(),
            realloc: o.realloc.is_some(),
            post_return: o.post_return.is_some(),
        };
        let sides = adapter::Sides {
            caller: side(&caller.options),
            callee: side(&callee.options),
        };
        let refused = |what: String| {
            unsupported(
                "calls between components",
                format!("{what} across a fused adapter"),
                at,
            )
        };
        let layout = kiln_abi::component::Layout::new(&self.d.types);
        let f = &self.d.funcs[ty as usize];
        match (caller.options.async_, callee.options.async_) {
            (false, false) => {
                // Whether the callee's code may read its task's context
                // (its instance was made, with all its lowerings, before
                // anything could import its functions).
                let context = self.use_context.contains(&callee.instance);
                let (bytes, order) =
                    adapter::build(&layout, f, &sides, context).map_err(refused)?;
                Ok(self.instantiate_adapter(bytes, &order, caller, callee, None))
            }
            (caller_async, true) => {
                // The callback form, or the stackful (no callback).
                let stackful = callee.options.callback.is_none();
                // Lowered async, the result always goes to the caller's
                // pointer, and a starter moves the arguments and calls
                // the callee, at once or once a call held back may start;
                // lowered sync, the result goes to memory when it spills,
                // and the runtime's wait follows the call.
                let (bytes, order, to_memory, starter, wait) = match caller_async {
                    true => {
                        let (bytes, order) = adapter::build_async_call(&layout, f);
                        let starter = adapter::build_async_starter(&layout, f, &sides, stackful)
                            .map_err(refused)?;
                        (bytes, order, true, Some(starter), None)
                    }
                    false => {
                        let (bytes, order) = adapter::build_sync_call(&layout, f, &sides, stackful)
                            .map_err(refused)?;
                        let to_memory = layout.signature(f, false).results_in_memory;
                        (bytes, order, to_memory, None, Some(Lowered::WaitSubtask))
                    }
                };
                // The result moves as the callee gives it: to the
                // caller's memory, or (lowered sync, one flat value) to
                // where the caller's wait takes it.
                let returner = match f.result {
                    Some(r) => {
                        let (bytes, order) =
                            adapter::build_returner(&layout, r, &sides, !to_memory)
                                .map_err(refused)?;
                        Some(self.instantiate_adapter(bytes, &order, caller, callee, None))
                    }
                    None => None,
                };
                let starter = starter.map(|(bytes, order)| {
                    self.instantiate_adapter(bytes, &order, caller, callee, None)
                });
                let enter = Lowered::EnterSubtask {
                    callee: callee.instance,
                    returner,
                    starter,
                };
                let options = Options {
                    callback: callee.options.callback.clone(),
                    async_: caller_async,
                    ..Options::default()
                };
                let enter = self.lowering(enter, ty, options, caller.instance);
                let wait = wait.map(|w| self.intrinsic(w, caller.instance));
                let subtask = Some((enter, wait));
                Ok(self.instantiate_adapter(bytes, &order, caller, callee, subtask))
            }
            (_, false) => Err(unsupported(
                "component-model async",
                "an async lowering of another component's synchronously lifted export",
                at,
            )),
        }
    }

    /// Instantiate an adapter module now, each import as `order` names
    /// it (`subtask`: the runtime's functions starting a call by the
    /// async ABI and, for a synchronous one, waiting for it): its
    /// function `adapter`.
    fn instantiate_adapter(
        &mut self,
        bytes: Vec<u8>,
        order: &[adapter::AdapterImport],
        caller: &Caller,
        callee: &Callee,
        subtask: Option<(CoreDef, Option<CoreDef>)>,
    ) -> CoreDef {
        // The builders refuse a call whose sides lack an option it needs.
        let given = |d: &Option<CoreDef>| d.clone().expect("checked by the adapter's builder");
        let (from, to) = (caller.instance, callee.instance);
        let args = order
            .iter()
            .map(|i| match i {
                adapter::AdapterImport::Callee => callee.func.clone(),
                adapter::AdapterImport::CallerFlags => CoreDef::Flags(from),
                adapter::AdapterImport::Raise(t) => self.intrinsic(Lowered::Raise(*t), from),
                adapter::AdapterImport::CallerMemory => given(&caller.options.memory),
                adapter::AdapterImport::CalleeMemory => given(&callee.options.memory),
                adapter::AdapterImport::CallerRealloc => given(&caller.options.realloc),
                adapter::AdapterImport::CalleeRealloc => given(&callee.options.realloc),
                adapter::AdapterImport::PostReturn => given(&callee.options.post_return),
                adapter::AdapterImport::Transfer {
                    borrow,
                    resource,
                    to_callee,
                } => {
                    let resource = caller.resources.get(resource).copied().unwrap_or(*resource);
                    let (from, to) = if *to_callee { (from, to) } else { (to, from) };
                    let what = Lowered::Transfer {
                        borrow: *borrow,
                        resource,
                        from,
                        to,
                    };
                    self.intrinsic(what, from)
                }
                adapter::AdapterImport::EnterCall => self.intrinsic(Lowered::EnterCall, from),
                adapter::AdapterImport::ExitCall => self.intrinsic(Lowered::ExitCall, from),
                adapter::AdapterImport::LendToTask => self.intrinsic(Lowered::LendToTask, from),
                adapter::AdapterImport::BeginSyncTask => {
                    self.intrinsic(Lowered::BeginSyncTask { instance: to }, from)
                }
                adapter::AdapterImport::TransferChannel { ty, to_callee } => {
                    let (from, to) = if *to_callee { (from, to) } else { (to, from) };
                    let what = Lowered::TransferChannel { ty: *ty, from, to };
                    self.intrinsic(what, from)
                }
                adapter::AdapterImport::EnterSubtask => subtask.clone().expect("async").0,
                adapter::AdapterImport::WaitSubtask => {
                    let wait = subtask.as_ref().and_then(|s| s.1.clone());
                    wait.expect("a synchronous call's adapter")
                }
            })
            .collect();
        self.modules.push(ModuleSource::Adapter(bytes));
        self.d.initializers.push(Initializer::Instantiate {
            module: self.modules.len() as u32 - 1,
            args,
        });
        CoreDef::Export {
            instance: self.d.initializers.len() as u32 - 1,
            name: "adapter".into(),
            index: 0,
        }
    }

    /// A lowering the runtime implements without a type of its own, for
    /// component instance `instance`.
    fn intrinsic(&mut self, what: Lowered, instance: u32) -> CoreDef {
        self.lowering(what, 0, Options::default(), instance)
    }

    fn lowering(&mut self, what: Lowered, ty: u32, options: Options, instance: u32) -> CoreDef {
        use AsyncBuiltin::{ContextGet, ContextSet};
        if let Lowered::Async(ContextGet(_) | ContextSet(_)) = what {
            self.use_context.insert(instance);
        }
        self.d.lowerings.push(Lowering {
            what,
            ty,
            options,
            instance,
        });
        CoreDef::Lowering(self.d.lowerings.len() as u32 - 1)
    }

    /// `task.return` of function type `ty` (taking the result) for
    /// component instance `instance`: the runtime's function behind a
    /// shim that spreads the flat result over its fixed signature.
    fn task_return(&mut self, ty: u32, options: Options, instance: u32) -> CoreDef {
        let runtime = self.lowering(
            Lowered::Async(AsyncBuiltin::TaskReturn),
            ty,
            options,
            instance,
        );
        let layout = kiln_abi::component::Layout::new(&self.d.types);
        let bytes = super::task_return::shim(&layout, &self.d.funcs[ty as usize]);
        self.modules.push(ModuleSource::Adapter(bytes));
        self.d.initializers.push(Initializer::Instantiate {
            module: self.modules.len() as u32 - 1,
            args: vec![runtime],
        });
        CoreDef::Export {
            instance: self.d.initializers.len() as u32 - 1,
            name: "adapter".into(),
            index: 0,
        }
    }

    /// The resource the host provides as `name` in `instance`.
    fn host_resource(&mut self, instance: &str, name: &str) -> u32 {
        let host = Some((instance.to_string(), name.to_string()));
        if let Some(r) = self.d.resources.iter().position(|r| r.host == host) {
            return r as u32;
        }
        self.d.resources.push(ResourceType {
            host,
            dtor: None,
            instance: None,
        });
        self.d.resources.len() as u32 - 1
    }

    /// The resource `instance` exports as `name`, if it does.
    fn instance_resource(&mut self, instance: &InstanceDef, name: &str) -> Option<u32> {
        match instance {
            InstanceDef::Host { name: host } => Some(self.host_resource(host, name)),
            InstanceDef::Items(items) => items.iter().find_map(|(n, item)| match item {
                Item::Type(Some(r)) if n == name => Some(*r),
                _ => None,
            }),
        }
    }

    fn import(&mut self, instance: &Option<String>, name: &str, ty: u32) -> u32 {
        let key = (instance.clone(), name.to_string());
        if let Some(&i) = self.imports.get(&key) {
            return i;
        }
        let i = self.d.imports.len() as u32;
        self.d.imports.push(Import {
            instance: instance.clone().map(Into::into),
            name: name.to_string().into(),
            ty,
        });
        self.imports.insert(key, i);
        i
    }
}

fn arg(args: &HashMap<String, Item>, name: &str) -> Item {
    args.get(name)
        .cloned()
        .expect("validation checked every import has an argument")
}

fn core_export(instance: &CoreInstanceDef, name: &str) -> CoreDef {
    match instance {
        CoreInstanceDef::Runtime { instance, exports } => CoreDef::Export {
            instance: *instance,
            name: name.to_string().into(),
            index: exports
                .binary_search_by(|e| e.as_str().cmp(name))
                .expect("validation checked the export exists") as u32,
        },
        CoreInstanceDef::Synthetic(map) => map
            .get(name)
            .cloned()
            .expect("validation checked the export exists"),
    }
}

impl Frame {
    /// What resource number `r` of the body's types is in this instance.
    fn resource(&self, r: u32) -> u32 {
        self.resources.get(&r).copied().unwrap_or(r)
    }

    fn push(&mut self, item: Item) {
        match item {
            Item::Func(f) => self.funcs.push(f),
            Item::Instance(i) => self.instances.push(i),
            Item::Module(m) => self.modules.push(m),
            Item::Component(c) => self.components.push(c),
            Item::Type(t) => self.types.push(t),
        }
    }

    fn item(&self, kind: ComponentExternalKind, index: u32, at: usize) -> Result<Item> {
        let i = index as usize;
        Ok(match kind {
            ComponentExternalKind::Func => Item::Func(self.funcs[i].clone()),
            ComponentExternalKind::Instance => Item::Instance(self.instances[i].clone()),
            ComponentExternalKind::Module => Item::Module(self.modules[i]),
            ComponentExternalKind::Component => Item::Component(self.components[i].clone()),
            ComponentExternalKind::Type => Item::Type(self.types[i]),
            ComponentExternalKind::Value => {
                return Err(unsupported(
                    "component-model values",
                    "a value passed between components",
                    at,
                ))
            }
        })
    }

    fn core(&self, kind: ExternalKind, index: u32) -> &CoreDef {
        let i = index as usize;
        match kind {
            ExternalKind::Func | ExternalKind::FuncExact => &self.core_funcs[i],
            ExternalKind::Memory => &self.core_memories[i],
            ExternalKind::Table => &self.core_tables[i],
            ExternalKind::Global => &self.core_globals[i],
            ExternalKind::Tag => unreachable!("push_core refuses tags"),
        }
    }

    fn push_core(&mut self, kind: ExternalKind, def: CoreDef, at: usize) -> Result<()> {
        match kind {
            ExternalKind::Func | ExternalKind::FuncExact => self.core_funcs.push(def),
            ExternalKind::Memory => self.core_memories.push(def),
            ExternalKind::Table => self.core_tables.push(def),
            ExternalKind::Global => self.core_globals.push(def),
            ExternalKind::Tag => {
                return Err(unsupported(
                    "exception-handling",
                    "a tag exported between core instances",
                    at,
                ))
            }
        }
        Ok(())
    }

    fn options(&self, o: &RawOptions) -> Options {
        Options {
            encoding: o.encoding,
            memory: o.memory.map(|m| self.core_memories[m as usize].clone()),
            realloc: o.realloc.map(|f| self.core_funcs[f as usize].clone()),
            post_return: o.post_return.map(|f| self.core_funcs[f as usize].clone()),
            async_: o.async_,
            callback: o.callback.map(|f| self.core_funcs[f as usize].clone()),
        }
    }
}
