//! Reading the input module: `.wasm` bytes or `.wat` text.

use anyhow::{anyhow, Context, Result};
use std::path::Path;

pub fn read_module(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    if bytes.starts_with(b"\0asm") {
        return Ok(bytes);
    }
    let text_like = path.extension().is_some_and(|e| e == "wat" || e == "wast")
        || bytes
            .first()
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'(' || *b == b';');
    if !text_like {
        return Err(anyhow!(
            "{}: not a WebAssembly module (no \\0asm header and not .wat text)",
            path.display()
        ));
    }
    wat::parse_bytes(&bytes)
        .map(|c| c.into_owned())
        .map_err(|mut e| {
            e.set_path(path);
            anyhow!("{e}")
        })
}

/// Prefix an error from the compiler with the input's name.
pub fn compile_error(path: &Path, e: kiln_compiler::CompileError) -> anyhow::Error {
    anyhow!("{}: {e}", path.display())
}
