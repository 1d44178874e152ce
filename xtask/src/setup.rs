//! Installs what is missing: Debian packages (LLVM 22, lld, clang, wasi-libc,
//! wabt and static-link libraries) and rustup targets.

use anyhow::{bail, Result};
use std::process::Command;

const PACKAGES: &[&str] = &[
    "llvm-22-dev",
    "libpolly-22-dev",
    "clang-22",
    "lld-22",
    "libzstd-dev",
    "libz3-dev",
    "libxml2-dev",
    "libffi-dev",
    "zlib1g-dev",
    "wasi-libc",
    "libclang-rt-22-dev-wasm32",
    "wabt",
    "llvm-22",
    "make",
    "tzdata",
];

fn rust_targets() -> [String; 4] {
    // The musl target of this machine: kiln build links static executables with it.
    // wasm32-unknown-unknown: components that import nothing but their WIT.
    [
        "wasm32-wasip1".to_string(),
        "wasm32-wasip2".to_string(),
        "wasm32-unknown-unknown".to_string(),
        format!("{}-unknown-linux-musl", std::env::consts::ARCH),
    ]
}

fn installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

pub fn run() -> Result<()> {
    let missing: Vec<&str> = PACKAGES.iter().copied().filter(|p| !installed(p)).collect();
    if !missing.is_empty() {
        let debian = std::path::Path::new("/etc/debian_version").exists();
        let line = format!("apt-get update && apt-get install -y {}", missing.join(" "));
        if !debian {
            bail!("missing packages {}; this is not Debian: install LLVM 22 (llvm-22-dev with static libraries, libpolly-22-dev, clang-22, lld-22) by your system's means", missing.join(" "));
        }
        if !is_root() {
            bail!("missing packages; as root run:\n  {line}");
        }
        crate::run(Command::new("apt-get").arg("update").arg("-q"))?;
        crate::run(
            Command::new("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(["install", "-y", "-q", "--no-install-recommends"])
                .args(&missing),
        )?;
    }
    let have = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match have {
        Ok(out) => {
            let have = String::from_utf8_lossy(&out.stdout).to_string();
            let targets = rust_targets();
            let missing: Vec<&String> = targets
                .iter()
                .filter(|t| !have.lines().any(|l| l == t.as_str()))
                .collect();
            if !missing.is_empty() {
                crate::run(
                    Command::new("rustup")
                        .args(["target", "add"])
                        .args(&missing),
                )?;
            }
        }
        Err(_) => bail!(
            "rustup not found: install the Rust targets {} by hand",
            rust_targets().join(" ")
        ),
    }
    Ok(())
}
