//! The heap of static executables: dlmalloc over memory mapped with
//! `MAP_POPULATE`. Loading a large component fills most of what the heap
//! maps at once (descriptions, tables, funcref arrays); one populating
//! mmap costs less than a page fault for each of its pages, which were a
//! third of a Python hello's faults.

use super::heap_cache as cache;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::Mutex;

pub struct Heap(Mutex<Dl>);

type Dl = dlmalloc::Dlmalloc<Populated>;

impl Heap {
    pub const fn new() -> Heap {
        Heap(Mutex::new(dlmalloc::Dlmalloc::new_with_allocator(
            Populated,
        )))
    }

    fn with<T>(&self, f: impl FnOnce(&mut Dl) -> T) -> T {
        // A panic while the lock is held cannot leave dlmalloc's state
        // half-changed: dlmalloc itself does not panic.
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

// SAFETY: a layout of a cached class (`heap_cache`) is always served by a
// block of that class, taken from and given back to the calling thread's
// lists, or dlmalloc under the lock; every other layout goes to dlmalloc
// under the lock, as dlmalloc's own global allocator does. `realloc` keeps
// the two apart.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if let Some(c) = cache::class_of(l.size(), l.align()) {
            if let Some(p) = cache::with_lists(register, |lists| self.take(lists, c)) {
                return p;
            }
            return self.with(|d| new_block(d, c));
        }
        // SAFETY: as above.
        self.with(|d| unsafe { d.malloc(l.size(), l.align()) })
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if let Some(c) = cache::class_of(l.size(), l.align()) {
            if cache::with_lists(register, |lists| self.keep(lists, c, p)).is_none() {
                // SAFETY: `p` is a block of class `c` from this heap.
                self.with(|d| unsafe { free_block(d, c, p) });
            }
            return;
        }
        // SAFETY: `p` came from this heap with layout `l`.
        self.with(|d| unsafe { d.free(p, l.size(), l.align()) })
    }

    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        if cache::class_of(l.size(), l.align()).is_some() {
            // SAFETY: as for `alloc`.
            let p = unsafe { self.alloc(l) };
            if !p.is_null() {
                // SAFETY: a block of at least `l.size()` bytes.
                unsafe { std::ptr::write_bytes(p, 0, l.size()) };
            }
            return p;
        }
        // SAFETY: as for `alloc`.
        self.with(|d| unsafe { d.calloc(l.size(), l.align()) })
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        let old = cache::class_of(l.size(), l.align());
        let new = cache::class_of(new_size, l.align());
        match (old, new) {
            // SAFETY: `p` came from this heap with layout `l`; neither
            // size is cached.
            (None, None) => self.with(|d| unsafe { d.realloc(p, l.size(), l.align(), new_size) }),
            (Some(a), Some(b)) if a == b => p,
            _ => {
                // SAFETY: `new_size` is nonzero (GlobalAlloc's contract) and
                // its layout valid as `l`'s is; `p` holds `l.size()` bytes.
                unsafe {
                    let n = Layout::from_size_align_unchecked(new_size, l.align());
                    let q = self.alloc(n);
                    if !q.is_null() {
                        std::ptr::copy_nonoverlapping(p, q, l.size().min(new_size));
                        self.dealloc(p, l);
                    }
                    q
                }
            }
        }
    }
}

impl Heap {
    /// A block of class `c` from this thread's lists, refilled from
    /// dlmalloc by a batch when empty.
    fn take(&self, lists: &mut cache::Lists, c: usize) -> *mut u8 {
        if let Some(p) = lists.pop(c) {
            return p;
        }
        if HEAP.load(std::sync::atomic::Ordering::Relaxed).is_null() {
            HEAP.store(
                self as *const Heap as *mut Heap,
                std::sync::atomic::Ordering::Release,
            );
        }
        self.with(|d| {
            for _ in 0..cache::REFILL {
                let p = new_block(d, c);
                if p.is_null() {
                    break;
                }
                lists.push(c, p);
            }
        });
        lists.pop(c).unwrap_or(std::ptr::null_mut())
    }

    /// Block `p` of class `c` into this thread's lists; half of a list
    /// grown long goes back to dlmalloc.
    fn keep(&self, lists: &mut cache::Lists, c: usize, p: *mut u8) {
        if lists.push(c, p) {
            let n = lists.surplus(c);
            self.with(|d| {
                for _ in 0..n {
                    if let Some(b) = lists.pop(c) {
                        // SAFETY: a block of class `c` from this heap.
                        unsafe { free_block(d, c, b) };
                    }
                }
            });
        }
    }
}

