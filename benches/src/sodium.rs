//! libsodium, from the tarball the libsodium-sys-stable crate ships, built
//! by its configure script twice: natively and for wasm32-wasi. Both with
//! `--disable-asm`, which also turns off its CPU-specific (AVX2, SSE)
//! implementations: the native and the wasm library run the same portable
//! C code, so the benchmark compares compilers, not algorithms. For the
//! same reason the native build is told it has no 128-bit integers
//! (`-UHAVE_TI_MODE`): with them, its Curve25519 field arithmetic uses
//! 64x64->128-bit multiplies and 5 limbs, where wasm32 gets 10 limbs of
//! 32-bit products — a different algorithm.

use crate::measure::Measured;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Build the library for one side into `work/libsodium-<side>/`, once per
/// tarball; returns the installed prefix.
fn library(work: &Path, wasm: bool) -> Result<PathBuf> {
    let tarball = crate::crate_source("libsodium-sys-stable")?.join("LATEST.tar.gz");
    let side = if wasm { "wasm" } else { "native" };
    let dir = work.join(format!("libsodium-{side}"));
    let prefix = dir.join("prefix");
    let stamp = dir.join("built.stamp");
    let cppflags = if wasm { "" } else { "-UHAVE_TI_MODE" };
    let tar_len = format!("{} {cppflags}", std::fs::metadata(&tarball)?.len());
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(tar_len.as_str()) {
        return Ok(prefix);
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let cc = if wasm {
        crate::suite::WASM_CC.join(" ")
    } else {
        "clang-22".to_string()
    };
    let host = if wasm { "--host=wasm32-wasi" } else { "" };
    let sh = |cmd: &str, at: &Path| -> Result<()> {
        let o = Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .current_dir(at)
            .env("CC", &cc)
            .env("CFLAGS", "-O2")
            .env("CPPFLAGS", cppflags)
            .env("AR", "llvm-ar-22")
            .env("RANLIB", "llvm-ranlib-22")
            .output()
            .with_context(|| format!("sh -c {cmd}"))?;
        if !o.status.success() {
            bail!(
                "libsodium ({side}): {cmd}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        Ok(())
    };
    sh(&format!("tar xzf {}", tarball.display()), &dir)?;
    let src = dir.join("libsodium-stable");
    sh(
        &format!(
            "./configure {host} --prefix={} --disable-asm --disable-shared --disable-ssp \
             --disable-pie --without-pthreads",
            prefix.display()
        ),
        &src,
    )?;
    sh("make -j2 && make install", &src)?;
    std::fs::write(&stamp, &tar_len)?;
    Ok(prefix)
}

/// The workload `dir/workload.c` linked with libsodium both ways; the
/// measured build is the native one's (the library builds once and is not
/// counted).
pub fn build(dir: &Path, work: &Path, native: &Path, wasm: &Path) -> Result<Measured> {
    let src = dir.join("workload.c");
    let flags = |prefix: PathBuf| {
        vec![
            format!("-I{}", prefix.join("include").display()),
            prefix.join("lib/libsodium.a").display().to_string(),
        ]
    };
    let wasm_lib = library(work, true)?;
    crate::suite::c(&src, wasm, &flags(wasm_lib), true)?;
    let native_lib = library(work, false)?;
    crate::suite::c(&src, native, &flags(native_lib), false)
}
