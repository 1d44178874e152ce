//! `kiln-bench instructions`: how many instructions each benchmark
//! executes on native and on the engines that run plain machine code
//! (kiln, wasm2c+clang), counted by valgrind (cachegrind without its cache
//! simulation). Unlike run time, the count does not move with code
//! placement or with the machine's load, so it shows what a compiler
//! change did to the code even where run times are noise. It is not a
//! run time: a mispredicted branch or a cache miss counts as one
//! instruction. wasmtime and node are left out: their counts would be
//! their runtimes' as much as the program's.

use crate::engines::{Engine, Tools};
use crate::programs::{self, bar, command, geomean, Options};
use anyhow::{bail, Context, Result};
use std::fmt::Write;
use std::process::Command;

pub fn run(opts: &Options) -> Result<String> {
    if Command::new("valgrind").arg("--version").output().is_err() {
        bail!("valgrind is missing (cargo xtask bench instructions installs it)");
    }
    let engines: Vec<Engine> = opts
        .engines
        .iter()
        .copied()
        .filter(|e| !matches!(e, Engine::Wasmtime | Engine::Node))
        .collect();
    let native = engines
        .iter()
        .position(|&e| e == Engine::Native)
        .context("native is the baseline: keep it in --engines")?;
    let tools = Tools::find(&crate::root());
    let rows = programs::build(opts, &engines, &tools)?;
    let counting = bar((rows.len() * engines.len()) as u64, "counting");
    let mut counts = Vec::new();
    for row in &rows {
        let mut per_engine = Vec::new();
        for (e, p) in engines.iter().zip(&row.prepared) {
            counting.set_message(format!("{} on {}", row.program.name, e.label()));
            let n = instructions(&mut command(p))
                .with_context(|| format!("{} on {}", row.program.name, e.label()))?;
            per_engine.push(n);
            counting.inc(1);
        }
        counts.push(per_engine);
    }
    counting.finish_and_clear();

    let mut t = String::from("| benchmark | native (10⁹ instructions) |");
    for (k, e) in engines.iter().enumerate() {
        if k != native {
            write!(t, " {} |", e.label())?;
        }
    }
    t.push_str("\n|---|---|");
    t.push_str(&"---|".repeat(engines.len() - 1));
    t.push('\n');
    let mut ratios = vec![Vec::new(); engines.len()];
    for (row, c) in rows.iter().zip(&counts) {
        write!(
            t,
            "| {} | {:.2} |",
            row.program.name,
            c[native] as f64 / 1e9
        )?;
        for (k, &n) in c.iter().enumerate() {
            if k != native {
                let r = n as f64 / c[native] as f64;
                ratios[k].push(r);
                write!(t, " {r:.3} |")?;
            }
        }
        t.push('\n');
    }
    t.push_str("| **geomean** | |");
    for (k, r) in ratios.iter().enumerate() {
        if k != native {
            write!(t, " **{:.3}** |", geomean(r))?;
        }
    }
    t.push('\n');
    Ok(format!(
        "Instructions executed, as a ratio to native's count \
         (`valgrind --tool=cachegrind --cache-sim=no`; one run each, the \
         count is the same every run).\n\n{t}"
    ))
}

/// Instructions `cmd` executes (its "I refs" under cachegrind).
fn instructions(cmd: &mut Command) -> Result<u64> {
    // Not /dev/null: where that is a plain file, what lands there is read
    // by the next process given /dev/null as its stdin.
    let out = std::env::temp_dir().join("kiln-bench-cachegrind.out");
    let mut v = Command::new("valgrind");
    v.args(["--tool=cachegrind", "--cache-sim=no"])
        .arg(format!("--cachegrind-out-file={}", out.display()))
        .arg(cmd.get_program())
        .args(cmd.get_args());
    let o = v.output().with_context(|| format!("{v:?}"))?;
    if !o.status.success() {
        bail!("{v:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    }
    let err = String::from_utf8_lossy(&o.stderr);
    let line = err
        .lines()
        .find(|l| l.contains("I") && l.contains("refs:"))
        .with_context(|| format!("no instruction count in valgrind's output:\n{err}"))?;
    let digits: String = line
        .rsplit(':')
        .next()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .with_context(|| format!("cannot read {line:?}"))
}
