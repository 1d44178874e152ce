//! What a WASI 0.3 command does with its standard streams, chosen by its
//! first argument:
//! - `hello`: a line to stdout and one to stderr, each written while the
//!   host's future for the stream is awaited beside it;
//! - `upper`: stdin to stdout upper-cased, chunk by chunk as it comes,
//!   the two streams in flight together;
//! - `env`: the arguments, the environment, and random bytes' count;
//! - `exit N`: exits with status N after writing a line;
//! - `fail`: `run` returns an error;
//! - `copy FILE...`: copies each file of the first preopened directory to
//!   `FILE.copy`, all copies in flight together, each through a read
//!   stream and a write stream; then lists what it wrote, with sizes, and
//!   the error opening a file that is not there;
//! - `sleep MS`: waits on the monotonic clock, and says it did;
//! - `fetch SERVER CLOSED`: GET requests in flight together, to the
//!   loopback server at SERVER (its `/hello?name=kiln`, `/big` and a
//!   404) and to an address nobody listens on; their outcomes in order;
//! - `race SERVER`: waits of 300 and 100 ms on the clock and a request
//!   SERVER answers in 200 ms, in flight together: the order they end in;
//!   then a wait of 10 s raced against one of 50 ms, the loser dropped
//!   (its subtask cancelled);
//! - `pass FILE...`: stdin's stream handed to stdout as it is, then each
//!   file's of the first preopened directory likewise: the host at both
//!   ends of each;
//! - `slow-input`: stdin read to its end beside a wait of 100 ms: the
//!   order they end in;
//! - `reopen`: five bytes of stdin through one stream, which it drops,
//!   then the rest through another: what each brought;
//! - `net`: wasi:sockets over loopback: a TCP listener and a client
//!   trading a message each way, UDP datagrams each way, a refused
//!   connection, and name lookups; what each saw, without port numbers;
//! - `flood PORT`: 64 MiB sent over TCP to 127.0.0.1:PORT beside a wait
//!   of 300 ms: the order they end in, which shows whether the host held
//!   the writes back until the peer read.

use futures::future::join_all;
use futures::join;
use wasip3::cli::{environment, exit, stderr, stdin, stdout};
use wasip3::filesystem::types::{Descriptor, DescriptorFlags, OpenFlags, PathFlags};
use wasip3::http::client;
use wasip3::http::types::{ErrorCode, Fields, Method, Request, Response, Scheme};
use wasip3::sockets::types::{
    ErrorCode as SocketError, IpAddress, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress,
    TcpSocket, UdpSocket,
};
use wasip3::wit_future;
use wasip3::wit_stream;

wasip3::cli::command::export!(Command);

struct Command;

/// Write `text` to a standard stream (`write` is stdout's or stderr's
/// `write-via-stream`), awaiting the host's result beside the writing.
async fn say(
    write: fn(
        wasip3::wit_bindgen::StreamReader<u8>,
    ) -> wasip3::wit_bindgen::FutureReader<Result<(), wasip3::cli::types::ErrorCode>>,
    text: String,
) {
    let (mut tx, rx) = wit_stream::new();
    let done = write(rx);
    let ((), result) = join!(
        async {
            let rest = tx.write_all(text.into_bytes()).await;
            assert!(rest.is_empty());
            drop(tx);
        },
        async move { done.await }
    );
    result.expect("the host wrote the stream");
}

async fn upper() {
    let (input, input_done) = stdin::read_via_stream();
    let (mut tx, rx) = wit_stream::new();
    let output_done = stdout::write_via_stream(rx);
    let copy = async move {
        let mut input = input;
        let mut total = 0;
        loop {
            let (result, buf) = input.read(Vec::with_capacity(4096)).await;
            match result {
                wasip3::wit_bindgen::StreamResult::Complete(_) => {
                    total += buf.len();
                    let rest = tx.write_all(buf.to_ascii_uppercase()).await;
                    assert!(rest.is_empty());
                }
                _ => break,
            }
        }
        drop(tx);
        total
    };
    let (total, input_result, output_result) =
        join!(copy, async move { input_done.await }, async move {
            output_done.await
        });
    input_result.expect("stdin read to its end");
    output_result.expect("stdout written");
    say(stderr::write_via_stream, format!("{total} bytes\n")).await;
}

