//! Real C programs, built here from source twice — natively with clang-22
//! and to wasm32-wasi with clang-22 and Debian's wasi-libc — must behave the
//! same: same stdout, stderr, exit status and the same files left behind.
//! The wasm build runs through `kiln run` with the working directory granted
//! as `.`. Directives in a program's leading comments: `ARGS:`, `STDIN:`
//! (with `\n` escapes), `ENV:` (NAME=VALUE ...), `CFLAGS:`.

mod common;

use common::{crate_source, show};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testsuite/programs")
}

fn work_dir(name: &str) -> PathBuf {
    common::work_dir("programs", name)
}

fn directive<'a>(source: &'a str, key: &str) -> Option<&'a str> {
    source
        .lines()
        .take_while(|l| l.starts_with("//"))
        .find_map(|l| l.trim_start_matches("//").trim().strip_prefix(key))
        .map(str::trim)
}

/// Split like a shell: whitespace separates, double quotes group.
fn split_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn compile(source: &Path, out: &Path, wasm: bool, extra: &[String]) {
    let mut c = Command::new("clang-22");
    if wasm {
        c.args([
            "--target=wasm32-wasi",
            "--sysroot=/usr",
            "-D_WASI_EMULATED_PROCESS_CLOCKS",
        ]);
    }
    c.args(["-O2", "-w", "-o"])
        .arg(out)
        .arg(source)
        .args(extra)
        .arg("-lm");
    if wasm {
        c.arg("-lwasi-emulated-process-clocks");
    }
    let o = c
        .output()
        .expect("clang-22 runs (cargo xtask setup installs it)");
    assert!(
        o.status.success(),
        "compiling {}: {}",
        source.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every file under `dir` with its contents, except the given names.
fn tree(dir: &Path, skip: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, skip: &[&str], out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if skip.contains(&rel.as_str()) {
                continue;
            }
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                out.insert(rel + "/", Vec::new());
                walk(root, &p, skip, out);
            } else if meta.file_type().is_symlink() {
                out.insert(
                    rel,
                    std::fs::read_link(&p)
                        .unwrap()
                        .to_string_lossy()
                        .as_bytes()
                        .to_vec(),
                );
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    walk(dir, dir, skip, &mut out);
    out
}

fn run(mut cmd: Command, stdin: &str) -> Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// A C test program: its source and what its leading comments ask for.
struct CProgram {
    source: PathBuf,
    args: Vec<String>,
    stdin: String,
    env: Vec<(String, String)>,
    cflags: Vec<String>,
}

impl CProgram {
    fn read(name: &str) -> CProgram {
        let source = programs_dir().join("c").join(format!("{name}.c"));
        let text = std::fs::read_to_string(&source).unwrap();
        let env = split_args(directive(&text, "ENV:").unwrap_or(""))
            .into_iter()
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect();
        CProgram {
            args: split_args(directive(&text, "ARGS:").unwrap_or("")),
            stdin: directive(&text, "STDIN:")
                .unwrap_or("")
                .replace("\\n", "\n"),
            env,
            cflags: split_args(directive(&text, "CFLAGS:").unwrap_or("")),
            source,
        }
    }

    /// Built natively and as a wasm32-wasi module, in `build`.
    fn build(&self, build: &Path, name: &str) -> (PathBuf, PathBuf) {
        let (native, wasm) = (build.join(name), build.join(format!("{name}.core.wasm")));
        compile(&self.source, &native, false, &self.cflags);
        compile(&self.source, &wasm, true, &self.cflags);
        (native, wasm)
    }
}

fn same_as_native(name: &str) {
    let p = CProgram::read(name);
    let (native, wasm) = p.build(&work_dir(&format!("{name}-build")), name);
    compare(name, &native, &wasm, &p.args, &p.stdin, &p.env);
}

/// Run the native and the wasm build side by side in fresh directories and
/// require the same outcome.
fn compare(
    name: &str,
    native: &Path,
    wasm: &Path,
    args: &[String],
    stdin: &str,
    env: &[(String, String)],
) {
    let build = wasm.parent().unwrap();
    let native_dir = work_dir(&format!("{name}-native"));
    let mut c = Command::new(native);
    c.args(args)
        .current_dir(&native_dir)
        .env_clear()
        .envs(env.iter().cloned());
    let expected = run(c, stdin);

    let kiln_dir = work_dir(&format!("{name}-kiln"));
    let mut c = Command::new(env!("CARGO_BIN_EXE_kiln"));
    c.arg("run")
        .arg("--dir")
        .arg(".")
        .current_dir(&kiln_dir)
        .env("KILN_CACHE_DIR", build.join("cache"));
    for (k, v) in env {
        c.arg("--env").arg(format!("{k}={v}"));
    }
    c.arg(wasm).args(args);
    let got = run(c, stdin);

    assert_eq!(
        show(&got),
        show(&expected),
        "{name}: kiln (left) and native (right) differ"
    );
    assert_eq!(
        tree(&kiln_dir, &[]),
        tree(&native_dir, &[]),
        "{name}: files left behind differ"
    );
}

macro_rules! same_as_native {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { same_as_native(stringify!($name)); })*
    };
}

