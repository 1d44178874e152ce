//! `kiln-fuzz`: the seeded fuzz driver (`cargo xtask fuzz` runs it).
//!
//! - `differential [--time S] [--seed N] [--jobs J] [--out DIR]`: modules
//!   from seeds N, N+1, ... checked against wasmi in worker processes (a
//!   crash or hang loses one module, not the run) until S seconds pass.
//!   A finding is saved as `DIR/seed-N.wasm` with what differed
//!   (`.txt`) and a reduced module (`.reduced.wasm`).
//! - `parse --kiln PATH [--time S] [--seed N] [--out DIR]`: corrupted
//!   modules given to the kiln CLI.
//! - `check FILE`: one module; exit 0 if kiln agrees, 1 if not.
//! - `module SEED FILE`: write the module of a seed.
//! - `worker FROM COUNT UNTIL_MS`: modules FROM.. for the driver, one line
//!   each on stdout.
//!
//! Exit status 1 if anything was found.

use kiln_fuzz::generate::module_from_seed;
use kiln_fuzz::reduce::{check_in_child, reduce, Failure, CHECK_TIMEOUT};
use kiln_fuzz::scenario::{check, Config, Verdict};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let time = value("--time")
        .and_then(|v| v.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(60));
    let seed = value("--seed")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| now_ms() % 1_000_000_007);
    let out = PathBuf::from(value("--out").unwrap_or_else(|| "fuzz/findings".into()));
    let code = match args.first().map(String::as_str) {
        Some("differential") => {
            let jobs = value("--jobs")
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            differential(seed, time, jobs, &out)
        }
        Some("parse") => match value("--kiln") {
            Some(kiln) => parse(Path::new(&kiln), seed, time, &out),
            None => usage(),
        },
        Some("check") if args.len() == 2 => check_file(Path::new(&args[1])),
        Some("module") if args.len() == 3 => {
            match args[1].parse().ok().and_then(module_from_seed) {
                Some(wasm) => i32::from(std::fs::write(&args[2], wasm).is_err()),
                None => 2,
            }
        }
        Some("worker") if args.len() == 4 => {
            let n = |i: usize| args[i].parse::<u64>().unwrap_or(0);
            worker(n(1), n(2), n(3))
        }
        _ => usage(),
    };
    std::process::exit(code)
}

fn usage() -> i32 {
    eprintln!(
        "usage: kiln-fuzz differential [--time S] [--seed N] [--jobs J] [--out DIR]\n\
         \x20      kiln-fuzz parse --kiln PATH [--time S] [--seed N] [--out DIR]\n\
         \x20      kiln-fuzz check FILE.wasm\n\
         \x20      kiln-fuzz module SEED FILE.wasm"
    );
    2
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn check_file(path: &Path) -> i32 {
    let wasm = match std::fs::read(path) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("kiln-fuzz: {}: {e}", path.display());
            return 2;
        }
    };
    match check(&wasm, &Config::default()) {
        Verdict::Agree { calls } => {
            println!("agree over {calls} calls");
            0
        }
        Verdict::Skip(why) => {
            println!("skipped: {why}");
            0
        }
        Verdict::Diverge(what) => {
            println!("diverge: {what}");
            1
        }
    }
}

/// One line per seed: `START n`, then `AGREE n calls`, `SKIP n why` or
/// `DIVERGE n what` (newlines escaped).
fn worker(from: u64, count: u64, until_ms: u64) -> i32 {
    let config = Config::default();
    let stdout = std::io::stdout();
    for seed in from..from + count {
        if now_ms() > until_ms {
            break;
        }
        let mut out = stdout.lock();
        writeln!(out, "START {seed}").ok();
        out.flush().ok();
        drop(out);
        let line = match module_from_seed(seed) {
            None => format!("SKIP {seed} no module from this seed"),
            Some(wasm) => match check(&wasm, &config) {
                Verdict::Agree { calls } => format!("AGREE {seed} {calls}"),
                Verdict::Skip(why) => format!("SKIP {seed} {}", why.replace('\n', " ")),
                Verdict::Diverge(what) => format!("DIVERGE {seed} {}", what.replace('\n', "\\n")),
            },
        };
        let mut out = stdout.lock();
        writeln!(out, "{line}").ok();
        out.flush().ok();
    }
    0
}

#[derive(Default)]
struct Tally {
    modules: u64,
    skipped: u64,
    /// Skipped because the reference itself panicked.
    reference_panics: u64,
    calls: u64,
    findings: Vec<String>,
}

/// Seeds handed to one worker process.
const BATCH: u64 = 25;

fn differential(first_seed: u64, time: Duration, jobs: usize, out: &Path) -> i32 {
    let exe = std::env::current_exe().expect("own path");
    let started = Instant::now();
    let until_ms = now_ms() + time.as_millis() as u64;
    let next = AtomicU64::new(first_seed);
    let tally = Mutex::new(Tally::default());
    println!(
        "fuzz: differential from seed {first_seed} for {} s on {jobs} jobs",
        time.as_secs()
    );
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                while now_ms() < until_ms {
                    let from = next.fetch_add(BATCH, Ordering::Relaxed);
                    run_worker(&exe, from, until_ms, out, &tally);
                }
            });
        }
    });
    let t = tally.into_inner().unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "fuzz: {} modules ({} skipped, {} of them because wasmi panicked), {} calls compared, {} findings in {secs:.0} s (seeds {first_seed}..{})",
        t.modules,
        t.skipped,
        t.reference_panics,
        t.calls,
        t.findings.len(),
        next.load(Ordering::Relaxed)
    );
    for f in &t.findings {
        println!("  {f}");
    }
    i32::from(!t.findings.is_empty())
}

