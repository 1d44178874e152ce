pub mod build;
pub mod compile;
pub mod compose;
pub mod inspect;
pub mod run;
pub mod serve;

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// A path beside `out` to write to first; renamed over `out` only when
/// complete, so a failure never leaves a partial output behind.
pub fn staging_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.kiln-{}.tmp", std::process::id()))
}

pub fn commit_output(staged: &Path, out: &Path) -> Result<()> {
    std::fs::rename(staged, out).with_context(|| format!("{}: cannot write", out.display()))
}

/// Fail early, before any work, if `out` cannot be created.
pub fn check_writable(out: &Path) -> Result<()> {
    let staged = staging_path(out);
    std::fs::write(&staged, b"")
        .with_context(|| format!("{}: cannot write output", out.display()))?;
    let _ = std::fs::remove_file(&staged);
    Ok(())
}
