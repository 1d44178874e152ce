//! Components joined into one, before kiln compiles them: either plugs
//! into a socket (`kiln compose main.wasm --plug a.wasm --plug b.wasm`),
//! or a composition written in the WAC language (`kiln compose app.wac
//! --dep ns:name=path.wasm`). Both go through wac's composition graph
//! (`wac-graph`, `wac-parser`), whose output is a standard component.
//!
//! The plug form is kiln's own: it plugs transitively (a plug's imports
//! are satisfied by the other plugs too), and refuses what wac's `plug`
//! passes over quietly, naming both sides: an export whose type does not
//! match the import it would satisfy, versions that are not compatible,
//! two plugs exporting the same import, plugs needing each other, a plug
//! that satisfies nothing, an import that nothing satisfies.

mod plug;
mod wac;

pub use plug::{plug, PlugOptions};
pub use wac::{wac, Dependency};

use std::path::{Path, PathBuf};

/// Why a composition could not be made. Each message names the file
/// (and for WAC, the line and column) and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a component: {reason}", path.display())]
    NotAComponent { path: PathBuf, reason: String },
    #[error("{0}")]
    Plug(String),
    #[error("{0}")]
    Wac(String),
    #[error("cannot encode the composition: {0}")]
    Encode(String),
}

/// How the output says who made it.
fn encode_options() -> wac_graph::EncodeOptions<'static> {
    wac_graph::EncodeOptions {
        define_components: true,
        validate: true,
        processor: Some(wac_graph::Processor {
            name: "kiln",
            version: env!("CARGO_PKG_VERSION"),
        }),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, ComposeError> {
    std::fs::read(path).map_err(|source| ComposeError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// A component's bytes, or what they are instead.
fn read_component(path: &Path) -> Result<Vec<u8>, ComposeError> {
    let bytes = read(path)?;
    let not = |reason: &str| ComposeError::NotAComponent {
        path: path.to_path_buf(),
        reason: reason.into(),
    };
    match bytes.get(..8) {
        Some([0, b'a', b's', b'm', 0x0d, 0, 1, 0]) => Ok(bytes),
        Some([0, b'a', b's', b'm', 1, 0, 0, 0]) => Err(not(
            "a core module (a component wraps it: `wasm-tools component new`, with the preview1 adapter for a WASI program)",
        )),
        _ => Err(not("no WebAssembly component header")),
    }
}

/// An error and its causes, on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !s.contains(&text) {
            s += ": ";
            s += &text;
        }
        cause = c.source();
    }
    s
}
