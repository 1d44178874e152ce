//! `kiln`: ahead-of-time compiler for WebAssembly.

mod cmd;
mod input;
mod options;
mod progress;
mod timings;

use clap::{Parser, Subcommand};

/// mimalloc for Rust and, through its `override` feature, for LLVM's C++
/// allocations too: glibc's malloc took 12% of codegen time in profiles of
/// large modules (fragmentation: `_int_malloc`, `malloc_consolidate`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// The memcpy, memmove and memset of built executables, here too, exported
// (build.rs) so that the modules `kiln run` loads call them rather than
// glibc's: on AMD's Zen, glibc's `rep movsb` copies to a destination not
// aligned to a cache line run up to eight times slower, and adapters copy
// lists and strings between memories at any alignment.
extern crate kiln_rt_mem;

use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kiln",
    version,
    about = "Ahead-of-time compiler for WebAssembly through LLVM"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile a module to a relocatable object file.
    Compile(cmd::compile::Args),
    /// Build a static native executable that runs the module.
    Build(cmd::build::Args),
    /// Compile (cached) and run a module.
    Run(cmd::run::Args),
    /// Serve a component's wasi:http incoming handler over HTTP/1.1.
    Serve(cmd::serve::Args),
    /// Join components into one: plugs into a socket, or as a WAC
    /// document says.
    Compose(cmd::compose::Args),
    /// Show a module's imports, exports, memories, tables and features.
    Inspect(cmd::inspect::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Compile(a) => cmd::compile::run(a),
        Command::Build(a) => cmd::build::run(a),
        Command::Run(a) => cmd::run::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Compose(a) => cmd::compose::run(a),
        Command::Inspect(a) => cmd::inspect::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kiln: error: {e:#}");
            ExitCode::from(1)
        }
    }
}
