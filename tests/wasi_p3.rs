//! WASI 0.3 commands: a Rust program built with the `wasip3` crate, whose
//! `run` is async and whose standard streams are streams and futures of
//! the async ABI, must behave under `kiln run` and as a built executable
//! as under the wasmtime CLI: same stdout, stderr and exit status. The
//! program imports wasi:http, which wasmtime links only with `-S http`.
//! wasi:clocks/timezone, which wasmtime does not provide, is checked
//! against the system's `date`.

mod common;

use common::{kiln, root, show, wasip2_program, work_dir};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Run `cmd` with `input` on its stdin.
fn with_input(mut cmd: Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Written beside the reading: the program answers as the bytes come.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

#[test]
fn a_wasi_0_3_command_behaves_as_under_wasmtime() {
    let wasm = wasip2_program("p3-cli", "p3_cli.wasm");
    let dir = work_dir("wasi_p3", "cli");
    let exe = dir.join("p3-cli");
    let built = kiln(
        &[
            "build",
            "--env",
            "GREETING=hi",
            wasm.to_str().unwrap(),
            "-o",
            exe.to_str().unwrap(),
        ],
        &dir,
    );
    assert!(built.status.success(), "{}", show(&built));

    // 200 KB of input: many reads, each written out as it comes.
    let input: Vec<u8> = (0..200_000u32)
        .map(|i| b"abcdefghij klmnopqrstuvwxyz\n"[(i % 28) as usize])
        .collect();
    let cases: [(&[&str], &[u8]); 10] = [
        (&["hello"], b""),
        (&["env", "two words"], b""),
        (&["exit", "7"], b""),
        (&["fail"], b""),
        (&["upper"], b"some input\nmore\n"),
        (&["upper"], &input),
        (&["reopen"], b"first line\nsecond line\n"),
        (&["reopen"], &input),
        (&["pass"], b"handed on\n"),
        (&["pass"], &input),
    ];
    let run = |program: &Path, args: &[&str], input: &[u8]| {
        let mut wasmtime = Command::new(root().join("target/peers/wasmtime"));
        wasmtime
            .args(["run", "-S", "http", "--env", "GREETING=hi"])
            .arg(program)
            .args(args);
        let mut kiln_run = Command::new(env!("CARGO_BIN_EXE_kiln"));
        kiln_run
            .args(["run", "--env", "GREETING=hi"])
            .arg(program)
            .args(args)
            .env("KILN_CACHE_DIR", dir.join("cache"));
        let mut executable = Command::new(&exe);
        executable.args(args);
        (
            with_input(wasmtime, input),
            with_input(kiln_run, input),
            with_input(executable, input),
        )
    };
    for (args, input) in cases {
        let (expected, got, exe_got) = run(&wasm, args, input);
        assert_eq!(show(&got), show(&expected), "kiln run, {args:?}");
        assert_eq!(show(&exe_got), show(&expected), "executable, {args:?}");
    }
    let (expected, _, _) = run(&wasm, &["upper"], &input);
    assert_eq!(expected.stdout, input.to_ascii_uppercase());
}

/// Files copied through streams, several copies in flight, and a wait on
/// the clock: the same files and output under each runner, each in a
/// directory of its own.
#[test]
fn a_wasi_0_3_command_copies_files_as_under_wasmtime() {
    let wasm = wasip2_program("p3-cli", "p3_cli.wasm");
    let dir = work_dir("wasi_p3", "copy");
    let files: [(&str, usize); 3] = [("big", 300_000), ("small", 5_000), ("empty", 0)];
    let fill = |d: &Path| {
        std::fs::create_dir_all(d).unwrap();
        for (name, size) in files {
            let bytes: Vec<u8> = (0..size).map(|i| (i * 7 + i / 251) as u8).collect();
            std::fs::write(d.join(name), bytes).unwrap();
        }
    };
    let grant = |d: &Path| format!("{}::/data", d.display());
    let args = ["copy", "big", "small", "empty"];

    let (w, k, e) = (dir.join("wasmtime"), dir.join("kiln"), dir.join("exe"));
    for d in [&w, &k, &e] {
        fill(d);
    }
    let exe = dir.join("p3-cli");
    let built = kiln(
        &[
            "build",
            "--dir",
            &grant(&e),
            wasm.to_str().unwrap(),
            "-o",
            exe.to_str().unwrap(),
        ],
        &dir,
    );
    assert!(built.status.success(), "{}", show(&built));
    let expected = Command::new(root().join("target/peers/wasmtime"))
        .args(["run", "-S", "http", "--dir", &grant(&w)])
        .arg(&wasm)
        .args(args)
        .output()
        .unwrap();
    assert!(expected.status.success(), "{}", show(&expected));
    let got = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["run", "--dir", &grant(&k)])
        .arg(&wasm)
        .args(args)
        .env("KILN_CACHE_DIR", dir.join("cache"))
        .output()
        .unwrap();
    assert_eq!(show(&got), show(&expected));
    let exe_got = Command::new(&exe).args(args).output().unwrap();
    assert_eq!(show(&exe_got), show(&expected));
    for d in [&w, &k, &e] {
        for (name, _) in files {
            let copy = std::fs::read(d.join(format!("{name}.copy"))).unwrap();
            assert_eq!(
                copy,
                std::fs::read(d.join(name)).unwrap(),
                "{}",
                d.display()
            );
        }
    }

    // Each file's own stream handed to stdout: the host at both ends.
    let pass = ["pass", "big", "small", "empty"];
    let whole: Vec<u8> = files
        .iter()
        .flat_map(|(name, _)| std::fs::read(k.join(name)).unwrap())
        .collect();
    let expected = Command::new(root().join("target/peers/wasmtime"))
        .args(["run", "-S", "http", "--dir", &grant(&w)])
        .arg(&wasm)
        .args(pass)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let got = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["run", "--dir", &grant(&k)])
        .arg(&wasm)
        .args(pass)
        .stdin(Stdio::null())
        .env("KILN_CACHE_DIR", dir.join("cache"))
        .output()
        .unwrap();
    assert_eq!(show(&got), show(&expected));
    assert!(got.stdout == whole, "the files' bytes, in order");

    let sleep = ["sleep", "30"];
    let expected = Command::new(root().join("target/peers/wasmtime"))
        .args(["run", "-S", "http"])
        .arg(&wasm)
        .args(sleep)
        .output()
        .unwrap();
    let got = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .arg("run")
        .arg(&wasm)
        .args(sleep)
        .env("KILN_CACHE_DIR", dir.join("cache"))
        .output()
        .unwrap();
    assert_eq!(show(&got), show(&expected));
    assert!(String::from_utf8_lossy(&got.stdout).contains(": true"));
}

