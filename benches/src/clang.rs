//! `kiln-bench clang`: the 75 MB clang/LLVM module from npm's
//! `@yowasp/clang` (installed by `cargo xtask setup` in target/peers/).
//! Compile time, CPU time, peak memory and output size of `kiln build` at
//! -O0, -O1 and -O2 with 1 and 2 jobs, against `wasmtime compile`; then the
//! run time of the kiln-built clang against the same wasm under wasmtime,
//! compiling SQLite's amalgamation (`-O2 -c`), interleaved runs.

use crate::measure::{kiln_linker_peak_mib, measure, Measured};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

const RUNS: usize = 3;

fn peak_mib(m: &Measured, stderr_linker: bool) -> u64 {
    // kiln reports its linker's peak too; take the larger.
    let peak = m.peak_rss_kib / 1024;
    if stderr_linker {
        peak.max(kiln_linker_peak_mib(&String::from_utf8_lossy(&m.stderr)))
    } else {
        peak
    }
}

pub fn run(root: &Path, work: &Path) -> Result<String> {
    let peers = root.join("target/peers");
    let package = peers.join("yowasp-clang");
    let wasm = package.join("package/gen/llvm.core.wasm");
    let wasmtime = peers.join("wasmtime");
    if !wasm.exists() || !wasmtime.exists() {
        bail!(
            "peers missing in {}: run `cargo xtask setup`",
            peers.display()
        );
    }
    let kiln = root.join("target/release/kiln");
    let mut t = String::from("## Compiling llvm.core.wasm\n\n| compiler | wall s | CPU s | peak RSS MiB | output bytes |\n|---|---|---|---|---|\n");
    let mut o2 = PathBuf::new();
    for level in ["-O0", "-O1", "-O2"] {
        for jobs in [1, 2] {
            eprintln!("clang: kiln build {level} --jobs={jobs} ...");
            let exe = work.join(format!("clang{level}-j{jobs}"));
            let m = measure(
                Command::new(&kiln)
                    .args(["build", level, "-q", "--timings"])
                    .arg(format!("--jobs={jobs}"))
                    .arg(&wasm)
                    .arg("-o")
                    .arg(&exe),
            )?;
            t += &format!(
                "| kiln build {level} --jobs={jobs} | {:.1} | {:.1} | {} | {} |\n",
                m.wall.as_secs_f64(),
                m.cpu.as_secs_f64(),
                peak_mib(&m, true),
                std::fs::metadata(&exe)?.len()
            );
            if level == "-O2" && jobs == 2 {
                o2 = exe;
            } else {
                std::fs::remove_file(&exe)?;
            }
        }
    }
    eprintln!("clang: wasmtime compile ...");
    let cwasm = work.join("llvm.cwasm");
    let m = measure(
        Command::new(&wasmtime)
            .arg("compile")
            .arg(&wasm)
            .arg("-o")
            .arg(&cwasm),
    )?;
    t += &format!(
        "| wasmtime compile (Cranelift, default) | {:.1} | {:.1} | {} | {} |\n",
        m.wall.as_secs_f64(),
        m.cpu.as_secs_f64(),
        peak_mib(&m, false),
        std::fs::metadata(&cwasm)?.len()
    );

    // Run time: clang -O2 -c sqlite3.c, kiln's executable against wasmtime.
    let src = work.join("src");
    std::fs::create_dir_all(&src)?;
    let sqlite = crate::crate_source("libsqlite3-sys")?.join("sqlite3/sqlite3.c");
    std::fs::copy(&sqlite, src.join("sqlite3.c"))?;
    let clang = work.join("clang");
    let _ = std::fs::remove_file(&clang);
    std::fs::hard_link(&o2, &clang)?;
    let resources = package.join("resources");
    let args = ["-O2", "-c", "/src/sqlite3.c", "-o"];
    let kiln_run = || {
        measure(Command::new(&clang).args(args).arg("/src/kiln.o").env(
            "KILN_DIRS",
            format!("{}::/usr;{}::/src", resources.display(), src.display()),
        ))
    };
    let wasmtime_run = || {
        measure(
            Command::new(&wasmtime)
                .args(["run", "--allow-precompiled", "--argv0", "clang", "--dir"])
                .arg(format!("{}::/usr", resources.display()))
                .arg("--dir")
                .arg(format!("{}::/src", src.display()))
                .arg(&cwasm)
                .args(args)
                .arg("/src/wasmtime.o"),
        )
    };
    let (mut k, mut w) = (Vec::new(), Vec::new());
    for i in 0..RUNS {
        eprintln!("clang: compiling sqlite3.c, run {} of {RUNS} ...", i + 1);
        k.push(kiln_run()?.wall.as_secs_f64());
        w.push(wasmtime_run()?.wall.as_secs_f64());
        if std::fs::read(src.join("kiln.o"))? != std::fs::read(src.join("wasmtime.o"))? {
            bail!("sqlite3.o differs between kiln and wasmtime");
        }
    }
    let stats = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[0], v[v.len() - 1])
    };
    let (km, kmin, kmax) = stats(&mut k);
    let (wm, wmin, wmax) = stats(&mut w);
    t += &format!(
        "\n## Running it: `clang -O2 -c sqlite3.c` (SQLite's amalgamation, {} bytes)\n\n\
         {RUNS} interleaved runs each; the objects are checked identical.\n\n\
         | engine | median s | min s | max s | ratio to wasmtime |\n|---|---|---|---|---|\n\
         | kiln build -O2 | {km:.2} | {kmin:.2} | {kmax:.2} | {:.3} |\n\
         | wasmtime run (precompiled) | {wm:.2} | {wmin:.2} | {wmax:.2} | 1.000 |\n",
        std::fs::metadata(&sqlite)?.len(),
        km / wm
    );
    Ok(t)
}
