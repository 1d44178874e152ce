//! Running a component as a program: instantiate it against the host,
//! then call its `wasi:cli/run` export, or the export `--invoke` names.
//! Shared by `kiln run` and built executables.

use super::Host;
use super::{Component, ComponentInstance, Value};
use crate::entry::{trap_status, Settings, Watchdog, ERROR_EXIT};
use crate::wasi::p2::{P2Host, WasiP2};
use crate::{InstantiateError, Store};
use kiln_abi::component::ValueType;

/// Exit status of a `wasi:cli/run` that returned an error.
const RUN_FAILED: i32 = 1;

/// The first import the host does not provide, by name.
pub fn check_imports(c: &kiln_abi::component::ComponentDescription) -> Result<(), String> {
    let missing = |what: String| {
        Err(format!(
            "the component imports `{what}`, which kiln's host does not provide"
        ))
    };
    if let Some(i) = c.imports.iter().find(|i| P2Host.func(i).is_none()) {
        return missing(super::import_name(i));
    }
    for (instance, name) in c.resources.iter().filter_map(|r| r.host.as_ref()) {
        if P2Host.resource(instance, name).is_none() {
            return missing(format!("{instance}#{name}"));
        }
    }
    Ok(())
}

/// Run `component`; `who` prefixes error messages. Returns the exit status.
pub fn run_component(
    component: &'static Component,
    who: &str,
    settings: &Settings,
    argv: Vec<String>,
) -> i32 {
    let status = run(component, who, settings, argv);
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    status
}

fn run(component: &'static Component, who: &str, settings: &Settings, argv: Vec<String>) -> i32 {
    if let Err(e) = check_imports(&component.description) {
        eprintln!("{who}: {e}");
        return ERROR_EXIT;
    }
    let mut store = Store::new();
    store.set_limits(settings.limits);
    if let Some(fuel) = settings.fuel {
        store.set_fuel(fuel);
    }
    let _watchdog = settings.timeout.map(|t| Watchdog::start(&store, t));
    let wasi = match WasiP2::new(argv.clone(), settings.environment(), &settings.dirs) {
        Ok(w) => WasiP2 {
            network: settings.network,
            ..w
        },
        Err(e) => {
            eprintln!("{who}: {e}");
            return ERROR_EXIT;
        }
    };
    let inst = match store.instantiate_component(component, &P2Host, Some(Box::new(wasi))) {
        Ok(i) => i,
        Err(InstantiateError::Trap(t)) => return trap_status(&t),
        Err(e) => {
            eprintln!("{who}: {e}");
            return ERROR_EXIT;
        }
    };
    let names = inst.export_names();
    let name = match &settings.entry {
        Some(name) => name.clone(),
        None => match names.iter().find(|n| {
            let run = ["wasi:cli/run@0.2.", "wasi:cli/run@0.3."];
            run.iter().any(|r| n.starts_with(r)) && n.ends_with("#run")
        }) {
            Some(n) => n.clone(),
            None => {
                eprintln!(
                    "{who}: the component exports no `wasi:cli/run` and no export was named with --invoke (it exports: {})",
                    names.join(", ")
                );
                return ERROR_EXIT;
            }
        },
    };
    let params = if settings.entry.is_some() {
        argv.get(1..).unwrap_or(&[]).to_vec()
    } else {
        Vec::new()
    };
    let args = match parse_args(&inst, &name, &params) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{who}: {e}");
            return ERROR_EXIT;
        }
    };
    let status = match inst.call(&mut store, &name, &args) {
        Ok(result) if settings.entry.is_none() => match result {
            Some(Value::Result(Err(_))) => RUN_FAILED,
            _ => 0,
        },
        Ok(result) => {
            if let Some(v) = result {
                println!("{}", show(&v));
            }
            0
        }
        Err(super::CallError::Trap(t)) => trap_status(&t),
        Err(e) => {
            eprintln!("{who}: {e}");
            ERROR_EXIT
        }
    };
    crate::entry::finish(settings, status)
}

