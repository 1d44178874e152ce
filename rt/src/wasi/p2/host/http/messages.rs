//! Requests, responses, their options and futures, and the outgoing
//! handler that sends a request on the event loop.

use super::bodies::{IncomingBody, IncomingSource, OutgoingBody, OutgoingBodyStream};
use super::client::{self, Delivery, Destination, Timeouts, DEFAULT_TIMEOUT};
use super::fields::Fields;
use crate::component::abi::{Borrow, Cx, Own};
use crate::traps::Trap;
use crate::wasi::p2::bindings::wasi_http_types::{ErrorCode, Method, Scheme};
use crate::wasi::p2::host::wasi_io_poll::Pollable;
use crate::wasi::p2::WasiP2;
use http::HeaderMap;
use std::sync::Arc;
use std::time::Duration;

/// Durations as WASI spells them: nanoseconds.
type Nanos = u64;

pub struct OutgoingRequest {
    method: Method,
    path_with_query: Option<String>,
    scheme: Option<Scheme>,
    authority: Option<String>,
    headers: HeaderMap,
    /// Taken by `body`: what hyper will send.
    body: Option<OutgoingBodyStream>,
    body_taken: bool,
}

pub fn outgoing_request_new(
    _: &mut Cx,
    headers: Own<Fields>,
) -> Result<Own<OutgoingRequest>, Trap> {
    Ok(Own(OutgoingRequest {
        method: Method::Get,
        path_with_query: None,
        scheme: None,
        authority: None,
        headers: headers.0.map,
        body: None,
        body_taken: false,
    }))
}

pub fn outgoing_request_body(
    cx: &mut Cx,
    this: Borrow<OutgoingRequest>,
) -> Result<Result<Own<OutgoingBody>, ()>, Trap> {
    let request = cx.get(&this)?;
    Ok(OutgoingBody::first(
        &mut request.body_taken,
        &mut request.body,
    ))
}

pub fn outgoing_request_method(cx: &mut Cx, this: Borrow<OutgoingRequest>) -> Result<Method, Trap> {
    Ok(cx.get(&this)?.method.clone())
}

fn method(m: &Method) -> Result<http::Method, ()> {
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
        Method::Other(s) => http::Method::from_bytes(s.as_bytes()).map_err(|_| ())?,
    })
}

fn wasi_method(m: &http::Method) -> Method {
    match *m {
        http::Method::GET => Method::Get,
        http::Method::HEAD => Method::Head,
        http::Method::POST => Method::Post,
        http::Method::PUT => Method::Put,
        http::Method::DELETE => Method::Delete,
        http::Method::CONNECT => Method::Connect,
        http::Method::OPTIONS => Method::Options,
        http::Method::TRACE => Method::Trace,
        http::Method::PATCH => Method::Patch,
        _ => Method::Other(m.as_str().to_string()),
    }
}

type Set = Result<Result<(), ()>, Trap>;

pub fn outgoing_request_set_method(cx: &mut Cx, this: Borrow<OutgoingRequest>, m: Method) -> Set {
    let request = cx.get(&this)?;
    Ok(method(&m).map(|_| request.method = m))
}

pub fn outgoing_request_path_with_query(
    cx: &mut Cx,
    this: Borrow<OutgoingRequest>,
) -> Result<Option<String>, Trap> {
    Ok(cx.get(&this)?.path_with_query.clone())
}

pub fn outgoing_request_set_path_with_query(
    cx: &mut Cx,
    this: Borrow<OutgoingRequest>,
    path: Option<String>,
) -> Set {
    let request = cx.get(&this)?;
    if let Some(p) = &path {
        if http::uri::PathAndQuery::try_from(p.as_str()).is_err() {
            return Ok(Err(()));
        }
    }
    request.path_with_query = path;
    Ok(Ok(()))
}

pub fn outgoing_request_scheme(
    cx: &mut Cx,
    this: Borrow<OutgoingRequest>,
) -> Result<Option<Scheme>, Trap> {
    Ok(cx.get(&this)?.scheme.clone())
}

