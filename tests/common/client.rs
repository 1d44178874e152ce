//! A small HTTP/1.1 client for the tests of servers: one request a
//! connection (`connection: close`), the answer read to its end and its
//! chunked framing undone.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// An answer as the client read it.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// Lower-cased names, sorted, without `date` (which differs between
    /// two servers answering the same request).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// A chunked body's trailers, as `headers`.
    pub trailers: Vec<(String, String)>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `method path` to the server at `addr`, with `headers` and `body`.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut stream =
        TcpStream::connect(addr).unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (name, value) in headers {
        head += &format!("{name}: {value}\r\n");
    }
    if !body.is_empty() || method == "POST" {
        head += &format!("content-length: {}\r\n", body.len());
    }
    head += "\r\n";
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    read_answer(stream)
}

/// `method path` to the server at `addr` with `body` sent chunked and
/// followed by `trailers`, asking for the answer's trailers too.
pub fn request_with_trailers(
    addr: &str,
    method: &str,
    path: &str,
    body: &[u8],
    trailers: &[(&str, &str)],
) -> Answer {
    let mut stream =
        TcpStream::connect(addr).unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    let names: Vec<&str> = trailers.iter().map(|(n, _)| *n).collect();
    let mut message = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\
         te: trailers\r\ntransfer-encoding: chunked\r\ntrailer: {}\r\n\r\n",
        names.join(", ")
    )
    .into_bytes();
    if !body.is_empty() {
        message.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
        message.extend_from_slice(body);
        message.extend_from_slice(b"\r\n");
    }
    message.extend_from_slice(b"0\r\n");
    for (name, value) in trailers {
        message.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    message.extend_from_slice(b"\r\n");
    stream.write_all(&message).unwrap();
    read_answer(stream)
}

/// Header lines up to the blank line that ends them: lower-cased names,
/// sorted.
fn read_fields(r: &mut impl BufRead) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').expect("a header line");
        fields.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    fields.sort();
    fields
}

/// The answer arriving on `stream`.
pub fn read_answer(stream: TcpStream) -> Answer {
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP status line: {line:?}"));
    let mut headers = read_fields(&mut r);
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v == "chunked");
    let mut body = Vec::new();
    let mut trailers = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).unwrap();
            let size = usize::from_str_radix(size.trim(), 16).expect("a chunk size");
            if size == 0 {
                trailers = read_fields(&mut r);
                break;
            }
            let mut chunk = vec![0; size + 2];
            r.read_exact(&mut chunk).unwrap();
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        r.read_to_end(&mut body).unwrap();
    }
    headers.retain(|(k, _)| k != "date");
    Answer {
        status,
        headers,
        body,
        trailers,
    }
}
