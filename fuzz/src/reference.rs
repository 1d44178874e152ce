//! The reference: the wasmi interpreter, an engine that shares no code with
//! kiln (nor with LLVM), driven through its library API.

use crate::outcome::{fnv1a, State, TrapKind, Value};
use crate::scenario::{Engine, ExportKind, Exports};
use wasmi::{Linker, Module, Ref, Store, Val};

pub struct Wasmi {
    engine: wasmi::Engine,
    store: Store<()>,
    instance: Option<wasmi::Instance>,
}

impl Default for Wasmi {
    fn default() -> Self {
        let engine = wasmi::Engine::default();
        let store = Store::new(&engine, ());
        Wasmi {
            engine,
            store,
            instance: None,
        }
    }
}

fn trap_kind(e: &wasmi::Error) -> TrapKind {
    use wasmi::TrapCode as W;
    match e.as_trap_code() {
        Some(W::UnreachableCodeReached) => TrapKind::Unreachable,
        Some(W::MemoryOutOfBounds) => TrapKind::MemoryOutOfBounds,
        Some(W::TableOutOfBounds) => TrapKind::TableOutOfBounds,
        Some(W::IndirectCallToNull) => TrapKind::IndirectCallToNull,
        Some(W::IntegerDivisionByZero) => TrapKind::IntegerDivideByZero,
        Some(W::IntegerOverflow) => TrapKind::IntegerOverflow,
        Some(W::BadConversionToInteger) => TrapKind::InvalidConversionToInteger,
        Some(W::StackOverflow) => TrapKind::StackExhausted,
        Some(W::BadSignature) => TrapKind::IndirectCallTypeMismatch,
        _ => TrapKind::Other(e.to_string()),
    }
}

fn to_wasmi(v: Value) -> Val {
    match v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(b) => Val::F32(wasmi::F32::from_bits(b)),
        Value::F64(b) => Val::F64(wasmi::F64::from_bits(b)),
        Value::FuncRef { .. } => Val::FuncRef(wasmi::Nullable::Null),
        Value::ExternRef { .. } => Val::ExternRef(wasmi::Nullable::Null),
    }
}

fn from_wasmi(v: &Val) -> Value {
    match v {
        Val::I32(x) => Value::I32(*x),
        Val::I64(x) => Value::I64(*x),
        Val::F32(x) => Value::F32(x.to_bits()),
        Val::F64(x) => Value::F64(x.to_bits()),
        Val::FuncRef(r) => Value::FuncRef { null: r.is_null() },
        Val::ExternRef(r) => Value::ExternRef { null: r.is_null() },
        Val::V128(_) => Value::I64(0),
    }
}

impl Engine for Wasmi {
    fn name(&self) -> String {
        "wasmi".into()
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<Result<(), TrapKind>, String> {
        let module = Module::new(&self.engine, wasm).map_err(|e| format!("wasmi: {e}"))?;
        let linker = Linker::<()>::new(&self.engine);
        match linker.instantiate_and_start(&mut self.store, &module) {
            Ok(i) => {
                self.instance = Some(i);
                Ok(Ok(()))
            }
            Err(e) if e.as_trap_code().is_some() => Ok(Err(trap_kind(&e))),
            // Segments that do not fit are reported as table and memory
            // errors, not traps.
            Err(e) if e.to_string().contains("out of bounds table access") => {
                Ok(Err(TrapKind::TableOutOfBounds))
            }
            Err(e) if e.to_string().contains("out of bounds memory access") => {
                Ok(Err(TrapKind::MemoryOutOfBounds))
            }
            Err(e) => Err(format!("wasmi: {e}")),
        }
    }

    fn call(&mut self, export: &str, args: &[Value]) -> Result<Vec<Value>, TrapKind> {
        let instance = self.instance.expect("instantiated");
        let Some(f) = instance.get_func(&self.store, export) else {
            return Err(TrapKind::Other(format!("no function {export}")));
        };
        let ty = f.ty(&self.store);
        let args: Vec<Val> = args.iter().map(|a| to_wasmi(*a)).collect();
        let mut results: Vec<Val> = ty
            .results()
            .iter()
            .map(|t| Val::default_for_ty(*t))
            .collect();
        match f.call(&mut self.store, &args, &mut results) {
            Ok(()) => Ok(results.iter().map(from_wasmi).collect()),
            Err(e) => Err(trap_kind(&e)),
        }
    }

    fn state(&self, exports: &Exports) -> State {
        let instance = self.instance.expect("instantiated");
        let mut s = State::default();
        for (name, kind) in &exports.items {
            match kind {
                ExportKind::Memory => {
                    if let Some(m) = instance.get_memory(&self.store, name) {
                        let data = m.data(&self.store);
                        s.memories.push((name.clone(), data.len(), fnv1a(data)));
                    }
                }
                ExportKind::Global => {
                    if let Some(g) = instance.get_global(&self.store, name) {
                        s.globals
                            .push((name.clone(), from_wasmi(&g.get(&self.store))));
                    }
                }
                ExportKind::Table => {
                    if let Some(t) = instance.get_table(&self.store, name) {
                        let nulls = (0..t.size(&self.store))
                            .map(|i| t.get(&self.store, i).is_none_or(|r: Ref| r.is_null()))
                            .collect();
                        s.tables.push((name.clone(), nulls));
                    }
                }
                ExportKind::Func => {}
            }
        }
        s
    }
}