pub fn outgoing_request_set_scheme(
    cx: &mut Cx,
    this: Borrow<OutgoingRequest>,
    scheme: Option<Scheme>,
) -> Set {
    let request = cx.get(&this)?;
    if let Some(Scheme::Other(s)) = &scheme {
        if http::uri::Scheme::try_from(s.as_str()).is_err() {
            return Ok(Err(()));
        }
    }
    request.scheme = scheme;
    Ok(Ok(()))
}

pub fn outgoing_request_authority(
    cx: &mut Cx,
    this: Borrow<OutgoingRequest>,
) -> Result<Option<String>, Trap> {
    Ok(cx.get(&this)?.authority.clone())
}

pub fn outgoing_request_set_authority(
    cx: &mut Cx,
    this: Borrow<OutgoingRequest>,
    authority: Option<String>,
) -> Set {
    let request = cx.get(&this)?;
    if let Some(a) = &authority {
        if http::uri::Authority::try_from(a.as_str()).is_err() {
            return Ok(Err(()));
        }
    }
    request.authority = authority;
    Ok(Ok(()))
}

pub fn outgoing_request_headers(
    cx: &mut Cx,
    this: Borrow<OutgoingRequest>,
) -> Result<Own<Fields>, Trap> {
    Ok(Own(Fields::immutable(cx.get(&this)?.headers.clone())))
}

#[derive(Default)]
pub struct RequestOptions {
    connect: Option<Nanos>,
    first_byte: Option<Nanos>,
    between_bytes: Option<Nanos>,
}

pub fn request_options_new(_: &mut Cx) -> Result<Own<RequestOptions>, Trap> {
    Ok(Own(RequestOptions::default()))
}

pub fn request_options_connect_timeout(
    cx: &mut Cx,
    this: Borrow<RequestOptions>,
) -> Result<Option<Nanos>, Trap> {
    Ok(cx.get(&this)?.connect)
}

pub fn request_options_set_connect_timeout(
    cx: &mut Cx,
    this: Borrow<RequestOptions>,
    d: Option<Nanos>,
) -> Set {
    cx.get(&this)?.connect = d;
    Ok(Ok(()))
}

pub fn request_options_first_byte_timeout(
    cx: &mut Cx,
    this: Borrow<RequestOptions>,
) -> Result<Option<Nanos>, Trap> {
    Ok(cx.get(&this)?.first_byte)
}

pub fn request_options_set_first_byte_timeout(
    cx: &mut Cx,
    this: Borrow<RequestOptions>,
    d: Option<Nanos>,
) -> Set {
    cx.get(&this)?.first_byte = d;
    Ok(Ok(()))
}

pub fn request_options_between_bytes_timeout(
    cx: &mut Cx,
    this: Borrow<RequestOptions>,
) -> Result<Option<Nanos>, Trap> {
    Ok(cx.get(&this)?.between_bytes)
}

pub fn request_options_set_between_bytes_timeout(
    cx: &mut Cx,
    this: Borrow<RequestOptions>,
    d: Option<Nanos>,
) -> Set {
    cx.get(&this)?.between_bytes = d;
    Ok(Ok(()))
}

/// A response hyper received.
pub struct IncomingResponse {
    pub status: u16,
    pub headers: HeaderMap,
    /// Until `consume` takes it.
    pub body: Option<IncomingSource>,
}

pub fn incoming_response_status(cx: &mut Cx, this: Borrow<IncomingResponse>) -> Result<u16, Trap> {
    Ok(cx.get(&this)?.status)
}

pub fn incoming_response_headers(
    cx: &mut Cx,
    this: Borrow<IncomingResponse>,
) -> Result<Own<Fields>, Trap> {
    Ok(Own(Fields::immutable(cx.get(&this)?.headers.clone())))
}

/// Start reading a body; `Err` once it was taken, or if the event loop
/// cannot take it (the guest then sees no body).
fn consume(source: &mut Option<IncomingSource>) -> Result<Result<Own<IncomingBody>, ()>, Trap> {
    Ok(source
        .take()
        .ok_or(())
        .and_then(|s| IncomingBody::start(s).map_err(|_| ()))
        .map(Own))
}

