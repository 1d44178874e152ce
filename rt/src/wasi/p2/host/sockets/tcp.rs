//! wasi:sockets/tcp: a socket's life as WASI describes it (bind, then
//! connect or listen, each started and finished), over the host's socket.

pub mod wasi_sockets_tcp {
    use super::super::*;
    use crate::wasi::p2::bindings::wasi_sockets_tcp::ShutdownType;
    use crate::wasi::p2::host::wasi_sockets_network::Network;
    use rustix::net::sockopt;

    enum State {
        Unbound,
        BindStarted,
        Bound,
        ListenStarted,
        Listening,
        /// Connected or refused, reported by `finish-connect`.
        ConnectStarted(Result<(), ErrorCode>),
        Connected,
        Closed,
    }

    pub struct TcpSocket {
        fd: Arc<OwnedFd>,
        family: IpAddressFamily,
        state: State,
        backlog: i32,
    }

    impl TcpSocket {
        pub(in crate::wasi::p2::host) fn new(fd: OwnedFd, family: IpAddressFamily) -> TcpSocket {
            TcpSocket {
                fd: Arc::new(fd),
                family,
                state: State::Unbound,
                backlog: 128,
            }
        }

        fn streams(&self) -> (Own<InputStream>, Own<OutputStream>) {
            (
                Own(InputStream::Socket(self.fd.clone())),
                Own(OutputStream::Socket(self.fd.clone())),
            )
        }
    }

    pub fn tcp_socket_start_bind(
        cx: &mut Cx,
        this: Borrow<TcpSocket>,
        network: Borrow<Network>,
        local_address: IpSocketAddress,
    ) -> Net<()> {
        cx.get(&network)?;
        let allowed = granted(cx)?;
        let s = cx.get(&this)?;
        let a = to_std(local_address);
        Ok((|| {
            if !matches!(s.state, State::Unbound) {
                return Err(ErrorCode::InvalidState);
            }
            usable(&s.family, &a)?;
            allowed?;
            // As wasmtime: a port is reusable at once after a close.
            sockopt::set_socket_reuseaddr(&*s.fd, true).map_err(code)?;
            rustix::net::bind(&*s.fd, &a).map_err(code)?;
            s.state = State::BindStarted;
            Ok(())
        })())
    }

