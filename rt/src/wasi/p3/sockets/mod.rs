//! wasi:sockets 0.3: TCP and UDP sockets whose waits (connecting,
//! accepting, sending, receiving) run on the event loop as tokio's, and
//! name lookup there too. What the guest may reach is the same grant as
//! 0.2's (`-S inherit-network`, `-S allow-ip-name-lookup`): without it,
//! binding, connecting and sending fail with `access-denied`, and lookups
//! with `permanent-resolver-failure`, while sockets may be created.
//! Socket options and addresses go through the 0.2 host's helpers.

mod tcp;
mod udp;

pub mod wasi_sockets_types {
    pub use super::tcp::*;
    pub use super::udp::*;
}

use crate::component::abi::Cx;
use crate::traps::Trap;
use crate::wasi::p2::bindings::wasi_sockets_network as v2;
use crate::wasi::p2::host::sockets as p2;
use crate::wasi::p2::WasiP2;
use crate::wasi::p3::bindings::wasi_sockets_types::{
    ErrorCode, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress,
};
use std::net::SocketAddr;
use std::os::fd::{AsFd, OwnedFd};

type Net<T> = Result<Result<T, ErrorCode>, Trap>;

p2::socket_address_conversions!();

/// 0.2's failure as 0.3 names it.
fn from_v2(e: v2::ErrorCode) -> ErrorCode {
    use v2::ErrorCode as A;
    use ErrorCode as B;
    match e {
        A::AccessDenied => B::AccessDenied,
        A::NotSupported => B::NotSupported,
        A::InvalidArgument => B::InvalidArgument,
        A::OutOfMemory => B::OutOfMemory,
        A::Timeout => B::Timeout,
        A::InvalidState => B::InvalidState,
        A::AddressNotBindable => B::AddressNotBindable,
        A::AddressInUse => B::AddressInUse,
        A::RemoteUnreachable => B::RemoteUnreachable,
        A::ConnectionRefused => B::ConnectionRefused,
        A::ConnectionReset => B::ConnectionReset,
        A::ConnectionAborted => B::ConnectionAborted,
        A::DatagramTooLarge => B::DatagramTooLarge,
        other => B::Other(Some(format!("{other:?}"))),
    }
}

fn code(e: rustix::io::Errno) -> ErrorCode {
    match e {
        rustix::io::Errno::PIPE => ErrorCode::ConnectionBroken,
        e => from_v2(p2::code(e)),
    }
}

fn io_code(e: &std::io::Error) -> ErrorCode {
    match e.raw_os_error() {
        Some(n) => code(rustix::io::Errno::from_raw_os_error(n)),
        None => ErrorCode::Other(Some(e.to_string())),
    }
}

fn v2_family(f: &IpAddressFamily) -> v2::IpAddressFamily {
    match f {
        IpAddressFamily::Ipv4 => v2::IpAddressFamily::Ipv4,
        IpAddressFamily::Ipv6 => v2::IpAddressFamily::Ipv6,
    }
}

/// Whether the grant lets the guest use addresses at all.
fn granted(cx: &mut Cx) -> Result<Result<(), ErrorCode>, Trap> {
    Ok(p2::granted(cx)?.map_err(from_v2))
}

/// `a`, if this socket's family may use it (not an IPv4-mapped one).
fn usable(family: &IpAddressFamily, a: IpSocketAddress) -> Result<SocketAddr, ErrorCode> {
    let a = to_std(a);
    p2::usable(&v2_family(family), &a).map_err(from_v2)?;
    Ok(a)
}

/// A remote address one may connect or send to.
fn remote(family: &IpAddressFamily, a: IpSocketAddress) -> Result<SocketAddr, ErrorCode> {
    let a = usable(family, a)?;
    let broadcast = matches!(a.ip(), std::net::IpAddr::V4(v4) if v4.is_broadcast());
    if a.ip().is_unspecified() || a.port() == 0 || a.ip().is_multicast() || broadcast {
        return Err(ErrorCode::InvalidArgument);
    }
    Ok(a)
}

/// Any address of `family`, port 0: where an implicit bind goes.
fn anywhere(family: &IpAddressFamily) -> SocketAddr {
    match family {
        IpAddressFamily::Ipv4 => (std::net::Ipv4Addr::UNSPECIFIED, 0).into(),
        IpAddressFamily::Ipv6 => (std::net::Ipv6Addr::UNSPECIFIED, 0).into(),
    }
}

