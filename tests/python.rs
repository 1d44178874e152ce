//! Python programs built into components with componentize-py (PyPI,
//! installed by `cargo xtask setup` into target/peers/) must behave under
//! `kiln run` as under the wasmtime CLI: same output, same exit status,
//! same files written. A large component (about 18 MB, CPython inside);
//! its compile time and a cached start are printed, not asserted.

mod common;

use common::{root, show, wasi_command_wit};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn work_dir(name: &str) -> PathBuf {
    common::work_dir("python", name)
}

/// `testsuite/programs/python/<name>/app.py` built into a component.
fn build(name: &str, wit: &Path) -> PathBuf {
    let build = work_dir(&format!("{name}-build"));
    kiln_testsuite::peers::componentize_py(name, wit, "command", &build)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn wasmtime() -> Command {
    Command::new(root().join("target/peers/wasmtime"))
}

#[test]
fn python_components_behave_as_under_wasmtime() {
    let wit = wasi_command_wit(&work_dir("wit"));
    let hello = build("hello", &wit);
    let report = build("json_report", &wit);
    let cache = work_dir("cache");
    let kiln = |args: &[&str], wasm: &Path, rest: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kiln"))
            .arg("run")
            .args(args)
            .arg(wasm)
            .args(rest)
            .env("KILN_CACHE_DIR", &cache)
            .output()
            .unwrap()
    };

    // Hello: arguments and one granted variable.
    let grant = ["--env", "GREETING=hi"];
    let args = ["first", "two words"];
    let expected = wasmtime()
        .arg("run")
        .args(grant)
        .arg(&hello)
        .args(args)
        .output()
        .unwrap();
    let started = Instant::now();
    let got = kiln(&grant, &hello, &args);
    let compiled = started.elapsed();
    assert_eq!(show(&got), show(&expected));
    assert!(String::from_utf8_lossy(&got.stdout).contains("GREETING: hi"));
    let started = Instant::now();
    let again = kiln(&grant, &hello, &args);
    let cached = started.elapsed();
    assert_eq!(show(&again), show(&expected));
    eprintln!(
        "python hello: compiled and ran in {:.1} s, cached run {:.0} ms",
        compiled.as_secs_f64(),
        cached.as_secs_f64() * 1e3
    );

    // The JSON report: a file read from a granted directory, one written.
    let run_in = |engine: &str| {
        let data = work_dir(&format!("json-{engine}"));
        std::fs::copy(
            root().join("testsuite/programs/python/json_report/input.json"),
            data.join("input.json"),
        )
        .unwrap();
        let dir = format!("{}::/data", data.display());
        let o = if engine == "kiln" {
            kiln(&["--dir", &dir], &report, &["x"])
        } else {
            wasmtime()
                .arg("run")
                .args(["--dir", &dir])
                .arg(&report)
                .arg("x")
                .output()
                .unwrap()
        };
        let written = std::fs::read_to_string(data.join("report.json")).unwrap_or_default();
        (show(&o), written)
    };
    let (expected, expected_file) = run_in("wasmtime");
    let (got, got_file) = run_in("kiln");
    assert_eq!(got, expected);
    assert_eq!(got_file, expected_file);
    assert!(expected_file.contains("\"sum\": 184.75"), "{expected_file}");
}
