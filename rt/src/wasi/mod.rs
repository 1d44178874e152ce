//! WASI preview1 (`wasi_snapshot_preview1`) for compiled modules.
//!
//! The semantics — errno values, rights, path resolution that never leaves
//! a preopened directory — come from `wasi-common`, built on cap-std's
//! capability-based file system API. kiln provides the ABI: one native
//! function per import with the flattened core signature, reading and
//! writing the caller's memory 0.

pub mod preview1;

use crate::store::{Extern, Store};
use crate::Module;
use std::path::PathBuf;
use wasi_common::WasiCtx;

pub const MODULE: &str = "wasi_snapshot_preview1";

/// What a program may see: its arguments, granted variables, preopened
/// directories. Nothing else of the host is reachable.
#[derive(Clone, Debug, Default)]
pub struct WasiConfig {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// (host directory, name the guest sees it under)
    pub dirs: Vec<(PathBuf, String)>,
    /// Addresses to listen on; each socket becomes a descriptor after the
    /// preopened directories (3 when there are none), in order.
    pub listen: Vec<String>,
}

impl WasiConfig {
    pub fn build(&self) -> Result<WasiCtx, String> {
        let mut b = wasi_common::sync::WasiCtxBuilder::new();
        b.inherit_stdio();
        b.args(&self.args).map_err(|e| format!("arguments: {e}"))?;
        b.envs(&self.env).map_err(|e| format!("environment: {e}"))?;
        for (host, guest) in &self.dirs {
            let dir = cap_std::fs::Dir::open_ambient_dir(host, cap_std::ambient_authority())
                .map_err(|e| format!("--dir {}: {e}", host.display()))?;
            b.preopened_dir(dir, guest)
                .map_err(|e| format!("--dir {}: {e}", host.display()))?;
        }
        let mut fd = 3 + self.dirs.len() as u32;
        for addr in &self.listen {
            let l = std::net::TcpListener::bind(addr)
                .map_err(|e| format!("--tcplisten {addr}: {e}"))?;
            let l = cap_std::net::TcpListener::from_std(l);
            b.preopened_socket(fd, l)
                .map_err(|e| format!("--tcplisten {addr}: {e}"))?;
            fd += 1;
        }
        Ok(b.build())
    }
}

/// Check one function import against what kiln provides: the error names
/// the import and says what is wrong.
pub fn check_import(
    module: &str,
    name: &str,
    ty: Option<&kiln_abi::module::FuncType>,
) -> Result<&'static preview1::HostFunction, String> {
    if module != MODULE {
        return Err(format!(
            "import {module}::{name} is not provided: kiln provides only {MODULE} to programs"
        ));
    }
    let f = preview1::FUNCTIONS
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| format!("import {module}::{name}: no such WASI preview1 function"))?;
    let Some(ty) = ty else {
        return Err(format!("import {module}::{name}: not a function import"));
    };
    if ty.params != f.params || ty.results != f.results {
        return Err(format!(
            "import {module}::{name}: WASI defines it as {}, the module imports it as {ty}",
            f.ty()
        ));
    }
    Ok(f)
}

/// Check every import of a module against what kiln provides, as
/// `resolve_imports` will: the first that cannot be satisfied is the error.
pub fn check_imports(d: &kiln_abi::module::ModuleDescription) -> Result<(), String> {
    for imp in &d.imports {
        let ty = match imp.kind {
            kiln_abi::module::ImportKind::Func(t) => d.types.get(t as usize),
            _ => None,
        };
        check_import(&imp.module, &imp.name, ty)?;
    }
    Ok(())
}

/// The host functions for `module`'s imports, in import order.
pub fn resolve_imports(store: &mut Store, module: &Module) -> Result<Vec<Extern>, String> {
    module
        .imports
        .iter()
        .map(|imp| {
            let ty = match imp.kind {
                kiln_abi::module::ImportKind::Func(t) => module.types.get(t as usize),
                _ => None,
            };
            let f = check_import(&imp.module, &imp.name, ty)?;
            Ok(Extern::Func(store.host_func(&f.ty(), f.code.0 as usize)))
        })
        .collect()
}
