//! A scenario: instantiate a module, then call each exported function with
//! a few argument sets, in export order. Every engine runs the same steps;
//! `differ` says where two runs part.

use crate::kiln_side::{Kiln, Setup};
use crate::outcome::{Outcome, State, Step, TrapKind, Value};
use crate::reference::Wasmi;
use kiln_compiler::BoundsChecks;
use wasmparser::{ExternalKind, Payload, ValType};

/// What the differential runs on: an engine that can instantiate one
/// module, call its exports and show its state.
pub trait Engine {
    fn name(&self) -> String;
    /// The start function's trap, if any; `Err` if the engine could not
    /// take the module at all (for kiln, a compile error is a finding).
    fn instantiate(&mut self, wasm: &[u8]) -> Result<Result<(), TrapKind>, String>;
    fn call(&mut self, export: &str, args: &[Value]) -> Result<Vec<Value>, TrapKind>;
    fn state(&self, exports: &Exports) -> State;
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ExportKind {
    Func,
    Memory,
    Global,
    Table,
}

/// A module's exports in order, with the types of its functions.
#[derive(Default)]
pub struct Exports {
    pub items: Vec<(String, ExportKind)>,
    pub funcs: Vec<(String, Vec<ValType>)>,
}

/// The parameter types of each function a module defines, in order (the
/// fuzzed modules import none).
pub fn function_params(wasm: &[u8]) -> Result<Vec<Vec<ValType>>, String> {
    let mut types: Vec<Vec<ValType>> = Vec::new();
    let mut params = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::TypeSection(r) => {
                for t in r.into_iter_err_on_gc_types() {
                    types.push(t.map_err(|e| e.to_string())?.params().to_vec());
                }
            }
            Payload::ImportSection(r) if r.count() > 0 => {
                return Err("imports are not fuzzed".into());
            }
            Payload::FunctionSection(r) => {
                for f in r {
                    let ty = f.map_err(|e| e.to_string())?;
                    params.push(types.get(ty as usize).ok_or("unknown type")?.clone());
                }
            }
            _ => {}
        }
    }
    Ok(params)
}

impl Exports {
    pub fn of(wasm: &[u8]) -> Result<Exports, String> {
        let params = function_params(wasm)?;
        let mut out = Exports::default();
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            let Payload::ExportSection(r) = payload.map_err(|e| e.to_string())? else {
                continue;
            };
            for e in r {
                let e = e.map_err(|e| e.to_string())?;
                let kind = match e.kind {
                    ExternalKind::Func => {
                        let ty = params
                            .get(e.index as usize)
                            .ok_or("export of an unknown function")?;
                        out.funcs.push((e.name.to_string(), ty.clone()));
                        ExportKind::Func
                    }
                    ExternalKind::Memory => ExportKind::Memory,
                    ExternalKind::Global => ExportKind::Global,
                    ExternalKind::Table => ExportKind::Table,
                    _ => continue,
                };
                out.items.push((e.name.to_string(), kind));
            }
        }
        Ok(out)
    }
}

/// Argument sets per exported function.
pub const ARGUMENT_SETS: usize = 3;

pub struct Scenario {
    pub exports: Exports,
    pub calls: Vec<(String, Vec<Value>)>,
}

impl Scenario {
    /// Arguments derive from the export's name and position only, so that
    /// a reduced module (`reduce`) keeps the calls it still has.
    pub fn of(wasm: &[u8]) -> Result<Scenario, String> {
        let exports = Exports::of(wasm)?;
        let mut calls = Vec::new();
        for (name, params) in &exports.funcs {
            for set in 0..ARGUMENT_SETS {
                let args = params
                    .iter()
                    .enumerate()
                    .map(|(i, t)| argument(*t, seed_of(name, set, i)))
                    .collect();
                calls.push((name.clone(), args));
            }
        }
        Ok(Scenario { exports, calls })
    }
}