pub fn incoming_response_consume(
    cx: &mut Cx,
    this: Borrow<IncomingResponse>,
) -> Result<Result<Own<IncomingBody>, ()>, Trap> {
    consume(&mut cx.get(&this)?.body)
}

type ResponseOutcome = Option<Result<Result<Own<IncomingResponse>, ErrorCode>, ()>>;

pub struct FutureIncomingResponse(Arc<Delivery<Result<IncomingResponse, ErrorCode>>>);

pub fn future_incoming_response_subscribe(
    cx: &mut Cx,
    this: Borrow<FutureIncomingResponse>,
) -> Result<Own<Pollable>, Trap> {
    Ok(Own(cx.get(&this)?.0.signal.pollable()))
}

pub fn future_incoming_response_get(
    cx: &mut Cx,
    this: Borrow<FutureIncomingResponse>,
) -> Result<ResponseOutcome, Trap> {
    Ok(cx.get(&this)?.0.take().map(|r| r.map(|r| r.map(Own))))
}

/// A request a server received (`kiln serve`).
pub struct IncomingRequest {
    pub method: http::Method,
    pub path_with_query: Option<String>,
    pub scheme: Option<Scheme>,
    pub authority: Option<String>,
    pub headers: HeaderMap,
    pub body: Option<IncomingSource>,
}

pub fn incoming_request_method(cx: &mut Cx, this: Borrow<IncomingRequest>) -> Result<Method, Trap> {
    Ok(wasi_method(&cx.get(&this)?.method))
}

pub fn incoming_request_path_with_query(
    cx: &mut Cx,
    this: Borrow<IncomingRequest>,
) -> Result<Option<String>, Trap> {
    Ok(cx.get(&this)?.path_with_query.clone())
}

pub fn incoming_request_scheme(
    cx: &mut Cx,
    this: Borrow<IncomingRequest>,
) -> Result<Option<Scheme>, Trap> {
    Ok(cx.get(&this)?.scheme.clone())
}

pub fn incoming_request_authority(
    cx: &mut Cx,
    this: Borrow<IncomingRequest>,
) -> Result<Option<String>, Trap> {
    Ok(cx.get(&this)?.authority.clone())
}

pub fn incoming_request_headers(
    cx: &mut Cx,
    this: Borrow<IncomingRequest>,
) -> Result<Own<Fields>, Trap> {
    Ok(Own(Fields::immutable(cx.get(&this)?.headers.clone())))
}

pub fn incoming_request_consume(
    cx: &mut Cx,
    this: Borrow<IncomingRequest>,
) -> Result<Result<Own<IncomingBody>, ()>, Trap> {
    consume(&mut cx.get(&this)?.body)
}

pub struct OutgoingResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Option<OutgoingBodyStream>,
    body_taken: bool,
}

impl OutgoingResponse {
    /// A response with its body already set, as a server sends it.
    pub fn with_body(
        status: u16,
        headers: HeaderMap,
        body: OutgoingBodyStream,
    ) -> OutgoingResponse {
        OutgoingResponse {
            status,
            headers,
            body: Some(body),
            body_taken: true,
        }
    }
}

pub fn outgoing_response_new(
    _: &mut Cx,
    headers: Own<Fields>,
) -> Result<Own<OutgoingResponse>, Trap> {
    Ok(Own(OutgoingResponse {
        status: 200,
        headers: headers.0.map,
        body: None,
        body_taken: false,
    }))
}

pub fn outgoing_response_status_code(
    cx: &mut Cx,
    this: Borrow<OutgoingResponse>,
) -> Result<u16, Trap> {
    Ok(cx.get(&this)?.status)
}

pub fn outgoing_response_set_status_code(
    cx: &mut Cx,
    this: Borrow<OutgoingResponse>,
    status: u16,
) -> Set {
    let response = cx.get(&this)?;
    if http::StatusCode::from_u16(status).is_err() {
        return Ok(Err(()));
    }
    response.status = status;
    Ok(Ok(()))
}

