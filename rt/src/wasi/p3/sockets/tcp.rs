//! wasi:sockets 0.3's `tcp-socket`: created, bound, then connected (on the
//! event loop) or listening (a stream of accepted sockets); a connected
//! socket's `send` and `receive` are streams that tokio's halves of the
//! connection write and read on the event loop.

use super::*;
use crate::component::abi::{Borrow, Own};
use crate::component::concurrent::budget::Budget;
use crate::component::concurrent::{Async, Concurrency, Ended, Later, Refill, Sink, Source};
use crate::component::concurrent::{FutureReader, FutureWriter, StreamReader, StreamWriter};
use rustix::net::sockopt;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

#[derive(Clone, Copy, PartialEq)]
enum State {
    Unbound,
    Bound,
    Connecting,
    Listening,
    Connected,
    /// A connect failed: only dropping it is left.
    Closed,
}

/// What a connect's completion changes, which the socket shares with the
/// job that completes it.
struct Connection {
    state: State,
    read: Option<OwnedReadHalf>,
    write: Option<OwnedWriteHalf>,
}

pub struct TcpSocket {
    /// The socket, or (once tokio has it) another descriptor of it, for
    /// its options and addresses.
    fd: OwnedFd,
    family: IpAddressFamily,
    backlog: i32,
    conn: Rc<RefCell<Connection>>,
}

impl TcpSocket {
    fn new(fd: OwnedFd, family: IpAddressFamily, state: State) -> TcpSocket {
        TcpSocket {
            fd,
            family,
            backlog: 128,
            conn: Rc::new(RefCell::new(Connection {
                state,
                read: None,
                write: None,
            })),
        }
    }

    fn state(&self) -> State {
        self.conn.borrow().state
    }

    fn set_state(&self, state: State) {
        self.conn.borrow_mut().state = state;
    }

    /// A connection tokio made (accepted, say), as a connected socket.
    fn connected(
        stream: tokio::net::TcpStream,
        family: IpAddressFamily,
    ) -> Result<TcpSocket, ErrorCode> {
        let s = TcpSocket::new(dup(&stream)?, family, State::Connected);
        let (read, write) = stream.into_split();
        {
            let mut c = s.conn.borrow_mut();
            c.read = Some(read);
            c.write = Some(write);
        }
        Ok(s)
    }
}

fn bind(s: &TcpSocket, a: SocketAddr) -> Result<(), ErrorCode> {
    // As wasmtime: a port is reusable at once after a close.
    sockopt::set_socket_reuseaddr(&s.fd, true).map_err(code)?;
    rustix::net::bind(&s.fd, &a).map_err(code)?;
    s.set_state(State::Bound);
    Ok(())
}

pub fn tcp_socket_create(_: &mut Cx, family: IpAddressFamily) -> Net<Own<TcpSocket>> {
    Ok(new_socket(&family, rustix::net::SocketType::STREAM)
        .map(|fd| Own(TcpSocket::new(fd, family, State::Unbound))))
}

pub fn tcp_socket_bind(cx: &mut Cx, this: Borrow<TcpSocket>, local: IpSocketAddress) -> Net<()> {
    let allowed = granted(cx)?;
    let s = cx.get(&this)?;
    Ok((|| {
        let a = usable(&s.family, local)?;
        if s.state() != State::Unbound {
            return Err(ErrorCode::InvalidState);
        }
        allowed?;
        bind(s, a)
    })())
}

