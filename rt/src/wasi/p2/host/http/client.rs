//! wasi:http's client on the event loop (the runtime's one tokio worker,
//! `concurrent::event_loop`), on which hyper sends requests over HTTP/1.1
//! and reads their responses while the guest runs. What the
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
    crate::component::concurrent::event_loop().map_err(internal)
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
        let _ = crate::component::concurrent::blocking(|| poll(&mut fds, None));
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

/// Where a request goes.
pub struct Destination {
    pub host: String,
    pub port: u16,
    pub tls: bool,
}

/// Send `request` to `to` on the event loop; its response (or failure)
/// arrives in the returned delivery.
pub fn send(
    request: http::Request<OutgoingBodyStream>,
    to: Destination,
    timeouts: Timeouts,
) -> Result<Arc<Delivery<Result<IncomingResponse, ErrorCode>>>, ErrorCode> {
    let exchange = request_future(request, to, timeouts)?;
    let delivery = Delivery::new()?;
    let sink = delivery.clone();
    runtime()?.spawn(async move {
        sink.deliver(exchange.await);
    });
    Ok(delivery)
}

/// Send `request` to `to` when the returned future runs on the event
/// loop: its response, or its failure.
pub fn request_future(
    request: http::Request<OutgoingBodyStream>,
    to: Destination,
    timeouts: Timeouts,
) -> Result<impl std::future::Future<Output = Result<IncomingResponse, ErrorCode>> + Send, ErrorCode>
{
    let tls = if to.tls { Some(tls()?) } else { None };
    Ok(exchange(request, to, tls, timeouts))
}

/// The TLS client: Mozilla's roots (webpki-roots), as wasmtime trusts,
/// and the certificates of the PEM file `SSL_CERT_FILE` names, if set.
fn tls() -> Result<tokio_rustls::TlsConnector, ErrorCode> {
    static CONNECTOR: OnceLock<Result<tokio_rustls::TlsConnector, String>> = OnceLock::new();
    let made = CONNECTOR.get_or_init(|| {
        use rustls::pki_types::{pem::PemObject, CertificateDer};
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(file) = std::env::var_os("SSL_CERT_FILE") {
            let certs = CertificateDer::pem_file_iter(&file)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("SSL_CERT_FILE {}: {e}", file.to_string_lossy()))?;
            roots.add_parsable_certificates(certs);
        }
        // ring, not aws-lc-rs (whose build needs more than a C compiler);
        // rustls deprecates it only for lacking post-quantum key exchange.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
    });
    made.clone().map_err(internal)
}

/// What a TLS handshake failing means to the guest.
fn tls_code(e: &std::io::Error) -> ErrorCode {
    use crate::wasi::p2::bindings::wasi_http_types::TLSAlertReceivedPayload;
    match e.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
        Some(rustls::Error::InvalidCertificate(_)) => ErrorCode::TLSCertificateError,
        Some(rustls::Error::AlertReceived(alert)) => {
            ErrorCode::TLSAlertReceived(TLSAlertReceivedPayload {
                alert_id: Some(u8::from(*alert)),
                alert_message: Some(format!("{alert:?}")),
            })
        }
        _ => ErrorCode::TLSProtocolError,
    }
}

async fn exchange(
    request: http::Request<OutgoingBodyStream>,
    to: Destination,
    tls: Option<tokio_rustls::TlsConnector>,
    timeouts: Timeouts,
) -> Result<IncomingResponse, ErrorCode> {
    use hyper_util::rt::TokioIo;
    use tokio::time::timeout;
    let stream = connect(&to, timeouts.connect).await?;
    match tls {
        None => over(TokioIo::new(stream), request, timeouts).await,
        Some(connector) => {
            // An IPv6 literal is named without its brackets.
            let host = to.host.trim_start_matches('[').trim_end_matches(']');
            let name = rustls::pki_types::ServerName::try_from(host.to_string())
                .map_err(|_| ErrorCode::HTTPRequestURIInvalid)?;
            let stream = timeout(timeouts.connect, connector.connect(name, stream))
                .await
                .map_err(|_| ErrorCode::ConnectionTimeout)?
                .map_err(|e| tls_code(&e))?;
            over(TokioIo::new(stream), request, timeouts).await
        }
    }
}

async fn connect(to: &Destination, limit: Duration) -> Result<tokio::net::TcpStream, ErrorCode> {
    use tokio::time::timeout;
    let addr = format!("{}:{}", to.host, to.port);
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
    let stream = timeout(limit, tokio::net::TcpStream::connect(&addrs[..]))
        .await
        .map_err(|_| ErrorCode::ConnectionTimeout)?
        .map_err(|e| connect_code(&e))?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// The request and its response over a connection, plain or TLS.
async fn over<I>(
    io: I,
    request: http::Request<OutgoingBodyStream>,
    timeouts: Timeouts,
) -> Result<IncomingResponse, ErrorCode>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    use tokio::time::timeout;
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