/// HTTP requests in flight together through wasi:http 0.3's client, to a
/// loopback server this test runs and to an address nobody listens on;
/// without `-S http` each is denied.
#[test]
fn a_wasi_0_3_http_client_behaves_as_under_wasmtime() {
    let wasm = wasip2_program("p3-cli", "p3_cli.wasm");
    let dir = work_dir("wasi_p3", "fetch");
    let server = common::server::serve();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let args = ["fetch", server.as_str(), closed.as_str()];
    let run = |program: &Path, pre: &[&str], grant: &[&str]| {
        Command::new(program)
            .args(pre)
            .args(grant)
            .arg(&wasm)
            .args(args)
            .env("KILN_CACHE_DIR", dir.join("cache"))
            .output()
            .unwrap()
    };
    let wasmtime = root().join("target/peers/wasmtime");
    let kiln = Path::new(env!("CARGO_BIN_EXE_kiln"));
    let expected = run(&wasmtime, &["run"], &["-S", "http"]);
    let out = String::from_utf8_lossy(&expected.stdout);
    assert!(
        out.contains("/big: 200, 3000000 bytes"),
        "{}",
        show(&expected)
    );
    assert!(out.contains("ConnectionRefused"), "{out}");
    let trailers =
        r#"/echo with trailers: 200 "a body with trailers", trailers seen ["x-checksum: abc123"]"#;
    assert!(out.contains(trailers), "{out}");
    assert_eq!(show(&run(kiln, &["run"], &["-S", "http"])), show(&expected));
    let denied = run(kiln, &["run"], &[]);
    let text = String::from_utf8_lossy(&denied.stdout);
    assert_eq!(
        text.matches("HttpRequestDenied").count(),
        5,
        "{}",
        show(&denied)
    );
}

/// Two waits on the clock and an HTTP request in flight together end in
/// the order of their lengths, not of their start: the host waits for
/// each on the event loop beside the others, as wasmtime does. A wait
/// dropped unfinished is cancelled.
#[test]
fn waits_and_requests_go_on_together_as_under_wasmtime() {
    let wasm = wasip2_program("p3-cli", "p3_cli.wasm");
    let dir = work_dir("wasi_p3", "race");
    let server = common::server::serve();
    let run = |program: &Path, pre: &[&str], env: &[(&str, &str)]| {
        Command::new(program)
            .args(pre)
            .arg(&wasm)
            .args(["race", server.as_str()])
            .env("KILN_CACHE_DIR", dir.join("cache"))
            .envs(env.iter().copied())
            .output()
            .unwrap()
    };
    let expected = run(
        &root().join("target/peers/wasmtime"),
        &["run", "-S", "http"],
        &[],
    );
    assert_eq!(
        String::from_utf8_lossy(&expected.stdout),
        "wait 100 ms\nrequest of 200 ms: 200 slow\nwait 300 ms\nthe 50 ms wait ended first\n",
        "{}",
        show(&expected)
    );
    let kiln = |env: &[(&str, &str)]| {
        run(
            Path::new(env!("CARGO_BIN_EXE_kiln")),
            &["run", "-S", "http"],
            env,
        )
    };
    assert_eq!(show(&kiln(&[])), show(&expected));
    // The 10 s wait was cancelled, not waited out: timed on the second
    // run, from kiln's cache, for compiling beside the other tests may
    // take seconds. That run frees its store before it exits, which
    // aborts what is left of the cancelled wait on the event loop.
    let started = std::time::Instant::now();
    assert_eq!(show(&kiln(&[("KILN_FREE_AT_EXIT", "1")])), show(&expected));
    assert!(started.elapsed().as_secs() < 8, "{:?}", started.elapsed());
}

