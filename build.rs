//! Builds the runtime as a static library for this architecture's musl
//! target, with the C runtime objects rustup ships, so that `kiln build`
//! can link static executables with no dependency beyond the kernel. The
//! files are embedded in the kiln binary. Without the musl target, kiln
//! still builds; `kiln build` then says what to install.

use std::path::{Path, PathBuf};
use std::process::Command;

const CRT: &[&str] = &[
    "rcrt1.o",
    "crti.o",
    "crtbeginS.o",
    "crtendS.o",
    "crtn.o",
    "libc.a",
    "libunwind.a",
];

fn main() {
    println!("cargo:rerun-if-changed=rt/src");
    println!("cargo:rerun-if-changed=rt/abi/src");
    println!("cargo:rerun-if-changed=rt/mem/src");
    println!("cargo:rerun-if-changed=rt/Cargo.toml");
    println!("cargo::rustc-check-cfg=cfg(kiln_static_rt)");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap();
    let target = format!("{arch}-unknown-linux-musl");
    match build_static_rt(&out, &target) {
        Ok(()) => println!("cargo:rustc-cfg=kiln_static_rt"),
        Err(e) => println!("cargo:warning=kiln build (static executables) disabled: {e}"),
    }
    std::fs::write(out.join("static_target.txt"), &target).unwrap();
}

fn build_static_rt(out: &Path, target: &str) -> Result<(), String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| e.to_string())?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    let crt_dir = sysroot
        .join("lib/rustlib")
        .join(target)
        .join("lib/self-contained");
    if !crt_dir.join("libc.a").is_file() {
        return Err(format!("rust target {target} is not installed (rustup target add {target}, or cargo xtask setup)"));
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    // A separate target directory: the outer build holds the lock on ours.
    cmd.args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "kiln-rt",
        "--features",
        "exe",
        "--target",
        target,
    ])
    .arg("--target-dir")
    .arg(out.join("rt-build"))
    .current_dir(manifest);
    for (k, _) in std::env::vars() {
        if (k.starts_with("CARGO_") && k != "CARGO_HOME")
            || k.starts_with("RUSTFLAGS")
            || k == "RUSTC_WRAPPER"
        {
            cmd.env_remove(k);
        }
    }
    cmd.env("CARGO_PROFILE_RELEASE_PANIC", "abort");
    let status = cmd.status().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("building kiln-rt for {target} failed"));
    }
    let lib = out
        .join("rt-build")
        .join(target)
        .join("release/libkiln_rt.a");
    std::fs::copy(&lib, out.join("libkiln_rt.a")).map_err(|e| format!("{}: {e}", lib.display()))?;
    for f in CRT {
        std::fs::copy(crt_dir.join(f), out.join(f)).map_err(|e| format!("{f}: {e}"))?;
    }
    Ok(())
}
