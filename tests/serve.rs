//! `kiln serve` and `kiln build --serve`: a Rust wasi:http handler
//! (testsuite/programs/http-handler, built for wasm32-wasip2) served over
//! loopback and queried by a plain HTTP/1.1 client, its answers compared
//! with `wasmtime serve`'s for the same component.

mod common;

use common::client::{read_answer, request, request_with_trailers, Answer};
use common::{root, show, work_dir};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn handler() -> PathBuf {
    common::wasip2_program("http-handler", "kiln_http_handler.wasm")
}

/// A server process, stopped when dropped; its log lines after the
/// first arrive on `log`.
struct Server {
    child: Child,
    addr: String,
    log: std::sync::mpsc::Receiver<String>,
}

impl Server {
    /// Start `program args` in `dir` and wait for the line saying where
    /// it serves (wasmtime's words, which kiln keeps).
    fn start(program: &Path, args: &[&str], dir: &Path) -> Server {
        let mut child = Command::new(program)
            .args(args)
            .current_dir(dir)
            .env("KILN_CACHE_DIR", dir.join("cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, log) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut seen = Vec::new();
        loop {
            // Long enough for kiln to compile CPython's component first on
            // a busy machine, beside the other tests' servers.
            match log.recv_timeout(Duration::from_secs(900)) {
                Ok(line) => match line.strip_prefix("Serving HTTP on http://") {
                    Some(rest) => {
                        let addr = rest.trim_end_matches('/').to_string();
                        return Server { child, addr, log };
                    }
                    None => seen.push(line),
                },
                Err(_) => panic!(
                    "{} did not start serving: {}; exit {:?}",
                    program.display(),
                    seen.join("\n"),
                    child.try_wait()
                ),
            }
        }
    }

    fn get(&self, path: &str) -> Answer {
        request(&self.addr, "GET", path, &[], b"")
    }

    /// The log lines until each of `needles` is in one, or 10 s pass: a
    /// thread reads the server's log, so a line may come a little after
    /// the response it was written before.
    fn log_until(&self, needles: &[&str]) -> Vec<String> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let mut lines: Vec<String> = Vec::new();
        let seen = |lines: &[String]| needles.iter().all(|n| lines.iter().any(|l| l.contains(n)));
        while !seen(&lines) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) => lines.push(line),
                Err(_) => break,
            }
        }
        lines
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn kiln_serve(wasm: &Path, extra: &[&str], dir: &Path) -> Server {
    let args = [
        &["serve", "--addr", "127.0.0.1:0"][..],
        extra,
        &[wasm.to_str().unwrap()],
    ]
    .concat();
    Server::start(Path::new(env!("CARGO_BIN_EXE_kiln")), &args, dir)
}

/// `wasmtime serve` with wasi:cli, which Rust's std and CPython import,
/// and `extra` flags.
fn wasmtime_serve(wasm: &Path, extra: &[&str], dir: &Path) -> Server {
    let wasmtime = root().join("target/peers/wasmtime");
    let args = [
        &["serve", "-S", "cli", "--addr", "127.0.0.1:0"][..],
        extra,
        &[wasm.to_str().unwrap()],
    ]
    .concat();
    Server::start(&wasmtime, &args, dir)
}

/// `wasm` built into a server executable (`kiln build --serve`), started
/// on an address given at launch.
fn built_server(wasm: &Path, d: &Path) -> Server {
    let exe = d.join("server");
    let built = common::kiln(
        &[
            "build",
            "--serve",
            wasm.to_str().unwrap(),
            "-o",
            exe.to_str().unwrap(),
        ],
        d,
    );
    assert!(built.status.success(), "{}", show(&built));
    Server::start(&exe, &["--addr", "127.0.0.1:0"], d)
}

