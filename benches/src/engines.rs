//! The engines a benchmark program runs on, and how each one turns the
//! program's wasm into something to run: kiln's static executables,
//! wasmtime's precompiled module, wasm2c's C compiled by clang, node's V8.

use crate::measure::{measure, Measured};
use crate::suite::Program;
use anyhow::{Context, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

#[derive(Clone, Copy, PartialEq)]
pub enum Engine {
    /// The same source built natively: the time to beat.
    Native,
    /// `kiln build -O<level>`.
    Kiln(u8),
    /// `kiln build -O2` with every function aligned to 64 bytes instead of
    /// 16: the same code at other addresses. On some CPUs a hot loop's
    /// placement alone moves its time by 1.5x (matmul, interp on the AMD
    /// EPYC this was written on); the two columns side by side show how
    /// much of a result is layout.
    KilnRealigned,
    /// `kiln build -O2 --traps=imprecise`: what precise traps cost.
    KilnImprecise,
    /// `kiln build -O2 --fuel N` (N never reached): what counting fuel at
    /// every function entry and loop iteration costs.
    KilnFuel,
    /// `kiln build -O2 --timeout 1h`: what checking the interrupt flag
    /// there costs.
    KilnTimeout,
    /// `kiln build -O2` by another build of kiln, the executable that
    /// `KILN_BASELINE` names (main before a change, say): what the change
    /// did, measured side by side. Only when asked for by name.
    KilnBaseline,
    /// `wasmtime compile`, then `wasmtime run --allow-precompiled`.
    Wasmtime,
    /// `wasm2c`, then clang-22 -O2 with wabt's runtime and kiln-bench's WASI.
    Wasm2c,
    /// node's V8 through `node:wasi`; it compiles at run time.
    Node,
}

pub const ALL: &[Engine] = &[
    Engine::Native,
    Engine::Kiln(2),
    Engine::Kiln(3),
    Engine::KilnRealigned,
    Engine::KilnImprecise,
    Engine::KilnFuel,
    Engine::KilnTimeout,
    Engine::Wasmtime,
    Engine::Wasm2c,
    Engine::Node,
];

impl Engine {
    pub fn label(self) -> String {
        match self {
            Engine::Native => "native".into(),
            Engine::Kiln(level) => format!("kiln -O{level}"),
            Engine::KilnRealigned => "kiln -O2 align64".into(),
            Engine::KilnImprecise => "kiln -O2 imprecise".into(),
            Engine::KilnFuel => "kiln -O2 fuel".into(),
            Engine::KilnTimeout => "kiln -O2 timeout".into(),
            Engine::KilnBaseline => "kiln -O2 baseline".into(),
            Engine::Wasmtime => "wasmtime".into(),
            Engine::Wasm2c => "wasm2c+clang".into(),
            Engine::Node => "node".into(),
        }
    }

    /// Parse a label as `--engines` names it: native, kiln-O2, kiln-O3,
    /// kiln-O2-align64, kiln-O2-imprecise, kiln-O2-fuel, kiln-O2-timeout,
    /// kiln-O2-baseline, wasmtime, wasm2c, node.
    pub fn parse(name: &str) -> Option<Engine> {
        let plain = |s: &str| s.replace("+clang", "").replace([' ', '-'], "");
        ALL.iter()
            .chain([&Engine::KilnBaseline])
            .copied()
            .find(|e| plain(&e.label()) == plain(name))
    }
}

/// What an engine compiled, and the command that runs it.
pub struct Prepared {
    pub argv: Vec<OsString>,
    /// Ahead-of-time compilation from wasm (or, for native, from source);
    /// None for node, which compiles as it runs.
    pub compile: Option<Compile>,
}

pub struct Compile {
    pub wall: Duration,
    pub cpu: Duration,
    pub peak_rss_kib: u64,
    /// The file the engine runs: executable or precompiled module.
    pub size: u64,
}

impl Compile {
    fn of(steps: &[Measured], output: &Path) -> Result<Compile> {
        Ok(Compile {
            wall: steps.iter().map(|m| m.wall).sum(),
            cpu: steps.iter().map(|m| m.cpu).sum(),
            peak_rss_kib: steps.iter().map(|m| m.peak_rss_kib).max().unwrap_or(0),
            size: std::fs::metadata(output)?.len(),
        })
    }
}

pub struct Tools {
    pub kiln: PathBuf,
    pub wasmtime: PathBuf,
    pub node_runner: PathBuf,
    pub wasm2c_wasi: PathBuf,
}

impl Tools {
    /// The kiln executable `engine` builds with.
    pub fn kiln_for(&self, engine: Engine) -> Result<PathBuf> {
        if engine != Engine::KilnBaseline {
            return Ok(self.kiln.clone());
        }
        let path = std::env::var_os("KILN_BASELINE")
            .context("the kiln-O2-baseline engine needs KILN_BASELINE=path/to/another/kiln")?;
        Ok(PathBuf::from(path))
    }

    pub fn find(root: &Path) -> Tools {
        Tools {
            kiln: root.join("target/release/kiln"),
            wasmtime: root.join("target/peers/wasmtime"),
            node_runner: root.join("benches/node/run.mjs"),
            wasm2c_wasi: root.join("benches/wasm2c/wasi.c"),
        }
    }
}

pub fn prepare(engine: Engine, p: &Program, work: &Path, tools: &Tools) -> Result<Prepared> {
    let out = work.join(format!(
        "{}-{}",
        p.name,
        engine.label().replace([' ', '+'], "-")
    ));
    let prepared = match engine {
        Engine::Native => Prepared {
            argv: vec![p.native.clone().into()],
            compile: Some(Compile::of(
                std::slice::from_ref(&p.native_build),
                &p.native,
            )?),
        },
        Engine::Kiln(_)
        | Engine::KilnRealigned
        | Engine::KilnImprecise
        | Engine::KilnFuel
        | Engine::KilnTimeout
        | Engine::KilnBaseline => {
            let (level, llvm_args, extra): (u8, &str, &[&str]) = match engine {
                Engine::Kiln(level) => (level, "", &[]),
                Engine::KilnBaseline => (2, "", &[]),
                Engine::KilnImprecise => (2, "", &["--traps=imprecise"]),
                Engine::KilnFuel => (2, "", &["--fuel=1000000000000000000"]),
                Engine::KilnTimeout => (2, "", &["--timeout=1h"]),
                _ => (2, "-align-all-functions=6", &[]),
            };
            let steps = median_of_runs(|| {
                Ok(vec![measure(
                    Command::new(tools.kiln_for(engine)?)
                        .env("KILN_LLVM_ARGS", llvm_args)
                        .arg("build")
                        .arg(format!("-O{level}"))
                        .args(extra)
                        .arg(&p.wasm)
                        .arg("-o")
                        .arg(&out),
                )?])
            })?;
            Prepared {
                argv: vec![out.clone().into()],
                compile: Some(Compile::of(&steps, &out)?),
            }
        }
        Engine::Wasmtime => {
            let steps = median_of_runs(|| {
                Ok(vec![measure(
                    Command::new(&tools.wasmtime)
                        .arg("compile")
                        .arg(&p.wasm)
                        .arg("-o")
                        .arg(&out),
                )?])
            })?;
            Prepared {
                argv: vec![
                    tools.wasmtime.clone().into(),
                    "run".into(),
                    "--allow-precompiled".into(),
                    out.clone().into(),
                ],
                compile: Some(Compile::of(&steps, &out)?),
            }
        }
        Engine::Wasm2c => {
            let steps = median_of_runs(|| wasm2c(p, &out, tools))?;
            Prepared {
                argv: vec![out.clone().into()],
                compile: Some(Compile::of(&steps, &out)?),
            }
        }
        Engine::Node => Prepared {
            // node 20 segfaults now and then on modules that grow their
            // memory to a few hundred MiB (sort: 5 runs in 6) unless its
            // garbage collector runs on the main thread only.
            argv: vec![
                "node".into(),
                "--no-warnings".into(),
                "--single-threaded-gc".into(),
                tools.node_runner.clone().into(),
                p.wasm.clone().into(),
            ],
            compile: None,
        },
    };
    Ok(prepared)
}

/// Compile times of one run vary by 10-20% here (the first of a series
/// pays for cold caches), enough to flip a comparison: compile up to three
/// times and keep the run of median wall time. A compile that takes over
/// five seconds runs once.
fn median_of_runs(mut compile: impl FnMut() -> Result<Vec<Measured>>) -> Result<Vec<Measured>> {
    let wall = |steps: &[Measured]| steps.iter().map(|m| m.wall).sum::<Duration>();
    let first = compile()?;
    if wall(&first) > Duration::from_secs(5) {
        return Ok(first);
    }
    let mut runs = vec![first, compile()?, compile()?];
    runs.sort_by_key(|r| wall(r));
    Ok(runs.swap_remove(1))
}

/// wasm2c into `<out>.d/prog.{c,h}`, ENOSYS stubs for the WASI imports the
/// shim lacks, then one clang-22 -O2 of all of it with wabt's runtime.
fn wasm2c(p: &Program, out: &Path, tools: &Tools) -> Result<Vec<Measured>> {
    let dir = out.with_extension("d");
    std::fs::create_dir_all(&dir)?;
    let translate = measure(
        Command::new("wasm2c")
            .args(["-n", "prog"])
            .arg(&p.wasm)
            .arg("-o")
            .arg(dir.join("prog.c")),
    )?;
    let header = std::fs::read_to_string(dir.join("prog.h"))?;
    let shim = std::fs::read_to_string(&tools.wasm2c_wasi)?;
    std::fs::write(dir.join("stubs.c"), enosys_stubs(&header, &shim))?;
    let compile = measure(
        Command::new("clang-22")
            .args(["-O2", "-w", "-I"])
            .arg(&dir)
            .arg(dir.join("prog.c"))
            .arg(&tools.wasm2c_wasi)
            .arg(dir.join("stubs.c"))
            .args(["-lwasm-rt-impl", "-lm", "-o"])
            .arg(out),
    )
    .context("compiling wasm2c's output")?;
    Ok(vec![translate, compile])
}

/// A definition returning ENOSYS (52) for every WASI import declared in
/// wasm2c's header that the shim does not define.
fn enosys_stubs(header: &str, shim: &str) -> String {
    let mut out = String::from("#include \"prog.h\"\n");
    let mut lines = header.lines();
    while let Some(line) = lines.next() {
        if !line.starts_with("/* import: 'wasi_snapshot_preview1'") {
            continue;
        }
        let Some(decl) = lines.next() else { break };
        let Some((head, params)) = decl.trim_end_matches(");").split_once('(') else {
            continue;
        };
        let name = head.split_whitespace().last().unwrap_or("");
        if shim.contains(&format!("{name}(")) {
            continue;
        }
        let params: Vec<String> = params
            .split(", ")
            .enumerate()
            .map(|(i, t)| format!("{t} a{i}"))
            .collect();
        let unused: String = (0..params.len()).map(|i| format!("(void)a{i}; ")).collect();
        let ret = if head.starts_with("void") {
            ""
        } else {
            "return 52;"
        };
        out += &format!("{head}({}) {{ {unused}{ret} }}\n", params.join(", "));
    }
    out
}
