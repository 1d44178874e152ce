use crate::input::{compile_error, read_module};
use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Input module (.wasm or .wat).
    input: PathBuf,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let wasm = read_module(&a.input)?;
    let summary = kiln_compiler::inspect(&wasm).map_err(|e| compile_error(&a.input, e))?;
    print!("{summary}");
    Ok(ExitCode::SUCCESS)
}
