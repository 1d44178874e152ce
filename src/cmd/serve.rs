use crate::input::read_module;
use crate::options::{CodegenArgs, ProgramArgs};
use anyhow::{anyhow, bail, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Input component (.wasm or .wat) exporting wasi:http/incoming-handler.
    input: PathBuf,
    /// Address to listen on.
    #[arg(long, value_name = "HOST:PORT", default_value = kiln_rt::serve::DEFAULT_ADDR)]
    addr: String,
    /// What each request's instance may reach, and its limits: `--timeout`
    /// is a deadline per request (503 once past it).
    #[command(flatten)]
    program: ProgramArgs,
    #[command(flatten)]
    codegen: CodegenArgs,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let wasm = read_module(&a.input)?;
    check_servable(&a.input, &wasm, &a.program)?;
    let mut opts = a.codegen.compile_options();
    a.program.require_checks(&mut opts);
    require_preemption(&mut opts);
    let so = super::run::cached_library(&a.input, &wasm, &opts, a.codegen.quiet)?;
    let component = kiln_rt::load_component(&so, &opts.prefix).map_err(|e| anyhow!("{e}"))?;
    let who = format!("kiln: error: {}", a.input.display());
    let status = kiln_rt::serve::serve(component, &who, &a.program.settings(), &a.addr);
    Ok(ExitCode::from(status as u8))
}

/// A server's guests look at their interrupt flag at each function entry
/// and loop iteration, with or without `--timeout`: one that runs long is
/// asked to yield its worker to the other requests.
pub fn require_preemption(opts: &mut kiln_compiler::CompileOptions) {
    opts.interruptible = true;
}

/// What a server cannot take: a core module, or flags for a program.
pub fn check_servable(input: &Path, wasm: &[u8], program: &ProgramArgs) -> Result<()> {
    if !kiln_wit::is_component(wasm) {
        bail!(
            "{}: a core module; a server needs a component exporting wasi:http/incoming-handler",
            input.display()
        );
    }
    if program.invoke.is_some() || !program.listen.is_empty() {
        bail!("--invoke and --tcplisten are for programs, not for a server");
    }
    Ok(())
}
