use crate::input::{compile_error, read_module};
use crate::options::CodegenArgs;
use anyhow::{anyhow, Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Input module (.wasm or .wat).
    input: PathBuf,
    #[command(flatten)]
    program: crate::options::ProgramArgs,
    #[command(flatten)]
    codegen: CodegenArgs,
    /// Arguments of the program (with `--invoke`, the function's parameters).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

enum Program {
    Module(&'static kiln_rt::Module),
    Component(&'static kiln_rt::component::Component),
}

pub fn run(a: Args) -> Result<ExitCode> {
    let wasm = read_module(&a.input)?;
    let mut opts = a.codegen.compile_options();
    a.program.require_checks(&mut opts);
    let so = cached_library(&a.input, &wasm, &opts, a.codegen.quiet)?;
    let program = if kiln_wit::is_component(&wasm) {
        Program::Component(kiln_rt::load_component(&so, &opts.prefix).map_err(|e| anyhow!("{e}"))?)
    } else {
        Program::Module(
            kiln_rt::load_shared_library(&so, &opts.prefix).map_err(|e| anyhow!("{e}"))?,
        )
    };
    // Wasm gets a thread with a generous stack; exhaustion still traps.
    let who = format!("kiln: error: {}", a.input.display());
    let mut settings = a.program.settings();
    // KILN_FREE_AT_EXIT=1 frees the store first, for tests that its
    // teardown (aborting host work still in flight, say) ends well.
    settings.exit_when_done = std::env::var_os("KILN_FREE_AT_EXIT").is_none();
    let mut argv = vec![a
        .input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()];
    argv.extend(a.args);
    let handle = std::thread::Builder::new()
        .stack_size(settings.thread_stack_size())
        .spawn(move || match program {
            Program::Module(m) => kiln_rt::entry::run_program(m, &who, &settings, argv),
            Program::Component(c) => {
                kiln_rt::component::program::run_component(c, &who, &settings, argv)
            }
        })
        .context("cannot start the wasm thread")?;
    let status = handle
        .join()
        .map_err(|_| anyhow!("the wasm thread panicked"))?;
    Ok(ExitCode::from(status as u8))
}

/// The module compiled into a shared library in the user's cache, keyed by
/// everything that affects the output.
pub(crate) fn cached_library(
    input: &Path,
    wasm: &[u8],
    opts: &kiln_compiler::CompileOptions,
    quiet: bool,
) -> Result<PathBuf> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(wasm);
    h.update(format!(
        "{}|{}|{}",
        opts.fingerprint(),
        env!("CARGO_PKG_VERSION"),
        build_identity()
    ));
    let key: String = h
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    let dir = cache_dir().join("modules");
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("{}: cannot create cache directory", dir.display()))?;
    let so = dir.join(format!("{key}.so"));
    if so.is_file() {
        return Ok(so);
    }
    // A component whose imports the host cannot give is refused before
    // codegen, which may take minutes for a large one.
    let check_component = kiln_rt::component::program::check_imports;
    let hooks = kiln_compiler::Hooks {
        check_component_imports: Some(&check_component),
        ..Default::default()
    };
    let compiled = crate::progress::CompileProgress::new(quiet)
        .compile(wasm, opts, hooks)
        .map_err(|e| compile_error(input, e))?;
    let staged = super::staging_path(&so);
    kiln_linker::link_shared(&compiled.objects, &staged)?;
    super::commit_output(&staged, &so)?;
    Ok(so)
}

/// Which build of kiln this is, as far as a cheap look can tell: the size
/// and modification time of its executable. A rebuilt compiler must not
/// reuse what an earlier build of the same version compiled.
fn build_identity() -> String {
    std::env::current_exe()
        .and_then(|exe| exe.metadata())
        .map(|m| {
            let at = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            format!("{}@{}", m.len(), at.as_nanos())
        })
        .unwrap_or_default()
}

fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("KILN_CACHE_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(d).join("kiln");
    }
    match std::env::var_os("HOME") {
        Some(h) => PathBuf::from(h).join(".cache").join("kiln"),
        None => std::env::temp_dir().join("kiln-cache"),
    }
}
