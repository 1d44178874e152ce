use crate::input::{compile_error, read_module};
use crate::options::CodegenArgs;
use anyhow::{anyhow, bail, Context, Result};
use kiln_rt::{Extern, Store, Val};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wasmparser::ValType;

#[derive(clap::Args)]
pub struct Args {
    /// Input module (.wasm or .wat).
    input: PathBuf,
    /// Call this export instead of `_start`.
    #[arg(long)]
    invoke: Option<String>,
    #[command(flatten)]
    codegen: CodegenArgs,
    /// Arguments: for `--invoke`, the function's parameters.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// Exit status of a trap, as the wasmtime CLI uses.
pub const TRAP_EXIT: u8 = 134;

pub fn run(a: Args) -> Result<ExitCode> {
    let wasm = read_module(&a.input)?;
    let opts = a.codegen.compile_options();
    let so = cached_library(&a.input, &wasm, &opts)?;
    let module = kiln_rt::load_shared_library(&so, &opts.prefix).map_err(|e| anyhow!("{e}"))?;
    if let Some(imp) = module.imports.first() {
        bail!(
            "{}: unsupported: import {}::{} (host imports such as WASI are not implemented yet)",
            a.input.display(),
            imp.module,
            imp.name
        );
    }
    // Wasm gets a thread with a generous stack; exhaustion still traps.
    let input = a.input.clone();
    let handle = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || execute(module, &input, a.invoke.as_deref(), &a.args))
        .context("cannot start the wasm thread")?;
    handle
        .join()
        .map_err(|_| anyhow!("the wasm thread panicked"))?
}

fn execute(
    module: &'static kiln_rt::Module,
    input: &Path,
    invoke: Option<&str>,
    args: &[String],
) -> Result<ExitCode> {
    let mut store = Store::new();
    let inst = match store.instantiate(module, &[]) {
        Ok(i) => i,
        Err(kiln_rt::InstantiateError::Trap(t)) => {
            eprint!("{t}");
            return Ok(ExitCode::from(TRAP_EXIT));
        }
        Err(e) => bail!("{}: cannot instantiate: {e}", input.display()),
    };
    // SAFETY: the instance lives as long as `store`.
    let inst = unsafe { &*inst };
    let name = invoke.unwrap_or("_start");
    let f = match inst.export(name) {
        Some(Extern::Func(f)) => f,
        _ if invoke.is_none() => return Ok(ExitCode::SUCCESS), // a module with no entry point just instantiates
        _ => bail!("{}: no exported function `{name}`", input.display()),
    };
    let ty = f.ty();
    if args.len() != ty.params().len() {
        bail!(
            "`{name}` takes {} arguments, {} given",
            ty.params().len(),
            args.len()
        );
    }
    let vals = ty
        .params()
        .iter()
        .zip(args)
        .map(|(t, s)| parse_arg(*t, s))
        .collect::<Result<Vec<_>>>()?;
    match store.call(f, &vals) {
        Ok(results) => {
            for r in results {
                println!("{}", show(r));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(t) => match t.kind {
            kiln_rt::TrapKind::Exit(n) => Ok(ExitCode::from(n as u8)),
            _ => {
                eprint!("{t}");
                Ok(ExitCode::from(TRAP_EXIT))
            }
        },
    }
}

fn parse_arg(ty: ValType, s: &str) -> Result<Val> {
    let bad = || anyhow!("cannot read `{s}` as {ty}");
    Ok(match ty {
        ValType::I32 => Val::I32(
            s.parse::<i32>()
                .or_else(|_| s.parse::<u32>().map(|v| v as i32))
                .map_err(|_| bad())?,
        ),
        ValType::I64 => Val::I64(
            s.parse::<i64>()
                .or_else(|_| s.parse::<u64>().map(|v| v as i64))
                .map_err(|_| bad())?,
        ),
        ValType::F32 => Val::F32(s.parse::<f32>().map_err(|_| bad())?.to_bits()),
        ValType::F64 => Val::F64(s.parse::<f64>().map_err(|_| bad())?.to_bits()),
        _ => bail!("unsupported: {ty} arguments on the command line"),
    })
}

fn show(v: Val) -> String {
    match v {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(b) => f32::from_bits(b).to_string(),
        Val::F64(b) => f64::from_bits(b).to_string(),
        Val::FuncRef(0) | Val::ExternRef(0) => "null".into(),
        Val::FuncRef(p) => format!("funcref({p:#x})"),
        Val::ExternRef(p) => format!("externref({p})"),
    }
}

/// The module compiled into a shared library in the user's cache, keyed by
/// everything that affects the output.
fn cached_library(
    input: &Path,
    wasm: &[u8],
    opts: &kiln_compiler::CompileOptions,
) -> Result<PathBuf> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(wasm);
    h.update(format!(
        "{opts:?}|{}|abi{}",
        env!("CARGO_PKG_VERSION"),
        kiln_abi::ABI_VERSION
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
    let compiled = kiln_compiler::compile(wasm, opts).map_err(|e| compile_error(input, e))?;
    let staged = super::staging_path(&so);
    kiln_linker::link_shared(&compiled.objects, &staged)?;
    super::commit_output(&staged, &so)?;
    Ok(so)
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
