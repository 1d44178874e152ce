//! The event loop under wasi:http: a tokio runtime with one worker thread,
//! started by the first request, on which hyper sends requests over
//! HTTP/1.1 and reads their responses while the guest runs. What the
//! guest waits for is a [`Signal`]: an eventfd the loop raises, which its
//! pollables wait on with poll(2) beside files, sockets and clocks.

use super::bodies::{self, OutgoingBodyStream};
use super::messages::IncomingResponse;
use crate::wasi::p2::bindings::wasi_http_types::{DNSErrorPayload, ErrorCode};
use crate::wasi::p2::host::wasi_io_poll::Pollable;
use std::os::fd::OwnedFd;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// What a request waits for unless its options say otherwise (wasmtime's
/// defaults).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

pub fn runtime() -> Result<&'static tokio::runtime::Runtime, ErrorCode> {
    static LOOP: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(rt) = LOOP.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("kiln-http")
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| internal(format!("starting the HTTP event loop: {e}")))?;
    Ok(LOOP.get_or_init(|| rt))
}

pub fn internal(message: String) -> ErrorCode {
    ErrorCode::InternalError(Some(message))
}

/// Raised by the event loop, waited on by the guest: an eventfd, readable
/// while raised.
#[derive(Clone)]
pub struct Signal(Arc<OwnedFd>);

impl Signal {
    pub fn new() -> Result<Signal, ErrorCode> {
        use rustix::event::{eventfd, EventfdFlags};
        eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)
            .map(|fd| Signal(Arc::new(fd)))
            .map_err(|e| internal(format!("eventfd: {e}")))
    }

    pub fn raise(&self) {
        let _ = rustix::io::write(&*self.0, &1u64.to_ne_bytes());
    }

    pub fn lower(&self) {
        let mut count = [0u8; 8];
        let _ = rustix::io::read(&*self.0, &mut count);
    }

    pub fn pollable(&self) -> Pollable {
        Pollable::Readable(self.0.clone())
    }

    /// Block until raised.
    pub fn wait(&self) {
        use rustix::event::{poll, PollFd, PollFlags};
        let mut fds = [PollFd::new(&*self.0, PollFlags::IN)];
        let _ = poll(&mut fds, None);
    }
}

/// A value the event loop delivers once, and the guest takes once.
pub struct Delivery<T> {
    state: Mutex<Delivered<T>>,
    pub signal: Signal,
}

enum Delivered<T> {
    Pending,
    Ready(T),
    Taken,
}

impl<T> Delivery<T> {
    pub fn new() -> Result<Arc<Delivery<T>>, ErrorCode> {
        Ok(Arc::new(Delivery {
            state: Mutex::new(Delivered::Pending),
            signal: Signal::new()?,
        }))
    }

    pub fn deliver(&self, value: T) {
        *self.state.lock().unwrap() = Delivered::Ready(value);
        self.signal.raise();
    }

    /// `None` while pending; then the value once, then `Err(())`.
    pub fn take(&self) -> Option<Result<T, ()>> {
        let mut state = self.state.lock().unwrap();
        match std::mem::replace(&mut *state, Delivered::Taken) {
            Delivered::Pending => {
                *state = Delivered::Pending;
                None
            }
            Delivered::Ready(v) => Some(Ok(v)),
            Delivered::Taken => Some(Err(())),
        }
    }
}

/// The timeouts of one request.
#[derive(Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub first_byte: Duration,
    pub between_bytes: Duration,
}

/// What a request's I/O failing means to the guest.
pub fn hyper_code(e: &hyper::Error) -> ErrorCode {
    if e.is_timeout() {
        ErrorCode::ConnectionReadTimeout
    } else if e.is_parse() || e.is_parse_status() {
        ErrorCode::HTTPProtocolError
    } else if e.is_incomplete_message() {
        ErrorCode::HTTPResponseIncomplete
    } else if e.is_closed() || e.is_canceled() {
        ErrorCode::ConnectionTerminated
    } else {
        internal(e.to_string())
    }
}

fn connect_code(e: &std::io::Error) -> ErrorCode {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused => ErrorCode::ConnectionRefused,
        ConnectionReset | ConnectionAborted | BrokenPipe => ErrorCode::ConnectionTerminated,
        TimedOut => ErrorCode::ConnectionTimeout,
        HostUnreachable | NetworkUnreachable => ErrorCode::DestinationUnavailable,
        AddrNotAvailable => ErrorCode::DestinationIPUnroutable,
        _ => ErrorCode::ConnectionRefused,
    }
}

/// Send `request` to `addr` (`host:port`) on the event loop; its response
/// (or failure) arrives in the returned delivery.
pub fn send(
    request: http::Request<OutgoingBodyStream>,
    addr: String,
    timeouts: Timeouts,
) -> Result<Arc<Delivery<Result<IncomingResponse, ErrorCode>>>, ErrorCode> {
    let delivery = Delivery::new()?;
    let to = delivery.clone();
    runtime()?.spawn(async move {
        to.deliver(exchange(request, addr, timeouts).await);
    });
    Ok(delivery)
}

async fn exchange(
    request: http::Request<OutgoingBodyStream>,
    addr: String,
    timeouts: Timeouts,
) -> Result<IncomingResponse, ErrorCode> {
    use tokio::time::timeout;
    let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host(&addr)
        .await
        .map_err(|e| {
            ErrorCode::DNSError(DNSErrorPayload {
                rcode: Some(e.to_string()),
                info_code: Some(0),
            })
        })?
        .collect();
    if addrs.is_empty() {
        return Err(ErrorCode::DestinationNotFound);
    }
    let stream = timeout(timeouts.connect, tokio::net::TcpStream::connect(&addrs[..]))
        .await
        .map_err(|_| ErrorCode::ConnectionTimeout)?
        .map_err(|e| connect_code(&e))?;
    let _ = stream.set_nodelay(true);
    let io = hyper_util::rt::TokioIo::new(stream);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| hyper_code(&e))?;
    tokio::spawn(connection);
    let response = timeout(timeouts.first_byte, sender.send_request(request))
        .await
        .map_err(|_| ErrorCode::ConnectionReadTimeout)?
        .map_err(|e| hyper_code(&e))?;
    let (parts, body) = response.into_parts();
    Ok(IncomingResponse {
        status: parts.status.as_u16(),
        headers: super::fields::without_forbidden(parts.headers),
        body: Some(bodies::IncomingSource {
            body,
            between_bytes: timeouts.between_bytes,
        }),
    })
}