same_as_native!(
    args_env,
    files,
    dirwalk,
    stdin_filter,
    floats,
    qsort,
    bigalloc,
    clocks,
    random,
    exitcode,
    recursion,
    strings,
    hashing,
    errors,
    symlinks,
    stdio_binary,
    poll,
    overlapping_loops,
    open_flags,
);

/// wasi:sockets: TCP and UDP over loopback and a name lookup, granted as
/// wasmtime grants them, print what the native build prints; without the
/// grant, the component fails as it does under wasmtime.
#[test]
fn rust_sockets_component_behaves_as_native_and_as_wasmtime_without_grant() {
    let (native_dir, _, p2_dir) = rust_programs();
    let wasm = p2_dir.join("sockets.wasm");
    let d = work_dir("rust-p2-sockets");
    let kiln = |grant: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kiln"))
            .arg("run")
            .args(grant)
            .arg(&wasm)
            .env("KILN_CACHE_DIR", d.join("cache"))
            .output()
            .unwrap()
    };
    let native = Command::new(native_dir.join("sockets")).output().unwrap();
    assert!(native.status.success());
    let granted = kiln(&["-S", "inherit-network", "-S", "allow-ip-name-lookup"]);
    assert_eq!(
        String::from_utf8_lossy(&granted.stdout),
        String::from_utf8_lossy(&native.stdout),
        "{}",
        String::from_utf8_lossy(&granted.stderr)
    );
    assert_eq!(granted.status.code(), Some(0));

    // `kiln build` bakes the grant into the executable.
    let exe = d.join("sockets");
    let built = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args([
            "build",
            "-S",
            "inherit-network",
            "-S",
            "allow-ip-name-lookup",
        ])
        .arg(&wasm)
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let ran = Command::new(&exe).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout),
        String::from_utf8_lossy(&native.stdout)
    );

    let wasmtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peers/wasmtime");
    let expected = Command::new(wasmtime)
        .arg("run")
        .arg(&wasm)
        .output()
        .unwrap();
    let refused = kiln(&[]);
    assert_eq!(
        String::from_utf8_lossy(&expected.stdout),
        "tcp bind: PermissionDenied\n"
    );
    assert_eq!(refused.stdout, expected.stdout);
    assert_eq!(refused.status.code(), expected.status.code());
}

/// Components that cannot behave as native yet, and why. Checked both
/// ways: one that starts passing must leave the list.
const C_P2_EXPECTED_FAILURES: &[(&str, &str)] = &[
    (
        "exitcode",
        "WASI 0.2's exit carries only success or failure: status 1 where native exits 42 \
         (the wasmtime CLI: 1 too)",
    ),
    (
        "qsort",
        "the preview1 adapter asserts in fd_write on the final flush of stdout \
         (`assertion failed at adapter line 2857`; the wasmtime CLI fails the same way)",
    ),
];

