//! The four parts of examples/polyglot built into components: Rust's
//! `text` (wit-bindgen, made a component by wit-component), C's `checksum`
//! (clang, no libc; its WIT embedded and made a component here),
//! JavaScript's `format` (componentize-js) and Python's `app`
//! (componentize-py), which imports the other three.

use crate::composition::{build_wasm32, component_of};
use crate::peers::{componentize_js, componentize_py_app, root, succeed, wasi_command_wit};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The example's components, each by itself.
pub struct Parts {
    pub app: PathBuf,
    pub text: PathBuf,
    pub checksum: PathBuf,
    pub format: PathBuf,
}

fn example() -> PathBuf {
    root().join("examples/polyglot")
}

/// Build the four parts into `build`.
pub fn build(build: &Path) -> Result<Parts, String> {
    let io = |e: std::io::Error| format!("writing into {}: {e}", build.display());
    std::fs::create_dir_all(build).map_err(io)?;
    let text = build.join("text.wasm");
    std::fs::write(&text, rust_text(build)?).map_err(io)?;
    let checksum = build.join("checksum.wasm");
    std::fs::write(&checksum, c_checksum(build)?).map_err(io)?;
    let format = build.join("format.wasm");
    let source = example().join("format/format.js");
    // A library of text: no HTTP, and no incoming requests.
    let disabled = ["http", "fetch-event"];
    let wit = example().join("wit");
    componentize_js(&source, &wit, "format-provider", &disabled, &format)?;
    let app = python_app(build)?;
    Ok(Parts {
        app,
        text,
        checksum,
        format,
    })
}

fn rust_text(build: &Path) -> Result<Vec<u8>, String> {
    let built = build_wasm32(
        &example().join("text/Cargo.toml"),
        &build.join("text-target"),
        "building the Rust part",
    )?;
    let module = built.join("text.wasm");
    let module = std::fs::read(&module).map_err(|e| format!("{}: {e}", module.display()))?;
    component_of(&module, "the Rust part")
}

fn c_checksum(build: &Path) -> Result<Vec<u8>, String> {
    let module = build.join("checksum-module.wasm");
    succeed(
        Command::new("clang-22")
            .args(["--target=wasm32-unknown-unknown", "-O2", "-nostdlib"])
            .args(["-Wl,--no-entry", "-o"])
            .arg(&module)
            .arg(example().join("checksum/checksum.c")),
        "compiling the C part",
    )?;
    let mut module = std::fs::read(&module).map_err(|e| format!("{}: {e}", module.display()))?;
    let mut resolve = wit_parser::Resolve::default();
    let (package, _) = resolve
        .push_path(example().join("wit"))
        .map_err(|e| format!("the example's WIT: {e:#}"))?;
    let world = resolve
        .select_world(&[package], Some("checksum-provider"))
        .map_err(|e| format!("the example's WIT: {e:#}"))?;
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
        false,
    )
    .map_err(|e| format!("the C part's WIT: {e:#}"))?;
    component_of(&module, "the C part")
}

/// The Python part, built for its world (app/app.wit) with the example's
/// interfaces and WASI's as deps.
fn python_app(build: &Path) -> Result<PathBuf, String> {
    let wit = build.join("app-wit");
    wasi_command_wit(&wit)?;
    let io = |e: std::io::Error| format!("writing {}: {e}", wit.display());
    std::fs::copy(example().join("app/app.wit"), wit.join("world.wit")).map_err(io)?;
    std::fs::copy(
        example().join("wit/world.wit"),
        wit.join("deps/polyglot.wit"),
    )
    .map_err(io)?;
    componentize_py_app(
        &example().join("app/app.py"),
        &wit,
        "app",
        &build.join("app"),
    )
}
