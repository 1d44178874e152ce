//! `kiln serve`: a component exporting `wasi:http/incoming-handler` behind
//! an HTTP/1.1 server (hyper on tokio). Each request gets a fresh instance,
//! run on the worker that took it (`request.rs`), so that requests run
//! side by side on every core; one that traps or outlives its deadline is
//! answered 500 or 503 without harm to the others. SIGTERM or SIGINT stops
//! accepting and lets the requests in flight finish. Shared by `kiln
//! serve` and executables built with `kiln build --serve`.

mod deadlines;
mod held;
mod request;

use crate::component::program::check_imports;
use crate::component::Component;
use crate::entry::{Settings, ERROR_EXIT};
use crate::wasi::p2::host::http::OutgoingBodyStream;
use crate::wasi::p2::WasiP2;
use deadlines::Deadlines;
use request::{Handler, Outcome};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// wasmtime's default address.
pub const DEFAULT_ADDR: &str = "0.0.0.0:8080";

/// How long requests in flight may take to finish once the server is
/// told to stop.
const DRAIN: Duration = Duration::from_secs(30);

/// Serve `component` on `addr` until SIGTERM or SIGINT. `who` prefixes
/// error messages. Returns the exit status.
pub fn serve(component: &'static Component, who: &str, settings: &Settings, addr: &str) -> i32 {
    no_huge_pages();
    let handler = match prepare(component, settings) {
        Ok(h) => Arc::new(h),
        Err(e) => {
            eprintln!("{who}: {e}");
            return ERROR_EXIT;
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("kiln-serve")
        // Wasm runs on the workers and the blocking pool (`held.rs`): it
        // gets the stack it gets under `kiln run`.
        .thread_stack_size(settings.thread_stack_size())
        // Each thread that runs wasm keeps a signal stack for good; idle
        // threads live long, so bursts reuse them rather than make more.
        .thread_keep_alive(Duration::from_secs(3600))
        .build();
    let runtime = match runtime {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{who}: cannot start the server's event loop: {e}");
            return ERROR_EXIT;
        }
    };
    let watch = match held::watch(runtime.handle().clone()) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{who}: cannot start the server's watch over its workers: {e}");
            return ERROR_EXIT;
        }
    };
    let status = match runtime.block_on(accept(handler, addr)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{who}: {e}");
            ERROR_EXIT
        }
    };
    drop(watch);
    // A guest stuck in a host call past the drain holds its thread; the
    // process ends without it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    status
}

/// Transparent huge pages off for the whole server, `kiln serve`'s and a
/// built one's alike. The kiln CLI's
/// allocator asks for them on its heap, and the kernel's thread that
/// gathers small pages into huge ones holds the process's memory map for
/// milliseconds while it does: every request that faulted a page or
/// mapped memory meanwhile waited (10 to 20 ms, early in a server's life).
/// An instance that touches a few pages of its memory has no use for 2 MiB
/// ones either. Where the kernel refuses, nothing changes.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// What every request needs, checked once: the imports, the handler's
/// export, the WASI context each instance starts from.
fn prepare(component: &'static Component, settings: &Settings) -> Result<Handler, String> {
    check_imports(&component.description)?;
    let names = component.export_names();
    let handler = |prefix: &str| {
        names
            .iter()
            .find(|n| n.starts_with(prefix) && n.ends_with("#handle"))
    };
    let (export, p3) = match handler("wasi:http/handler@0.3.") {
        Some(e) => (e.clone(), true),
        None => {
            let e = handler("wasi:http/incoming-handler@0.2.").ok_or_else(|| {
                format!(
                    "the component exports neither `wasi:http/handler`'s `handle` (0.3.x) nor `wasi:http/incoming-handler`'s (0.2.x), which `kiln serve` calls; it exports: {}",
                    if names.is_empty() { "nothing".to_string() } else { names.join(", ") }
                )
            })?;
            (e.clone(), false)
        }
    };
    let wasi = WasiP2::new(
        vec!["kiln-serve".into()],
        settings.environment(),
        &settings.dirs,
    )?;
    Ok(Handler {
        component,
        export,
        p3,
        wasi: WasiP2 {
            network: settings.network,
            ..wasi
        },
        limits: settings.limits,
        stack_size: settings.thread_stack_size(),
        fuel: settings.fuel,
        deadlines: settings.timeout.map(Deadlines::start).transpose()?,
    })
}

