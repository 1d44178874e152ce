//! The `kiln` command line: each subcommand, and each kind of bad input
//! giving one clear error, exit status 1 and no output file.

mod common;

use common::kiln;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kiln-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const PROGRAM: &str = r#"(module
  (memory 1)
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $forever (export "forever") (param i32) (result i32)
    (i32.add (call $forever (local.get 0)) (i32.const 1)))
  (func $sink (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.sub (local.get 0)
        (call $sink (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "deep") (param i32) (result i32) (call $sink (local.get 0)))
  (func $load (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func $div (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func $start (export "_start") (drop (call $fib (i32.const 10))))
  (type $i_i (func (param i32) (result i32)))
  (table 4 4 funcref)
  (elem (i32.const 0) func $fib $start)
  (func $indirect (export "indirect") (param i32) (result i32)
    (call_indirect (type $i_i) (i32.const 5) (local.get 0))))"#;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn run_invokes_and_prints_results() {
    let d = scratch("run");
    std::fs::write(d.join("p.wat"), PROGRAM).unwrap();
    let o = kiln(&["run", "p.wat", "--invoke", "fib", "20"], &d);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "6765");
    let o = kiln(&["run", "p.wat"], &d);
    assert!(o.status.success(), "{}", stderr(&o));
    // Second run hits the cache and gives the same answer.
    let o = kiln(&["run", "p.wat", "--invoke", "fib", "20"], &d);
    assert_eq!(stdout(&o).trim(), "6765");
}

#[test]
fn traps_exit_134_with_kind_and_backtrace() {
    let d = scratch("traps");
    std::fs::write(d.join("p.wat"), PROGRAM).unwrap();
    for (args, kind, func) in [
        (
            vec!["--invoke", "div", "1", "0"],
            "trap: integer divide by zero",
            "div",
        ),
        (
            vec!["--invoke", "load", "70000"],
            "trap: out of bounds memory access",
            "load",
        ),
        (
            vec!["--invoke", "forever", "1"],
            "trap: call stack exhausted",
            "forever",
        ),
        // A private recursion that calls only itself: on x86_64 it has no
        // stack check and runs into the stack's guard page, which must be
        // reported as exhaustion, not as a memory access (elsewhere the
        // optimizer must not drop the vmctx its stack check needs).
        (
            vec!["--invoke", "deep", "100000000"],
            "trap: call stack exhausted",
            "sink",
        ),
        // The table is frozen: these come from the trap stubs of its
        // code arrays, on behalf of their caller.
        (
            vec!["--invoke", "indirect", "1"],
            "trap: indirect call type mismatch",
            "indirect",
        ),
        (
            vec!["--invoke", "indirect", "2"],
            "trap: uninitialized element",
            "indirect",
        ),
        (
            vec!["--invoke", "indirect", "4"],
            "trap: undefined element",
            "indirect",
        ),
    ] {
        let mut a = vec!["run", "p.wat"];
        a.extend(args);
        let o = kiln(&a, &d);
        assert_eq!(o.status.code(), Some(134), "{a:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.starts_with(kind), "{a:?}: {e}");
        assert!(
            e.contains(&format!("] {func}")),
            "{a:?}: backtrace lacks {func}: {e}"
        );
    }
    let o = kiln(
        &[
            "run",
            "p.wat",
            "--bounds-checks",
            "explicit",
            "--invoke",
            "load",
            "65533",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(134));
    assert!(stderr(&o).starts_with("trap: out of bounds memory access"));
}

/// A call chain the optimizer cannot shorten: every call goes through the
/// table with an index from a mutable exported global, so no function is
/// inlined into another and each call is a frame of its own.
const CHAIN: &str = r#"(module
  (type $t (func (param i32 i32) (result i32)))
  (memory 1)
  (data $d "x")
  (table 5 funcref)
  (elem (i32.const 0) $leaf_div $leaf_load $leaf_init $down_a $down_b)
  (global $a (export "a") (mut i32) (i32.const 3))
  (global $b (export "b") (mut i32) (i32.const 4))
  (func $leaf_div (type $t) (i32.div_s (i32.const 100) (local.get 0)))
  (func $leaf_load (type $t) (i32.load (i32.add (local.get 0) (i32.const 70000))))
  (func $leaf_init (type $t)
    (memory.init $d (i32.add (local.get 0) (i32.const 70000)) (i32.const 0) (i32.const 1))
    (i32.const 0))
  (func $down_a (type $t)
    (if (result i32) (i32.eqz (local.get 0))
      (then (call_indirect (type $t) (i32.const 0) (i32.const 0) (local.get 1)))
      (else (i32.add (i32.const 1)
        (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (local.get 1) (global.get $b))))))
  (func $down_b (type $t)
    (i32.add (i32.const 2) (call_indirect (type $t) (local.get 0) (local.get 1) (global.get $a))))
  (func $run (export "run") (type $t)
    (i32.mul (i32.const 3) (call_indirect (type $t) (local.get 0) (local.get 1) (global.get $a)))))"#;

/// Every frame of the chain is in the backtrace, in order, whichever way
/// the leaf stops: a trap instruction, a fault in a linear memory's guard
/// region, a trap after a failed builtin. On x86_64 the functions that call
/// keep no frame pointer, so this follows the unwind table.
#[test]
fn backtraces_name_every_frame() {
    let d = scratch("chain");
    std::fs::write(d.join("chain.wat"), CHAIN).unwrap();
    for (leaf, kind, name) in [
        ("0", "trap: integer divide by zero", "leaf_div"),
        ("1", "trap: out of bounds memory access", "leaf_load"),
        ("2", "trap: out of bounds memory access", "leaf_init"),
    ] {
        for opt in ["-O0", "-O2"] {
            let o = kiln(&["run", opt, "chain.wat", "--invoke", "run", "2", leaf], &d);
            assert_eq!(o.status.code(), Some(134), "{}", stderr(&o));
            let e = stderr(&o);
            assert!(e.starts_with(kind), "{e}");
            let frames: Vec<&str> = e
                .lines()
                .filter_map(|l| l.trim().split_once(": func[")?.1.split_once(']'))
                .map(|(_, name)| name.trim())
                .collect();
            let want = [
                name, "down_a", "down_b", "down_a", "down_b", "down_a", "run",
            ];
            assert_eq!(frames, want, "{opt} leaf {leaf}: {e}");
        }
    }
}

/// A component whose `sum` calls another component's `div` in a loop, the
/// first division by zero.
const DIVIDING_PAIR: &str = r#"(component
  (component $callee
    (core module $m
      (func $div (export "div") (param i32 i32) (result i32)
        (i32.div_u (local.get 0) (local.get 1))))
    (core instance $i (instantiate $m))
    (func (export "div") (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $i "div"))))
  (component $caller
    (import "div" (func $div (param "a" u32) (param "b" u32) (result u32)))
    (core func $div_low (canon lower (func $div)))
    (core module $m
      (import "callee" "div" (func $div (param i32 i32) (result i32)))
      (func $sum (export "sum") (param $n i32) (result i32)
        (local $i i32) (local $acc i32)
        (block $done
          (loop $loop
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $acc (call $div (local.get $acc) (local.get $i)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $loop)))
        (local.get $acc)))
    (core instance $i (instantiate $m
      (with "callee" (instance (export "div" (func $div_low))))))
    (func (export "sum") (param "n" u32) (result u32)
      (canon lift (core func $i "sum"))))
  (instance $callee (instantiate $callee))
  (instance $caller (instantiate $caller (with "div" (func $callee "div"))))
  (export "sum" (func $caller "sum")))"#;

