//! `kiln compose`: two Rust components (testsuite/programs/rust-components,
//! a caller importing `kiln:bench/math` and a callee exporting it) put
//! together by plugging and by a WAC document; each composition validated,
//! then run by the wasmtime CLI and by kiln with the output of the
//! composition written by hand (`kiln_testsuite::composition`). And what
//! cannot be composed, refused with a message naming both sides.

mod common;

use common::{kiln, show, wasmtime};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The pair's components, built once into `dir`: (caller, callee, their
/// composition written by hand).
fn pair(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let build = dir.join("build");
    let by_hand = kiln_testsuite::composition::rust_pair(&build).unwrap();
    (
        build.join("caller.wasm"),
        build.join("callee.wasm"),
        by_hand,
    )
}

fn validate(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&bytes)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// `composed` does under wasmtime and under kiln what the composition by
/// hand does under wasmtime.
fn runs_as_by_hand(composed: &Path, by_hand: &Path, dir: &Path) {
    validate(composed);
    let p = |p: &Path| p.to_str().unwrap().to_string();
    let expected = wasmtime(&["run", "--invoke", "check()", &p(by_hand)], dir);
    assert!(expected.status.success(), "{}", show(&expected));
    assert!(String::from_utf8_lossy(&expected.stdout).contains("list of 256 sum 32640"));
    let theirs = wasmtime(&["run", "--invoke", "check()", &p(composed)], dir);
    assert_eq!(show(&theirs), show(&expected));
    let ours = kiln(&["run", &p(composed), "--invoke", "check"], dir);
    assert_eq!(show(&ours), show(&expected));
    // Calls between the instances through their funcrefs, not direct.
    let kept = kiln(
        &[
            "run",
            "--keep-boundaries",
            &p(composed),
            "--invoke",
            "check",
        ],
        dir,
    );
    assert_eq!(show(&kept), show(&expected));
}

fn compose(args: &[&str], dir: &Path) -> Output {
    kiln(&[&["compose"], args].concat(), dir)
}

/// A refusal: exit status 1, no output file (nor a part of one), and a
/// message on stderr.
fn refused(args: &[&str], out: &Path, dir: &Path) -> String {
    let o = compose(args, dir);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(!out.exists(), "{} was written", out.display());
    let staged = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().contains(".kiln-"));
    assert!(!staged, "a partial output is left in {}", dir.display());
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn plugged_and_wac_compositions_run_as_the_one_by_hand() {
    let d = common::work_dir("compose", "pair");
    let (caller, callee, by_hand) = pair(&d);
    let s = |p: &Path| p.to_str().unwrap().to_string();

    let plugged = d.join("plugged.wasm");
    let o = compose(
        &[&s(&caller), "--plug", &s(&callee), "-o", &s(&plugged)],
        &d,
    );
    assert!(o.status.success(), "{}", show(&o));
    runs_as_by_hand(&plugged, &by_hand, &d);

    let document = d.join("app.wac");
    std::fs::write(
        &document,
        "package kiln:app;\n\
         let callee = new kiln:callee { ... };\n\
         let caller = new kiln:caller { ...callee, ... };\n\
         export caller...;\n",
    )
    .unwrap();
    let from_wac = d.join("from-wac.wasm");
    let o = compose(
        &[
            &s(&document),
            "--dep",
            &format!("kiln:callee={}", s(&callee)),
            "--dep",
            &format!("kiln:caller={}", s(&caller)),
            "-o",
            &s(&from_wac),
        ],
        &d,
    );
    assert!(o.status.success(), "{}", show(&o));
    runs_as_by_hand(&from_wac, &by_hand, &d);
}

