//! `components`: the cost of crossing component boundaries, kiln against
//! wasmtime running the same component: a host call, a resource method,
//! and calls between two component instances (a scalar, a 1 KiB string
//! and a 64 KiB `list<u8>`, each a round trip). Each component measures
//! itself: its `run-*` export makes `n` calls between two reads of the
//! monotonic clock and returns the nanoseconds, so neither start-up nor
//! compilation is counted. The same three calls between two Rust components
//! (kiln_testsuite::composition), where the callee's Rust code runs too. Then start-to-exit of a Rust `wasm32-wasip2`
//! hello built by `kiln build`, against the same program built natively.

use crate::{check, report, root, start_to_exit, Run};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// (what, component file, export, calls per run).
const CASES: [(&str, &str, &str, u32); 5] = [
    (
        "host call: monotonic-clock.now",
        "host-call.wat",
        "run",
        1_000_000,
    ),
    (
        "resource method: pollable.ready",
        "resource-method.wat",
        "run",
        1_000_000,
    ),
    (
        "between components: add(u32, u32)",
        "cross-component.wat",
        "run-add",
        10_000_000,
    ),
    (
        "between components: 1 KiB string echo",
        "cross-component.wat",
        "run-echo",
        1_000_000,
    ),
    (
        "between components: 64 KiB list<u8> echo",
        "cross-component.wat",
        "run-echo-list",
        20_000,
    ),
];

/// (what, export of the Rust pair, calls per run).
const RUST_PAIR: [(&str, &str, u32); 3] = [
    (
        "between Rust components: add(u32, u32)",
        "run-add",
        10_000_000,
    ),
    (
        "between Rust components: 1 KiB string echo",
        "run-echo",
        1_000_000,
    ),
    (
        "between Rust components: 64 KiB list<u8> echo",
        "run-echo-list",
        20_000,
    ),
];

const ROUNDS: usize = 7;

pub fn run() -> Result<()> {
    let dir = root().join("benches/programs/components");
    let kiln = root().join("target/release/kiln");
    let wasmtime = root().join("target/peers/wasmtime");
    let mut table = String::from(
        "| call | kiln ns/call (median, min–max) | wasmtime ns/call (median, min–max) | wasmtime / kiln |\n|---|---|---|---|\n",
    );
    let pair = kiln_testsuite::composition::rust_pair(&root().join("target/kiln-bench/rust-pair"))
        .map_err(anyhow::Error::msg)?;
    let cases = CASES
        .iter()
        .map(|&(what, file, export, n)| (what, dir.join(file), export, n))
        .chain(
            RUST_PAIR
                .iter()
                .map(|&(what, export, n)| (what, pair.clone(), export, n)),
        );
    for (what, wat, export, n) in cases {
        let mut times = [Vec::new(), Vec::new()];
        eprint!("components: {what} ");
        for _ in 0..ROUNDS {
            let mut k = Command::new(&kiln);
            k.arg("run")
                .arg(&wat)
                .args(["--invoke", export, &n.to_string()]);
            times[0].push(self_timed(&mut k, n)?);
            let mut w = Command::new(&wasmtime);
            w.arg("run")
                .arg(format!("--invoke={export}({n})"))
                .arg(&wat);
            times[1].push(self_timed(&mut w, n)?);
            eprint!("#");
        }
        eprintln!();
        let [k, w] = times.map(|mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            (v[v.len() / 2], v[0], v[v.len() - 1])
        });
        let ns = |(median, min, max): (f64, f64, f64)| format!("{median:.1} ({min:.1}–{max:.1})");
        table += &format!("| {what} | {} | {} | {:.1}× |\n", ns(k), ns(w), w.0 / k.0);
    }
    let hello = hello_startup()?;
    let python = python_startup()?;
    report(
        "components",
        "Component boundaries: kiln against wasmtime on the same components",
        &format!(
            "Each component times its own loop of calls with the monotonic clock \
             (`benches/programs/components/`); {ROUNDS} interleaved runs per engine, \
             `kiln run` (cached) and `wasmtime run`.\n\n{table}\n{hello}\n{python}"
        ),
        "cargo xtask bench components",
    )
}

