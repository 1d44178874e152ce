use anyhow::{bail, Result};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Input module (.wasm or .wat).
    input: PathBuf,
    /// Output executable.
    #[arg(short = 'o')]
    output: PathBuf,
    /// Call this export instead of `_start`.
    #[arg(long)]
    invoke: Option<String>,
    #[command(flatten)]
    codegen: crate::options::CodegenArgs,
}

pub fn run(_a: Args) -> Result<ExitCode> {
    bail!("unsupported: static executables are not built yet")
}
