//! IR tests: each `ir/*.wat` is compiled to optimized LLVM IR, checked
//! against the invariants in its `;; CHECK...` lines, and compared with its
//! snapshot `ir/*.ll` (`BLESS=1` rewrites the snapshots).
//!
//! Directives: `CHECK: p` (p occurs), `CHECK-NOT: p` (p never occurs),
//! `CHECK-NOT-IN-BLOCK: p | label` (no line with p inside any basic block
//! whose label starts with `label`). In p, `{{regex}}` matches a regex.
//! `OPTIONS:` takes `guard` or `explicit` (bounds checks), `-ON`,
//! `imprecise` (`--traps=imprecise`), `fuel` (`--consume-fuel`),
//! `interruptible` (`--epoch-interruption`), `keep-boundaries`
//! (`--keep-boundaries`, for components) and `aarch64` to compile for
//! aarch64 instead of x86_64. A component's IR is its core modules',
//! one after another.

use kiln_compiler::{compile_to_ir, BoundsChecks, CompileOptions};
use std::path::{Path, PathBuf};

fn pattern(p: &str) -> regex_lite::Regex {
    let mut re = String::new();
    let mut rest = p.trim();
    while let Some(start) = rest.find("{{") {
        re.push_str(&regex_lite::escape(&rest[..start]));
        let end = rest[start..].find("}}").expect("unclosed {{") + start;
        re.push_str(&rest[start + 2..end]);
        rest = &rest[end + 2..];
    }
    re.push_str(&regex_lite::escape(rest));
    regex_lite::Regex::new(&re).unwrap()
}

fn check(name: &str, wat: &str, ir: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let lines: Vec<&str> = ir.lines().collect();
    for l in wat.lines() {
        let l = l.trim_start_matches(";;").trim();
        if let Some(p) = l.strip_prefix("CHECK-NOT:") {
            if let Some(hit) = lines.iter().find(|x| pattern(p).is_match(x)) {
                errors.push(format!("{name}: CHECK-NOT {p} matched: {hit}"));
            }
        } else if let Some(p) = l.strip_prefix("CHECK-NOT-IN-BLOCK:") {
            let (p, label) = p.split_once('|').unwrap();
            let label = label.trim();
            let mut inside = false;
            let mut seen = false;
            for x in &lines {
                if !x.starts_with(' ') && x.contains(':') && !x.starts_with(';') {
                    inside = x.starts_with(label);
                    seen |= inside;
                } else if x.starts_with('}') {
                    inside = false;
                } else if inside && pattern(p).is_match(x) {
                    errors.push(format!(
                        "{name}: `{}` in a block labelled {label}*: {x}",
                        p.trim()
                    ));
                }
            }
            if !seen {
                errors.push(format!("{name}: no block labelled {label}*"));
            }
        } else if let Some(p) = l.strip_prefix("CHECK:") {
            if !lines.iter().any(|x| pattern(p).is_match(x)) {
                errors.push(format!("{name}: CHECK {p} not found"));
            }
        }
    }
    errors
}

fn options(wat: &str) -> CompileOptions {
    let mut o = CompileOptions {
        target: Some("x86_64-unknown-linux-gnu".into()),
        ..CompileOptions::default()
    };
    if let Some(l) = wat
        .lines()
        .find_map(|l| l.trim_start_matches(";;").trim().strip_prefix("OPTIONS:"))
    {
        for w in l.split_whitespace() {
            match w {
                "explicit" => o.bounds_checks = BoundsChecks::Explicit,
                "guard" => o.bounds_checks = BoundsChecks::GuardPages,
                "imprecise" => o.precise_traps = false,
                "fuel" => o.consume_fuel = true,
                "interruptible" => o.interruptible = true,
                "keep-boundaries" => o.keep_boundaries = true,
                "aarch64" => o.target = Some("aarch64-unknown-linux-gnu".into()),
                w if w.starts_with("-O") => o.opt_level = w[2..].parse().unwrap(),
                other => panic!("unknown option {other}"),
            }
        }
    }
    o
}

#[test]
fn ir_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ir");
    let bless = std::env::var_os("BLESS").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let mut errors = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(case).unwrap();
        let wasm = wat::parse_str(&text).unwrap();
        let ir = compile_to_ir(&wasm, &options(&text)).unwrap();
        errors.extend(check(&name, &text, &ir));
        let snap = case.with_extension("ll");
        if bless {
            std::fs::write(&snap, &ir).unwrap();
        } else {
            match std::fs::read_to_string(&snap) {
                Ok(expected) if expected == ir => {}
                Ok(_) => errors.push(format!(
                    "{name}: IR differs from {} (BLESS=1 to update)",
                    snap.display()
                )),
                Err(_) => errors.push(format!(
                    "{name}: no snapshot {} (BLESS=1 to write)",
                    snap.display()
                )),
            }
        }
    }
    assert!(errors.is_empty(), "\n{}", errors.join("\n"));
}
