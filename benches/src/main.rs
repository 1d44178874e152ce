//! `kiln-bench [programs | startup | scaling | clang]`: benchmarks,
//! measured side by side in one run, interleaved, reported as median with
//! min and max, written to `benches/results/`. Run through `cargo xtask
//! bench`; with no name, `programs` only (the others take many minutes).
//!
//! - `programs [--runs=N] [--only=a,b] [--engines=native,kiln-O2,...]`: the
//!   benchmark suite on native, kiln -O2/-O3, wasmtime, wasm2c+clang and
//!   node; `benches/results/<date>.md` and `<date>.svg`.
//! - `startup`: the start-to-exit time of a hello world built natively with
//!   clang-22 -O2 and built with `kiln build`.
//! - `scaling [--jobs N]`: compile time and peak memory of synthetic modules
//!   from 10k to 150k functions and of one huge function.
//! - `synthetic (N | huge) OUT.wasm`: write one synthetic module.
//! - `load ADDR PATH CONNECTIONS SECONDS [RATE]`: `GET PATH` from a server
//!   on loopback, closed loop, or with RATE requests per second due
//!   whether or not the server keeps up; prints requests per second and
//!   p50/p99. For profiling a server under the loads the `serve`
//!   benchmark applies.
//! - `clang`: the 75 MB clang module of `@yowasp/clang`: compile time and
//!   memory by level and jobs, and its run time against wasmtime.
//! - `components`: nanoseconds per call across component boundaries (a
//!   host call, a resource method, calls between instances with a scalar,
//!   a string and a list), kiln against wasmtime; start-to-exit of a Rust
//!   `wasm32-wasip2` hello against native.
//! - `compose`: nanoseconds per call between two Rust components composed
//!   by `kiln compose`: whole program, boundaries kept, wasmtime, and a
//!   native direct call as the floor.
//! - `serve`: `kiln serve`, a `kiln build --serve` executable and
//!   `wasmtime serve` on the same wasi:http handler: requests per second
//!   with 2 and 64 connections, latency at a fixed rate, peak memory.
//! - `instructions [--only=a,b] [--engines=...]`: instructions each
//!   benchmark program executes, counted by valgrind: a measure that code
//!   placement and the machine's noise do not move.

