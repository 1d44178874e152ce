//! The signal handler takes a fault for a wasm trap only where a wasm
//! program can cause one: in a linear memory's reservation (its guard
//! region) or next to the stack pointer. A fault anywhere else, in host
//! code or even in compiled code, is a bug, and must kill the process as it
//! would without kiln, reported as a crash with its address, not as "out
//! of bounds memory access".
//!
//! Each case runs in a child process (this test binary, run again for one
//! test), since the expected outcome is a death by SIGSEGV.

use kiln_compiler::CompileOptions;
use kiln_rt::{Extern, Instance, Store};
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

const CHILD: &str = "KILN_FAULTS_CHILD";
const SIGSEGV: i32 = 11;

fn instantiate(store: &mut Store, wat: &str, imports: &[Extern]) -> *mut Instance {
    let wasm = wat::parse_str(wat).unwrap();
    let opts = CompileOptions {
        jobs: 1,
        ..CompileOptions::default()
    };
    let compiled = kiln_compiler::compile(&wasm, &opts).unwrap();
    let scratch = kiln_linker::Scratch::new().unwrap();
    let so = scratch.dir.join("faults.so");
    kiln_linker::link_shared(&compiled.objects, &so).unwrap();
    let module = kiln_rt::load_shared_library(&so, &opts.prefix).unwrap();
    store.instantiate(module, imports).unwrap()
}

fn call(store: &mut Store, instance: *mut Instance, name: &str) -> String {
    // SAFETY: instances live as long as their store.
    let Some(Extern::Func(f)) = unsafe { &*instance }.export(name) else {
        panic!("no export {name}");
    };
    match store.call(f, &[]) {
        Ok(v) => format!("returned {v:?}"),
        Err(t) => format!("trap: {}", t.message()),
    }
}

/// Run test `name` again in a child process, as the child.
fn in_child(name: &str) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD, name)
        .output()
        .unwrap()
}

fn is_child(name: &str) -> bool {
    std::env::var(CHILD).as_deref() == Ok(name)
}

/// The child running test `name` must die by SIGSEGV, as without kiln,
/// after saying that it crashed at `address`.
fn assert_crashes_at(name: &str, address: usize) {
    let out = in_child(name);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.signal(),
        Some(SIGSEGV),
        "expected death by SIGSEGV, got {} with: {stdout}{stderr}",
        out.status
    );
    let report = format!("kiln: crash: SIGSEGV at address {address:#x} (pc 0x");
    assert!(stderr.contains(&report), "no {report:?} in: {stderr}");
    assert!(!stdout.contains("child:"), "{stdout}");
}

const LOAD: &str = r#"(module (memory 1 1)
    (func (export "load") (result i32) (i32.load (i32.const 0)))
    (func (export "load_past_end") (result i32) (i32.load (i32.const 65536))))"#;

#[test]
fn a_guard_region_fault_is_a_trap() {
    let name = "a_guard_region_fault_is_a_trap";
    if is_child(name) {
        let mut store = Store::new();
        let inst = instantiate(&mut store, LOAD, &[]);
        println!("child: {}", call(&mut store, inst, "load_past_end"));
        return;
    }
    let out = in_child(name);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}: {stdout}", out.status);
    assert!(
        stdout.contains("child: trap: out of bounds memory access"),
        "{stdout}"
    );
}

#[test]
fn compiled_code_faulting_outside_a_memory_is_not_a_trap() {
    let name = "compiled_code_faulting_outside_a_memory_is_not_a_trap";
    if is_child(name) {
        let mut store = Store::new();
        let inst = instantiate(&mut store, LOAD, &[]);
        // Point the code's copy of memory 0's base at an unmapped page
        // that belongs to no memory: the load at 0 now faults there.
        let vmctx = unsafe { &*inst }.vmctx_ptr();
        let base = vmctx + kiln_abi::VMOffsets::MEMORY0_BASE as usize;
        // SAFETY: a field of this instance's vmctx, which lives as long as
        // the store; the fault it causes is what this test is about.
        unsafe { *(base as *mut usize) = 0x1000 };
        println!("child: {}", call(&mut store, inst, "load"));
        return;
    }
    assert_crashes_at(name, 0x1000);
}

extern "C" fn host_writes_to_null(_vmctx: usize) {
    // SAFETY: not safe at all: this host function has a bug on purpose.
    unsafe { std::ptr::write_volatile(8 as *mut u32, 1) };
}

#[test]
fn a_host_function_that_faults_is_not_a_trap() {
    let name = "a_host_function_that_faults_is_not_a_trap";
    if is_child(name) {
        let mut store = Store::new();
        let ty = kiln_rt::FuncType::default();
        let host = store.host_func(&ty, host_writes_to_null as *const () as usize);
        let inst = instantiate(
            &mut store,
            r#"(module (import "host" "f" (func $f)) (memory 1)
                (func (export "run") (call $f)))"#,
            &[Extern::Func(host)],
        );
        println!("child: {}", call(&mut store, inst, "run"));
        return;
    }
    assert_crashes_at(name, 0x8);
}
