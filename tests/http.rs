//! wasi:http's outgoing handler: a Rust client component
//! (testsuite/programs/http, built for wasm32-wasip2) makes requests to a
//! loopback server this test runs, under `kiln run`, a `kiln build`
//! executable and the wasmtime CLI, which must print the same.

mod common;

use common::{root, show, work_dir};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

fn client() -> PathBuf {
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("http-programs");
    let o = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--target", "wasm32-wasip2"])
        .arg("--manifest-path")
        .arg(root().join("testsuite/programs/http/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(o.status.success(), "building the client: {}", show(&o));
    target_dir.join("wasm32-wasip2/release/kiln-http-programs.wasm")
}

/// One request as the server read it.
struct Received {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    framing: &'static str,
}

fn read_request(stream: &mut impl BufRead) -> std::io::Result<Received> {
    let mut line = String::new();
    stream.read_line(&mut line)?;
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or_default().to_string();
    let path = words.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        stream.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let mut body = Vec::new();
    let mut framing = "none";
    if let Some(n) = header("content-length") {
        framing = "length";
        body.resize(n.parse().unwrap(), 0);
        stream.read_exact(&mut body)?;
    } else if header("transfer-encoding").is_some_and(|v| v == "chunked") {
        framing = "chunked";
        loop {
            let mut size = String::new();
            stream.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim(), 16).unwrap();
            let mut chunk = vec![0; size + 2];
            stream.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
    Ok(Received {
        method,
        path,
        headers,
        body,
        framing,
    })
}

fn respond(r: &Received) -> Vec<u8> {
    let header = |name: &str| {
        r.headers
            .iter()
            .find(|(k, _)| k == name)
            .map_or("-", |(_, v)| v.as_str())
    };
    let (status, body): (&str, Vec<u8>) = match (r.method.as_str(), r.path.as_str()) {
        ("GET", "/hello?name=kiln") => ("200 OK", b"hello kiln".to_vec()),
        ("POST" | "PUT", "/echo") => ("200 OK", r.body.clone()),
        ("GET", "/big") => (
            "200 OK",
            (0..3_000_000u32).map(|i| (i % 251) as u8).collect(),
        ),
        _ => ("404 Not Found", b"not found".to_vec()),
    };
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\nx-echo-method: {}\r\nx-echo-path: {}\r\nx-echo-test: {}\r\nx-echo-host-is-authority: {}\r\nx-echo-framing: {}\r\n\r\n",
        body.len(),
        r.method,
        r.path,
        header("x-test"),
        header("host").starts_with("127.0.0.1:"),
        r.framing,
    )
    .into_bytes();
    out.extend(body);
    out
}

/// A loopback HTTP/1.1 server answering each connection once, for as long
/// as the test runs; over TLS with `tls`.
fn serve_with(tls: Option<Arc<rustls::ServerConfig>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let tls = tls.clone();
            std::thread::spawn(move || match tls {
                None => {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    if let Ok(r) = read_request(&mut reader) {
                        let _ = (&stream).write_all(&respond(&r));
                    }
                }
                Some(config) => {
                    let connection = rustls::ServerConnection::new(config).unwrap();
                    let mut reader = BufReader::new(rustls::StreamOwned::new(connection, stream));
                    if let Ok(r) = read_request(&mut reader) {
                        let tls = reader.get_mut();
                        let _ = tls.write_all(&respond(&r)).and_then(|_| tls.flush());
                        tls.conn.send_close_notify();
                        let _ = tls.flush();
                    }
                }
            });
        }
    });
    addr
}

fn serve() -> String {
    serve_with(None)
}

/// An HTTPS server for `localhost` whose certificate a CA of this test
/// signed, and that CA's certificate, in PEM.
fn serve_tls() -> (String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    let addr = serve_with(Some(Arc::new(config)));
    let port = addr.rsplit(':').next().unwrap();
    (format!("localhost:{port}"), ca_cert.pem())
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
