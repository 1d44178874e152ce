//! The component description's encoding (see `codec` for its rules).

use super::*;
use crate::codec::{DecodeError, Read, Reader, Writer};

impl ComponentDescription {
    pub fn encode(&self, out: &mut Vec<u8>) {
        let w = &mut Writer(out);
        w.list(&self.types, |w, t| w.value_type(t));
        w.list(&self.funcs, |w, f| {
            w.list(&f.params, |w, (name, t)| {
                w.str(name);
                w.u(*t as u64);
            });
            w.option(f.result.as_ref(), |w, t| w.u(*t as u64));
        });
        w.list(&self.resources, |w, r| {
            w.option(r.host.as_ref(), |w, (instance, name)| {
                w.str(instance);
                w.str(name);
            });
            w.option(r.dtor.as_ref(), |w, d| w.core_def(d));
            w.option(r.instance.as_ref(), |w, i| w.u(*i as u64));
        });
        w.u(self.instances as u64);
        w.u(self.modules as u64);
        w.list(&self.imports, |w, i| {
            w.option(i.instance.as_ref(), |w, s| w.str(s));
            w.str(&i.name);
            w.u(i.ty as u64);
        });
        w.list(&self.lowerings, |w, l| {
            match &l.what {
                Lowered::Host { import } => {
                    w.byte(0);
                    w.u(*import as u64);
                }
                Lowered::Trap => w.byte(1),
                Lowered::ResourceDrop(r) => {
                    w.byte(2);
                    w.u(*r as u64);
                }
                Lowered::Raise(t) => {
                    w.byte(3);
                    w.byte(*t as u8);
                }
                Lowered::ResourceNew(r) => {
                    w.byte(4);
                    w.u(*r as u64);
                }
                Lowered::ResourceRep(r) => {
                    w.byte(5);
                    w.u(*r as u64);
                }
                Lowered::Transfer {
                    borrow,
                    resource,
                    from,
                    to,
                } => {
                    w.byte(6);
                    w.byte(*borrow as u8);
                    w.u(*resource as u64);
                    w.u(*from as u64);
                    w.u(*to as u64);
                }
                Lowered::EnterCall => w.byte(7),
                Lowered::ExitCall => w.byte(8),
                Lowered::LendToTask => w.byte(14),
                Lowered::BeginSyncTask { instance } => {
                    w.byte(15);
                    w.u(*instance as u64);
                }
                Lowered::Async(b) => {
                    let (code, arg, async_) = b.parts();
                    w.byte(9);
                    w.byte(code);
                    w.u(arg as u64);
                    w.byte(async_ as u8);
                }
                Lowered::EnterSubtask {
                    callee,
                    returner,
                    starter,
                } => {
                    w.byte(10);
                    w.u(*callee as u64);
                    w.option(returner.as_ref(), |w, d| w.core_def(d));
                    w.option(starter.as_ref(), |w, d| w.core_def(d));
                }
                Lowered::WaitSubtask => w.byte(13),
                Lowered::TransferChannel { ty, from, to } => {
                    w.byte(12);
                    w.u(*ty as u64);
                    w.u(*from as u64);
                    w.u(*to as u64);
                }
            }
            w.u(l.ty as u64);
            w.options(&l.options);
            w.u(l.instance as u64);
        });
        w.list(&self.initializers, |w, i| match i {
            Initializer::Instantiate { module, args } => {
                w.byte(0);
                w.u(*module as u64);
                w.list(args, |w, a| w.core_def(a));
            }
        });
        w.exports(&self.exports);
    }

    /// Read what `encode` wrote; an error for anything else, including an
    /// index that names nothing. Names are borrowed.
    pub fn decode(bytes: &'static [u8]) -> Result<ComponentDescription, DecodeError> {
        Self::decode_with(bytes, false)
    }

    /// As `decode`, for a description in loaded code: its names are not
    /// checked as UTF-8 again.
    ///
    /// # Safety
    /// `bytes` were written by `encode` (kiln's compiler, into the object
    /// whose code is loaded with them).
    #[allow(unsafe_code)]
    pub unsafe fn decode_loaded(bytes: &'static [u8]) -> Result<ComponentDescription, DecodeError> {
        Self::decode_with(bytes, true)
    }