/// Run one worker over a batch; on a line that reports a divergence, or a
/// worker that dies or stops answering, keep the finding.
fn run_worker(exe: &Path, from: u64, until_ms: u64, out: &Path, tally: &Mutex<Tally>) {
    let child = Command::new(exe)
        .args([
            "worker",
            &from.to_string(),
            &BATCH.to_string(),
            &until_ms.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return;
    };
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut current: Option<u64> = None;
    loop {
        match rx.recv_timeout(CHECK_TIMEOUT) {
            Ok(line) => {
                let mut parts = line.splitn(3, ' ');
                let (word, seed) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                let seed: u64 = seed.parse().unwrap_or(0);
                let rest = parts.next().unwrap_or("");
                let mut t = tally.lock().unwrap();
                match word {
                    "START" => current = Some(seed),
                    "AGREE" => {
                        t.modules += 1;
                        t.calls += rest.parse::<u64>().unwrap_or(0);
                        current = None;
                    }
                    "SKIP" => {
                        t.modules += 1;
                        t.skipped += 1;
                        if rest.starts_with(kiln_fuzz::scenario::REFERENCE_PANICKED) {
                            t.reference_panics += 1;
                        }
                        current = None;
                    }
                    "DIVERGE" => {
                        t.modules += 1;
                        current = None;
                        drop(t);
                        let what = rest.replace("\\n", "\n");
                        keep(exe, seed, Failure::Divergence, &what, out, tally);
                    }
                    _ => {}
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                child.kill().ok();
                if let Some(seed) = current.take() {
                    keep(exe, seed, Failure::Crash, "did not finish", out, tally);
                }
                break;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let status = child.wait().ok();
    if let Some(seed) = current {
        let how = status.map_or("died".to_string(), |s| format!("died: {s}"));
        tally.lock().unwrap().modules += 1;
        keep(exe, seed, Failure::Crash, &how, out, tally);
    }
}

/// Save a finding's module, what went wrong and a reduced module.
fn keep(exe: &Path, seed: u64, failure: Failure, what: &str, out: &Path, tally: &Mutex<Tally>) {
    let Some(wasm) = module_from_seed(seed) else {
        return;
    };
    let _ = std::fs::create_dir_all(out);
    let file = out.join(format!("seed-{seed}.wasm"));
    let _ = std::fs::write(&file, &wasm);
    let mut note = format!("{} on seed {seed}: {what}\n", failure.word());
    // Check the saved file the way the reducer will: a finding that does
    // not reproduce alone (it depended on its worker's history) says so.
    if check_in_child(exe, &file, CHECK_TIMEOUT) != Some(failure) {
        note.push_str("does not reproduce in a fresh process\n");
    } else if let Some(small) = reduce(exe, &wasm, failure, 2_000) {
        let reduced = out.join(format!("seed-{seed}.reduced.wasm"));
        let _ = std::fs::write(&reduced, &small);
        note.push_str(&format!(
            "reduced from {} to {} bytes: {}\n",
            wasm.len(),
            small.len(),
            reduced.display()
        ));
    }
    let _ = std::fs::write(out.join(format!("seed-{seed}.txt")), &note);
    eprint!("fuzz: {note}");
    tally.lock().unwrap().findings.push(format!(
        "{} seed {seed}: {}",
        failure.word(),
        file.display()
    ));
}

fn parse(kiln: &Path, seed: u64, time: Duration, out: &Path) -> i32 {
    use kiln_fuzz::parse::{corpus, finding_path, mutate, try_command, Rng, COMMANDS};
    let root = std::env::current_dir().unwrap_or_default();
    let corpus = corpus(&root, seed);
    let work = std::env::temp_dir().join(format!("kiln-fuzz-parse-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&work);
    let input = work.join("input.wasm");
    let mut rng = Rng::new(seed);
    let started = Instant::now();
    let (mut tried, mut findings) = (0u64, Vec::new());
    println!("fuzz: parse from seed {seed} for {} s", time.as_secs());
    while started.elapsed() < time && !corpus.is_empty() {
        let base = &corpus[rng.below(corpus.len())];
        let (wasm, how) = mutate(base, &mut rng);
        let cmd = COMMANDS[(tried % COMMANDS.len() as u64) as usize];
        let _ = std::fs::write(&input, &wasm);
        tried += 1;
        if let Some(problem) = try_command(kiln, cmd, &input, &work) {
            let _ = std::fs::create_dir_all(out);
            let file = finding_path(out, seed, tried);
            let _ = std::fs::write(&file, &wasm);
            let note = format!("{problem} ({how})\n");
            let _ = std::fs::write(file.with_extension("txt"), &note);
            eprint!("fuzz: {}: {note}", file.display());
            findings.push(file);
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    println!(
        "fuzz: {tried} corrupted modules through the kiln CLI, {} findings in {:.0} s",
        findings.len(),
        started.elapsed().as_secs_f64()
    );
    i32::from(!findings.is_empty())
}
