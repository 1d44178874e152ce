//! `kiln-bench programs`: every benchmark program on every engine. Outputs
//! are checked equal to native's before any time counts; then RUNS rounds,
//! each running every program on every engine in turn (interleaved, so
//! that the machine's drift hits all engines alike). Writes
//! `benches/results/<date>.md` and `<date>.svg`.

use crate::engines::{self, Compile, Engine, Prepared, Tools};
use crate::measure::measure;
use crate::suite::{self, Program};
use crate::{chart, stats, Stats};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::fmt::Write;
use std::process::Command;
use std::time::Duration;

pub struct Options {
    pub runs: usize,
    pub only: Vec<String>,
    pub engines: Vec<Engine>,
}

pub struct Row {
    pub program: Program,
    pub prepared: Vec<Prepared>,
    times: Vec<Vec<Duration>>,
}

pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix:>9} [{bar:40}] {pos}/{len} {msg} ({elapsed}, ETA {eta})",
        )
        .unwrap()
        .progress_chars("=> "),
    );
    bar.set_prefix(what.to_string());
    bar
}

pub fn run(opts: &Options) -> Result<()> {
    let root = crate::root();
    let work = root.join("target/kiln-bench/programs");
    let tools = Tools::find(&root);
    let engines = &opts.engines;
    let mut rows = build(opts, engines, &tools)?;
    let running = bar((opts.runs * rows.len() * engines.len()) as u64, "running");
    for round in 0..opts.runs {
        for row in &mut rows {
            for (k, p) in row.prepared.iter().enumerate() {
                running.set_message(format!(
                    "round {}: {} on {}",
                    round + 1,
                    row.program.name,
                    engines[k].label()
                ));
                let m = measure(&mut command(p))?;
                row.times[k].push(m.wall);
                running.inc(1);
            }
        }
    }
    running.finish_and_clear();
    let startup = startup(&root, &work, engines, &tools)?;
    write_report(&root, opts, &rows, &startup)
}

/// Every benchmark of `opts.only` (all by default) built on `engines`,
/// with its outputs checked equal to native's.
pub fn build(opts: &Options, engines: &[Engine], tools: &Tools) -> Result<Vec<Row>> {
    let work = crate::root().join("target/kiln-bench/programs");
    std::fs::create_dir_all(&work)?;
    let specs: Vec<&suite::Spec> = suite::SPECS
        .iter()
        .filter(|s| opts.only.is_empty() || opts.only.iter().any(|o| o == s.name))
        .collect();
    if specs.is_empty() {
        bail!("no benchmark matches {:?}", opts.only);
    }
    let building = bar((specs.len() * (1 + engines.len())) as u64, "building");
    let mut rows = Vec::new();
    for spec in &specs {
        building.set_message(spec.name);
        let program =
            suite::build(spec, &work).with_context(|| format!("building {}", spec.name))?;
        building.inc(1);
        let mut prepared = Vec::new();
        for &e in engines {
            building.set_message(format!("{} on {}", spec.name, e.label()));
            prepared.push(
                engines::prepare(e, &program, &work, tools)
                    .with_context(|| format!("{} for {}", spec.name, e.label()))?,
            );
            building.inc(1);
        }
        check_outputs(&program, engines, &prepared)?;
        rows.push(Row {
            program,
            prepared,
            times: vec![Vec::new(); engines.len()],
        });
    }
    building.finish_and_clear();
    Ok(rows)
}

pub fn command(p: &Prepared) -> Command {
    let mut c = Command::new(&p.argv[0]);
    c.args(&p.argv[1..]);
    c
}

/// Every engine must print what native prints, and exit 0.
fn check_outputs(p: &Program, engines: &[Engine], prepared: &[Prepared]) -> Result<()> {
    let expected = measure(&mut Command::new(&p.native))?.stdout;
    if expected.is_empty() {
        bail!("{} printed nothing natively", p.name);
    }
    for (e, prep) in engines.iter().zip(prepared) {
        let got =
            measure(&mut command(prep)).with_context(|| format!("{} on {}", p.name, e.label()))?;
        if got.stdout != expected {
            bail!(
                "{} on {} printed\n{}\nbut natively\n{}",
                p.name,
                e.label(),
                String::from_utf8_lossy(&got.stdout),
                String::from_utf8_lossy(&expected)
            );
        }
    }
    Ok(())
}

