//! Standard input as 0.3 streams (`wasi:cli/stdin#read-via-stream`).
//! Standard input is the process's, not one stream's: a program may read
//! some of it through one stream, drop that, and read on through another.
//! What a stream read ahead and did not deliver, and what a read the event
//! loop began for a stream since dropped brings in, waits here for the
//! next stream's read; and only one read of the file runs at a time, so
//! that two never take its bytes out of order.

use crate::component::concurrent::{Concurrency, FutureWriter, Refill, Source};
use crate::wasi::p3::bindings::wasi_cli_types::ErrorCode;
use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Condvar, Mutex, MutexGuard};

/// The input read from the file and not yet delivered to any stream.
struct Shared {
    /// What each read brought, in order: bytes, or the end (empty), or a
    /// failure.
    kept: VecDeque<std::io::Result<Vec<u8>>>,
    /// A read of the file runs (on the event loop's blocking pool, or on
    /// a guest's thread).
    reading: bool,
}

static SHARED: Mutex<Shared> = Mutex::new(Shared {
    kept: VecDeque::new(),
    reading: false,
});
/// A read of the file ended: for reads waiting on the event loop...
static READ_ENDED: tokio::sync::Notify = tokio::sync::Notify::const_new();
/// ...and for ones blocking a guest's thread.
static READ_ENDED_SYNC: Condvar = Condvar::new();

/// How much one read of the file asks for.
const CHUNK: usize = 64 << 10;

fn shared() -> MutexGuard<'static, Shared> {
    SHARED.lock().unwrap_or_else(|e| e.into_inner())
}

/// One read of the file: its bytes, none at its end.
fn read_file(max: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0; max.clamp(1, CHUNK)];
    let n = std::io::stdin().read(&mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

/// Keep what a read of the file brought, after what is kept already (it
/// was read later), and wake those waiting for it.
fn deposit(read: std::io::Result<Vec<u8>>) {
    let mut s = shared();
    s.kept.push_back(read);
    s.reading = false;
    drop(s);
    READ_ENDED.notify_waiters();
    READ_ENDED_SYNC.notify_all();
}

/// Wait on the event loop until some input is kept, starting a read of
/// the file if none runs. The input stays kept: a stream takes it on the
/// guest's thread (`Stdin::refilled`), so a stream dropped meanwhile
/// loses none of it. The read runs to its end even if this future is
/// dropped.
async fn input_kept() {
    loop {
        let ended = READ_ENDED.notified();
        tokio::pin!(ended);
        // Registered before looking, so that a read ending in between
        // still wakes it.
        ended.as_mut().enable();
        let begin = {
            let mut s = shared();
            if !s.kept.is_empty() {
                return;
            }
            !std::mem::replace(&mut s.reading, true)
        };
        match begin {
            true => {
                let read = tokio::task::spawn_blocking(|| deposit(read_file(CHUNK)));
                if read.await.is_err() {
                    // The read panicked: nothing was deposited.
                    deposit(Err(std::io::Error::other("reading standard input failed")));
                }
            }
            false => ended.await,
        }
    }
}

/// The next input, blocking this thread (through `concurrent::blocking`):
/// what is kept, else what the read running brings, else a read of up to
/// `max` bytes.
fn next_input_now(max: usize) -> std::io::Result<Vec<u8>> {
    crate::component::concurrent::blocking(|| {
        let mut s = shared();
        loop {
            if let Some(read) = s.kept.pop_front() {
                return read;
            }
            if !s.reading {
                s.reading = true;
                drop(s);
                deposit(read_file(max));
                s = shared();
                continue;
            }
            s = (READ_ENDED_SYNC.wait(s)).unwrap_or_else(|e| e.into_inner());
        }
    })
}

/// Put `bytes`, which a stream took and did not deliver, back before what
/// is kept.
fn put_back(bytes: Vec<u8>) {
    shared().kept.push_front(Ok(bytes));
}

/// One stream of standard input, read as the program reads it; at its end
/// the program's future resolves. A read waits for input on the event
/// loop's blocking pool (`refill`) while other work goes on.
pub(super) struct Stdin {
    done: Option<FutureWriter<Result<(), ErrorCode>>>,
    /// Input taken for this stream, or its end (`None`), until a read
    /// delivers it.
    ready: Option<Option<Vec<u8>>>,
    failed: bool,
}

impl Stdin {
    pub(super) fn new(done: FutureWriter<Result<(), ErrorCode>>) -> Stdin {
        Stdin {
            done: Some(done),
            ready: None,
            failed: false,
        }
    }

    fn take(&mut self, read: std::io::Result<Vec<u8>>) -> Option<Vec<u8>> {
        match read {
            Ok(b) if !b.is_empty() => Some(b),
            Ok(_) => None,
            Err(_) => {
                self.failed = true;
                None
            }
        }
    }
}

impl Source for Stdin {
    fn read(&mut self, max: usize) -> Option<Vec<u8>> {
        if self.ready.is_none() {
            let read = next_input_now(max);
            self.ready = Some(self.take(read));
        }
        match self.ready.take()? {
            Some(mut b) if b.len() > max => {
                self.ready = Some(Some(b.split_off(max)));
                Some(b)
            }
            ready => ready,
        }
    }

    fn refill(&mut self) -> Option<Refill> {
        if self.ready.is_some() {
            return None;
        }
        Some(Box::pin(async {
            input_kept().await;
            Box::new(()) as Box<dyn std::any::Any + Send>
        }))
    }

    fn refilled(&mut self, _: Box<dyn std::any::Any + Send>) {
        // Another stream may have taken it first: then `read` waits.
        if let Some(read) = shared().kept.pop_front() {
            self.ready = Some(self.take(read));
        }
    }

    fn end(mut self: Box<Self>, c: &mut Concurrency) {
        let result = match self.failed {
            true => Err(ErrorCode::Io),
            false => Ok(()),
        };
        if let Some(done) = self.done.take() {
            let _ = done.write_in(c, result);
        }
    }
}

impl Drop for Stdin {
    fn drop(&mut self) {
        if let Some(Some(bytes)) = self.ready.take() {
            put_back(bytes);
        }
    }
}
