use anyhow::{bail, Context, Result};
use kiln_compose::{Dependency, PlugOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The socket component whose imports the plugs satisfy, or a WAC
    /// document (.wac) that says how its packages are put together.
    input: PathBuf,
    /// A component whose exports satisfy imports of the socket or of the
    /// other plugs (plug form; repeat for each).
    #[arg(long = "plug", value_name = "PLUG.wasm")]
    plugs: Vec<PathBuf>,
    /// A package a WAC document refers to, and its component (WAC form;
    /// repeat for each).
    #[arg(long = "dep", value_name = "NS:NAME[@VERSION]=PATH")]
    deps: Vec<Dependency>,
    /// Leave imports that no plug satisfies (other than WASI's) as imports
    /// of the composition instead of refusing them.
    #[arg(long)]
    allow_imports: bool,
    /// The composed component.
    #[arg(short = 'o')]
    output: PathBuf,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let wac = a
        .input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("wac"));
    let composed = match wac {
        true => {
            if a.allow_imports {
                bail!("{}: --allow-imports is for plugging; a WAC document says what the composition imports", a.input.display());
            }
            for (i, d) in a.deps.iter().enumerate() {
                if a.deps[..i]
                    .iter()
                    .any(|e| e.name == d.name && e.version == d.version)
                {
                    bail!("--dep {} is given twice", d.name);
                }
            }
            if !a.plugs.is_empty() {
                bail!(
                    "{}: a WAC document names its packages with --dep, not --plug",
                    a.input.display()
                );
            }
            kiln_compose::wac(&a.input, &a.deps)?
        }
        false => {
            if a.plugs.is_empty() {
                bail!(
                    "{}: nothing to plug into it (--plug PLUG.wasm), or give a .wac document",
                    a.input.display()
                );
            }
            if !a.deps.is_empty() {
                bail!("--dep names the packages of a WAC document (.wac); plugs are given with --plug");
            }
            let options = PlugOptions {
                allow_imports: a.allow_imports,
            };
            kiln_compose::plug(&a.input, &a.plugs, &options)?
        }
    };
    let staged = super::staging_path(&a.output);
    let written = std::fs::write(&staged, &composed)
        .with_context(|| format!("{}: cannot write", a.output.display()))
        .and_then(|()| super::commit_output(&staged, &a.output));
    if written.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    written.map(|()| ExitCode::SUCCESS)
}
