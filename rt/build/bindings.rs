//! The generator behind rt/build.rs: Rust types and `extern "C"` shims
//! for the WASI interfaces kiln's host provides, from WASI's WIT.

use std::fmt::Write;
use wit_parser::abi::{AbiVariant, WasmType};
use wit_parser::{
    Function, FunctionKind, Handle, InterfaceId, Resolve, SizeAlign, Type, TypeDefKind, TypeId,
    TypeOwner,
};

pub struct Gen<'a> {
    pub resolve: &'a Resolve,
    pub sizes: &'a SizeAlign,
    /// `p2` or `p3`: where the bindings (`crate::wasi::{layer}::bindings`)
    /// and the host's functions (`…::host`) live.
    pub layer: &'static str,
    /// Whether the host provides interface `wasi:pkg/name`.
    pub provides: fn(&str) -> bool,
    /// Whether it leaves out function `.1` of interface `.0`.
    pub skips: fn(&str, &str) -> bool,
    /// Whether the host's function `.1` of interface `.0` may complete
    /// after it returns: it returns `Async<R>`, not `R`.
    pub suspends: fn(&str, &str) -> bool,
}

fn snake(s: &str) -> String {
    s.replace(['-', '.', ':', '/'], "_")
}

fn pascal(s: &str) -> String {
    s.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Rust's keywords that WIT names use.
fn ident(s: &str) -> String {
    let s = snake(s);
    match s.as_str() {
        "type" | "in" | "self" | "move" | "ref" | "match" | "use" | "mod" | "fn" => {
            format!("r#{s}")
        }
        _ => s,
    }
}

impl Gen<'_> {
    fn interface_name(&self, id: InterfaceId) -> Option<String> {
        let i = &self.resolve.interfaces[id];
        let pkg = &self.resolve.packages[i.package?];
        Some(format!(
            "{}:{}/{}",
            pkg.name.namespace,
            pkg.name.name,
            i.name.as_ref()?
        ))
    }

    fn provided(&self) -> Vec<(InterfaceId, String)> {
        let mut v: Vec<(InterfaceId, String)> = self
            .resolve
            .interfaces
            .iter()
            .filter_map(|(id, _)| {
                let name = self.interface_name(id)?;
                (self.provides)(&name).then_some((id, name))
            })
            .collect();
        v.sort_by(|a, b| a.1.cmp(&b.1));
        v
    }

    fn module(&self, iface: InterfaceId) -> String {
        snake(&self.interface_name(iface).unwrap())
    }

    /// Where the Rust type for typedef `id` lives.
    fn named(&self, id: TypeId) -> String {
        let t = &self.resolve.types[id];
        let TypeOwner::Interface(owner) = t.owner else {
            panic!("a WASI type outside an interface")
        };
        let name = pascal(t.name.as_ref().unwrap());
        match t.kind {
            TypeDefKind::Resource => {
                format!(
                    "crate::wasi::{}::host::{}::{name}",
                    self.layer,
                    self.module(owner)
                )
            }
            _ => format!(
                "crate::wasi::{}::bindings::{}::{name}",
                self.layer,
                self.module(owner)
            ),
        }
    }

    fn rust(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "u8".into(),
            Type::S8 => "i8".into(),
            Type::U16 => "u16".into(),
            Type::S16 => "i16".into(),
            Type::U32 => "u32".into(),
            Type::S32 => "i32".into(),
            Type::U64 => "u64".into(),
            Type::S64 => "i64".into(),
            Type::F32 => "f32".into(),
            Type::F64 => "f64".into(),
            Type::Char => "char".into(),
            Type::String => "String".into(),
            Type::ErrorContext => panic!("error-context in WASI"),
            Type::Id(id) => self.rust_id(*id),
        }
    }

    fn rust_id(&self, id: TypeId) -> String {
        let t = &self.resolve.types[id];
        match &t.kind {
            TypeDefKind::Type(inner) => self.rust(inner),
            _ if t.name.is_some() => self.named(id),
            _ => self.structural(id),
        }
    }

    /// The Rust type of an anonymous type, whatever its name.
    fn structural(&self, id: TypeId) -> String {
        let t = &self.resolve.types[id];
        match &t.kind {
            TypeDefKind::List(Type::U8) => "crate::component::abi::Bytes".into(),
            TypeDefKind::List(e) => format!("Vec<{}>", self.rust(e)),
            TypeDefKind::Option(e) => format!("Option<{}>", self.rust(e)),
            TypeDefKind::Result(r) => format!(
                "Result<{}, {}>",
                r.ok.as_ref().map_or("()".into(), |t| self.rust(t)),
                r.err.as_ref().map_or("()".into(), |t| self.rust(t))
            ),
            TypeDefKind::Tuple(t) if (1..=8).contains(&t.types.len()) => {
                let parts: Vec<String> = t.types.iter().map(|t| self.rust(t)).collect();
                format!("({},)", parts.join(", "))
            }
            TypeDefKind::Handle(Handle::Own(r)) => {
                format!("crate::component::abi::Own<{}>", self.rust_id(*r))
            }
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                format!("crate::component::abi::Borrow<{}>", self.rust_id(*r))
            }
            TypeDefKind::Stream(Some(t)) => {
                format!(
                    "crate::component::concurrent::StreamReader<{}>",
                    self.rust(t)
                )
            }
            TypeDefKind::Future(Some(t)) => {
                format!(
                    "crate::component::concurrent::FutureReader<{}>",
                    self.rust(t)
                )
            }
            other => panic!("WASI type {other:?} has no Rust type yet"),
        }
    }

    fn size(&self, ty: &Type) -> usize {
        self.sizes.size(ty).size_wasm32()
    }

    fn align(&self, ty: &Type) -> usize {
        self.sizes.align(ty).align_wasm32()
    }

    /// The functions of `iface` the host provides, but those `(self.skips)`
    /// names.
    fn functions(&self, iface: InterfaceId) -> impl Iterator<Item = &Function> {
        let name = self.interface_name(iface).unwrap();
        self.resolve.interfaces[iface]
            .functions
            .values()
            .filter(move |f| !(self.skips)(&name, &f.name))
    }

    pub fn generate(&self) -> String {
        let mut out = String::from("// Generated by rt/build.rs from WASI's WIT; do not edit.\n\n");
        let provided = self.provided();
        for (id, name) in &provided {
            let _ = writeln!(out, "/// `{name}`");
            let _ = writeln!(out, "pub mod {} {{", self.module(*id));
            let _ = writeln!(out, "#![allow(unused_imports, clippy::all)]");
            let _ = writeln!(out, "use crate::component::abi::*;");
            let _ = writeln!(out, "use crate::component::HostContext;");
            let _ = writeln!(out, "use crate::traps::Trap;\n");
            let iface = &self.resolve.interfaces[*id];
            for (tname, tid) in &iface.types {
                self.typedef(&mut out, tname, *tid);
            }
            for f in self.functions(*id) {
                self.shim(&mut out, *id, f, AbiVariant::GuestImport);
                if f.kind.is_async() {
                    self.shim(&mut out, *id, f, AbiVariant::GuestImportAsync);
                }
            }
            out.push_str("}\n\n");
        }
        // The registry: functions and resource types by interface and name.
        out.push_str("/// The shims of function `func` of `interface` (no version), lowered\n/// synchronously and, for an async function, asynchronously.\n");
        out.push_str("pub fn lookup(interface: &str, func: &str) -> Option<crate::component::HostFunc> {\n    Some(match (interface, func) {\n");
        for (id, name) in &provided {
            for f in self.functions(*id) {
                let shim = |variant| {
                    format!(
                        "({}::shim_{}{} as *const () as usize, {:?})",
                        self.module(*id),
                        self.fn_name(f),
                        if variant == AbiVariant::GuestImportAsync {
                            "_async"
                        } else {
                            ""
                        },
                        self.core_signature(f, variant)
                    )
                };
                let asynchronous = match f.kind.is_async() {
                    true => format!("Some({})", shim(AbiVariant::GuestImportAsync)),
                    false => "None".into(),
                };
                let _ = writeln!(
                    out,
                    "        ({name:?}, {:?}) => crate::component::HostFunc::new({}, {asynchronous}),",
                    f.name,
                    shim(AbiVariant::GuestImport),
                );
            }
        }
        out.push_str("        _ => return None,\n    })\n}\n\n");
        out.push_str("/// The Rust type of resource `name` of `interface` (no version).\n");
        out.push_str("pub fn resource_type(interface: &str, name: &str) -> Option<std::any::TypeId> {\n    Some(match (interface, name) {\n");
        for (id, name) in &provided {
            // Resources, and the names other interfaces `use` them by.
            for (tname, tid) in &self.resolve.interfaces[*id].types {
                let mut target = *tid;
                while let TypeDefKind::Type(Type::Id(inner)) = self.resolve.types[target].kind {
                    target = inner;
                }
                if matches!(self.resolve.types[target].kind, TypeDefKind::Resource) {
                    let _ = writeln!(
                        out,
                        "        ({name:?}, {tname:?}) => std::any::TypeId::of::<{}>(),",
                        self.named(target)
                    );
                }
            }
        }
        out.push_str("        _ => return None,\n    })\n}\n");
        out
    }

    fn typedef(&self, out: &mut String, tname: &str, tid: TypeId) {
        let t = &self.resolve.types[tid];
        let name = pascal(tname);
        let ty = Type::Id(tid);
        let (size, align) = (self.size(&ty), self.align(&ty));
        let typed = |out: &mut String, flat: &str| {
            let _ = writeln!(
                out,
                "impl Typed for {name} {{ const SIZE: u32 = {size}; const ALIGN: u32 = {align}; const FLAT: usize = {flat}; }}"
            );
        };
        match &t.kind {
            // A resource is the host's own type; a `use`d type or alias
            // is the type it names.
            TypeDefKind::Resource => {}
            TypeDefKind::Type(inner) => {
                let _ = writeln!(out, "pub type {name} = {};", self.rust(inner));
            }
            TypeDefKind::Record(r) => {
                let fields: Vec<(String, String, usize)> = {
                    let offsets = self.sizes.field_offsets(r.fields.iter().map(|f| &f.ty));
                    r.fields
                        .iter()
                        .zip(offsets)
                        .map(|(f, (off, _))| (ident(&f.name), self.rust(&f.ty), off.size_wasm32()))
                        .collect()
                };
                out.push_str(self.derives(&ty));
                let _ = writeln!(out, "pub struct {name} {{");
                for (f, t, _) in &fields {
                    let _ = writeln!(out, "    pub {f}: {t},");
                }
                out.push_str("}\n");
                let flat = fields
                    .iter()
                    .map(|(_, t, _)| format!("<{t} as Typed>::FLAT"))
                    .collect::<Vec<_>>()
                    .join(" + ");
                typed(out, if flat.is_empty() { "0" } else { &flat });
                let _ = writeln!(out, "impl Lift for {name} {{");
                out.push_str("    fn lift_flat(cx: &mut Cx, flat: &[u64]) -> Result<Self, Trap> {\n        let mut at = 0;\n");
                for (f, t, _) in &fields {
                    let _ = writeln!(out, "        let {f} = <{t}>::lift_flat(cx, &flat[at..at + <{t} as Typed>::FLAT])?; at += <{t} as Typed>::FLAT;");
                }
                let _ = writeln!(
                    out,
                    "        let _ = at;\n        Ok({name} {{ {} }})\n    }}",
                    fields
                        .iter()
                        .map(|f| f.0.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                out.push_str("    fn load(cx: &mut Cx, ptr: u32) -> Result<Self, Trap> {\n");
                let _ = writeln!(
                    out,
                    "        Ok({name} {{ {} }})\n    }}\n}}",
                    fields
                        .iter()
                        .map(|(f, t, off)| format!("{f}: <{t}>::load(cx, ptr + {off})?"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let _ = writeln!(out, "impl Lower for {name} {{");
                out.push_str("    fn lower_flat(self, cx: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {\n        let mut at = 0;\n");
                for (f, t, _) in &fields {
                    let _ = writeln!(out, "        self.{f}.lower_flat(cx, &mut flat[at..at + <{t} as Typed>::FLAT])?; at += <{t} as Typed>::FLAT;");
                }
                out.push_str("        let _ = at;\n        Ok(())\n    }\n");
                out.push_str("    fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {\n");
                for (f, _, off) in &fields {
                    let _ = writeln!(out, "        self.{f}.store(cx, ptr + {off})?;");
                }
                out.push_str("        Ok(())\n    }\n}\n");
            }
            TypeDefKind::Variant(v) => {
                let cases: Vec<(String, Option<String>)> = v
                    .cases
                    .iter()
                    .map(|c| (pascal(&c.name), c.ty.as_ref().map(|t| self.rust(t))))
                    .collect();
                let payload_align = v
                    .cases
                    .iter()
                    .filter_map(|c| c.ty.as_ref())
                    .map(|t| self.align(t))
                    .max()
                    .unwrap_or(1);
                out.push_str(self.derives(&ty));
                self.variant(out, &name, &cases, size, align, payload_align);
            }
            TypeDefKind::Enum(e) => {
                out.push_str(self.derives(&ty));
                let cases: Vec<(String, Option<String>)> =
                    e.cases.iter().map(|c| (pascal(&c.name), None)).collect();
                self.variant(out, &name, &cases, size, align, 1);
            }
            TypeDefKind::Flags(f) => {
                assert!(f.flags.len() <= 32, "flags of more than 32 in WASI");
                let _ = writeln!(
                    out,
                    "#[derive(Clone, Copy, Debug, PartialEq, Eq)]\npub struct {name}(pub u32);"
                );
                let _ = writeln!(out, "impl {name} {{");
                for (i, flag) in f.flags.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "    pub const {}: u32 = 1 << {i};",
                        snake(&flag.name).to_uppercase()
                    );
                }
                out.push_str("}\n");
                typed(out, "1");
                let int = match size {
                    1 => "u8",
                    2 => "u16",
                    _ => "u32",
                };
                let _ = writeln!(out, "impl Lift for {name} {{\n    fn lift_flat(_: &mut Cx, flat: &[u64]) -> Result<Self, Trap> {{ Ok({name}(flat[0] as u32)) }}\n    fn load(cx: &mut Cx, ptr: u32) -> Result<Self, Trap> {{ Ok({name}(<{int}>::load(cx, ptr)? as u32)) }}\n}}");
                let _ = writeln!(out, "impl Lower for {name} {{\n    fn lower_flat(self, _: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {{ flat[0] = self.0 as u64; Ok(()) }}\n    fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {{ (self.0 as {int}).store(cx, ptr) }}\n}}");
            }
            // A named tuple (`ipv4-address`) or list (`field-value`) is an
            // alias of the Rust type.
            TypeDefKind::Tuple(_) | TypeDefKind::List(_) | TypeDefKind::Option(_) => {
                let _ = writeln!(out, "pub type {name} = {};", self.structural(tid));
            }
            other => panic!("WASI typedef {tname} is {other:?}, which has no Rust type yet"),
        }
    }

    /// Whether values of `ty` are plain data, holding no handle.
    fn plain(&self, ty: &Type) -> bool {
        let Type::Id(id) = ty else { return true };
        let some = |t: &Option<Type>| t.as_ref().is_none_or(|t| self.plain(t));
        match &self.resolve.types[*id].kind {
            TypeDefKind::Type(t) | TypeDefKind::List(t) | TypeDefKind::Option(t) => self.plain(t),
            TypeDefKind::Record(r) => r.fields.iter().all(|f| self.plain(&f.ty)),
            TypeDefKind::Tuple(t) => t.types.iter().all(|t| self.plain(t)),
            TypeDefKind::Variant(v) => v.cases.iter().all(|c| some(&c.ty)),
            TypeDefKind::Result(r) => some(&r.ok) && some(&r.err),
            TypeDefKind::Enum(_) | TypeDefKind::Flags(_) => true,
            _ => false,
        }
    }

    /// Plain data can be copied and printed.
    fn derives(&self, ty: &Type) -> &'static str {
        if self.plain(ty) {
            "#[derive(Clone, Debug)]\n"
        } else {
            ""
        }
    }

    /// A variant or enum: a Rust enum and its layout, with a one-byte
    /// discriminant (no WASI variant has more than 256 cases).
    fn variant(
        &self,
        out: &mut String,
        name: &str,
        cases: &[(String, Option<String>)],
        size: usize,
        align: usize,
        payload_align: usize,
    ) {
        assert!(cases.len() <= 256);
        let _ = writeln!(out, "pub enum {name} {{");
        for (c, p) in cases {
            match p {
                Some(p) => {
                    let _ = writeln!(out, "    {c}({p}),");
                }
                None => {
                    let _ = writeln!(out, "    {c},");
                }
            }
        }
        out.push_str("}\n");
        let payloads: Vec<String> = cases
            .iter()
            .filter_map(|c| c.1.clone())
            .map(|p| format!("<{p} as Typed>::FLAT"))
            .collect();
        let flat = payloads
            .iter()
            .fold("0".to_string(), |acc, p| format!("flat_max({acc}, {p})"));
        let _ = writeln!(
            out,
            "impl Typed for {name} {{ const SIZE: u32 = {size}; const ALIGN: u32 = {align}; const FLAT: usize = 1 + {flat}; }}"
        );
        let payload_at = (1usize).div_ceil(payload_align) * payload_align;
        let _ = writeln!(out, "impl Lift for {name} {{");
        out.push_str("    fn lift_flat(cx: &mut Cx, flat: &[u64]) -> Result<Self, Trap> {\n        Ok(match flat[0] as u32 {\n");
        for (i, (c, p)) in cases.iter().enumerate() {
            match p {
                Some(p) => {
                    let _ = writeln!(out, "            {i} => {name}::{c}(<{p}>::lift_flat(cx, &flat[1..1 + <{p} as Typed>::FLAT])?),");
                }
                None => {
                    let _ = writeln!(out, "            {i} => {name}::{c},");
                }
            }
        }
        out.push_str("            _ => return Err(trap(crate::traps::ComponentTrap::InvalidDiscriminant)),\n        })\n    }\n");
        out.push_str("    fn load(cx: &mut Cx, ptr: u32) -> Result<Self, Trap> {\n        Ok(match u8::load(cx, ptr)? {\n");
        for (i, (c, p)) in cases.iter().enumerate() {
            match p {
                Some(p) => {
                    let _ = writeln!(
                        out,
                        "            {i} => {name}::{c}(<{p}>::load(cx, ptr + {payload_at})?),"
                    );
                }
                None => {
                    let _ = writeln!(out, "            {i} => {name}::{c},");
                }
            }
        }
        out.push_str("            _ => return Err(trap(crate::traps::ComponentTrap::InvalidDiscriminant)),\n        })\n    }\n}\n");
        let _ = writeln!(out, "impl Lower for {name} {{");
        out.push_str("    fn lower_flat(self, cx: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {\n        match self {\n");
        for (i, (c, p)) in cases.iter().enumerate() {
            match p {
                Some(p) => {
                    let _ = writeln!(out, "            {name}::{c}(v) => {{ flat[0] = {i}; v.lower_flat(cx, &mut flat[1..1 + <{p} as Typed>::FLAT]) }}");
                }
                None => {
                    let _ = writeln!(
                        out,
                        "            {name}::{c} => {{ flat[0] = {i}; Ok(()) }}"
                    );
                }
            }
        }
        out.push_str("        }\n    }\n");
        out.push_str("    fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {\n        match self {\n");
        for (i, (c, p)) in cases.iter().enumerate() {
            match p {
                Some(_) => {
                    let _ = writeln!(out, "            {name}::{c}(v) => {{ ({i} as u8).store(cx, ptr)?; v.store(cx, ptr + {payload_at}) }}");
                }
                None => {
                    let _ = writeln!(
                        out,
                        "            {name}::{c} => ({i} as u8).store(cx, ptr),"
                    );
                }
            }
        }
        out.push_str("        }\n    }\n}\n");
    }

    /// The shim's core signature, as `lookup` spells it.
    fn core_signature(&self, f: &Function, variant: AbiVariant) -> String {
        let sig = self.resolve.wasm_signature(variant, f);
        let letter = |t: &WasmType| match t {
            WasmType::I64 | WasmType::PointerOrI64 => 'I',
            WasmType::F32 => 'f',
            WasmType::F64 => 'F',
            _ => 'i',
        };
        let params: String = sig.params.iter().map(letter).collect();
        let results: String = sig.results.iter().map(letter).collect();
        format!("{params}>{results}")
    }

    fn fn_name(&self, f: &Function) -> String {
        let base = match &f.kind {
            FunctionKind::Constructor(r) => {
                format!("{}-new", self.resolve.types[*r].name.as_ref().unwrap())
            }
            _ => match f.name.find(']') {
                Some(i) => f.name[i + 1..].to_string(),
                None => f.name.clone(),
            },
        };
        snake(&base)
    }

    /// `extern "C" fn shim_NAME(ctx, flat params...) -> flat result`; for
    /// an async lowering, `shim_NAME_async`: its result goes to the
    /// pointer after its parameters, and it returns the subtask's state:
    /// returned (2), or, for a host function that suspends, a subtask
    /// started (its handle above the low four bits).
    fn shim(&self, out: &mut String, iface: InterfaceId, f: &Function, variant: AbiVariant) {
        let sig = self.resolve.wasm_signature(variant, f);
        let asynchronous = variant == AbiVariant::GuestImportAsync;
        let wasm = |t: &WasmType| match t {
            WasmType::I32 | WasmType::Pointer | WasmType::Length => "i32",
            WasmType::I64 | WasmType::PointerOrI64 => "i64",
            WasmType::F32 => "f32",
            WasmType::F64 => "f64",
        };
        let bits = |i: usize, t: &WasmType| match t {
            WasmType::F32 => format!("p{i}.to_bits() as u64"),
            WasmType::F64 => format!("p{i}.to_bits()"),
            WasmType::I64 | WasmType::PointerOrI64 => format!("p{i} as u64"),
            _ => format!("p{i} as u32 as u64"),
        };
        let name = self.fn_name(f);
        let params: Vec<String> = sig
            .params
            .iter()
            .enumerate()
            .map(|(i, t)| format!("p{i}: {}", wasm(t)))
            .collect();
        let ret = sig.results.first().map(wasm);
        let _ = writeln!(out, "/// `{}`", f.name);
        let _ = writeln!(
            out,
            "pub extern \"C\" fn shim_{name}{}(ctx: &HostContext{}{}){} {{",
            if asynchronous { "_async" } else { "" },
            if params.is_empty() { "" } else { ", " },
            params.join(", "),
            ret.map(|r| format!(" -> {r}")).unwrap_or_default()
        );
        let _ = writeln!(out, "    let mut cx = Cx::new(ctx);");
        let flat: Vec<String> = sig
            .params
            .iter()
            .enumerate()
            .map(|(i, t)| bits(i, t))
            .collect();
        let _ = writeln!(
            out,
            "    let flat: [u64; {}] = [{}];",
            flat.len(),
            flat.join(", ")
        );
        let _ = writeln!(out, "    let outcome = (|| -> Result<u64, Trap> {{");
        let _ = writeln!(out, "        cx.check_may_leave()?;");
        let arg_types: Vec<String> = f.params.iter().map(|p| self.rust(&p.ty)).collect();
        if sig.indirect_params {
            let offsets = self.sizes.field_offsets(f.params.iter().map(|p| &p.ty));
            let rec = self.sizes.record(f.params.iter().map(|p| &p.ty));
            let _ = writeln!(
                out,
                "        let base = flat[0] as u32; cx.range(base, {}, {}, crate::traps::Region::Params)?;",
                rec.size.size_wasm32(),
                rec.align.align_wasm32()
            );
            for (i, (t, (off, _))) in arg_types.iter().zip(offsets).enumerate() {
                let _ = writeln!(
                    out,
                    "        let a{i} = <{t}>::load(&mut cx, base + {})?;",
                    off.size_wasm32()
                );
            }
        } else {
            out.push_str("        let mut at = 0;\n");
            for (i, t) in arg_types.iter().enumerate() {
                let _ = writeln!(out, "        let a{i} = <{t}>::lift_flat(&mut cx, &flat[at..at + <{t} as Typed>::FLAT])?; at += <{t} as Typed>::FLAT;");
            }
        }
        let args: Vec<String> = (0..arg_types.len()).map(|i| format!(", a{i}")).collect();
        let _ = writeln!(
            out,
            "        let r = crate::wasi::{}::host::{}::{}(&mut cx{})?;",
            self.layer,
            self.module(iface),
            ident(&name),
            args.concat()
        );
        let suspends = (self.suspends)(&self.interface_name(iface).unwrap(), &f.name);
        if suspends && !asynchronous {
            out.push_str("        let r = cx.block_on(r)?;\n");
        }
        match (&f.result, sig.retptr) {
            (None, _) if suspends && asynchronous => {
                out.push_str("        cx.lower_async(r, |_, ()| Ok(())).map(u64::from)\n")
            }
            (None, _) if asynchronous => out.push_str("        let () = r;\n        Ok(2)\n"),
            (None, _) => out.push_str("        let () = r;\n        Ok(0)\n"),
            (Some(rt), true) => {
                let t = self.rust(rt);
                let _ = writeln!(
                    out,
                    "        let ptr = flat[{}] as u32;",
                    sig.params.len() - 1
                );
                let _ = writeln!(out, "        cx.range(ptr, <{t} as Typed>::SIZE as u64, <{t} as Typed>::ALIGN, crate::traps::Region::Return)?;");
                if suspends && asynchronous {
                    out.push_str(
                        "        cx.lower_async(r, move |cx, r| r.store(cx, ptr)).map(u64::from)\n",
                    );
                } else {
                    let status = if asynchronous { 2 } else { 0 };
                    let _ = writeln!(out, "        r.store(&mut cx, ptr)?;\n        Ok({status})");
                }
            }
            (Some(_), false) => {
                out.push_str("        let mut res = [0u64; 1];\n        r.lower_flat(&mut cx, &mut res)?;\n        Ok(res[0])\n");
            }
        }
        out.push_str("    })();\n");
        let convert = match ret {
            None => "",
            Some("i32") => " as u32 as i32",
            Some("i64") => " as i64",
            Some("f32") => "",
            _ => "",
        };
        match ret {
            Some("f32") => out.push_str("    match outcome { Ok(v) => f32::from_bits(v as u32), Err(t) => crate::traps::raise_host(t.kind) }\n"),
            Some("f64") => out.push_str("    match outcome { Ok(v) => f64::from_bits(v), Err(t) => crate::traps::raise_host(t.kind) }\n"),
            None => out.push_str("    if let Err(t) = outcome { crate::traps::raise_host(t.kind) }\n"),
            _ => {
                let _ = writeln!(out, "    match outcome {{ Ok(v) => v{convert}, Err(t) => crate::traps::raise_host(t.kind) }}");
            }
        }
        out.push_str("}\n\n");
    }
}
