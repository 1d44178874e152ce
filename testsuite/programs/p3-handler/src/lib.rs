//! Routes:
//! - `/hello`: a greeting, its body written after the response is
//!   returned, by a task the handler leaves running;
//! - `/upper`: the request's body streamed back upper-cased, each chunk
//!   as it arrives, then the request's own trailers future as the
//!   response's (its `trailer` header too);
//! - `/echo`: the request's body read whole, then answered with its
//!   content type;
//! - `/request`: what the handler saw (method, path, scheme, authority,
//!   the `x-*` headers);
//! - `/status/N`: an empty answer with status N;
//! - `/trailers`: the request's body back, then trailers: its length
//!   (`x-length`) and each of the request's trailers renamed `x-echo-*`,
//!   declared in a `trailer` header as HTTP/1.1 wants;
//! - `/mirror`: the request's body stream as the response's, handed on
//!   unread, with trailers of the handler's own (`x-mirrored: yes`), not
//!   the request's;
//! - `/visits`: two counters of visits, one in initialized data (the
//!   memory image), one in zeroed data, each counted up by one: a fresh
//!   instance answers `data 1001 zeroed 1`;
//! - `/file/NAME`: the file NAME of the first preopened directory, its
//!   read stream the response's body as it is (the handler does not wait
//!   for it);
//! - `/trap`: traps before answering;
//! - `/forever`: never answers, in a loop;
//! - `/sleep`: answers after an hour on the clock;
//! - anything else: 404.

use wasip3::http::types::{ErrorCode, Fields, Request, Response, Scheme};
use wasip3::wit_bindgen::{self, StreamResult};
use std::sync::atomic::{AtomicU32, Ordering};
use wasip3::{wit_future, wit_stream};

wasip3::http::service::export!(Handler);

struct Handler;

static VISITS_IN_DATA: AtomicU32 = AtomicU32::new(1000);
static VISITS_IN_ZEROED: AtomicU32 = AtomicU32::new(0);

type Trailers = wit_bindgen::FutureReader<Result<Option<Fields>, ErrorCode>>;

/// A response with `headers` whose body `write` writes after the handler
/// returned it, and `trailers` (none if not given).
fn respond(
    status: u16,
    headers: &[(&str, &[u8])],
    write: impl std::future::Future<Output = ()> + 'static,
    trailers: Option<Trailers>,
    rx: Option<wit_bindgen::StreamReader<u8>>,
) -> Response {
    let fields = Fields::new();
    for (name, value) in headers {
        fields.append(name, value).expect("a valid header");
    }
    let trailers = trailers.unwrap_or_else(|| {
        let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
        drop(trailers_tx);
        trailers_rx
    });
    let (response, _delivered) = Response::new(fields, rx, trailers);
    response.set_status_code(status).expect("a valid status");
    wit_bindgen::spawn_local(write);
    response
}

fn text(status: u16, body: String) -> Response {
    let (mut tx, rx) = wit_stream::new();
    let write = async move {
        let rest = tx.write_all(body.into_bytes()).await;
        assert!(rest.is_empty());
    };
    respond(
        status,
        &[("content-type", b"text/plain")],
        write,
        None,
        Some(rx),
    )
}

/// The file `name` of the first preopened directory as the body, or a
/// 404 saying why not.
async fn file(name: &str) -> Response {
    use wasip3::filesystem::types::{DescriptorFlags, OpenFlags, PathFlags};
    let dirs = wasip3::filesystem::preopens::get_directories();
    let Some((dir, _)) = dirs.first() else {
        return text(404, "no directory\n".into());
    };
    let opened = dir
        .open_at(PathFlags::empty(), name.into(), OpenFlags::empty(), DescriptorFlags::READ)
        .await;
    match opened {
        Ok(file) => {
            let (bytes, _read) = file.read_via_stream(0);
            let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
            drop(trailers_tx);
            Response::new(Fields::new(), Some(bytes), trailers_rx).0
        }
        Err(e) => text(404, format!("{e:?}\n")),
    }
}

