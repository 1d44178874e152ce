//! Loading a compiled module from a shared library into this process.

use std::ffi::{CStr, CString};
use std::path::Path;

/// What `dlopen` or `dlsym` said.
#[derive(Debug, thiserror::Error)]
pub enum DlError {
    #[error("{path}: {message}")]
    Open { path: String, message: String },
    #[error("symbol {name} not found: {message}")]
    Symbol { name: String, message: String },
}

/// A `dlopen` handle; the library stays loaded for the life of the process
/// once any of its code may be referenced (funcrefs can outlive instances).
pub struct Library {
    handle: *mut libc::c_void,
}

unsafe impl Send for Library {}
unsafe impl Sync for Library {}

impl Library {
    pub fn open(path: &Path) -> Result<Library, DlError> {
        let fail = |message: String| DlError::Open {
            path: path.display().to_string(),
            message,
        };
        let c =
            CString::new(path.as_os_str().as_encoded_bytes()).map_err(|e| fail(e.to_string()))?;
        // SAFETY: a valid NUL-terminated path; RTLD_LOCAL keeps each module's
        // symbols to itself.
        let handle = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if handle.is_null() {
            return Err(fail(last_dl_error()));
        }
        Ok(Library { handle })
    }

    pub fn symbol(&self, name: &str) -> Result<*const u8, DlError> {
        let fail = |message: String| DlError::Symbol {
            name: name.to_string(),
            message,
        };
        let c = CString::new(name).map_err(|e| fail(e.to_string()))?;
        // SAFETY: handle is a live dlopen handle.
        let p = unsafe { libc::dlsym(self.handle, c.as_ptr()) };
        if p.is_null() {
            return Err(fail(last_dl_error()));
        }
        Ok(p as *const u8)
    }
}

fn last_dl_error() -> String {
    // SAFETY: dlerror returns null or a valid C string.
    let e = unsafe { libc::dlerror() };
    if e.is_null() {
        "unknown error".into()
    } else {
        unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
    }
}
