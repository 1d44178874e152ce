//! wasi:http 0.3's client: `send` hands the request to the 0.2 host's
//! client (hyper on the event loop), and its call completes when the
//! response's head comes, while the guest goes on; the response's body is
//! read from hyper as the guest reads its stream. The request's body
//! streams to hyper as the guest writes it, or, for a served request the
//! guest forwards, as hyper receives it. The handler a component imports
//! (`wasi:http/handler`) sends the same way.

use super::http::{handed_back, Body, Request, Response, ServedBody};
use crate::component::abi::{Cx, Own};
use crate::component::concurrent::{Async, Later};
use crate::traps::Trap;
use crate::wasi::p2::bindings::wasi_http_types as v2;
use crate::wasi::p2::host::http::client::{self, Destination, Timeouts};
use crate::wasi::p2::host::http::OutgoingBodyStream;
use crate::wasi::p2::WasiP2;
use crate::wasi::p3::bindings::wasi_http_types::{ErrorCode, Method, Scheme};
use std::time::Duration;

/// A 0.2 failure as 0.3 names it: the same cases, but the payloads' types.
fn code(e: v2::ErrorCode) -> ErrorCode {
    use v2::ErrorCode as A;
    use ErrorCode as B;
    match e {
        A::DNSTimeout => B::DNSTimeout,
        A::DestinationNotFound => B::DestinationNotFound,
        A::DestinationUnavailable => B::DestinationUnavailable,
        A::DestinationIPProhibited => B::DestinationIPProhibited,
        A::DestinationIPUnroutable => B::DestinationIPUnroutable,
        A::ConnectionRefused => B::ConnectionRefused,
        A::ConnectionTerminated => B::ConnectionTerminated,
        A::ConnectionTimeout => B::ConnectionTimeout,
        A::ConnectionReadTimeout => B::ConnectionReadTimeout,
        A::ConnectionWriteTimeout => B::ConnectionWriteTimeout,
        A::ConnectionLimitReached => B::ConnectionLimitReached,
        A::TLSProtocolError => B::TLSProtocolError,
        A::TLSCertificateError => B::TLSCertificateError,
        A::HTTPRequestDenied => B::HTTPRequestDenied,
        A::HTTPRequestMethodInvalid => B::HTTPRequestMethodInvalid,
        A::HTTPRequestURIInvalid => B::HTTPRequestURIInvalid,
        A::HTTPResponseIncomplete => B::HTTPResponseIncomplete,
        A::HTTPResponseTimeout => B::HTTPResponseTimeout,
        A::HTTPProtocolError => B::HTTPProtocolError,
        A::InternalError(m) => B::InternalError(m),
        other => B::InternalError(Some(format!("{other:?}"))),
    }
}

fn method(m: &Method) -> Result<http::Method, ErrorCode> {
    let invalid = || ErrorCode::HTTPRequestMethodInvalid;
    Ok(match m {
        Method::Get => http::Method::GET,
        Method::Head => http::Method::HEAD,
        Method::Post => http::Method::POST,
        Method::Put => http::Method::PUT,
        Method::Delete => http::Method::DELETE,
        Method::Connect => http::Method::CONNECT,
        Method::Options => http::Method::OPTIONS,
        Method::Trace => http::Method::TRACE,
        Method::Patch => http::Method::PATCH,
        Method::Other(s) => http::Method::from_bytes(s.as_bytes()).map_err(|_| invalid())?,
    })
}