/// Command-line arguments read as the parameters of export `name`:
/// numbers, `true`/`false`, a single character, or text for a string.
fn parse_args(
    inst: &ComponentInstance,
    name: &str,
    params: &[String],
) -> Result<Vec<Value>, String> {
    let Some(ft) = inst.export_type(name) else {
        return Err(format!("no exported function `{name}`"));
    };
    if ft.params.len() != params.len() {
        return Err(format!(
            "`{name}` takes {} arguments, {} given",
            ft.params.len(),
            params.len()
        ));
    }
    let d = &inst.component.description;
    ft.params
        .iter()
        .zip(params)
        .map(|((pname, t), text)| {
            let bad = || format!("cannot read `{text}` as parameter `{pname}` ({:?})", d.types[*t as usize]);
            Ok(match &d.types[*t as usize] {
                ValueType::Bool => Value::Bool(text.parse().map_err(|_| bad())?),
                ValueType::S8 => Value::S8(text.parse().map_err(|_| bad())?),
                ValueType::U8 => Value::U8(text.parse().map_err(|_| bad())?),
                ValueType::S16 => Value::S16(text.parse().map_err(|_| bad())?),
                ValueType::U16 => Value::U16(text.parse().map_err(|_| bad())?),
                ValueType::S32 => Value::S32(text.parse().map_err(|_| bad())?),
                ValueType::U32 => Value::U32(text.parse().map_err(|_| bad())?),
                ValueType::S64 => Value::S64(text.parse().map_err(|_| bad())?),
                ValueType::U64 => Value::U64(text.parse().map_err(|_| bad())?),
                ValueType::F32 => Value::F32(text.parse::<f32>().map_err(|_| bad())?.to_bits()),
                ValueType::F64 => Value::F64(text.parse::<f64>().map_err(|_| bad())?.to_bits()),
                ValueType::Char => {
                    let mut chars = text.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => Value::Char(c),
                        _ => return Err(bad()),
                    }
                }
                ValueType::String => Value::String(text.clone()),
                _ => return Err(format!("parameter `{pname}`: only numbers, bool, char and string can be given on the command line")),
            })
        })
        .collect()
}

/// A value as WIT's value syntax (WAVE) writes it.
pub fn show(v: &Value) -> String {
    let list = |items: &[Value]| items.iter().map(show).collect::<Vec<_>>().join(", ");
    let payload = |p: &Option<Box<Value>>| {
        p.as_ref()
            .map(|v| format!("({})", show(v)))
            .unwrap_or_default()
    };
    match v {
        Value::Bool(b) => b.to_string(),
        Value::S8(x) => x.to_string(),
        Value::U8(x) => x.to_string(),
        Value::S16(x) => x.to_string(),
        Value::U16(x) => x.to_string(),
        Value::S32(x) => x.to_string(),
        Value::U32(x) => x.to_string(),
        Value::S64(x) => x.to_string(),
        Value::U64(x) => x.to_string(),
        Value::F32(b) => f32::from_bits(*b).to_string(),
        Value::F64(b) => f64::from_bits(*b).to_string(),
        Value::Char(c) => format!("{c:?}"),
        Value::String(s) => format!("{s:?}"),
        Value::List(items) => format!("[{}]", list(items)),
        Value::Tuple(items) => format!("({})", list(items)),
        Value::Record(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(n, v)| format!("{n}: {}", show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Variant(name, p) => format!("{name}{}", payload(p)),
        Value::Enum(name) => name.clone(),
        Value::Option(None) => "none".into(),
        Value::Option(Some(v)) => format!("some({})", show(v)),
        Value::Result(Ok(p)) => format!("ok{}", payload(p)),
        Value::Result(Err(p)) => format!("err{}", payload(p)),
        Value::Flags(names) => format!("{{{}}}", names.join(", ")),
        Value::Handle(h) => format!("handle {h}"),
    }
}
