//! WASI preview1 (`wasi_snapshot_preview1`) for compiled modules.
//!
//! The semantics — errno values, rights, path resolution that never leaves
//! a preopened directory — come from `wasi-common`, built on cap-std's
//! capability-based file system API. kiln provides the ABI: one native
//! function per import with the flattened core signature, reading and
//! writing the caller's memory 0.

mod preview1;

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
        Ok(b.build())
    }
}

/// The host functions for `module`'s imports, in import order. Every import
/// must be a preview1 function kiln knows; the signature is checked when
/// the module is instantiated.
pub fn resolve_imports(store: &mut Store, module: &Module) -> Result<Vec<Extern>, String> {
    module
        .imports
        .iter()
        .map(|imp| {
            if imp.module != MODULE {
                return Err(format!(
                    "import {}::{} is not provided: kiln provides only {MODULE} to programs",
                    imp.module, imp.name
                ));
            }
            let f = preview1::FUNCTIONS
                .iter()
                .find(|f| f.name == imp.name)
                .ok_or_else(|| {
                    format!(
                        "import {}::{}: no such WASI preview1 function",
                        imp.module, imp.name
                    )
                })?;
            let ty = wasmparser::FuncType::new(f.params.iter().copied(), f.results.iter().copied());
            Ok(Extern::Func(store.host_func(&ty, f.code.0 as usize)))
        })
        .collect()
}
