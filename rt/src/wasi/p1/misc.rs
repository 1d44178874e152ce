//! Arguments and environment, clocks, randomness, `poll_oneoff`, the
//! process calls and the sockets `--tcplisten` grants.

use super::descriptors::Fd;
use super::{io_errno, Cx, Errno, Fail, Outcome};
use crate::wasi::p2::host::clocks::now_ns;
use std::io::{Read, Write};
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const CLOCK_REALTIME: u32 = 0;
const CLOCK_MONOTONIC: u32 = 1;

/// Strings laid out as preview1 passes them: a pointer each into `buf`,
/// each NUL-terminated there.
fn put_strings(cx: &mut Cx, list: &[String], ptrs: u32, buf: u32) -> Outcome {
    let mut at = buf;
    for (i, s) in list.iter().enumerate() {
        cx.write_u32(ptrs + 4 * i as u32, at)?;
        cx.write(at, s.as_bytes())?;
        cx.write(at + s.len() as u32, &[0])?;
        at += s.len() as u32 + 1;
    }
    Ok(())
}

fn put_sizes(cx: &mut Cx, list: &[String], count: u32, size: u32) -> Outcome {
    let bytes: usize = list.iter().map(|s| s.len() + 1).sum();
    cx.write_u32(count, list.len() as u32)?;
    cx.write_u32(size, bytes as u32)
}

fn environment(cx: &Cx) -> Vec<String> {
    cx.p1.env.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

pub fn args_get(cx: &mut Cx, argv: u32, buf: u32) -> Outcome {
    let args = cx.p1.args.clone();
    put_strings(cx, &args, argv, buf)
}

pub fn args_sizes_get(cx: &mut Cx, count: u32, size: u32) -> Outcome {
    let args = cx.p1.args.clone();
    put_sizes(cx, &args, count, size)
}

pub fn environ_get(cx: &mut Cx, environ: u32, buf: u32) -> Outcome {
    let env = environment(cx);
    put_strings(cx, &env, environ, buf)
}

pub fn environ_sizes_get(cx: &mut Cx, count: u32, size: u32) -> Outcome {
    let env = environment(cx);
    put_sizes(cx, &env, count, size)
}

/// The clocks preview1 has: process and thread CPU time are EBADF, as
/// under wasmtime.
fn clock(id: u32) -> Result<u32, Errno> {
    match id {
        CLOCK_REALTIME | CLOCK_MONOTONIC => Ok(id),
        2 | 3 => Err(Errno::BADF),
        _ => Err(Errno::INVAL),
    }
}

fn realtime_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

pub fn clock_res_get(cx: &mut Cx, id: u32, out: u32) -> Outcome {
    clock(id)?;
    cx.write_u64(out, 1)
}

pub fn clock_time_get(cx: &mut Cx, id: u32, _precision: u64, out: u32) -> Outcome {
    let now = match clock(id)? {
        CLOCK_REALTIME => realtime_ns(),
        _ => now_ns(),
    };
    cx.write_u64(out, now)
}

pub fn random_get(cx: &mut Cx, buf: u32, len: u32) -> Outcome {
    crate::wasi::p2::host::random::system_random(cx.bytes(buf, len)?);
    Ok(())
}

pub fn sched_yield(_: &mut Cx) -> Outcome {
    std::thread::yield_now();
    Ok(())
}

pub fn proc_raise(_: &mut Cx, _signal: u32) -> Outcome {
    Err(Errno::NOTSUP.into())
}

/// What one subscription waits for.
enum Wait {
    /// Ready at this instant.
    Until(Instant),
    /// Ready now: `nbytes` and `flags` for its event.
    Now(u64, u16),
    /// Ready when poll(2) says the descriptor is.
    Fd(i32, rustix::event::PollFlags),
}

const EVENT_FD_READ: u8 = 1;
const EVENT_FD_WRITE: u8 = 2;
const HANGUP: u16 = 1;

fn subscription(cx: &mut Cx, at: u32) -> Result<(u64, u8, Wait), Fail> {
    use rustix::event::PollFlags;
    let userdata = cx.read_u64(at)?;
    let tag = cx.bytes(at + 8, 1)?[0];
    let wait = match tag {
        0 => {
            let id = cx.read_u32(at + 16)?;
            let timeout = cx.read_u64(at + 24)?;
            let absolute = cx.bytes(at + 40, 2)?[0] & 1 != 0;
            let now = Instant::now();
            let delay = match (clock(id).map_err(|_| Errno::INVAL)?, absolute) {
                (_, false) => timeout,
                (CLOCK_MONOTONIC, true) => timeout.saturating_sub(now_ns()),
                (_, true) => timeout.saturating_sub(realtime_ns()),
            };
            Wait::Until(
                now.checked_add(Duration::from_nanos(delay))
                    .unwrap_or(now + Duration::from_secs(u32::MAX as u64)),
            )
        }
        EVENT_FD_READ | EVENT_FD_WRITE => {
            let fd = cx.read_u32(at + 16)?;
            let read = tag == EVENT_FD_READ;
            let flags = if read { PollFlags::IN } else { PollFlags::OUT };
            match cx.p1.get(fd)? {
                Fd::Stdin if read => Wait::Fd(0, flags),
                Fd::Stdout | Fd::Stderr if !read => Wait::Now(1, 0),
                Fd::File(f) if read => {
                    let size = f.file.metadata().map_err(|e| io_errno(&e))?.len();
                    Wait::Now(1, if size <= f.position { HANGUP } else { 0 })
                }
                Fd::File(_) => Wait::Now(1, 0),
                Fd::Stream(s) => Wait::Fd(std::os::fd::AsRawFd::as_raw_fd(s), flags),
                Fd::Listener(l) if read => Wait::Fd(std::os::fd::AsRawFd::as_raw_fd(l), flags),
                _ => return Err(Errno::BADF.into()),
            }
        }
        _ => return Err(Errno::INVAL.into()),
    };
    Ok((userdata, tag, wait))
}

pub fn poll_oneoff(cx: &mut Cx, subs: u32, events: u32, count: u32, out: u32) -> Outcome {
    use rustix::event::{poll, PollFd, Timespec};
    if count == 0 {
        return Err(Errno::INVAL.into());
    }
    let list = (0..count)
        .map(|i| subscription(cx, subs + 48 * i))
        .collect::<Result<Vec<_>, _>>()?;
    let ready = loop {
        let now = Instant::now();
        let mut ready: Vec<(usize, u64, u16)> = Vec::new();
        let mut soonest: Option<Instant> = None;
        let mut watched = Vec::new();
        for (i, (_, _, wait)) in list.iter().enumerate() {
            match wait {
                Wait::Now(n, flags) => ready.push((i, *n, *flags)),
                Wait::Until(t) if *t <= now => ready.push((i, 0, 0)),
                Wait::Until(t) => soonest = Some(soonest.map_or(*t, |s| s.min(*t))),
                Wait::Fd(fd, flags) => watched.push((i, *fd, *flags)),
            }
        }
        let timeout = if ready.is_empty() {
            soonest.map(|t| t.saturating_duration_since(now))
        } else {
            Some(Duration::ZERO)
        };
        let timeout = timeout.map(|d| Timespec {
            tv_sec: d.as_secs() as i64,
            tv_nsec: d.subsec_nanos() as i64,
        });
        // SAFETY: the descriptors stay open for the call: the process's
        // stdin, or sockets the table holds.
        let fds: Vec<BorrowedFd> = watched
            .iter()
            .map(|(_, fd, _)| unsafe { BorrowedFd::borrow_raw(*fd) })
            .collect();
        let mut polled: Vec<PollFd> = fds
            .iter()
            .zip(&watched)
            .map(|(fd, (_, _, flags))| PollFd::new(fd, *flags))
            .collect();
        if polled.is_empty() {
            if let (true, Some(t)) = (ready.is_empty(), timeout) {
                std::thread::sleep(Duration::new(t.tv_sec as u64, t.tv_nsec as u32));
            }
        } else if poll(&mut polled, timeout.as_ref()).is_ok() {
            for (p, (i, _, _)) in polled.iter().zip(&watched) {
                if !p.revents().is_empty() {
                    let hangup = p.revents().contains(rustix::event::PollFlags::HUP);
                    ready.push((*i, 1, if hangup { HANGUP } else { 0 }));
                }
            }
        }
        if !ready.is_empty() {
            ready.sort_unstable();
            break ready;
        }
    };
    for (k, (i, nbytes, flags)) in ready.iter().enumerate() {
        let (userdata, tag, _) = &list[*i];
        let mut e = [0u8; 32];
        e[0..8].copy_from_slice(&userdata.to_le_bytes());
        e[10] = *tag;
        e[16..24].copy_from_slice(&nbytes.to_le_bytes());
        e[24..26].copy_from_slice(&flags.to_le_bytes());
        cx.write(events + 32 * k as u32, &e)?;
    }
    cx.write_u32(out, ready.len() as u32)
}

/// The socket `fd` names: ENOTSOCK for any other descriptor.
fn stream<'c>(cx: &'c mut Cx, fd: u32) -> Result<&'c mut std::net::TcpStream, Errno> {
    match cx.p1.get(fd)? {
        Fd::Stream(s) => Ok(s),
        _ => Err(Errno::NOTSOCK),
    }
}

