//! kiln under test, through its real AOT path as the spec runner takes it:
//! compile to objects, link a shared library, load it, instantiate, call.

use crate::outcome::{fnv1a, State, TrapKind, Value};
use crate::scenario::{Engine, ExportKind, Exports};
use kiln_abi::TrapCode;
use kiln_compiler::{BoundsChecks, CompileOptions};
use kiln_rt::{Extern, Instance, InstantiateError, Store, Val};

/// How kiln compiles the module under test.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    pub opt_level: u8,
    pub bounds_checks: BoundsChecks,
    /// Fuel and interrupt checks compiled in (with fuel that never runs
    /// out): they must change nothing else.
    pub interruption_checks: bool,
}

pub struct Kiln {
    pub setup: Setup,
    store: Store,
    instance: Option<*mut Instance>,
    scratch: kiln_linker::Scratch,
}

impl Kiln {
    pub fn new(setup: Setup) -> Result<Kiln, String> {
        Ok(Kiln {
            setup,
            store: Store::new(),
            instance: None,
            scratch: kiln_linker::Scratch::new().map_err(|e| e.to_string())?,
        })
    }

    fn instance(&self) -> &Instance {
        // SAFETY: instances live as long as the store, which `self` owns.
        unsafe { &*self.instance.expect("instantiated") }
    }
}

pub fn trap_kind(t: &kiln_rt::Trap) -> TrapKind {
    match t.code() {
        Some(TrapCode::Unreachable) => TrapKind::Unreachable,
        Some(TrapCode::MemoryOutOfBounds) => TrapKind::MemoryOutOfBounds,
        Some(TrapCode::TableOutOfBounds | TrapCode::UndefinedElement) => TrapKind::TableOutOfBounds,
        Some(TrapCode::UninitializedElement) => TrapKind::IndirectCallToNull,
        Some(TrapCode::IndirectCallTypeMismatch) => TrapKind::IndirectCallTypeMismatch,
        Some(TrapCode::IntegerDivideByZero) => TrapKind::IntegerDivideByZero,
        Some(TrapCode::IntegerOverflow) => TrapKind::IntegerOverflow,
        Some(TrapCode::InvalidConversionToInteger) => TrapKind::InvalidConversionToInteger,
        Some(TrapCode::CallStackExhausted) => TrapKind::StackExhausted,
        Some(TrapCode::NullReference) => TrapKind::NullReference,
        // Its message is the spec's for a memory access.
        Some(TrapCode::OutOfBoundsSegmentAccess) => TrapKind::MemoryOutOfBounds,
        Some(TrapCode::OutOfFuel | TrapCode::Interrupted) | None => TrapKind::Other(t.message()),
    }
}

fn to_kiln(v: Value) -> Val {
    match v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(b) => Val::F32(b),
        Value::F64(b) => Val::F64(b),
        Value::FuncRef { .. } => Val::FuncRef(0),
        Value::ExternRef { .. } => Val::ExternRef(0),
    }
}

fn from_kiln(v: Val) -> Value {
    match v {
        Val::I32(x) => Value::I32(x),
        Val::I64(x) => Value::I64(x),
        Val::F32(b) => Value::F32(b),
        Val::F64(b) => Value::F64(b),
        Val::FuncRef(p) => Value::FuncRef { null: p == 0 },
        Val::ExternRef(p) => Value::ExternRef { null: p == 0 },
    }
}

impl Engine for Kiln {
    fn name(&self) -> String {
        let bounds = match self.setup.bounds_checks {
            BoundsChecks::GuardPages => "guard",
            BoundsChecks::Explicit => "explicit",
        };
        let checks = if self.setup.interruption_checks {
            " with fuel and interrupt checks"
        } else {
            ""
        };
        format!("kiln -O{} {bounds}{checks}", self.setup.opt_level)
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Result<(), TrapKind>, String> {
        let opts = CompileOptions {
            opt_level: self.setup.opt_level,
            bounds_checks: self.setup.bounds_checks,
            consume_fuel: self.setup.interruption_checks,
            interruptible: self.setup.interruption_checks,
            jobs: 1,
            ..CompileOptions::default()
        };
        let compiled = kiln_compiler::compile(wasm, &opts).map_err(|e| format!("compile: {e}"))?;
        let so = self.scratch.dir.join("module.so");
        kiln_linker::link_shared(&compiled.objects, &so).map_err(|e| format!("link: {e}"))?;
        let module =
            kiln_rt::load_shared_library(&so, &opts.prefix).map_err(|e| format!("load: {e}"))?;
        let _ = std::fs::remove_file(&so);
        match self.store.instantiate(module, &[]) {
            Ok(i) => {
                self.instance = Some(i);
                Ok(Ok(()))
            }
            Err(InstantiateError::Trap(t)) => Ok(Err(trap_kind(&t))),
            Err(e) => Err(format!("instantiate: {e}")),
        }
    }

    fn call(&mut self, export: &str, args: &[Value]) -> Result<Vec<Value>, TrapKind> {
        let Some(Extern::Func(f)) = self.instance().export(export) else {
            return Err(TrapKind::Other(format!("no function {export}")));
        };
        let args: Vec<Val> = args.iter().map(|a| to_kiln(*a)).collect();
        match self.store.call(f, &args) {
            Ok(vals) => Ok(vals.into_iter().map(from_kiln).collect()),
            Err(t) => Err(trap_kind(&t)),
        }
    }

    fn state(&self, exports: &Exports) -> State {
        let instance = self.instance();
        let mut s = State::default();
        for (name, kind) in &exports.items {
            // SAFETY: what an instance exports lives as long as the store.
            match (kind, instance.export(name)) {
                (ExportKind::Memory, Some(Extern::Memory(m))) => {
                    let data = unsafe { &*m }.data();
                    s.memories.push((name.clone(), data.len(), fnv1a(data)));
                }
                (ExportKind::Global, Some(Extern::Global(g))) => {
                    s.globals
                        .push((name.clone(), from_kiln(unsafe { &*g }.get())));
                }
                (ExportKind::Table, Some(Extern::Table(t))) => {
                    let t = unsafe { &*t };
                    let elements = t.get_range(0, t.len()).unwrap_or_default();
                    s.tables
                        .push((name.clone(), elements.iter().map(|e| *e == 0).collect()));
                }
                _ => {}
            }
        }
        s
    }
}
