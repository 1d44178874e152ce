//! wasi:io: errors, pollables and streams. The streams here are the
//! process's stdin, stdout and stderr, written through and read blocking;
//! files and sockets join them with wasi:filesystem and wasi:sockets.

use crate::component::abi::{Borrow, Bytes, Cx, Own};
use crate::traps::Trap;
use std::io::{Read, Write};

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
    }

    impl Pollable {
        fn ready(&self) -> bool {
            match self {
                Pollable::Ready => true,
                Pollable::Until(t) => std::time::Instant::now() >= *t,
            }
        }

        fn deadline(&self) -> Option<std::time::Instant> {
            match self {
                Pollable::Ready => None,
                Pollable::Until(t) => Some(*t),
            }
        }
    }

    pub fn pollable_ready(cx: &mut Cx, this: Borrow<Pollable>) -> Result<bool, Trap> {
        Ok(cx.get(&this)?.ready())
    }

    pub fn pollable_block(cx: &mut Cx, this: Borrow<Pollable>) -> Result<(), Trap> {
        if let Some(t) = cx.get(&this)?.deadline() {
            std::thread::sleep(t.saturating_duration_since(std::time::Instant::now()));
        }
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
        loop {
            let mut ready = Vec::new();
            let mut soonest: Option<std::time::Instant> = None;
            for (i, p) in pollables.iter().enumerate() {
                let p = cx.get(p)?;
                if p.ready() {
                    ready.push(i as u32);
                } else if let Some(t) = p.deadline() {
                    soonest = Some(soonest.map_or(t, |s| s.min(t)));
                }
            }
            if !ready.is_empty() {
                return Ok(ready);
            }
            if let Some(t) = soonest {
                std::thread::sleep(t.saturating_duration_since(std::time::Instant::now()));
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
        /// A file read from `offset` on.
        File {
            file: std::sync::Arc<cap_std::fs::File>,
            offset: u64,
        },
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
            }
        }

        fn flush(&self) -> std::io::Result<()> {
            match self {
                OutputStream::Stdout => std::io::stdout().flush(),
                OutputStream::Stderr => std::io::stderr().flush(),
                OutputStream::File { .. } | OutputStream::Append(_) => Ok(()),
            }
        }
    }

    fn read(this: &mut InputStream, len: u64) -> Result<Bytes, StreamError> {
        use cap_std::fs::FileExt;
        let mut buf = vec![0u8; len.min(READ_LIMIT) as usize];
        let n = match this {
            InputStream::Stdin => std::io::stdin().read(&mut buf),
            InputStream::File { file, offset } => file.read_at(&mut buf, *offset).inspect(|n| {
                *offset += *n as u64;
            }),
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
        Ok(read(cx.get(&this)?, len))
    }

    pub fn input_stream_blocking_read(
        cx: &mut Cx,
        this: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<Bytes, StreamError>, Trap> {
        Ok(read(cx.get(&this)?, len))
    }

    pub fn input_stream_skip(
        cx: &mut Cx,
        this: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<u64, StreamError>, Trap> {
        Ok(read(cx.get(&this)?, len).map(|b| b.0.len() as u64))
    }

    pub fn input_stream_blocking_skip(
        cx: &mut Cx,
        this: Borrow<InputStream>,
        len: u64,
    ) -> Result<Result<u64, StreamError>, Trap> {
        input_stream_skip(cx, this, len)
    }

    pub fn input_stream_subscribe(
        cx: &mut Cx,
        this: Borrow<InputStream>,
    ) -> Result<Own<Pollable>, Trap> {
        cx.get(&this)?;
        Ok(Own(Pollable::Ready))
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
        let bytes = match read(cx.get(&src)?, len.min(WRITE_BUDGET)) {
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
        output_stream_splice(cx, this, src, len)
    }
}
