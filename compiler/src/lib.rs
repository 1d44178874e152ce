//! kiln's compiler: a validated wasm module in, native objects out.
//!
//! Pipeline: [`ModuleInfo::parse`] reads what codegen needs; functions are
//! split into codegen units translated in parallel (`translate` + `lower/`);
//! each unit is optimized and emitted on its own; a last unit carries the
//! module descriptor, host-to-wasm trampolines and the runtime metadata.

mod analysis;
mod backend;
mod component;
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
