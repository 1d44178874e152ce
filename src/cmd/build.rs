use crate::input::{compile_error, read_module};
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
    /// Entry point and capabilities, baked in as the executable's defaults.
    #[command(flatten)]
    program: crate::options::ProgramArgs,
    /// Make the executable a server of the component's wasi:http incoming
    /// handler, as `kiln serve` (it takes `--addr` when launched).
    #[arg(long, action = clap::ArgAction::SetTrue)]
    serve: bool,
    /// With --serve: the address it listens on unless launched with --addr.
    #[arg(long, requires = "serve", default_value = kiln_rt::serve::DEFAULT_ADDR)]
    addr: String,
    #[command(flatten)]
    codegen: crate::options::CodegenArgs,
}

/// The runtime for static executables, built by build.rs for this
/// architecture's musl target.
#[cfg(kiln_static_rt)]
mod embedded {
    macro_rules! file {
        ($name:literal) => {
            (
                $name,
                &include_bytes!(concat!(env!("OUT_DIR"), "/", $name))[..],
            )
        };
    }
    pub fn runtime() -> Option<kiln_linker::StaticRuntime<'static>> {
        Some(kiln_linker::StaticRuntime {
            before: vec![file!("rcrt1.o"), file!("crti.o"), file!("crtbeginS.o")],
            libraries: vec![file!("libkiln_rt.a"), file!("libc.a"), file!("libunwind.a")],
            after: vec![file!("crtendS.o"), file!("crtn.o")],
        })
    }
}

#[cfg(not(kiln_static_rt))]
mod embedded {
    pub fn runtime() -> Option<kiln_linker::StaticRuntime<'static>> {
        None
    }
}

const STATIC_TARGET: &str = include_str!(concat!(env!("OUT_DIR"), "/static_target.txt"));

pub fn run(a: Args) -> Result<ExitCode> {
    let arch = STATIC_TARGET.split('-').next().unwrap_or("");
    if let Some(t) = &a.codegen.target {
        if !t.starts_with(arch) {
            bail!("unsupported: static executables for {t}; this kiln carries the runtime for {STATIC_TARGET} only");
        }
    }
    let Some(rt) = embedded::runtime() else {
        bail!("unsupported: this kiln was built without the static runtime: install the Rust target {STATIC_TARGET} (cargo xtask setup) and rebuild kiln");
    };
    let mut timings = crate::timings::Timings::new(a.codegen.timings);
    let wasm = read_module(&a.input)?;
    super::check_writable(&a.output)?;
    timings.lap("read");
    let mut opts = a.codegen.compile_options();
    a.program.require_checks(&mut opts);
    opts.target = Some(STATIC_TARGET.replace("-unknown-linux-musl", "-unknown-linux-gnu"));
    let mut settings = a.program.settings();
    if a.serve {
        super::serve::check_servable(&a.input, &wasm, &a.program)?;
        settings.serve = Some(a.addr.clone());
        super::serve::require_preemption(&mut opts);
    }
    opts.program = Some(settings.to_text());
    // Imports the executable could not satisfy are refused before codegen.
    let check = |d: &kiln_abi::module::ModuleDescription| {
        kiln_rt::wasi::check_imports(d).map_err(|e| e.to_string())
    };
    let check_component = kiln_rt::component::program::check_imports;
    let hooks = kiln_compiler::Hooks {
        check_imports: Some(&check),
        check_component_imports: Some(&check_component),
        ..Default::default()
    };
    let compiled = crate::progress::CompileProgress::new(a.codegen.quiet)
        .compile(&wasm, &opts, hooks)
        .map_err(|e| compile_error(&a.input, e))?;
    timings.compiled(&compiled.phases);
    let staged = super::staging_path(&a.output);
    if let Err(e) = kiln_linker::link_static_executable(&compiled.objects, &rt, &staged) {
        let _ = std::fs::remove_file(&staged);
        return Err(e.into());
    }
    super::commit_output(&staged, &a.output)?;
    timings.lap("link (ld.lld, static)");
    timings.print();
    Ok(ExitCode::SUCCESS)
}