pub fn tcp_socket_connect(
    cx: &mut Cx,
    this: Borrow<TcpSocket>,
    remote_address: IpSocketAddress,
) -> Result<Async<Result<(), ErrorCode>>, Trap> {
    let allowed = granted(cx)?;
    let s = cx.get(&this)?;
    let started = (|| {
        let a = remote(&s.family, remote_address)?;
        if !matches!(s.state(), State::Unbound | State::Bound) {
            return Err(ErrorCode::InvalidState);
        }
        allowed?;
        let stream = std::net::TcpStream::from(dup(&s.fd)?);
        Ok((tokio::net::TcpSocket::from_std_stream(stream), a))
    })();
    let (socket, a) = match started {
        Ok(s) => s,
        Err(e) => return Ok(Async::Ready(Err(e))),
    };
    // Until the connect completes; a connect cancelled leaves it so, as
    // good as closed.
    s.set_state(State::Connecting);
    let conn = s.conn.clone();
    Ok(Async::Later(Later::new(
        socket.connect(a),
        move |made, _| {
            let mut c = conn.borrow_mut();
            Ok(match made {
                Ok(stream) => {
                    let (read, write) = stream.into_split();
                    c.state = State::Connected;
                    c.read = Some(read);
                    c.write = Some(write);
                    Ok(())
                }
                Err(e) => {
                    c.state = State::Closed;
                    Err(io_code(&e))
                }
            })
        },
    )))
}

pub fn tcp_socket_listen(
    cx: &mut Cx,
    this: Borrow<TcpSocket>,
) -> Net<StreamReader<Own<TcpSocket>>> {
    let allowed = granted(cx)?;
    let s = cx.get(&this)?;
    let listening = (|| {
        match s.state() {
            State::Unbound => {
                allowed?;
                bind(s, anywhere(&s.family))?;
            }
            State::Bound => {}
            _ => return Err(ErrorCode::InvalidState),
        }
        rustix::net::listen(&s.fd, s.backlog).map_err(code)?;
        let listener = std::net::TcpListener::from(dup(&s.fd)?);
        let rt =
            crate::component::concurrent::event_loop().map_err(|e| ErrorCode::Other(Some(e)))?;
        let _on_the_loop = rt.enter();
        tokio::net::TcpListener::from_std(listener).map_err(|e| io_code(&e))
    })();
    let listener = match listening {
        Ok(l) => l,
        Err(e) => return Ok(Err(e)),
    };
    s.set_state(State::Listening);
    let family = copy_family(&s.family);
    let (stream, writer): (_, StreamWriter<Own<TcpSocket>>) = cx.stream();
    let accepts = Accepts {
        listener: Arc::new(listener),
        family,
        accepted: Vec::new(),
    };
    writer.source(cx, Box::new(accepts));
    Ok(Ok(stream))
}

/// A listener's connections, accepted on the event loop as the guest
/// reads their stream, each given as a connected socket.
struct Accepts {
    listener: Arc<tokio::net::TcpListener>,
    family: IpAddressFamily,
    accepted: Vec<tokio::net::TcpStream>,
}

type Accepted = std::io::Result<(tokio::net::TcpStream, SocketAddr)>;

impl Source for Accepts {
    fn read(&mut self, _: usize) -> Option<Vec<u8>> {
        unreachable!("a stream of sockets is lowered, not read")
    }

    fn lower(&mut self, cx: &mut Cx, ptr: u32, max: u32, size: u32) -> Result<Option<u32>, Trap> {
        let n = (max as usize).min(self.accepted.len());
        let mut given = 0;
        for stream in self.accepted.drain(..n) {
            // One closed already is skipped, as the WIT allows.
            if let Ok(s) = TcpSocket::connected(stream, copy_family(&self.family)) {
                crate::component::abi::Lower::store(Own(s), cx, ptr + given * size)?;
                given += 1;
            }
        }
        Ok(Some(given))
    }

    fn refill(&mut self) -> Option<Refill> {
        if !self.accepted.is_empty() {
            return None;
        }
        let listener = self.listener.clone();
        Some(Box::pin(async move {
            Box::new(listener.accept().await) as Box<dyn std::any::Any + Send>
        }))
    }

    fn refilled(&mut self, output: Box<dyn std::any::Any + Send>) {
        // A failed accept is skipped: the stream goes on.
        if let Ok((stream, _)) = *output.downcast::<Accepted>().expect("refill's output") {
            self.accepted.push(stream);
        }
    }