/// A trap in one component's code called from another's. With the
/// boundaries kept, the callee, the adapter and the caller are each a
/// frame, each found in its own core module (the modules of a component
/// share one code section). Compiled as one program, the callee is
/// inlined through the adapter into the caller, where the trap is.
#[test]
fn backtraces_cross_component_boundaries() {
    let d = scratch("component-chain");
    std::fs::write(d.join("pair.wat"), DIVIDING_PAIR).unwrap();
    let frames = |extra: &[&str]| {
        let args = [&["run"][..], extra, &["pair.wat", "--invoke", "sum", "3"]].concat();
        let o = kiln(&args, &d);
        assert_eq!(o.status.code(), Some(134), "{}", stderr(&o));
        let e = stderr(&o);
        assert!(e.starts_with("trap: integer divide by zero"), "{e}");
        let frames: Vec<String> = e
            .lines()
            .filter_map(|l| l.trim().split_once(": func[")?.1.split_once(']'))
            .map(|(_, name)| name.trim().to_string())
            .collect();
        frames
    };
    let kept = frames(&["--keep-boundaries"]);
    assert_eq!(kept.len(), 3, "{kept:?}");
    assert_eq!(
        (kept[0].as_str(), kept[2].as_str()),
        ("div", "sum"),
        "{kept:?}"
    );
    assert_eq!(frames(&[]), ["sum"]);
    // `kiln compile`'s object defines only the descriptors for the
    // program it is linked into: everything else is local.
    let o = kiln(&["compile", "pair.wat", "-o", "pair.o"], &d);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(global_definitions(&d.join("pair.o")), {
        let modules = (0..3).map(|m| format!("kiln_m{m}_module"));
        let mut want: Vec<String> = modules.chain(["kiln_component".into()]).collect();
        want.sort();
        want
    });
    // It compiles for a target whose traps call a builtin, where nothing
    // is inlined across.
    let target = ["--target", "aarch64-unknown-linux-gnu"];
    let o = kiln(
        &[&["compile", "pair.wat", "-o", "pair.o"][..], &target].concat(),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The symbols `object` defines that are not local, sorted.
fn global_definitions(object: &Path) -> Vec<String> {
    use object::{Object, ObjectSymbol};
    let bytes = std::fs::read(object).unwrap();
    let file = object::File::parse(&*bytes).unwrap();
    let mut names: Vec<String> = file
        .symbols()
        .filter(|s| s.is_global() && s.is_definition())
        .map(|s| s.name().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn compile_writes_a_relocatable_object() {
    let d = scratch("compile");
    std::fs::write(d.join("p.wat"), PROGRAM).unwrap();
    let o = kiln(&["compile", "p.wat", "-o", "p.o", "-O3"], &d);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(d.join("p.o")).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF");
    assert_eq!(bytes[16], 1, "ET_REL");
    for triple in ["aarch64-unknown-linux-gnu", "riscv64-unknown-linux-gnu"] {
        let o = kiln(&["compile", "p.wat", "-o", "x.o", "--target", triple], &d);
        assert!(o.status.success(), "{triple}: {}", stderr(&o));
    }
    // Same inputs and flags, same bytes.
    kiln(&["compile", "p.wat", "-o", "again.o", "-O3"], &d);
    assert_eq!(bytes, std::fs::read(d.join("again.o")).unwrap());
}

#[test]
fn inspect_lists_the_module() {
    let d = scratch("inspect");
    std::fs::write(
        d.join("m.wat"),
        r#"(module (import "env" "f" (func (param i32))) (memory (export "mem") 1 3)
           (table 2 funcref) (func (export "g") (result i32 i32) (i32.const 1) (i32.extend8_s (i32.const 2))))"#,
    )
    .unwrap();
    let o = kiln(&["inspect", "m.wat"], &d);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    for want in [
        "env::f: func",
        "mem: memory",
        "g: func",
        "memories: 1..3",
        "funcref 2..",
        "multi-value",
        "sign-extension",
    ] {
        assert!(s.contains(want), "missing {want} in:\n{s}");
    }
}

#[test]
fn inspect_shows_a_components_world_and_parts() {
    let d = scratch("inspect-component");
    std::fs::write(
        d.join("c.wat"),
        r#"(component
             (import "wasi:cli/environment@0.2.0" (instance
               (export "get-arguments" (func (result (list string))))))
             (core module $m (func (export "add") (param i32 i32) (result i32)
               (i32.add (local.get 0) (local.get 1))))
             (core instance $i (instantiate $m))
             (func $add (param "a" s32) (param "b" s32) (result s32)
               (canon lift (core func $i "add")))
             (export "add" (func $add)))"#,
    )
    .unwrap();
    let o = kiln(&["inspect", "c.wat"], &d);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    for want in [
        "component: 1 core modules, 1 core instances",
        "import wasi:cli/environment@0.2.0;",
        "export add: func(a: s32, b: s32) -> s32;",
        "core module 0 (",
        "    add: func 0",
        "core instance 0: instantiate module 0",
    ] {
        assert!(s.contains(want), "missing {want:?} in:\n{s}");
    }
}

#[test]
fn a_component_compiles_runs_and_builds() {
    let d = scratch("component-commands");
    std::fs::write(
        d.join("c.wat"),
        r#"(component
             (core module $m
               (func (export "add") (param i32 i32) (result i32)
                 (i32.add (local.get 0) (local.get 1)))
               (func (export "run") (result i32) i32.const 1))
             (core instance $i (instantiate $m))
             (func $add (param "a" s32) (param "b" s32) (result s32)
               (canon lift (core func $i "add")))
             (export "add" (func $add))
             (func $run (result (result)) (canon lift (core func $i "run")))
             (instance $r (export "run" (func $run)))
             (export "wasi:cli/run@0.2.0" (instance $r)))"#,
    )
    .unwrap();
    let o = kiln(&["compile", "c.wat", "-o", "c.o"], &d);
    assert!(o.status.success(), "{}", stderr(&o));
    let object = std::fs::read(d.join("c.o")).unwrap();
    for symbol in ["kiln_component", "kiln_m0_module"] {
        assert!(
            object.windows(symbol.len()).any(|w| w == symbol.as_bytes()),
            "no {symbol} in the object"
        );
    }
    let o = kiln(&["run", "--invoke", "add", "c.wat", "40", "2"], &d);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "42\n");
    // `wasi:cli/run` returned an error: exit status 1, as wasmtime's.
    let o = kiln(&["run", "c.wat"], &d);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = kiln(&["build", "--invoke", "add", "c.wat", "-o", "add"], &d);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = Command::new(d.join("add"))
        .args(["-5", "3"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "-2\n");
}

#[test]
fn a_component_importing_what_the_host_lacks_is_refused_by_name() {
    let d = scratch("component-missing-import");
    std::fs::write(
        d.join("c.wat"),
        r#"(component
             (import "wasi:example/missing@0.2.0" (instance $x
               (export "f" (func (result u32)))))
             (alias export $x "f" (func $f))
             (core func $fl (canon lower (func $f)))
             (core module $m (import "" "f" (func (result i32))))
             (core instance $i (instantiate $m (with "" (instance (export "f" (func $fl)))))))"#,
    )
    .unwrap();
    for args in [&["run", "c.wat"][..], &["build", "c.wat", "-o", "c"]] {
        let o = kiln(args, &d);
        assert_error(
            &o,
            "`wasi:example/missing@0.2.0#f`, which kiln's host does not provide",
        );
    }
    assert!(!d.join("c").exists());
}

