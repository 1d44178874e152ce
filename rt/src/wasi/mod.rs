//! WASI preview1 (`wasi_snapshot_preview1`) for compiled modules.
//!
//! The semantics — errno values, rights, path resolution that never leaves
//! a preopened directory — come from `wasi-common`, built on cap-std's
//! capability-based file system API. kiln provides the ABI: one native
//! function per import with the flattened core signature, reading and
//! writing the caller's memory 0.

pub mod p2;
pub mod preview1;

use crate::error::{HostSetupError, ImportError};
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
    pub fn build(&self) -> Result<WasiCtx, HostSetupError> {
        fn failed<E: Into<Box<dyn std::error::Error + Send + Sync>>>(
            what: impl std::fmt::Display,
        ) -> impl FnOnce(E) -> HostSetupError {
            move |e| HostSetupError {
                what: what.to_string(),
                source: e.into(),
            }
        }
        let mut b = wasi_common::sync::WasiCtxBuilder::new();
        b.inherit_stdio();
        b.args(&self.args).map_err(failed("arguments"))?;
        b.envs(&self.env).map_err(failed("environment"))?;
        for (host, guest) in &self.dirs {
            let what = format!("--dir {}", host.display());
            let dir = cap_std::fs::Dir::open_ambient_dir(host, cap_std::ambient_authority())
                .map_err(failed(&what))?;
            b.preopened_dir(dir, guest).map_err(failed(&what))?;
        }
        let mut fd = 3 + self.dirs.len() as u32;
        for addr in &self.listen {
            let what = format!("--tcplisten {addr}");
            let l = std::net::TcpListener::bind(addr).map_err(failed(&what))?;
            let l = cap_std::net::TcpListener::from_std(l);
            b.preopened_socket(fd, l).map_err(failed(&what))?;
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
) -> Result<&'static preview1::HostFunction, ImportError> {
    let (module, name) = (module.to_string(), name.to_string());
    if module != MODULE {
        return Err(ImportError::NotProvided {
            module,
            name,
            provided: MODULE,
        });
    }
    let Some(f) = preview1::FUNCTIONS.iter().find(|f| f.name == name) else {
        return Err(ImportError::NoSuchFunction { module, name });
    };
    let Some(ty) = ty else {
        return Err(ImportError::NotAFunction { module, name });
    };
    if ty.params != f.params || ty.results != f.results {
        return Err(ImportError::TypeMismatch {
            module,
            name,
            defined: f.ty(),
            imported: ty.clone(),
        });
    }
    Ok(f)
}

/// Check every import of a module against what kiln provides, as
/// `resolve_imports` will: the first that cannot be satisfied is the error.
pub fn check_imports(d: &kiln_abi::module::ModuleDescription) -> Result<(), ImportError> {
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
pub fn resolve_imports(store: &mut Store, module: &Module) -> Result<Vec<Extern>, ImportError> {
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