    fn decode_with(
        bytes: &'static [u8],
        loaded: bool,
    ) -> Result<ComponentDescription, DecodeError> {
        let r = &mut Reader {
            bytes,
            at: 0,
            loaded,
        };
        let d = ComponentDescription {
            types: r.list(Reader::value_type)?,
            funcs: r.list(|r| {
                Ok(FuncType {
                    params: r.list(|r| Ok((r.string()?, r.u32()?)))?,
                    result: r.option(Reader::u32)?,
                })
            })?,
            resources: r.list(|r| {
                Ok(ResourceType {
                    host: r.option(|r| Ok((r.string()?, r.string()?)))?,
                    dtor: r.option(Reader::core_def)?,
                    instance: r.option(Reader::u32)?,
                })
            })?,
            instances: r.u32()?,
            modules: r.u32()?,
            imports: r.list(|r| {
                Ok(Import {
                    instance: r.option(Reader::name)?,
                    name: r.name()?,
                    ty: r.u32()?,
                })
            })?,
            lowerings: r.list(|r| {
                let what = match r.byte()? {
                    0 => Lowered::Host { import: r.u32()? },
                    1 => Lowered::Trap,
                    2 => Lowered::ResourceDrop(r.u32()?),
                    3 => match AdapterTrap::from_u8(r.byte()?) {
                        Some(t) => Lowered::Raise(t),
                        None => return r.fail("bad adapter trap"),
                    },
                    4 => Lowered::ResourceNew(r.u32()?),
                    5 => Lowered::ResourceRep(r.u32()?),
                    6 => Lowered::Transfer {
                        borrow: r.byte()? != 0,
                        resource: r.u32()?,
                        from: r.u32()?,
                        to: r.u32()?,
                    },
                    7 => Lowered::EnterCall,
                    8 => Lowered::ExitCall,
                    14 => Lowered::LendToTask,
                    15 => Lowered::BeginSyncTask { instance: r.u32()? },
                    9 => {
                        let (code, arg, async_) = (r.byte()?, r.u32()?, r.byte()? != 0);
                        match AsyncBuiltin::from_parts(code, arg, async_) {
                            Some(b) => Lowered::Async(b),
                            None => return r.fail("bad async built-in"),
                        }
                    }
                    10 => Lowered::EnterSubtask {
                        callee: r.u32()?,
                        returner: r.option(Reader::core_def)?,
                        starter: r.option(Reader::core_def)?,
                    },
                    13 => Lowered::WaitSubtask,
                    12 => Lowered::TransferChannel {
                        ty: r.u32()?,
                        from: r.u32()?,
                        to: r.u32()?,
                    },
                    _ => return r.fail("bad lowering kind"),
                };
                Ok(Lowering {
                    what,
                    ty: r.u32()?,
                    options: r.options()?,
                    instance: r.u32()?,
                })
            })?,
            initializers: r.list(|r| match r.byte()? {
                0 => Ok(Initializer::Instantiate {
                    module: r.u32()?,
                    args: r.list(Reader::core_def)?,
                }),
                _ => r.fail("bad initializer kind"),
            })?,
            exports: r.exports()?,
        };
        if r.at != bytes.len() {
            return r.fail("bytes after the description");
        }
        d.check_indices().map_err(|what| DecodeError {
            offset: bytes.len(),
            what,
        })?;
        Ok(d)
    }