/// Every C program as a preview1 module wrapped into a component with the
/// preview1 command adapter (as `wasm-tools component new --adapt` does),
/// run by kiln through its WASI 0.2 host: the same outcome as native.
#[test]
fn c_programs_as_components_behave_as_native() {
    use wasi_preview1_component_adapter_provider as adapter;
    let names = [
        "args_env",
        "files",
        "dirwalk",
        "stdin_filter",
        "floats",
        "qsort",
        "bigalloc",
        "clocks",
        "random",
        "exitcode",
        "recursion",
        "strings",
        "hashing",
        "errors",
        "symlinks",
        "stdio_binary",
        "poll",
        "overlapping_loops",
    ];
    let mut unexpected = Vec::new();
    for name in names {
        let p = CProgram::read(name);
        let build = work_dir(&format!("{name}-p2-build"));
        let (native, core) = p.build(&build, name);
        let component = wit_component::ComponentEncoder::default()
            .module(&std::fs::read(&core).unwrap())
            .and_then(|e| {
                e.adapter(
                    adapter::WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME,
                    adapter::WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
                )
            })
            .and_then(|e| e.validate(true).encode())
            .unwrap_or_else(|e| panic!("{name}: wrapping into a component: {e:#}"));
        let wasm = build.join(format!("{name}.wasm"));
        std::fs::write(&wasm, component).unwrap();
        let outcome = std::panic::catch_unwind(|| {
            compare(
                &format!("{name}-p2"),
                &native,
                &wasm,
                &p.args,
                &p.stdin,
                &p.env,
            )
        });
        unexpected.extend(against_expected(
            name,
            outcome.is_ok(),
            C_P2_EXPECTED_FAILURES,
        ));
    }
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

/// What is wrong with `passed` for case `name` given the expected
/// failures: a failure not on the list, or a listed case that now passes.
fn against_expected(name: &str, passed: bool, expected: &[(&str, &str)]) -> Option<String> {
    match (passed, expected.iter().find(|(n, _)| *n == name)) {
        (true, Some((_, why))) => Some(format!(
            "{name} now passes: remove it from the expected failures ({why})"
        )),
        (false, None) => Some(format!("{name} differs from native (see above)")),
        _ => None,
    }
}

/// Each escape attempt fails and nothing outside the granted directory
/// changes; the independent truth here is the file system itself.
#[test]
fn sandbox_escapes_are_refused() {
    let source = programs_dir().join("special/escape.c");
    let build = work_dir("escape-build");
    let wasm = build.join("escape.wasm");
    compile(&source, &wasm, true, &[]);
    let root = work_dir("escape-run");
    let (inside, outside) = (root.join("inside"), root.join("outside"));
    std::fs::create_dir_all(&inside).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "secret\n").unwrap();
    let before = tree(&root, &["inside"]);
    let o = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .arg("run")
        .arg("--dir")
        .arg(".")
        .arg(&wasm)
        .current_dir(&inside)
        .env("KILN_CACHE_DIR", build.join("cache"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(out.lines().count(), 13, "{out}");
    for line in out.lines() {
        assert!(line.ends_with("refused"), "escape: {line}");
    }
    let mut after = tree(&root, &[]);
    after.retain(|k, _| !k.starts_with("inside"));
    assert_eq!(
        after, before,
        "something outside the granted directory changed"
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("secret.txt")).unwrap(),
        "secret\n"
    );
}

fn kiln() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kiln"))
}

