//! `kiln-bench scaling`: compile synthetic modules of 10k, 50k and 150k
//! functions and one of a single function of about a million instructions
//! with `kiln build -O2`, and show that peak memory follows the largest
//! codegen unit, not the module, and that no step grows faster than the
//! function count.

use crate::measure::measure;
use crate::synthetic::{module, Shape};
use anyhow::Result;
use std::process::Command;

struct Row {
    name: String,
    wasm_bytes: usize,
    functions: u64,
    wall: f64,
    cpu: f64,
    kiln_rss_mib: u64,
    linker_rss_mib: u64,
    exe_bytes: u64,
    phases: Vec<(String, f64)>,
}

/// The `kiln: timings:` lines of `--timings`: (step, seconds), and the
/// linker's peak memory from the total line.
fn parse_timings(stderr: &str) -> (Vec<(String, f64)>, u64) {
    let mut phases = Vec::new();
    let mut linker = 0;
    for line in stderr.lines() {
        let Some(rest) = line.strip_prefix("kiln: timings:") else {
            continue;
        };
        let rest = rest.trim();
        let Some((secs, name)) = rest.split_once(" s  ") else {
            continue;
        };
        if name.starts_with(' ') {
            continue; // per-tier thread time: not a step
        }
        if name.contains("(linker at most ") {
            linker = crate::measure::kiln_linker_peak_mib(name);
            continue;
        }
        // Unit counts vary with the module; the step's name stays.
        let name = name.split(':').next().unwrap_or(name);
        let name = if name.starts_with("codegen") && !rest.contains("metadata") {
            "codegen: functions".to_string()
        } else if rest.contains("metadata") {
            "codegen: metadata".to_string()
        } else {
            name.to_string()
        };
        if let Ok(s) = secs.trim().parse() {
            phases.push((name, s));
        }
    }
    (phases, linker)
}

pub fn run(kiln: &std::path::Path, work: &std::path::Path, jobs: Option<usize>) -> Result<String> {
    let shapes = [
        ("10k functions", Shape::Functions(10_000), 10_000u64),
        ("50k functions", Shape::Functions(50_000), 50_000),
        ("150k functions", Shape::Functions(150_000), 150_000),
        (
            "1 function of 1M instructions",
            Shape::OneHugeFunction(1_000_000),
            1,
        ),
    ];
    let mut rows = Vec::new();
    for (name, shape, functions) in shapes {
        eprintln!("scaling: {name} ...");
        let wasm = module(&shape);
        let input = work.join("synthetic.wasm");
        let exe = work.join("synthetic");
        std::fs::write(&input, &wasm)?;
        let mut cmd = Command::new(kiln);
        cmd.args(["build", "-O2", "--timings", "-q"])
            .arg(&input)
            .arg("-o")
            .arg(&exe);
        if let Some(j) = jobs {
            cmd.arg(format!("--jobs={j}"));
        }
        let m = measure(&mut cmd)?;
        // The result must run: _start calls into the generated functions.
        measure(&mut Command::new(&exe))?;
        let (phases, linker_rss_mib) = parse_timings(&String::from_utf8_lossy(&m.stderr));
        rows.push(Row {
            name: name.to_string(),
            wasm_bytes: wasm.len(),
            functions,
            wall: m.wall.as_secs_f64(),
            cpu: m.cpu.as_secs_f64(),
            kiln_rss_mib: m.peak_rss_kib / 1024,
            linker_rss_mib,
            exe_bytes: std::fs::metadata(&exe)?.len(),
            phases,
        });
    }
    Ok(table(&rows))
}

fn table(rows: &[Row]) -> String {
    let mut steps: Vec<String> = Vec::new();
    for r in rows {
        for (s, _) in &r.phases {
            if !steps.contains(s) {
                steps.push(s.clone());
            }
        }
    }
    let mut t = String::from(
        "| module | wasm bytes | wall s | CPU s | kiln peak RSS MiB | ld.lld peak RSS MiB (at most) | executable bytes | µs wall per function |\n|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        t += &format!(
            "| {} | {} | {:.2} | {:.2} | {} | {} | {} | {:.1} |\n",
            r.name,
            r.wasm_bytes,
            r.wall,
            r.cpu,
            r.kiln_rss_mib,
            r.linker_rss_mib,
            r.exe_bytes,
            r.wall * 1e6 / r.functions as f64
        );
    }
    t += "\nSeconds per step (`kiln build --timings`):\n\n| module |";
    for s in &steps {
        t += &format!(" {s} |");
    }
    t += "\n|---|";
    for _ in &steps {
        t += "---|";
    }
    t += "\n";
    for r in rows {
        t += &format!("| {} |", r.name);
        for s in &steps {
            let v: f64 = r
                .phases
                .iter()
                .filter(|(n, _)| n == s)
                .map(|(_, v)| v)
                .sum();
            t += &format!(" {v:.3} |");
        }
        t += "\n";
    }
    t
}
