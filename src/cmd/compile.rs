use crate::input::{compile_error, read_module};
use crate::options::CodegenArgs;
use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Input module (.wasm or .wat).
    input: PathBuf,
    /// Output object file.
    #[arg(short = 'o')]
    output: PathBuf,
    #[command(flatten)]
    codegen: CodegenArgs,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let mut timings = crate::timings::Timings::new(a.codegen.timings);
    let wasm = read_module(&a.input)?;
    super::check_writable(&a.output)?;
    timings.lap("read");
    let compiled = crate::progress::CompileProgress::new(a.codegen.quiet)
        .compile(&wasm, &a.codegen.compile_options(), Default::default())
        .map_err(|e| compile_error(&a.input, e))?;
    timings.compiled(&compiled.phases);
    let staged = super::staging_path(&a.output);
    let linked = kiln_linker::link_relocatable(&compiled.objects, &staged);
    if let Err(e) = linked {
        let _ = std::fs::remove_file(&staged);
        return Err(e.into());
    }
    super::commit_output(&staged, &a.output)?;
    timings.lap("link (ld.lld -r)");
    timings.print();
    Ok(ExitCode::SUCCESS)
}
