//! A load generator for HTTP/1.1 servers on loopback: keep-alive
//! connections, each on a thread of its own, bounded in time. Two modes:
//! - closed loop: each connection sends its next request as soon as the
//!   last is answered (requests per second at a concurrency);
//! - open loop: requests are sent on a fixed schedule at a given rate,
//!   and each latency counts from when the request was due, so that a
//!   stalled server is charged for the requests it kept waiting.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// One request, as bytes on the wire, and the body its answer must have.
#[derive(Clone)]
pub struct Request {
    pub wire: Vec<u8>,
    /// `None` takes any body.
    pub expected_body: Option<Vec<u8>>,
}

impl Request {
    pub fn new(
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
        expected: &[u8],
    ) -> Request {
        let mut wire = format!("{method} {path} HTTP/1.1\r\nhost: bench\r\n").into_bytes();
        if !body.is_empty() {
            wire.extend(
                format!(
                    "content-type: {content_type}\r\ncontent-length: {}\r\n",
                    body.len()
                )
                .bytes(),
            );
        }
        wire.extend(b"\r\n");
        wire.extend(body);
        Request {
            wire,
            expected_body: Some(expected.to_vec()),
        }
    }

    /// The same request, its answer's body not checked.
    pub fn any_body(self) -> Request {
        Request {
            expected_body: None,
            ..self
        }
    }
}

/// Latencies of answered requests, and how long the load ran.
pub struct Outcome {
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The `p`-th percentile latency, in microseconds.
    pub fn percentile_us(&self, p: f64) -> f64 {
        let mut l = self.latencies.clone();
        l.sort();
        if l.is_empty() {
            return f64::NAN;
        }
        let i = ((l.len() as f64 * p / 100.0).ceil() as usize).clamp(1, l.len()) - 1;
        l[i].as_secs_f64() * 1e6
    }
}

/// `connections` connections sending back to back for `time`.
pub fn closed_loop(
    addr: &str,
    request: &Request,
    connections: usize,
    time: Duration,
) -> Result<Outcome> {
    run(addr, request, connections, time, None)
}

/// `rate` requests a second in all, spread over `connections`, for `time`.
pub fn open_loop(
    addr: &str,
    request: &Request,
    rate: f64,
    connections: usize,
    time: Duration,
) -> Result<Outcome> {
    run(
        addr,
        request,
        connections,
        time,
        Some(rate / connections as f64),
    )
}

fn run(
    addr: &str,
    request: &Request,
    connections: usize,
    time: Duration,
    rate: Option<f64>,
) -> Result<Outcome> {
    let start = Instant::now();
    let end = start + time;
    let threads: Vec<_> = (0..connections)
        .map(|c| {
            let addr = addr.to_string();
            let request = request.clone();
            std::thread::spawn(move || -> Result<Vec<Duration>> {
                let mut conn = Connection::open(&addr)?;
                let mut latencies = Vec::new();
                // Open loop: connection c's k-th request is due at
                // start + (k + c / connections) / rate.
                let offset = c as f64 / connections as f64;
                for k in 0u64.. {
                    let due = match rate {
                        Some(r) => start + Duration::from_secs_f64((k as f64 + offset) / r),
                        None => Instant::now(),
                    };
                    if due >= end {
                        break;
                    }
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    conn.exchange(&request)?;
                    latencies.push(due.elapsed());
                }
                Ok(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for t in threads {
        latencies.extend(
            t.join()
                .map_err(|_| anyhow::anyhow!("a load thread panicked"))??,
        );
    }
    Ok(Outcome {
        latencies,
        elapsed: start.elapsed().min(time),
    })
}

struct Connection {
    write: TcpStream,
    read: BufReader<TcpStream>,
}

impl Connection {
    fn open(addr: &str) -> Result<Connection> {
        let s = TcpStream::connect(addr).with_context(|| format!("connecting to {addr}"))?;
        s.set_nodelay(true)?;
        Ok(Connection {
            write: s.try_clone()?,
            read: BufReader::new(s),
        })
    }

    /// Send `r` and read its answer, which must be a 200 with the
    /// expected body, if `r` has one.
    fn exchange(&mut self, r: &Request) -> Result<()> {
        self.write.write_all(&r.wire)?;
        let mut line = String::new();
        self.read.read_line(&mut line)?;
        if !line.starts_with("HTTP/1.1 200") {
            bail!("answered {line:?}");
        }
        let (mut length, mut chunked) = (None, false);
        loop {
            line.clear();
            self.read.read_line(&mut line)?;
            let h = line.trim_end().to_ascii_lowercase();
            if h.is_empty() {
                break;
            }
            if let Some(v) = h.strip_prefix("content-length:") {
                length = Some(v.trim().parse::<usize>()?);
            }
            chunked |= h == "transfer-encoding: chunked";
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.read.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim(), 16)?;
                let mut chunk = vec![0; size + 2];
                self.read.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else {
            body.resize(length.unwrap_or(0), 0);
            self.read.read_exact(&mut body)?;
        }
        match &r.expected_body {
            Some(expected) if body != *expected => bail!(
                "answered a body of {} bytes, not the expected {}",
                body.len(),
                expected.len()
            ),
            _ => {}
        }
        Ok(())
    }
}