async fn accept(handler: Arc<Handler>, addr: &str) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    eprintln!("Serving HTTP on http://{bound}/");
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let mut signals = Signals::new()?;
    loop {
        tokio::select! {
            _ = signals.next() => break,
            accepted = listener.accept() => {
                let Ok((socket, _)) = accepted else {
                    // Out of descriptors, say: let connections end first.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let _ = socket.set_nodelay(true);
                connections.spawn(connection(socket, handler.clone(), stop.clone()));
            }
            // Reap finished connections as we go.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(DRAIN, async {
        while connections.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        eprintln!("kiln serve: stopping with requests still in flight after {DRAIN:?}");
    }
    Ok(())
}

/// One connection, served until the client closes it or the server
/// stops: then the request in progress finishes, and no other starts.
async fn connection(
    socket: tokio::net::TcpStream,
    handler: Arc<Handler>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |r| {
        let handler = handler.clone();
        async move { Ok::<_, Infallible>(respond(handler, r).await) }
    });
    let io = hyper_util::rt::TokioIo::new(socket);
    let conn = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stop.wait_for(|s| *s) => conn.as_mut().graceful_shutdown(),
    }
    let _ = conn.await;
}

/// Run the guest on `request`, logging one line: method, path, status,
/// microseconds until the response's head, and of those, how many making
/// the instance (`instance=`, for a response from the guest).
async fn respond(
    handler: Arc<Handler>,
    request: http::Request<hyper::body::Incoming>,
) -> http::Response<Body> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let mut instance = String::new();
    let outcome = match came_back(&request) {
        true => Outcome::Failed {
            status: http::StatusCode::LOOP_DETECTED,
            why: "the request came back through a handler this server's guest imports (its `via` header names this server)".into(),
        },
        false => handler.run(request).await,
    };
    let response = match outcome {
        Outcome::Response(r, took) => {
            // To a tenth of a microsecond: it takes a few.
            instance = format!(" instance={:.1}us", took.as_nanos() as f64 / 1000.0);
            r.map(Body::Guest)
        }
        Outcome::Failed { status, why } => {
            eprintln!("kiln serve: {method} {path}: {why}");
            let reason = status.canonical_reason().unwrap_or("error");
            let mut r = http::Response::new(Body::Text(Some(format!("{reason}\n").into())));
            *r.status_mut() = status;
            r
        }
    };
    // One write: `eprintln!` writes each piece of its format by itself.
    let line = format!(
        "{method} {path} {} {}us{instance}\n",
        response.status().as_u16(),
        started.elapsed().as_micros()
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    response
}

/// Whether `request` is one this server's guest sent on through the
/// `wasi:http/handler` it imports (a middleware whose next hop is the
/// server itself), which would come back again and again.
fn came_back<B>(request: &http::Request<B>) -> bool {
    let ours = crate::wasi::p3::via();
    let ours = ours.to_str().unwrap_or_default();
    let vias = request.headers().get_all(http::header::VIA);
    vias.iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.split(',').any(|hop| hop.trim() == ours))
    })
}

/// A response body: the guest's, or the server's own text.
enum Body {
    Guest(OutgoingBodyStream),
    Text(Option<bytes::Bytes>),
}

impl http_body::Body for Body {
    type Data = bytes::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        use std::task::Poll;
        match self.get_mut() {
            Body::Guest(b) => std::pin::Pin::new(b)
                .poll_frame(cx)
                .map(|f| f.map(|f| f.map_err(Into::into))),
            Body::Text(t) => Poll::Ready(t.take().map(|t| Ok(http_body::Frame::data(t)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Guest(b) => b.is_end_stream(),
            Body::Text(t) => t.is_none(),
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self {
            Body::Guest(b) => b.size_hint(),
            Body::Text(t) => {
                http_body::SizeHint::with_exact(t.as_ref().map_or(0, |t| t.len() as u64))
            }
        }
    }
}

/// SIGTERM and SIGINT, either of which stops the server.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> Result<Signals, String> {
        use tokio::signal::unix::{signal, SignalKind};
        let watch = |kind| signal(kind).map_err(|e| format!("cannot watch for signals: {e}"));
        Ok(Signals {
            term: watch(SignalKind::terminate())?,
            int: watch(SignalKind::interrupt())?,
        })
    }

    async fn next(&mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
    }
}
