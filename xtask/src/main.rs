//! `cargo xtask setup | demo | test | spec [SUITE...] | bench | fuzz`
//!
//! Setup installs what kiln needs on a Debian machine (LLVM 22 and friends
//! from Debian's packages, rustup targets); `demo` and `test` run it first.

mod peers;
mod setup;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(),
        Some("demo") => setup::run().and_then(|_| demo()),
        Some("peers") => setup::run().and_then(|_| peers::install()),
        Some("test") => setup::run()
            .and_then(|_| peers::install())
            .and_then(|_| test()),
        Some("spec") => spec(&args[1..]),
        Some("fuzz") => setup::run().and_then(|_| fuzz(&args[1..])),
        Some("bench") => setup::run()
            .and_then(|_| peers::install())
            .and_then(|_| {
                if args.iter().any(|a| a == "instructions") {
                    peers::valgrind()
                } else {
                    Ok(())
                }
            })
            .and_then(|_| bench(&args[1..])),
        _ => {
            eprintln!("usage: cargo xtask <setup | peers | demo | test | spec [--explicit-bounds] [-O N] [SUITE...] | bench | fuzz [differential | parse] [--time S] [--seed N]>");
            std::process::exit(2)
        }
    };
    if let Err(e) = result {
        eprintln!("xtask: error: {e:#}");
        std::process::exit(1);
    }
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("$ {}", format!("{cmd:?}").replace('"', ""));
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    // Setup has installed the musl target, so a kiln without `kiln build`
    // would be a broken build: build.rs fails and says why.
    c.env("KILN_REQUIRE_STATIC_RT", "1");
    c
}

fn build_release(packages: &[&str]) -> Result<()> {
    let mut c = cargo();
    c.args(["build", "--release"]);
    for p in packages {
        c.args(["-p", p]);
    }
    run(&mut c)
}

fn demo() -> Result<()> {
    build_release(&["kiln"])?;
    let kiln = root().join("target/release/kiln");
    let example = root().join("examples/fib.wat");
    let out = std::env::temp_dir().join("kiln-demo");
    std::fs::create_dir_all(&out)?;
    println!("\n== kiln inspect examples/fib.wat");
    run(Command::new(&kiln).arg("inspect").arg(&example))?;
    println!("\n== kiln compile examples/fib.wat -o fib.o (a relocatable object)");
    run(Command::new(&kiln)
        .arg("compile")
        .arg(&example)
        .arg("-o")
        .arg(out.join("fib.o")))?;
    run(Command::new("nm").arg(out.join("fib.o")))?;
    println!("\n== kiln run examples/fib.wat --invoke fib 30");
    run(Command::new(&kiln)
        .args(["run"])
        .arg(&example)
        .args(["--invoke", "fib", "30"]))?;
    println!(
        "\n== kiln build examples/fib.wat --invoke fib -o fib (a static executable), then ./fib 32"
    );
    let exe = out.join("fib");
    run(Command::new(&kiln)
        .arg("build")
        .arg(&example)
        .args(["--invoke", "fib", "-o"])
        .arg(&exe))?;
    run(Command::new("file").arg(&exe)).ok();
    run(Command::new(&exe).arg("32"))?;
    println!("\n== a trap: kiln run examples/fib.wat --invoke divide 7 0 (exit status 134)");
    let status = Command::new(&kiln)
        .arg("run")
        .arg(&example)
        .args(["--invoke", "divide", "7", "0"])
        .status()?;
    println!("exit status: {}", status.code().unwrap_or(-1));
    Ok(())
}

fn bench(args: &[String]) -> Result<()> {
    build_release(&["kiln", "kiln-benches"])?;
    run(Command::new(root().join("target/release/kiln-bench")).args(args))
}

fn test() -> Result<()> {
    run(cargo().args(["test", "--workspace", "--release"]))?;
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    spec(&args(&["v2", "kiln"]))?;
    spec(&args(&["--explicit-bounds", "v2", "kiln"]))?;
    // kiln's own cases where optimization moves things: unoptimized too.
    spec(&args(&["-O", "0", "kiln"]))?;
    spec(&args(&["-O", "0", "--explicit-bounds", "kiln"]))?;
    spec(&args(&["components"]))?;
    components_under_wasmtime()?;
    // A bounded smoke run of both fuzzers, from fixed seeds.
    fuzz(&args(&["--time", "60", "--seed", "1"]))
}

/// kiln's component scripts must say what wasmtime says: each runs under
/// `wasmtime wast` too, the oracle for what kiln's runner checks.
fn components_under_wasmtime() -> Result<()> {
    let dir = root().join("testsuite/wast/components");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wast"))
        .collect();
    files.sort();
    // The async ABI's parts wasmtime 49 keeps behind flags, which
    // change nothing for the other scripts.
    let async_features = "component-model-async-stackful=y,\
        component-model-more-async-builtins=y,component-model-error-context=y";
    for f in files {
        run(Command::new(peers::wasmtime_path())
            .args(["wast", "-W", async_features])
            .arg(&f))?;
    }
    Ok(())
}

/// `cargo xtask fuzz [differential | parse] [--time S] [--seed N] [--jobs J]`:
/// the differential fuzzer against wasmi, and corrupted modules through the
/// kiln CLI; without a name both, the time split 3:1.
fn fuzz(args: &[String]) -> Result<()> {
    build_release(&["kiln", "kiln-fuzz"])?;
    let exe = root().join("target/release/kiln-fuzz");
    let which = args.first().filter(|a| !a.starts_with('-')).cloned();
    // Every flag but --time goes on to kiln-fuzz as it is.
    let (mut time, mut flags) = (60u64, Vec::new());
    let mut rest = args.iter().skip(usize::from(which.is_some()));
    while let Some(a) = rest.next() {
        if a == "--time" {
            let v = rest.next().context("--time needs a number of seconds")?;
            time = v.parse().with_context(|| format!("--time {v}"))?;
        } else {
            flags.push(a.clone());
        }
    }
    let kiln = root().join("target/release/kiln");
    let differential = |secs: u64| {
        run(Command::new(&exe)
            .current_dir(root())
            .arg("differential")
            .args(["--time", &secs.to_string()])
            .args(&flags))
    };
    let parse = |secs: u64| {
        run(Command::new(&exe)
            .current_dir(root())
            .arg("parse")
            .arg("--kiln")
            .arg(&kiln)
            .args(["--time", &secs.to_string()])
            .args(&flags))
    };
    match which.as_deref() {
        Some("differential") => differential(time),
        Some("parse") => parse(time),
        None => differential(time * 3 / 4).and_then(|_| parse(time - time * 3 / 4)),
        Some(other) => bail!("fuzz: no fuzzer {other} (differential or parse)"),
    }
}

fn spec(args: &[String]) -> Result<()> {
    build_release(&["kiln-testsuite"])?;
    let mut c = Command::new(root().join("target/release/kiln-spec"));
    if args.iter().all(|a| a.starts_with('-')) {
        c.arg("v2");
    }
    c.args(args);
    run(&mut c)
}
