//! Bodies. An incoming body is read by the event loop into a bounded queue
//! the guest's input stream takes from; its end (trailers or a failure)
//! is what `future-trailers` waits for. An outgoing body is a channel the
//! guest's output stream writes into and hyper sends from, unbounded, so
//! that a guest writing its whole body before `handle` cannot deadlock.

use super::client::{hyper_code, internal, runtime, Signal};
use super::fields::Fields;
use crate::component::abi::{Borrow, Bytes, Cx, Own};
use crate::component::concurrent::budget::Budget;
use crate::traps::Trap;
use crate::wasi::p2::bindings::wasi_http_types::ErrorCode;
use crate::wasi::p2::bindings::wasi_io_streams::StreamError;
use crate::wasi::p2::host::wasi_io_error::Error;
use crate::wasi::p2::host::wasi_io_poll::Pollable;
use crate::wasi::p2::host::wasi_io_streams::{InputStream, OutputStream};
use http::HeaderMap;
use http_body::Frame;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

/// Bytes the event loop reads ahead of the guest.
const READ_AHEAD: usize = 1 << 20;

/// An HTTP failure carried by a stream's error, for `http-error-code`.
#[derive(Debug)]
pub struct HttpFailure(pub ErrorCode);

impl std::fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "HTTP error: {:?}", self.0)
    }
}

impl std::error::Error for HttpFailure {}

fn failed(code: ErrorCode) -> StreamError {
    StreamError::LastOperationFailed(Own(Error(std::io::Error::other(HttpFailure(code)))))
}

/// How a body ended: its trailers, if any, or what went wrong.
type Ended = Result<Option<HeaderMap>, ErrorCode>;

struct Queue {
    chunks: VecDeque<bytes::Bytes>,
    queued: usize,
    end: Option<Ended>,
    /// The guest finished the body: what still arrives is dropped.
    discard: bool,
    failure_reported: bool,
    trailers_taken: bool,
}

pub struct BodyQueue {
    state: Mutex<Queue>,
    /// Raised while bytes are queued or the body has ended; raised and
    /// lowered under the lock, so no wake-up is lost.
    readable: Signal,
    ended: Signal,
    room: tokio::sync::Notify,
}

impl BodyQueue {
    fn push(&self, data: bytes::Bytes) {
        let mut q = self.state.lock().unwrap();
        if q.discard || data.is_empty() {
            return;
        }
        q.queued += data.len();
        q.chunks.push_back(data);
        self.readable.raise();
    }

    fn full(&self) -> bool {
        self.state.lock().unwrap().queued >= READ_AHEAD
    }

    fn end(&self, how: Ended) {
        let mut q = self.state.lock().unwrap();
        q.end = Some(how);
        self.readable.raise();
        self.ended.raise();
    }

    fn discard(&self) {
        let mut q = self.state.lock().unwrap();
        q.discard = true;
        q.chunks.clear();
        q.queued = 0;
        drop(q);
        self.room.notify_one();
    }

    /// Up to `len` bytes; none if none have arrived, unless `blocking`.
    fn read(&self, len: u64, blocking: bool) -> Result<Bytes, StreamError> {
        loop {
            let mut q = self.state.lock().unwrap();
            if let Some(front) = q.chunks.front_mut() {
                let part = front.split_to(front.len().min(len as usize));
                if front.is_empty() {
                    q.chunks.pop_front();
                }
                q.queued -= part.len();
                if q.chunks.is_empty() && q.end.is_none() {
                    self.readable.lower();
                }
                drop(q);
                self.room.notify_one();
                return Ok(Bytes(part.to_vec()));
            }
            match &q.end {
                Some(Err(code)) if !q.failure_reported => {
                    let code = code.clone();
                    q.failure_reported = true;
                    return Err(failed(code));
                }
                Some(_) => return Err(StreamError::Closed),
                None if !blocking || len == 0 => return Ok(Bytes(Vec::new())),
                None => {}
            }
            drop(q);
            self.readable.wait();
        }
    }
}

