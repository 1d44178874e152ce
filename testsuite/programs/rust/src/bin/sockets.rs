//! TCP and UDP over loopback within one program, and a name lookup: the
//! same lines natively and as a wasm32-wasip2 component granted the
//! network. Without the grant, the first bind fails, and the program says
//! how.
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};

fn main() {
    let listener = match TcpListener::bind("127.0.0.1:0") {
        Ok(l) => l,
        Err(e) => {
            println!("tcp bind: {:?}", e.kind());
            std::process::exit(3);
        }
    };
    let addr = listener.local_addr().unwrap();
    println!("listening on loopback: {}", addr.ip().is_loopback());
    let mut client = TcpStream::connect(addr).unwrap();
    let (mut server, peer) = listener.accept().unwrap();
    println!("accepted a loopback peer: {}", peer.ip().is_loopback());
    client.write_all(b"ping over tcp").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut got = String::new();
    server.read_to_string(&mut got).unwrap();
    println!("server read {got:?}");
    server.write_all(got.to_uppercase().as_bytes()).unwrap();
    drop(server);
    let mut reply = String::new();
    client.read_to_string(&mut reply).unwrap();
    println!("client read {reply:?}");

    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    a.send_to(b"one datagram", b.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 64];
    let (n, from) = b.recv_from(&mut buf).unwrap();
    println!(
        "udp received {:?} from the sender: {}",
        std::str::from_utf8(&buf[..n]).unwrap(),
        from == a.local_addr().unwrap()
    );

    let resolved: Vec<_> = ("localhost", 80).to_socket_addrs().unwrap().collect();
    println!(
        "localhost resolves to loopback: {}",
        resolved.iter().any(|a| a.ip().is_loopback())
    );
}