/// Stdin that comes slowly (a line, then its end 400 ms later) is read
/// beside a wait of 100 ms, which ends first, as under wasmtime: a read
/// of stdin waits on the event loop, not the program's thread.
#[test]
fn stdin_is_read_beside_other_work_as_under_wasmtime() {
    let wasm = wasip2_program("p3-cli", "p3_cli.wasm");
    let dir = work_dir("wasi_p3", "slow-input");
    let run = |mut cmd: Command| {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"first line\n").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(400));
        drop(stdin);
        child.wait_with_output().unwrap()
    };
    let mut wasmtime = Command::new(root().join("target/peers/wasmtime"));
    wasmtime
        .args(["run", "-S", "http"])
        .arg(&wasm)
        .arg("slow-input");
    let expected = run(wasmtime);
    assert_eq!(
        String::from_utf8_lossy(&expected.stdout),
        "wait 100 ms\nstdin: 11 bytes\n",
        "{}",
        show(&expected)
    );
    let mut kiln_run = Command::new(env!("CARGO_BIN_EXE_kiln"));
    kiln_run
        .arg("run")
        .arg(&wasm)
        .arg("slow-input")
        .env("KILN_CACHE_DIR", dir.join("cache"));
    // Once to compile it, so that the run compared starts at once.
    let _ = kiln_run.output();
    assert_eq!(show(&run(kiln_run)), show(&expected));
}

/// wasi:sockets 0.3 over loopback: a TCP listener and client trading a
/// message each way, UDP datagrams each way, a refused connection and
/// name lookups, granted as wasmtime grants them; and without the grant.
/// The same output under wasmtime, `kiln run` and a built executable.
#[test]
fn wasi_0_3_sockets_behave_as_under_wasmtime() {
    let wasm = wasip2_program("p3-cli", "p3_cli.wasm");
    let dir = work_dir("wasi_p3", "net");
    let grant = ["-S", "inherit-network", "-S", "allow-ip-name-lookup"];
    // A runner of the component (`pre` names it), or the executable.
    let run = |program: &Path, pre: &[&str], grant: &[&str]| {
        let mut cmd = Command::new(program);
        cmd.args(pre).args(grant);
        if !pre.is_empty() {
            cmd.arg(&wasm);
        }
        cmd.arg("net")
            .env("KILN_CACHE_DIR", dir.join("cache"))
            .output()
            .unwrap()
    };
    let wasmtime = root().join("target/peers/wasmtime");
    let kiln = Path::new(env!("CARGO_BIN_EXE_kiln"));
    let expected = run(&wasmtime, &["run", "-S", "http"], &grant);
    let out = String::from_utf8_lossy(&expected.stdout);
    assert!(
        out.contains("tcp server: sent Ok(()), received \"ping from the client\""),
        "{}",
        show(&expected)
    );
    assert!(
        out.contains("udp a got \"reply to a\" from b: true"),
        "{out}"
    );
    assert_eq!(show(&run(kiln, &["run"], &grant)), show(&expected));

    let exe = dir.join("p3-cli");
    let mut build = vec!["build"];
    build.extend(grant);
    build.extend([wasm.to_str().unwrap(), "-o", exe.to_str().unwrap()]);
    let built = common::kiln(&build, &dir);
    assert!(built.status.success(), "{}", show(&built));
    assert_eq!(show(&run(&exe, &[], &[])), show(&expected));

    let denied = run(&wasmtime, &["run", "-S", "http"], &[]);
    assert!(
        String::from_utf8_lossy(&denied.stdout).contains("tcp failed: ErrorCode::AccessDenied"),
        "{}",
        show(&denied)
    );
    assert_eq!(show(&run(kiln, &["run"], &[])), show(&denied));
}

