//! Each request goes on through the handler this component imports,
//! which a host with nothing composed after it sends where the request's
//! URL says. `ORIGIN` (host:port), if set, is where that is.
//! - A request with an `x-rewrite` header is rebuilt first: a new request
//!   with the same method, path and body stream, and an
//!   `x-test: via-middleware` header.
//! - Any other request goes on as it came, body and all.
//! - The answer comes back as the next handler gave it; its failure is a
//!   502 saying which error code it was.

include!(concat!(env!("OUT_DIR"), "/bindings.rs"));

use exports::wasi::http::handler::Guest;
use wasi::http::handler;
use wasi::http::types::{ErrorCode, Fields, Request, Response, Scheme};

struct Middleware;

export!(Middleware);

impl Guest for Middleware {
    async fn handle(request: Request) -> Result<Response, ErrorCode> {
        if let Ok(origin) = std::env::var("ORIGIN") {
            request.set_scheme(Some(&Scheme::Http)).unwrap();
            request.set_authority(Some(&origin)).unwrap();
        }
        let request = if request.get_headers().has("x-rewrite") {
            rebuilt(request)
        } else {
            request
        };
        match handler::handle(request).await {
            Ok(response) => Ok(response),
            Err(e) => Ok(failed(&format!("{e:?}\n"))),
        }
    }
}

/// `request` as a new request around its body's stream, with one more
/// header.
fn rebuilt(request: Request) -> Request {
    let headers = request.get_headers().clone();
    headers.append("x-test", b"via-middleware").unwrap();
    let method = request.get_method();
    let path = request.get_path_with_query();
    let scheme = request.get_scheme();
    let authority = request.get_authority();
    let (done_tx, done_rx) = wit_future::new(|| Ok(()));
    drop(done_tx);
    let (body, trailers) = Request::consume_body(request, done_rx);
    let (new, _delivered) = Request::new(headers, Some(body), trailers, None);
    new.set_method(&method).unwrap();
    new.set_path_with_query(path.as_deref()).unwrap();
    new.set_scheme(scheme.as_ref()).unwrap();
    new.set_authority(authority.as_deref()).unwrap();
    new
}

/// A 502 whose body is `text`.
fn failed(text: &str) -> Response {
    let (mut tx, rx) = wit_stream::new();
    let text = text.as_bytes().to_vec();
    wit_bindgen::spawn_local(async move {
        let rest = tx.write_all(text).await;
        assert!(rest.is_empty());
    });
    let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
    drop(trailers_tx);
    let (response, _delivered) = Response::new(Fields::new(), Some(rx), trailers_rx);
    response.set_status_code(502).unwrap();
    response
}
