//! kiln's runtime support library: loads compiled modules, instantiates
//! them in a [`Store`], runs their code and turns faults into traps.

pub mod builtins;
pub mod component;
pub mod entry;
pub mod error;
#[cfg(feature = "exe")]
mod exe;
// Its memcpy/memmove/memset replace musl's in static executables.
#[cfg(feature = "exe")]
extern crate kiln_rt_mem;
pub mod instance;
mod instantiate;
pub mod module;
pub mod resources;
pub mod serve;
pub mod sig;
pub mod store;
pub mod sys;
pub mod traps;
pub mod vm;
pub mod wasi;

pub use error::{InstantiateError, LinkError, LoadError};
pub use instance::Instance;
/// The types of what instances import and export.
pub use kiln_abi::module::{FuncType, GlobalType, MemoryType, TableType, ValType};
pub use module::Module;
pub use store::{Extern, Func, Global, InterruptHandle, Limits, Memory, Store, Table, Val};
pub use traps::{Trap, TrapKind};

use std::path::Path;

/// Load a module compiled into a shared library with the given symbol prefix.
pub fn load_shared_library(path: &Path, prefix: &str) -> Result<&'static Module, LoadError> {
    let lib = sys::dl::Library::open(path)?;
    let desc = lib.symbol(&format!("{prefix}{}", kiln_abi::symbols::MODULE_SUFFIX))?;
    // Code may be referenced by funcrefs for the rest of the process.
    std::mem::forget(lib);
    // SAFETY: the symbol is a kiln module descriptor in a library that is
    // never unloaded.
    unsafe { Module::from_descriptor(desc as *const usize) }
}

/// Load a component compiled into a shared library with the given prefix.
pub fn load_component(
    path: &Path,
    prefix: &str,
) -> Result<&'static component::Component, LoadError> {
    let lib = sys::dl::Library::open(path)?;
    let desc = lib.symbol(&format!("{prefix}{}", kiln_abi::symbols::COMPONENT_SUFFIX))?;
    std::mem::forget(lib);
    // SAFETY: the symbol is a kiln component descriptor in a library that
    // is never unloaded.
    unsafe { component::Component::from_descriptor(desc as *const usize) }
}
