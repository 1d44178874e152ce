//! wasi:http's outgoing handler: a Rust client component
//! (testsuite/programs/http, built for wasm32-wasip2) makes requests to a
//! loopback server this test runs, under `kiln run`, a `kiln build`
//! executable and the wasmtime CLI, which must print the same.

mod common;

use common::server::{serve, serve_tls};
use common::{root, show, work_dir};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn client() -> PathBuf {
    common::wasip2_program("http", "kiln-http-programs.wasm")
}

/// An address nobody listens on.
fn closed_port() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

fn run(program: &Path, args: &[&str], dir: &Path) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("KILN_CACHE_DIR", dir.join("cache"))
        .output()
        .unwrap()
}

#[test]
fn an_http_client_component_behaves_as_under_wasmtime() {
    let wasm = client();
    let d = work_dir("http", "client");
    let server = serve();
    let closed = closed_port();
    let wasm = wasm.to_str().unwrap();
    let wasmtime = root().join("target/peers/wasmtime");
    // The HTTPS server's CA is trusted by neither engine here. wasmtime
    // calls every failed handshake a TLS protocol error; kiln says which
    // failures are the certificate's, as wasi:http defines.
    let (tls, _) = serve_tls();
    let args = [wasm, &server, &closed, &tls];
    let expected = run(&wasmtime, &[&["run", "-S", "http"][..], &args].concat(), &d);
    assert!(expected.status.success(), "wasmtime: {}", show(&expected));
    let out = String::from_utf8_lossy(&expected.stdout);
    assert!(out.contains("3000000 bytes"), "{out}");
    assert!(out.contains("ConnectionRefused"), "{out}");
    assert!(
        out.contains("https: error ErrorCode::TlsProtocolError"),
        "{out}"
    );
    let as_kiln_says = |o: &Output| show(o).replace("TlsProtocolError", "TlsCertificateError");
    let expected = as_kiln_says(&expected);

    let kiln = Path::new(env!("CARGO_BIN_EXE_kiln"));
    let got = run(kiln, &[&["run", "-S", "http"][..], &args].concat(), &d);
    assert_eq!(show(&got), expected);

    let exe = d.join("client");
    let built = run(
        kiln,
        &["build", "-S", "http", wasm, "-o", exe.to_str().unwrap()],
        &d,
    );
    assert!(built.status.success(), "{}", show(&built));
    assert_eq!(show(&run(&exe, &args[1..], &d)), expected);
}

/// With the server's CA in `SSL_CERT_FILE`, the HTTPS request goes
/// through, to the same answer as over plain HTTP.
#[test]
fn https_requests_reach_a_server_the_host_trusts() {
    let wasm = client();
    let d = work_dir("http", "https");
    let (server, closed) = (serve(), closed_port());
    let (tls, ca) = serve_tls();
    std::fs::write(d.join("ca.pem"), ca).unwrap();
    let kiln = Path::new(env!("CARGO_BIN_EXE_kiln"));
    let got = Command::new(kiln)
        .args([
            "run",
            "-S",
            "http",
            wasm.to_str().unwrap(),
            &server,
            &closed,
            &tls,
        ])
        .env("KILN_CACHE_DIR", d.join("cache"))
        .env("SSL_CERT_FILE", d.join("ca.pem"))
        .output()
        .unwrap();
    assert!(got.status.success(), "{}", show(&got));
    let out = String::from_utf8_lossy(&got.stdout);
    let https = out.split("https: ").nth(1).unwrap_or_default();
    assert!(https.starts_with("200\n"), "{out}");
    assert!(https.contains("x-echo-path: /hello?name=kiln"), "{out}");
    assert!(https.ends_with("hello kiln\n"), "{out}");
}

/// Without `-S http` the host answers every request `HTTP-request-denied`
/// (wasmtime refuses to instantiate such a component at all).
#[test]
fn requests_are_denied_without_the_http_grant() {
    let wasm = client();
    let d = work_dir("http", "denied");
    let server = serve();
    let kiln = Path::new(env!("CARGO_BIN_EXE_kiln"));
    let got = run(
        kiln,
        &["run", wasm.to_str().unwrap(), &server, &closed_port()],
        &d,
    );
    let out = String::from_utf8_lossy(&got.stdout);
    assert!(got.status.success(), "{}", show(&got));
    assert!(
        out.contains("get: error ErrorCode::HttpRequestDenied"),
        "{out}"
    );
    assert!(
        out.contains("refused: error ErrorCode::HttpRequestDenied"),
        "{out}"
    );
}