impl wasip3::exports::http::handler::Guest for Handler {
    async fn handle(request: Request) -> Result<Response, ErrorCode> {
        let path = request.get_path_with_query().unwrap_or_default();
        match path.as_str() {
            "/hello" => Ok(text(200, "Hello from a WASI 0.3 handler!\n".into())),
            "/upper" => {
                let declared = request.get_headers().get("trailer");
                let headers: Vec<_> = declared.iter().map(|v| ("trailer", &v[..])).collect();
                let (res_tx, res_rx) = wit_future::new(|| Ok(()));
                drop(res_tx);
                let (mut body, trailers) = Request::consume_body(request, res_rx);
                let (mut tx, rx) = wit_stream::new();
                let write = async move {
                    loop {
                        let (result, chunk) = body.read(Vec::with_capacity(16 * 1024)).await;
                        match result {
                            StreamResult::Complete(_) => {
                                let rest = tx.write_all(chunk.to_ascii_uppercase()).await;
                                assert!(rest.is_empty());
                            }
                            _ => break,
                        }
                    }
                };
                Ok(respond(200, &headers, write, Some(trailers), Some(rx)))
            }
            "/echo" => {
                let content_type = request.get_headers().get("content-type");
                let content_type = content_type
                    .first()
                    .map(|v| String::from_utf8_lossy(v).into_owned())
                    .unwrap_or_else(|| "application/octet-stream".into());
                let (res_tx, res_rx) = wit_future::new(|| Ok(()));
                drop(res_tx);
                let (body, _trailers) = Request::consume_body(request, res_rx);
                let body = body.collect().await;
                let (mut tx, rx) = wit_stream::new();
                let write = async move {
                    let rest = tx.write_all(body).await;
                    assert!(rest.is_empty());
                };
                let headers = [("content-type", content_type.as_bytes())];
                Ok(respond(200, &headers, write, None, Some(rx)))
            }
            p if p.starts_with("/request") => {
                let method = format!("{:?}", request.get_method());
                let scheme = match request.get_scheme() {
                    Some(Scheme::Http) => "http".to_string(),
                    Some(Scheme::Https) => "https".to_string(),
                    Some(Scheme::Other(s)) => s,
                    None => "none".to_string(),
                };
                let authority = request.get_authority().unwrap_or_default();
                let mut headers: Vec<(String, Vec<u8>)> = request
                    .get_headers()
                    .copy_all()
                    .into_iter()
                    .filter(|(n, _)| n.starts_with("x-"))
                    .collect();
                headers.sort();
                let mut body = format!("{method} {path} {scheme} {authority}\n");
                for (n, v) in headers {
                    body += &format!("{n}: {}\n", String::from_utf8_lossy(&v));
                }
                Ok(text(200, body))
            }
            "/trailers" => {
                let (res_tx, res_rx) = wit_future::new(|| Ok(()));
                drop(res_tx);
                let (body, theirs) = Request::consume_body(request, res_rx);
                let body = body.collect().await;
                let trailers = Fields::new();
                let length = body.len().to_string();
                trailers.append("x-length", length.as_bytes()).unwrap();
                let mut declared = vec!["x-length".to_string()];
                if let Ok(Some(theirs)) = theirs.await {
                    for (name, value) in theirs.copy_all() {
                        let name = format!("x-echo-{name}");
                        trailers.append(&name, &value).unwrap();
                        declared.push(name);
                    }
                }
                let headers = Fields::new();
                headers
                    .append("trailer", declared.join(", ").as_bytes())
                    .unwrap();
                let (mut tx, rx) = wit_stream::new();
                let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
                let (response, _delivered) = Response::new(headers, Some(rx), trailers_rx);
                wit_bindgen::spawn_local(async move {
                    let rest = tx.write_all(body).await;
                    assert!(rest.is_empty());
                    drop(tx);
                    let _ = trailers_tx.write(Ok(Some(trailers))).await;
                });
                Ok(response)
            }
            "/mirror" => {
                let (res_tx, res_rx) = wit_future::new(|| Ok(()));
                drop(res_tx);
                let (body, _theirs) = Request::consume_body(request, res_rx);
                let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
                let headers = Fields::new();
                headers.append("trailer", b"x-mirrored").unwrap();
                let (response, _delivered) = Response::new(headers, Some(body), trailers_rx);
                wit_bindgen::spawn_local(async move {
                    let trailers = Fields::new();
                    trailers.append("x-mirrored", b"yes").unwrap();
                    let _ = trailers_tx.write(Ok(Some(trailers))).await;
                });
                Ok(response)
            }
            "/visits" => {
                let data = VISITS_IN_DATA.fetch_add(1, Ordering::Relaxed) + 1;
                let zeroed = VISITS_IN_ZEROED.fetch_add(1, Ordering::Relaxed) + 1;
                Ok(text(200, format!("data {data} zeroed {zeroed}\n")))
            }
            p if p.starts_with("/file/") => Ok(file(&p["/file/".len()..]).await),
            "/trap" => panic!("the handler traps on purpose"),
            "/forever" => loop {
                std::hint::black_box(0);
            },
            "/sleep" => {
                wasip3::clocks::monotonic_clock::wait_for(3600 * 1_000_000_000).await;
                Ok(text(200, "slept an hour\n".into()))
            }
            p if p.starts_with("/status/") => {
                let status = p["/status/".len()..].parse().unwrap_or(500);
                Ok(respond(status, &[], async {}, None, None))
            }
            _ => Ok(text(404, "not found\n".into())),
        }
    }
}