    fn end(self: Box<Self>, _: &mut Concurrency) {}
}

type Done = FutureReader<Result<(), ErrorCode>>;

/// A future already resolved to `e`.
fn failed(cx: &mut Cx, e: ErrorCode) -> Result<Done, Trap> {
    let (done, writer): (Done, FutureWriter<Result<(), ErrorCode>>) = cx.future();
    writer.write(Err(e))?;
    Ok(done)
}

pub fn tcp_socket_send(
    cx: &mut Cx,
    this: Borrow<TcpSocket>,
    data: StreamReader<u8>,
) -> Result<Done, Trap> {
    let s = cx.get(&this)?;
    let connected = s.state() == State::Connected;
    let Some(mut half) = s.conn.borrow_mut().write.take().filter(|_| connected) else {
        drop(data);
        return failed(cx, ErrorCode::InvalidState);
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    let broken = Arc::new(AtomicBool::new(false));
    let budget = Budget::new();
    data.sink(
        cx,
        Box::new(Sending {
            tx: Some(tx),
            broken: broken.clone(),
            budget: budget.clone(),
        }),
    );
    let (done, writer): (Done, FutureWriter<Result<(), ErrorCode>>) = cx.future();
    // Bytes go out as the guest writes them; the stream's end is a FIN.
    let io = async move {
        let sent = async {
            while let Some(bytes) = rx.recv().await {
                half.write_all(&bytes).await?;
                budget.release(bytes.len());
            }
            half.shutdown().await
        }
        .await;
        if sent.is_err() {
            broken.store(true, Ordering::SeqCst);
        }
        budget.close();
        sent
    };
    cx.spawn(io, move |sent, _| {
        writer.write(sent.map_err(|e| io_code(&e)))
    });
    Ok(done)
}

/// The guest's `send` stream, handed to the event loop's writer: a write
/// waits while the writer is a budget's worth behind.
struct Sending {
    tx: Option<tokio::sync::mpsc::UnboundedSender<Vec<u8>>>,
    broken: Arc<AtomicBool>,
    budget: Arc<Budget>,
}

impl Sink for Sending {
    fn write(&mut self, bytes: &[u8]) -> bool {
        self.budget.take(bytes.len());
        let open = self
            .tx
            .as_ref()
            .is_some_and(|tx| tx.send(bytes.to_vec()).is_ok());
        open && !self.broken.load(Ordering::SeqCst)
    }

    fn close(mut self: Box<Self>, _: &mut Concurrency) {
        self.tx = None;
    }

    fn wait_for_room(&mut self) -> Option<Refill> {
        self.budget.wait_for_room()
    }

    fn room(&self) -> Option<usize> {
        Some(self.budget.room())
    }
}

pub fn tcp_socket_receive(
    cx: &mut Cx,
    this: Borrow<TcpSocket>,
) -> Result<(StreamReader<u8>, Done), Trap> {
    let s = cx.get(&this)?;
    let connected = s.state() == State::Connected;
    let half = s.conn.borrow_mut().read.take().filter(|_| connected);
    let (stream, writer): (StreamReader<u8>, StreamWriter<u8>) = cx.stream();
    let Some(half) = half else {
        writer.source(cx, Box::new(Ended));
        return Ok((stream, failed(cx, ErrorCode::InvalidState)?));
    };
    let (done, done_writer) = cx.future();
    let receiving = Receiving {
        half: Some(half),
        ready: None,
        failed: None,
        done: done_writer,
    };
    writer.source(cx, Box::new(receiving));
    Ok((stream, done))
}

/// What the peer sends, read on the event loop as the guest reads.
struct Receiving {
    half: Option<OwnedReadHalf>,
    /// Bytes read ahead, or the end (empty).
    ready: Option<Vec<u8>>,
    failed: Option<ErrorCode>,
    done: FutureWriter<Result<(), ErrorCode>>,
}

type Received = (OwnedReadHalf, std::io::Result<Vec<u8>>);

impl Receiving {
    /// A read's outcome, ready for the guest: bytes, or the end (empty).
    fn take(&mut self, read: std::io::Result<Vec<u8>>) {
        self.ready = Some(read.unwrap_or_else(|e| {
            self.failed = Some(io_code(&e));
            Vec::new()
        }));
    }
}

impl Source for Receiving {
    fn read(&mut self, max: usize) -> Option<Vec<u8>> {
        let mut b = self.ready.take().filter(|b| !b.is_empty())?;
        if b.len() > max {
            self.ready = Some(b.split_off(max));
        }
        Some(b)
    }

    fn refill(&mut self) -> Option<Refill> {
        if self.ready.is_some() {
            return None;
        }
        // Bytes the socket has already are taken at once.
        let mut buf = vec![0; 64 << 10];
        match self.half.as_ref()?.try_read(&mut buf) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            read => {
                self.take(read.map(|n| {
                    buf.truncate(n);
                    buf
                }));
                return None;
            }
        }
        let mut half = self.half.take()?;
        Some(Box::pin(async move {
            let mut buf = vec![0; 64 << 10];
            let read = half.read(&mut buf).await.map(|n| {
                buf.truncate(n);
                buf
            });
            Box::new((half, read)) as Box<dyn std::any::Any + Send>
        }))
    }

    fn refilled(&mut self, output: Box<dyn std::any::Any + Send>) {
        let (half, read) = *output.downcast::<Received>().expect("refill's output");
        self.half = Some(half);
        self.take(read);
    }

    fn end(self: Box<Self>, c: &mut Concurrency) {
        let _ = self.done.write_in(c, self.failed.map_or(Ok(()), Err));
    }
}

