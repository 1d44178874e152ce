//! wasi:sockets 0.3's `udp-socket`: bound (explicitly, or by its first
//! send), optionally connected to one peer; each send and receive waits
//! on the event loop, as tokio's socket.

use super::*;
use crate::component::abi::{Borrow, Bytes, Own};
use crate::component::concurrent::{Async, Later};
use std::sync::Arc;

/// The largest datagram a receive takes.
const MAX_DATAGRAM: usize = 65_535;

pub struct UdpSocket {
    socket: Arc<tokio::net::UdpSocket>,
    family: IpAddressFamily,
    bound: bool,
    peer: Option<SocketAddr>,
}

impl UdpSocket {
    fn fd(&self) -> &tokio::net::UdpSocket {
        &self.socket
    }

    /// Bind to any address of the family, if not bound yet.
    fn bind_implicitly(&mut self) -> Result<(), ErrorCode> {
        if !self.bound {
            rustix::net::bind(&*self.socket, &anywhere(&self.family)).map_err(code)?;
            self.bound = true;
        }
        Ok(())
    }
}

pub fn udp_socket_create(_: &mut Cx, family: IpAddressFamily) -> Net<Own<UdpSocket>> {
    Ok((|| {
        let fd = new_socket(&family, rustix::net::SocketType::DGRAM)?;
        let rt =
            crate::component::concurrent::event_loop().map_err(|e| ErrorCode::Other(Some(e)))?;
        let _on_the_loop = rt.enter();
        let socket = tokio::net::UdpSocket::from_std(std::net::UdpSocket::from(fd))
            .map_err(|e| io_code(&e))?;
        Ok(Own(UdpSocket {
            socket: Arc::new(socket),
            family,
            bound: false,
            peer: None,
        }))
    })())
}

pub fn udp_socket_bind(cx: &mut Cx, this: Borrow<UdpSocket>, local: IpSocketAddress) -> Net<()> {
    let allowed = granted(cx)?;
    let s = cx.get(&this)?;
    Ok((|| {
        let a = usable(&s.family, local)?;
        if s.bound {
            return Err(ErrorCode::InvalidState);
        }
        allowed?;
        rustix::net::bind(&*s.socket, &a).map_err(code)?;
        s.bound = true;
        Ok(())
    })())
}

pub fn udp_socket_connect(cx: &mut Cx, this: Borrow<UdpSocket>, to: IpSocketAddress) -> Net<()> {
    let allowed = granted(cx)?;
    let s = cx.get(&this)?;
    Ok((|| {
        let a = remote(&s.family, to)?;
        allowed?;
        s.bind_implicitly()?;
        rustix::net::connect(&*s.socket, &a).map_err(code)?;
        s.peer = Some(a);
        Ok(())
    })())
}

pub fn udp_socket_disconnect(cx: &mut Cx, this: Borrow<UdpSocket>) -> Net<()> {
    let s = cx.get(&this)?;
    Ok((|| {
        if s.peer.is_none() {
            return Err(ErrorCode::InvalidState);
        }
        rustix::net::connect_unspec(&*s.socket).map_err(code)?;
        s.peer = None;
        Ok(())
    })())
}

pub fn udp_socket_send(
    cx: &mut Cx,
    this: Borrow<UdpSocket>,
    data: Bytes,
    to: Option<IpSocketAddress>,
) -> Result<Async<Result<(), ErrorCode>>, Trap> {
    let allowed = granted(cx)?;
    let s = cx.get(&this)?;
    let ready = (|| {
        allowed?;
        let to = to.map(|a| remote(&s.family, a)).transpose()?;
        if let (Some(peer), Some(to)) = (s.peer, to) {
            if peer != to {
                return Err(ErrorCode::InvalidArgument);
            }
        }
        let to = to.or(s.peer).ok_or(ErrorCode::InvalidArgument)?;
        if data.0.len() > MAX_DATAGRAM {
            return Err(ErrorCode::DatagramTooLarge);
        }
        s.bind_implicitly()?;
        Ok(to)
    })();
    let to = match ready {
        Ok(to) => to,
        Err(e) => return Ok(Async::Ready(Err(e))),
    };
    let (socket, connected) = (s.socket.clone(), s.peer.is_some());
    let send = async move {
        match connected {
            true => socket.send(&data.0).await,
            false => socket.send_to(&data.0, to).await,
        }
    };
    Ok(Async::Later(Later::new(send, |sent, _| {
        Ok(sent.map(|_| ()).map_err(|e| io_code(&e)))
    })))
}

