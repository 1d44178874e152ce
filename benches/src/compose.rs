//! `compose`: what a call between two components costs once `kiln
//! compose` has put them together, for kiln compiling the composition as
//! one program (direct calls, inlined where LLVM finds it pays), kiln with
//! the boundaries kept (`--keep-boundaries`: calls through funcrefs), and
//! wasmtime running the same composition. The components are the Rust
//! pair (testsuite/programs/rust-components); the caller times its own
//! loop of calls with the monotonic clock. The floor for the scalar call
//! is the same loop in native Rust, calling a function it may not inline.

use crate::components::self_timed;
use crate::{chart, check, report, root};
use anyhow::Result;
use std::path::Path;
use std::process::Command;

/// (what, export of the caller, calls per run).
const CALLS: [(&str, &str, u32); 3] = [
    ("add(u32, u32)", "run-add", 10_000_000),
    ("1 KiB string echo", "run-echo", 1_000_000),
    ("64 KiB list<u8> echo", "run-echo-list", 20_000),
];

const ROUNDS: usize = 7;

/// The caller's `run-add` loop as native Rust: `add` behind
/// `#[inline(never)]`, the accumulator through `black_box` as there.
const NATIVE_ADD: &str = r#"
use std::hint::black_box;
#[inline(never)]
fn add(a: u32, b: u32) -> u32 {
    a.wrapping_add(b)
}
fn main() {
    let n: u32 = std::env::args().nth(1).unwrap().parse().unwrap();
    let start = std::time::Instant::now();
    let mut acc = 0u32;
    for i in 0..n {
        acc = add(black_box(acc), i);
    }
    black_box(acc);
    println!("{}", start.elapsed().as_nanos());
}
"#;

pub fn run() -> Result<()> {
    let work = root().join("target/kiln-bench/compose");
    std::fs::create_dir_all(&work)?;
    kiln_testsuite::composition::rust_pair(&work).map_err(anyhow::Error::msg)?;
    let kiln = root().join("target/release/kiln");
    let wasmtime = root().join("target/peers/wasmtime");
    let composed = work.join("composed.wasm");
    check(
        Command::new(&kiln)
            .arg("compose")
            .arg(work.join("caller.wasm"))
            .arg("--plug")
            .arg(work.join("callee.wasm"))
            .arg("-o")
            .arg(&composed),
    )?;
    let native = native_add(&work)?;
    let mut table = String::from(
        "| call | kiln, whole program | kiln --keep-boundaries | wasmtime | native direct call | wasmtime / kiln |\n\
         |---|---|---|---|---|---|\n",
    );
    let mut ratios = Vec::new();
    for (what, export, n) in CALLS {
        let mut times = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
        eprint!("compose: {what} ");
        for _ in 0..ROUNDS {
            let kiln_run = |extra: &[&str]| {
                let mut k = Command::new(&kiln);
                k.arg("run")
                    .args(extra)
                    .arg(&composed)
                    .args(["--invoke", export, &n.to_string()]);
                k
            };
            times[0].push(self_timed(&mut kiln_run(&[]), n)?);
            times[1].push(self_timed(&mut kiln_run(&["--keep-boundaries"]), n)?);
            let mut w = Command::new(&wasmtime);
            w.arg("run")
                .arg(format!("--invoke={export}({n})"))
                .arg(&composed);
            times[2].push(self_timed(&mut w, n)?);
            if export == "run-add" {
                let mut c = Command::new(&native);
                c.arg(n.to_string());
                times[3].push(self_timed(&mut c, n)?);
            }
            eprint!("#");
        }
        eprintln!();
        let [whole, kept, peer, floor] = times.map(|mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            (!v.is_empty()).then(|| (v[v.len() / 2], v[0], v[v.len() - 1]))
        });
        let ns = |t: Option<(f64, f64, f64)>| match t {
            Some((median, min, max)) => format!("{median:.2} ({min:.2}–{max:.2})"),
            None => "–".into(),
        };
        let median = |t: Option<(f64, f64, f64)>| t.map_or(f64::NAN, |t| t.0);
        table += &format!(
            "| {what} | {} | {} | {} | {} | {:.1}× |\n",
            ns(whole),
            ns(kept),
            ns(peer),
            ns(floor),
            median(peer) / median(whole)
        );
        ratios.push(vec![
            1.0,
            median(kept) / median(whole),
            median(peer) / median(whole),
        ]);
    }
    let date = crate::today()?;
    let series = ["kiln, whole program", "kiln --keep-boundaries", "wasmtime"];
    let svg = chart::ratios(
        &CALLS.map(|c| c.0),
        &series.map(String::from),
        &ratios,
        &format!(
            "Time per call as a ratio to kiln's whole-program compile, {date} (lower is faster)"
        ),
    );
    std::fs::write(
        root().join(format!("benches/results/{date}-compose.svg")),
        svg,
    )?;
    report(
        "compose",
        "Calls between composed components: whole program, boundaries kept, wasmtime",
        &format!(
            "![ratios]({date}-compose.svg)\n\n\
             The Rust pair (`testsuite/programs/rust-components`) composed by \
             `kiln compose caller.wasm --plug callee.wasm`; the caller times its own \
             loop of calls with the monotonic clock. Nanoseconds per call, median \
             (min–max) of {ROUNDS} interleaved runs: `kiln run` (cached), `kiln run \
             --keep-boundaries`, `wasmtime run`, and for the scalar the same loop in \
             native Rust (`rustc -C opt-level=3`, `add` not inlined).\n\n{table}"
        ),
        "cargo xtask bench compose",
    )
}

/// The native floor of the scalar call, built into `work`.
fn native_add(work: &Path) -> Result<std::path::PathBuf> {
    let source = work.join("native_add.rs");
    std::fs::write(&source, NATIVE_ADD)?;
    let exe = work.join("native_add");
    check(
        Command::new("rustc")
            .args(["-C", "opt-level=3", "--edition", "2021", "-o"])
            .arg(&exe)
            .arg(&source),
    )?;
    Ok(exe)
}