/// The request hyper sends (origin-form target, `host` from the
/// authority), where it goes, and its timeouts.
fn outgoing(
    cx: &mut Cx,
    r: Request,
) -> Result<(http::Request<OutgoingBodyStream>, Destination, Timeouts), ErrorCode> {
    let (tls, port) = match &r.scheme {
        None | Some(Scheme::HTTP) => (false, 80),
        Some(Scheme::HTTPS) => (true, 443),
        Some(Scheme::Other(_)) => return Err(ErrorCode::HTTPProtocolError),
    };
    let authority = r
        .authority
        .clone()
        .ok_or(ErrorCode::HTTPRequestURIInvalid)?;
    let parsed = http::uri::Authority::try_from(authority.as_str())
        .map_err(|_| ErrorCode::HTTPRequestURIInvalid)?;
    let to = Destination {
        host: parsed.host().to_string(),
        port: parsed.port_u16().unwrap_or(port),
        tls,
    };
    let options = r.options.clone().unwrap_or_default();
    let timeout = |ns: Option<u64>| ns.map_or(client::DEFAULT_TIMEOUT, Duration::from_nanos);
    let timeouts = Timeouts {
        connect: timeout(options.connect()),
        first_byte: timeout(options.first_byte()),
        between_bytes: timeout(options.between_bytes()),
    };
    let m = method(&r.method)?;
    let path = r.path_with_query.clone().unwrap_or_else(|| "/".into());
    let delivered = r.delivered;
    let body = match r.body {
        Body::Guest(stream, trailers)
            if let Some(out) = handed_back(&stream, &trailers, cx.concurrency()) =>
        {
            if let Some(d) = delivered {
                d.write(Ok(()))
                    .map_err(|t| ErrorCode::InternalError(Some(t.message())))?;
            }
            out
        }
        Body::Guest(stream, trailers) => {
            let (sender, budget, out) = OutgoingBodyStream::channel();
            let body = ServedBody::new(sender, budget, trailers, delivered);
            stream.sink(cx, Box::new(body));
            out
        }
        // A served request forwarded, or a response's body sent on.
        Body::Incoming(body, _) => OutgoingBodyStream::forwarded(bytes::Bytes::new(), body),
        Body::None | Body::Taken => {
            if let Some(d) = delivered {
                d.write(Ok(()))
                    .map_err(|t| ErrorCode::InternalError(Some(t.message())))?;
            }
            OutgoingBodyStream::empty()
        }
    };
    let mut request = http::Request::builder()
        .method(m)
        .uri(path)
        .body(body)
        .map_err(|_| ErrorCode::HTTPRequestURIInvalid)?;
    *request.headers_mut() = r.headers;
    let host =
        http::HeaderValue::from_str(&authority).map_err(|_| ErrorCode::HTTPRequestURIInvalid)?;
    request.headers_mut().insert(http::header::HOST, host);
    Ok((request, to, timeouts))
}

pub mod wasi_http_client {
    use super::*;

    pub fn send(
        cx: &mut Cx,
        request: Own<Request>,
    ) -> Result<Async<Result<Own<Response>, ErrorCode>>, Trap> {
        if !cx.host::<WasiP2>()?.network.http {
            return Ok(Async::Ready(Err(ErrorCode::HTTPRequestDenied)));
        }
        let exchange = outgoing(cx, request.0).and_then(|(request, to, timeouts)| {
            client::request_future(request, to, timeouts).map_err(code)
        });
        let exchange = match exchange {
            Ok(e) => e,
            Err(e) => return Ok(Async::Ready(Err(e))),
        };
        let runtime = client::runtime()
            .map_err(|e| internal(&e))?
            .handle()
            .clone();
        Ok(Async::Later(Later::new(exchange, move |response, _| {
            let r = match response {
                Ok(r) => r,
                Err(e) => return Ok(Err(code(e))),
            };
            let body = match r.body {
                Some(source) => Body::Incoming(source.body, runtime),
                None => Body::None,
            };
            Ok(Ok(Own(Response {
                status: r.status,
                headers: r.headers,
                body,
                delivered: None,
            })))
        })))
    }

    fn internal(e: &v2::ErrorCode) -> Trap {
        Trap {
            kind: crate::traps::TrapKind::Host(format!("wasi:http: {e:?}")),
            backtrace: vec![],
        }
    }
}

/// The `via` entry (RFC 9110's) that an imported handler adds to what it
/// sends: this process's own, random, so that `kiln serve` knows a
/// request its guest sent back to it.
pub fn via() -> &'static http::HeaderValue {
    static VIA: std::sync::OnceLock<http::HeaderValue> = std::sync::OnceLock::new();
    VIA.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        // Seeded from the operating system's randomness.
        let id = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        http::HeaderValue::from_str(&format!("1.1 kiln-{id:016x}")).expect("a valid header")
    })
}

/// The handler a component imports (the `middleware` world's next
/// handler). Nothing is composed after it on a host, so the request goes
/// where its URL says, as `client.send` sends it, under the same grant,
/// with this host's `via` entry added, as a proxy adds it.
pub mod wasi_http_handler {
    use super::*;

    pub fn handle(
        cx: &mut Cx,
        mut request: Own<Request>,
    ) -> Result<Async<Result<Own<Response>, ErrorCode>>, Trap> {
        request.0.headers.append(http::header::VIA, via().clone());
        super::wasi_http_client::send(cx, request)
    }
}
