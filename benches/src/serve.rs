//! `serve`: `kiln serve`, a `kiln build --serve` executable and
//! `wasmtime serve` serving the same wasi:http handler, one of WASI 0.2
//! (testsuite/programs/http-handler) and one of 0.3 (p3-handler): `GET
//! /hello`, and `POST /echo` of a 4 KiB JSON document. For each: requests per second with 2 and with 64
//! keep-alive connections (closed loop), p50 and p99 latency at a fixed
//! offered rate (half the slowest server's rate with 2 connections; the
//! median of three runs, each after a warm-up at that rate), and
//! the server's peak memory; for kiln, the time each request's instance
//! took to make, from its log: at the fixed rate, where the machine idles
//! between requests and the host's other guests may run on its cores
//! meanwhile, and with 2 connections, where it does not. wasmtime serves a 0.3 handler both as it
//! does by default (reusing instances) and with a fresh instance per
//! request, as kiln does.

use crate::load::{self, Request};
use crate::{check, report, root};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long each load runs.
const LOAD_TIME: Duration = Duration::from_secs(4);
/// Connections of the fixed-rate load.
const RATE_CONNECTIONS: usize = 8;
/// Runs of the fixed-rate load per server; the table gives their median.
const FIXED_RATE_ROUNDS: usize = 3;
/// The fixed-rate load before the one measured, on the same server.
const WARM_UP: Duration = Duration::from_millis(500);

