//! What a run of a scenario produced, in terms both engines share: values
//! as bits (every NaN the same), traps by kind, and the instance's state.

use std::fmt;

/// A wasm value as compared across engines. References compare by
/// null-ness only: a funcref's identity means nothing outside its engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    FuncRef { null: bool },
    ExternRef { null: bool },
}

impl Value {
    /// The same value with any NaN made the canonical one: which NaN an
    /// operation yields is not specified, only that it is a NaN.
    pub fn canonical(self) -> Value {
        match self {
            Value::F32(b) if f32::from_bits(b).is_nan() => Value::F32(0x7fc0_0000),
            Value::F64(b) if f64::from_bits(b).is_nan() => Value::F64(0x7ff8_0000_0000_0000),
            v => v,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::I32(v) => write!(f, "i32:{v}"),
            Value::I64(v) => write!(f, "i64:{v}"),
            Value::F32(b) => write!(f, "f32:{}({b:#x})", f32::from_bits(*b)),
            Value::F64(b) => write!(f, "f64:{}({b:#x})", f64::from_bits(*b)),
            Value::FuncRef { null } => write!(f, "funcref{}", if *null { ":null" } else { "" }),
            Value::ExternRef { null } => write!(f, "externref{}", if *null { ":null" } else { "" }),
        }
    }
}

/// Trap kinds as the spec names them. kiln tells apart a few that the
/// spec's messages (and wasmi) do not; they meet here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrapKind {
    Unreachable,
    MemoryOutOfBounds,
    /// A table index past the end, `call_indirect`'s included.
    TableOutOfBounds,
    /// `call_indirect` through a null entry.
    IndirectCallToNull,
    IndirectCallTypeMismatch,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversionToInteger,
    NullReference,
    /// Engines differ in how deep they let a program recurse: a scenario
    /// stops comparing at the first exhaustion on either side.
    StackExhausted,
    /// Anything else, as the engine said it.
    Other(String),
}

/// One step of a scenario and what came of it.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Instantiation (with the start function): ok, or a trap.
    Instantiate(Result<(), TrapKind>),
    Call {
        export: String,
        args: Vec<Value>,
        result: Result<Vec<Value>, TrapKind>,
    },
}

impl Step {
    pub fn trapped(&self) -> Option<&TrapKind> {
        match self {
            Step::Instantiate(Err(t)) | Step::Call { result: Err(t), .. } => Some(t),
            _ => None,
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Instantiate(Ok(())) => write!(f, "instantiate: ok"),
            Step::Instantiate(Err(t)) => write!(f, "instantiate: trap {t:?}"),
            Step::Call {
                export,
                args,
                result,
            } => {
                let args: Vec<String> = args.iter().map(Value::to_string).collect();
                write!(f, "{export}({}) -> ", args.join(", "))?;
                match result {
                    Ok(vals) => {
                        let vals: Vec<String> = vals.iter().map(Value::to_string).collect();
                        write!(f, "[{}]", vals.join(", "))
                    }
                    Err(t) => write!(f, "trap {t:?}"),
                }
            }
        }
    }
}

/// An instance's observable state, by export name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// (export, size in bytes, FNV-1a hash of the contents).
    pub memories: Vec<(String, usize, u64)>,
    pub globals: Vec<(String, Value)>,
    /// (export, null-ness of each element).
    pub tables: Vec<(String, Vec<bool>)>,
}

impl State {
    /// The first difference from `other`, said in words.
    pub fn difference(&self, other: &State) -> Option<String> {
        for (a, b) in self.memories.iter().zip(&other.memories) {
            if a != b {
                return Some(format!(
                    "memory {}: {} bytes (hash {:#x}) against {} bytes (hash {:#x})",
                    a.0, a.1, a.2, b.1, b.2
                ));
            }
        }
        for (a, b) in self.globals.iter().zip(&other.globals) {
            if a.1.canonical() != b.1.canonical() {
                return Some(format!("global {}: {} against {}", a.0, a.1, b.1));
            }
        }
        for (a, b) in self.tables.iter().zip(&other.tables) {
            if a != b {
                return Some(format!(
                    "table {}: {} elements ({} null) against {} ({} null)",
                    a.0,
                    a.1.len(),
                    a.1.iter().filter(|n| **n).count(),
                    b.1.len(),
                    b.1.iter().filter(|n| **n).count()
                ));
            }
        }
        let counts = |s: &State| (s.memories.len(), s.globals.len(), s.tables.len());
        (counts(self) != counts(other)).then(|| "different exports".to_string())
    }
}

pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Each step with the state after it.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub steps: Vec<(Step, State)>,
}