/// Copy `name` to `name.copy` in `dir`: the bytes copied.
async fn copy(dir: &Descriptor, name: &str) -> u64 {
    let open = |name: String, open: OpenFlags, flags: DescriptorFlags| {
        dir.open_at(PathFlags::empty(), name, open, flags)
    };
    let from = open(name.into(), OpenFlags::empty(), DescriptorFlags::READ)
        .await
        .expect("the source opens");
    let to = open(
        format!("{name}.copy"),
        OpenFlags::CREATE | OpenFlags::TRUNCATE,
        DescriptorFlags::WRITE,
    )
    .await
    .expect("the copy opens");
    let (mut input, read_done) = from.read_via_stream(0);
    let (mut tx, rx) = wit_stream::new();
    let write_done = to.write_via_stream(rx, 0);
    let pump = async move {
        let mut total = 0u64;
        loop {
            // Small reads: each copy takes many turns, interleaved with
            // the others'.
            let (result, buf) = input.read(Vec::with_capacity(1000)).await;
            if !matches!(result, wasip3::wit_bindgen::StreamResult::Complete(_)) {
                break;
            }
            total += buf.len() as u64;
            let rest = tx.write_all(buf).await;
            assert!(rest.is_empty());
        }
        drop(tx);
        total
    };
    let (total, read, written) = join!(pump, async move { read_done.await }, async move {
        write_done.await
    });
    read.expect("the source was read to its end");
    written.expect("the copy was written");
    total
}

async fn copy_all(names: &[String]) {
    let dirs = wasip3::filesystem::preopens::get_directories();
    let (dir, _) = dirs.first().expect("a preopened directory");
    let copied = join_all(names.iter().map(|n| copy(dir, n))).await;
    let mut text = String::new();
    for (name, n) in names.iter().zip(copied) {
        let size = dir
            .stat_at(PathFlags::empty(), format!("{name}.copy"))
            .await
            .expect("the copy is there")
            .size;
        text += &format!("{name}: {n} bytes copied, {size} on disk\n");
    }
    let missing = dir
        .open_at(
            PathFlags::empty(),
            "not-there".into(),
            OpenFlags::empty(),
            DescriptorFlags::READ,
        )
        .await;
    text += &format!("not-there: {:?}\n", missing.err());
    let (entries, listed) = dir.read_directory();
    let (mut entries, listed) = join!(entries.collect(), async move { listed.await });
    listed.expect("the directory was listed");
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    for e in entries {
        text += &format!("entry {} {:?}\n", e.name, e.type_);
    }
    say(stdout::write_via_stream, text).await;
}

/// GET `authority` `path` over HTTP: its status and body, or the error.
async fn get(authority: String, path: &str) -> Result<(u16, Vec<u8>), ErrorCode> {
    let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
    drop(trailers_tx);
    let (request, _sent) = Request::new(Fields::new(), None, trailers_rx, None);
    request.set_method(&Method::Get).expect("GET");
    request.set_scheme(Some(&Scheme::Http)).expect("http");
    request
        .set_authority(Some(&authority))
        .expect("an authority");
    request.set_path_with_query(Some(path)).expect("a path");
    let response = client::send(request).await?;
    let status = response.get_status_code();
    let (res_tx, res_rx) = wit_future::new(|| Ok(()));
    drop(res_tx);
    let (body, _trailers) = Response::consume_body(response, res_rx);
    Ok((status, body.collect().await))
}

