//! wasi:sockets/udp: a bound socket, then a pair of datagram streams,
//! connected to one remote address or open to any.

pub mod wasi_sockets_udp {
    use super::super::*;
    use crate::wasi::p2::bindings::wasi_sockets_udp::{IncomingDatagram, OutgoingDatagram};
    use crate::wasi::p2::host::wasi_sockets_network::Network;

    /// Datagrams one `send` may take: what `check-send` promises.
    const SEND_BUDGET: u64 = 64;
    /// The largest datagram `receive` takes whole.
    const MAX_DATAGRAM: usize = 65_536;

    pub struct UdpSocket {
        pub(in crate::wasi::p2::host) fd: Arc<OwnedFd>,
        pub(in crate::wasi::p2::host) family: IpAddressFamily,
        pub(in crate::wasi::p2::host) bound: bool,
        pub(in crate::wasi::p2::host) binding: bool,
        /// The address `stream` connected it to, if any.
        pub(in crate::wasi::p2::host) remote: Option<SocketAddr>,
    }

    pub struct IncomingDatagramStream {
        fd: Arc<OwnedFd>,
        remote: Option<SocketAddr>,
    }

    pub struct OutgoingDatagramStream {
        fd: Arc<OwnedFd>,
        family: IpAddressFamily,
        remote: Option<SocketAddr>,
    }

    pub fn udp_socket_start_bind(
        cx: &mut Cx,
        this: Borrow<UdpSocket>,
        network: Borrow<Network>,
        local_address: IpSocketAddress,
    ) -> Net<()> {
        cx.get(&network)?;
        let allowed = granted(cx)?;
        let s = cx.get(&this)?;
        let a = to_std(local_address);
        Ok((|| {
            if s.bound || s.binding {
                return Err(ErrorCode::InvalidState);
            }
            usable(&s.family, &a)?;
            allowed?;
            rustix::net::bind(&*s.fd, &a).map_err(code)?;
            s.binding = true;
            Ok(())
        })())
    }

    pub fn udp_socket_finish_bind(cx: &mut Cx, this: Borrow<UdpSocket>) -> Net<()> {
        let s = cx.get(&this)?;
        if !s.binding {
            return Ok(Err(ErrorCode::NotInProgress));
        }
        s.binding = false;
        s.bound = true;
        Ok(Ok(()))
    }

    /// The socket's two streams; connected to `remote` when given.
    pub fn udp_socket_stream(
        cx: &mut Cx,
        this: Borrow<UdpSocket>,
        remote: Option<IpSocketAddress>,
    ) -> Net<(Own<IncomingDatagramStream>, Own<OutgoingDatagramStream>)> {
        let allowed = granted(cx)?;
        let s = cx.get(&this)?;
        let remote = remote.map(to_std);
        Ok((|| {
            if !s.bound {
                return Err(ErrorCode::InvalidState);
            }
            match &remote {
                Some(a) => {
                    usable(&s.family, a)?;
                    if a.ip().is_unspecified() || a.port() == 0 {
                        return Err(ErrorCode::InvalidArgument);
                    }
                    allowed?;
                    rustix::net::connect(&*s.fd, a).map_err(code)?;
                }
                None if s.remote.is_some() => {
                    rustix::net::connect_unspec(&*s.fd).map_err(code)?;
                }
                None => {}
            }
            s.remote = remote;
            Ok((
                Own(IncomingDatagramStream {
                    fd: s.fd.clone(),
                    remote,
                }),
                Own(OutgoingDatagramStream {
                    fd: s.fd.clone(),
                    family: copy_family(&s.family),
                    remote,
                }),
            ))
        })())
    }

    pub fn udp_socket_local_address(cx: &mut Cx, this: Borrow<UdpSocket>) -> Net<IpSocketAddress> {
        let s = cx.get(&this)?;
        Ok(if s.bound {
            local_address(&s.fd)
        } else {
            Err(ErrorCode::InvalidState)
        })
    }

    pub fn udp_socket_remote_address(cx: &mut Cx, this: Borrow<UdpSocket>) -> Net<IpSocketAddress> {
        let s = cx.get(&this)?;
        Ok(match s.remote {
            Some(a) => Ok(from_std(a)),
            None => Err(ErrorCode::InvalidState),
        })
    }

    pub fn udp_socket_address_family(
        cx: &mut Cx,
        this: Borrow<UdpSocket>,
    ) -> Result<IpAddressFamily, Trap> {
        Ok(copy_family(&cx.get(&this)?.family))
    }

    pub fn udp_socket_unicast_hop_limit(cx: &mut Cx, this: Borrow<UdpSocket>) -> Net<u8> {
        let s = cx.get(&this)?;
        Ok(hop_limit(&s.fd, &s.family))
    }

    pub fn udp_socket_set_unicast_hop_limit(
        cx: &mut Cx,
        this: Borrow<UdpSocket>,
        value: u8,
    ) -> Net<()> {
        let s = cx.get(&this)?;
        Ok(set_hop_limit(&s.fd, &s.family, value))
    }

