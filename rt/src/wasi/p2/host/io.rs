//! wasi:io: errors, pollables and streams. The streams are the process's
//! stdin, stdout and stderr, written through and read blocking, files
//! (wasi:filesystem) and connected TCP sockets (wasi:sockets), which read
//! without blocking unless asked to and whose pollables wait on the
//! socket with poll(2).

use crate::component::abi::{Borrow, Bytes, Cx, Own};
use crate::traps::Trap;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::sync::Arc;

pub mod wasi_io_error {
    use super::*;

    /// An I/O error a stream reported, kept for `to-debug-string`.
    pub struct Error(pub std::io::Error);

    pub fn error_to_debug_string(cx: &mut Cx, this: Borrow<Error>) -> Result<String, Trap> {
        Ok(cx.get(&this)?.0.to_string())
    }
}

pub mod wasi_io_poll {
    use super::*;

    pub enum Pollable {
        /// Always ready (a stream that never blocks).
        Ready,
        /// Ready from this instant on.
        Until(std::time::Instant),
        /// Ready when the socket has data (or a connection) to take.
        Readable(Arc<OwnedFd>),
    }

    /// Which of `pollables` are ready; with `wait`, first waiting until
    /// one is or the soonest deadline passes (then none may be).
    fn ready_among(pollables: &[&Pollable], wait: bool) -> Vec<u32> {
        use rustix::event::{poll, PollFd, PollFlags, Timespec};
        let now = std::time::Instant::now();
        let mut fds = Vec::new();
        let mut which = Vec::new();
        let mut soonest: Option<std::time::Instant> = None;
        let mut ready = Vec::new();
        for (i, p) in pollables.iter().enumerate() {
            match p {
                Pollable::Ready => ready.push(i as u32),
                Pollable::Until(t) if *t <= now => ready.push(i as u32),
                Pollable::Until(t) => soonest = Some(soonest.map_or(*t, |s| s.min(*t))),
                Pollable::Readable(fd) => {
                    fds.push(PollFd::new(&**fd, PollFlags::IN));
                    which.push(i as u32);
                }
            }
        }
        let timeout = if !ready.is_empty() || !wait {
            Some(std::time::Duration::ZERO)
        } else {
            soonest.map(|t| t.saturating_duration_since(now))
        };
        let timeout = timeout.map(|d| Timespec {
            tv_sec: d.as_secs() as i64,
            tv_nsec: d.subsec_nanos() as i64,
        });
        let blocks = timeout.is_none_or(|t| t.tv_sec > 0 || t.tv_nsec > 0);
        let look = || {
            if fds.is_empty() {
                if let Some(t) = timeout.filter(|_| ready.is_empty()) {
                    std::thread::sleep(std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32));
                }
            } else if poll(&mut fds, timeout.as_ref()).is_ok() {
                for (fd, i) in fds.iter().zip(which) {
                    if !fd.revents().is_empty() {
                        ready.push(i);
                    }
                }
            }
        };
        match blocks {
            true => crate::component::concurrent::blocking(look),
            false => look(),
        }
        ready.sort_unstable();
        ready
    }

    pub fn pollable_ready(cx: &mut Cx, this: Borrow<Pollable>) -> Result<bool, Trap> {
        // Without the lists `ready_among` builds: this is called in loops.
        Ok(match cx.get(&this)? {
            Pollable::Ready => true,
            Pollable::Until(t) => std::time::Instant::now() >= *t,
            p @ Pollable::Readable(_) => !ready_among(&[p], false).is_empty(),
        })
    }

    pub fn pollable_block(cx: &mut Cx, this: Borrow<Pollable>) -> Result<(), Trap> {
        let p = cx.get(&this)?;
        while ready_among(&[p], true).is_empty() {}
        Ok(())
    }

    /// Wait until one is ready; the indices of all that are.
    pub fn poll(cx: &mut Cx, pollables: Vec<Borrow<Pollable>>) -> Result<Vec<u32>, Trap> {
        if pollables.is_empty() {
            return Err(Trap {
                kind: crate::traps::TrapKind::Host("wasi:io/poll: poll of no pollables".into()),
                backtrace: vec![],
            });
        }
        // Handles are checked, then the pollables read in place.
        for p in &pollables {
            cx.get(p)?;
        }
        let handles = cx.handles();
        let list: Vec<&Pollable> = pollables
            .iter()
            .map(|p| handles.peek::<Pollable>(p.handle).expect("checked above"))
            .collect();
        loop {
            let ready = ready_among(&list, true);
            if !ready.is_empty() {
                return Ok(ready);
            }
        }
    }
}