/// POST `body` to `authority`'s `/echo`, a trailer after it: the status,
/// the body echoed and the trailers the server says it saw.
async fn post_with_trailers(authority: String, body: &[u8]) -> Result<String, ErrorCode> {
    let headers = Fields::new();
    headers.append("trailer", b"x-checksum").expect("a header");
    let trailers = Fields::new();
    trailers.append("x-checksum", b"abc123").expect("a trailer");
    let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
    let (mut tx, rx) = wit_stream::new();
    let (request, _sent) = Request::new(headers, Some(rx), trailers_rx, None);
    request.set_method(&Method::Post).expect("POST");
    request.set_scheme(Some(&Scheme::Http)).expect("http");
    request
        .set_authority(Some(&authority))
        .expect("an authority");
    request.set_path_with_query(Some("/echo")).expect("a path");
    let body = body.to_vec();
    // A request denied drops the body's reader: what is left unwritten
    // then does not matter.
    let write = async move {
        let _ = tx.write_all(body).await;
        drop(tx);
        let _ = trailers_tx.write(Ok(Some(trailers))).await;
    };
    let (response, ()) = join!(client::send(request), write);
    let response = response?;
    let status = response.get_status_code();
    let seen = response.get_headers().get("x-echo-trailers");
    let seen: Vec<String> = seen
        .iter()
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect();
    let (res_tx, res_rx) = wit_future::new(|| Ok(()));
    drop(res_tx);
    let (body, _trailers) = Response::consume_body(response, res_rx);
    let body = body.collect().await;
    let body = String::from_utf8_lossy(&body).into_owned();
    Ok(format!("{status} {body:?}, trailers seen {seen:?}"))
}

/// Several requests in flight together; their outcomes in a fixed order.
async fn fetch(server: &str, closed: &str) {
    let requests = [
        (server.to_string(), "/hello?name=kiln"),
        (server.to_string(), "/big"),
        (server.to_string(), "/nowhere"),
        (closed.to_string(), "/hello"),
    ];
    let outcomes = join_all(requests.iter().map(|(a, p)| get(a.clone(), p))).await;
    let mut text = String::new();
    for ((_, path), outcome) in requests.iter().zip(outcomes) {
        text += &match outcome {
            Ok((status, body)) if body.len() > 100 => {
                format!("{path}: {status}, {} bytes\n", body.len())
            }
            Ok((status, body)) => {
                format!("{path}: {status} {:?}\n", String::from_utf8_lossy(&body))
            }
            Err(e) => format!("{path}: error {e:?}\n"),
        };
    }
    text += &match post_with_trailers(server.to_string(), b"a body with trailers").await {
        Ok(outcome) => format!("/echo with trailers: {outcome}\n"),
        Err(e) => format!("/echo with trailers: error {e:?}\n"),
    };
    say(stdout::write_via_stream, text).await;
}

/// Waits and a request in flight together; the order they end in, which
/// is not the order they began in if each waits beside the others.
async fn race(server: &str) {
    use wasip3::clocks::monotonic_clock::wait_for;
    let order = std::cell::RefCell::new(Vec::new());
    let ms = 1_000_000;
    join!(
        async {
            wait_for(300 * ms).await;
            order.borrow_mut().push("wait 300 ms".to_string());
        },
        async {
            wait_for(100 * ms).await;
            order.borrow_mut().push("wait 100 ms".to_string());
        },
        async {
            let outcome = match get(server.to_string(), "/slow").await {
                Ok((status, body)) => format!("{status} {}", String::from_utf8_lossy(&body)),
                Err(e) => format!("error {e:?}"),
            };
            order
                .borrow_mut()
                .push(format!("request of 200 ms: {outcome}"));
        }
    );
    let mut text = order.into_inner().join("\n") + "\n";
    let long = std::pin::pin!(wait_for(10_000 * ms));
    let short = std::pin::pin!(wait_for(50 * ms));
    text += match futures::future::select(long, short).await {
        futures::future::Either::Left(_) => "the 10 s wait ended first\n",
        futures::future::Either::Right(_) => "the 50 ms wait ended first\n",
    };
    say(stdout::write_via_stream, text).await;
}