pub fn tcp_socket_get_local_address(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<IpSocketAddress> {
    let s = cx.get(&this)?;
    Ok(match s.state() {
        State::Unbound => Err(ErrorCode::InvalidState),
        _ => local_address(&s.fd),
    })
}

pub fn tcp_socket_get_remote_address(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<IpSocketAddress> {
    let s = cx.get(&this)?;
    Ok(match s.state() {
        State::Connected => remote_address(&s.fd),
        _ => Err(ErrorCode::InvalidState),
    })
}

pub fn tcp_socket_get_is_listening(cx: &mut Cx, this: Borrow<TcpSocket>) -> Result<bool, Trap> {
    Ok(cx.get(&this)?.state() == State::Listening)
}

pub fn tcp_socket_get_address_family(
    cx: &mut Cx,
    this: Borrow<TcpSocket>,
) -> Result<IpAddressFamily, Trap> {
    Ok(copy_family(&cx.get(&this)?.family))
}

pub fn tcp_socket_set_listen_backlog_size(
    cx: &mut Cx,
    this: Borrow<TcpSocket>,
    value: u64,
) -> Net<()> {
    let s = cx.get(&this)?;
    Ok((|| {
        if value == 0 {
            return Err(ErrorCode::InvalidArgument);
        }
        let n = value.min(i32::MAX as u64) as i32;
        match s.state() {
            // A listener takes the new size at once, as Linux allows.
            State::Listening => rustix::net::listen(&s.fd, n).map_err(code)?,
            State::Unbound | State::Bound => {}
            _ => return Err(ErrorCode::InvalidState),
        }
        s.backlog = n;
        Ok(())
    })())
}

/// A socket option read or written through `f`.
fn option<T>(
    cx: &mut Cx,
    this: &Borrow<TcpSocket>,
    f: impl FnOnce(&OwnedFd) -> rustix::io::Result<T>,
) -> Net<T> {
    Ok(f(&cx.get(this)?.fd).map_err(code))
}

/// Whole seconds, at least one, as the host's keep-alive options take.
fn seconds(ns: u64) -> Result<std::time::Duration, ErrorCode> {
    if ns == 0 {
        return Err(ErrorCode::InvalidArgument);
    }
    let secs = ns.div_ceil(1_000_000_000).min(i16::MAX as u64);
    Ok(std::time::Duration::from_secs(secs))
}

fn nanos(d: std::time::Duration) -> u64 {
    d.as_nanos() as u64
}

pub fn tcp_socket_get_keep_alive_enabled(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<bool> {
    option(cx, &this, |fd| sockopt::socket_keepalive(fd))
}

pub fn tcp_socket_set_keep_alive_enabled(
    cx: &mut Cx,
    this: Borrow<TcpSocket>,
    value: bool,
) -> Net<()> {
    option(cx, &this, |fd| sockopt::set_socket_keepalive(fd, value))
}

pub fn tcp_socket_get_keep_alive_idle_time(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<u64> {
    option(cx, &this, |fd| sockopt::tcp_keepidle(fd).map(nanos))
}

pub fn tcp_socket_set_keep_alive_idle_time(
    cx: &mut Cx,
    this: Borrow<TcpSocket>,
    value: u64,
) -> Net<()> {
    match seconds(value) {
        Ok(d) => option(cx, &this, |fd| sockopt::set_tcp_keepidle(fd, d)),
        Err(e) => Ok(Err(e)),
    }
}

pub fn tcp_socket_get_keep_alive_interval(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<u64> {
    option(cx, &this, |fd| sockopt::tcp_keepintvl(fd).map(nanos))
}

pub fn tcp_socket_set_keep_alive_interval(
    cx: &mut Cx,
    this: Borrow<TcpSocket>,
    value: u64,
) -> Net<()> {
    match seconds(value) {
        Ok(d) => option(cx, &this, |fd| sockopt::set_tcp_keepintvl(fd, d)),
        Err(e) => Ok(Err(e)),
    }
}

pub fn tcp_socket_get_keep_alive_count(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<u32> {
    option(cx, &this, |fd| sockopt::tcp_keepcnt(fd))
}

pub fn tcp_socket_set_keep_alive_count(
    cx: &mut Cx,
    this: Borrow<TcpSocket>,
    value: u32,
) -> Net<()> {
    if value == 0 {
        return Ok(Err(ErrorCode::InvalidArgument));
    }
    option(cx, &this, |fd| sockopt::set_tcp_keepcnt(fd, value))
}

pub fn tcp_socket_get_hop_limit(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<u8> {
    let s = cx.get(&this)?;
    Ok(options::hop_limit(&s.fd, &s.family))
}

pub fn tcp_socket_set_hop_limit(cx: &mut Cx, this: Borrow<TcpSocket>, value: u8) -> Net<()> {
    let s = cx.get(&this)?;
    Ok(options::set_hop_limit(&s.fd, &s.family, value))
}

pub fn tcp_socket_get_receive_buffer_size(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<u64> {
    Ok(options::buffer_size(
        &cx.get(&this)?.fd,
        options::Buffer::Receive,
    ))
}

pub fn tcp_socket_set_receive_buffer_size(
    cx: &mut Cx,
    this: Borrow<TcpSocket>,
    value: u64,
) -> Net<()> {
    let fd = &cx.get(&this)?.fd;
    Ok(options::set_buffer_size(
        fd,
        options::Buffer::Receive,
        value,
    ))
}

pub fn tcp_socket_get_send_buffer_size(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<u64> {
    Ok(options::buffer_size(
        &cx.get(&this)?.fd,
        options::Buffer::Send,
    ))
}

pub fn tcp_socket_set_send_buffer_size(
    cx: &mut Cx,
    this: Borrow<TcpSocket>,
    value: u64,
) -> Net<()> {
    let fd = &cx.get(&this)?.fd;
    Ok(options::set_buffer_size(fd, options::Buffer::Send, value))
}
