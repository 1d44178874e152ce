//! The runtime's errors, one type per thing that can go wrong, each naming
//! what it was about.

use kiln_abi::module::{DecodeError, FuncType};
use thiserror::Error;

/// A compiled module that cannot be loaded.
#[derive(Debug, Error)]
pub enum LoadError {
    #[error(transparent)]
    Library(#[from] crate::sys::dl::DlError),
    #[error("module was compiled for runtime ABI {found}, this runtime is ABI {expected}")]
    Abi { found: usize, expected: u32 },
    #[error("corrupt module description: {0}")]
    Description(DecodeError),
    #[error("corrupt unwind table")]
    UnwindTable,
    #[error(
        "the module's code and its description disagree on how many functions or types it has"
    )]
    Inconsistent,
    #[error("the component's description names export `{name}` of core instance {instance} where its module has no such export")]
    ExportIndex { instance: u32, name: String },
    #[error("the component's lowering {lowering} names core instance {instance}, which is made only after the lowering is first used")]
    LoweringOrder { lowering: u32, instance: u32 },
}

/// A memory or table the store cannot make.
#[derive(Debug, Error)]
pub enum ResourceError {
    #[error("memory of {pages} pages exceeds the 4 GiB limit")]
    MemoryOver4Gib { pages: u64 },
    #[error("a memory of {bytes} bytes exceeds the limit of {limit} bytes")]
    MemoryLimit { bytes: u64, limit: u64 },
    #[error("cannot reserve linear memory: {0}")]
    Reserve(std::io::Error),
    #[error("cannot allocate {pages} pages of linear memory")]
    Commit { pages: u64 },
    #[error("table of {elements} elements is too large")]
    TableTooLarge { elements: u64 },
    #[error("a table of {elements} elements exceeds the limit of {limit} elements")]
    TableLimit { elements: u64, limit: u64 },
}

/// Why one import cannot be linked.
#[derive(Debug, Error)]
pub enum LinkError {
    #[error("no such import")]
    Unknown,
    #[error("function type mismatch")]
    FuncType,
    #[error("memory limits mismatch")]
    MemoryLimits,
    #[error("table type mismatch")]
    TableType,
    #[error("global type mismatch")]
    GlobalType,
    #[error("import kind mismatch")]
    Kind,
}

/// A constant expression (an initializer or a segment's offset) that
/// cannot be evaluated.
#[derive(Debug, Error)]
pub enum ConstExprError {
    #[error("the constant expression takes more values than it pushed")]
    Underflow,
    #[error("the constant expression is empty")]
    Empty,
    #[error("the constant expression reads global {0}, which does not exist")]
    NoSuchGlobal(u32),
}

/// A module that cannot be instantiated.
#[derive(Debug, Error)]
pub enum InstantiateError {
    #[error("{expected} imports expected, {given} given")]
    ImportCount { expected: usize, given: usize },
    /// An import is missing or has the wrong type.
    #[error("unknown import or incompatible import type: {import}: {problem}")]
    Link { import: String, problem: LinkError },
    /// A segment or the start function trapped.
    #[error("{0}")]
    Trap(crate::Trap),
    /// Memory or tables could not be made.
    #[error(transparent)]
    Resource(#[from] ResourceError),
    #[error(transparent)]
    Init(#[from] ConstExprError),
}

/// A function import kiln's host does not provide as the module imports it.
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("import {module}::{name} is not provided: kiln provides only {provided} to programs")]
    NotProvided {
        module: String,
        name: String,
        provided: &'static str,
    },
    #[error("import {module}::{name}: no such WASI preview1 function")]
    NoSuchFunction { module: String, name: String },
    #[error("import {module}::{name}: not a function import")]
    NotAFunction { module: String, name: String },
    #[error("import {module}::{name}: WASI defines it as {defined}, the module imports it as {imported}")]
    TypeMismatch {
        module: String,
        name: String,
        defined: FuncType,
        imported: FuncType,
    },
}

/// A capability the program was granted that cannot be set up.
#[derive(Debug, Error)]
#[error("{what}: {source}")]
pub struct HostSetupError {
    /// What was asked: `arguments`, `environment`, `--dir PATH`, ...
    pub what: String,
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

/// A command-line argument that is not a value of the parameter's type.
#[derive(Debug, Error)]
pub enum ArgumentError {
    #[error("cannot read `{text}` as {ty}")]
    Unreadable {
        text: String,
        ty: kiln_abi::module::ValType,
    },
    #[error("unsupported: {0} arguments on the command line")]
    Unsupported(kiln_abi::module::ValType),
}
