//! The server side of wasi:http, for `kiln serve`: a request hyper
//! received becomes an `incoming-request`, and the `outgoing-response`
//! the guest sets becomes hyper's response, its body streamed from the
//! guest's writes while the guest goes on.

use super::bodies::{IncomingSource, OutgoingBodyStream};
use super::client::DEFAULT_TIMEOUT;
use super::fields::without_forbidden;
use super::messages::{IncomingRequest, OutgoingResponse, ResponseOutparam};
use crate::wasi::p2::bindings::wasi_http_types::{ErrorCode, Scheme};

/// What the guest answered: a response, or the error it set instead.
pub type Answer = Result<OutgoingResponse, ErrorCode>;

/// `request` as the guest sees it. The authority is the target's, else
/// the `host` header's; the scheme is `http`, which is all this server
/// speaks.
pub fn incoming_request(request: http::Request<hyper::body::Incoming>) -> IncomingRequest {
    let (parts, body) = request.into_parts();
    let authority = parts.uri.authority().map(|a| a.to_string()).or_else(|| {
        let host = parts.headers.get(http::header::HOST)?;
        host.to_str().ok().map(str::to_string)
    });
    IncomingRequest {
        method: parts.method,
        path_with_query: parts.uri.path_and_query().map(|p| p.to_string()),
        scheme: Some(Scheme::HTTP),
        authority,
        headers: without_forbidden(parts.headers),
        body: Some(IncomingSource {
            body,
            between_bytes: DEFAULT_TIMEOUT,
        }),
    }
}

/// A `response-outparam` for the guest, and where what it sets arrives.
pub fn response_outparam() -> (ResponseOutparam, tokio::sync::oneshot::Receiver<Answer>) {
    let (tx, rx) = tokio::sync::oneshot::channel();
    (ResponseOutparam(tx), rx)
}

/// The response hyper sends for the guest's `response`.
pub fn hyper_response(response: OutgoingResponse) -> http::Response<OutgoingBodyStream> {
    let mut r = http::Response::new(response.body.unwrap_or_else(OutgoingBodyStream::empty));
    *r.status_mut() = http::StatusCode::from_u16(response.status).unwrap_or_default();
    *r.headers_mut() = response.headers;
    r
}
