//! Helpers shared by the integration tests.

#![allow(dead_code)]

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

/// A process's outcome as text, for comparing two runs in one assertion.
pub fn show(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Source folder of a crate the tests take C code from (see
/// testsuite/programs/sources/Cargo.toml); cargo downloads it if needed.
pub fn crate_source(name: &str) -> PathBuf {
    package_dir(&root().join("testsuite/programs/sources/Cargo.toml"), name)
}

/// Source folder of a crate kiln's own workspace depends on.
pub fn workspace_crate(name: &str) -> PathBuf {
    package_dir(&root().join("Cargo.toml"), name)
}

fn package_dir(manifest: &Path, name: &str) -> PathBuf {
    let o = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(manifest)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let package = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name);
    let manifest = package.unwrap_or_else(|| panic!("{name} not in cargo metadata"))
        ["manifest_path"]
        .as_str()
        .unwrap();
    Path::new(manifest).parent().unwrap().to_path_buf()
}

/// The WIT the Python and JavaScript test programs are built against,
/// written into `dir`: our world, and WASI 0.2.12's packages from the
/// `wasip2` crate as its deps (but wasi:http, not in the command world).
pub fn wasi_command_wit(dir: &Path) -> PathBuf {
    std::fs::copy(
        root().join("testsuite/programs/wit/world.wit"),
        dir.join("world.wit"),
    )
    .unwrap();
    let deps = workspace_crate("wasip2").join("wit/deps");
    std::fs::create_dir_all(dir.join("deps")).unwrap();
    for e in std::fs::read_dir(&deps).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap();
        if name != "http.wit" {
            std::fs::copy(&path, dir.join("deps").join(name)).unwrap();
        }
    }
    dir.to_path_buf()
}
