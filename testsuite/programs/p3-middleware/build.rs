//! Writes the bindings' `generate!` call with the path of the WIT the
//! `wasip3` crate ships (WASI 0.3.2, which holds the `middleware` world),
//! so that the WIT is read where cargo put the crate, not copied here.

use std::path::Path;
use std::process::Command;

const WASIP3: &str = "/wasip3-0.10.0+wasi-0.3.2/Cargo.toml\"";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    // Offline first: the build has the crate already.
    let metadata = |offline: bool| {
        let mut cmd = Command::new(&cargo);
        cmd.args(["metadata", "--format-version", "1"]);
        if offline {
            cmd.arg("--offline");
        }
        let out = cmd.current_dir(&manifest).output().expect("running cargo metadata");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut text = metadata(true);
    if !text.contains(WASIP3) {
        text = metadata(false);
    }
    let end = text
        .find(WASIP3)
        .expect("cargo metadata lists the wasip3 crate");
    let start = text[..end].rfind('"').unwrap() + 1;
    let dir = &text[start..end + WASIP3.len() - "/Cargo.toml\"".len()];
    let wit = Path::new(dir).join("wit");
    let bindings = format!(
        "wit_bindgen::generate!({{ path: {:?}, world: \"wasi:http/middleware@0.3.2\", generate_all }});\n",
        wit.to_str().unwrap()
    );
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("bindings.rs");
    std::fs::write(out, bindings).unwrap();
}