/// 64 MiB sent over TCP to a peer that reads nothing for a second: the
/// host holds the guest's writes back (about a MiB in flight) until the
/// peer reads, so a wait of 300 ms beside them ends first, as under
/// wasmtime, and every byte arrives.
#[test]
fn tcp_writes_wait_for_a_slow_peer_as_under_wasmtime() {
    let wasm = wasip2_program("p3-cli", "p3_cli.wasm");
    let dir = work_dir("wasi_p3", "flood");
    let run = |program: &Path, pre: &[&str]| {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port().to_string();
        let peer = std::thread::spawn(move || {
            use std::io::Read;
            let (mut s, _) = listener.accept().unwrap();
            std::thread::sleep(std::time::Duration::from_secs(1));
            let mut all = Vec::new();
            s.read_to_end(&mut all).unwrap();
            all.len()
        });
        let out = Command::new(program)
            .args(pre)
            .args(["-S", "inherit-network"])
            .arg(&wasm)
            .args(["flood", &port])
            .env("KILN_CACHE_DIR", dir.join("cache"))
            .output()
            .unwrap();
        (out, peer.join().unwrap())
    };
    let (expected, received) = run(
        &root().join("target/peers/wasmtime"),
        &["run", "-S", "http"],
    );
    assert_eq!(
        String::from_utf8_lossy(&expected.stdout),
        "300 ms passed\nall written\n",
        "{}",
        show(&expected)
    );
    assert_eq!(received, 64 << 20);
    let (got, received) = run(Path::new(env!("CARGO_BIN_EXE_kiln")), &["run"]);
    assert_eq!(show(&got), show(&expected));
    assert_eq!(received, 64 << 20);
}

/// wasi:clocks/timezone, 0.2's and 0.3's (unstable in both, and without a
/// host in wasmtime): the host's zone, as the system's `date` gives it for
/// the same `TZ`, at an instant in January and one in July, under `kiln
/// run` and as a built executable (static, on musl's zone code).
#[test]
fn the_time_zone_is_the_hosts_as_date_gives_it() {
    let wasm = wasip2_program("timezone", "timezone.wasm");
    let dir = work_dir("wasi_p3", "timezone");
    let exe = dir.join("timezone");
    let built = kiln(
        &["build", wasm.to_str().unwrap(), "-o", exe.to_str().unwrap()],
        &dir,
    );
    assert!(built.status.success(), "{}", show(&built));
    // 2026-01-15T12:00:00Z and 2026-07-15T12:00:00Z.
    let instants = ["1768478400", "1784116800"];
    // TZ, its IANA id, and whether each instant is in daylight saving
    // time there (zone files come from Debian's tzdata, which setup
    // installs).
    let zones: [(&str, Option<&str>, [bool; 2]); 5] = [
        ("UTC0", None, [false, false]),
        ("XST-5:30", None, [false, false]),
        ("EST5EDT,M3.2.0,M11.1.0", None, [false, true]),
        ("Europe/Paris", Some("Europe/Paris"), [false, true]),
        (
            ":Australia/Adelaide",
            Some("Australia/Adelaide"),
            [true, false],
        ),
    ];
    let date = |tz: &str, at: &str, format: &str| {
        let o = Command::new("date")
            .env("TZ", tz)
            .args(["-d", &format!("@{at}"), format])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", show(&o));
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    for (tz, id, daylight_saving) in zones {
        // `+0530 XST`: seconds east of UTC, and the zone's name.
        let mut expected = format!(
            "iana-id {}\ndebug {}\n",
            id.unwrap_or("none"),
            id.map_or_else(|| date(tz, &now, "+%:z"), str::to_string),
        );
        for (at, dst) in instants.iter().zip(daylight_saving) {
            let shown = date(tz, at, "+%z %Z");
            let (offset, name) = shown.split_once(' ').unwrap();
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let hours: i64 = offset[1..3].parse().unwrap();
            let minutes: i64 = offset[3..5].parse().unwrap();
            let seconds = sign * (hours * 3600 + minutes * 60);
            let nanos = seconds * 1_000_000_000;
            expected += &format!("{at} {seconds} {name} {dst} {seconds} {nanos}\n");
        }
        let mut kiln_run = Command::new(env!("CARGO_BIN_EXE_kiln"));
        kiln_run
            .arg("run")
            .arg(&wasm)
            .env("KILN_CACHE_DIR", dir.join("cache"));
        for mut cmd in [kiln_run, Command::new(&exe)] {
            let got = cmd.args(instants).env("TZ", tz).output().unwrap();
            assert!(got.status.success(), "TZ={tz}: {}", show(&got));
            assert_eq!(String::from_utf8_lossy(&got.stdout), expected, "TZ={tz}");
        }
    }
    // A zone with no zone file has no IANA id (the C library takes it for
    // UTC, under a name of its choosing).
    let got = Command::new(&exe)
        .env("TZ", "Nowhere/Atlantis")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&got.stdout),
        "iana-id none\ndebug +00:00\n",
        "{}",
        show(&got)
    );
}
