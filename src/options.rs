//! Code generation flags shared by `compile`, `build` and `run`; spelled as
//! clang and wasmtime spell them.

use clap::{ArgAction, Args, ValueEnum};
use kiln_compiler::{BoundsChecks, CompileOptions};

#[derive(Clone, Copy, ValueEnum)]
pub enum BoundsMode {
    /// No checks: guard pages around a 4 GiB reservation catch stray accesses.
    Guard,
    /// Compare each access with the memory's length.
    Explicit,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
pub enum TrapMode {
    /// A faulting access traps before anything after it is observable.
    Precise,
    /// Accesses are as free to move as in native code.
    Imprecise,
}

#[derive(Clone, Copy)]
pub enum Budget {
    MiB(u64),
    Unlimited,
}

fn parse_budget(s: &str) -> Result<Budget, String> {
    if s == "none" {
        return Ok(Budget::Unlimited);
    }
    s.parse()
        .map(Budget::MiB)
        .map_err(|_| format!("{s:?}: expected a number of MiB or `none`"))
}

#[derive(Args, Clone)]
pub struct CodegenArgs {
    /// Target triple (default: this machine's).
    #[arg(long)]
    pub target: Option<String>,
    /// CPU to tune and select instructions for; `native` for this machine's
    /// (default: a portable baseline, x86-64-v2 or generic).
    #[arg(long)]
    pub cpu: Option<String>,
    /// Optimization level 0-3, as `-O2`.
    #[arg(short = 'O', value_name = "LEVEL", default_value = "2",
          value_parser = clap::value_parser!(u8).range(0..=3))]
    pub opt_level: u8,
    /// MiB of wasm code that -O1/-O2 optimize fully; in bigger modules the
    /// largest functions beyond it are compiled with a fast pipeline.
    /// `none`: optimize everything (the default at -O3).
    #[arg(long, value_name = "MIB|none", value_parser = parse_budget)]
    pub opt_budget: Option<Budget>,
    /// How linear-memory accesses are bounds-checked.
    #[arg(long, value_enum, default_value = "guard")]
    pub bounds_checks: BoundsMode,
    /// `imprecise`: under guard pages, let LLVM delete an access whose
    /// value is unused and move accesses past stores, calls and other
    /// traps, for speed; a program that traps may then not, or trap
    /// differently, or leave other memory behind.
    #[arg(long, value_enum, default_value = "precise")]
    pub traps: TrapMode,
    /// Consume a unit of fuel at every function entry and loop iteration
    /// (what `--fuel` needs; `run` and `build` turn it on with it).
    #[arg(long, action = ArgAction::SetTrue)]
    pub consume_fuel: bool,
    /// Check an interrupt flag at every function entry and loop iteration
    /// (what `--timeout` needs; `run` and `build` turn it on with it).
    #[arg(long, action = ArgAction::SetTrue)]
    pub epoch_interruption: bool,
    /// Components: keep each call between core instances a call through
    /// the importer's funcref, as between modules compiled apart, rather
    /// than a direct call (for comparison).
    #[arg(long, action = ArgAction::SetTrue)]
    pub keep_boundaries: bool,
    /// Codegen threads (default: available cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short = 'q', action = ArgAction::SetTrue)]
    pub quiet: bool,
    /// Print how long each step took and the peak memory, to stderr.
    #[arg(long, action = ArgAction::SetTrue)]
    pub timings: bool,
}

impl CodegenArgs {
    pub fn compile_options(&self) -> CompileOptions {
        CompileOptions {
            target: self.target.clone(),
            cpu: self.cpu.clone(),
            opt_level: self.opt_level,
            bounds_checks: match self.bounds_checks {
                BoundsMode::Guard => BoundsChecks::GuardPages,
                BoundsMode::Explicit => BoundsChecks::Explicit,
            },
            precise_traps: self.traps == TrapMode::Precise,
            consume_fuel: self.consume_fuel,
            interruptible: self.epoch_interruption,
            jobs: self.jobs.unwrap_or(0),
            keep_boundaries: self.keep_boundaries,
            opt_budget: match self.opt_budget {
                Some(Budget::Unlimited) => None,
                Some(Budget::MiB(m)) => Some(m << 20),
                None if self.opt_level >= 3 => None,
                None => Some(kiln_compiler::DEFAULT_OPT_BUDGET),
            },
            ..CompileOptions::default()
        }
    }
}

