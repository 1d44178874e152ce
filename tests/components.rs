//! Hand-written components that use the WASI host across several
//! component instances, run by `kiln run` and by the wasmtime CLI (from
//! PyPI, installed by `cargo xtask setup` into target/peers/): same
//! output, same exit status.

mod common;

use common::{kiln, root, show, wasmtime};
use std::path::PathBuf;

fn work_dir(name: &str) -> PathBuf {
    common::work_dir("components", name)
}

#[test]
fn host_handles_cross_between_instances_as_under_wasmtime() {
    let d = work_dir("host-handles");
    let source =
        std::fs::read_to_string(root().join("testsuite/programs/wat/host_handles.wat")).unwrap();
    for (name, moved) in [("kept.wat", "0"), ("moved.wat", "1")] {
        std::fs::write(d.join(name), source.replace("MOVED", moved)).unwrap();
    }

    let expected = wasmtime(&["run", "kept.wat"], &d);
    assert!(expected.status.success(), "{}", show(&expected));
    assert_eq!(
        String::from_utf8_lossy(&expected.stdout),
        "borrowed\nborrowed\nowned\n"
    );
    let got = kiln(&["run", "kept.wat"], &d);
    assert_eq!(got.stdout, expected.stdout, "{}", show(&got));
    assert_eq!(got.status.code(), expected.status.code(), "{}", show(&got));

    // The handle used after it was given away: both trap.
    let expected = wasmtime(&["run", "moved.wat"], &d);
    assert!(
        String::from_utf8_lossy(&expected.stderr).contains("unknown handle index"),
        "{}",
        show(&expected)
    );
    let got = kiln(&["run", "moved.wat"], &d);
    assert_eq!(got.stdout, expected.stdout, "{}", show(&got));
    assert!(!got.status.success(), "{}", show(&got));
    assert!(
        String::from_utf8_lossy(&got.stderr).contains("unknown handle index"),
        "{}",
        show(&got)
    );
}

#[test]
fn a_post_return_calling_the_host_traps_as_under_wasmtime() {
    let d = work_dir("post-return");
    let wat = root().join("testsuite/programs/wat/post_return_leaves.wat");
    let wat = wat.to_str().unwrap();
    let expected = wasmtime(&["run", "--invoke", "f()", wat], &d);
    let got = kiln(&["run", "--invoke", "f", wat], &d);
    assert_eq!(got.status.code(), expected.status.code(), "{}", show(&got));
    for o in [&expected, &got] {
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("cannot leave component instance"),
            "{}",
            show(o)
        );
    }
}

/// Two Rust components, one calling the other through a composition
/// (kiln_testsuite::composition): scalars, strings and lists cross
/// between them as under wasmtime.
#[test]
fn two_rust_components_call_each_other_as_under_wasmtime() {
    let d = work_dir("rust-pair");
    let wasm = kiln_testsuite::composition::rust_pair(&d.join("build")).unwrap();
    let wasm = wasm.to_str().unwrap();
    let expected = wasmtime(&["run", "--invoke", "check()", wasm], &d);
    assert!(expected.status.success(), "{}", show(&expected));
    assert!(
        String::from_utf8_lossy(&expected.stdout).contains("list of 256 sum 32640"),
        "{}",
        show(&expected)
    );
    let got = kiln(&["run", wasm, "--invoke", "check"], &d);
    assert_eq!(show(&got), show(&expected));
    let timed = kiln(&["run", wasm, "--invoke", "run-echo-list", "10"], &d);
    assert!(timed.status.success(), "{}", show(&timed));
}