/// Five bytes of stdin through one stream, dropped with what the host may
/// have read ahead for it; the rest through a second stream: the input
/// is the process's, and none of it may be lost between the two.
async fn reopen() {
    let (mut first, _) = stdin::read_via_stream();
    let (_, head) = first.read(Vec::with_capacity(5)).await;
    drop(first);
    let (mut second, done) = stdin::read_via_stream();
    let mut rest = Vec::new();
    loop {
        let (result, buf) = second.read(Vec::with_capacity(4096)).await;
        if !matches!(result, wasip3::wit_bindgen::StreamResult::Complete(_)) {
            break;
        }
        rest.extend(buf);
    }
    done.await.expect("stdin read to its end");
    let text = format!(
        "first stream: {:?}\nsecond stream: {} bytes, starting {:?}\n",
        String::from_utf8_lossy(&head),
        rest.len(),
        String::from_utf8_lossy(&rest[..rest.len().min(12)]),
    );
    say(stdout::write_via_stream, text).await;
}

/// The host's streams handed straight back to it, so that the host is at
/// both ends: stdin's to stdout, then the preopened directory's `FILE`s
/// to stdout one after another; the futures of each awaited.
async fn pass(files: &[String]) {
    let (input, read) = stdin::read_via_stream();
    let written = stdout::write_via_stream(input);
    let (written, read) = join!(async move { written.await }, async move { read.await });
    written.expect("stdout written");
    read.expect("stdin read to its end");
    let dirs = wasip3::filesystem::preopens::get_directories();
    for name in files {
        let (dir, _) = dirs.first().expect("a preopened directory");
        let file = dir
            .open_at(PathFlags::empty(), name.clone(), OpenFlags::empty(), DescriptorFlags::READ)
            .await
            .expect("the file opens");
        let (bytes, read) = file.read_via_stream(0);
        let written = stdout::write_via_stream(bytes);
        let (written, read) = join!(async move { written.await }, async move { read.await });
        written.expect("stdout written");
        read.expect("the file read to its end");
    }
}

/// Stdin read to its end beside a wait on the clock: the order they end
/// in, which shows whether the wait went on while the read waited.
async fn slow_input() {
    let order = std::cell::RefCell::new(Vec::new());
    let (mut input, done) = stdin::read_via_stream();
    // The read first: were it to block the program, the wait would begin
    // only after it.
    join!(
        async {
            let mut total = 0;
            loop {
                let (result, buf) = input.read(Vec::with_capacity(100)).await;
                if !matches!(result, wasip3::wit_bindgen::StreamResult::Complete(_)) {
                    break;
                }
                total += buf.len();
            }
            done.await.expect("stdin read to its end");
            order.borrow_mut().push(format!("stdin: {total} bytes"));
        },
        async {
            wasip3::clocks::monotonic_clock::wait_for(100_000_000).await;
            order.borrow_mut().push("wait 100 ms".to_string());
        }
    );
    say(
        stdout::write_via_stream,
        order.into_inner().join("\n") + "\n",
    )
    .await;
}

fn loopback(port: u16) -> IpSocketAddress {
    IpSocketAddress::Ipv4(Ipv4SocketAddress {
        port,
        address: (127, 0, 0, 1),
    })
}

fn port_of(a: &IpSocketAddress) -> u16 {
    match a {
        IpSocketAddress::Ipv4(a) => a.port,
        IpSocketAddress::Ipv6(a) => a.port,
    }
}

/// Write `text` to `socket` and end its stream; read what it receives to
/// its end. Both outcomes.
async fn exchange(
    socket: &TcpSocket,
    text: &str,
) -> (Result<(), SocketError>, Vec<u8>, Result<(), SocketError>) {
    let (mut tx, rx) = wit_stream::new();
    let sent = socket.send(rx);
    let (received, received_done) = socket.receive();
    let ((), sent, (bytes, received)) = join!(
        async {
            let rest = tx.write_all(text.as_bytes().to_vec()).await;
            assert!(rest.is_empty());
            drop(tx);
        },
        async move { sent.await },
        async move { (received.collect().await, received_done.await) }
    );
    (sent, bytes, received)
}

