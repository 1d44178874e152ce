//! Stopping requests at their deadline (`--timeout`) from a thread of its
//! own, which neither the server's event loop nor a request's end has to
//! wake: requests share one timeout, so their deadlines come in the order
//! the requests arrived, and a queue in that order is all the bookkeeping.
//! A request that ends drops its interrupt flag; the watcher skips a flag
//! nobody holds. (Left to the event loop, a timer per request meant a
//! task the guest's thread woke when it ended: a thread switch each time.)

use crate::store::InterruptHandle;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::{Duration, Instant};

pub struct Deadlines {
    timeout: Duration,
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    /// Deadlines in order, with the flag each raises; and the queue's
    /// length after it was last swept of ended requests.
    queue: Mutex<(VecDeque<(Instant, Weak<AtomicU64>)>, usize)>,
    /// Told when the queue goes from empty to not.
    filled: Condvar,
}

impl Deadlines {
    /// A watcher raising each flag it is given `timeout` later.
    pub fn start(timeout: Duration) -> Result<Deadlines, String> {
        let shared = Arc::new(Shared::default());
        let watched = shared.clone();
        std::thread::Builder::new()
            .name("kiln-deadlines".into())
            .spawn(move || watch(&watched))
            .map_err(|e| format!("cannot start the thread that keeps deadlines: {e}"))?;
        Ok(Deadlines { timeout, shared })
    }

    /// Raise `flag` at the timeout from now, unless it is dropped by then.
    /// Returns the deadline.
    pub fn add(&self, flag: &InterruptHandle) -> Instant {
        let mut guard = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        let (queue, swept) = &mut *guard;
        // Taken under the lock, so that the queue stays in order.
        let deadline = Instant::now() + self.timeout;
        // Requests mostly end in the order they came: those at the front
        // that have ended are let go here, keeping the queue short.
        while queue.front().is_some_and(|(_, f)| f.strong_count() == 0) {
            queue.pop_front();
        }
        // One that runs long keeps those behind it: each time the queue
        // doubles, all that have ended are let go.
        if queue.len() > (2 * *swept).max(1024) {
            queue.retain(|(_, f)| f.strong_count() > 0);
            *swept = queue.len();
        }
        let was_empty = queue.is_empty();
        queue.push_back((deadline, flag.downgrade()));
        if was_empty {
            self.shared.filled.notify_one();
        }
        deadline
    }
}

fn watch(shared: &Shared) {
    let mut queue = shared.queue.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let now = Instant::now();
        queue = match queue.0.front() {
            None => shared.filled.wait(queue).unwrap_or_else(|e| e.into_inner()),
            Some((deadline, _)) if *deadline > now => {
                let wait = *deadline - now;
                match shared.filled.wait_timeout(queue, wait) {
                    Ok((q, _)) => q,
                    Err(e) => e.into_inner().0,
                }
            }
            Some(_) => {
                let (_, flag) = queue.0.pop_front().expect("a front");
                // The same as `InterruptHandle::interrupt`.
                if let Some(flag) = flag.upgrade() {
                    flag.fetch_or(crate::store::STOP, Ordering::SeqCst);
                }
                queue
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raised(flag: &InterruptHandle) -> bool {
        flag.downgrade()
            .upgrade()
            .is_some_and(|f| f.load(Ordering::SeqCst) != 0)
    }

    /// A flag still held is raised at its deadline and not before; one
    /// dropped is let go without being raised.
    #[test]
    fn flags_are_raised_at_their_deadline() {
        let deadlines = Deadlines::start(Duration::from_secs(1)).unwrap();
        let ended = InterruptHandle::new();
        deadlines.add(&ended);
        let weak = ended.downgrade();
        drop(ended);
        let running = InterruptHandle::new();
        let deadline = deadlines.add(&running);
        assert!(!raised(&running));
        while !raised(&running) {
            assert!(
                Instant::now() < deadline + Duration::from_secs(5),
                "never raised"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(Instant::now() >= deadline);
        assert!(weak.upgrade().is_none());
        assert!(deadlines.shared.queue.lock().unwrap().0.is_empty());
    }
}
