//! The LLVM context of a codegen unit and the types wasm values map to.

pub mod types;
pub mod unit;