    /// Every index names something that exists, types only earlier types
    /// (so that none is infinite), and core instances only earlier ones.
    fn check_indices(&self) -> Result<(), &'static str> {
        let n_types = self.types.len() as u32;
        for (i, t) in self.types.iter().enumerate() {
            let parts: Vec<TypeIndex> = match t {
                ValueType::List(t) | ValueType::Option(t) => alloc::vec![*t],
                ValueType::Record(fs) => fs.iter().map(|f| f.1).collect(),
                ValueType::Tuple(ts) => ts.clone(),
                ValueType::Variant(cs) => cs.iter().filter_map(|c| c.1).collect(),
                ValueType::Result { ok, err } => ok.iter().chain(err).copied().collect(),
                ValueType::Stream(t) | ValueType::Future(t) => t.iter().copied().collect(),
                _ => Vec::new(),
            };
            if parts.iter().any(|&p| p >= i as u32) {
                return Err("a type refers to itself or a later type");
            }
        }
        let resource_ok = |r: u32| (r as usize) < self.resources.len();
        for t in &self.types {
            if let ValueType::Own(r) | ValueType::Borrow(r) = t {
                if !resource_ok(*r) {
                    return Err("a handle type names a resource that does not exist");
                }
            }
        }
        let type_ok = |t: u32| t < n_types;
        for f in &self.funcs {
            if !f.params.iter().all(|p| type_ok(p.1)) || !f.result.is_none_or(type_ok) {
                return Err("a function type names a type that does not exist");
            }
        }
        let func_ok = |f: u32| (f as usize) < self.funcs.len();
        if !self.imports.iter().all(|i| func_ok(i.ty)) {
            return Err("an import names a function type that does not exist");
        }
        let n_lowerings = self.lowerings.len() as u32;
        let def_ok = |d: &CoreDef, instances: u32| match d {
            CoreDef::Export { instance, .. } => *instance < instances,
            CoreDef::Lowering(l) => *l < n_lowerings,
            CoreDef::Flags(i) => *i < self.instances,
        };
        let n_instances = self.initializers.len() as u32;
        let options_ok = |o: &Options| o.core_defs().all(|d| def_ok(d, n_instances));
        let dtors = self.resources.iter().filter_map(|r| r.dtor.as_ref());
        if !dtors.into_iter().all(|d| def_ok(d, n_instances)) {
            return Err("a resource's destructor names something that does not exist");
        }
        let component_ok = |i: u32| i < self.instances;
        if !self
            .resources
            .iter()
            .all(|r| r.instance.is_none_or(component_ok))
        {
            return Err("a resource names a component instance that does not exist");
        }
        for l in &self.lowerings {
            let what_ok = match l.what {
                Lowered::Host { import } => (import as usize) < self.imports.len(),
                Lowered::Trap => true,
                Lowered::ResourceDrop(r) | Lowered::ResourceNew(r) | Lowered::ResourceRep(r) => {
                    (r as usize) < self.resources.len()
                }
                Lowered::Raise(_)
                | Lowered::EnterCall
                | Lowered::ExitCall
                | Lowered::LendToTask => true,
                Lowered::BeginSyncTask { instance } => component_ok(instance),
                Lowered::Async(b) => b.type_operand().is_none_or(type_ok),
                Lowered::EnterSubtask {
                    callee,
                    ref returner,
                    ref starter,
                } => {
                    component_ok(callee)
                        && returner
                            .iter()
                            .chain(starter)
                            .all(|d| def_ok(d, n_instances))
                }
                Lowered::WaitSubtask => true,
                Lowered::TransferChannel { ty, from, to } => {
                    type_ok(ty) && component_ok(from) && component_ok(to)
                }
                Lowered::Transfer {
                    resource, from, to, ..
                } => {
                    (resource as usize) < self.resources.len()
                        && component_ok(from)
                        && component_ok(to)
                }
            };
            // Only these read a function type; the others' is 0, which a
            // component without function types does not have.
            let typed = matches!(
                l.what,
                Lowered::Host { .. }
                    | Lowered::Trap
                    | Lowered::EnterSubtask { .. }
                    | Lowered::Async(AsyncBuiltin::TaskReturn)
            );
            let ty_ok = !typed || func_ok(l.ty);
            if !what_ok || !ty_ok || !options_ok(&l.options) || !component_ok(l.instance) {
                return Err("a lowering names something that does not exist");
            }
        }
        for (n, i) in self.initializers.iter().enumerate() {
            let Initializer::Instantiate { module, args } = i;
            if *module >= self.modules || !args.iter().all(|a| def_ok(a, n as u32)) {
                return Err("an instantiation names something that does not exist");
            }
        }
        fn exports_ok(
            exports: &[Export],
            ok: &dyn Fn(&CoreDef) -> bool,
            func_ok: &dyn Fn(u32) -> bool,
            options_ok: &dyn Fn(&Options) -> bool,
        ) -> bool {
            exports.iter().all(|e| match &e.item {
                ExportItem::Func {
                    func,
                    ty,
                    options,
                    instance,
                } => {
                    ok(func)
                        && ok(&CoreDef::Flags(*instance))
                        && func_ok(*ty)
                        && options_ok(options)
                }
                ExportItem::Instance(inner) => exports_ok(inner, ok, func_ok, options_ok),
            })
        }
        if !exports_ok(
            &self.exports,
            &|d| def_ok(d, n_instances),
            &func_ok,
            &options_ok,
        ) {
            return Err("an export names something that does not exist");
        }
        Ok(())
    }
}

