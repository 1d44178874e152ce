//! kiln's compiler: a wasm module in, native objects out.
//!
//! Pipeline, one folder a stage: `module` parses and validates the module
//! once and describes it for the runtime; `analysis` reads each function
//! body once into its facts and plans the codegen units from them;
//! `translate` turns each function into LLVM IR (`visit.rs` dispatches
//! every operator to `lower/`, `env/` alone knows the vmctx); `backend`
//! optimizes and emits the units in parallel, and a last unit carries the
//! module descriptor, the description, trampolines and the unwind table.
//! `llvm` is kiln's layer over LLVM; `component` is where components go.

mod analysis;
mod backend;
pub mod component;
mod error;
mod llvm;
mod module;
mod options;
mod translate;

pub use backend::codegen::{
    compile, compile_to_asm, compile_to_ir, compile_with, CompiledModule, Hooks, Progress,
};
pub use error::{CompileError, Result};
pub use llvm::target::host_triple;
pub use module::inspect::{inspect, Summary};
pub use module::ModuleInfo;
pub use options::{BoundsChecks, CompileOptions, DEFAULT_OPT_BUDGET};

/// Validate a module, giving the first error with its byte offset.
pub fn validate(wasm: &[u8], features: wasmparser::WasmFeatures) -> Result<()> {
    wasmparser::Validator::new_with_features(features).validate_all(wasm)?;
    Ok(())
}
