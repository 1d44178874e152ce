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
            jobs: self.jobs.unwrap_or(0),
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
}

impl ProgramArgs {
    pub fn settings(&self) -> kiln_rt::entry::Settings {
        use kiln_rt::entry::Settings;
        Settings {
            entry: self.invoke.clone(),
            dirs: self.dirs.iter().map(|d| Settings::parse_dir(d)).collect(),
            env: self.envs.iter().map(|e| Settings::parse_env(e)).collect(),
            listen: self.listen.clone(),
        }
    }
}
