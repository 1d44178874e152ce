//! Which workers guests hold. A handler runs on the worker that polls
//! it, and one that loops in wasm holds that worker until it ends or
//! reaches its deadline. Once guests have held each of the other workers
//! for a while, a new request runs on the blocking pool, so that the
//! worker left stays free to accept connections, move bytes and hear
//! SIGTERM.
//!
//! A guest that holds its worker must not hold up the others either: the
//! watch (`watch`) wakes a worker asleep past such a guest, and asks the
//! guest to yield its worker, which compiled code does at its next
//! function entry or loop iteration; it goes on at a later poll, on
//! whichever worker is free. So guests that loop share the workers with
//! the rest, and one that starts looping on each worker at once holds
//! none for long. (Not code on a task's own fiber, in a composition of
//! async components: it cannot leave its worker, and holds it.)

use crate::store::InterruptHandle;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a poll runs before its worker counts as held.
const LONG: Duration = Duration::from_millis(2);

/// One slot per guest poll running at once. Workers poll guests, and a
/// thread that hands its worker on (`concurrent::blocking`) goes on
/// polling its guest, so there may be more polls than workers; polls past
/// this many are not counted.
const SLOTS: usize = 64;

/// When the poll holding each slot began, as `now()` gives it; 0 for a
/// free slot.
static SINCE: [AtomicU64; SLOTS] = [const { AtomicU64::new(0) }; SLOTS];

/// Nanoseconds since the first call, plus one (never 0).
fn now() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_nanos() as u64 + 1
}

/// The interrupt flag of the guest polled in each slot, if it has one:
/// the watch asks a guest that runs long to let others run.
static GUESTS: [Mutex<Option<InterruptHandle>>; SLOTS] = [const { Mutex::new(None) }; SLOTS];

/// A poll of a guest, from `begin` to its drop, in the slot it took.
pub(super) struct Polling(Option<usize>);

impl Polling {
    /// A poll of the guest `interrupt` stops (or asks to yield) begins.
    pub(super) fn begin(interrupt: Option<&InterruptHandle>) -> Polling {
        let began = now();
        let free = |s: &AtomicU64| {
            s.compare_exchange(0, began, Ordering::SeqCst, Ordering::Relaxed)
                .is_ok()
        };
        let slot = SINCE.iter().position(free);
        if let (Some(slot), Some(interrupt)) = (slot, interrupt) {
            *GUESTS[slot].lock().unwrap_or_else(|e| e.into_inner()) = Some(interrupt.clone());
        }
        // After taking the slot: either the watch, about to sleep, sees
        // it taken, or this sees the watch asleep (both sequentially
        // consistent).
        if IDLE.load(Ordering::SeqCst) && IDLE.swap(false, Ordering::SeqCst) {
            if let Some(watch) = WATCH.get() {
                watch.unpark();
            }
        }
        Polling(slot)
    }
}

/// The watch is asleep until a poll begins: no guest was polled when it
/// last looked.
static IDLE: AtomicBool = AtomicBool::new(false);

/// The watch's thread, to wake.
static WATCH: OnceLock<std::thread::Thread> = OnceLock::new();

impl Drop for Polling {
    fn drop(&mut self) {
        if let Some(slot) = self.0 {
            GUESTS[slot]
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            SINCE[slot].store(0, Ordering::Relaxed);
        }
    }
}

/// Whether a poll that began at `since` (0: none) has run long at `now`.
fn long_since(since: u64, now: u64) -> bool {
    since != 0 && now.saturating_sub(since) > LONG.as_nanos() as u64
}

/// Whether guests hold every worker of the `workers` but the one asking.
pub(super) fn others_held(workers: usize) -> bool {
    let now = now();
    let held = SINCE
        .iter()
        .filter(|s| long_since(s.load(Ordering::Relaxed), now))
        .count();
    held > 0 && held + 1 >= workers
}

/// How often the watch looks for guests that hold their workers.
const WATCH_PERIOD: Duration = Duration::from_millis(10);

