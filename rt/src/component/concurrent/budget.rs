//! How much a host sink may hold: the bytes a guest's stream wrote that
//! the host's consumer (hyper sending a body, a socket's writer) has not
//! taken yet. Past the limit, the guest's next write waits on the event
//! loop until the consumer catches up, so a guest writing faster than a
//! client reads holds the host's memory to about the limit.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Bytes in flight past which writes wait.
pub const LIMIT: usize = 1 << 20;

#[derive(Default)]
pub struct Budget {
    in_flight: AtomicUsize,
    /// The consumer is gone: nothing will ever be taken, so writes no
    /// longer wait (they learn it when they send).
    closed: AtomicBool,
    room: tokio::sync::Notify,
}

impl Budget {
    pub fn new() -> Arc<Budget> {
        Arc::new(Budget::default())
    }

    /// The producer hands over `n` bytes.
    pub fn take(&self, n: usize) {
        self.in_flight.fetch_add(n, Ordering::SeqCst);
    }

    /// The consumer took `n` bytes.
    pub fn release(&self, n: usize) {
        self.in_flight.fetch_sub(n, Ordering::SeqCst);
        self.room.notify_waiters();
    }

    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.room.notify_waiters();
    }

    /// How many more bytes may go now (a write takes at most this much of
    /// its buffer, the rest waiting for room), never less than a chunk.
    pub fn room(&self) -> usize {
        const CHUNK: usize = 64 << 10;
        LIMIT
            .saturating_sub(self.in_flight.load(Ordering::SeqCst))
            .max(CHUNK)
    }

    pub fn full(&self) -> bool {
        !self.closed.load(Ordering::SeqCst) && self.in_flight.load(Ordering::SeqCst) > LIMIT
    }

    /// If full: a future, for the event loop, that resolves when there is
    /// room again.
    pub fn wait_for_room(self: &Arc<Self>) -> Option<super::Refill> {
        if !self.full() {
            return None;
        }
        let budget = self.clone();
        Some(Box::pin(async move {
            loop {
                let notified = budget.room.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if !budget.full() {
                    break;
                }
                notified.await;
            }
            Box::new(()) as Box<dyn std::any::Any + Send>
        }))
    }
}
