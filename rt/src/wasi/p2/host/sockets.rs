//! wasi:sockets: TCP and UDP sockets over the host's, and name lookup,
//! as wasmtime behaves. What the guest may reach is the host's grant
//! (`-S inherit-network`, `-S allow-ip-name-lookup`): without it, binding,
//! connecting and sending fail with `access-denied`, and lookups with
//! `permanent-resolver-failure`, while sockets themselves may be created.
//!
//! The host is blocking: `start-connect` connects before it returns and
//! `finish-*` reports the outcome; reads, `accept` and `receive` do not
//! block, and their pollables wait with poll(2).

use super::wasi_io_poll::Pollable;
use super::wasi_io_streams::{InputStream, OutputStream};
use crate::component::abi::{Borrow, Bytes, Cx, Own};
use crate::traps::Trap;
use crate::wasi::p2::bindings::wasi_sockets_network::{
    ErrorCode, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress,
};
use crate::wasi::p2::WasiP2;
use rustix::io::Errno;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::OwnedFd;
use std::sync::Arc;

type Net<T> = Result<Result<T, ErrorCode>, Trap>;

pub(crate) fn code(e: Errno) -> ErrorCode {
    match e {
        Errno::ACCESS | Errno::PERM => ErrorCode::AccessDenied,
        Errno::ADDRINUSE => ErrorCode::AddressInUse,
        Errno::ADDRNOTAVAIL => ErrorCode::AddressNotBindable,
        Errno::CONNREFUSED => ErrorCode::ConnectionRefused,
        Errno::CONNRESET | Errno::PIPE => ErrorCode::ConnectionReset,
        Errno::CONNABORTED => ErrorCode::ConnectionAborted,
        Errno::NETUNREACH | Errno::HOSTUNREACH | Errno::NETDOWN => ErrorCode::RemoteUnreachable,
        Errno::TIMEDOUT => ErrorCode::Timeout,
        Errno::AGAIN => ErrorCode::WouldBlock,
        Errno::INVAL => ErrorCode::InvalidArgument,
        Errno::MFILE | Errno::NFILE => ErrorCode::NewSocketLimit,
        Errno::NOMEM | Errno::NOBUFS => ErrorCode::OutOfMemory,
        Errno::MSGSIZE => ErrorCode::DatagramTooLarge,
        Errno::AFNOSUPPORT | Errno::OPNOTSUPP | Errno::PROTONOSUPPORT => ErrorCode::NotSupported,
        _ => ErrorCode::Unknown,
    }
}

/// `to_std` and `from_std`: a WASI layer's socket addresses to std's and
/// back (0.2's and 0.3's types have the same shape), in the module that
/// names the layer's `IpSocketAddress`, `Ipv4SocketAddress` and
/// `Ipv6SocketAddress`.
macro_rules! socket_address_conversions {
    () => {
        pub(crate) fn to_std(a: IpSocketAddress) -> std::net::SocketAddr {
            use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
            match a {
                IpSocketAddress::Ipv4(Ipv4SocketAddress {
                    port,
                    address: (a, b, c, d),
                }) => SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(a, b, c, d), port)),
                IpSocketAddress::Ipv6(v6) => {
                    let (a, b, c, d, e, f, g, h) = v6.address;
                    SocketAddr::V6(SocketAddrV6::new(
                        Ipv6Addr::new(a, b, c, d, e, f, g, h),
                        v6.port,
                        v6.flow_info,
                        v6.scope_id,
                    ))
                }
            }
        }

        pub(crate) fn from_std(a: std::net::SocketAddr) -> IpSocketAddress {
            match a {
                std::net::SocketAddr::V4(v4) => {
                    let [a, b, c, d] = v4.ip().octets();
                    IpSocketAddress::Ipv4(Ipv4SocketAddress {
                        port: v4.port(),
                        address: (a, b, c, d),
                    })
                }
                std::net::SocketAddr::V6(v6) => {
                    let [a, b, c, d, e, f, g, h] = v6.ip().segments();
                    IpSocketAddress::Ipv6(Ipv6SocketAddress {
                        port: v6.port(),
                        flow_info: v6.flowinfo(),
                        address: (a, b, c, d, e, f, g, h),
                        scope_id: v6.scope_id(),
                    })
                }
            }
        }
    };
}
pub(crate) use socket_address_conversions;
socket_address_conversions!();

pub(crate) fn family_of(a: &SocketAddr) -> IpAddressFamily {
    if a.is_ipv4() {
        IpAddressFamily::Ipv4
    } else {
        IpAddressFamily::Ipv6
    }
}