/// The names a component imports (its own, not its inner components').
fn component_imports(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let mut names = Vec::new();
    let mut depth = 0;
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        match payload.unwrap() {
            wasmparser::Payload::ComponentImportSection(s) if depth == 0 => {
                for i in s {
                    names.push(i.unwrap().name.name.to_string());
                }
            }
            wasmparser::Payload::ModuleSection { .. }
            | wasmparser::Payload::ComponentSection { .. } => depth += 1,
            wasmparser::Payload::End(_) => depth -= 1,
            _ => {}
        }
    }
    names
}

#[test]
fn a_plug_of_a_compatible_version_is_taken() {
    let d = common::work_dir("compose", "versions");
    let component = |name: &str, wat: &str| {
        let path = d.join(format!("{name}.wasm"));
        std::fs::write(&path, wat::parse_str(wat).unwrap()).unwrap();
        path.to_str().unwrap().to_string()
    };
    let socket = component(
        "socket",
        r#"(component (import "kiln:test/v@1.0.0" (instance)))"#,
    );
    // 1.2.0 is taken over 1.1.0; 2.0.0 does not match.
    let plug = component(
        "plug",
        r#"(component
            (instance $v)
            (export "kiln:test/v@1.1.0" (instance $v))
            (export "kiln:test/v@1.2.0" (instance $v))
            (export "kiln:test/v@2.0.0" (instance $v)))"#,
    );
    let out = d.join("out.wasm");
    let o = compose(&[&socket, "--plug", &plug, "-o", out.to_str().unwrap()], &d);
    assert!(o.status.success(), "{}", show(&o));
    validate(&out);
    assert!(component_imports(&out).is_empty());
}

#[test]
fn what_cannot_be_composed_is_refused_naming_both_sides() {
    let d = common::work_dir("compose", "refused");
    let (caller, callee, _) = pair(&d);
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let out = d.join("out.wasm");
    let component = |name: &str, wat: &str| {
        let path = d.join(format!("{name}.wasm"));
        std::fs::write(&path, wat::parse_str(wat).unwrap()).unwrap();
        s(&path)
    };
    // A callee of the same interface with another type.
    let wrong = component(
        "wrong",
        r#"(component
            (core module $m (func (export "add") (param i32) (result i32) local.get 0))
            (core instance $i (instantiate $m))
            (type $t (func (param "a" u32) (result u32)))
            (func $add (type $t) (canon lift (core func $i "add")))
            (instance $math (export "add" (func $add)))
            (export "kiln:bench/math" (instance $math)))"#,
    );
    let e = refused(&[&s(&caller), "--plug", &wrong, "-o", &s(&out)], &out, &d);
    assert!(
        e.contains("caller.wasm imports `kiln:bench/math`") && e.contains("wrong.wasm exports"),
        "{e}"
    );

    // The same interface at a version that does not match.
    let versioned = component(
        "versioned",
        r#"(component
            (instance $math)
            (export "kiln:bench/math@2.0.0" (instance $math)))"#,
    );
    let e = refused(
        &[&s(&caller), "--plug", &versioned, "-o", &s(&out)],
        &out,
        &d,
    );
    assert!(
        e.contains("versions do not match") && e.contains("math@2.0.0"),
        "{e}"
    );

    // Two plugs for one import.
    let e = refused(
        &[
            &s(&caller),
            "--plug",
            &s(&callee),
            "--plug",
            &s(&callee),
            "-o",
            &s(&out),
        ],
        &out,
        &d,
    );
    assert!(e.contains("more than one plug exports"), "{e}");

    // A plug that satisfies nothing.
    let e = refused(
        &[&s(&caller), "--plug", &s(&caller), "-o", &s(&out)],
        &out,
        &d,
    );
    assert!(e.contains("satisfies no import"), "{e}");

    // Plugs that need each other.
    let a = component(
        "a",
        r#"(component
            (import "kiln:test/b" (instance $b))
            (instance $a)
            (export "kiln:test/a" (instance $a)))"#,
    );
    let b = component(
        "b",
        r#"(component
            (import "kiln:test/a" (instance $a))
            (instance $b)
            (export "kiln:test/b" (instance $b)))"#,
    );
    let main = component(
        "main",
        r#"(component (import "kiln:test/a" (instance $a)))"#,
    );
    let e = refused(
        &[&main, "--plug", &a, "--plug", &b, "-o", &s(&out)],
        &out,
        &d,
    );
    assert!(
        e.contains("cycle") && e.contains("a.wasm -> ") && e.contains("b.wasm"),
        "{e}"
    );

    // A plug that satisfies nothing, because what it was meant for it
    // does not export: its exports are listed.
    let e = refused(&[&main, "--plug", &s(&callee), "-o", &s(&out)], &out, &d);
    assert!(
        e.contains("satisfies no import") && e.contains("`kiln:bench/math`"),
        "{e}"
    );

    // An import nothing satisfies, unless the composition may import it.
    let lonely = component(
        "lonely",
        r#"(component
            (import "kiln:test/a" (instance $a))
            (import "kiln:bench/math" (instance $m)))"#,
    );
    let e = refused(&[&lonely, "--plug", &s(&callee), "-o", &s(&out)], &out, &d);
    assert!(
        e.contains("lonely.wasm imports `kiln:test/a`, which no plug exports"),
        "{e}"
    );
    let o = compose(
        &[
            &lonely,
            "--plug",
            &s(&callee),
            "--allow-imports",
            "-o",
            &s(&out),
        ],
        &d,
    );
    assert!(o.status.success(), "{}", show(&o));
    validate(&out);
    assert_eq!(component_imports(&out), ["kiln:test/a"]);
    std::fs::remove_file(&out).unwrap();

    // A WAC document with a mistake: its line and column.
    let document = d.join("bad.wac");
    std::fs::write(
        &document,
        "package kiln:app;\nlet caller = new kiln:caller { ... };\nexport nothing...;\n",
    )
    .unwrap();
    let dep = format!("kiln:caller={}", s(&caller));
    let e = refused(&[&s(&document), "--dep", &dep, "-o", &s(&out)], &out, &d);
    assert!(e.contains("bad.wac:3:8: undefined name `nothing`"), "{e}");
}

