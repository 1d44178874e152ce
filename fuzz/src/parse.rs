//! The front end under broken input: real modules, corrupted and truncated,
//! given to `kiln compile`, `build`, `run` and `inspect`. Each must succeed,
//! or exit 1 with one error that names the file, leaving no output behind;
//! `run` may also trap (134). Never a panic, a signal or a hang.

use crate::generate::{module_from_seed, seed_bytes};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A command that takes longer than this is stuck.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// Modules to corrupt: kiln's example and a few generated ones.
pub fn corpus(root: &Path, seed: u64) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    if let Ok(w) = wat::parse_file(root.join("examples/fib.wat")) {
        v.push(w);
    }
    v.extend((0..8).filter_map(|i| module_from_seed(seed.wrapping_add(i))));
    v
}

/// A small deterministic generator for the mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_f42d_4c95_7f2d)
    }
    pub fn next_u64(&mut self) -> u64 {
        let b = seed_bytes(self.0, 8);
        self.0 = self.0.wrapping_add(1);
        u64::from_le_bytes(b.try_into().unwrap())
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// One corruption of `wasm`: a truncation, flipped bits, an overwritten,
/// inserted or deleted run of bytes.
pub fn mutate(wasm: &[u8], rng: &mut Rng) -> (Vec<u8>, String) {
    let mut w = wasm.to_vec();
    let at = rng.below(w.len());
    let what = match rng.below(5) {
        0 => {
            w.truncate(at);
            format!("truncated at {at}")
        }
        1 => {
            let bit = rng.below(8);
            w[at] ^= 1 << bit;
            format!("bit {bit} of byte {at} flipped")
        }
        2 => {
            let b = [0x00, 0x7f, 0x80, 0xff, rng.next_u64() as u8][rng.below(5)];
            w[at] = b;
            format!("byte {at} set to {b:#x}")
        }
        3 => {
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            w.splice(at..at, bytes);
            format!("{n} bytes inserted at {at}")
        }
        _ => {
            let n = (1 + rng.below(16)).min(w.len() - at);
            w.drain(at..at + n);
            format!("{n} bytes deleted at {at}")
        }
    };
    (w, what)
}

/// What went wrong with one command, if anything.
pub fn try_command(kiln: &Path, cmd: &str, input: &Path, work: &Path) -> Option<String> {
    let out = work.join(format!("out-{cmd}"));
    let _ = std::fs::remove_file(&out);
    let mut c = Command::new(kiln);
    c.arg(cmd).arg(input);
    match cmd {
        "compile" | "build" => {
            c.arg("-o").arg(&out).arg("-q");
        }
        "run" => {
            c.env("KILN_CACHE_DIR", work.join("cache"));
        }
        _ => {}
    }
    let mut child = c
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(mut e) = stderr {
            use std::io::Read;
            let _ = e.read_to_string(&mut s);
        }
        s
    });
    let status = match crate::reduce::wait_within(&mut child, COMMAND_TIMEOUT) {
        Ok(Some(status)) => status,
        // A module may loop forever when run; nothing else may.
        Ok(None) => return (cmd != "run").then(|| format!("kiln {cmd} did not finish")),
        Err(e) => return Some(format!("kiln {cmd}: {e}")),
    };
    let stderr = reader.join().unwrap_or_default();
    let code = status.code();
    let allowed: &[i32] = if cmd == "run" { &[0, 1, 134] } else { &[0, 1] };
    if stderr.contains("panicked") {
        return Some(format!("kiln {cmd} panicked: {}", first_line(&stderr)));
    }
    let Some(code) = code else {
        return Some(format!("kiln {cmd} died: {status}"));
    };
    if !allowed.contains(&code) {
        return Some(format!("kiln {cmd} exited {code}: {}", first_line(&stderr)));
    }
    if code == 1 {
        let name = input.display().to_string();
        if !stderr.starts_with("kiln: error: ") || !stderr.contains(&name) {
            return Some(format!(
                "kiln {cmd}: an error that does not name the file: {}",
                first_line(&stderr)
            ));
        }
        if out.exists() {
            return Some(format!("kiln {cmd} failed but left {}", out.display()));
        }
    }
    None
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

pub const COMMANDS: [&str; 4] = ["inspect", "compile", "build", "run"];

/// Where a failing input is kept: `dir/parse-<seed>-<n>.wasm`.
pub fn finding_path(dir: &Path, seed: u64, n: u64) -> PathBuf {
    dir.join(format!("parse-{seed}-{n}.wasm"))
}
