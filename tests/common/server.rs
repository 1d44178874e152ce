//! A loopback HTTP/1.1 server for the tests of wasi:http, over TCP or
//! TLS with a certificate of its own CA: each connection gets one answer,
//! which tells what the request looked like.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;

/// One request as the server read it.
struct Received {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    framing: &'static str,
    /// A chunked body's trailer lines.
    trailers: Vec<String>,
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
    let mut trailers = Vec::new();
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
            if size == 0 {
                loop {
                    let mut line = String::new();
                    stream.read_line(&mut line)?;
                    match line.trim_end() {
                        "" => break,
                        t => trailers.push(t.to_string()),
                    }
                }
                break;
            }
            let mut chunk = vec![0; size + 2];
            stream.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk[..size]);
        }
    }
    Ok(Received {
        method,
        path,
        headers,
        body,
        framing,
        trailers,
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
        ("GET", "/slow") => {
            std::thread::sleep(std::time::Duration::from_millis(200));
            ("200 OK", b"slow".to_vec())
        }
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
    if !r.trailers.is_empty() {
        // Before the blank line that ends the head.
        out.truncate(out.len() - 2);
        out.extend(format!("x-echo-trailers: {}\r\n\r\n", r.trailers.join("; ")).bytes());
    }
    out.extend(body);
    out
}

/// A loopback HTTP/1.1 server answering each connection once, for as long
/// as the test runs; over TLS with `tls`.
pub fn serve_with(tls: Option<Arc<rustls::ServerConfig>>) -> String {
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

pub fn serve() -> String {
    serve_with(None)
}

/// An HTTPS server for `localhost` whose certificate a CA of this test
/// signed, and that CA's certificate, in PEM.
pub fn serve_tls() -> (String, String) {
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
