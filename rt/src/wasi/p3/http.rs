//! wasi:http 0.3's types: fields (the 0.2 host's), requests, responses
//! and their options, with bodies as streams of the async ABI. A request
//! `kiln serve` received reads its body from hyper as the guest reads its
//! stream; a response's body stream is what the server sends, written to
//! hyper as the guest writes it. The client is `client.rs`.

use crate::component::abi::{Borrow, Bytes, Cx, Own};
use crate::component::concurrent::budget::Budget;
use crate::component::concurrent::{
    Concurrency, Ended, FutureReader, FutureWriter, Refill, Sink, Source,
};
use crate::component::concurrent::{StreamReader, StreamWriter};
use crate::traps::Trap;
use crate::wasi::p2::bindings::wasi_http_types as v2;
use crate::wasi::p2::host::http::wasi_http_types as p2;
use crate::wasi::p2::host::http::OutgoingBodyStream;
use crate::wasi::p3::bindings::wasi_http_types::{
    ErrorCode, HeaderError, Method, RequestOptionsError, Scheme,
};
use http::HeaderMap;
use std::pin::Pin;
use std::sync::Arc;

pub use p2::Fields;

/// A body's end: its trailers, if any, or what went wrong.
pub type Trailers = FutureReader<Result<Option<Own<Fields>>, ErrorCode>>;
type TrailersWriter = FutureWriter<Result<Option<Own<Fields>>, ErrorCode>>;
/// Whether a body was delivered.
pub type Delivered = FutureReader<Result<(), ErrorCode>>;

/// An HTTP body as a message holds it.
pub enum Body {
    None,
    /// A stream the guest gave, with its trailers.
    Guest(StreamReader<u8>, Trailers),
    /// A body hyper receives, read on `handle`'s runtime.
    Incoming(hyper::body::Incoming, tokio::runtime::Handle),
    /// Taken by `consume-body` or by the server.
    Taken,
}

pub struct Request {
    pub method: Method,
    pub path_with_query: Option<String>,
    pub scheme: Option<Scheme>,
    pub authority: Option<String>,
    pub headers: HeaderMap,
    pub options: Option<RequestOptions>,
    pub body: Body,
    /// The guest's future of its body's delivery, when it made the
    /// request.
    pub delivered: Option<FutureWriter<Result<(), ErrorCode>>>,
}

pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Body,
    /// The guest's future of the body's delivery.
    pub delivered: Option<FutureWriter<Result<(), ErrorCode>>>,
}

#[derive(Clone, Default)]
pub struct RequestOptions {
    connect: Option<u64>,
    first_byte: Option<u64>,
    between_bytes: Option<u64>,
    immutable: bool,
}

impl RequestOptions {
    /// The timeouts the guest set, in nanoseconds.
    pub fn connect(&self) -> Option<u64> {
        self.connect
    }
    pub fn first_byte(&self) -> Option<u64> {
        self.first_byte
    }
    pub fn between_bytes(&self) -> Option<u64> {
        self.between_bytes
    }
}

fn header_error(e: v2::HeaderError) -> HeaderError {
    match e {
        v2::HeaderError::InvalidSyntax => HeaderError::InvalidSyntax,
        v2::HeaderError::Forbidden => HeaderError::Forbidden,
        v2::HeaderError::Immutable => HeaderError::Immutable,
    }
}

type Changed = Result<Result<(), HeaderError>, Trap>;

fn changed(r: Result<Result<(), v2::HeaderError>, Trap>) -> Changed {
    Ok(r?.map_err(header_error))
}

/// `request` as `kiln serve` hands it to a 0.3 handler.
pub fn served_request(
    request: http::Request<hyper::body::Incoming>,
    runtime: tokio::runtime::Handle,
) -> Request {
    let (parts, body) = request.into_parts();
    let authority = parts.uri.authority().map(|a| a.to_string()).or_else(|| {
        let host = parts.headers.get(http::header::HOST)?;
        host.to_str().ok().map(str::to_string)
    });
    Request {
        method: method(&parts.method),
        path_with_query: parts.uri.path_and_query().map(|p| p.to_string()),
        scheme: Some(Scheme::HTTP),
        authority,
        headers: p2::without_forbidden(parts.headers),
        options: None,
        body: Body::Incoming(body, runtime),
        delivered: None,
    }
}

