//! A JavaScript program built into a component with componentize-js (npm,
//! installed by `cargo xtask setup` into target/peers/) must behave under
//! `kiln run` as under the wasmtime CLI. It builds offline: the
//! StarlingMonkey engine ships inside the package. Built with its default
//! features, so it imports wasi:http for `fetch`, which both run with
//! `-S http`, and a second program uses; its `--aot` mode downloads weval
//! at build time and so cannot be used here.

mod common;

use common::server::serve;
use common::{root, show, wasi_command_wit};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `program` (in testsuite/programs/javascript) built into a component in
/// the scratch folder `name`; the folder and the component.
fn componentize(program: &str, name: &str) -> (PathBuf, PathBuf) {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(work.join("wit")).unwrap();
    let wit = wasi_command_wit(&work.join("wit"));
    let wasm = work.join("app.wasm");
    let source = root().join("testsuite/programs/javascript").join(program);
    kiln_testsuite::peers::componentize_js(&source, &wit, "command", &[], &wasm)
        .unwrap_or_else(|e| panic!("{e}"));
    (work, wasm)
}

/// `kiln run` and `wasmtime run` of `wasm` with `-S http` and `args`.
fn both(work: &Path, wasm: &Path, args: &[&str]) -> (Output, Output) {
    let expected = Command::new(root().join("target/peers/wasmtime"))
        .args(["run", "-S", "http", "--env", "GREETING=hi"])
        .arg(wasm)
        .args(args)
        .output()
        .unwrap();
    let got = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["run", "-S", "http", "--env", "GREETING=hi"])
        .arg(wasm)
        .args(args)
        .env("KILN_CACHE_DIR", work.join("cache"))
        .output()
        .unwrap();
    (got, expected)
}

#[test]
fn javascript_component_behaves_as_under_wasmtime() {
    let (work, wasm) = componentize("app.js", "javascript");
    let (got, expected) = both(&work, &wasm, &["first", "two words"]);
    assert_eq!(show(&got), show(&expected));
    assert!(String::from_utf8_lossy(&got.stdout).contains("sum 184.75"));
}

/// `fetch` goes through the host's wasi:http to a loopback server.
#[test]
fn javascript_fetch_behaves_as_under_wasmtime() {
    let (work, wasm) = componentize("fetch.js", "javascript-fetch");
    let url = format!("http://{}/hello?name=kiln", serve());
    let (got, expected) = both(&work, &wasm, &[&url]);
    assert_eq!(show(&got), show(&expected));
    assert!(
        String::from_utf8_lossy(&got.stdout)
            .contains("status 200, path /hello?name=kiln, x-test from JavaScript, body hello kiln"),
        "{}",
        show(&got)
    );
}
