//! The heap of static executables: dlmalloc over memory mapped with
//! `MAP_POPULATE`. Loading a large component fills most of what the heap
//! maps at once (descriptions, tables, funcref arrays); one populating
//! mmap costs less than a page fault for each of its pages, which were a
//! third of a Python hello's faults.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::Mutex;

pub struct Heap(Mutex<dlmalloc::Dlmalloc<Populated>>);

impl Heap {
    pub const fn new() -> Heap {
        Heap(Mutex::new(dlmalloc::Dlmalloc::new_with_allocator(
            Populated,
        )))
    }

    fn with<T>(&self, f: impl FnOnce(&mut dlmalloc::Dlmalloc<Populated>) -> T) -> T {
        // A panic while the lock is held cannot leave dlmalloc's state
        // half-changed: dlmalloc itself does not panic.
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

// SAFETY: each call hands dlmalloc the layout it was given, under the
// lock, as dlmalloc's own global allocator does.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: as above.
        self.with(|d| unsafe { d.malloc(l.size(), l.align()) })
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: `p` came from this heap with layout `l`.
        self.with(|d| unsafe { d.free(p, l.size(), l.align()) })
    }

    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        self.with(|d| unsafe { d.calloc(l.size(), l.align()) })
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `p` came from this heap with layout `l`.
        self.with(|d| unsafe { d.realloc(p, l.size(), l.align(), new_size) })
    }
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