/// The requests both servers must answer alike: a greeting, a small and
/// a large body streamed back upper-cased, what the handler saw of a
/// request (unless `without_request`), a chosen status, a 404.
fn compare_with(kiln: &Server, wasmtime: &Server, without_request: bool) {
    let big: Vec<u8> = (0..300_000u32)
        .map(|i| b"abcdefghij\n"[i as usize % 11])
        .collect();
    let requests: [(&str, &str, &[(&str, &str)], &[u8]); 6] = [
        ("GET", "/hello", &[], b""),
        ("POST", "/upper", &[], b"a small body"),
        ("POST", "/upper", &[], &big),
        (
            "GET",
            "/request?x=1&y=two",
            &[("x-test", "yes"), ("accept", "*/*")],
            b"",
        ),
        ("GET", "/status/418", &[], b""),
        ("GET", "/nowhere", &[], b""),
    ];
    for (method, path, headers, body) in requests {
        if without_request && path.starts_with("/request") {
            continue;
        }
        let as_from = |server: &Server| {
            let mut a = request(&server.addr, method, path, headers, body);
            a.body = a.text().replace(&server.addr, "ADDR").into_bytes();
            a
        };
        let expected = as_from(wasmtime);
        assert_eq!(as_from(kiln), expected, "{method} {path}");
    }
}

#[test]
fn a_rust_handler_answers_as_under_wasmtime_serve() {
    let wasm = handler();
    let d = work_dir("serve", "rust");
    let peer = wasmtime_serve(&wasm, &[], &d);
    let kiln = kiln_serve(&wasm, &[], &d);
    compare_with(&kiln, &peer, false);
    assert_eq!(peer.get("/trap").status, 500);
    // One line a request: method, path, status, microseconds, and those
    // of making the instance.
    let log = kiln.log_until(&["GET /status/418 "]);
    let line = log
        .iter()
        .find(|l| l.starts_with("GET /status/418 "))
        .unwrap();
    let words: Vec<&str> = line.split(' ').collect();
    assert_eq!(words.len(), 5, "{line}");
    assert_eq!(words[2], "418", "{line}");
    let micros = |w: &str| w.strip_suffix("us").and_then(|n| n.parse::<f64>().ok());
    let total = (words[3]
        .strip_suffix("us")
        .and_then(|n| n.parse::<u64>().ok()))
    .unwrap_or_else(|| panic!("{line}"));
    let instance = words[4].strip_prefix("instance=").and_then(micros);
    assert!(instance.is_some_and(|i| i <= total as f64 + 1.0), "{line}");

    // The same server as a static executable, on an address given at launch.
    let built = built_server(&wasm, &d);
    compare_with(&built, &peer, false);
}

#[test]
fn a_failing_handler_is_answered_500_or_503_and_the_server_goes_on() {
    let wasm = handler();
    let d = work_dir("serve", "failing");
    let kiln = kiln_serve(&wasm, &["--timeout", "1s"], &d);
    assert_eq!(kiln.get("/trap").status, 500);
    assert_eq!(kiln.get("/hello").status, 200);
    // A trap after a whole answer leaves the answer alone, and is logged.
    let answered = kiln.get("/answer-then-trap");
    assert_eq!(
        (answered.status, answered.text().as_str()),
        (200, "answered\n")
    );
    // An answer, its head and then its body, goes out while the handler
    // goes on (here, until its deadline).
    let started = Instant::now();
    let answered = kiln.get("/answer-then-forever");
    assert_eq!(
        (answered.status, answered.text().as_str()),
        (200, "answered\n")
    );
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    // A handler past its deadline holds one request; others are served
    // meanwhile, and it is stopped at the deadline.
    let addr = kiln.addr.clone();
    let started = Instant::now();
    let forever = std::thread::spawn(move || request(&addr, "GET", "/forever", &[], b""));
    for _ in 0..20 {
        assert_eq!(kiln.get("/hello").text(), "hello from a Rust handler\n");
    }
    let stopped = forever.join().unwrap();
    assert_eq!(stopped.status, 503);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(10),
        "{took:?}"
    );
    assert_eq!(kiln.get("/hello").status, 200);
    let log = kiln
        .log_until(&[
            "GET /trap: trap: unreachable",
            "the handler trapped after answering: trap: unreachable",
            "GET /forever 503 ",
        ])
        .join("\n");
    assert!(log.contains("GET /trap: trap: unreachable"), "{log}");
    assert!(
        log.contains("the handler trapped after answering: trap: unreachable"),
        "{log}"
    );
    assert!(log.contains("GET /forever 503 "), "{log}");
}