/// Read `body` into `queue` until it ends, fails or stalls.
async fn pump(queue: Arc<BodyQueue>, mut body: hyper::body::Incoming, between: Duration) {
    use http_body::Body;
    let end = loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx));
        let frame = match tokio::time::timeout(between, frame).await {
            Err(_) => break Err(ErrorCode::ConnectionReadTimeout),
            Ok(None) => break Ok(None),
            Ok(Some(Err(e))) => break Err(hyper_code(&e)),
            Ok(Some(Ok(frame))) => frame,
        };
        match frame.into_data() {
            Ok(data) => {
                queue.push(data);
                while queue.full() {
                    queue.room.notified().await;
                }
            }
            Err(frame) => {
                if let Ok(trailers) = frame.into_trailers() {
                    break Ok(Some(trailers));
                }
            }
        }
    };
    queue.end(end);
}

/// A body hyper received, not yet read.
pub struct IncomingSource {
    pub body: hyper::body::Incoming,
    pub between_bytes: Duration,
}

pub struct IncomingBody {
    queue: Arc<BodyQueue>,
    stream_taken: bool,
}

impl IncomingBody {
    /// Start reading `source` on the event loop.
    pub fn start(source: IncomingSource) -> Result<IncomingBody, ErrorCode> {
        let queue = Arc::new(BodyQueue {
            state: Mutex::new(Queue {
                chunks: VecDeque::new(),
                queued: 0,
                end: None,
                discard: false,
                failure_reported: false,
                trailers_taken: false,
            }),
            readable: Signal::new()?,
            ended: Signal::new()?,
            room: tokio::sync::Notify::new(),
        });
        runtime()?.spawn(pump(queue.clone(), source.body, source.between_bytes));
        Ok(IncomingBody {
            queue,
            stream_taken: false,
        })
    }
}

impl Drop for IncomingBody {
    fn drop(&mut self) {
        self.queue.discard();
    }
}

/// The guest's input stream of an incoming body.
pub struct BodyReader(Arc<BodyQueue>);

impl BodyReader {
    pub fn read(&self, len: u64, blocking: bool) -> Result<Bytes, StreamError> {
        self.0.read(len, blocking)
    }

    pub fn pollable(&self) -> Pollable {
        self.0.readable.pollable()
    }
}

pub struct FutureTrailers(Arc<BodyQueue>);

pub fn incoming_body_stream(
    cx: &mut Cx,
    this: Borrow<IncomingBody>,
) -> Result<Result<Own<InputStream>, ()>, Trap> {
    let body = cx.get(&this)?;
    if std::mem::replace(&mut body.stream_taken, true) {
        return Ok(Err(()));
    }
    Ok(Ok(Own(InputStream::Http(BodyReader(body.queue.clone())))))
}

pub fn incoming_body_finish(
    _: &mut Cx,
    this: Own<IncomingBody>,
) -> Result<Own<FutureTrailers>, Trap> {
    Ok(Own(FutureTrailers(this.0.queue.clone())))
}

pub fn future_trailers_subscribe(
    cx: &mut Cx,
    this: Borrow<FutureTrailers>,
) -> Result<Own<Pollable>, Trap> {
    Ok(Own(cx.get(&this)?.0.ended.pollable()))
}

type TrailersOutcome = Option<Result<Result<Option<Own<Fields>>, ErrorCode>, ()>>;

pub fn future_trailers_get(
    cx: &mut Cx,
    this: Borrow<FutureTrailers>,
) -> Result<TrailersOutcome, Trap> {
    let mut q = cx.get(&this)?.0.state.lock().unwrap();
    if q.end.is_none() {
        return Ok(None);
    }
    if std::mem::replace(&mut q.trailers_taken, true) {
        return Ok(Some(Err(())));
    }
    Ok(Some(Ok(match q.end.as_mut().expect("ended") {
        Ok(trailers) => Ok(trailers.take().map(|t| Own(Fields::immutable(t)))),
        Err(code) => Err(code.clone()),
    })))
}

/// Where a body's frames go, for hyper to send.
pub type Sender = tokio::sync::mpsc::UnboundedSender<Result<Frame<bytes::Bytes>, ErrorCode>>;
type Sink = Arc<Mutex<Option<Sender>>>;

