//! Helpers shared by the integration tests.

#![allow(dead_code)]

pub mod client;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Run the `kiln` binary in `dir`, with its own module cache there.
pub fn kiln(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(args)
        .current_dir(dir)
        .env("KILN_CACHE_DIR", dir.join("cache"))
        .output()
        .expect("kiln runs")
}

/// Run the wasmtime CLI (installed by setup into target/peers) in `dir`.
pub fn wasmtime(args: &[&str], dir: &Path) -> Output {
    Command::new(root().join("target/peers/wasmtime"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("wasmtime runs")
}

/// A process's outcome as text, for comparing two runs in one assertion.
pub fn show(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// An empty folder `group/name` under the tests' scratch space.
pub fn work_dir(group: &str, name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Source folder of a crate the tests take C code from (see
/// testsuite/programs/sources/Cargo.toml); cargo downloads it if needed.
pub fn crate_source(name: &str) -> PathBuf {
    let manifest = root().join("testsuite/programs/sources/Cargo.toml");
    kiln_testsuite::peers::package_dir(&manifest, name).unwrap_or_else(|e| panic!("{e}"))
}

/// Source folder of a crate kiln's own workspace depends on.
pub fn workspace_crate(name: &str) -> PathBuf {
    kiln_testsuite::peers::package_dir(&root().join("Cargo.toml"), name)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The WIT the Python and JavaScript test programs are built against
/// (`kiln_testsuite::peers::wasi_command_wit`), written into `dir`.
pub fn wasi_command_wit(dir: &Path) -> PathBuf {
    kiln_testsuite::peers::wasi_command_wit(dir).unwrap_or_else(|e| panic!("{e}"))
}

/// The program `testsuite/programs/<program>` built for wasm32-wasip2 in
/// release mode: the path of its `artifact` (`<name>.wasm`).
pub fn wasip2_program(program: &str, artifact: &str) -> PathBuf {
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(program);
    let o = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--target", "wasm32-wasip2"])
        .arg("--manifest-path")
        .arg(
            root()
                .join("testsuite/programs")
                .join(program)
                .join("Cargo.toml"),
        )
        .arg("--target-dir")
        .arg(&target_dir)
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(o.status.success(), "building {program}: {}", show(&o));
    target_dir.join("wasm32-wasip2/release").join(artifact)
}