pub(crate) fn same_family(a: &IpAddressFamily, b: &IpAddressFamily) -> bool {
    matches!(
        (a, b),
        (IpAddressFamily::Ipv4, IpAddressFamily::Ipv4)
            | (IpAddressFamily::Ipv6, IpAddressFamily::Ipv6)
    )
}

pub(crate) fn copy_family(a: &IpAddressFamily) -> IpAddressFamily {
    match a {
        IpAddressFamily::Ipv4 => IpAddressFamily::Ipv4,
        IpAddressFamily::Ipv6 => IpAddressFamily::Ipv6,
    }
}

/// An address this socket's family may use: IPv6 sockets are IPv6-only,
/// so an IPv4-mapped address is refused, as wasmtime does.
pub(crate) fn usable(family: &IpAddressFamily, a: &SocketAddr) -> Result<(), ErrorCode> {
    if !same_family(family, &family_of(a)) {
        return Err(ErrorCode::InvalidArgument);
    }
    if let SocketAddr::V6(v6) = a {
        if v6.ip().to_ipv4_mapped().is_some() {
            return Err(ErrorCode::InvalidArgument);
        }
    }
    Ok(())
}

/// Whether the grant lets the guest use addresses at all.
pub(crate) fn granted(cx: &mut Cx) -> Result<Result<(), ErrorCode>, Trap> {
    Ok(if cx.host::<WasiP2>()?.network.inherit {
        Ok(())
    } else {
        Err(ErrorCode::AccessDenied)
    })
}

pub(crate) fn new_socket(
    family: &IpAddressFamily,
    kind: rustix::net::SocketType,
) -> Result<OwnedFd, ErrorCode> {
    use rustix::net::{socket, AddressFamily};
    let af = match family {
        IpAddressFamily::Ipv4 => AddressFamily::INET,
        IpAddressFamily::Ipv6 => AddressFamily::INET6,
    };
    let fd = socket(af, kind, None).map_err(code)?;
    if let IpAddressFamily::Ipv6 = family {
        rustix::net::sockopt::set_ipv6_v6only(&fd, true).map_err(code)?;
    }
    Ok(fd)
}

pub(crate) fn local_address(fd: &OwnedFd) -> Result<IpSocketAddress, ErrorCode> {
    let a = rustix::net::getsockname(fd).map_err(code)?;
    SocketAddr::try_from(a)
        .map(from_std)
        .map_err(|_| ErrorCode::Unknown)
}

pub(crate) fn remote_address(fd: &OwnedFd) -> Result<IpSocketAddress, ErrorCode> {
    let a = rustix::net::getpeername(fd)
        .map_err(code)?
        .ok_or(ErrorCode::InvalidState)?;
    SocketAddr::try_from(a)
        .map(from_std)
        .map_err(|_| ErrorCode::Unknown)
}

/// A socket option's value, nonzero.
pub(crate) fn nonzero<T: PartialEq + Default>(v: T) -> Result<T, ErrorCode> {
    if v == T::default() {
        Err(ErrorCode::InvalidArgument)
    } else {
        Ok(v)
    }
}

/// Which of a socket's buffers.
#[derive(Clone, Copy)]
pub enum Buffer {
    Receive,
    Send,
}

pub(crate) fn buffer_size(fd: impl std::os::fd::AsFd, which: Buffer) -> Result<u64, ErrorCode> {
    use rustix::net::sockopt::{socket_recv_buffer_size, socket_send_buffer_size};
    match which {
        Buffer::Receive => socket_recv_buffer_size(fd),
        Buffer::Send => socket_send_buffer_size(fd),
    }
    .map(|n| n as u64)
    .map_err(code)
}

pub(crate) fn set_buffer_size(
    fd: impl std::os::fd::AsFd,
    which: Buffer,
    value: u64,
) -> Result<(), ErrorCode> {
    use rustix::net::sockopt::{set_socket_recv_buffer_size, set_socket_send_buffer_size};
    let n = nonzero(value)?.min(i32::MAX as u64) as usize;
    match which {
        Buffer::Receive => set_socket_recv_buffer_size(fd, n),
        Buffer::Send => set_socket_send_buffer_size(fd, n),
    }
    .map_err(code)
}

/// The unicast hop limit: IPv6's hop limit or IPv4's TTL.
pub(crate) fn hop_limit(
    fd: impl std::os::fd::AsFd,
    family: &IpAddressFamily,
) -> Result<u8, ErrorCode> {
    use rustix::net::sockopt::{ip_ttl, ipv6_unicast_hops};
    match family {
        IpAddressFamily::Ipv6 => ipv6_unicast_hops(fd),
        IpAddressFamily::Ipv4 => ip_ttl(fd).map(|t| t as u8),
    }
    .map_err(code)
}

