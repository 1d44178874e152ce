//! Resource limits, as wasmtime spells them: `--fuel`, `--timeout`,
//! `--max-memory-size`, `--max-table-elements`, `--max-wasm-stack`, for
//! `kiln run` and baked into `kiln build` executables.

mod common;

use common::kiln;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const LIMITS: &str = r#"(module
  (memory 1)
  (table 1 funcref)
  (func (export "spin") (loop $l (br $l)))
  ;; n loop iterations: with the entry, n + 1 units of fuel.
  (func (export "count") (param $n i32) (result i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $n))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "grow_table") (param i32) (result i32)
    (table.grow (ref.null func) (local.get 0)))
  ;; Not a loop in disguise: the subtraction after the call keeps the frames.
  (func $deep (export "deep") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.sub (call $deep (i32.sub (local.get 0) (i32.const 1))) (local.get 0)))
      (else (i32.const 0)))))"#;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kiln-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("limits.wat"), LIMITS).unwrap();
    d
}

/// `kiln run FLAGS limits.wat --invoke NAME ARGS`: (exit status, stdout, stderr).
fn run(dir: &Path, flags: &[&str], invoke: &[&str]) -> (i32, String, String) {
    let mut args = vec!["run"];
    args.extend(flags);
    args.extend(["limits.wat", "--invoke"]);
    args.extend(invoke);
    let o = kiln(&args, dir);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).trim().to_string(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn fuel_stops_a_runaway_loop() {
    let d = scratch("fuel");
    let (status, _, err) = run(&d, &["--fuel", "100000"], &["spin"]);
    assert_eq!(status, 134, "{err}");
    assert!(
        err.contains("trap: all fuel consumed by WebAssembly"),
        "{err}"
    );
}

#[test]
fn fuel_is_deterministic_to_the_unit() {
    let d = scratch("fuel-exact");
    // count(1000): one unit on entry, one per loop iteration.
    for _ in 0..2 {
        assert_eq!(run(&d, &["--fuel", "1001"], &["count", "1000"]).0, 0);
        let (status, _, err) = run(&d, &["--fuel", "1000"], &["count", "1000"]);
        assert_eq!(status, 134, "{err}");
    }
}

#[test]
fn timeout_stops_a_runaway_loop() {
    let d = scratch("timeout");
    let started = Instant::now();
    let (status, _, err) = run(&d, &["--timeout", "300ms"], &["spin"]);
    assert_eq!(status, 134, "{err}");
    assert!(err.contains("trap: interrupt"), "{err}");
    // Compiling is part of it; a stuck loop would never end.
    assert!(started.elapsed() < Duration::from_secs(60));
    // A program that finishes in time is not disturbed.
    assert_eq!(
        run(&d, &["--timeout", "1m"], &["count", "1000"]),
        (0, "0".into(), String::new())
    );
}

#[test]
fn max_memory_size_refuses_growth_past_it() {
    let d = scratch("memory");
    assert_eq!(run(&d, &[], &["grow", "10"]).1, "1");
    let limit = ["--max-memory-size", "131072"];
    assert_eq!(run(&d, &limit, &["grow", "10"]).1, "-1");
    assert_eq!(run(&d, &limit, &["grow", "1"]).1, "1");
    let (status, _, err) = run(&d, &["--max-memory-size", "1000"], &["grow", "0"]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("exceeds the limit of 1000 bytes"), "{err}");
}

#[test]
fn max_table_elements_refuses_growth_past_it() {
    let d = scratch("table");
    assert_eq!(run(&d, &[], &["grow_table", "10"]).1, "1");
    let limit = ["--max-table-elements", "5"];
    assert_eq!(run(&d, &limit, &["grow_table", "10"]).1, "-1");
    assert_eq!(run(&d, &limit, &["grow_table", "4"]).1, "1");
}

#[test]
fn max_wasm_stack_bounds_recursion() {
    let d = scratch("stack");
    assert_eq!(run(&d, &[], &["deep", "100000"]).0, 0);
    let limit = ["--max-wasm-stack", "100000"];
    let (status, _, err) = run(&d, &limit, &["deep", "100000"]);
    assert_eq!(status, 134, "{err}");
    assert!(err.contains("trap: call stack exhausted"), "{err}");
    assert_eq!(run(&d, &limit, &["deep", "100"]).1, "-5050");
}

#[test]
fn build_bakes_the_limits_in() {
    let d = scratch("build");
    let o = kiln(
        &[
            "build",
            "limits.wat",
            "--invoke",
            "count",
            "--fuel",
            "1001",
            "--max-wasm-stack",
            "100000",
            "-o",
            "count",
        ],
        &d,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let exe = d.join("count");
    let ok = Command::new(&exe).arg("1000").output().unwrap();
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&ok.stdout).trim(), "0");
    let out = Command::new(&exe).arg("1001").output().unwrap();
    assert_eq!(out.status.code(), Some(134));
    assert!(String::from_utf8_lossy(&out.stderr).contains("all fuel consumed"));
}
