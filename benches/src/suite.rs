//! The benchmark programs and how each is built twice from one source:
//! natively (clang-22 -O2, or cargo --release for the host) and to
//! wasm32-wasip1 (clang-22 -O2 with Debian's wasi-libc, or cargo --release).

use crate::measure::{measure, Measured};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a program's source lives.
#[derive(Clone, Copy)]
pub enum Source {
    /// `benches/programs/c/<name>.c`, on its own.
    C,
    /// A binary of the cargo package `benches/programs/rust`.
    Rust,
    /// `benches/programs/sqlite/workload.c` with SQLite's amalgamation from
    /// the libsqlite3-sys crate.
    Sqlite,
    /// `benches/programs/sodium/workload.c` with libsodium from the
    /// libsodium-sys-stable crate, built by its configure script.
    Sodium,
}

/// One benchmark: what it covers and how it is built.
pub struct Spec {
    pub name: &'static str,
    pub covers: &'static str,
    pub source: Source,
}

pub const SPECS: &[Spec] = &[
    spec("sha256", "hashing: SHA-256", Source::C),
    spec("matmul", "dense float: matrix multiply", Source::C),
    spec("nbody", "dense float: n-body", Source::C),
    spec("fft", "dense float: complex FFT", Source::C),
    spec("sort", "sorting: quicksort, merge sort", Source::C),
    spec("hashtable", "hash table: open addressing", Source::C),
    spec("interp", "bytecode interpreter loop", Source::C),
    spec("json", "string processing, JSON parsing", Source::C),
    spec("lz", "compression: LZ77", Source::C),
    spec(
        "recursion",
        "recursion: fib, tak, ackermann, queens",
        Source::C,
    ),
    spec("memops", "bulk memory copy and fill", Source::C),
    spec("dispatch", "indirect calls: vtables, pipelines", Source::C),
    spec(
        "word_count",
        "Rust: HashMap, strings, sorting",
        Source::Rust,
    ),
    spec("mandelbrot", "Rust: float iterators", Source::Rust),
    spec(
        "dyn_dispatch",
        "Rust: trait objects, closures",
        Source::Rust,
    ),
    spec("sqlite", "SQLite: inserts, indexes, joins", Source::Sqlite),
    spec(
        "sodium",
        "libsodium: hashes, AEAD, signatures, argon2",
        Source::Sodium,
    ),
];

const fn spec(name: &'static str, covers: &'static str, source: Source) -> Spec {
    Spec {
        name,
        covers,
        source,
    }
}

/// A program built both ways.
pub struct Program {
    pub name: &'static str,
    pub covers: &'static str,
    pub native: PathBuf,
    pub wasm: PathBuf,
    /// Building the native executable from source.
    pub native_build: Measured,
}

pub const WASM_CC: &[&str] = &[
    "clang-22",
    "--target=wasm32-wasi",
    "-Wno-deprecated",
    "--sysroot=/usr",
];

fn programs_dir() -> PathBuf {
    crate::root().join("benches/programs")
}

pub fn build(spec: &Spec, work: &Path) -> Result<Program> {
    let native = work.join(format!("{}-native", spec.name));
    let wasm = work.join(format!("{}.wasm", spec.name));
    let native_build = match spec.source {
        Source::C => {
            let src = programs_dir().join(format!("c/{}.c", spec.name));
            c(&src, &wasm, &[], true)?;
            c(&src, &native, &[], false)?
        }
        Source::Rust => rust(spec.name, &native, &wasm)?,
        Source::Sqlite => sqlite(&native, &wasm)?,
        Source::Sodium => {
            crate::sodium::build(&programs_dir().join("sodium"), work, &native, &wasm)?
        }
    };
    Ok(Program {
        name: spec.name,
        covers: spec.covers,
        native,
        wasm,
        native_build,
    })
}

/// Compile C sources with clang-22 -O2 to a native executable or a wasm
/// command module; `extra` are further sources and flags.
pub fn c(src: &Path, out: &Path, extra: &[String], wasm: bool) -> Result<Measured> {
    let mut cmd = if wasm {
        let mut c = Command::new(WASM_CC[0]);
        c.args(&WASM_CC[1..]);
        c
    } else {
        Command::new("clang-22")
    };
    cmd.arg("-O2")
        .arg(src)
        .args(extra)
        .arg("-lm")
        .arg("-o")
        .arg(out);
    measure(&mut cmd).with_context(|| format!("building {}", src.display()))
}

fn rust(bin: &str, native: &Path, wasm: &Path) -> Result<Measured> {
    let dir = programs_dir().join("rust");
    let target = crate::root().join("target/kiln-bench/rust");
    let cargo = || {
        let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        c.current_dir(&dir)
            .args([
                "build",
                "--release",
                "--quiet",
                "--bin",
                bin,
                "--target-dir",
            ])
            .arg(&target);
        c
    };
    measure(cargo().args(["--target", "wasm32-wasip1"]))?;
    std::fs::copy(
        target.join(format!("wasm32-wasip1/release/{bin}.wasm")),
        wasm,
    )?;
    // Cargo skips work already done: the measured build is the native one,
    // after touching the source so that it does compile.
    let src = dir.join(format!("src/bin/{bin}.rs"));
    std::fs::File::options()
        .append(true)
        .open(&src)?
        .set_modified(std::time::SystemTime::now())?;
    let m = measure(&mut cargo())?;
    std::fs::copy(target.join(format!("release/{bin}")), native)?;
    Ok(m)
}

fn sqlite(native: &Path, wasm: &Path) -> Result<Measured> {
    let amalgamation = crate::crate_source("libsqlite3-sys")?.join("sqlite3");
    let common: Vec<String> = [
        "-DSQLITE_OMIT_LOAD_EXTENSION",
        "-DSQLITE_THREADSAFE=0",
        "-DSQLITE_ENABLE_MATH_FUNCTIONS",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([
        format!("-I{}", amalgamation.display()),
        amalgamation.join("sqlite3.c").display().to_string(),
    ])
    .collect();
    let mut wasm_flags = common.clone();
    // What SQLite needs on wasm32-wasi, as the tests build it.
    let extra =
        std::fs::read_to_string(crate::root().join("testsuite/programs/sqlite/wasm-flags.txt"))?;
    wasm_flags.extend(extra.split_whitespace().map(str::to_string));
    let driver = programs_dir().join("sqlite/workload.c");
    c(&driver, wasm, &wasm_flags, true)?;
    c(&driver, native, &common, false)
}