    pub fn tcp_socket_finish_bind(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<()> {
        let s = cx.get(&this)?;
        Ok(match s.state {
            State::BindStarted => {
                s.state = State::Bound;
                Ok(())
            }
            _ => Err(ErrorCode::NotInProgress),
        })
    }

    pub fn tcp_socket_start_connect(
        cx: &mut Cx,
        this: Borrow<TcpSocket>,
        network: Borrow<Network>,
        remote_address: IpSocketAddress,
    ) -> Net<()> {
        cx.get(&network)?;
        let allowed = granted(cx)?;
        let s = cx.get(&this)?;
        let a = to_std(remote_address);
        Ok((|| {
            match s.state {
                State::Unbound | State::Bound => {}
                State::ConnectStarted(_) => return Err(ErrorCode::ConcurrencyConflict),
                _ => return Err(ErrorCode::InvalidState),
            }
            usable(&s.family, &a)?;
            if a.ip().is_unspecified() || a.port() == 0 || a.ip().is_multicast() {
                return Err(ErrorCode::InvalidArgument);
            }
            if let IpAddr::V4(v4) = a.ip() {
                if v4.is_broadcast() {
                    return Err(ErrorCode::InvalidArgument);
                }
            }
            allowed?;
            // The socket blocks: on a server's worker, its other tasks go
            // to another thread first.
            let connected =
                crate::component::concurrent::blocking(|| rustix::net::connect(&*s.fd, &a));
            s.state = State::ConnectStarted(connected.map_err(code));
            Ok(())
        })())
    }

    pub fn tcp_socket_finish_connect(
        cx: &mut Cx,
        this: Borrow<TcpSocket>,
    ) -> Net<(Own<InputStream>, Own<OutputStream>)> {
        let s = cx.get(&this)?;
        Ok(match std::mem::replace(&mut s.state, State::Closed) {
            State::ConnectStarted(Ok(())) => {
                s.state = State::Connected;
                Ok(s.streams())
            }
            State::ConnectStarted(Err(e)) => Err(e),
            other => {
                s.state = other;
                Err(ErrorCode::NotInProgress)
            }
        })
    }

    pub fn tcp_socket_start_listen(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<()> {
        let s = cx.get(&this)?;
        Ok(match s.state {
            State::Bound => rustix::net::listen(&*s.fd, s.backlog)
                .map_err(code)
                .map(|()| {
                    s.state = State::ListenStarted;
                }),
            State::ListenStarted => Err(ErrorCode::ConcurrencyConflict),
            _ => Err(ErrorCode::InvalidState),
        })
    }

    pub fn tcp_socket_finish_listen(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<()> {
        let s = cx.get(&this)?;
        Ok(match s.state {
            State::ListenStarted => {
                s.state = State::Listening;
                Ok(())
            }
            _ => Err(ErrorCode::NotInProgress),
        })
    }

    /// A connection waiting, or `would-block`.
    pub fn tcp_socket_accept(
        cx: &mut Cx,
        this: Borrow<TcpSocket>,
    ) -> Net<(Own<TcpSocket>, Own<InputStream>, Own<OutputStream>)> {
        let s = cx.get(&this)?;
        if !matches!(s.state, State::Listening) {
            return Ok(Err(ErrorCode::InvalidState));
        }
        // Only a connection already waiting: the listener itself blocks.
        let mut waiting = [rustix::event::PollFd::new(
            &*s.fd,
            rustix::event::PollFlags::IN,
        )];
        let zero = rustix::event::Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        match rustix::event::poll(&mut waiting, Some(&zero)) {
            Ok(0) => return Ok(Err(ErrorCode::WouldBlock)),
            Ok(_) => {}
            Err(e) => return Ok(Err(code(e))),
        }
        let fd = match rustix::net::accept(&*s.fd) {
            Ok(fd) => fd,
            Err(e) => return Ok(Err(code(e))),
        };
        let mut conn = TcpSocket::new(fd, copy_family(&s.family));
        conn.state = State::Connected;
        let (input, output) = conn.streams();
        Ok(Ok((Own(conn), input, output)))
    }

    pub fn tcp_socket_local_address(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<IpSocketAddress> {
        let s = cx.get(&this)?;
        Ok(match s.state {
            State::Unbound | State::BindStarted => Err(ErrorCode::InvalidState),
            _ => local_address(&s.fd),
        })
    }

    pub fn tcp_socket_remote_address(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<IpSocketAddress> {
        let s = cx.get(&this)?;
        Ok(match s.state {
            State::Connected => remote_address(&s.fd),
            _ => Err(ErrorCode::InvalidState),
        })
    }

    pub fn tcp_socket_is_listening(cx: &mut Cx, this: Borrow<TcpSocket>) -> Result<bool, Trap> {
        Ok(matches!(cx.get(&this)?.state, State::Listening))
    }

    pub fn tcp_socket_address_family(
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
            let n = nonzero(value)?.min(i32::MAX as u64) as i32;
            match s.state {
                State::Listening => rustix::net::listen(&*s.fd, n).map_err(code)?,
                State::ListenStarted | State::ConnectStarted(_) | State::Connected => {
                    return Err(ErrorCode::InvalidState)
                }
                _ => {}
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

    pub fn tcp_socket_keep_alive_enabled(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<bool> {
        option(cx, &this, |fd| sockopt::socket_keepalive(fd))
    }

    pub fn tcp_socket_set_keep_alive_enabled(
        cx: &mut Cx,
        this: Borrow<TcpSocket>,
        value: bool,
    ) -> Net<()> {
        option(cx, &this, |fd| sockopt::set_socket_keepalive(fd, value))
    }

    fn duration(ns: u64) -> Result<std::time::Duration, ErrorCode> {
        // Whole seconds, at least one, as the host's option takes them.
        let secs = nonzero(ns)?.div_ceil(1_000_000_000).min(i16::MAX as u64);
        Ok(std::time::Duration::from_secs(secs))
    }

    pub fn tcp_socket_keep_alive_idle_time(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<u64> {
        option(cx, &this, |fd| {
            sockopt::tcp_keepidle(fd).map(|d| d.as_nanos() as u64)
        })
    }

    pub fn tcp_socket_set_keep_alive_idle_time(
        cx: &mut Cx,
        this: Borrow<TcpSocket>,
        value: u64,
    ) -> Net<()> {
        let d = match duration(value) {
            Ok(d) => d,
            Err(e) => return Ok(Err(e)),
        };
        option(cx, &this, |fd| sockopt::set_tcp_keepidle(fd, d))
    }

    pub fn tcp_socket_keep_alive_interval(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<u64> {
        option(cx, &this, |fd| {
            sockopt::tcp_keepintvl(fd).map(|d| d.as_nanos() as u64)
        })
    }

    pub fn tcp_socket_set_keep_alive_interval(
        cx: &mut Cx,
        this: Borrow<TcpSocket>,
        value: u64,
    ) -> Net<()> {
        let d = match duration(value) {
            Ok(d) => d,
            Err(e) => return Ok(Err(e)),
        };
        option(cx, &this, |fd| sockopt::set_tcp_keepintvl(fd, d))
    }

    pub fn tcp_socket_keep_alive_count(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<u32> {
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

    /// Ready when a listener has a connection to accept; at once otherwise
    /// (a connect has finished before `start-connect` returned).
    pub fn tcp_socket_hop_limit(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<u8> {
        let s = cx.get(&this)?;
        Ok(hop_limit(&s.fd, &s.family))
    }

    pub fn tcp_socket_set_hop_limit(cx: &mut Cx, this: Borrow<TcpSocket>, value: u8) -> Net<()> {
        let s = cx.get(&this)?;
        Ok(set_hop_limit(&s.fd, &s.family, value))
    }

    pub fn tcp_socket_receive_buffer_size(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<u64> {
        Ok(buffer_size(&cx.get(&this)?.fd, Buffer::Receive))
    }

    pub fn tcp_socket_set_receive_buffer_size(
        cx: &mut Cx,
        this: Borrow<TcpSocket>,
        value: u64,
    ) -> Net<()> {
        Ok(set_buffer_size(&cx.get(&this)?.fd, Buffer::Receive, value))
    }

    pub fn tcp_socket_send_buffer_size(cx: &mut Cx, this: Borrow<TcpSocket>) -> Net<u64> {
        Ok(buffer_size(&cx.get(&this)?.fd, Buffer::Send))
    }

    pub fn tcp_socket_set_send_buffer_size(
        cx: &mut Cx,
        this: Borrow<TcpSocket>,
        value: u64,
    ) -> Net<()> {
        Ok(set_buffer_size(&cx.get(&this)?.fd, Buffer::Send, value))
    }

    pub fn tcp_socket_subscribe(
        cx: &mut Cx,
        this: Borrow<TcpSocket>,
    ) -> Result<Own<Pollable>, Trap> {
        let s = cx.get(&this)?;
        Ok(Own(match s.state {
            State::Listening => Pollable::Readable(s.fd.clone()),
            _ => Pollable::Ready,
        }))
    }

    pub fn tcp_socket_shutdown(cx: &mut Cx, this: Borrow<TcpSocket>, how: ShutdownType) -> Net<()> {
        use rustix::net::Shutdown;
        let s = cx.get(&this)?;
        if !matches!(s.state, State::Connected) {
            return Ok(Err(ErrorCode::InvalidState));
        }
        let how = match how {
            ShutdownType::Receive => Shutdown::Read,
            ShutdownType::Send => Shutdown::Write,
            ShutdownType::Both => Shutdown::Both,
        };
        Ok(rustix::net::shutdown(&*s.fd, how).map_err(code))
    }
}
