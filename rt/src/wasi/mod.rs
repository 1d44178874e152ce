//! WASI for compiled programs: 0.2 for components (`p2`), and preview1
//! (`wasi_snapshot_preview1`) for core modules as a layer over the 0.2
//! host (`p1`), as wasmtime has it: one sandbox, path resolution that
//! never leaves a granted directory (cap-std), wasmtime's errno values.

pub mod p1;
pub mod p2;
pub mod p3;
pub(crate) mod timezone;

use crate::error::{HostSetupError, ImportError};
use crate::store::{Extern, Store};
use crate::Module;
use std::path::PathBuf;

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
    pub fn build(&self) -> Result<p1::P1, HostSetupError> {
        let failed = |what: String| {
            move |e: std::io::Error| HostSetupError {
                what,
                source: e.into(),
            }
        };
        let mut dirs = Vec::new();
        for (host, guest) in &self.dirs {
            let what = format!("--dir {}", host.display());
            let dir = cap_std::fs::Dir::open_ambient_dir(host, cap_std::ambient_authority())
                .map_err(failed(what))?;
            dirs.push((std::sync::Arc::new(dir), guest.clone()));
        }
        let mut listeners = Vec::new();
        for addr in &self.listen {
            let l =
                std::net::TcpListener::bind(addr).map_err(failed(format!("--tcplisten {addr}")))?;
            listeners.push(l);
        }
        Ok(p1::P1::new(
            self.args.clone(),
            self.env.clone(),
            dirs,
            listeners,
        ))
    }
}

/// Check one function import against what kiln provides: the error names
/// the import and says what is wrong.
pub fn check_import(
    module: &str,
    name: &str,
    ty: Option<&kiln_abi::module::FuncType>,
) -> Result<&'static p1::HostFunction, ImportError> {
    let (module, name) = (module.to_string(), name.to_string());
    if module != MODULE {
        return Err(ImportError::NotProvided {
            module,
            name,
            provided: MODULE,
        });
    }
    let Some(f) = p1::FUNCTIONS.iter().find(|f| f.name == name) else {
        return Err(ImportError::NoSuchFunction { module, name });
    };
    let Some(ty) = ty else {
        return Err(ImportError::NotAFunction { module, name });
    };
    if ty.params[..] != *f.params || ty.results[..] != *f.results {
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