/// Start-to-exit time of hello world on each engine: many short
/// interleaved runs.
fn startup(
    root: &std::path::Path,
    work: &std::path::Path,
    engines: &[Engine],
    tools: &Tools,
) -> Result<Vec<(Stats, Option<Compile>)>> {
    const RUNS: usize = 100;
    let src = root.join("benches/programs/hello.c");
    let native = work.join("hello-native");
    let wasm = work.join("hello.wasm");
    suite::c(&src, &wasm, &[], true)?;
    let program = Program {
        name: "hello",
        covers: "start-up",
        native_build: suite::c(&src, &native, &[], false)?,
        native,
        wasm,
    };
    let prepared: Vec<Prepared> = engines
        .iter()
        .map(|&e| engines::prepare(e, &program, work, tools))
        .collect::<Result<_>>()?;
    check_outputs(&program, engines, &prepared)?;
    let bar = bar((RUNS * engines.len()) as u64, "start-up");
    let mut times = vec![Vec::new(); engines.len()];
    for _ in 0..RUNS {
        for (k, p) in prepared.iter().enumerate() {
            times[k].push(measure(&mut command(p))?.wall);
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    Ok(times
        .into_iter()
        .map(stats)
        .zip(prepared.into_iter().map(|p| p.compile))
        .collect())
}

pub fn geomean(v: &[f64]) -> f64 {
    (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp()
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

fn write_report(
    root: &std::path::Path,
    opts: &Options,
    rows: &[Row],
    startup: &[(Stats, Option<Compile>)],
) -> Result<()> {
    let engines = &opts.engines;
    let native = engines
        .iter()
        .position(|&e| e == Engine::Native)
        .context("native is the baseline: keep it in --engines")?;
    let medians: Vec<Vec<Stats>> = rows
        .iter()
        .map(|r| r.times.iter().cloned().map(stats).collect())
        .collect();
    // ratio[row][engine] of medians, to native.
    let ratio: Vec<Vec<f64>> = medians
        .iter()
        .map(|s| {
            s.iter()
                .map(|st| st.median.as_secs_f64() / s[native].median.as_secs_f64())
                .collect()
        })
        .collect();
    let geo: Vec<f64> = (0..engines.len())
        .map(|k| geomean(&ratio.iter().map(|r| r[k]).collect::<Vec<_>>()))
        .collect();
    let mut md = String::new();
    writeln!(md, "{}\n", crate::machine())?;
    writeln!(
        md,
        "## Run time, as a ratio to native (median of {} interleaved runs)\n",
        opts.runs
    )?;
    if engines.contains(&Engine::KilnRealigned) {
        writeln!(
            md,
            "`kiln -O2 align64` is `kiln -O2` with every function aligned to 64 bytes instead of 16: \
             the same code at other addresses. Where the two differ, code placement, not the \
             compiler, decides the result on this machine.\n"
        )?;
    }
    if engines.contains(&Engine::KilnImprecise) {
        writeln!(
            md,
            "`kiln -O2 imprecise` is `kiln -O2 --traps=imprecise`: accesses that may fault on a \
             guard page are as free to move as in native code. Its ratio to `kiln -O2` is what \
             precise traps cost.\n"
        )?;
    }
    if engines.contains(&Engine::KilnFuel) || engines.contains(&Engine::KilnTimeout) {
        writeln!(
            md,
            "`kiln -O2 fuel` and `kiln -O2 timeout` are built with `--fuel` (never reached) and \
             `--timeout=1h`: their ratio to `kiln -O2` is what the check at every function entry \
             and loop iteration costs. Without the flags no check is compiled in.\n"
        )?;
    }
    if engines.contains(&Engine::KilnBaseline) {
        writeln!(
            md,
            "`kiln -O2 baseline` is `kiln -O2` by another build of kiln (`KILN_BASELINE={}`): \
             its ratio to `kiln -O2`, in the same interleaved runs, is what the change between \
             the two did.\n",
            std::env::var("KILN_BASELINE").unwrap_or_default()
        )?;
    }
    let header: Vec<String> = engines.iter().map(|e| e.label()).collect();
    writeln!(
        md,
        "| benchmark | covers | native s | {} |",
        header.join(" | ")
    )?;
    writeln!(md, "|---|---|---|{}", "---|".repeat(engines.len()))?;
    for ((row, s), r) in rows.iter().zip(&medians).zip(&ratio) {
        let cells: Vec<String> = r.iter().map(|x| format!("{x:.2}")).collect();
        writeln!(
            md,
            "| {} | {} | {} | {} |",
            row.program.name,
            row.program.covers,
            secs(s[native].median),
            cells.join(" | ")
        )?;
    }
    let cells: Vec<String> = geo.iter().map(|x| format!("**{x:.2}**")).collect();
    writeln!(md, "| **geomean** | | | {} |\n", cells.join(" | "))?;
    writeln!(md, "## Run time in seconds: median (min–max)\n")?;
    writeln!(md, "| benchmark | {} |", header.join(" | "))?;
    writeln!(md, "|---|{}", "---|".repeat(engines.len()))?;
    for (row, s) in rows.iter().zip(&medians) {
        let cells: Vec<String> = s
            .iter()
            .map(|st| format!("{} ({}–{})", secs(st.median), secs(st.min), secs(st.max)))
            .collect();
        writeln!(md, "| {} | {} |", row.program.name, cells.join(" | "))?;
    }
    writeln!(
        md,
        "\n## Compile: wall s (CPU s) / peak RSS MiB / output KiB\n"
    )?;
    writeln!(md, "Native is clang-22 -O2 (or cargo) from source, built once; the others start from the same wasm, each the run of median wall time of three (one if it takes over 5 s). Node compiles as it runs.\n")?;
    let compiled: Vec<usize> = (0..engines.len())
        .filter(|&k| rows[0].prepared[k].compile.is_some())
        .collect();
    let names: Vec<String> = compiled.iter().map(|&k| engines[k].label()).collect();
    writeln!(md, "| benchmark | wasm KiB | {} |", names.join(" | "))?;
    writeln!(md, "|---|---|{}", "---|".repeat(compiled.len()))?;
    for row in rows {
        let cells: Vec<String> = compiled
            .iter()
            .map(|&k| {
                let c = row.prepared[k].compile.as_ref().unwrap();
                format!(
                    "{} ({}) / {} / {}",
                    secs(c.wall),
                    secs(c.cpu),
                    c.peak_rss_kib / 1024,
                    c.size / 1024
                )
            })
            .collect();
        let wasm = std::fs::metadata(&row.program.wasm)?.len() / 1024;
        writeln!(
            md,
            "| {} | {wasm} | {} |",
            row.program.name,
            cells.join(" | ")
        )?;
    }
    let compile_geo: Vec<String> = compiled
        .iter()
        .map(|&k| {
            let r: Vec<f64> = rows
                .iter()
                .map(|row| row.prepared[k].compile.as_ref().unwrap().wall.as_secs_f64())
                .collect();
            format!("{:.3}", geomean(&r))
        })
        .collect();
    writeln!(md, "| **geomean s** | | {} |", compile_geo.join(" | "))?;
    writeln!(
        md,
        "\n## Start-to-exit time of hello world (100 interleaved runs)\n"
    )?;
    writeln!(
        md,
        "| engine | median ms | min ms | max ms | ratio to native | file KiB |"
    )?;
    writeln!(md, "|---|---|---|---|---|---|")?;
    for (e, (st, c)) in engines.iter().zip(startup) {
        let ms = |d: Duration| format!("{:.2}", d.as_secs_f64() * 1000.0);
        let size = c
            .as_ref()
            .map_or("—".to_string(), |c| (c.size / 1024).to_string());
        let r = st.median.as_secs_f64() / startup[native].0.median.as_secs_f64();
        writeln!(
            md,
            "| {} | {} | {} | {} | {r:.2} | {size} |",
            e.label(),
            ms(st.median),
            ms(st.min),
            ms(st.max)
        )?;
    }
    writeln!(md, "\n{}", verdict(engines, rows, &ratio, &geo, startup))?;
    let date = crate::today()?;
    let svg = chart::ratios(
        &rows
            .iter()
            .map(|r| r.program.name)
            .chain(["geomean"])
            .collect::<Vec<_>>(),
        &header,
        &ratio
            .iter()
            .cloned()
            .chain([geo.clone()])
            .collect::<Vec<_>>(),
        &format!("Run time as a ratio to native, {date} (lower is faster)"),
    );
    let dir = root.join("benches/results");
    std::fs::write(dir.join(format!("{date}.svg")), svg)?;
    md = format!("# Benchmarks: kiln against native and its peers, {date}\n\n![run time ratios]({date}.svg)\n\n{md}\nCommand: `cargo xtask bench programs`\n");
    std::fs::write(dir.join(format!("{date}.md")), &md)?;
    println!("{md}\nwritten to benches/results/{date}.md and {date}.svg");
    Ok(())
}

/// The targets, checked against this run.
fn verdict(
    engines: &[Engine],
    rows: &[Row],
    ratio: &[Vec<f64>],
    geo: &[f64],
    startup: &[(Stats, Option<Compile>)],
) -> String {
    let find = |e: Engine| engines.iter().position(|&x| x == e);
    let Some(kiln) = find(Engine::Kiln(2)) else {
        return String::new();
    };
    let mut out = String::from("## Targets (kiln -O2)\n\n");
    let mut line = |ok: bool, what: String| {
        out += &format!("- {} {what}\n", if ok { "met:" } else { "NOT met:" })
    };
    line(
        geo[kiln] <= 1.10,
        format!("geomean ≤ 1.10× native: {:.3}", geo[kiln]),
    );
    let worst = ratio
        .iter()
        .zip(rows)
        .map(|(r, row)| (r[kiln], row.program.name))
        .fold((0.0, ""), |a, b| if b.0 > a.0 { b } else { a });
    line(
        worst.0 <= 1.25,
        format!(
            "every benchmark ≤ 1.25× native: worst {} {:.2}",
            worst.1, worst.0
        ),
    );
    for peer in [Engine::Wasmtime, Engine::Wasm2c] {
        if let Some(p) = find(peer) {
            let lost: Vec<&str> = ratio
                .iter()
                .zip(rows)
                .filter(|(r, _)| r[kiln] >= r[p])
                .map(|(_, row)| row.program.name)
                .collect();
            line(
                lost.is_empty(),
                format!(
                    "faster than {} on every benchmark{}",
                    peer.label(),
                    if lost.is_empty() {
                        String::new()
                    } else {
                        format!(": not on {}", lost.join(", "))
                    }
                ),
            );
        }
    }
    if let Some(native) = find(Engine::Native) {
        let r = startup[kiln].0.median.as_secs_f64() / startup[native].0.median.as_secs_f64();
        line(
            r <= 1.5,
            format!("hello world within 1.5× native's start-to-exit time: {r:.2}"),
        );
    }
    if let Some(w) = find(Engine::Wasm2c) {
        let slower: Vec<&str> = rows
            .iter()
            .filter(|row| {
                row.prepared[kiln].compile.as_ref().unwrap().wall
                    >= row.prepared[w].compile.as_ref().unwrap().wall
            })
            .map(|row| row.program.name)
            .collect();
        line(
            slower.is_empty(),
            format!(
                "compiles faster than wasm2c + clang -O2{}",
                if slower.is_empty() {
                    String::new()
                } else {
                    format!(": not on {}", slower.join(", "))
                }
            ),
        );
    }
    out
}
