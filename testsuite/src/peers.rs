//! Programs built with the peer toolchains `cargo xtask setup` installs
//! into target/peers/ (componentize-py), against the WIT of the `wasip2`
//! crate: shared by the tests that check them and the benchmarks that time
//! them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace's root folder.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testsuite/ is in the workspace")
        .to_path_buf()
}

/// Source folder of package `name` of the workspace whose manifest is
/// `manifest`; cargo downloads it if needed.
pub fn package_dir(manifest: &Path, name: &str) -> Result<PathBuf, String> {
    let o = succeed(
        Command::new(cargo())
            .args(["metadata", "--format-version", "1", "--manifest-path"])
            .arg(manifest),
        "cargo metadata",
    )?;
    let meta: serde_json::Value =
        serde_json::from_slice(&o.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let manifest = meta["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .and_then(|p| p["manifest_path"].as_str())
        .ok_or_else(|| format!("{name} is not in cargo metadata"))?;
    Ok(Path::new(manifest)
        .parent()
        .expect("a manifest is in a folder")
        .to_path_buf())
}

/// The WIT the Python and JavaScript test programs are built against,
/// written into `dir`: our world, and WASI 0.2.12's packages from the
/// `wasip2` crate as its deps (but wasi:http, not in the command world).
pub fn wasi_command_wit(dir: &Path) -> Result<PathBuf, String> {
    wasi_wit(dir, "world.wit", false)
}

/// As [`wasi_command_wit`], for wasi:http handlers: world `proxy`, with
/// wasi:http among the deps.
pub fn wasi_proxy_wit(dir: &Path) -> Result<PathBuf, String> {
    wasi_wit(dir, "proxy.wit", true)
}

fn wasi_wit(dir: &Path, world: &str, http: bool) -> Result<PathBuf, String> {
    let io = |e: std::io::Error| format!("writing WIT into {}: {e}", dir.display());
    std::fs::create_dir_all(dir.join("deps")).map_err(io)?;
    std::fs::copy(
        root().join("testsuite/programs/wit").join(world),
        dir.join("world.wit"),
    )
    .map_err(io)?;
    let deps = package_dir(&root().join("Cargo.toml"), "wasip2")?.join("wit/deps");
    for e in std::fs::read_dir(&deps).map_err(io)? {
        let path = e.map_err(io)?.path();
        let name = path.file_name().expect("a file in a folder");
        if http || name != "http.wit" {
            std::fs::copy(&path, dir.join("deps").join(name)).map_err(io)?;
        }
    }
    Ok(dir.to_path_buf())
}

/// `testsuite/programs/python/<name>/app.py` built by componentize-py
/// for `world` of `wit` into `build/app.wasm`, from a copy in
/// `build/source` (componentize-py leaves `__pycache__` beside its input).
pub fn componentize_py(
    name: &str,
    wit: &Path,
    world: &str,
    build: &Path,
) -> Result<PathBuf, String> {
    let app = root()
        .join("testsuite/programs/python")
        .join(name)
        .join("app.py");
    componentize_py_app(&app, wit, world, build)
}

/// The Python program `app` (an `app.py`) built by componentize-py for
/// `world` of `wit` into `build/app.wasm`, as [`componentize_py`] does.
pub fn componentize_py_app(
    app: &Path,
    wit: &Path,
    world: &str,
    build: &Path,
) -> Result<PathBuf, String> {
    let site = root().join("target/peers/componentize-py");
    if !site.join("componentize_py").is_dir() {
        return Err(format!(
            "componentize-py is missing from {}: run `cargo xtask setup`",
            site.display()
        ));
    }
    let source = build.join("source");
    let io = |e: std::io::Error| format!("preparing {}: {e}", source.display());
    std::fs::create_dir_all(&source).map_err(io)?;
    std::fs::copy(app, source.join("app.py")).map_err(io)?;
    let out = build.join("app.wasm");
    let mut command = Command::new("python3");
    command
        .env("PYTHONPATH", &site)
        .args([
            "-c",
            "import sys; from componentize_py import script; sys.argv[0] = 'componentize-py'; sys.exit(script())",
        ])
        .arg("-d")
        .arg(wit)
        .args(["-w", world, "componentize", "app", "-p"])
        .arg(&source)
        .arg("-o")
        .arg(&out);
    succeed(&mut command, &format!("componentize-py {}", app.display()))?;
    Ok(out)
}

/// The JavaScript module `source` built by componentize-js (fetched by
/// `cargo xtask setup` into target/peers/) for `world` of `wit`, into
/// `out`, without the WASI features in `disabled` (its `--disable`).
pub fn componentize_js(
    source: &Path,
    wit: &Path,
    world: &str,
    disabled: &[&str],
    out: &Path,
) -> Result<(), String> {
    let cli = root().join("target/peers/componentize-js/node_modules/.bin/componentize-js");
    if !cli.exists() {
        return Err(format!(
            "{} is missing: run `cargo xtask setup`",
            cli.display()
        ));
    }
    succeed(
        Command::new("node")
            .arg(&cli)
            .arg(source)
            .arg("--wit")
            .arg(wit)
            .args(["--world-name", world])
            .args(disabled.iter().flat_map(|d| ["--disable", d]))
            .arg("-o")
            .arg(out),
        &format!("componentize-js {}", source.display()),
    )
    .map(|_| ())
}

/// Cargo, as the build that runs this names it.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Run `command`; its output if it succeeded, else an error that says
/// `what` failed and what it printed.
pub fn succeed(command: &mut Command, what: &str) -> Result<std::process::Output, String> {
    let o = command.output().map_err(|e| format!("{what}: {e}"))?;
    if !o.status.success() {
        return Err(format!("{what}: {}", String::from_utf8_lossy(&o.stderr)));
    }
    Ok(o)
}