#[test]
fn an_unknown_wasi_option_is_refused_by_name() {
    let d = scratch("wasi-option");
    std::fs::write(d.join("m.wat"), "(module)").unwrap();
    let o = kiln(&["run", "-S", "inherit-netwrok", "m.wat"], &d);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("\"inherit-netwrok\" is not a WASI option kiln knows"),
        "{}",
        stderr(&o)
    );
    let o = kiln(
        &[
            "run",
            "-S",
            "inherit-network=y",
            "-S",
            "allow-ip-name-lookup",
            "m.wat",
        ],
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

fn assert_error(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(o);
    assert!(e.starts_with("kiln: error: "), "{e}");
    assert!(e.contains(needle), "expected `{needle}` in: {e}");
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn bad_input_is_one_clear_error_and_no_output() {
    let d = scratch("bad");
    std::fs::write(d.join("ok.wat"), PROGRAM).unwrap();
    std::fs::write(
        d.join("invalid.wat"),
        r#"(module (func (result i32) (i64.const 1)))"#,
    )
    .unwrap();
    std::fs::write(d.join("malformed.wat"), "(module (func (bogus)))").unwrap();
    std::fs::write(d.join("truncated.wasm"), b"\0asm\x01\0\0\0\x01\x05\x01").unwrap();
    std::fs::write(d.join("garbage.wasm"), b"\x7fELF not wasm at all").unwrap();
    std::fs::write(
        d.join("simd.wat"),
        r#"(module (func (result v128) (v128.const i64x2 0 0)))"#,
    )
    .unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["compile", "invalid.wat", "-o", "out.o"],
            "invalid.wat: invalid module at byte offset 0x",
        ),
        (
            &["compile", "malformed.wat", "-o", "out.o"],
            "malformed.wat:1:",
        ),
        (
            &["compile", "truncated.wasm", "-o", "out.o"],
            "truncated.wasm: invalid module at byte offset 0xa: unexpected end",
        ),
        (
            &["compile", "garbage.wasm", "-o", "out.o"],
            "garbage.wasm: not a WebAssembly module",
        ),
        (
            &["compile", "missing.wasm", "-o", "out.o"],
            "missing.wasm: cannot read",
        ),
        (
            &[
                "compile",
                "ok.wat",
                "-o",
                "out.o",
                "--target",
                "sparc-unknown-nowhere",
            ],
            "unknown target",
        ),
        (
            &["compile", "ok.wat", "-o", "no/such/dir/out.o"],
            "out.o: cannot write output",
        ),
        (&["compile", "simd.wat", "-o", "out.o"], "unsupported: simd"),
        (&["run", "invalid.wat"], "invalid module at byte offset"),
        (
            &["run", "ok.wat", "--invoke", "nothing"],
            "no exported function `nothing`",
        ),
    ];
    for (args, needle) in cases {
        let o = kiln(args, &d);
        assert_error(&o, needle);
        assert!(!d.join("out.o").exists(), "{args:?} left an output behind");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Program header types of an ELF64 little-endian executable.
fn program_header_types(elf: &[u8]) -> Vec<u32> {
    let phoff = u64::from_le_bytes(elf[0x20..0x28].try_into().unwrap()) as usize;
    let entsize = u16::from_le_bytes(elf[0x36..0x38].try_into().unwrap()) as usize;
    let num = u16::from_le_bytes(elf[0x38..0x3a].try_into().unwrap()) as usize;
    (0..num)
        .map(|i| u32::from_le_bytes(elf[phoff + i * entsize..][..4].try_into().unwrap()))
        .collect()
}

#[test]
fn build_makes_a_static_executable() {
    let d = scratch("build");
    std::fs::write(d.join("p.wat"), PROGRAM).unwrap();
    let o = kiln(&["build", "p.wat", "--invoke", "fib", "-o", "fib"], &d);
    assert!(o.status.success(), "{}", stderr(&o));
    let exe = d.join("fib");
    let elf = std::fs::read(&exe).unwrap();
    const PT_INTERP: u32 = 3;
    assert!(
        !program_header_types(&elf).contains(&PT_INTERP),
        "needs a dynamic loader"
    );
    let o = Command::new(&exe).arg("24").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "46368");

    let o = kiln(&["build", "p.wat", "--invoke", "div", "-o", "div"], &d);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = Command::new(d.join("div"))
        .args(["7", "0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(134));
    assert!(
        stderr(&o).starts_with("trap: integer divide by zero"),
        "{}",
        stderr(&o)
    );

    let o = kiln(&["build", "p.wat", "-o", "start"], &d);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(Command::new(d.join("start")).status().unwrap().success());
}

/// Regression: NaN quieting once used llvm.canonicalize, which LLVM 22's x86
/// instruction selection cannot handle once vectorized (it crashed compiling
/// clang built to wasm).
#[test]
fn vectorized_nan_quieting_compiles() {
    let d = scratch("vecnan");
    let wat =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testsuite/ir/nan_quieting_vectorized.wat");
    for o in ["-O2", "-O3"] {
        let out = kiln(&["compile", wat.to_str().unwrap(), "-o", "v.o", o], &d);
        assert!(
            out.status.success(),
            "{o}: {:?} {}",
            out.status,
            stderr(&out)
        );
    }
}

#[test]
fn a_component_using_async_or_corrupt_is_refused_with_what_and_where() {
    let d = scratch("component-refusals");
    std::fs::write(
        d.join("async.wat"),
        r#"(component
             (component $c
               (core module $m (func (export "f")))
               (core instance $i (instantiate $m))
               (func (export "f") async (canon lift (core func $i "f"))))
             (instance $c (instantiate $c))
             (core func $f (canon lower (func $c "f") async))
             (core module $n (import "" "f" (func (result i32))))
             (core instance $n (instantiate $n (with "" (instance (export "f" (func $f)))))))"#,
    )
    .unwrap();
    let o = kiln(&["run", "async.wat"], &d);
    assert_error(
        &o,
        "unsupported: component-model async (an async lowering of another component's synchronously lifted export) at offset 0x",
    );
    // A component cut short: the offset where its bytes end.
    let full = wat::parse_str(
        r#"(component
             (core module $m (func (export "f") (result i32) i32.const 7))
             (core instance $i (instantiate $m))
             (func (export "f") (result u32) (canon lift (core func $i "f"))))"#,
    )
    .unwrap();
    std::fs::write(d.join("cut.wasm"), &full[..full.len() - 5]).unwrap();
    for args in [
        &["run", "cut.wasm"][..],
        &["compile", "cut.wasm", "-o", "cut.o"],
    ] {
        let o = kiln(args, &d);
        assert_error(&o, "at byte offset 0x");
    }
    assert!(!d.join("cut.o").exists());
}