type Datagram = (Bytes, IpSocketAddress);

pub fn udp_socket_receive(
    cx: &mut Cx,
    this: Borrow<UdpSocket>,
) -> Result<Async<Result<Datagram, ErrorCode>>, Trap> {
    let s = cx.get(&this)?;
    if !s.bound {
        return Ok(Async::Ready(Err(ErrorCode::InvalidState)));
    }
    let socket = s.socket.clone();
    let receive = async move {
        let mut buf = vec![0; MAX_DATAGRAM];
        socket.recv_from(&mut buf).await.map(|(n, from)| {
            buf.truncate(n);
            (buf, from)
        })
    };
    Ok(Async::Later(Later::new(receive, |got, _| {
        Ok(got
            .map(|(b, from)| (Bytes(b), from_std(from)))
            .map_err(|e| io_code(&e)))
    })))
}

pub fn udp_socket_get_local_address(cx: &mut Cx, this: Borrow<UdpSocket>) -> Net<IpSocketAddress> {
    let s = cx.get(&this)?;
    Ok(match s.bound {
        true => local_address(&*s.socket),
        false => Err(ErrorCode::InvalidState),
    })
}

pub fn udp_socket_get_remote_address(cx: &mut Cx, this: Borrow<UdpSocket>) -> Net<IpSocketAddress> {
    let s = cx.get(&this)?;
    Ok(s.peer.map(from_std).ok_or(ErrorCode::InvalidState))
}

pub fn udp_socket_get_address_family(
    cx: &mut Cx,
    this: Borrow<UdpSocket>,
) -> Result<IpAddressFamily, Trap> {
    Ok(copy_family(&cx.get(&this)?.family))
}

pub fn udp_socket_get_unicast_hop_limit(cx: &mut Cx, this: Borrow<UdpSocket>) -> Net<u8> {
    let s = cx.get(&this)?;
    Ok(options::hop_limit(s.fd(), &s.family))
}

pub fn udp_socket_set_unicast_hop_limit(
    cx: &mut Cx,
    this: Borrow<UdpSocket>,
    value: u8,
) -> Net<()> {
    let s = cx.get(&this)?;
    Ok(options::set_hop_limit(s.fd(), &s.family, value))
}

pub fn udp_socket_get_receive_buffer_size(cx: &mut Cx, this: Borrow<UdpSocket>) -> Net<u64> {
    Ok(options::buffer_size(
        cx.get(&this)?.fd(),
        options::Buffer::Receive,
    ))
}

pub fn udp_socket_set_receive_buffer_size(
    cx: &mut Cx,
    this: Borrow<UdpSocket>,
    value: u64,
) -> Net<()> {
    let fd = cx.get(&this)?.fd();
    Ok(options::set_buffer_size(
        fd,
        options::Buffer::Receive,
        value,
    ))
}

pub fn udp_socket_get_send_buffer_size(cx: &mut Cx, this: Borrow<UdpSocket>) -> Net<u64> {
    Ok(options::buffer_size(
        cx.get(&this)?.fd(),
        options::Buffer::Send,
    ))
}

pub fn udp_socket_set_send_buffer_size(
    cx: &mut Cx,
    this: Borrow<UdpSocket>,
    value: u64,
) -> Net<()> {
    let fd = cx.get(&this)?.fd();
    Ok(options::set_buffer_size(fd, options::Buffer::Send, value))
}