fn new_socket(
    family: &IpAddressFamily,
    kind: rustix::net::SocketType,
) -> Result<OwnedFd, ErrorCode> {
    let fd = p2::new_socket(&v2_family(family), kind).map_err(from_v2)?;
    rustix::io::ioctl_fionbio(&fd, true).map_err(code)?;
    Ok(fd)
}

/// Another descriptor of the same socket.
fn dup(fd: impl AsFd) -> Result<OwnedFd, ErrorCode> {
    rustix::io::fcntl_dupfd_cloexec(fd, 0).map_err(code)
}

fn local_address(fd: impl AsFd) -> Result<IpSocketAddress, ErrorCode> {
    let a = rustix::net::getsockname(fd).map_err(code)?;
    SocketAddr::try_from(a)
        .map(from_std)
        .map_err(|_| ErrorCode::Other(None))
}

fn remote_address(fd: impl AsFd) -> Result<IpSocketAddress, ErrorCode> {
    let a = rustix::net::getpeername(fd)
        .map_err(code)?
        .ok_or(ErrorCode::InvalidState)?;
    SocketAddr::try_from(a)
        .map(from_std)
        .map_err(|_| ErrorCode::Other(None))
}

fn copy_family(f: &IpAddressFamily) -> IpAddressFamily {
    f.clone()
}

/// A socket's buffer size, hop limit and their setters, by the 0.2 host.
mod options {
    use super::*;
    pub use p2::Buffer;

    pub fn buffer_size(fd: impl AsFd, which: Buffer) -> Result<u64, ErrorCode> {
        p2::buffer_size(fd, which).map_err(from_v2)
    }

    pub fn set_buffer_size(fd: impl AsFd, which: Buffer, value: u64) -> Result<(), ErrorCode> {
        p2::set_buffer_size(fd, which, value).map_err(from_v2)
    }

    pub fn hop_limit(fd: impl AsFd, family: &IpAddressFamily) -> Result<u8, ErrorCode> {
        p2::hop_limit(fd, &v2_family(family)).map_err(from_v2)
    }

    pub fn set_hop_limit(
        fd: impl AsFd,
        family: &IpAddressFamily,
        value: u8,
    ) -> Result<(), ErrorCode> {
        p2::set_hop_limit(fd, &v2_family(family), value).map_err(from_v2)
    }
}

pub mod wasi_sockets_ip_name_lookup {
    use super::*;
    use crate::component::concurrent::{Async, Later};
    use crate::wasi::p3::bindings::wasi_sockets_ip_name_lookup::ErrorCode;
    use crate::wasi::p3::bindings::wasi_sockets_types::IpAddress;
    use std::net::IpAddr;

    /// The addresses `name` resolves to, each once, looked up on the event
    /// loop: an IP address as it is; a domain name of letters, digits,
    /// `-` and `.`; anything else is not a name.
    pub fn resolve_addresses(
        cx: &mut Cx,
        name: String,
    ) -> Result<Async<Result<Vec<IpAddress>, ErrorCode>>, Trap> {
        if !cx.host::<WasiP2>()?.network.ip_name_lookup {
            return Ok(Async::Ready(Err(ErrorCode::PermanentResolverFailure)));
        }
        let name = name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let is_name = |n: &str| {
            n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        };
        if name.is_empty() || (name.parse::<IpAddr>().is_err() && !is_name(&name)) {
            return Ok(Async::Ready(Err(ErrorCode::InvalidArgument)));
        }
        let lookup = async move { tokio::net::lookup_host((name, 0)).await.map(Vec::from_iter) };
        Ok(Async::Later(Later::new(lookup, |found, _| {
            let Ok(found) = found else {
                return Ok(Err(ErrorCode::NameUnresolvable));
            };
            let mut ips: Vec<IpAddr> = Vec::new();
            for a in found {
                if !ips.contains(&a.ip()) {
                    ips.push(a.ip());
                }
            }
            Ok(Ok(ips
                .into_iter()
                .map(|ip| match ip {
                    IpAddr::V4(v4) => {
                        let [a, b, c, d] = v4.octets();
                        IpAddress::Ipv4((a, b, c, d))
                    }
                    IpAddr::V6(v6) => {
                        let [a, b, c, d, e, f, g, h] = v6.segments();
                        IpAddress::Ipv6((a, b, c, d, e, f, g, h))
                    }
                })
                .collect()))
        })))
    }
}
