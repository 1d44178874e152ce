//! A real 75 MB module: clang/LLVM as one WASI program (npm's
//! `@yowasp/clang`, fetched by `cargo xtask setup` into target/peers/).
//! kiln builds it at -O2 with the default jobs; the executable must do what
//! the same wasm does under the wasmtime CLI: the same `--version`, and
//! byte-identical objects from a small C file and SQLite's amalgamation.
//! Times are printed, never asserted (`cargo xtask bench clang` compares).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

fn peers() -> PathBuf {
    common::root().join("target/peers")
}

fn run(cmd: &mut Command) -> Output {
    let t = Instant::now();
    let o = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    eprintln!("{:.1} s: {cmd:?}", t.elapsed().as_secs_f64());
    assert!(
        o.status.success(),
        "{cmd:?} failed ({}): {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// The two ways of running clang with `args`, both seeing the package's
/// resources as /usr and `src` as /src.
struct Engines {
    kiln_exe: PathBuf,
    wasmtime: PathBuf,
    cwasm: PathBuf,
    resources: PathBuf,
    src: PathBuf,
}

impl Engines {
    fn kiln(&self, args: &[&str]) -> Output {
        let dirs = format!(
            "{}::/usr;{}::/src",
            self.resources.display(),
            self.src.display()
        );
        run(Command::new(&self.kiln_exe)
            .args(args)
            .env("KILN_DIRS", dirs))
    }

    fn wasmtime(&self, args: &[&str]) -> Output {
        run(Command::new(&self.wasmtime)
            .args(["run", "--allow-precompiled", "--argv0", "clang", "--dir"])
            .arg(format!("{}::/usr", self.resources.display()))
            .arg("--dir")
            .arg(format!("{}::/src", self.src.display()))
            .arg(&self.cwasm)
            .args(args))
    }

    /// Compile /src/NAME.c at -O2 with both; the objects must be identical.
    fn same_object(&self, name: &str) {
        let c = format!("/src/{name}.c");
        let (k, w) = (
            format!("/src/{name}-kiln.o"),
            format!("/src/{name}-wasmtime.o"),
        );
        self.kiln(&["-O2", "-c", &c, "-o", &k]);
        self.wasmtime(&["-O2", "-c", &c, "-o", &w]);
        let host = |p: &str| self.src.join(Path::new(p).file_name().unwrap());
        let (k, w) = (
            std::fs::read(host(&k)).unwrap(),
            std::fs::read(host(&w)).unwrap(),
        );
        assert!(!k.is_empty());
        assert!(k == w, "{name}.o differs between kiln and wasmtime");
    }
}

#[test]
fn yowasp_clang_matches_wasmtime() {
    let package = peers().join("yowasp-clang");
    let wasm = package.join("package/gen/llvm.core.wasm");
    assert!(
        wasm.exists(),
        "{} missing: run `cargo xtask setup`",
        wasm.display()
    );
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("yowasp-clang");
    let src = work.join("src");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&src).unwrap();
    // The executable's name is the tool it runs, like the multicall binary.
    let kiln_exe = work.join("clang");
    run(Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["build", "-O2", "--timings", "-q"])
        .arg(&wasm)
        .arg("-o")
        .arg(&kiln_exe));
    let wasmtime = peers().join("wasmtime");
    let cwasm = work.join("llvm.cwasm");
    run(Command::new(&wasmtime)
        .arg("compile")
        .arg(&wasm)
        .arg("-o")
        .arg(&cwasm));
    let e = Engines {
        kiln_exe,
        wasmtime,
        cwasm,
        resources: package.join("resources"),
        src: src.clone(),
    };

    let (k, w) = (e.kiln(&["--version"]), e.wasmtime(&["--version"]));
    assert!(String::from_utf8_lossy(&k.stdout).starts_with("clang version"));
    assert_eq!(k.stdout, w.stdout, "--version");

    std::fs::write(
        src.join("small.c"),
        "#include <stdio.h>\n#include <string.h>\n\
         static unsigned hash(const char *s) { unsigned h = 2166136261u;\n\
           while (*s) h = (h ^ (unsigned char)*s++) * 16777619u; return h; }\n\
         int main(int argc, char **argv) { for (int i = 0; i < argc; i++)\n\
           printf(\"%s %08x %zu\\n\", argv[i], hash(argv[i]), strlen(argv[i])); return 0; }\n",
    )
    .unwrap();
    e.same_object("small");

    let sqlite = common::crate_source("libsqlite3-sys").join("sqlite3/sqlite3.c");
    std::fs::copy(&sqlite, src.join("sqlite3.c")).unwrap();
    e.same_object("sqlite3");
}