pub(crate) fn set_hop_limit(
    fd: impl std::os::fd::AsFd,
    family: &IpAddressFamily,
    value: u8,
) -> Result<(), ErrorCode> {
    use rustix::net::sockopt::{set_ip_ttl, set_ipv6_unicast_hops};
    let value = nonzero(value)?;
    match family {
        IpAddressFamily::Ipv6 => set_ipv6_unicast_hops(fd, Some(value)),
        IpAddressFamily::Ipv4 => set_ip_ttl(fd, value.into()),
    }
    .map_err(code)
}

pub mod wasi_sockets_network {
    /// The network the grant lets the guest reach.
    pub struct Network;
}

pub mod wasi_sockets_instance_network {
    use super::*;
    use crate::wasi::p2::host::wasi_sockets_network::Network;

    pub fn instance_network(_: &mut Cx) -> Result<Own<Network>, Trap> {
        Ok(Own(Network))
    }
}

pub mod wasi_sockets_ip_name_lookup {
    use super::*;
    use crate::wasi::p2::bindings::wasi_sockets_network::IpAddress;
    use crate::wasi::p2::host::wasi_sockets_network::Network;

    pub struct ResolveAddressStream(std::vec::IntoIter<IpAddr>);

    pub fn resolve_addresses(
        cx: &mut Cx,
        network: Borrow<Network>,
        name: String,
    ) -> Net<Own<ResolveAddressStream>> {
        cx.get(&network)?;
        if !cx.host::<WasiP2>()?.network.ip_name_lookup {
            return Ok(Err(ErrorCode::PermanentResolverFailure));
        }
        // An IP address as it is; a domain name of letters, digits, `-`
        // and `.`; anything else is not a name.
        let name = name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        if name.is_empty()
            || (name.parse::<IpAddr>().is_err()
                && !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        {
            return Ok(Err(ErrorCode::InvalidArgument));
        }
        use std::net::ToSocketAddrs;
        // The resolver blocks: on a server's worker, its other tasks go
        // to another thread first.
        let resolved =
            crate::component::concurrent::blocking(|| (name.as_str(), 0).to_socket_addrs());
        Ok(match resolved {
            Ok(addrs) => {
                let mut ips: Vec<IpAddr> = Vec::new();
                for a in addrs {
                    if !ips.contains(&a.ip()) {
                        ips.push(a.ip());
                    }
                }
                Ok(Own(ResolveAddressStream(ips.into_iter())))
            }
            Err(_) => Err(ErrorCode::NameUnresolvable),
        })
    }

    pub fn resolve_address_stream_resolve_next_address(
        cx: &mut Cx,
        this: Borrow<ResolveAddressStream>,
    ) -> Net<Option<IpAddress>> {
        Ok(Ok(cx.get(&this)?.0.next().map(|ip| match ip {
            IpAddr::V4(v4) => {
                let [a, b, c, d] = v4.octets();
                IpAddress::Ipv4((a, b, c, d))
            }
            IpAddr::V6(v6) => {
                let [a, b, c, d, e, f, g, h] = v6.segments();
                IpAddress::Ipv6((a, b, c, d, e, f, g, h))
            }
        })))
    }

    pub fn resolve_address_stream_subscribe(
        cx: &mut Cx,
        this: Borrow<ResolveAddressStream>,
    ) -> Result<Own<Pollable>, Trap> {
        cx.get(&this)?;
        Ok(Own(Pollable::Ready))
    }
}

pub mod wasi_sockets_tcp_create_socket {
    use super::*;
    use crate::wasi::p2::host::wasi_sockets_tcp::TcpSocket;

    pub fn create_tcp_socket(_: &mut Cx, family: IpAddressFamily) -> Net<Own<TcpSocket>> {
        Ok(new_socket(&family, rustix::net::SocketType::STREAM)
            .map(|fd| Own(TcpSocket::new(fd, family))))
    }
}

pub mod wasi_sockets_udp_create_socket {
    use super::*;
    use crate::wasi::p2::host::wasi_sockets_udp::UdpSocket;

    pub fn create_udp_socket(_: &mut Cx, family: IpAddressFamily) -> Net<Own<UdpSocket>> {
        Ok(
            new_socket(&family, rustix::net::SocketType::DGRAM).map(|fd| {
                Own(UdpSocket {
                    fd: Arc::new(fd),
                    family,
                    bound: false,
                    binding: false,
                    remote: None,
                })
            }),
        )
    }
}

mod tcp;
mod udp;
pub use tcp::wasi_sockets_tcp;
pub use udp::wasi_sockets_udp;
