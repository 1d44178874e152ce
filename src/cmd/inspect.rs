use crate::input::{compile_error, read_module};
use anyhow::{anyhow, Result};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Input module or component (.wasm or .wat).
    input: PathBuf,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let wasm = read_module(&a.input)?;
    if kiln_wit::is_component(&wasm) {
        // Each core module inside as `inspect` describes a module.
        let module = |m: &[u8]| match kiln_compiler::inspect(m) {
            Ok(summary) => summary.to_string(),
            Err(e) => format!("{e}\n"),
        };
        let text =
            kiln_wit::inspect(&wasm, &module).map_err(|e| anyhow!("{}: {e}", a.input.display()))?;
        print!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let summary = kiln_compiler::inspect(&wasm).map_err(|e| compile_error(&a.input, e))?;
    print!("{summary}");
    Ok(ExitCode::SUCCESS)
}
