//! A wasi:http client: requests to the server named by the first argument
//! (`HOST:PORT`), printing what comes back, and the errors the host gives
//! for requests it refuses; with a third argument, a request over HTTPS to
//! the server it names. Its output under kiln must equal its output
//! under the wasmtime CLI.

use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, IncomingBody, Method, OutgoingBody, OutgoingRequest, Scheme,
};
use wasip2::io::streams::StreamError;

struct Response {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

/// Send a request; `body` is written in parts: the first before `handle`,
/// the rest after.
fn request(
    scheme: Scheme,
    method: Method,
    authority: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[&[u8]]>,
) -> Result<Response, ErrorCode> {
    let list: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
    let request = OutgoingRequest::new(Fields::from_list(&list).unwrap());
    request.set_method(&method).unwrap();
    request.set_scheme(Some(&scheme)).unwrap();
    request.set_authority(Some(authority)).unwrap();
    request.set_path_with_query(Some(path)).unwrap();
    let outgoing = body.map(|parts| {
        let b = request.body().unwrap();
        let stream = b.write().unwrap();
        stream.blocking_write_and_flush(parts[0]).unwrap();
        (b, stream, &parts[1..])
    });
    let future = outgoing_handler::handle(request, None)?;
    if let Some((b, stream, rest)) = outgoing {
        for part in rest {
            stream.blocking_write_and_flush(part).unwrap();
        }
        drop(stream);
        OutgoingBody::finish(b, None).unwrap();
    }
    let response = loop {
        match future.get() {
            Some(r) => break r.unwrap()?,
            None => future.subscribe().block(),
        }
    };
    let status = response.status();
    let headers = response.headers().entries();
    let incoming = response.consume().unwrap();
    let mut bytes = Vec::new();
    {
        let stream = incoming.stream().unwrap();
        loop {
            match stream.blocking_read(65536) {
                Ok(b) => bytes.extend(b),
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(e)) => {
                    panic!("reading the body: {}", e.to_debug_string())
                }
            }
        }
    }
    let trailers = IncomingBody::finish(incoming);
    trailers.subscribe().block();
    assert!(matches!(trailers.get(), Some(Ok(Ok(None)))));
    Ok(Response {
        status,
        headers,
        body: bytes,
    })
}

fn show(what: &str, r: Result<Response, ErrorCode>) {
    match r {
        Ok(r) => {
            println!("{what}: {}", r.status);
            for (name, value) in &r.headers {
                if name.starts_with("x-") || name == "content-type" {
                    println!("  {name}: {}", String::from_utf8_lossy(value));
                }
            }
            if r.body.len() > 1000 {
                let sum: u64 = r.body.iter().map(|&b| b as u64).sum();
                println!("  {} bytes, sum {sum}", r.body.len());
            } else {
                println!("  {}", String::from_utf8_lossy(&r.body));
            }
        }
        Err(e) => println!("{what}: error {e:?}"),
    }
}

fn main() {
    let server = std::env::args().nth(1).expect("HOST:PORT");
    let closed = std::env::args().nth(2).expect("HOST:PORT nobody listens on");

    let fields = Fields::new();
    println!("bad name: {:?}", fields.append("bad name", b"v"));
    println!("bad value: {:?}", fields.append("x-ok", b"a\nb"));
    println!("forbidden: {:?}", fields.append("Connection", b"close"));
    println!("set: {:?}", fields.set("X-Many", &[b"1".to_vec(), b"2".to_vec()]));
    println!("entries: {:?}", fields.entries());
    let unsent = OutgoingRequest::new(fields);
    println!("immutable: {:?}", unsent.headers().append("x-more", b"3"));
    println!("bad method: {:?}", unsent.set_method(&Method::Other("BAD METHOD".into())));
    println!("bad authority: {:?}", unsent.set_authority(Some("a b")));
    drop(unsent);

    show(
        "get",
        request(Scheme::Http, Method::Get, &server, "/hello?name=kiln", &[("X-Test", "one")], None),
    );
    show(
        "post",
        request(
            Scheme::Http,
            Method::Post,
            &server,
            "/echo",
            &[("content-type", "text/plain"), ("content-length", "19")],
            Some(&[&b"before handle, "[..], b"then"]),
        ),
    );
    show(
        "put chunked",
        request(Scheme::Http, Method::Put, &server, "/echo", &[], Some(&[&b"one "[..], b"two ", b"three"])),
    );
    show("big", request(Scheme::Http, Method::Get, &server, "/big", &[], None));
    show("status", request(Scheme::Http, Method::Delete, &server, "/missing", &[], None));
    show("refused", request(Scheme::Http, Method::Get, &closed, "/", &[], None));
    if let Some(tls) = std::env::args().nth(3) {
        let path = "/hello?name=kiln";
        show("https", request(Scheme::Https, Method::Get, &tls, path, &[], None));
    }
}
