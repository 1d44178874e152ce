//! Builds the runtime as a static library for this architecture's musl
//! target, with the C runtime objects rustup ships, so that `kiln build`
//! can link static executables with no dependency beyond the kernel. The
//! files are embedded in the kiln binary. Without the musl target, kiln
//! still builds; `kiln build` then says what to install. When the
//! environment sets `KILN_REQUIRE_STATIC_RT` (xtask does, for the tests,
//! the demo and the benchmarks), a static runtime that cannot be built
//! fails the build, with the reason, instead of quietly leaving it out.

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
    println!("cargo:rerun-if-env-changed=KILN_REQUIRE_STATIC_RT");
    println!("cargo::rustc-check-cfg=cfg(kiln_static_rt)");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86_64") {
        // kiln-rt-mem's copies, for the modules `kiln run` loads (main.rs).
        for symbol in ["memcpy", "memmove", "memset"] {
            println!("cargo:rustc-link-arg-bins=-Wl,--export-dynamic-symbol={symbol}");
        }
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap();
    let target = format!("{arch}-unknown-linux-musl");
    match build_static_rt(&out, &target) {
        Ok(()) => println!("cargo:rustc-cfg=kiln_static_rt"),
        Err(e) if std::env::var_os("KILN_REQUIRE_STATIC_RT").is_some() => {
            eprintln!("{e}");
            panic!(
                "the static runtime is required (KILN_REQUIRE_STATIC_RT) and cannot be built: {e}"
            );
        }
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
    // Once the target is installed, the next build tries again.
    println!(
        "cargo:rerun-if-changed={}",
        crt_dir.join("libc.a").display()
    );
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
    // The C in the runtime's dependencies (ring's) is freestanding: the
    // host's C compiler builds it for musl, where cc-rs would look for a
    // musl cross compiler Debian does not have.
    let cc_var = format!("CC_{}", target.replace('-', "_"));
    if std::env::var_os(&cc_var).is_none() {
        cmd.env(&cc_var, "cc");
    }
    // Run here, cargo reads .cargo/config.toml, whose rustc wrapper keeps
    // its `rustc -` probes from reading a polluted /dev/null (see
    // tools/rustc-with-empty-stdin).
    let built = cmd
        .output()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if !built.status.success() {
        let stderr = String::from_utf8_lossy(&built.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "building kiln-rt for {target} failed ({}):\n{}",
            built.status,
            tail.join("\n")
        ));
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
