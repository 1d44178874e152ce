//! The name of each WebAssembly proposal, as kiln's messages give it, and
//! which proposal an operator comes from, read from wasmparser's own
//! operator list (no list of operators is kept here).

use wasmparser::Operator;

/// A proposal's name, by wasmparser's `@proposal` tag. A proposal
/// wasmparser adds has no arm until someone names it.
macro_rules! feature_name {
    (mvp) => {
        "mvp"
    };
    (sign_extension) => {
        "sign-extension"
    };
    (saturating_float_to_int) => {
        "non-trapping float-to-int"
    };
    (bulk_memory) => {
        "bulk memory"
    };
    (reference_types) => {
        "reference types"
    };
    (simd) => {
        "simd"
    };
    (relaxed_simd) => {
        "relaxed simd"
    };
    (threads) => {
        "threads"
    };
    (shared_everything_threads) => {
        "shared-everything threads"
    };
    (acquire_release_atomics) => {
        "acquire-release atomics"
    };
    (exceptions) => {
        "exception handling"
    };
    (legacy_exceptions) => {
        "legacy exception handling"
    };
    (tail_call) => {
        "tail calls"
    };
    (function_references) => {
        "typed function references"
    };
    (gc) => {
        "gc"
    };
    (custom_descriptors) => {
        "custom descriptors"
    };
    (memory_control) => {
        "memory control"
    };
    (stack_switching) => {
        "stack switching"
    };
    (wide_arithmetic) => {
        "wide arithmetic"
    };
}
pub(crate) use feature_name;

/// The proposal `op` comes from; None for the MVP's operators.
pub fn feature_of(op: &Operator) -> Option<&'static str> {
    macro_rules! proposal_of {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            match op {
                $( Operator::$op { .. } => feature_name!($proposal), )*
                _ => "unknown proposal",
            }
        };
    }
    let name = wasmparser::for_each_operator!(proposal_of);
    (name != "mvp").then_some(name)
}
