//! Running a module as a program: instantiate, call `_start` or a named
//! export with arguments from the command line, print results, and turn the
//! outcome into an exit status. Shared by `kiln run` and built executables.

use crate::{Extern, InstantiateError, Module, Store, TrapKind, Val};
use wasmparser::ValType;

/// Exit status of a trap, as the wasmtime CLI uses.
pub const TRAP_EXIT: i32 = 134;
/// Stack of the thread that runs a program; wasm may use all but the
/// runtime's reserve before exhaustion traps.
pub const WASM_THREAD_STACK: usize = 64 << 20;

/// Exit status for errors before any wasm ran (bad arguments, imports).
pub const ERROR_EXIT: i32 = 1;

/// Run `module`; `program` names it in messages. Returns the exit status.
pub fn run_program(
    module: &'static Module,
    program: &str,
    entry: Option<&str>,
    args: &[String],
) -> i32 {
    if let Some(imp) = module.imports.first() {
        eprintln!(
            "{program}: unsupported: import {}::{} (host imports such as WASI are not implemented yet)",
            imp.module, imp.name
        );
        return ERROR_EXIT;
    }
    let mut store = Store::new();
    let inst = match store.instantiate(module, &[]) {
        Ok(i) => i,
        Err(InstantiateError::Trap(t)) => {
            eprint!("{t}");
            return TRAP_EXIT;
        }
        Err(e) => {
            eprintln!("{program}: cannot instantiate: {e}");
            return ERROR_EXIT;
        }
    };
    // SAFETY: the instance lives as long as `store`.
    let inst = unsafe { &*inst };
    let name = entry.unwrap_or("_start");
    let f = match inst.export(name) {
        Some(Extern::Func(f)) => f,
        _ if entry.is_none() => return 0, // no entry point: instantiating was the program
        _ => {
            eprintln!("{program}: no exported function `{name}`");
            return ERROR_EXIT;
        }
    };
    let ty = f.ty();
    if args.len() != ty.params().len() {
        eprintln!(
            "{program}: `{name}` takes {} arguments, {} given",
            ty.params().len(),
            args.len()
        );
        return ERROR_EXIT;
    }
    let mut vals = Vec::new();
    for (t, s) in ty.params().iter().zip(args) {
        match parse_arg(*t, s) {
            Ok(v) => vals.push(v),
            Err(e) => {
                eprintln!("{program}: {e}");
                return ERROR_EXIT;
            }
        }
    }
    match store.call(f, &vals) {
        Ok(results) => {
            for r in results {
                println!("{}", show(r));
            }
            0
        }
        Err(t) => match t.kind {
            TrapKind::Exit(n) => n,
            _ => {
                eprint!("{t}");
                TRAP_EXIT
            }
        },
    }
}

fn parse_arg(ty: ValType, s: &str) -> Result<Val, String> {
    let bad = || format!("cannot read `{s}` as {ty}");
    Ok(match ty {
        ValType::I32 => Val::I32(
            s.parse::<i32>()
                .or_else(|_| s.parse::<u32>().map(|v| v as i32))
                .map_err(|_| bad())?,
        ),
        ValType::I64 => Val::I64(
            s.parse::<i64>()
                .or_else(|_| s.parse::<u64>().map(|v| v as i64))
                .map_err(|_| bad())?,
        ),
        ValType::F32 => Val::F32(s.parse::<f32>().map_err(|_| bad())?.to_bits()),
        ValType::F64 => Val::F64(s.parse::<f64>().map_err(|_| bad())?.to_bits()),
        _ => return Err(format!("unsupported: {ty} arguments on the command line")),
    })
}

fn show(v: Val) -> String {
    match v {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(b) => f32::from_bits(b).to_string(),
        Val::F64(b) => f64::from_bits(b).to_string(),
        Val::FuncRef(0) | Val::ExternRef(0) => "null".into(),
        Val::FuncRef(p) => format!("funcref({p:#x})"),
        Val::ExternRef(p) => format!("externref({p})"),
    }
}
