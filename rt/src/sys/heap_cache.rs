//! Each thread's cache of small blocks, in front of the heap's one
//! dlmalloc. A server's threads (hyper's workers, the threads guests run
//! on, the event loop) make and free thousands of small objects per
//! request; behind the heap's one lock, a built server spent a quarter of
//! its time in the allocator, much of it waiting. A thread now takes
//! blocks from and gives them back to its own lists; only a list that
//! runs empty or grows long takes the lock, for a batch. A block is a
//! dlmalloc chunk of its class's size, so any thread's list may hold it
//! and the heap may take it back.

// Without `exe` only its tests use it.
#![cfg_attr(not(feature = "exe"), allow(dead_code))]

use std::cell::UnsafeCell;

/// Block sizes: 16 to 128 bytes by 16, then larger ones, each at most
/// half again the last, up to 16 KiB: a served request's instance makes
/// its vmctx, host contexts and tables of a few KiB each, and behind the
/// heap's lock they held two workers back from each other.
const CLASS_SIZES: [usize; CLASSES] = [
    16, 32, 48, 64, 80, 96, 112, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144,
    8192, 12288, 16384,
];
const CLASSES: usize = 22;
/// dlmalloc's chunks are aligned to this; a stricter layout is not cached.
const ALIGN: usize = 16;
/// Blocks taken from the heap at once when a list is empty.
pub const REFILL: usize = 8;
/// A list longer than this (65 blocks) gives half of them back.
const LONGEST: usize = 64;

/// The class of blocks serving a layout, if one does.
pub fn class_of(size: usize, align: usize) -> Option<usize> {
    if align > ALIGN || size > CLASS_SIZES[CLASSES - 1] {
        return None;
    }
    if size <= 128 {
        return Some(size.max(1).div_ceil(16) - 1);
    }
    CLASS_SIZES[8..]
        .iter()
        .position(|&s| size <= s)
        .map(|i| i + 8)
}

/// The size a block of class `c` has (what dlmalloc was asked for).
pub fn class_size(c: usize) -> usize {
    CLASS_SIZES[c]
}

pub const BLOCK_ALIGN: usize = ALIGN;

/// One thread's lists: free blocks linked through their first word.
pub struct Lists {
    heads: [*mut u8; CLASSES],
    lens: [usize; CLASSES],
    stage: Stage,
}

/// Where a thread's lists are in its life.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Not used yet.
    New,
    /// In use; the thread's exit will give their blocks back (when the
    /// key for it could be made).
    Registered,
    /// Given back at the thread's exit: what the thread frees after that
    /// (its other thread-local destructors run later) goes to the heap.
    Exited,
}

impl Lists {
    pub fn pop(&mut self, c: usize) -> Option<*mut u8> {
        let p = self.heads[c];
        if p.is_null() {
            return None;
        }
        // SAFETY: a free block of this list; its first word links the next.
        self.heads[c] = unsafe { *(p as *mut *mut u8) };
        self.lens[c] -= 1;
        Some(p)
    }

    /// Keep block `p` of class `c`; true if the list is now too long.
    pub fn push(&mut self, c: usize, p: *mut u8) -> bool {
        // SAFETY: `p` is a block of at least 16 bytes, 16-aligned, that
        // nobody uses any more.
        unsafe { *(p as *mut *mut u8) = self.heads[c] };
        self.heads[c] = p;
        self.lens[c] += 1;
        self.lens[c] > LONGEST
    }

    /// How many blocks of class `c` to give back: half the list.
    pub fn surplus(&self, c: usize) -> usize {
        self.lens[c] / 2
    }

    /// Every block, to give back as the thread exits; the lists are not
    /// used after.
    pub fn drain(&mut self, mut each: impl FnMut(usize, *mut u8)) {
        for c in 0..CLASSES {
            while let Some(p) = self.pop(c) {
                each(c, p);
            }
        }
        self.stage = Stage::Exited;
    }
}

/// This thread's lists (never dropped by Rust: a thread's exit gives
/// their blocks back through `register`'s arrangement).
pub struct Cache(UnsafeCell<Lists>);

thread_local! {
    static CACHE: Cache = const {
        Cache(UnsafeCell::new(Lists {
            heads: [std::ptr::null_mut(); CLASSES],
            lens: [0; CLASSES],
            stage: Stage::New,
        }))
    };
}

/// `f` with this thread's lists, or None once the thread's exit has given
/// them back (then the caller uses the heap directly). `register` is
/// called once per thread, with the lists, to arrange that.
pub fn with_lists<T>(register: fn(*mut Lists), f: impl FnOnce(&mut Lists) -> T) -> Option<T> {
    CACHE
        .try_with(|c| {
            let at = c.0.get();
            // SAFETY: only this thread reaches its cache, and the
            // allocator does not re-enter itself while `f` runs.
            match unsafe { (*at).stage } {
                Stage::Exited => return None,
                Stage::Registered => {}
                Stage::New => {
                    // SAFETY: as above.
                    unsafe { (*at).stage = Stage::Registered };
                    register(at);
                }
            }
            // SAFETY: as above.
            Some(f(unsafe { &mut *at }))
        })
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_size_gets_the_smallest_class_that_holds_it() {
        for size in 1..=16384 {
            let c = class_of(size, 8).unwrap();
            assert!(class_size(c) >= size, "{size}");
            assert!(c == 0 || class_size(c - 1) < size, "{size}");
        }
        assert_eq!(class_of(16385, 8), None);
        assert_eq!(class_of(64, 32), None);
    }

    #[test]
    fn lists_give_back_what_they_kept_and_say_when_they_are_long() {
        let mut blocks = vec![[0u128; 2]; LONGEST + 1];
        let mut lists = Lists {
            heads: [std::ptr::null_mut(); CLASSES],
            lens: [0; CLASSES],
            stage: Stage::New,
        };
        let long: Vec<bool> = blocks
            .iter_mut()
            .map(|b| lists.push(1, b.as_mut_ptr() as *mut u8))
            .collect();
        assert_eq!(long.iter().filter(|l| **l).count(), 1);
        assert!(long[LONGEST]);
        assert_eq!(lists.surplus(1), (LONGEST + 1) / 2);
        let last = blocks[LONGEST].as_mut_ptr() as *mut u8;
        assert_eq!(lists.pop(1), Some(last));
        let mut rest = 0;
        lists.drain(|c, _| {
            assert_eq!(c, 1);
            rest += 1;
        });
        assert_eq!(rest, LONGEST);
        assert_eq!(lists.pop(1), None);
    }
}