pub mod wasi_io_streams {
    use super::wasi_io_error::Error;
    use super::wasi_io_poll::Pollable;
    use super::*;
    use crate::wasi::p2::bindings::wasi_io_streams::StreamError;

    pub enum InputStream {
        Stdin,
        /// A connected TCP socket's receiving side.
        Socket(Arc<OwnedFd>),
        /// A file read from `offset` on.
        File {
            file: std::sync::Arc<cap_std::fs::File>,
            offset: u64,
        },
        /// An HTTP body, read by the event loop.
        Http(crate::wasi::p2::host::http::BodyReader),
    }

    pub enum OutputStream {
        Stdout,
        Stderr,
        /// A file written from `offset` on.
        File {
            file: std::sync::Arc<cap_std::fs::File>,
            offset: u64,
        },
        /// A file written at its end.
        Append(std::sync::Arc<cap_std::fs::File>),
        /// A connected TCP socket's sending side.
        Socket(Arc<OwnedFd>),
        /// An HTTP body, sent by the event loop.
        Http(crate::wasi::p2::host::http::BodyWriter),
    }

    /// Bytes one `write` may take: what `check-write` promises.
    const WRITE_BUDGET: u64 = 1 << 20;
    /// Bytes one `read` gives at most.
    const READ_LIMIT: u64 = 1 << 20;

    fn failed(e: std::io::Error) -> StreamError {
        StreamError::LastOperationFailed(Own(Error(e)))
    }

    impl OutputStream {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
            use cap_std::fs::FileExt;
            match self {
                OutputStream::Stdout => std::io::stdout().write_all(bytes),
                OutputStream::Stderr => std::io::stderr().write_all(bytes),
                OutputStream::File { file, offset } => {
                    file.write_all_at(bytes, *offset)?;
                    *offset += bytes.len() as u64;
                    Ok(())
                }
                OutputStream::Append(file) => {
                    let end = file.metadata()?.len();
                    file.write_all_at(bytes, end)
                }
                OutputStream::Socket(fd) => {
                    use rustix::net::{send, SendFlags};
                    let mut rest = bytes;
                    crate::component::concurrent::blocking(|| {
                        while !rest.is_empty() {
                            // NOSIGNAL: a peer gone is an error, not SIGPIPE.
                            let n = send(&**fd, rest, SendFlags::NOSIGNAL)?;
                            rest = &rest[n..];
                        }
                        Ok(())
                    })
                }
                OutputStream::Http(body) => body.write(bytes),
            }
        }