pub fn sock_accept(cx: &mut Cx, fd: u32, flags: u32, out: u32) -> Outcome {
    let (conn, _) = match cx.p1.get(fd)? {
        Fd::Listener(l) => l.accept().map_err(|e| io_errno(&e))?,
        _ => return Err(Errno::NOTSOCK.into()),
    };
    conn.set_nonblocking(flags as u16 & super::FDFLAGS_NONBLOCK != 0)
        .map_err(|e| io_errno(&e))?;
    let n = cx.p1.push(Fd::Stream(conn));
    cx.write_u32(out, n)
}

pub fn sock_recv(
    cx: &mut Cx,
    fd: u32,
    iovs: u32,
    count: u32,
    flags: u32,
    out_len: u32,
    out_flags: u32,
) -> Outcome {
    let (buf, len) = cx.first_iovec(iovs, count)?;
    let mut data = vec![0u8; len as usize];
    let s = stream(cx, fd)?;
    let n = if flags & 1 != 0 {
        s.peek(&mut data)
    } else {
        s.read(&mut data)
    }
    .map_err(|e| io_errno(&e))?;
    cx.write(buf, &data[..n])?;
    cx.write_u32(out_len, n as u32)?;
    cx.write(out_flags, &0u16.to_le_bytes())
}

pub fn sock_send(cx: &mut Cx, fd: u32, iovs: u32, count: u32, _flags: u32, out: u32) -> Outcome {
    let (buf, len) = cx.first_iovec(iovs, count)?;
    let data = cx.bytes(buf, len)?.to_vec();
    let n = stream(cx, fd)?.write(&data).map_err(|e| io_errno(&e))?;
    cx.write_u32(out, n as u32)
}

pub fn sock_shutdown(cx: &mut Cx, fd: u32, how: u32) -> Outcome {
    use std::net::Shutdown;
    let how = match how {
        1 => Shutdown::Read,
        2 => Shutdown::Write,
        3 => Shutdown::Both,
        _ => return Err(Errno::INVAL.into()),
    };
    let s = stream(cx, fd)?;
    s.shutdown(how).map_err(|e| io_errno(&e).into())
}