pub struct OutgoingBody {
    sink: Sink,
    /// Whether hyper has asked for a frame of this body (`hand_on`).
    polled: Arc<AtomicBool>,
    stream_taken: bool,
    finished: bool,
}

impl OutgoingBody {
    /// A body and the stream hyper sends it from.
    pub fn new() -> (OutgoingBody, OutgoingBodyStream) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let polled = Arc::new(AtomicBool::new(false));
        let body = OutgoingBody {
            sink: Arc::new(Mutex::new(Some(tx))),
            polled: polled.clone(),
            stream_taken: false,
            finished: false,
        };
        let stream = OutgoingBodyStream {
            frames: Some(rx),
            budget: None,
            asked: Some(polled),
            forwarded: None,
        };
        (body, stream)
    }

    /// A message's body, the first time it is asked for (`taken` says
    /// whether it was), its stream going to `stream` for hyper.
    pub fn first(
        taken: &mut bool,
        stream: &mut Option<OutgoingBodyStream>,
    ) -> Result<Own<OutgoingBody>, ()> {
        if std::mem::replace(taken, true) {
            return Err(());
        }
        let (body, s) = OutgoingBody::new();
        *stream = Some(s);
        Ok(Own(body))
    }
}

impl Drop for OutgoingBody {
    /// A body dropped unfinished fails its message.
    fn drop(&mut self) {
        if !self.finished {
            if let Some(tx) = self.sink.lock().unwrap().take() {
                let _ = tx.send(Err(internal("the body was dropped unfinished".into())));
                drop(tx);
                hand_on(&self.polled);
            }
        }
    }
}

/// After a served guest sent a frame, or ended its body, on a server's
/// worker: let another worker take what that woke (the connection's task,
/// if it waits on the body; `concurrent::hand_on_woken`). Until hyper has
/// asked for a frame, nothing waits on the body, and nothing was woken.
/// (The flag is set before hyper's first look at the channel, and a
/// waker found by a send was put there after that.)
fn hand_on(polled: &AtomicBool) {
    if polled.load(Ordering::SeqCst) {
        crate::component::concurrent::hand_on_woken();
    }
}

/// The guest's output stream of an outgoing body.
pub struct BodyWriter(Sink, Arc<AtomicBool>);

impl BodyWriter {
    pub fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        let closed = || std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let sink = self.0.lock().unwrap();
        let tx = sink.as_ref().ok_or_else(closed)?;
        tx.send(Ok(Frame::data(bytes::Bytes::copy_from_slice(bytes))))
            .map_err(|_| closed())?;
        hand_on(&self.1);
        Ok(())
    }
}

pub fn outgoing_body_write(
    cx: &mut Cx,
    this: Borrow<OutgoingBody>,
) -> Result<Result<Own<OutputStream>, ()>, Trap> {
    let body = cx.get(&this)?;
    if std::mem::replace(&mut body.stream_taken, true) {
        return Ok(Err(()));
    }
    let writer = BodyWriter(body.sink.clone(), body.polled.clone());
    Ok(Ok(Own(OutputStream::Http(writer))))
}

pub fn outgoing_body_finish(
    _: &mut Cx,
    this: Own<OutgoingBody>,
    trailers: Option<Own<Fields>>,
) -> Result<Result<(), ErrorCode>, Trap> {
    let mut body = this.0;
    body.finished = true;
    if let Some(tx) = body.sink.lock().unwrap().take() {
        if let Some(Own(t)) = trailers.filter(|t| !t.0.map.is_empty()) {
            let _ = tx.send(Ok(Frame::trailers(t.map)));
        }
        // The body's end: `tx` is the last sender.
        drop(tx);
        hand_on(&body.polled);
    }
    Ok(Ok(()))
}