/// How the program starts and what it may reach (`run` and `build`).
#[derive(Args, Clone)]
pub struct ProgramArgs {
    /// Call this export instead of `_start`; the remaining arguments become
    /// its parameters.
    #[arg(long)]
    pub invoke: Option<String>,
    /// Grant access to a host directory, seen by the program as GUEST
    /// (default: the same path).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<String>,
    /// Grant an environment variable: NAME=VALUE, or NAME to pass on this
    /// environment's value.
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    pub envs: Vec<String>,
    /// Listen on a TCP address and hand the socket to the program (as
    /// descriptor 3 + the number of --dir grants, in order).
    #[arg(long = "tcplisten", value_name = "HOST:PORT")]
    pub listen: Vec<String>,
    /// A WASI option, as wasmtime spells it: `inherit-network` lets a
    /// component's wasi:sockets reach any address, `allow-ip-name-lookup`
    /// lets it resolve names, `http` lets it make outgoing HTTP requests,
    /// and a WASI 0.3 middleware's imported handler send its own (all off
    /// by default).
    #[arg(short = 'S', value_name = "OPTION[=y|n]", value_parser = parse_wasi_option)]
    pub wasi: Vec<(String, bool)>,
    /// Stop the program (trap, exit status 134) once it has made N function
    /// calls and loop iterations in all: deterministic, unlike --timeout.
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,
    /// Stop the program (trap, exit status 134) once it has run this long:
    /// `500ms`, `10s`, `2m` (a plain number is seconds).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<std::time::Duration>,
    /// Bytes a linear memory may reach: `memory.grow` past it returns -1,
    /// and a module that needs more from the start does not instantiate.
    #[arg(long, value_name = "BYTES")]
    pub max_memory_size: Option<u64>,
    /// Elements a table may reach, likewise.
    #[arg(long, value_name = "N")]
    pub max_table_elements: Option<u64>,
    /// Bytes of native stack wasm may use before a call traps with call
    /// stack exhausted (default: the whole stack of the thread that runs it).
    #[arg(long, value_name = "BYTES")]
    pub max_wasm_stack: Option<usize>,
}

/// `-S NAME[=y|n]`, for the options kiln knows.
fn parse_wasi_option(s: &str) -> Result<(String, bool), String> {
    let (name, value) = s.split_once('=').unwrap_or((s, "y"));
    let value = match value {
        "y" | "yes" | "true" => true,
        "n" | "no" | "false" => false,
        _ => return Err(format!("{s:?}: the value is y or n")),
    };
    match name {
        "inherit-network" | "allow-ip-name-lookup" | "http" => Ok((name.to_string(), value)),
        _ => Err(format!(
            "{name:?} is not a WASI option kiln knows; it knows inherit-network, allow-ip-name-lookup and http"
        )),
    }
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let (number, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: f64 = number
        .parse()
        .map_err(|_| format!("{s:?}: expected a duration such as 500ms, 10s or 2m"))?;
    let seconds = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("{s:?}: the unit is one of ms, s, m, h")),
    };
    Ok(std::time::Duration::from_secs_f64(seconds))
}

impl ProgramArgs {
    pub fn settings(&self) -> kiln_rt::entry::Settings {
        use kiln_rt::entry::Settings;
        Settings {
            entry: self.invoke.clone(),
            dirs: self.dirs.iter().map(|d| Settings::parse_dir(d)).collect(),
            env: self.envs.iter().map(|e| Settings::parse_env(e)).collect(),
            listen: self.listen.clone(),
            network: {
                let mut grant = kiln_rt::entry::NetworkGrant::default();
                for (name, on) in &self.wasi {
                    match name.as_str() {
                        "inherit-network" => grant.inherit = *on,
                        "http" => grant.http = *on,
                        _ => grant.ip_name_lookup = *on,
                    }
                }
                grant
            },
            fuel: self.fuel,
            timeout: self.timeout,
            limits: kiln_rt::Limits {
                max_memory_size: self.max_memory_size,
                max_table_elements: self.max_table_elements,
                max_wasm_stack: self.max_wasm_stack,
            },
            serve: None,
            exit_when_done: false,
        }
    }

    /// Compile in the checks that `--fuel` and `--timeout` need.
    pub fn require_checks(&self, opts: &mut CompileOptions) {
        opts.consume_fuel |= self.fuel.is_some();
        opts.interruptible |= self.timeout.is_some();
    }
}