fn seed_of(name: &str, set: usize, param: usize) -> u64 {
    let mut h = crate::outcome::fnv1a(name.as_bytes());
    for x in [set as u64, param as u64] {
        h = (h ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^= h >> 29;
    }
    h
}

/// An argument: mostly the values at the edges (0, ±1, the extremes,
/// NaN, infinities), sometimes arbitrary bits.
fn argument(ty: ValType, seed: u64) -> Value {
    let pick = (seed % 8) as usize;
    let bits = seed.rotate_left(17).wrapping_mul(0xff51_afd7_ed55_8ccd);
    match ty {
        ValType::I32 => Value::I32([0, 1, -1, i32::MIN, i32::MAX, 65536, 8, bits as i32][pick]),
        ValType::I64 => Value::I64([0, 1, -1, i64::MIN, i64::MAX, 65536, 8, bits as i64][pick]),
        ValType::F32 => Value::F32(
            [
                0f32.to_bits(),
                (-0f32).to_bits(),
                1.5f32.to_bits(),
                f32::NAN.to_bits(),
                f32::INFINITY.to_bits(),
                (-2147483904f32).to_bits(),
                4294967296f32.to_bits(),
                bits as u32,
            ][pick],
        ),
        ValType::F64 => Value::F64(
            [
                0f64.to_bits(),
                (-0f64).to_bits(),
                1.5f64.to_bits(),
                f64::NAN.to_bits(),
                f64::NEG_INFINITY.to_bits(),
                (-9223372036854777856f64).to_bits(),
                2147483648f64.to_bits(),
                bits,
            ][pick],
        ),
        ValType::Ref(r) if r.is_func_ref() => Value::FuncRef { null: true },
        _ => Value::ExternRef { null: true },
    }
}

/// Run `scenario` on `engine`; `Err` when the engine did not take the module.
pub fn run(engine: &mut dyn Engine, wasm: &[u8], scenario: &Scenario) -> Result<Outcome, String> {
    let mut out = Outcome::default();
    let started = engine.instantiate(wasm)?;
    let trapped = started.is_err();
    let state = if trapped {
        State::default()
    } else {
        engine.state(&scenario.exports)
    };
    out.steps.push((Step::Instantiate(started), state));
    if trapped {
        return Ok(out);
    }
    for (export, args) in &scenario.calls {
        let result = engine.call(export, args);
        let exhausted = result == Err(TrapKind::StackExhausted);
        let step = Step::Call {
            export: export.clone(),
            args: args.clone(),
            result,
        };
        out.steps.push((step, engine.state(&scenario.exports)));
        if exhausted {
            break;
        }
    }
    Ok(out)
}

/// Where `got` parts from `expected`, said in words; `None` if they agree
/// up to the first stack exhaustion on either side.
pub fn differ(expected: &Outcome, got: &Outcome) -> Option<String> {
    for (i, ((e, es), (g, gs))) in expected.steps.iter().zip(&got.steps).enumerate() {
        let exhausted = |s: &Step| s.trapped() == Some(&TrapKind::StackExhausted);
        if exhausted(e) || exhausted(g) {
            return None;
        }
        if !same_step(e, g) {
            return Some(format!("step {i}: expected {e}\n  got      {g}"));
        }
        if let Some(d) = es.difference(gs) {
            return Some(format!("after step {i} ({e}): {d}"));
        }
    }
    (expected.steps.len() != got.steps.len()).then(|| {
        format!(
            "{} steps expected, {} run",
            expected.steps.len(),
            got.steps.len()
        )
    })
}

fn same_step(a: &Step, b: &Step) -> bool {
    let canonical = |r: &Result<Vec<Value>, TrapKind>| {
        r.clone()
            .map(|vals| vals.into_iter().map(Value::canonical).collect::<Vec<_>>())
    };
    match (a, b) {
        (Step::Call { result: ra, .. }, Step::Call { result: rb, .. }) => {
            canonical(ra) == canonical(rb)
        }
        _ => a == b,
    }
}

/// The kiln configurations each module is compiled with.
#[derive(Clone)]
pub struct Config {
    pub kiln: Vec<Setup>,
}

impl Default for Config {
    fn default() -> Self {
        let setup = |opt_level, bounds_checks, interruption_checks| Setup {
            opt_level,
            bounds_checks,
            interruption_checks,
        };
        Config {
            kiln: vec![
                setup(0, BoundsChecks::GuardPages, false),
                setup(2, BoundsChecks::GuardPages, false),
                setup(2, BoundsChecks::Explicit, true),
            ],
        }
    }
}

/// The verdict on one module.
pub enum Verdict {
    /// Every configuration agreed with the reference over `calls` calls.
    Agree { calls: usize },
    /// The reference did not take the module (or its exports): no verdict.
    Skip(String),
    /// What differed, and in which configuration.
    Diverge(String),
}

/// How a skip begins when the reference itself failed.
pub const REFERENCE_PANICKED: &str = "wasmi panicked";

pub fn check(wasm: &[u8], config: &Config) -> Verdict {
    let scenario = match Scenario::of(wasm) {
        Ok(s) => s,
        Err(e) => return Verdict::Skip(e),
    };
    // wasmi 2.0.0 has bugs of its own (its translator panics on
    // `i32.store` whose address and value are one register): a module the
    // reference cannot run gets no verdict.
    let reference = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run(&mut Wasmi::default(), wasm, &scenario)
    }));
    let expected = match reference {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => return Verdict::Skip(e),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            return Verdict::Skip(format!("{REFERENCE_PANICKED}: {message}"));
        }
    };
    let mut calls = 0;
    for setup in &config.kiln {
        let mut kiln = match Kiln::new(*setup) {
            Ok(k) => k,
            Err(e) => return Verdict::Skip(format!("no scratch directory: {e}")),
        };
        let name = kiln.name();
        match run(&mut kiln, wasm, &scenario) {
            Err(e) => return Verdict::Diverge(format!("{name}: {e}")),
            Ok(got) => {
                if let Some(d) = differ(&expected, &got) {
                    return Verdict::Diverge(format!("{name}: {d}"));
                }
                calls += got.steps.len().saturating_sub(1);
            }
        }
    }
    Verdict::Agree { calls }
}
