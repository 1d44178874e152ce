//! A progress bar for long compilations: on a terminal only, never with
//! `--quiet`; functions done of total, throughput and time left.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

pub struct CompileProgress {
    bar: Option<ProgressBar>,
}

impl CompileProgress {
    pub fn new(quiet: bool) -> CompileProgress {
        if quiet || !std::io::stderr().is_terminal() {
            return CompileProgress { bar: None };
        }
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} compiling [{bar:30}] {pos}/{len} functions, {per_sec}, {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        CompileProgress { bar: Some(bar) }
    }

    pub fn update(&self, done: usize, total: usize) {
        if let Some(b) = &self.bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    }

    /// Compile with this bar showing progress, cleared at the end; with
    /// `hooks`' import check, if any.
    pub fn compile(
        &self,
        wasm: &[u8],
        opts: &kiln_compiler::CompileOptions,
        hooks: kiln_compiler::Hooks,
    ) -> kiln_compiler::Result<kiln_compiler::CompiledModule> {
        let f = |d: usize, t: usize| self.update(d, t);
        let hooks = kiln_compiler::Hooks {
            progress: Some(&f),
            ..hooks
        };
        let r = kiln_compiler::compile_with(wasm, opts, hooks);
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        r
    }
}