/// examples/polyglot: a Python command using a Rust, a C and a JavaScript
/// component, composed by plugging, then built by kiln into one native
/// executable whose output is the wasmtime CLI's for the same composition.
#[test]
fn a_python_rust_c_and_javascript_composition_builds_into_one_program() {
    let d = common::work_dir("compose", "polyglot");
    let parts = kiln_testsuite::polyglot::build(&d.join("build")).unwrap_or_else(|e| panic!("{e}"));
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let composed = d.join("polyglot.wasm");
    let o = compose(
        &[
            &s(&parts.app),
            "--plug",
            &s(&parts.text),
            "--plug",
            &s(&parts.checksum),
            "--plug",
            &s(&parts.format),
            "-o",
            &s(&composed),
        ],
        &d,
    );
    assert!(o.status.success(), "{}", show(&o));
    validate(&composed);
    let expected = wasmtime(&["run", &s(&composed)], &d);
    assert!(expected.status.success(), "{}", show(&expected));
    let stdout = String::from_utf8_lossy(&expected.stdout);
    assert!(
        stdout.contains("|               polyglot               |"),
        "{stdout}"
    );
    assert!(stdout.contains("KILN COMPILES COMPONENTS"), "{stdout}");
    assert!(
        stdout.contains("9 words, 3 to 10 letters, 53 in all"),
        "{stdout}"
    );
    // What Python's own zlib gives.
    assert!(stdout.contains("adler32: d8b5176c"), "{stdout}");
    let exe = d.join("polyglot");
    let o = kiln(&["build", "-q", &s(&composed), "-o", &s(&exe)], &d);
    assert!(o.status.success(), "{}", show(&o));
    let ours = Command::new(&exe).current_dir(&d).output().unwrap();
    assert_eq!(show(&ours), show(&expected));
}