async fn tcp(text: &mut String) -> Result<(), SocketError> {
    let listener = TcpSocket::create(IpAddressFamily::Ipv4)?;
    listener.bind(loopback(0))?;
    let mut incoming = listener.listen()?;
    let port = port_of(&listener.get_local_address()?);
    *text += &format!("tcp listening: {}\n", listener.get_is_listening());
    let client = TcpSocket::create(IpAddressFamily::Ipv4)?;
    let (connected, (_, accepted)) = join!(
        client.connect(loopback(port)),
        incoming.read(Vec::with_capacity(1))
    );
    connected?;
    let server = accepted.into_iter().next().expect("a connection");
    let remote = client.get_remote_address()?;
    *text += &format!(
        "tcp client's peer is the listener: {}\n",
        port_of(&remote) == port
    );
    let local = server.get_local_address()?;
    *text += &format!(
        "tcp accepted socket's port is the listener's: {}\n",
        port_of(&local) == port
    );
    let (a, b) = join!(
        exchange(&client, "ping from the client"),
        exchange(&server, "PONG FROM THE SERVER")
    );
    for (who, (sent, got, received)) in [("client", a), ("server", b)] {
        *text += &format!(
            "tcp {who}: sent {sent:?}, received {:?} then {received:?}\n",
            String::from_utf8_lossy(&got)
        );
    }
    // Sending twice, and connecting a connected socket, are refused.
    let (_, rx) = wit_stream::new::<u8>();
    *text += &format!("tcp send again: {:?}\n", client.send(rx).await);
    *text += &format!(
        "tcp connect again: {:?}\n",
        client.connect(loopback(port)).await
    );
    drop(listener);
    drop(incoming);
    let closed = TcpSocket::create(IpAddressFamily::Ipv4)?;
    *text += &format!(
        "tcp connect to a closed port: {:?}\n",
        closed.connect(loopback(port)).await
    );
    Ok(())
}

async fn udp(text: &mut String) -> Result<(), SocketError> {
    let a = UdpSocket::create(IpAddressFamily::Ipv4)?;
    let b = UdpSocket::create(IpAddressFamily::Ipv4)?;
    a.bind(loopback(0))?;
    b.bind(loopback(0))?;
    let (pa, pb) = (
        port_of(&a.get_local_address()?),
        port_of(&b.get_local_address()?),
    );
    let (sent, got) = join!(
        a.send(b"datagram to b".to_vec(), Some(loopback(pb))),
        b.receive()
    );
    sent?;
    let (bytes, from) = got?;
    *text += &format!(
        "udp b got {:?} from a: {}\n",
        String::from_utf8_lossy(&bytes),
        port_of(&from) == pa
    );
    b.connect(loopback(pa))?;
    let (sent, got) = join!(b.send(b"reply to a".to_vec(), None), a.receive());
    sent?;
    let (bytes, from) = got?;
    *text += &format!(
        "udp a got {:?} from b: {}\n",
        String::from_utf8_lossy(&bytes),
        port_of(&from) == pb
    );
    *text += &format!(
        "udp b's peer is a: {}\n",
        port_of(&b.get_remote_address()?) == pa
    );
    let unbound = UdpSocket::create(IpAddressFamily::Ipv4)?;
    *text += &format!(
        "udp receive unbound: {:?}\n",
        unbound.receive().await.map(|_| ())
    );
    Ok(())
}