/// A fresh block of class `c`: a dlmalloc chunk of the class's size, so
/// that any thread's list may keep it.
fn new_block(d: &mut Dl, c: usize) -> *mut u8 {
    // SAFETY: a valid size and alignment; dlmalloc is held by the caller.
    unsafe { d.malloc(cache::class_size(c), cache::BLOCK_ALIGN) }
}

/// Give block `p` of class `c` back to dlmalloc.
///
/// # Safety
/// `p` is a block of class `c` from `d` (`new_block`), used no more.
unsafe fn free_block(d: &mut Dl, c: usize, p: *mut u8) {
    // SAFETY: the caller's promise.
    unsafe { d.free(p, cache::class_size(c), cache::BLOCK_ALIGN) }
}

/// The heap that a thread's exit gives its cached blocks back to: the one
/// global allocator (there is one `Heap`: the lists of a thread serve
/// whichever heap it calls), set at the first refill, before any list
/// holds a block.
static HEAP: std::sync::atomic::AtomicPtr<Heap> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

/// The POSIX thread-specific key whose destructor gives a thread's blocks
/// back when it exits.
static EXIT_KEY: std::sync::OnceLock<libc::pthread_key_t> = std::sync::OnceLock::new();

/// Arrange for `lists` to go back to the heap at this thread's exit.
fn register(lists: *mut cache::Lists) {
    let key = EXIT_KEY.get_or_init(|| {
        let mut key: libc::pthread_key_t = 0;
        // SAFETY: `key` is written by the call; musl allocates nothing.
        if unsafe { libc::pthread_key_create(&mut key, Some(on_thread_exit)) } != 0 {
            // No key: threads that exit keep their blocks (65 a class at
            // most), which is all that is lost.
            return libc::pthread_key_t::MAX;
        }
        key
    });
    if *key != libc::pthread_key_t::MAX {
        // SAFETY: a key made above; the value is this thread's lists, alive
        // in its static thread-local storage until it is gone.
        unsafe { libc::pthread_setspecific(*key, lists as *const libc::c_void) };
    }
}

extern "C" fn on_thread_exit(lists: *mut libc::c_void) {
    let heap = HEAP.load(std::sync::atomic::Ordering::Acquire);
    if lists.is_null() || heap.is_null() {
        return;
    }
    // SAFETY: the value `register` set, the exiting thread's lists, which
    // nothing else reaches now; the heap is the static global allocator.
    let (lists, heap) = unsafe { (&mut *(lists as *mut cache::Lists), &*heap) };
    heap.with(|d| {
        // SAFETY: the lists hold blocks of their classes from this heap.
        lists.drain(|c, p| unsafe { free_block(d, c, p) })
    });
}

/// The system memory dlmalloc carves up: anonymous mappings, populated.
pub struct Populated;

/// The largest mapping made populated.
const POPULATE_MAX: usize = 4 << 20;

// SAFETY: every region handed out is a fresh private anonymous mapping of
// the size reported, and only regions dlmalloc was given are changed.
unsafe impl dlmalloc::Allocator for Populated {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        // Populated only up to a few MiB: a larger request (a vector
        // reserved ahead) may not be used whole, and populating it would
        // hold the heap's lock meanwhile.
        let populate = if size <= POPULATE_MAX {
            libc::MAP_POPULATE
        } else {
            0
        };
        // SAFETY: a fresh anonymous mapping aliases nothing.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | populate,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            (std::ptr::null_mut(), 0, 0)
        } else {
            (p.cast(), size, 0)
        }
    }

    fn remap(&self, p: *mut u8, old: usize, new: usize, can_move: bool) -> *mut u8 {
        let flags = if can_move { libc::MREMAP_MAYMOVE } else { 0 };
        // SAFETY: `p..p+old` is a region this allocator mapped.
        let q = unsafe { libc::mremap(p.cast(), old, new, flags) };
        if q == libc::MAP_FAILED {
            std::ptr::null_mut()
        } else {
            q.cast()
        }
    }

    fn free_part(&self, p: *mut u8, old: usize, new: usize) -> bool {
        // SAFETY: `p..p+old` is a region this allocator mapped, of which
        // dlmalloc no longer uses what lies past `new`.
        unsafe {
            if libc::mremap(p.cast(), old, new, 0) != libc::MAP_FAILED {
                return true;
            }
            libc::munmap(p.add(new).cast(), old - new) == 0
        }
    }

    fn free(&self, p: *mut u8, size: usize) -> bool {
        // SAFETY: a whole region this allocator mapped, no longer used.
        unsafe { libc::munmap(p.cast(), size) == 0 }
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        true
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        4096
    }
}
