//! Routes that exercise a server of wasi:http handlers:
//! - `/hello`: a fixed answer with a header of its own;
//! - `/upper`: the request's body streamed back in upper case, read and
//!   written a piece at a time;
//! - `/echo`: the request's body read whole, then sent back with the
//!   request's content type (a JSON echo, for the bench);
//! - `/request`: what the handler saw of the request (method, path and
//!   query, scheme, authority, headers);
//! - `/status/N`: an empty answer with status N;
//! - `/trap`: a trap before any answer;
//! - `/answer-then-trap`: a whole answer, then a trap;
//! - `/forever`: a handler that never returns;
//! - `/answer-then-forever`: the answer's head, its body 20 ms later (the
//!   handler busy meanwhile), then a loop that never ends;
//! - anything else: 404.

use std::io::Write as _;
use wasip2::http::types::{
    Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam, Scheme,
};

wasip2::http::proxy::export!(Handler);

struct Handler;

impl wasip2::exports::http::incoming_handler::Guest for Handler {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let path = request.path_with_query().unwrap_or_default();
        let route = path.split('?').next().unwrap_or_default().to_string();
        match route.as_str() {
            "/hello" => answer(out, 200, &[("content-type", "text/plain")], b"hello from a Rust handler\n"),
            "/upper" => upper(request, out),
            "/echo" => echo(request, out),
            "/request" => {
                let text = describe(&request);
                answer(out, 200, &[], text.as_bytes())
            }
            "/trap" => std::process::abort(),
            "/answer-then-trap" => {
                answer(out, 200, &[], b"answered\n");
                std::process::abort()
            }
            "/answer-then-forever" => {
                let response = OutgoingResponse::new(Fields::new());
                let outgoing = response.body().unwrap();
                ResponseOutparam::set(out, Ok(response));
                let head_sent = std::time::Instant::now();
                while head_sent.elapsed() < std::time::Duration::from_millis(20) {}
                let mut stream = outgoing.write().unwrap();
                stream.write_all(b"answered\n").unwrap();
                stream.flush().unwrap();
                drop(stream);
                OutgoingBody::finish(outgoing, None).unwrap();
                let mut n = 0u64;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            "/forever" => {
                let mut n = 0u64;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            _ => match route.strip_prefix("/status/").and_then(|s| s.parse().ok()) {
                Some(status) => answer(out, status, &[], b""),
                None => answer(out, 404, &[], b"no such route\n"),
            },
        }
    }
}

fn answer(out: ResponseOutparam, status: u16, headers: &[(&str, &str)], body: &[u8]) {
    let fields = Fields::new();
    for (name, value) in headers {
        fields.append(name, value.as_bytes()).unwrap();
    }
    let response = OutgoingResponse::new(fields);
    response.set_status_code(status).unwrap();
    let outgoing = response.body().unwrap();
    ResponseOutparam::set(out, Ok(response));
    if !body.is_empty() {
        let mut stream = outgoing.write().unwrap();
        stream.write_all(body).unwrap();
        stream.flush().unwrap();
    }
    OutgoingBody::finish(outgoing, None).unwrap();
}

/// The body, upper-cased as it arrives: the answer starts before the
/// request's body has all been read.
fn upper(request: IncomingRequest, out: ResponseOutparam) {
    let incoming = request.consume().unwrap();
    let mut input = incoming.stream().unwrap();
    let response = OutgoingResponse::new(Fields::new());
    let outgoing = response.body().unwrap();
    ResponseOutparam::set(out, Ok(response));
    let mut output = outgoing.write().unwrap();
    let mut piece = vec![0u8; 16 << 10];
    loop {
        let n = std::io::Read::read(&mut input, &mut piece).unwrap();
        if n == 0 {
            break;
        }
        piece[..n].make_ascii_uppercase();
        output.write_all(&piece[..n]).unwrap();
    }
    output.flush().unwrap();
    drop(output);
    drop(input);
    OutgoingBody::finish(outgoing, None).unwrap();
}

fn echo(request: IncomingRequest, out: ResponseOutparam) {
    let content_type = request.headers().get("content-type");
    let content_type = content_type.first().map(|v| String::from_utf8_lossy(v).into_owned());
    let incoming = request.consume().unwrap();
    let mut input = incoming.stream().unwrap();
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut input, &mut body).unwrap();
    drop(input);
    let content_type = content_type.unwrap_or_else(|| "application/octet-stream".into());
    answer(out, 200, &[("content-type", &content_type)], &body);
}

fn describe(request: &IncomingRequest) -> String {
    let method = match request.method() {
        Method::Get => "GET".to_string(),
        Method::Post => "POST".to_string(),
        Method::Put => "PUT".to_string(),
        Method::Other(m) => m,
        other => format!("{other:?}"),
    };
    let scheme = match request.scheme() {
        Some(Scheme::Http) => "http".to_string(),
        Some(Scheme::Https) => "https".to_string(),
        Some(Scheme::Other(s)) => s,
        None => "none".to_string(),
    };
    let mut text = format!(
        "method {method}\npath {}\nscheme {scheme}\nauthority {}\n",
        request.path_with_query().unwrap_or_default(),
        request.authority().unwrap_or_default()
    );
    let mut headers = request.headers().entries();
    headers.sort();
    for (name, value) in headers {
        text += &format!("header {name}: {}\n", String::from_utf8_lossy(&value));
    }
    text
}