async fn net() {
    let mut text = String::new();
    if let Err(e) = tcp(&mut text).await {
        text += &format!("tcp failed: {e:?}\n");
    }
    if let Err(e) = udp(&mut text).await {
        text += &format!("udp failed: {e:?}\n");
    }
    use wasip3::sockets::ip_name_lookup::resolve_addresses;
    let localhost = resolve_addresses("localhost".into()).await;
    let has_loopback = localhost.as_ref().map(|ips| {
        ips.iter()
            .any(|ip| matches!(ip, IpAddress::Ipv4((127, 0, 0, 1))))
    });
    text += &format!("localhost has 127.0.0.1: {has_loopback:?}\n");
    let literal = resolve_addresses("10.1.2.3".into()).await;
    text += &format!("10.1.2.3 resolves to {literal:?}\n");
    text += &format!(
        "a bad name: {:?}\n",
        resolve_addresses("not a name!".into()).await
    );
    say(stdout::write_via_stream, text).await;
}

async fn flood(port: u16) {
    let order = std::cell::RefCell::new(Vec::new());
    let socket = TcpSocket::create(IpAddressFamily::Ipv4).expect("a socket");
    socket.connect(loopback(port)).await.expect("connected");
    let (mut tx, rx) = wit_stream::new();
    let sent = socket.send(rx);
    join!(
        async {
            let rest = tx.write_all(vec![7u8; 64 << 20]).await;
            assert!(rest.is_empty());
            drop(tx);
            order.borrow_mut().push("all written");
        },
        async {
            wasip3::clocks::monotonic_clock::wait_for(300_000_000).await;
            order.borrow_mut().push("300 ms passed");
        },
        async move { sent.await.expect("sent") }
    );
    say(
        stdout::write_via_stream,
        order.into_inner().join("\n") + "\n",
    )
    .await;
}

impl wasip3::exports::cli::run::Guest for Command {
    async fn run() -> Result<(), ()> {
        let args = environment::get_arguments();
        match args.get(1).map(String::as_str) {
            Some("hello") => {
                say(stdout::write_via_stream, "Hello from WASI 0.3!\n".into()).await;
                say(stderr::write_via_stream, "and to stderr\n".into()).await;
            }
            Some("upper") => upper().await,
            Some("pass") => pass(&args[2..]).await,
            Some("env") => {
                let mut text = format!("args: {:?}\n", &args[1..]);
                let mut env = environment::get_environment();
                env.sort();
                for (k, v) in env {
                    text += &format!("{k}={v}\n");
                }
                let bytes = wasip3::random::random::get_random_bytes(16);
                text += &format!("random: {} bytes\n", bytes.len());
                say(stdout::write_via_stream, text).await;
            }
            Some("exit") => {
                say(stdout::write_via_stream, "leaving\n".into()).await;
                let code: u8 = args.get(2).and_then(|c| c.parse().ok()).unwrap_or(1);
                exit::exit_with_code(code);
            }
            Some("copy") => copy_all(&args[2..]).await,
            Some("fetch") => fetch(&args[2], &args[3]).await,
            Some("race") => race(&args[2]).await,
            Some("slow-input") => slow_input().await,
            Some("reopen") => reopen().await,
            Some("net") => net().await,
            Some("flood") => flood(args[2].parse().expect("a port")).await,
            Some("sleep") => {
                let ms: u64 = args.get(2).and_then(|m| m.parse().ok()).unwrap_or(10);
                let clock = wasip3::clocks::monotonic_clock::now();
                wasip3::clocks::monotonic_clock::wait_for(ms * 1_000_000).await;
                let waited = wasip3::clocks::monotonic_clock::now() - clock;
                let text = format!("waited at least {ms} ms: {}\n", waited >= ms * 1_000_000);
                say(stdout::write_via_stream, text).await;
            }
            Some("fail") => {
                say(stderr::write_via_stream, "failing\n".into()).await;
                return Err(());
            }
            other => {
                let text = format!("unknown command {other:?}\n");
                say(stderr::write_via_stream, text).await;
                return Err(());
            }
        }
        Ok(())
    }
}