fn method(m: &http::Method) -> Method {
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

fn valid_method(m: &Method) -> bool {
    match m {
        Method::Other(s) => http::Method::from_bytes(s.as_bytes()).is_ok(),
        _ => true,
    }
}

/// A body hyper receives, read as the guest reads its stream; at its end
/// the trailers future resolves. A read waits for hyper's next frame on
/// the event loop (`refill`), the body going there and back.
struct IncomingReader {
    body: Option<hyper::body::Incoming>,
    runtime: tokio::runtime::Handle,
    /// What was read past the last read's room.
    rest: bytes::Bytes,
    trailers: TrailersWriter,
    ended: Result<Option<HeaderMap>, ErrorCode>,
    finished: bool,
}

type Frame = Option<Result<hyper::body::Frame<bytes::Bytes>, hyper::Error>>;

/// The next frame of `body`.
async fn next_frame(body: &mut hyper::body::Incoming) -> Frame {
    use http_body::Body as _;
    std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await
}

impl IncomingReader {
    fn take_frame(&mut self, frame: Frame) {
        match frame {
            Some(Ok(f)) => match f.into_data() {
                Ok(data) => self.rest = data,
                Err(f) => {
                    if let Ok(t) = f.into_trailers() {
                        self.ended = Ok(Some(t));
                    }
                }
            },
            Some(Err(e)) => {
                self.ended = Err(ErrorCode::InternalError(Some(e.to_string())));
                self.finished = true;
            }
            None => self.finished = true,
        }
    }

    /// The body sent on from where the guest's reads left it: what was
    /// read ahead, then the rest as hyper gives it (its end as it came).
    fn handed_on(self: Box<Self>) -> OutgoingBodyStream {
        let IncomingReader {
            body,
            rest,
            ended,
            finished,
            ..
        } = *self;
        if let Some(body) = body.filter(|_| !finished) {
            return OutgoingBodyStream::forwarded(rest, body);
        }
        let (sender, budget, out) = OutgoingBodyStream::channel();
        if !rest.is_empty() {
            budget.take(rest.len());
            let _ = sender.send(Ok(hyper::body::Frame::data(rest)));
        }
        let _ = match ended {
            Ok(Some(t)) => sender.send(Ok(hyper::body::Frame::trailers(t))),
            Ok(None) => Ok(()),
            Err(e) => sender.send(Err(v2::ErrorCode::InternalError(Some(format!("{e:?}"))))),
        };
        out
    }
}

/// The body a message's stream carries, if the guest handed back the
/// stream and trailers `consume-body` gave it (to a new request or
/// response) without reading the stream to its end: hyper's body, sent
/// on as it comes, with its trailers, its length kept, nothing copied.
/// Any other body goes through the stream: the host moves its bytes
/// when it is the host's at both ends.
pub fn handed_back(
    stream: &StreamReader<u8>,
    trailers: &Trailers,
    c: &mut Concurrency,
) -> Option<OutgoingBodyStream> {
    let reader = stream.take_host_source::<IncomingReader>(c, |r| r.trailers.writes(trailers))?;
    Some(reader.handed_on())
}

impl Source for IncomingReader {
    fn read(&mut self, max: usize) -> Option<Vec<u8>> {
        loop {
            if !self.rest.is_empty() {
                let n = self.rest.len().min(max);
                return Some(self.rest.split_to(n).to_vec());
            }
            if self.finished {
                return None;
            }
            let body = self.body.as_mut()?;
            let runtime = &self.runtime;
            let frame =
                crate::component::concurrent::blocking(|| runtime.block_on(next_frame(body)));
            self.take_frame(frame);
        }
    }

    fn refill(&mut self) -> Option<Refill> {
        if !self.rest.is_empty() || self.finished {
            return None;
        }
        // A frame hyper has already may be taken at once, without a trip
        // to the event loop.
        use http_body::Body as _;
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        if let std::task::Poll::Ready(frame) = Pin::new(self.body.as_mut()?).poll_frame(&mut cx) {
            self.take_frame(frame);
            if !self.rest.is_empty() || self.finished {
                return None;
            }
        }
        let mut body = self.body.take()?;
        Some(Box::pin(async move {
            let frame = next_frame(&mut body).await;
            Box::new((body, frame)) as Box<dyn std::any::Any + Send>
        }))
    }

    fn refilled(&mut self, output: Box<dyn std::any::Any + Send>) {
        let (body, frame) = *output
            .downcast::<(hyper::body::Incoming, Frame)>()
            .expect("refill's output");
        self.body = Some(body);
        self.take_frame(frame);
    }

    fn end(self: Box<Self>, c: &mut Concurrency) {
        let trailers = self
            .ended
            .map(|t| t.map(|t| Own(Fields::immutable(p2::without_forbidden(t)))));
        let _ = self.trailers.write_in(c, trailers);
    }
}

/// A body's stream and trailers future for the guest, from `body`.
fn consume(cx: &mut Cx, body: Body) -> Result<(StreamReader<u8>, Trailers), Trap> {
    match body {
        Body::Guest(stream, trailers) => Ok((stream, trailers)),
        Body::Incoming(body, runtime) => {
            let (stream, writer): (StreamReader<u8>, StreamWriter<u8>) = cx.stream();
            let (trailers, trailers_writer) = cx.future();
            let reader = IncomingReader {
                body: Some(body),
                runtime,
                rest: bytes::Bytes::new(),
                trailers: trailers_writer,
                ended: Ok(None),
                finished: false,
            };
            writer.source(cx, Box::new(reader));
            Ok((stream, trailers))
        }
        Body::None | Body::Taken => {
            let (stream, writer): (StreamReader<u8>, StreamWriter<u8>) = cx.stream();
            writer.source(cx, Box::new(Ended));
            let (trailers, trailers_writer) = cx.future();
            trailers_writer.write(Ok(None))?;
            Ok((stream, trailers))
        }
    }
}

/// A body hyper sends (a served response's, or a request's the client
/// makes): each write of the guest's stream goes to hyper as it comes;
/// after the stream's end, the guest's trailers follow, then the delivery
/// future resolves. A body the guest never finished (it trapped, say)
/// ends hyper's body with an error rather than as if complete.
pub struct ServedBody {
    sender: Option<crate::wasi::p2::host::http::Sender>,
    budget: Arc<Budget>,
    trailers: Option<Trailers>,
    delivered: Option<FutureWriter<Result<(), ErrorCode>>>,
}

impl ServedBody {
    pub fn new(
        sender: crate::wasi::p2::host::http::Sender,
        budget: Arc<Budget>,
        trailers: Trailers,
        delivered: Option<FutureWriter<Result<(), ErrorCode>>>,
    ) -> ServedBody {
        ServedBody {
            sender: Some(sender),
            budget,
            trailers: Some(trailers),
            delivered,
        }
    }

    /// The body's end, once the guest wrote its trailers future (`None`:
    /// it went unwritten): trailers sent, or the guest's error.
    fn finish(
        mut self: Box<Self>,
        c: &mut Concurrency,
        end: Option<Result<Option<Own<Fields>>, ErrorCode>>,
    ) {
        let Some(sender) = self.sender.take() else {
            return;
        };
        let failed = |why: String| {
            let _ = sender.send(Err(v2::ErrorCode::InternalError(Some(why))));
        };
        let outcome = match end {
            Some(Ok(trailers)) => {
                if let Some(Own(t)) = trailers.filter(|t| !t.0.map.is_empty()) {
                    let _ = sender.send(Ok(http_body::Frame::trailers(t.map)));
                }
                Ok(())
            }
            Some(Err(e)) => {
                failed(format!("the guest ended the body with an error: {e:?}"));
                Err(e)
            }
            None => {
                let why = "the guest dropped the body's trailers unwritten".to_string();
                failed(why.clone());
                Err(ErrorCode::InternalError(Some(why)))
            }
        };
        if let Some(d) = self.delivered.take() {
            let _ = d.write_in(c, outcome);
        }
    }
}

impl Sink for ServedBody {
    fn write(&mut self, bytes: &[u8]) -> bool {
        let frame = http_body::Frame::data(bytes::Bytes::copy_from_slice(bytes));
        self.budget.take(bytes.len());
        self.sender
            .as_ref()
            .is_some_and(|s| s.send(Ok(frame)).is_ok())
    }

    fn close(mut self: Box<Self>, c: &mut Concurrency) {
        match self.trailers.take() {
            Some(trailers) => trailers.then_in(c, Box::new(move |c, end| self.finish(c, end))),
            None => self.finish(c, Some(Ok(None))),
        }
    }

    fn wait_for_room(&mut self) -> Option<Refill> {
        self.budget.wait_for_room()
    }

    fn room(&self) -> Option<usize> {
        Some(self.budget.room())
    }
}

impl Drop for ServedBody {
    fn drop(&mut self) {
        if let Some(s) = self.sender.take() {
            let unfinished = "the handler did not finish the body".to_string();
            let _ = s.send(Err(v2::ErrorCode::InternalError(Some(unfinished))));
        }
    }
}

/// The guest's response as hyper sends it: its body stream read as the
/// guest writes it.
pub fn served_response(
    c: &mut Concurrency,
    response: Response,
) -> crate::wasi::p2::host::http::OutgoingResponse {
    use crate::wasi::p2::host::http::OutgoingResponse;
    let Response {
        status,
        headers,
        body,
        delivered,
    } = response;
    let stream = match body {
        Body::Guest(stream, trailers) if let Some(out) = handed_back(&stream, &trailers, c) => {
            if let Some(d) = delivered {
                let _ = d.write_in(c, Ok(()));
            }
            out
        }
        Body::Guest(stream, trailers) => {
            let (sender, budget, out) = OutgoingBodyStream::channel();
            let sink = ServedBody::new(sender, budget, trailers, delivered);
            stream.sink_in(c, Box::new(sink));
            out
        }
        // A client's response answered with as it came.
        Body::Incoming(body, _) => OutgoingBodyStream::forwarded(bytes::Bytes::new(), body),
        Body::None | Body::Taken => {
            if let Some(d) = delivered {
                let _ = d.write_in(c, Ok(()));
            }
            // An empty body that is still a stream, as wasmtime sends it
            // (chunked, not `content-length: 0`).
            let (sender, _, out) = OutgoingBodyStream::channel();
            drop(sender);
            out
        }
    };
    OutgoingResponse::with_body(status, headers, stream)
}

pub mod wasi_http_types {
    use super::*;

    pub use super::{Fields, Request, RequestOptions, Response};

    pub fn fields_new(cx: &mut Cx) -> Result<Own<Fields>, Trap> {
        p2::fields_new(cx)
    }

    pub fn fields_from_list(
        cx: &mut Cx,
        entries: Vec<(String, Bytes)>,
    ) -> Result<Result<Own<Fields>, HeaderError>, Trap> {
        Ok(p2::fields_from_list(cx, entries)?.map_err(header_error))
    }

    pub fn fields_get(cx: &mut Cx, this: Borrow<Fields>, name: String) -> Result<Vec<Bytes>, Trap> {
        p2::fields_get(cx, this, name)
    }

    pub fn fields_has(cx: &mut Cx, this: Borrow<Fields>, name: String) -> Result<bool, Trap> {
        p2::fields_has(cx, this, name)
    }

    pub fn fields_set(
        cx: &mut Cx,
        this: Borrow<Fields>,
        name: String,
        values: Vec<Bytes>,
    ) -> Changed {
        changed(p2::fields_set(cx, this, name, values))
    }

    pub fn fields_delete(cx: &mut Cx, this: Borrow<Fields>, name: String) -> Changed {
        changed(p2::fields_delete(cx, this, name))
    }

    pub fn fields_get_and_delete(
        cx: &mut Cx,
        this: Borrow<Fields>,
        name: String,
    ) -> Result<Result<Vec<Bytes>, HeaderError>, Trap> {
        let handle = this.handle;
        let values = p2::fields_get(cx, this, name.clone())?;
        let again = Borrow::new(handle);
        Ok(changed(p2::fields_delete(cx, again, name))?.map(|()| values))
    }

    pub fn fields_append(cx: &mut Cx, this: Borrow<Fields>, name: String, v: Bytes) -> Changed {
        changed(p2::fields_append(cx, this, name, v))
    }

    pub fn fields_copy_all(
        cx: &mut Cx,
        this: Borrow<Fields>,
    ) -> Result<Vec<(String, Bytes)>, Trap> {
        p2::fields_entries(cx, this)
    }

    pub fn fields_clone(cx: &mut Cx, this: Borrow<Fields>) -> Result<Own<Fields>, Trap> {
        p2::fields_clone(cx, this)
    }

    #[allow(clippy::type_complexity)]
    pub fn request_new(
        cx: &mut Cx,
        headers: Own<Fields>,
        contents: Option<StreamReader<u8>>,
        trailers: Trailers,
        options: Option<Own<RequestOptions>>,
    ) -> Result<(Own<Request>, Delivered), Trap> {
        let (delivered, writer) = cx.future::<Result<(), ErrorCode>>();
        let body = match contents {
            Some(s) => Body::Guest(s, trailers),
            None => Body::None,
        };
        let request = Request {
            delivered: Some(writer),
            method: Method::Get,
            path_with_query: None,
            scheme: None,
            authority: None,
            headers: headers.0.map,
            options: options.map(|o| o.0),
            body,
        };
        Ok((Own(request), delivered))
    }

    pub fn request_get_method(cx: &mut Cx, this: Borrow<Request>) -> Result<Method, Trap> {
        Ok(cx.get(&this)?.method.clone())
    }

    pub fn request_set_method(
        cx: &mut Cx,
        this: Borrow<Request>,
        m: Method,
    ) -> Result<Result<(), ()>, Trap> {
        let r = cx.get(&this)?;
        Ok(valid_method(&m).then(|| r.method = m).ok_or(()))
    }

    pub fn request_get_path_with_query(
        cx: &mut Cx,
        this: Borrow<Request>,
    ) -> Result<Option<String>, Trap> {
        Ok(cx.get(&this)?.path_with_query.clone())
    }

    pub fn request_set_path_with_query(
        cx: &mut Cx,
        this: Borrow<Request>,
        path: Option<String>,
    ) -> Result<Result<(), ()>, Trap> {
        let ok = path
            .as_deref()
            .is_none_or(|p| http::uri::PathAndQuery::try_from(p).is_ok());
        let r = cx.get(&this)?;
        Ok(ok.then(|| r.path_with_query = path).ok_or(()))
    }

    pub fn request_get_scheme(cx: &mut Cx, this: Borrow<Request>) -> Result<Option<Scheme>, Trap> {
        Ok(cx.get(&this)?.scheme.clone())
    }

    pub fn request_set_scheme(
        cx: &mut Cx,
        this: Borrow<Request>,
        scheme: Option<Scheme>,
    ) -> Result<Result<(), ()>, Trap> {
        let ok = match &scheme {
            Some(Scheme::Other(s)) => http::uri::Scheme::try_from(s.as_str()).is_ok(),
            _ => true,
        };
        let r = cx.get(&this)?;
        Ok(ok.then(|| r.scheme = scheme).ok_or(()))
    }

    pub fn request_get_authority(
        cx: &mut Cx,
        this: Borrow<Request>,
    ) -> Result<Option<String>, Trap> {
        Ok(cx.get(&this)?.authority.clone())
    }

    pub fn request_set_authority(
        cx: &mut Cx,
        this: Borrow<Request>,
        authority: Option<String>,
    ) -> Result<Result<(), ()>, Trap> {
        let ok = authority
            .as_deref()
            .is_none_or(|a| http::uri::Authority::try_from(a).is_ok());
        let r = cx.get(&this)?;
        Ok(ok.then(|| r.authority = authority).ok_or(()))
    }

    pub fn request_get_options(
        cx: &mut Cx,
        this: Borrow<Request>,
    ) -> Result<Option<Own<RequestOptions>>, Trap> {
        let options = cx.get(&this)?.options.clone();
        Ok(options.map(|o| {
            Own(RequestOptions {
                immutable: true,
                ..o
            })
        }))
    }

    pub fn request_get_headers(cx: &mut Cx, this: Borrow<Request>) -> Result<Own<Fields>, Trap> {
        Ok(Own(Fields::immutable(cx.get(&this)?.headers.clone())))
    }

    pub fn request_consume_body(
        cx: &mut Cx,
        this: Own<Request>,
        _res: Delivered,
    ) -> Result<(StreamReader<u8>, Trailers), Trap> {
        let mut request = this.0;
        consume(cx, std::mem::replace(&mut request.body, Body::Taken))
    }

    pub fn request_options_new(_: &mut Cx) -> Result<Own<RequestOptions>, Trap> {
        Ok(Own(RequestOptions::default()))
    }

    type Timeout = Result<Option<u64>, Trap>;
    type SetTimeout = Result<Result<(), RequestOptionsError>, Trap>;

    fn set(
        cx: &mut Cx,
        this: Borrow<RequestOptions>,
        field: fn(&mut RequestOptions) -> &mut Option<u64>,
        d: Option<u64>,
    ) -> SetTimeout {
        let o = cx.get(&this)?;
        if o.immutable {
            return Ok(Err(RequestOptionsError::Immutable));
        }
        *field(o) = d;
        Ok(Ok(()))
    }

    pub fn request_options_get_connect_timeout(
        cx: &mut Cx,
        this: Borrow<RequestOptions>,
    ) -> Timeout {
        Ok(cx.get(&this)?.connect)
    }

    pub fn request_options_set_connect_timeout(
        cx: &mut Cx,
        this: Borrow<RequestOptions>,
        d: Option<u64>,
    ) -> SetTimeout {
        set(cx, this, |o| &mut o.connect, d)
    }

    pub fn request_options_get_first_byte_timeout(
        cx: &mut Cx,
        this: Borrow<RequestOptions>,
    ) -> Timeout {
        Ok(cx.get(&this)?.first_byte)
    }

    pub fn request_options_set_first_byte_timeout(
        cx: &mut Cx,
        this: Borrow<RequestOptions>,
        d: Option<u64>,
    ) -> SetTimeout {
        set(cx, this, |o| &mut o.first_byte, d)
    }

    pub fn request_options_get_between_bytes_timeout(
        cx: &mut Cx,
        this: Borrow<RequestOptions>,
    ) -> Timeout {
        Ok(cx.get(&this)?.between_bytes)
    }

    pub fn request_options_set_between_bytes_timeout(
        cx: &mut Cx,
        this: Borrow<RequestOptions>,
        d: Option<u64>,
    ) -> SetTimeout {
        set(cx, this, |o| &mut o.between_bytes, d)
    }

    pub fn request_options_clone(
        cx: &mut Cx,
        this: Borrow<RequestOptions>,
    ) -> Result<Own<RequestOptions>, Trap> {
        let o = cx.get(&this)?.clone();
        Ok(Own(RequestOptions {
            immutable: false,
            ..o
        }))
    }

    pub fn response_new(
        cx: &mut Cx,
        headers: Own<Fields>,
        contents: Option<StreamReader<u8>>,
        trailers: Trailers,
    ) -> Result<(Own<Response>, Delivered), Trap> {
        let (delivered, writer) = cx.future::<Result<(), ErrorCode>>();
        let body = match contents {
            Some(s) => Body::Guest(s, trailers),
            None => Body::None,
        };
        let response = Response {
            status: 200,
            headers: headers.0.map,
            body,
            delivered: Some(writer),
        };
        Ok((Own(response), delivered))
    }

    pub fn response_get_status_code(cx: &mut Cx, this: Borrow<Response>) -> Result<u16, Trap> {
        Ok(cx.get(&this)?.status)
    }

    pub fn response_set_status_code(
        cx: &mut Cx,
        this: Borrow<Response>,
        status: u16,
    ) -> Result<Result<(), ()>, Trap> {
        let r = cx.get(&this)?;
        let ok = (100..1000).contains(&status);
        Ok(ok.then(|| r.status = status).ok_or(()))
    }

    pub fn response_get_headers(cx: &mut Cx, this: Borrow<Response>) -> Result<Own<Fields>, Trap> {
        Ok(Own(Fields::immutable(cx.get(&this)?.headers.clone())))
    }

    pub fn response_consume_body(
        cx: &mut Cx,
        this: Own<Response>,
        _res: Delivered,
    ) -> Result<(StreamReader<u8>, Trailers), Trap> {
        let mut response = this.0;
        consume(cx, std::mem::replace(&mut response.body, Body::Taken))
    }
}