        fn flush(&self) -> std::io::Result<()> {
            match self {
                OutputStream::Stdout => std::io::stdout().flush(),
                OutputStream::Stderr => std::io::stderr().flush(),
                OutputStream::File { .. }
                | OutputStream::Append(_)
                | OutputStream::Socket(_)
                | OutputStream::Http(_) => Ok(()),
            }
        }
    }

    /// Read up to `len` bytes; from a socket with nothing to read, none
    /// unless `blocking`.
    fn read(this: &mut InputStream, len: u64, blocking: bool) -> Result<Bytes, StreamError> {
        use cap_std::fs::FileExt;
        let mut buf = vec![0u8; len.min(READ_LIMIT) as usize];
        if let InputStream::Http(body) = this {
            return body.read(len.min(READ_LIMIT), blocking);
        }
        let n = match this {
            InputStream::Http(_) => unreachable!("read above"),
            InputStream::Stdin => {
                crate::component::concurrent::blocking(|| std::io::stdin().read(&mut buf))
            }
            InputStream::File { file, offset } => file.read_at(&mut buf, *offset).inspect(|n| {
                *offset += *n as u64;
            }),
            InputStream::Socket(fd) => {
                use rustix::net::{recv, RecvFlags};
                let flags = if blocking {
                    RecvFlags::empty()
                } else {
                    RecvFlags::DONTWAIT
                };
                let received = match blocking {
                    true => {
                        crate::component::concurrent::blocking(|| recv(&**fd, &mut buf[..], flags))
                    }
                    false => recv(&**fd, &mut buf[..], flags),
                };
                match received {
                    Ok((_, n)) => Ok(n),
                    Err(rustix::io::Errno::AGAIN) => return Ok(Bytes(Vec::new())),
                    Err(e) => Err(e.into()),
                }
            }
        };
        match n {
            Ok(0) if !buf.is_empty() => Err(StreamError::Closed),
            Ok(n) => {
                buf.truncate(n);
                Ok(Bytes(buf))
            }
            Err(e) => Err(failed(e)),
        }
    }

    pub fn input_stream_read(
        cx: &mut Cx,
        this: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<Bytes, StreamError>, Trap> {
        Ok(read(cx.get(&this)?, len, false))
    }

    pub fn input_stream_blocking_read(
        cx: &mut Cx,
        this: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<Bytes, StreamError>, Trap> {
        Ok(read(cx.get(&this)?, len, true))
    }

    pub fn input_stream_skip(
        cx: &mut Cx,
        this: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<u64, StreamError>, Trap> {
        Ok(read(cx.get(&this)?, len, false).map(|b| b.0.len() as u64))
    }

    pub fn input_stream_blocking_skip(
        cx: &mut Cx,
        this: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<u64, StreamError>, Trap> {
        Ok(read(cx.get(&this)?, len, true).map(|b| b.0.len() as u64))
    }

    pub fn input_stream_subscribe(
        cx: &mut Cx,
        this: Borrow<InputStream>,
    ) -> Result<Own<Pollable>, Trap> {
        Ok(Own(match cx.get(&this)? {
            InputStream::Socket(fd) => Pollable::Readable(fd.clone()),
            InputStream::Http(body) => body.pollable(),
            _ => Pollable::Ready,
        }))
    }

    pub fn output_stream_check_write(
        cx: &mut Cx,
        this: Borrow<OutputStream>,
    ) -> Result<Result<u64, StreamError>, Trap> {
        cx.get(&this)?;
        Ok(Ok(WRITE_BUDGET))
    }

    pub fn output_stream_write(
        cx: &mut Cx,
        this: Borrow<OutputStream>,
        contents: Bytes,
    ) -> Result<Result<(), StreamError>, Trap> {
        Ok(cx.get(&this)?.write(&contents.0).map_err(failed))
    }

    pub fn output_stream_blocking_write_and_flush(
        cx: &mut Cx,
        this: Borrow<OutputStream>,
        contents: Bytes,
    ) -> Result<Result<(), StreamError>, Trap> {
        let s = cx.get(&this)?;
        Ok(s.write(&contents.0).and_then(|_| s.flush()).map_err(failed))
    }

    pub fn output_stream_flush(
        cx: &mut Cx,
        this: Borrow<OutputStream>,
    ) -> Result<Result<(), StreamError>, Trap> {
        Ok(cx.get(&this)?.flush().map_err(failed))
    }

    pub fn output_stream_blocking_flush(
        cx: &mut Cx,
        this: Borrow<OutputStream>,
    ) -> Result<Result<(), StreamError>, Trap> {
        output_stream_flush(cx, this)
    }

    pub fn output_stream_subscribe(
        cx: &mut Cx,
        this: Borrow<OutputStream>,
    ) -> Result<Own<Pollable>, Trap> {
        cx.get(&this)?;
        Ok(Own(Pollable::Ready))
    }

    pub fn output_stream_write_zeroes(
        cx: &mut Cx,
        this: Borrow<OutputStream>,
        len: u64,
    ) -> Result<Result<(), StreamError>, Trap> {
        let zeroes = vec![0u8; len.min(WRITE_BUDGET) as usize];
        Ok(cx.get(&this)?.write(&zeroes).map_err(failed))
    }

    pub fn output_stream_blocking_write_zeroes_and_flush(
        cx: &mut Cx,
        this: Borrow<OutputStream>,
        len: u64,
    ) -> Result<Result<(), StreamError>, Trap> {
        let zeroes = vec![0u8; len.min(WRITE_BUDGET) as usize];
        let s = cx.get(&this)?;
        Ok(s.write(&zeroes).and_then(|_| s.flush()).map_err(failed))
    }

    /// Read up to `len` bytes from `src` and write them here.
    pub fn output_stream_splice(
        cx: &mut Cx,
        this: Borrow<OutputStream>,
        src: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<u64, StreamError>, Trap> {
        let bytes = match read(cx.get(&src)?, len.min(WRITE_BUDGET), false) {
            Ok(b) => b,
            Err(e) => return Ok(Err(e)),
        };
        let n = bytes.0.len() as u64;
        Ok(cx.get(&this)?.write(&bytes.0).map(|_| n).map_err(failed))
    }

    pub fn output_stream_blocking_splice(
        cx: &mut Cx,
        this: Borrow<OutputStream>,
        src: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<u64, StreamError>, Trap> {
        let bytes = match read(cx.get(&src)?, len.min(WRITE_BUDGET), true) {
            Ok(b) => b,
            Err(e) => return Ok(Err(e)),
        };
        let n = bytes.0.len() as u64;
        Ok(cx.get(&this)?.write(&bytes.0).map(|_| n).map_err(failed))
    }
}
