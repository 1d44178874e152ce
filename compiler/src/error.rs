use thiserror::Error;

/// Everything that can stop a compilation. Each variant names where and what.
#[derive(Debug, Error)]
pub enum CompileError {
    /// The bytes are not a valid WebAssembly module.
    #[error("invalid module at byte offset {offset:#x}: {message}")]
    Invalid { message: String, offset: usize },
    /// A module that uses what kiln cannot compile yet, outside code.
    #[error("unsupported: {feature} ({what}) at offset {offset:#x}")]
    Unsupported {
        feature: &'static str,
        what: String,
        offset: usize,
    },
    /// An operator of a proposal kiln does not compile.
    #[error("unsupported: {feature} ({operator}) in function {func} at offset {offset:#x}")]
    UnsupportedOperator {
        feature: &'static str,
        operator: &'static str,
        func: u32,
        offset: usize,
    },
    /// The module's imports are not what the host it is built for provides.
    #[error("{0}")]
    Imports(String),
    /// The target triple or CPU is not known to LLVM.
    #[error("unknown target: {0}")]
    Target(String),
    /// LLVM rejected what we generated; always a kiln bug.
    #[error("internal code generation error in function {func}: {message}")]
    Codegen { func: u32, message: String },
    /// The call-frame information LLVM emitted was not what kiln reads;
    /// always a kiln bug.
    #[error("internal error reading unwind information: {0}")]
    Unwind(String),
}

impl From<wasmparser::BinaryReaderError> for CompileError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        CompileError::Invalid {
            message: e.message().to_string(),
            offset: e.offset() as usize,
        }
    }
}

pub type Result<T, E = CompileError> = std::result::Result<T, E>;