impl Writer<'_> {
    fn value_type(&mut self, t: &ValueType) {
        use ValueType::*;
        let simple = [
            Bool, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, Char, String,
        ];
        if let Some(i) = simple.iter().position(|s| s == t) {
            self.byte(i as u8);
            return;
        }
        match t {
            List(e) => {
                self.byte(13);
                self.u(*e as u64);
            }
            Record(fields) => {
                self.byte(14);
                self.list(fields, |w, (name, t)| {
                    w.str(name);
                    w.u(*t as u64);
                });
            }
            Tuple(items) => {
                self.byte(15);
                self.list(items, |w, t| w.u(*t as u64));
            }
            Variant(cases) => {
                self.byte(16);
                self.list(cases, |w, (name, t)| {
                    w.str(name);
                    w.option(t.as_ref(), |w, t| w.u(*t as u64));
                });
            }
            Enum(names) => {
                self.byte(17);
                self.list(names, |w, n| w.str(n));
            }
            Option(t) => {
                self.byte(18);
                self.u(*t as u64);
            }
            Result { ok, err } => {
                self.byte(19);
                self.option(ok.as_ref(), |w, t| w.u(*t as u64));
                self.option(err.as_ref(), |w, t| w.u(*t as u64));
            }
            Flags(names) => {
                self.byte(20);
                self.list(names, |w, n| w.str(n));
            }
            Own(r) => {
                self.byte(21);
                self.u(*r as u64);
            }
            Borrow(r) => {
                self.byte(22);
                self.u(*r as u64);
            }
            Stream(t) => {
                self.byte(23);
                self.option(t.as_ref(), |w, t| w.u(*t as u64));
            }
            Future(t) => {
                self.byte(24);
                self.option(t.as_ref(), |w, t| w.u(*t as u64));
            }
            ErrorContext => self.byte(25),
            _ => unreachable!("the simple types are above"),
        }
    }

    fn core_def(&mut self, d: &CoreDef) {
        match d {
            CoreDef::Export {
                instance,
                name,
                index,
            } => {
                self.byte(0);
                self.u(*instance as u64);
                self.str(name);
                self.u(*index as u64);
            }
            CoreDef::Lowering(l) => {
                self.byte(1);
                self.u(*l as u64);
            }
            CoreDef::Flags(i) => {
                self.byte(2);
                self.u(*i as u64);
            }
        }
    }

    fn options(&mut self, o: &Options) {
        self.byte(o.encoding as u8);
        self.option(o.memory.as_ref(), |w, d| w.core_def(d));
        self.option(o.realloc.as_ref(), |w, d| w.core_def(d));
        self.option(o.post_return.as_ref(), |w, d| w.core_def(d));
        self.byte(o.async_ as u8);
        self.option(o.callback.as_ref(), |w, d| w.core_def(d));
    }

    fn exports(&mut self, exports: &[Export]) {
        self.list(exports, |w, e| {
            w.str(&e.name);
            match &e.item {
                ExportItem::Func {
                    func,
                    ty,
                    options,
                    instance,
                } => {
                    w.byte(0);
                    w.core_def(func);
                    w.u(*ty as u64);
                    w.options(options);
                    w.u(*instance as u64);
                }
                ExportItem::Instance(inner) => {
                    w.byte(1);
                    w.exports(inner);
                }
            }
        });
    }
}