pub fn outgoing_response_headers(
    cx: &mut Cx,
    this: Borrow<OutgoingResponse>,
) -> Result<Own<Fields>, Trap> {
    Ok(Own(Fields::immutable(cx.get(&this)?.headers.clone())))
}

pub fn outgoing_response_body(
    cx: &mut Cx,
    this: Borrow<OutgoingResponse>,
) -> Result<Result<Own<OutgoingBody>, ()>, Trap> {
    let response = cx.get(&this)?;
    Ok(OutgoingBody::first(
        &mut response.body_taken,
        &mut response.body,
    ))
}

/// Where a server's guest puts its response (`kiln serve`).
pub struct ResponseOutparam(pub tokio::sync::oneshot::Sender<Result<OutgoingResponse, ErrorCode>>);

pub fn response_outparam_send_informational(
    cx: &mut Cx,
    this: Borrow<ResponseOutparam>,
    _status: u16,
    _headers: Own<Fields>,
) -> Result<Result<(), ErrorCode>, Trap> {
    cx.get(&this)?;
    Ok(Err(client::internal(
        "informational responses are not sent by this host".into(),
    )))
}

pub fn response_outparam_set(
    _: &mut Cx,
    param: Own<ResponseOutparam>,
    response: Result<Own<OutgoingResponse>, ErrorCode>,
) -> Result<(), Trap> {
    let _ = param.0 .0.send(response.map(|r| r.0));
    crate::component::concurrent::hand_on_woken();
    Ok(())
}

/// `wasi:http/outgoing-handler.handle`: check the request, then send it on
/// the event loop.
pub fn handle(
    cx: &mut Cx,
    request: Own<OutgoingRequest>,
    options: Option<Own<RequestOptions>>,
) -> Result<Result<Own<FutureIncomingResponse>, ErrorCode>, Trap> {
    if !cx.host::<WasiP2>()?.network.http {
        return Ok(Err(ErrorCode::HTTPRequestDenied));
    }
    let options = options.map(|o| o.0).unwrap_or_default();
    let timeout = |ns: Option<Nanos>| ns.map_or(DEFAULT_TIMEOUT, Duration::from_nanos);
    let timeouts = Timeouts {
        connect: timeout(options.connect),
        first_byte: timeout(options.first_byte),
        between_bytes: timeout(options.between_bytes),
    };
    Ok(prepare(request.0)
        .and_then(|(request, to)| client::send(request, to, timeouts))
        .map(|d| Own(FutureIncomingResponse(d))))
}

/// The request hyper sends (origin-form target, `host` from the
/// authority) and where it goes.
fn prepare(
    mut r: OutgoingRequest,
) -> Result<(http::Request<OutgoingBodyStream>, Destination), ErrorCode> {
    let (tls, port) = match &r.scheme {
        None | Some(Scheme::HTTP) => (false, 80),
        Some(Scheme::HTTPS) => (true, 443),
        Some(Scheme::Other(_)) => return Err(ErrorCode::HTTPProtocolError),
    };
    let authority = r.authority.take().ok_or(ErrorCode::HTTPRequestURIInvalid)?;
    let parsed = http::uri::Authority::try_from(authority.as_str())
        .map_err(|_| ErrorCode::HTTPRequestURIInvalid)?;
    let to = Destination {
        host: parsed.host().to_string(),
        port: parsed.port_u16().unwrap_or(port),
        tls,
    };
    let method = method(&r.method).map_err(|_| ErrorCode::HTTPRequestMethodInvalid)?;
    let path = r.path_with_query.take().unwrap_or_else(|| "/".into());
    let mut request = http::Request::builder()
        .method(method)
        .uri(path)
        .body(r.body.take().unwrap_or_else(OutgoingBodyStream::empty))
        .map_err(|_| ErrorCode::HTTPRequestURIInvalid)?;
    *request.headers_mut() = std::mem::take(&mut r.headers);
    let host =
        http::HeaderValue::from_str(&authority).map_err(|_| ErrorCode::HTTPRequestURIInvalid)?;
    request.headers_mut().insert(http::header::HOST, host);
    Ok((request, to))
}
