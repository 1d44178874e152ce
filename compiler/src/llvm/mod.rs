//! kiln's layer over LLVM: the context of a codegen unit, the types wasm
//! values map to, small IR helpers, what differs by target, and the few
//! raw C API calls inkwell lacks.

pub mod ir;
pub mod raw;
pub mod target;
pub mod types;
pub mod unit;