pub fn run() -> Result<()> {
    let work = root().join("target/kiln-bench/serve");
    std::fs::create_dir_all(&work)?;
    let mut table = String::from(
        "| handler | request | server | req/s, 2 connections | req/s, 64 connections | p50 µs at the fixed rate | p99 µs (each run) | peak memory MiB | instance µs (median), at the fixed rate / 2 connections |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    let handlers = [
        (
            "WASI 0.2",
            "http-handler",
            "kiln_http_handler.wasm",
            &b"hello from a Rust handler\n"[..],
        ),
        (
            "WASI 0.3",
            "p3-handler",
            "p3_handler.wasm",
            &b"Hello from a WASI 0.3 handler!\n"[..],
        ),
    ];
    for (world, program, artifact, hello) in handlers {
        let handler = build_handler(&work, program, artifact)?;
        table += &serve_rows(&work, world, &handler, hello)?;
    }
    let body = format!(
        "{}\n\nEach load runs {} s on loopback, the load generator (`benches/src/load.rs`) on the same {} cores as the server. The fixed-rate latency counts from when each request was due; each server gets {FIXED_RATE_ROUNDS} runs of it, interleaved with the other servers' and each after {} ms at the same rate, and the table gives their median.\n\n{table}",
        crate::machine(),
        LOAD_TIME.as_secs(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        WARM_UP.as_millis(),
    );
    report(
        "serve",
        "wasi:http handlers served: kiln against wasmtime serve",
        &body,
        "cargo xtask bench serve",
    )
}

/// The table's rows for `handler` (a component of WASI `world`, whose
/// `GET /hello` answers `hello`) under each server.
fn serve_rows(work: &Path, world: &str, handler: &Path, hello: &[u8]) -> Result<String> {
    let kiln = root().join("target/release/kiln");
    let exe = work.join("server");
    check(
        Command::new(&kiln)
            .args(["build", "-q", "--serve"])
            .arg(handler)
            .arg("-o")
            .arg(&exe),
    )?;
    let wasmtime = root().join("target/peers/wasmtime");
    let handler_arg = handler.to_str().context("a UTF-8 path")?;
    let mut servers: Vec<(String, Vec<String>)> = vec![
        (
            "kiln serve".into(),
            argv(&kiln, &["serve", "--addr", "127.0.0.1:0", handler_arg]),
        ),
        (
            "kiln build --serve".into(),
            argv(&exe, &["--addr", "127.0.0.1:0"]),
        ),
        (
            "wasmtime serve".into(),
            argv(
                &wasmtime,
                &["serve", "-S", "cli", "--addr", "127.0.0.1:0", handler_arg],
            ),
        ),
    ];
    // wasmtime reuses a 0.3 handler's instance for up to 128 requests (16
    // at once) unless told otherwise; kiln makes a fresh one for each, as
    // wasmtime does for 0.2. Both ways are measured.
    if world == "WASI 0.3" {
        servers.push((
            "wasmtime serve, fresh instances (--max-instance-reuse-count 1)".into(),
            argv(
                &wasmtime,
                &[
                    "serve",
                    "-S",
                    "cli",
                    "--max-instance-reuse-count",
                    "1",
                    "--addr",
                    "127.0.0.1:0",
                    handler_arg,
                ],
            ),
        ));
    }
    let document = json_document(4096);
    let cases = [
        ("GET /hello", Request::new("GET", "/hello", "", b"", hello)),
        (
            "POST /echo, 4 KiB of JSON",
            Request::new("POST", "/echo", "application/json", &document, &document),
        ),
    ];
    let mut table = String::new();
    for (what, request) in &cases {
        // Saturating loads first, then the fixed rate below the slowest.
        let mut rows = Vec::new();
        for (name, argv) in &servers {
            let server = Server::start(argv, work)?;
            load::closed_loop(&server.addr, request, 2, Duration::from_millis(500))?;
            let warm = server.instance_micros().len();
            let two = load::closed_loop(&server.addr, request, 2, LOAD_TIME)?.per_second();
            let busy = median(&mut server.instance_micros().split_off(warm));
            let many = load::closed_loop(&server.addr, request, 64, LOAD_TIME)?.per_second();
            rows.push((name, argv, two, many, busy));
        }
        let rate = rows.iter().map(|r| r.2).fold(f64::INFINITY, f64::min) / 2.0;
        // Rounds interleave the servers, so that a stall of the machine
        // (a vCPU the host does not run for tens of milliseconds, which
        // happens here) lands on one round of one server, not on all of
        // its requests.
        let mut fixed: Vec<FixedRate> = rows.iter().map(|_| FixedRate::default()).collect();
        let mut stolen = Duration::ZERO;
        for _ in 0..FIXED_RATE_ROUNDS {
            for ((_, argv, _, _, _), into) in rows.iter().zip(&mut fixed) {
                let server = Server::start(argv, work)?;
                load::open_loop(&server.addr, request, rate, RATE_CONNECTIONS, WARM_UP)?;
                let steal = stolen_time();
                let outcome =
                    load::open_loop(&server.addr, request, rate, RATE_CONNECTIONS, LOAD_TIME)?;
                stolen += stolen_time().saturating_sub(steal);
                into.p50.push(outcome.percentile_us(50.0));
                into.p99.push(outcome.percentile_us(99.0));
                into.memory = into.memory.max(server.peak_memory_mib()?);
                into.instance.extend(server.instance_micros());
            }
        }
        for ((name, _, two, many, busy), f) in rows.iter().zip(&mut fixed) {
            let p99_each: Vec<String> = f.p99.iter().map(|p| format!("{p:.0}")).collect();
            let instance = match (median(&mut f.instance), busy) {
                (Some(idle), Some(busy)) => format!("{idle:.1} / {busy:.1}"),
                _ => "–".to_string(),
            };
            table += &format!(
                "| {world} | {what} | {name} | {two:.0} | {many:.0} | {:.0} | {:.0} ({}) | {:.1} | {instance} |\n",
                median(&mut f.p50).unwrap_or(f64::NAN),
                median(&mut f.p99).unwrap_or(f64::NAN),
                p99_each.join(", "),
                f.memory,
            );
        }
        table += &format!(
            "| {world} | {what}: fixed rate | | | | {rate:.0} req/s over {RATE_CONNECTIONS} connections; the host took {} ms of CPU from this machine during these runs | | | |\n",
            stolen.as_millis()
        );
    }
    Ok(table)
}

fn argv(program: &Path, args: &[&str]) -> Vec<String> {
    std::iter::once(program.display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .collect()
}

/// One server's fixed-rate figures, a value per round.
#[derive(Default)]
struct FixedRate {
    p50: Vec<f64>,
    p99: Vec<f64>,
    /// The largest peak of any round.
    memory: f64,
    /// Every request's instance time, of all rounds.
    instance: Vec<f64>,
}

fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

/// CPU time the hypervisor has given to others while this machine's
/// vCPUs wanted to run (`steal` in /proc/stat), summed over all vCPUs.
fn stolen_time() -> Duration {
    let ticks: u64 = std::fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|s| {
            let cpu = s.lines().next()?.split_whitespace().collect::<Vec<_>>();
            cpu.get(8)?.parse().ok()
        })
        .unwrap_or(0);
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_millis(ticks * 1000 / per_second)
}

/// Build `testsuite/programs/<program>`: its component `artifact`.
fn build_handler(work: &Path, program: &str, artifact: &str) -> Result<PathBuf> {
    let target = work.join(program);
    check(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--release", "--quiet", "--target", "wasm32-wasip2"])
            .arg("--manifest-path")
            .arg(
                root()
                    .join("testsuite/programs")
                    .join(program)
                    .join("Cargo.toml"),
            )
            .arg("--target-dir")
            .arg(&target)
            .env_remove("RUSTFLAGS"),
    )?;
    Ok(target.join("wasm32-wasip2/release").join(artifact))
}

/// A JSON document of about `size` bytes.
fn json_document(size: usize) -> Vec<u8> {
    let mut items = Vec::new();
    let mut len = 40;
    while len < size {
        let item = format!(
            "{{\"id\": {}, \"name\": \"item {}\"}}",
            items.len(),
            items.len()
        );
        len += item.len() + 2;
        items.push(item);
    }
    format!("{{\"kind\": \"bench\", \"items\": [{}]}}", items.join(", ")).into_bytes()
}

/// A server process, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(argv: &[String], dir: &Path) -> Result<Server> {
        let mut child = Command::new(&argv[0])
            .args(&argv[1..])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", argv[0]))?;
        let mut lines = BufReader::new(child.stderr.take().context("stderr")?).lines();
        let addr = loop {
            let Some(line) = lines.next().transpose()? else {
                bail!("{} ended before serving", argv.join(" "));
            };
            if let Some(rest) = line.strip_prefix("Serving HTTP on http://") {
                break rest.trim_end_matches('/').to_string();
            }
        };
        let log = Arc::new(Mutex::new(Vec::new()));
        let keep = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                keep.lock().unwrap().push(line);
            }
        });
        Ok(Server { child, addr, log })
    }

    fn peak_memory_mib(&self) -> Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("VmHWM in /proc/PID/status")?;
        Ok(kib / 1024.0)
    }

    /// kiln's `instance=Nus` log fields, if it logged any.
    fn instance_micros(&self) -> Vec<f64> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter_map(|l| {
                l.rsplit_once(" instance=")?
                    .1
                    .strip_suffix("us")?
                    .parse()
                    .ok()
            })
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