/// `kiln build` bakes `--dir` and `--env` in; the executable hands its argv
/// to the program untouched; KILN_DIRS / KILN_ENVS replace the grants.
#[test]
fn built_executable_carries_its_grants() {
    let build = work_dir("grants-build");
    let wasm = build.join("grants.wasm");
    compile(&programs_dir().join("special/grants.c"), &wasm, true, &[]);
    let root = work_dir("grants-run");
    for d in ["baked", "other"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
        std::fs::write(root.join(d).join("in.txt"), format!("from {d}\n")).unwrap();
    }
    let exe = build.join("grants");
    let o = kiln()
        .arg("build")
        .arg(&wasm)
        .arg("-o")
        .arg(&exe)
        .arg("--dir")
        .arg(format!("{}::data", root.join("baked").display()))
        .args(["--env", "GREETING=baked-in"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let o = Command::new(&exe)
        .args(["--dir", "x y", "-O3"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(4),
        "exit status is argc: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "arg --dir\narg x y\narg -O3\nGREETING=baked-in\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("baked/out.txt")).unwrap(),
        "copied: from baked\n"
    );

    let o = Command::new(&exe)
        .env_clear()
        .env(
            "KILN_DIRS",
            format!("{}::data", root.join("other").display()),
        )
        .env("KILN_ENVS", "GREETING=at-launch")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "GREETING=at-launch\n");
    assert_eq!(
        std::fs::read_to_string(root.join("other/out.txt")).unwrap(),
        "copied: from other\n"
    );

    // Without a grant the file is simply not there.
    let o = Command::new(&exe)
        .env_clear()
        .env("KILN_DIRS", "")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn abort_is_a_trap_with_backtrace() {
    let build = work_dir("abort-build");
    let wasm = build.join("abort.wasm");
    compile(
        &programs_dir().join("special/abort.c"),
        &wasm,
        true,
        &["-g".to_string()],
    );
    let o = kiln()
        .arg("run")
        .arg(&wasm)
        .env("KILN_CACHE_DIR", build.join("cache"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(134));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "about to give up\n");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("trap: unreachable"), "{err}");
    assert!(err.contains("abort"), "backtrace names abort: {err}");
}

/// Imports kiln cannot satisfy are refused by name before anything runs,
/// by `kiln run` and by `kiln build`.
#[test]
fn unsatisfiable_imports_are_named() {
    let d = work_dir("imports");
    let cases = [
        (r#"(module (import "wasi_snapshot_preview1" "fd_wrote" (func (param i32 i32 i32 i32) (result i32))) (func (export "_start")))"#, "wasi_snapshot_preview1::fd_wrote: no such WASI preview1 function"),
        (r#"(module (import "env" "callback" (func)) (func (export "_start")))"#, "import env::callback is not provided"),
        (r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32) (result i32))) (func (export "_start")))"#, "wasi_snapshot_preview1::fd_write: WASI defines it as (func (param i32 i32 i32 i32) (result i32))"),
    ];
    for (i, (wat, needle)) in cases.iter().enumerate() {
        let file = d.join(format!("m{i}.wat"));
        std::fs::write(&file, wat).unwrap();
        for sub in ["run", "build"] {
            let mut c = kiln();
            c.arg(sub).arg(&file).env("KILN_CACHE_DIR", d.join("cache"));
            if sub == "build" {
                c.arg("-o").arg(d.join("exe"));
            }
            let o = c.output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{sub} {i}: {err}");
            assert!(err.contains(needle), "{sub} {i}: {err}");
            assert!(!d.join("exe").exists());
        }
    }
}

/// The Rust programs, built once for the host, for wasm32-wasip1 (core
/// modules) and for wasm32-wasip2 (components).
fn rust_programs() -> &'static (PathBuf, PathBuf, PathBuf) {
    static BUILT: std::sync::OnceLock<(PathBuf, PathBuf, PathBuf)> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rust-programs");
        let manifest = programs_dir().join("rust/Cargo.toml");
        for target in [None, Some("wasm32-wasip1"), Some("wasm32-wasip2")] {
            let mut c = Command::new(env!("CARGO"));
            c.args(["build", "--release", "--quiet", "--manifest-path"])
                .arg(&manifest)
                .arg("--target-dir")
                .arg(&target_dir);
            if let Some(t) = target {
                c.args(["--target", t]);
            }
            let o = c.env_remove("RUSTFLAGS").output().unwrap();
            assert!(
                o.status.success(),
                "building rust programs: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        (
            target_dir.join("release"),
            target_dir.join("wasm32-wasip1/release"),
            target_dir.join("wasm32-wasip2/release"),
        )
    })
}

/// Each Rust program as a component must behave as its native build: the
/// cases of `rust_same_as_native`'s tests, by program name.
const RUST_CASES: &[(&str, &[&str], &str, &[(&str, &str)])] = &[
    ("collections", &[], "", &[]),
    ("formatting", &[], "", &[]),
    (
        "env_args",
        &["first", "second arg", "--flag=3"],
        "",
        &[("GREETING", "hi"), ("EMPTY", "")],
    ),
    (
        "stdin_words",
        &[],
        "One two, two THREE three three.\nA much longer second line, with more words\n",
        &[],
    ),
    ("unicode", &[], "", &[]),
    ("time", &[], "", &[]),
    ("fs_ops", &[], "", &[]),
];

