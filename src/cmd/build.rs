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
    check_imports(&a.input, &wasm)?;
    super::check_writable(&a.output)?;
    timings.lap("read");
    let mut opts = a.codegen.compile_options();
    a.program.require_checks(&mut opts);
    opts.target = Some(STATIC_TARGET.replace("-unknown-linux-musl", "-unknown-linux-gnu"));
    opts.program = Some(a.program.settings().to_text());
    let compiled = crate::progress::CompileProgress::new(a.codegen.quiet)
        .compile(&wasm, &opts)
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

/// Refuse, at build time, imports the executable could not satisfy.
fn check_imports(input: &std::path::Path, wasm: &[u8]) -> Result<()> {
    let mut types = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload {
            Ok(wasmparser::Payload::TypeSection(r)) => {
                for ty in r.into_iter_err_on_gc_types().flatten() {
                    types.push(ty);
                }
            }
            Ok(wasmparser::Payload::ImportSection(r)) => {
                for imp in r.into_imports().flatten() {
                    let ty = match imp.ty {
                        wasmparser::TypeRef::Func(t) => types.get(t as usize),
                        _ => None,
                    };
                    if let Err(e) = kiln_rt::wasi::check_import(imp.module, imp.name, ty) {
                        bail!("{}: {e}", input.display());
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}