#[test]
fn requests_are_served_concurrently_each_with_its_own_instance() {
    let wasm = handler();
    let d = work_dir("serve", "concurrent");
    let kiln = kiln_serve(&wasm, &[], &d);
    let clients: Vec<_> = (0..16)
        .map(|c| {
            let addr = kiln.addr.clone();
            std::thread::spawn(move || {
                for i in 0..8 {
                    let body = format!("client {c} request {i} ").repeat(500);
                    let a = request(&addr, "POST", "/upper", &[], body.as_bytes());
                    assert_eq!(a.status, 200);
                    assert_eq!(a.text(), body.to_uppercase());
                }
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_then_stops_the_server() {
    let wasm = handler();
    let d = work_dir("serve", "sigterm");
    let mut kiln = kiln_serve(&wasm, &[], &d);
    // A request whose body is still arriving when the signal comes.
    let mut slow = TcpStream::connect(&kiln.addr).unwrap();
    let head = format!(
        "POST /upper HTTP/1.1\r\nhost: {}\r\ncontent-length: 10\r\n\r\nhello",
        kiln.addr
    );
    slow.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: signalling a child process this test started and still owns.
    assert_eq!(
        unsafe { libc::kill(kiln.child.id() as i32, libc::SIGTERM) },
        0
    );
    std::thread::sleep(Duration::from_millis(300));
    slow.write_all(b"world").unwrap();
    let answer = read_answer(slow);
    assert_eq!((answer.status, answer.text().as_str()), (200, "HELLOWORLD"));
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = kiln.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    assert!(TcpStream::connect(&kiln.addr).is_err(), "still accepting");
}

/// `kiln serve` on a file `name` holding `wat`: it must exit 1; what it
/// printed to stderr.
fn refusal(dir: &Path, name: &str, wat: &str) -> String {
    let file = dir.join(name);
    std::fs::write(&file, wat).unwrap();
    let o = common::kiln(&["serve", file.to_str().unwrap()], dir);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn what_cannot_be_served_is_refused_by_name() {
    let d = work_dir("serve", "refused");
    let err = refusal(&d, "empty.wat", "(component)");
    assert!(
        err.contains(
            "exports neither `wasi:http/handler`'s `handle` (0.3.x) nor `wasi:http/incoming-handler`'s (0.2.x)"
        ) && err.contains("it exports: nothing"),
        "{err}"
    );
    let importer = r#"(component
        (import "example:missing/thing@1.0.0" (instance $i (export "f" (func))))
        (core func $f (canon lower (func $i "f")))
        (core module $m (import "" "f" (func)))
        (core instance (instantiate $m (with "" (instance (export "f" (func $f)))))))"#;
    let err = refusal(&d, "importer.wat", importer);
    assert!(
        err.contains("imports `example:missing/thing@1.0.0#f`, which kiln's host does not provide"),
        "{err}"
    );
    let err = refusal(&d, "module.wat", "(module)");
    assert!(
        err.contains("a core module; a server needs a component"),
        "{err}"
    );
}

#[test]
fn a_python_handler_answers_as_under_wasmtime_serve() {
    let d = work_dir("serve", "python");
    let wit =
        kiln_testsuite::peers::wasi_proxy_wit(&d.join("wit")).unwrap_or_else(|e| panic!("{e}"));
    let wasm =
        kiln_testsuite::peers::componentize_py("http_handler", &wit, "proxy", &d.join("build"))
            .unwrap_or_else(|e| panic!("{e}"));
    let peer = wasmtime_serve(&wasm, &[], &d);
    let kiln = kiln_serve(&wasm, &[], &d);
    // A JSON document of about 4 KiB.
    let items: Vec<String> = (0..200).map(|i| format!("\"item {i}\"")).collect();
    let document = format!("{{\"name\": \"kiln\", \"items\": [{}]}}", items.join(", "));
    let requests: [(&str, &str, &[u8]); 3] = [
        ("GET", "/greet?who=you", b""),
        ("POST", "/echo", document.as_bytes()),
        ("POST", "/echo", b"not json"),
    ];
    for (method, path, body) in requests {
        let expected = request(&peer.addr, method, path, &[], body);
        assert_eq!(
            request(&kiln.addr, method, path, &[], body),
            expected,
            "{method} {path}"
        );
    }
    let echoed = request(&kiln.addr, "POST", "/echo", &[], document.as_bytes()).text();
    assert!(
        echoed.contains("\"keys\": [\"items\", \"name\"]"),
        "{echoed}"
    );
}

/// A WASI 0.3 handler (testsuite/programs/p3-handler, the `service`
/// world): an async export returning its response, whose body a task it
/// leaves running writes, or which streams the request's body back.
#[test]
fn a_wasi_0_3_handler_answers_as_under_wasmtime_serve() {
    let wasm = common::wasip2_program("p3-handler", "p3_handler.wasm");
    let d = work_dir("serve", "p3");
    let peer = wasmtime_serve(&wasm, &[], &d);
    let kiln = kiln_serve(&wasm, &["--timeout", "1s"], &d);
    compare_with(&kiln, &peer, true);
    trailers_as_under(&kiln, &peer);
    // What the handler saw: wasmtime 49 gives a 0.3 handler no scheme and
    // no authority; kiln gives what it gives a 0.2 handler.
    let saw = |server: &Server| {
        let headers = [("x-test", "yes"), ("x-other", "two")];
        request(&server.addr, "GET", "/request?x=1", &headers, b"").text()
    };
    let (ours, theirs) = (saw(&kiln), saw(&peer));
    let rest = |t: &str| t.lines().skip(1).map(String::from).collect::<Vec<_>>();
    assert_eq!(rest(&ours), rest(&theirs));
    assert_eq!(
        theirs.lines().next(),
        Some("Method::Get /request?x=1 none ")
    );
    let first = format!("Method::Get /request?x=1 http {}", kiln.addr);
    assert_eq!(ours.lines().next(), Some(first.as_str()));

    // A trap before the answer is a 500, a handler past its deadline a
    // 503; the server goes on.
    assert_eq!(peer.get("/trap").status, 500);
    assert_eq!(kiln.get("/trap").status, 500);
    assert_eq!(kiln.get("/hello").status, 200);
    assert_eq!(kiln.get("/forever").status, 503);
    assert_eq!(kiln.get("/hello").status, 200);
    // A handler waiting on the clock past its deadline is stopped too.
    assert_eq!(kiln.get("/sleep").status, 503);
    let log = kiln
        .log_until(&[
            "GET /trap: trap: unreachable",
            "GET /forever 503 ",
            "GET /sleep 503 ",
        ])
        .join("\n");
    assert!(log.contains("GET /trap: trap: unreachable"), "{log}");
    assert!(log.contains("GET /forever 503 "), "{log}");
    assert!(log.contains("GET /sleep 503 "), "{log}");

    each_request_sees_a_new_memory(&kiln);

    let built = built_server(&wasm, &d);
    compare_with(&built, &peer, true);
    trailers_as_under(&built, &peer);
    each_request_sees_a_new_memory(&built);

    // A file's own stream as the body, the handler done once it returns
    // the response: the host is at both ends of the stream.
    let files = d.join("files");
    std::fs::create_dir_all(&files).unwrap();
    let big: Vec<u8> = (0..300_000u32).map(|i| (i * 13 % 251) as u8).collect();
    std::fs::write(files.join("big"), &big).unwrap();
    let grant = format!("{}::/data", files.display());
    let kiln = kiln_serve(&wasm, &["--dir", &grant], &d);
    let peer = wasmtime_serve(&wasm, &["--dir", &grant], &d);
    for path in ["/file/big", "/file/missing"] {
        let (ours, theirs) = (kiln.get(path), peer.get(path));
        assert_eq!(
            (ours.status, ours.text()),
            (theirs.status, theirs.text()),
            "{path}"
        );
    }
    assert!(kiln.get("/file/big").body == big);
}

/// A WASI 0.3 middleware (testsuite/programs/p3-middleware, the
/// `middleware` world) in front of a loopback origin: what comes back
/// through it is what the origin answers the same request sent to it
/// directly; a request the middleware rebuilds reaches the origin with
/// its header added and its body whole; without `-S http`, or with the
/// origin gone, the imported handler fails with the error code that says
/// so; a request that comes back to the server is not served again.
#[test]
fn a_wasi_0_3_middleware_forwards_through_the_handler_it_imports() {
    let wasm = common::wasip2_program("p3-middleware", "p3_middleware.wasm");
    let d = work_dir("serve", "p3-middleware");
    let origin = common::server::serve();
    let to_origin = format!("ORIGIN={origin}");
    let kiln = kiln_serve(&wasm, &["-S", "http", "--env", &to_origin], &d);
    // What the origin saw, and its answer.
    let seen = |a: &Answer| {
        let kept = |(n, _): &&(String, String)| n.starts_with("x-echo-") || n == "content-length";
        let headers: Vec<_> = a.headers.iter().filter(kept).cloned().collect();
        (a.status, headers, a.body.clone())
    };
    let body: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let exchanges = [
        ("GET", "/hello?name=kiln", &b""[..]),
        ("POST", "/echo", &body[..]),
        ("GET", "/nowhere", &b""[..]),
    ];
    for (method, path, body) in exchanges {
        let headers = [("x-test", "as it came")];
        let direct = request(&origin, method, path, &headers, body);
        let through = request(&kiln.addr, method, path, &headers, body);
        assert_eq!(seen(&through), seen(&direct), "{method} {path}");
    }
    // Forwarded as it came, or rebuilt around the body's stream, the body
    // goes on as hyper received it, its length kept.
    let framing = |a: &Answer| {
        let h = a.headers.iter().find(|(n, _)| n == "x-echo-framing");
        h.map(|(_, v)| v.clone()).unwrap_or_default()
    };
    let forwarded = request(&kiln.addr, "POST", "/echo", &[], &body);
    assert_eq!(framing(&forwarded), "length");
    let rebuilt = request(&kiln.addr, "POST", "/echo", &[("x-rewrite", "1")], &body);
    assert_eq!(rebuilt.status, 200);
    assert!(rebuilt.body == body, "the rebuilt request's body changed");
    assert_eq!(framing(&rebuilt), "length");
    let test = rebuilt.headers.iter().find(|(n, _)| n == "x-echo-test");
    assert_eq!(test.map(|(_, v)| v.as_str()), Some("via-middleware"));

    let denied = kiln_serve(&wasm, &["--env", &to_origin], &d);
    let a = denied.get("/hello?name=kiln");
    assert_eq!(
        (a.status, a.text()),
        (502, "ErrorCode::HttpRequestDenied\n".into())
    );
    let gone = kiln_serve(&wasm, &["-S", "http", "--env", "ORIGIN=127.0.0.1:1"], &d);
    let a = gone.get("/hello?name=kiln");
    assert_eq!(
        (a.status, a.text()),
        (502, "ErrorCode::ConnectionRefused\n".into())
    );
    // With no origin the request goes back to the server it came to,
    // which answers it 508 rather than take it round again.
    let looping = kiln_serve(&wasm, &["-S", "http"], &d);
    assert_eq!(looping.get("/hello?name=kiln").status, 508);
    let log = looping.log_until(&["GET /hello 508 "]).join("\n");
    assert!(log.contains("came back through a handler"), "{log}");
}

/// Trailers both ways through the p3 handler's `/trailers`: the
/// request's reach the handler, which sends them back as its own. And
/// through `/upper`, which hands the request's trailers future on to its
/// response, the host at both of its ends.
fn trailers_as_under(server: &Server, peer: &Server) {
    let sent = [("x-checksum", "abc123"), ("x-note", "two words")];
    for body in [&b""[..], b"a body with trailers"] {
        let trailed = |s: &Server| request_with_trailers(&s.addr, "POST", "/upper", body, &sent);
        let expected = trailed(peer);
        assert_eq!(expected.body, body.to_ascii_uppercase(), "wasmtime's body");
        let handed_on: Vec<(String, String)> = sent
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        assert_eq!(expected.trailers, handed_on, "wasmtime's trailers");
        assert_eq!(trailed(server), expected);
    }
    // `/mirror` hands the request's body on unread, with its own
    // trailers in place of the request's. wasmtime 49 sends the body but
    // no trailers at all, where the response's trailers are the future
    // given to `response.new`: kiln's are checked against the handler's.
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    for body in [&b""[..], b"a body with trailers", &big] {
        let mirrored = |s: &Server| request_with_trailers(&s.addr, "POST", "/mirror", body, &sent);
        let expected = mirrored(peer);
        assert_eq!(expected.body, body, "wasmtime's body");
        assert_eq!(expected.trailers, vec![], "wasmtime's trailers");
        let got = mirrored(server);
        let own = vec![("x-mirrored".to_string(), "yes".to_string())];
        assert_eq!(got.trailers, own);
        assert_eq!(
            Answer {
                trailers: vec![],
                ..got
            },
            expected
        );
    }
    for body in [&b""[..], b"a body with trailers"] {
        let trailed = |s: &Server| request_with_trailers(&s.addr, "POST", "/trailers", body, &sent);
        let expected = trailed(peer);
        let length = body.len().to_string();
        let echoed = [
            ("x-echo-x-checksum", "abc123"),
            ("x-echo-x-note", "two words"),
            ("x-length", length.as_str()),
        ];
        let echoed: Vec<(String, String)> = echoed
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        assert_eq!(expected.trailers, echoed, "wasmtime's trailers");
        assert_eq!(trailed(server), expected);
    }
}

/// The p3 handler's `/visits`, asked again and again between requests
/// that write other memory or trap, counts one visit each time: each
/// instance's memory is as new, though the server reuses memories.
fn each_request_sees_a_new_memory(server: &Server) {
    for i in 0..20 {
        let a = server.get("/visits");
        assert_eq!(
            (a.status, a.text()),
            (200, "data 1001 zeroed 1\n".into()),
            "visit {i}"
        );
        let body = format!("request {i} ").repeat(2000);
        let a = request(&server.addr, "POST", "/upper", &[], body.as_bytes());
        assert_eq!(a.text(), body.to_uppercase());
        if i % 5 == 0 {
            assert_eq!(server.get("/trap").status, 500);
        }
    }
}

/// Handlers that loop with no deadline leave the server answering: they
/// run on the server's workers; a worker asleep past the one a guest holds
/// is woken to take I/O on, and once the other workers are held, new
/// requests go to the blocking pool. One test, one server at a time: each
/// spins a core per looping guest until it is stopped, which would starve
/// the other.
#[test]
fn looping_handlers_leave_the_server_answering() {
    let p3 = common::wasip2_program("p3-handler", "p3_handler.wasm");
    looping_handlers_leave_answering(&p3, &work_dir("serve", "p3-looping"));
    looping_handlers_leave_answering(&handler(), &work_dir("serve", "p2-looping"));
}

/// `wasm`'s `GET /forever` loops; its `GET /hello` answers 200.
fn looping_handlers_leave_answering(wasm: &Path, d: &Path) {
    let kiln = kiln_serve(wasm, &[], d);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    // One more looping handler than there are workers, all at once, so
    // that they start on every worker together; their connections stay
    // open, unanswered, until the server is stopped.
    let looping: Vec<TcpStream> = (0..=workers)
        .map(|_| {
            let mut c = TcpStream::connect(&kiln.addr).unwrap();
            let get = format!("GET /forever HTTP/1.1\r\nhost: {}\r\n\r\n", kiln.addr);
            c.write_all(get.as_bytes()).unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    for _ in 0..3 {
        // A server all of whose workers the loopers held would never
        // answer; preempted, they share them. (While they run long, a new
        // request's handler runs on the blocking pool, but its connection
        // is still served by the workers.)
        let asked = Instant::now();
        let mut c = TcpStream::connect(&kiln.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let get = format!(
            "GET /hello HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n\r\n",
            kiln.addr
        );
        c.write_all(get.as_bytes()).unwrap();
        assert_eq!(read_answer(c).status, 200);
        let took = asked.elapsed();
        assert!(took < Duration::from_secs(5), "answered in {took:?}");
    }
    drop(looping);
}