/// Keeps watch over `runtime`'s workers until dropped. A worker that went
/// to sleep while another held the runtime's I/O driver sleeps until a
/// task is scheduled for it; if the other then runs a guest that loops,
/// nothing polls the driver (a worker does only while it sleeps), no
/// connection is taken and no socket read, and nothing schedules a task:
/// the server stands still. So once a guest has held its worker for a
/// while, the watch spawns an empty task, which wakes a sleeping worker;
/// with nothing else to do, that one goes back to sleep on the driver,
/// which is free, and I/O goes on. Once per long poll is enough: the
/// driver's lock is held only by a sleeping worker, or one just waking,
/// which then either sleeps on it again or polls (and may hold) a guest,
/// whose long poll the watch sees in turn. The guest of a long poll is
/// asked to yield each time the watch looks, until the poll ends.
pub(super) fn watch(runtime: tokio::runtime::Handle) -> std::io::Result<Watch> {
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let thread = std::thread::Builder::new()
        .name("kiln-watch".into())
        .spawn(move || {
            // The start of the last poll on each slot a task was spawned for.
            let mut woken = [0u64; SLOTS];
            while !stopped.load(Ordering::Relaxed) {
                std::thread::park_timeout(WATCH_PERIOD);
                // With no guest polled, it sleeps until one is: an idle
                // server does not wake a hundred times a second. (Only
                // the process's first watch, the one polls wake.)
                if WATCH.get().map(|w| w.id()) == Some(std::thread::current().id()) {
                    IDLE.store(true, Ordering::SeqCst);
                    // Stopped since it last looked: its wake-up may have
                    // been taken by the timed sleep above.
                    let idle = SINCE.iter().all(|s| s.load(Ordering::SeqCst) == 0);
                    if idle && !stopped.load(Ordering::SeqCst) {
                        std::thread::park();
                    }
                    IDLE.store(false, Ordering::SeqCst);
                }
                let now = now();
                for (slot, (since, woken)) in SINCE.iter().zip(&mut woken).enumerate() {
                    let t = since.load(Ordering::Relaxed);
                    if !long_since(t, now) {
                        continue;
                    }
                    if *woken != t {
                        *woken = t;
                        drop(runtime.spawn(async {}));
                    }
                    // Asked to yield, compiled code leaves the worker at
                    // its next function entry or loop iteration, and the
                    // guest goes on at a later poll (`concurrent::
                    // Preemptible`). Asked again each time, while the poll
                    // lasts: code that could not leave (it runs on a
                    // task's fiber) or was in the host's code goes on.
                    let guest = GUESTS[slot].lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(interrupt) =
                        guest.as_ref().filter(|_| since.load(Ordering::SeqCst) == t)
                    {
                        interrupt.ask_to_yield();
                    }
                }
            }
        })?;
    let _ = WATCH.set(thread.thread().clone());
    Ok(Watch(stop, Some(thread)))
}

/// The watch's thread, stopped when this is dropped.
pub(super) struct Watch(Arc<AtomicBool>, Option<std::thread::JoinHandle<()>>);

impl Drop for Watch {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
        if let Some(thread) = self.1.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_poll_on_the_only_other_worker_holds_it() {
        let _one_at_a_time = SLOTS_IN_USE.lock().unwrap_or_else(|e| e.into_inner());
        let (begun, go) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
        let (tx, rx) = begun;
        let (stop, wait) = go;
        let other = std::thread::spawn(move || {
            let _polling = Polling::begin(None);
            tx.send(()).unwrap();
            wait.recv().unwrap();
        });
        rx.recv().unwrap();
        assert!(!others_held(2), "not held before it has run long");
        std::thread::sleep(LONG * 3);
        assert!(others_held(2));
        assert!(!others_held(3), "a third worker is still free");
        stop.send(()).unwrap();
        other.join().unwrap();
        assert!(!others_held(2));
    }

    /// The tests share the slots.
    static SLOTS_IN_USE: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn a_poll_ending_frees_its_own_slot_only() {
        let _one_at_a_time = SLOTS_IN_USE.lock().unwrap_or_else(|e| e.into_inner());
        let first = Polling::begin(None);
        std::thread::sleep(LONG * 3);
        // More polls, on as many threads as there are slots, begin and
        // end meanwhile.
        for _ in 0..SLOTS {
            drop(std::thread::spawn(|| Polling::begin(None)).join().unwrap());
        }
        assert!(others_held(2), "the first poll still counts");
        drop(first);
        assert!(!others_held(2));
    }
}