impl Reader<'static> {
    /// A name, borrowed.
    fn name(&mut self) -> Read<Name> {
        self.name_str().map(Name::Borrowed)
    }

    fn value_type(&mut self) -> Read<ValueType> {
        use ValueType::*;
        let simple = [
            Bool, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, Char, String,
        ];
        let tag = self.byte()?;
        if let Some(t) = simple.get(tag as usize) {
            return Ok(t.clone());
        }
        Ok(match tag {
            13 => List(self.u32()?),
            14 => Record(self.list(|r| Ok((r.string()?, r.u32()?)))?),
            15 => Tuple(self.list(Reader::u32)?),
            16 => Variant(self.list(|r| Ok((r.string()?, r.option(Reader::u32)?)))?),
            17 => Enum(self.list(Reader::string)?),
            18 => Option(self.u32()?),
            19 => Result {
                ok: self.option(Reader::u32)?,
                err: self.option(Reader::u32)?,
            },
            20 => Flags(self.list(Reader::string)?),
            21 => Own(self.u32()?),
            22 => Borrow(self.u32()?),
            23 => Stream(self.option(Reader::u32)?),
            24 => Future(self.option(Reader::u32)?),
            25 => ErrorContext,
            _ => return self.fail("bad value type"),
        })
    }

    fn core_def(&mut self) -> Read<CoreDef> {
        match self.byte()? {
            0 => Ok(CoreDef::Export {
                instance: self.u32()?,
                name: self.name()?,
                index: self.u32()?,
            }),
            1 => Ok(CoreDef::Lowering(self.u32()?)),
            2 => Ok(CoreDef::Flags(self.u32()?)),
            _ => self.fail("bad core definition"),
        }
    }

    fn options(&mut self) -> Read<Options> {
        let encoding = match self.byte()? {
            0 => StringEncoding::Utf8,
            1 => StringEncoding::Utf16,
            2 => StringEncoding::CompactUtf16,
            _ => return self.fail("bad string encoding"),
        };
        Ok(Options {
            encoding,
            memory: self.option(Reader::core_def)?,
            realloc: self.option(Reader::core_def)?,
            post_return: self.option(Reader::core_def)?,
            async_: self.byte()? != 0,
            callback: self.option(Reader::core_def)?,
        })
    }

    fn exports(&mut self) -> Read<Vec<Export>> {
        self.list(|r| {
            let name = r.name()?;
            let item = match r.byte()? {
                0 => ExportItem::Func {
                    func: r.core_def()?,
                    ty: r.u32()?,
                    options: r.options()?,
                    instance: r.u32()?,
                },
                1 => ExportItem::Instance(r.exports()?),
                _ => return r.fail("bad export kind"),
            };
            Ok(Export { name, item })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn sample() -> ComponentDescription {
        let utf8 = Options {
            memory: Some(CoreDef::Export {
                instance: 0,
                name: "memory".into(),
                index: 0,
            }),
            realloc: Some(CoreDef::Export {
                instance: 0,
                name: "realloc".into(),
                index: 0,
            }),
            ..Options::default()
        };
        ComponentDescription {
            types: vec![
                ValueType::U32,
                ValueType::String,
                ValueType::List(1),
                ValueType::Record(vec![("a".into(), 0), ("b".into(), 2)]),
                ValueType::Result {
                    ok: Some(3),
                    err: None,
                },
                ValueType::Flags(vec!["x".into(), "y".into()]),
                ValueType::Own(0),
                ValueType::Stream(Some(0)),
                ValueType::Future(None),
                ValueType::ErrorContext,
            ],
            funcs: vec![FuncType {
                params: vec![("s".into(), 1), ("f".into(), 5)],
                result: Some(4),
            }],
            resources: vec![ResourceType {
                dtor: None,
                host: Some(("wasi:io/streams@0.2.0".into(), "output-stream".into())),
                instance: None,
            }],
            instances: 2,
            modules: 1,
            imports: vec![Import {
                instance: Some("wasi:cli/stdout@0.2.0".into()),
                name: "get-stdout".into(),
                ty: 0,
            }],
            lowerings: vec![
                Lowering {
                    what: Lowered::ResourceDrop(0),
                    ty: 0,
                    options: Options::default(),
                    instance: 0,
                },
                Lowering {
                    what: Lowered::Host { import: 0 },
                    ty: 0,
                    options: Options {
                        encoding: StringEncoding::CompactUtf16,
                        ..utf8.clone()
                    },
                    instance: 1,
                },
                Lowering {
                    what: Lowered::Transfer {
                        borrow: true,
                        resource: 0,
                        from: 1,
                        to: 0,
                    },
                    ty: 0,
                    options: Options::default(),
                    instance: 1,
                },
                Lowering {
                    what: Lowered::Async(AsyncBuiltin::StreamCancelRead {
                        ty: 7,
                        async_: true,
                    }),
                    ty: 0,
                    options: Options {
                        async_: true,
                        callback: Some(CoreDef::Lowering(0)),
                        ..Options::default()
                    },
                    instance: 1,
                },
            ],
            initializers: vec![Initializer::Instantiate {
                module: 0,
                args: vec![CoreDef::Lowering(0), CoreDef::Flags(1)],
            }],
            exports: vec![Export {
                name: "api".into(),
                item: ExportItem::Instance(vec![Export {
                    name: "f".into(),
                    item: ExportItem::Func {
                        func: CoreDef::Export {
                            instance: 0,
                            name: "f".into(),
                            index: 0,
                        },
                        ty: 0,
                        options: utf8,
                        instance: 1,
                    },
                }]),
            }],
        }
    }

    #[test]
    fn async_builtins_round_trip() {
        for code in 0..=u8::MAX {
            if let Some(b) = AsyncBuiltin::from_parts(code, 3, true) {
                let (c, _, _) = b.parts();
                assert_eq!(c, code);
                let (c, arg, async_) = b.parts();
                assert_eq!(AsyncBuiltin::from_parts(c, arg, async_), Some(b));
            }
        }
    }

    #[test]
    fn round_trip() {
        let d = sample();
        let mut bytes = Vec::new();
        d.encode(&mut bytes);
        let bytes: &'static [u8] = bytes.leak();
        assert_eq!(ComponentDescription::decode(bytes), Ok(d));
    }

    #[test]
    fn every_truncation_is_an_error() {
        let mut bytes = Vec::new();
        sample().encode(&mut bytes);
        let bytes: &'static [u8] = bytes.leak();
        for n in 0..bytes.len() {
            assert!(ComponentDescription::decode(&bytes[..n]).is_err(), "{n}");
        }
    }

    #[test]
    fn an_instantiation_may_not_use_a_later_instance() {
        let mut d = sample();
        d.initializers = vec![Initializer::Instantiate {
            module: 0,
            args: vec![CoreDef::Export {
                instance: 0,
                name: "f".into(),
                index: 0,
            }],
        }];
        let mut bytes = Vec::new();
        d.encode(&mut bytes);
        let bytes: &'static [u8] = bytes.leak();
        let e = ComponentDescription::decode(bytes).unwrap_err();
        assert!(e.to_string().contains("instantiation"), "{e}");
    }

    #[test]
    fn a_type_may_not_contain_itself() {
        let mut d = sample();
        d.types[2] = ValueType::List(2);
        let mut bytes = Vec::new();
        d.encode(&mut bytes);
        let bytes: &'static [u8] = bytes.leak();
        assert!(ComponentDescription::decode(bytes).is_err());
    }

    #[test]
    fn a_transfer_may_not_name_a_missing_component_instance() {
        let mut d = sample();
        d.lowerings[2].what = Lowered::Transfer {
            borrow: false,
            resource: 0,
            from: 0,
            to: 2,
        };
        let mut bytes = Vec::new();
        d.encode(&mut bytes);
        let bytes: &'static [u8] = bytes.leak();
        let e = ComponentDescription::decode(bytes).unwrap_err();
        assert!(e.to_string().contains("lowering"), "{e}");
    }
}