/// What hyper sends: the frames the guest writes, until it finishes; the
/// budget of a 0.3 body's sink, given back as hyper takes its bytes; and
/// for a 0.2 body, whether hyper has asked for a frame. Or a body hyper
/// received that a 0.3 guest hands on whole (a served request's body
/// forwarded, a response's answered with), which goes on frame by frame,
/// its length and trailers kept, never copied through the guest.
pub struct OutgoingBodyStream {
    frames: Option<tokio::sync::mpsc::UnboundedReceiver<Result<Frame<bytes::Bytes>, ErrorCode>>>,
    budget: Option<Arc<Budget>>,
    asked: Option<Arc<AtomicBool>>,
    forwarded: Option<Forwarded>,
}

/// A received body sent on: the bytes already taken from it, then the
/// rest as hyper gives it.
struct Forwarded {
    first: bytes::Bytes,
    body: hyper::body::Incoming,
}

impl OutgoingBodyStream {
    /// No body at all.
    pub fn empty() -> OutgoingBodyStream {
        OutgoingBodyStream {
            frames: None,
            budget: None,
            asked: None,
            forwarded: None,
        }
    }

    /// A body sent from what the sender sends, until it is dropped; the
    /// sender takes from the budget what it sends, which hyper gives back.
    pub fn channel() -> (Sender, Arc<Budget>, OutgoingBodyStream) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let budget = Budget::new();
        let stream = OutgoingBodyStream {
            frames: Some(rx),
            budget: Some(budget.clone()),
            asked: None,
            forwarded: None,
        };
        (tx, budget, stream)
    }

    /// `first`, then the rest of `body` as hyper receives it.
    pub fn forwarded(first: bytes::Bytes, body: hyper::body::Incoming) -> OutgoingBodyStream {
        OutgoingBodyStream {
            frames: None,
            budget: None,
            asked: None,
            forwarded: Some(Forwarded { first, body }),
        }
    }
}

impl Drop for OutgoingBodyStream {
    /// Nothing will be taken any more: writes waiting for room go on (and
    /// learn that the body's reader is gone).
    fn drop(&mut self) {
        if let Some(b) = &self.budget {
            b.close();
        }
    }
}

/// The guest failed its outgoing body.
#[derive(Debug)]
pub struct BodyFailed(pub ErrorCode);

impl std::fmt::Display for BodyFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "outgoing body failed: {:?}", self.0)
    }
}

impl std::error::Error for BodyFailed {}

impl http_body::Body for OutgoingBodyStream {
    type Data = bytes::Bytes;
    type Error = BodyFailed;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<bytes::Bytes>, BodyFailed>>> {
        if let Some(f) = &mut self.forwarded {
            if !f.first.is_empty() {
                let first = std::mem::take(&mut f.first);
                return Poll::Ready(Some(Ok(Frame::data(first))));
            }
            let polled = Pin::new(&mut f.body).poll_frame(cx);
            return polled.map(|f| f.map(|f| f.map_err(|e| BodyFailed(hyper_code(&e)))));
        }
        if let Some(asked) = &self.asked {
            if !asked.load(Ordering::Relaxed) {
                asked.store(true, Ordering::SeqCst);
            }
        }
        let polled = match &mut self.frames {
            None => return Poll::Ready(None),
            Some(rx) => rx.poll_recv(cx),
        };
        if let (Poll::Ready(Some(Ok(frame))), Some(budget)) = (&polled, &self.budget) {
            budget.release(frame.data_ref().map_or(0, |d| d.len()));
        }
        polled.map(|f| f.map(|f| f.map_err(BodyFailed)))
    }

    /// No body is none at all: no `content-length: 0`, no chunks.
    fn is_end_stream(&self) -> bool {
        match &self.forwarded {
            Some(f) => f.first.is_empty() && f.body.is_end_stream(),
            None => self.frames.is_none(),
        }
    }

    /// A forwarded body's length, if it has one, goes on with it.
    fn size_hint(&self) -> http_body::SizeHint {
        match (&self.forwarded, &self.frames) {
            (Some(f), _) => {
                let mut hint = f.body.size_hint();
                let first = f.first.len() as u64;
                if let Some(upper) = hint.upper() {
                    hint.set_upper(upper + first);
                }
                hint.set_lower(hint.lower() + first);
                hint
            }
            (None, None) => http_body::SizeHint::with_exact(0),
            (None, Some(_)) => http_body::SizeHint::default(),
        }
    }
}