/// WASI 0.2's `exit` carries only success or failure, so a component's
/// `exit(17)` ends with status 1: what the wasmtime CLI does too, and the
/// truth for this one.
#[test]
fn rust_exit_code_as_component_is_what_wasmtime_does() {
    let (_, _, p2_dir) = rust_programs();
    let wasm = p2_dir.join("exit_code.wasm");
    let d = work_dir("rust-p2-exit-code");
    let wasmtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peers/wasmtime");
    let expected = Command::new(wasmtime)
        .arg("run")
        .arg(&wasm)
        .output()
        .unwrap();
    let got = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .arg("run")
        .arg(&wasm)
        .env("KILN_CACHE_DIR", d.join("cache"))
        .output()
        .unwrap();
    assert_eq!(expected.status.code(), Some(1));
    assert_eq!(got.status.code(), expected.status.code());
    assert_eq!(got.stdout, expected.stdout);
    assert_eq!(got.stderr, expected.stderr);
}

/// Components that cannot behave as native yet, and why. Checked both
/// ways: one that starts passing must leave the list.
const RUST_P2_EXPECTED_FAILURES: &[(&str, &str)] = &[];

#[test]
fn rust_programs_as_components_behave_as_native() {
    let (native_dir, _, p2_dir) = rust_programs();
    let mut unexpected = Vec::new();
    for (name, args, stdin, env) in RUST_CASES {
        let build = work_dir(&format!("rust-p2-{name}-build"));
        let wasm = build.join(format!("{name}.wasm"));
        std::fs::copy(p2_dir.join(format!("{name}.wasm")), &wasm).unwrap();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let outcome = std::panic::catch_unwind(|| {
            compare(
                &format!("rust-p2-{name}"),
                &native_dir.join(name),
                &wasm,
                &args,
                &stdin,
                &env,
            )
        });
        unexpected.extend(against_expected(
            name,
            outcome.is_ok(),
            RUST_P2_EXPECTED_FAILURES,
        ));
    }
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

fn rust_same_as_native(name: &str, args: &[&str], stdin: &str, env: &[(&str, &str)]) {
    let (native_dir, wasm_dir, _) = rust_programs();
    let build = work_dir(&format!("rust-{name}-build"));
    let wasm = build.join(format!("{name}.wasm"));
    std::fs::copy(wasm_dir.join(format!("{name}.wasm")), &wasm).unwrap();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    compare(
        &format!("rust-{name}"),
        &native_dir.join(name),
        &wasm,
        &args,
        stdin,
        &env,
    );
}

#[test]
fn rust_fs_ops() {
    rust_same_as_native("fs_ops", &[], "", &[]);
}

#[test]
fn rust_collections() {
    rust_same_as_native("collections", &[], "", &[]);
}

#[test]
fn rust_formatting() {
    rust_same_as_native("formatting", &[], "", &[]);
}

#[test]
fn rust_env_args() {
    rust_same_as_native(
        "env_args",
        &["first", "second arg", "--flag=3"],
        "",
        &[("GREETING", "hi"), ("EMPTY", "")],
    );
}

#[test]
fn rust_stdin_words() {
    rust_same_as_native(
        "stdin_words",
        &[],
        "One two, two THREE three three.\nA much longer second line, with more words\n",
        &[],
    );
}

#[test]
fn rust_exit_code() {
    rust_same_as_native("exit_code", &[], "", &[]);
}

#[test]
fn rust_unicode() {
    rust_same_as_native("unicode", &[], "", &[]);
}

#[test]
fn rust_time() {
    rust_same_as_native("time", &[], "", &[]);
}

/// A panic prints the same message; natively the process exits 101, under
/// WASI (panic=abort) it is a trap: status 134, as under wasmtime.
#[test]
fn rust_panic_is_a_trap() {
    let (native_dir, wasm_dir, _) = rust_programs();
    let native = Command::new(native_dir.join("panics")).output().unwrap();
    assert_eq!(native.status.code(), Some(101));
    let o = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .arg("run")
        .arg(wasm_dir.join("panics.wasm"))
        .env("KILN_CACHE_DIR", work_dir("rust-panics").join("cache"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(134));
    assert_eq!(o.stdout, native.stdout);
    let (err, native_err) = (
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&native.stderr),
    );
    assert!(
        native_err.contains("attempted to divide 10 by zero"),
        "{native_err}"
    );
    assert!(err.contains("attempted to divide 10 by zero"), "{err}");
    assert!(err.contains("trap: unreachable"), "{err}");
}

/// SQLite's amalgamation (shipped by libsqlite3-sys) runs a SQL script
/// against a database file in the granted directory: the same rows, errors
/// and database bytes as the native build.
#[test]
fn sqlite_runs_a_script_like_native() {
    let sqlite = crate_source("libsqlite3-sys").join("sqlite3");
    let build = work_dir("sqlite-build");
    let common: Vec<String> = [
        "-DSQLITE_OMIT_LOAD_EXTENSION",
        "-DSQLITE_ENABLE_FTS5",
        "-DSQLITE_ENABLE_MATH_FUNCTIONS",
        "-DSQLITE_THREADSAFE=0",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([
        format!("-I{}", sqlite.display()),
        sqlite.join("sqlite3.c").display().to_string(),
    ])
    .collect();
    let mut wasm_flags = common.clone();
    // What SQLite needs on wasm32-wasi (shared with kiln-bench's workload).
    let extra = std::fs::read_to_string(programs_dir().join("sqlite/wasm-flags.txt")).unwrap();
    wasm_flags.extend(extra.split_whitespace().map(str::to_string));
    let driver = programs_dir().join("sqlite/driver.c");
    let (native, wasm) = (build.join("sqlite"), build.join("sqlite.wasm"));
    std::thread::scope(|s| {
        s.spawn(|| compile(&driver, &native, false, &common));
        s.spawn(|| compile(&driver, &wasm, true, &wasm_flags));
    });
    let script = std::fs::read_to_string(programs_dir().join("sqlite/script.sql")).unwrap();
    // The script goes in through a file in the granted directory.
    let name = "sqlite";
    let native_dir = work_dir(&format!("{name}-native"));
    let kiln_dir = work_dir(&format!("{name}-kiln"));
    for d in [&native_dir, &kiln_dir] {
        std::fs::write(d.join("script.sql"), &script).unwrap();
    }
    let args = vec!["books.db".to_string(), "script.sql".to_string()];
    let expected = Command::new(&native)
        .args(&args)
        .current_dir(&native_dir)
        .output()
        .unwrap();
    let got = kiln()
        .arg("run")
        .arg("--dir")
        .arg(".")
        .arg(&wasm)
        .args(&args)
        .current_dir(&kiln_dir)
        .env("KILN_CACHE_DIR", build.join("cache"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&got.stdout);
    assert!(out.contains("integrity_check=ok"), "{out}");
    assert!(out.contains("error: no such table: no_such_table"), "{out}");
    assert_eq!(got.status.code(), expected.status.code());
    assert_eq!(out, String::from_utf8_lossy(&expected.stdout));
    assert_eq!(got.stderr, expected.stderr);
    assert_eq!(
        tree(&kiln_dir, &[]),
        tree(&native_dir, &[]),
        "database files differ"
    );
}

/// libsodium's own test programs (from the tarball libsodium-sys-stable
/// ships), built for wasm32-wasi with its configure script; each checks its
/// output against the `.exp` file libsodium provides.
#[test]
fn libsodium_test_programs_pass() {
    let tarball = crate_source("libsodium-sys-stable").join("LATEST.tar.gz");
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("libsodium");
    let src = root.join("libsodium-stable");
    let tests = src.join("test/default");
    let stamp = root.join("built.stamp");
    let tar_len = std::fs::metadata(&tarball).unwrap().len().to_string();
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(tar_len.as_str()) {
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let sh = |cmd: &str, dir: &Path| {
            let o = Command::new("sh")
                .arg("-c")
                .arg(cmd)
                .current_dir(dir)
                .env("CC", "clang-22 --target=wasm32-wasi --sysroot=/usr")
                .env("CFLAGS", "-O2")
                .env("CPPFLAGS", "-DED25519_NONDETERMINISTIC=1")
                .env("AR", "llvm-ar-22")
                .env("RANLIB", "llvm-ranlib-22")
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "{cmd}: {}\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
        };
        sh(&format!("tar xzf {}", tarball.display()), &root);
        sh("./configure --host=wasm32-wasi --disable-pie --disable-ssp --disable-shared --without-pthreads", &src);
        sh("make -j2 && make -j2 check TESTS=", &src);
        std::fs::write(&stamp, &tar_len).unwrap();
    }
    let mut names: Vec<String> = std::fs::read_dir(&tests)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| tests.join(format!("{n}.exp")).exists() && tests.join(n).is_file())
        .collect();
    names.sort();
    assert!(
        names.len() >= 90,
        "only {} test programs built",
        names.len()
    );
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(name) = names.get(i) else { break };
                let o = kiln()
                    .args(["run", "-O1", "--dir", "."])
                    .arg(name)
                    .current_dir(&tests)
                    .env("KILN_CACHE_DIR", root.join("cache"))
                    .output()
                    .unwrap();
                if !o.status.success() {
                    failures.lock().unwrap().push(format!(
                        "{name}: {:?} {}",
                        o.status.code(),
                        String::from_utf8_lossy(&o.stderr)
                    ));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    println!(
        "libsodium: {} passed, {} failed",
        names.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A granted listening socket (--tcplisten) reaches the program, which
/// accepts, receives and sends through sock_accept/sock_recv/sock_send.
/// Loopback only; the client retries for a bounded time while kiln compiles.
#[test]
fn tcplisten_socket_echo() {
    use std::io::{Read, Write};
    let build = work_dir("echo-build");
    let wasm = build.join("echo.wasm");
    compile(
        &programs_dir().join("special/echo_server.c"),
        &wasm,
        true,
        &[],
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = kiln()
        .args(["run", "--tcplisten", &addr])
        .arg(&wasm)
        .env("KILN_CACHE_DIR", build.join("cache"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut conn = loop {
        match std::net::TcpStream::connect(&addr) {
            Ok(c) => break c,
            Err(e) if std::time::Instant::now() > deadline => {
                let _ = server.kill();
                panic!("cannot connect to {addr}: {e}");
            }
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    };
    conn.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    conn.write_all(b"through a granted socket").unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "THROUGH A GRANTED SOCKET");
    let out = server.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "echoed 24 bytes\n");
}

/// Data segments become a memory image that the executable maps
/// copy-on-write from its own file: the program sees its data, its writes
/// stay private, and its memory map shows a writable private mapping of the
/// executable at least as large as the data.
#[test]
fn data_segments_are_mapped_from_the_executable() {
    let dir = work_dir("image");
    let wasm = dir.join("image.wasm");
    compile(&programs_dir().join("special/image.c"), &wasm, true, &[]);
    let exe = dir.join("image");
    let o = kiln()
        .arg("build")
        .arg(&wasm)
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = std::fs::read(&exe).unwrap();
    let o = Command::new(&exe)
        .env("KILN_DIRS", "/proc/self::/self")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.starts_with("sum 13 7 the end of the data\n"), "{out}");
    let exe_path = std::fs::canonicalize(&exe).unwrap();
    let image_mapped = out.lines().any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        let Some((lo, hi)) = f[0].split_once('-') else {
            return false;
        };
        let size = u64::from_str_radix(hi, 16).unwrap() - u64::from_str_radix(lo, 16).unwrap();
        f.len() >= 6 && f[1] == "rw-p" && Path::new(f[5]) == exe_path && size >= 2 << 20
    });
    assert!(
        image_mapped,
        "no 2 MiB private mapping of {}:\n{out}",
        exe_path.display()
    );
    assert!(
        std::fs::read(&exe).unwrap() == before,
        "the executable changed"
    );
}