    pub fn udp_socket_receive_buffer_size(cx: &mut Cx, this: Borrow<UdpSocket>) -> Net<u64> {
        Ok(buffer_size(&cx.get(&this)?.fd, Buffer::Receive))
    }

    pub fn udp_socket_set_receive_buffer_size(
        cx: &mut Cx,
        this: Borrow<UdpSocket>,
        value: u64,
    ) -> Net<()> {
        Ok(set_buffer_size(&cx.get(&this)?.fd, Buffer::Receive, value))
    }

    pub fn udp_socket_send_buffer_size(cx: &mut Cx, this: Borrow<UdpSocket>) -> Net<u64> {
        Ok(buffer_size(&cx.get(&this)?.fd, Buffer::Send))
    }

    pub fn udp_socket_set_send_buffer_size(
        cx: &mut Cx,
        this: Borrow<UdpSocket>,
        value: u64,
    ) -> Net<()> {
        Ok(set_buffer_size(&cx.get(&this)?.fd, Buffer::Send, value))
    }

    pub fn udp_socket_subscribe(
        cx: &mut Cx,
        this: Borrow<UdpSocket>,
    ) -> Result<Own<Pollable>, Trap> {
        cx.get(&this)?;
        Ok(Own(Pollable::Ready))
    }

    /// Up to `max` datagrams already waiting; none is not an error.
    pub fn incoming_datagram_stream_receive(
        cx: &mut Cx,
        this: Borrow<IncomingDatagramStream>,
        max: u64,
    ) -> Net<Vec<IncomingDatagram>> {
        use rustix::net::{recvfrom, RecvFlags};
        let s = cx.get(&this)?;
        let mut got = Vec::new();
        let mut buf = vec![0u8; MAX_DATAGRAM];
        while (got.len() as u64) < max {
            match recvfrom(&*s.fd, &mut buf[..], RecvFlags::DONTWAIT) {
                Ok((_, n, from)) => {
                    let from = from.and_then(|a| SocketAddr::try_from(a).ok()).or(s.remote);
                    let Some(from) = from else { continue };
                    got.push(IncomingDatagram {
                        data: Bytes(buf[..n.min(MAX_DATAGRAM)].to_vec()),
                        remote_address: from_std(from),
                    });
                }
                Err(Errno::AGAIN) => break,
                Err(e) if got.is_empty() => return Ok(Err(code(e))),
                Err(_) => break,
            }
        }
        Ok(Ok(got))
    }

    pub fn incoming_datagram_stream_subscribe(
        cx: &mut Cx,
        this: Borrow<IncomingDatagramStream>,
    ) -> Result<Own<Pollable>, Trap> {
        Ok(Own(Pollable::Readable(cx.get(&this)?.fd.clone())))
    }

    pub fn outgoing_datagram_stream_check_send(
        cx: &mut Cx,
        this: Borrow<OutgoingDatagramStream>,
    ) -> Net<u64> {
        cx.get(&this)?;
        Ok(Ok(SEND_BUDGET))
    }

    /// Send each datagram in turn; the number sent, or the first one's
    /// error.
    pub fn outgoing_datagram_stream_send(
        cx: &mut Cx,
        this: Borrow<OutgoingDatagramStream>,
        datagrams: Vec<OutgoingDatagram>,
    ) -> Net<u64> {
        use rustix::net::{send, sendto, SendFlags};
        let allowed = granted(cx)?.is_ok();
        let s = cx.get(&this)?;
        if datagrams.len() as u64 > SEND_BUDGET {
            return Err(Trap {
                kind: crate::traps::TrapKind::Host(
                    "wasi:sockets/udp: send of more datagrams than check-send allowed".into(),
                ),
                backtrace: vec![],
            });
        }
        let mut sent = 0;
        for d in datagrams {
            let to = d.remote_address.map(to_std);
            let outcome = (|| {
                if !allowed {
                    return Err(ErrorCode::AccessDenied);
                }
                match (to, s.remote) {
                    (Some(to), Some(remote)) if to != remote => Err(ErrorCode::InvalidArgument),
                    (_, Some(_)) => send(&*s.fd, &d.data.0, SendFlags::empty()).map_err(code),
                    (Some(to), None) => {
                        usable(&s.family, &to)?;
                        if to.ip().is_unspecified() || to.port() == 0 {
                            return Err(ErrorCode::InvalidArgument);
                        }
                        sendto(&*s.fd, &d.data.0, SendFlags::empty(), &to).map_err(code)
                    }
                    (None, None) => Err(ErrorCode::InvalidArgument),
                }
            })();
            match outcome {
                Ok(_) => sent += 1,
                Err(e) if sent == 0 => return Ok(Err(e)),
                Err(_) => break,
            }
        }
        Ok(Ok(sent))
    }

    pub fn outgoing_datagram_stream_subscribe(
        cx: &mut Cx,
        this: Borrow<OutgoingDatagramStream>,
    ) -> Result<Own<Pollable>, Trap> {
        cx.get(&this)?;
        Ok(Own(Pollable::Ready))
    }
}