mod chart;
mod clang;
mod components;
mod compose;
mod engines;
mod instructions;
mod load;
mod measure;
mod programs;
mod scaling;
mod serve;
mod sodium;
mod suite;
mod synthetic;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("synthetic") {
        return write_synthetic(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("load") {
        return load_once(&args[1..]);
    }
    let jobs = args
        .iter()
        .find_map(|a| a.strip_prefix("--jobs="))
        .map(|j| j.parse())
        .transpose()
        .context("--jobs=N")?;
    let which: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let known = [
        "programs",
        "startup",
        "scaling",
        "clang",
        "instructions",
        "components",
        "compose",
        "serve",
    ];
    if let Some(w) = which.iter().find(|w| !known.contains(w)) {
        bail!("unknown benchmark {w:?}; available: {}", known.join(", "));
    }
    let wants = |name: &str| which.contains(&name) || (which.is_empty() && name == "programs");
    if wants("programs") {
        programs::run(&programs_options(&args)?)?;
    }
    if wants("instructions") {
        let table = instructions::run(&programs_options(&args)?)?;
        report(
            "instructions",
            "Instructions executed by the benchmark programs",
            &table,
            "cargo xtask bench instructions",
        )?;
    }
    if wants("components") {
        components::run()?;
    }
    if wants("compose") {
        compose::run()?;
    }
    if wants("serve") {
        serve::run()?;
    }
    if wants("startup") {
        startup()?;
    }
    if wants("scaling") {
        let work = std::env::temp_dir().join("kiln-bench-scaling");
        std::fs::create_dir_all(&work)?;
        let table = scaling::run(&root().join("target/release/kiln"), &work, jobs)?;
        let jobs = jobs.map_or("the default --jobs".to_string(), |j| format!("--jobs={j}"));
        report(
            "scaling",
            &format!("Compile scaling with synthetic modules, `kiln build -O2`, {jobs}"),
            &table,
            "cargo xtask bench scaling",
        )?;
    }
    if wants("clang") {
        let work = std::env::temp_dir().join("kiln-bench-clang");
        std::fs::create_dir_all(&work)?;
        let table = clang::run(&root(), &work)?;
        report(
            "clang",
            "The 75 MB clang/LLVM module (npm @yowasp/clang), kiln against wasmtime",
            &table,
            "cargo xtask bench clang",
        )?;
    }
    Ok(())
}

fn programs_options(args: &[String]) -> Result<programs::Options> {
    let value = |key: &str| args.iter().find_map(|a| a.strip_prefix(key));
    let list = |v: Option<&str>| -> Vec<String> {
        v.map(|v| v.split(',').map(str::to_string).collect())
            .unwrap_or_default()
    };
    let engines = match value("--engines=") {
        None => engines::ALL.to_vec(),
        Some(v) => v
            .split(',')
            .map(|n| {
                engines::Engine::parse(n).with_context(|| {
                    format!(
                        "--engines: {n:?}: one of native, kiln-O2, kiln-O3, kiln-O2-align64, kiln-O2-imprecise, kiln-O2-fuel, kiln-O2-timeout, kiln-O2-baseline, wasmtime, wasm2c, node"
                    )
                })
            })
            .collect::<Result<_>>()?,
    };
    Ok(programs::Options {
        runs: value("--runs=")
            .map_or(Ok(5), str::parse)
            .context("--runs=N")?,
        only: list(value("--only=")),
        engines,
    })
}

/// The source folder of a crate the tests' source manifest names, found
/// (and downloaded if needed) by cargo metadata.
fn crate_source(name: &str) -> Result<PathBuf> {
    let o = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(root().join("testsuite/programs/sources/Cargo.toml"))
        .output()?;
    if !o.status.success() {
        bail!("cargo metadata: {}", String::from_utf8_lossy(&o.stderr));
    }
    let meta: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    let manifest = meta["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .and_then(|p| p["manifest_path"].as_str())
        .with_context(|| format!("{name} not in cargo metadata"))?;
    Ok(Path::new(manifest).parent().unwrap().to_path_buf())
}

/// The machine and tool versions, for a report's header.
fn machine() -> String {
    let first_line = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .output()
            .map(|o| {
                let text = String::from_utf8_lossy(&o.stdout).to_string()
                    + &String::from_utf8_lossy(&o.stderr);
                text.lines().next().unwrap_or("").trim().to_string()
            })
            .unwrap_or_else(|_| "not found".into())
    };
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let wasmtime = root().join("target/peers/wasmtime");
    format!(
        "Machine: {cpu}, {cores} cores. kiln {} ({}); {}; {}; wasm2c {}; node {}.",
        first_line(
            "git",
            &[
                "-C",
                root().to_str().unwrap_or("."),
                "describe",
                "--always",
                "--dirty"
            ]
        ),
        "default CPU baseline x86-64-v2",
        first_line("clang-22", &["--version"]),
        first_line(wasmtime.to_str().unwrap_or("wasmtime"), &["--version"]),
        first_line("wasm2c", &["--version"]),
        first_line("node", &["--version"]),
    )
}

/// `kiln-bench synthetic (FUNCTIONS | huge) OUT.wasm`: one of the scaling
/// benchmark's modules, to compile by hand.
fn write_synthetic(args: &[String]) -> Result<()> {
    let [shape, out] = args else {
        bail!("usage: kiln-bench synthetic (FUNCTIONS | huge) OUT.wasm");
    };
    let shape = match shape.as_str() {
        "huge" => synthetic::Shape::OneHugeFunction(1_000_000),
        n => synthetic::Shape::Functions(n.parse().context("FUNCTIONS: a number")?),
    };
    std::fs::write(out, synthetic::module(&shape))?;
    Ok(())
}

fn load_once(args: &[String]) -> Result<()> {
    // `--body FILE`: POST the file's bytes rather than GET.
    let (args, body) = match args {
        [rest @ .., flag, file] if flag == "--body" => {
            let body = std::fs::read(file).with_context(|| format!("reading {file}"))?;
            (rest, Some(body))
        }
        _ => (args, None),
    };
    let (addr, path, connections, seconds, rate) = match args {
        [a, p, c, s] => (a, p, c, s, None),
        [a, p, c, s, r] => (a, p, c, s, Some(r)),
        _ => bail!("usage: kiln-bench load ADDR PATH CONNECTIONS SECONDS [RATE] [--body FILE]"),
    };
    // Any body is taken: this measures, it does not check.
    let request = match &body {
        Some(b) => load::Request::new("POST", path, "application/octet-stream", b, b""),
        None => load::Request::new("GET", path, "", b"", b""),
    }
    .any_body();
    let seconds: f64 = seconds.parse().context("SECONDS: a number")?;
    if !(seconds.is_finite() && seconds > 0.0) {
        bail!("SECONDS: a positive number, not {seconds}");
    }
    let time = Duration::from_secs_f64(seconds);
    let connections: usize = connections.parse().context("CONNECTIONS: a number")?;
    if connections == 0 {
        bail!("CONNECTIONS: at least 1");
    }
    // With a rate, requests are due at that rate whether or not the
    // server keeps up, and latency counts from when each was due.
    let outcome = match rate {
        None => load::closed_loop(addr, &request, connections, time)?,
        Some(r) => {
            let rate: f64 = r.parse().context("RATE: requests per second")?;
            // At least one request due in the time, so that every due time
            // lies within it.
            if !(rate.is_finite() && rate * seconds >= 1.0) {
                bail!("RATE: a number of requests per second that makes at least one request in {seconds} s, not {rate}");
            }
            load::open_loop(addr, &request, rate, connections, time)?
        }
    };
    println!(
        "{:.0} req/s, p50 {:.0} µs, p99 {:.0} µs",
        outcome.per_second(),
        outcome.percentile_us(50.0),
        outcome.percentile_us(99.0)
    );
    Ok(())
}

fn today() -> Result<String> {
    let date = Command::new("date").arg("+%Y-%m-%d").output()?;
    Ok(String::from_utf8_lossy(&date.stdout).trim().to_string())
}

/// Write `benches/results/<date>-<name>.md` and print it.
fn report(name: &str, title: &str, body: &str, command: &str) -> Result<()> {
    let date = today()?;
    let text = format!("# {title}, {date}\n\n{body}\nCommand: `{command}`\n");
    let out = root().join(format!("benches/results/{date}-{name}.md"));
    std::fs::write(&out, &text)?;
    println!("{text}");
    println!("written to {}", out.display());
    Ok(())
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn check(cmd: &mut Command) -> Result<()> {
    let o = cmd.output().with_context(|| format!("{cmd:?}"))?;
    if !o.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    }
    Ok(())
}

#[derive(Clone)]
struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    Stats {
        median: v[v.len() / 2],
        min: v[0],
        max: v[v.len() - 1],
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// Start-to-exit time of hello world: native C against a kiln-built
/// static executable, interleaved runs.
fn startup() -> Result<()> {
    const RUNS: usize = 300;
    let work = std::env::temp_dir().join("kiln-bench-startup");
    std::fs::create_dir_all(&work)?;
    let src = root().join("benches/programs/hello.c");
    let kiln = root().join("target/release/kiln");
    let (native, wasm, kiln_exe) = (
        work.join("hello-native"),
        work.join("hello.wasm"),
        work.join("hello-kiln"),
    );
    check(
        Command::new("clang-22")
            .args(["-O2", "-o"])
            .arg(&native)
            .arg(&src),
    )?;
    check(
        Command::new("clang-22")
            .args(["--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-o"])
            .arg(&wasm)
            .arg(&src),
    )?;
    check(
        Command::new(&kiln)
            .arg("build")
            .arg(&wasm)
            .arg("-o")
            .arg(&kiln_exe),
    )?;
    // With KILN_BASELINE, the same program built by another kiln too:
    // what a change did to start-up, side by side.
    let baseline = std::env::var_os("KILN_BASELINE").map(PathBuf::from);
    let baseline_exe = work.join("hello-kiln-baseline");
    if let Some(other) = &baseline {
        check(
            Command::new(other)
                .arg("build")
                .arg(&wasm)
                .arg("-o")
                .arg(&baseline_exe),
        )?;
    }
    let mut engines = vec![
        Run::exe("native (clang-22 -O2, dynamic glibc)", &native)?,
        Run::exe("kiln build (static)", &kiln_exe)?,
    ];
    if baseline.is_some() {
        engines.push(Run::exe(
            "kiln build (static), KILN_BASELINE",
            &baseline_exe,
        )?);
    }
    let table = start_to_exit(&engines, "hello, world\n", RUNS)?;
    report(
        "startup",
        "Start-to-exit time of hello world",
        &format!("{RUNS} interleaved runs each, spawn to exit, output to /dev/null.\n\n{table}"),
        "cargo xtask bench startup",
    )
}

/// A program to time: its name in the table, and its command line.
pub struct Run {
    pub name: String,
    pub argv: Vec<std::ffi::OsString>,
}

impl Run {
    /// An executable run without arguments, named with its size.
    pub fn exe(name: &str, exe: &Path) -> Result<Run> {
        let size = std::fs::metadata(exe)?.len();
        Ok(Run {
            name: format!("{name}, {size} bytes"),
            argv: vec![exe.into()],
        })
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.argv[0]);
        c.args(&self.argv[1..]);
        c
    }
}

/// Start-to-exit of programs, each first checked to print `expected`:
/// `runs` interleaved runs each, output to /dev/null; a table with each
/// one's ratio to the first.
fn start_to_exit(engines: &[Run], expected: &str, runs: usize) -> Result<String> {
    for run in engines {
        let out = run.command().output()?;
        if out.stdout != expected.as_bytes() {
            bail!(
                "{} printed {:?}",
                run.name,
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); engines.len()];
    eprint!("start-to-exit: ");
    for i in 0..runs {
        for (k, run) in engines.iter().enumerate() {
            let t = Instant::now();
            let status = run.command().stdout(Stdio::null()).status()?;
            times[k].push(t.elapsed());
            if !status.success() {
                bail!("{} failed", run.name);
            }
        }
        if i % (runs / 20).max(1) == 0 {
            eprint!("#");
        }
    }
    eprintln!(" done");
    let s: Vec<Stats> = times.into_iter().map(stats).collect();
    let mut table = String::from("| program | median ms | min ms | max ms | ratio to the first (median) |\n|---|---|---|---|---|\n");
    for (run, st) in engines.iter().zip(&s) {
        table += &format!(
            "| {} | {} | {} | {} | {:.2} |\n",
            run.name,
            ms(st.median),
            ms(st.min),
            ms(st.max),
            st.median.as_secs_f64() / s[0].median.as_secs_f64()
        );
    }
    Ok(table)
}
