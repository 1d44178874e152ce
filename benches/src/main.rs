//! `kiln-bench [startup]`: benchmark programs, measured side by side in
//! one run, interleaved, reported as median with min and max, written to
//! `benches/results/<date>-<name>.md`. Run through `cargo xtask bench`.
//!
//! Available now: `startup`, the start-to-exit time of a hello world built
//! natively with clang-22 -O2 and built with `kiln build`. The run-time
//! suite against wasmtime, wasm2c and V8 arrives with issue 4.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() -> Result<()> {
    let which: Vec<String> = std::env::args().skip(1).collect();
    let all = which.is_empty();
    if all || which.iter().any(|w| w == "startup") {
        startup()?;
    } else {
        bail!("unknown benchmark {:?}; available: startup", which);
    }
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
    let engines: [(&str, &Path); 2] = [
        ("native (clang-22 -O2, dynamic glibc)", &native),
        ("kiln build (static)", &kiln_exe),
    ];
    for (name, exe) in engines {
        let out = Command::new(exe).output()?;
        if out.stdout != b"hello, world\n" {
            bail!("{name} printed {:?}", String::from_utf8_lossy(&out.stdout));
        }
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); engines.len()];
    eprint!("startup: ");
    for i in 0..RUNS {
        for (k, (_, exe)) in engines.iter().enumerate() {
            let t = Instant::now();
            let status = Command::new(exe).stdout(Stdio::null()).status()?;
            times[k].push(t.elapsed());
            if !status.success() {
                bail!("{} failed", exe.display());
            }
        }
        if i % (RUNS / 20) == 0 {
            eprint!("#");
        }
    }
    eprintln!(" done");
    let s: Vec<Stats> = times.into_iter().map(stats).collect();
    let mut table = String::from("| program | median ms | min ms | max ms | ratio to native (median) |\n|---|---|---|---|---|\n");
    for ((name, exe), st) in engines.iter().zip(&s) {
        let size = std::fs::metadata(exe)?.len();
        table += &format!(
            "| {name}, {size} bytes | {} | {} | {} | {:.2} |\n",
            ms(st.median),
            ms(st.min),
            ms(st.max),
            st.median.as_secs_f64() / s[0].median.as_secs_f64()
        );
    }
    let date = Command::new("date").arg("+%Y-%m-%d").output()?;
    let date = String::from_utf8_lossy(&date.stdout).trim().to_string();
    let report = format!(
        "# Start-to-exit time of hello world, {date}\n\n{RUNS} interleaved runs each, spawn to exit, output to /dev/null.\n\n{table}\nCommand: `cargo xtask bench startup`\n"
    );
    let out = root().join(format!("benches/results/{date}-startup.md"));
    std::fs::write(&out, &report)?;
    println!("{report}");
    println!("written to {}", out.display());
    Ok(())
}