/// The nanoseconds per call a self-timing component reports for `n` calls.
pub(crate) fn self_timed(cmd: &mut Command, n: u32) -> Result<f64> {
    let out = cmd.output().with_context(|| format!("{cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let total: u64 = text
        .trim()
        .parse()
        .with_context(|| format!("{cmd:?} printed {text:?}, not nanoseconds"))?;
    Ok(total as f64 / f64::from(n))
}

/// `component` built by `kiln build` into the executable `out`.
fn kiln_build(component: &Path, out: &Path) -> Result<std::path::PathBuf> {
    check(
        Command::new(root().join("target/release/kiln"))
            .arg("build")
            .arg(component)
            .arg("-o")
            .arg(out),
    )?;
    Ok(out.to_path_buf())
}

/// Start-to-exit of a Rust hello: native against a `kiln build` of its
/// `wasm32-wasip2` component; a table of its own.
fn hello_startup() -> Result<String> {
    const RUNS: usize = 300;
    let work = root().join("target/kiln-bench/components");
    std::fs::create_dir_all(&work)?;
    let programs = root().join("benches/programs/rust");
    let target = root().join("target/kiln-bench/rust");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for t in [None, Some("wasm32-wasip2")] {
        let mut c = Command::new(&cargo);
        c.current_dir(&programs)
            .args([
                "build",
                "--release",
                "--quiet",
                "--bin",
                "hello",
                "--target-dir",
            ])
            .arg(&target);
        if let Some(t) = t {
            c.args(["--target", t]);
        }
        check(&mut c)?;
    }
    let native = target.join("release/hello");
    let component = target.join("wasm32-wasip2/release/hello.wasm");
    let built = kiln_build(&component, &work.join("hello-kiln"))?;
    let engines = [
        Run::exe("native (cargo --release)", &native)?,
        Run::exe("kiln build of the wasm32-wasip2 component", &built)?,
    ];
    Ok(format!(
        "Start-to-exit of a Rust hello, {RUNS} interleaved runs each, output to /dev/null.\n\n{}",
        start_to_exit(&engines, "hello, world\n", RUNS)?
    ))
}

/// Start-to-exit of a Python hello (componentize-py, CPython inside): a
/// `kiln build` executable against the wasmtime CLI running the component
/// it precompiled.
fn python_startup() -> Result<String> {
    const RUNS: usize = 100;
    let work = root().join("target/kiln-bench/python");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let peers = kiln_testsuite::peers::wasi_command_wit(&work.join("wit"))
        .and_then(|wit| kiln_testsuite::peers::componentize_py("hello", &wit, "command", &work));
    let component = peers.map_err(anyhow::Error::msg)?;
    let built = kiln_build(&component, &work.join("hello-kiln"))?;
    let cwasm = work.join("hello.cwasm");
    let wasmtime = root().join("target/peers/wasmtime");
    check(
        Command::new(&wasmtime)
            .arg("compile")
            .arg(&component)
            .arg("-o")
            .arg(&cwasm),
    )?;
    let engines = [
        Run::exe("kiln build", &built)?,
        Run {
            name: "wasmtime run --allow-precompiled (wasmtime compile)".into(),
            argv: vec![
                wasmtime.into(),
                "run".into(),
                "--allow-precompiled".into(),
                cwasm.into(),
            ],
        },
    ];
    let expected = "hello from Python\narguments: []\nGREETING: None\nnot granted: None\n";
    Ok(format!(
        "Start-to-exit of a Python hello (componentize-py; `testsuite/programs/python/hello`), \
         {RUNS} interleaved runs each, output to /dev/null.\n\n{}",
        start_to_exit(&engines, expected, RUNS)?
    ))
}
