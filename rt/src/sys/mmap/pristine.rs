//! Memories kept as they were made, for the next instance of the same
//! module. A server makes an instance per request; mapping its memory,
//! making it accessible, mapping the image and unmapping it all again took
//! three system calls and a page fault per page touched, each fault on a
//! page mapped before (the zero page, or an image page read before it was
//! written) interrupting the other cores to flush their TLBs.
//!
//! Instead, a memory given back is restored in place: the kernel's page
//! map (`/proc/self/pagemap`) says which of its pages were ever touched
//! (present or swapped out, and not the image file's own page; asked by
//! `PAGEMAP_SCAN` where the kernel has it, else read entry by entry), and only
//! those are compared with what a new memory holds there (zeros, or the
//! image's bytes) and rewritten if they differ. A page never touched
//! still reads as zero or as the file. The pages stay mapped and writable,
//! so the next instance takes no fault on them. Where the page map cannot
//! be read, the memory is discarded as before.

use super::{page_size, Reservation};
use std::io;

/// What a memory holds when new: its first `accessible` bytes readable and
/// writable, all zero except `image`, at its offset, mapped copy-on-write
/// from the file or copied.
#[derive(Clone, Copy, Debug)]
pub struct Pristine {
    pub accessible: usize,
    pub image: Option<(usize, &'static [u8])>,
}

impl PartialEq for Pristine {
    fn eq(&self, other: &Pristine) -> bool {
        let same_image = match (self.image, other.image) {
            (None, None) => true,
            (Some((o1, b1)), Some((o2, b2))) => o1 == o2 && std::ptr::eq(b1, b2),
            _ => false,
        };
        self.accessible == other.accessible && same_image
    }
}

/// Memories given back and restored: (what they hold, base, reservation
/// size, registry slot).
static KEPT: std::sync::Mutex<Vec<(Pristine, usize, usize, usize)>> =
    std::sync::Mutex::new(Vec::new());

/// Memories kept at most. Each keeps the pages its instances touched.
const KEPT_MAX: usize = 64;

/// Larger memories are not kept: restoring them could cost more than
/// making them anew, and they would hold too much.
const KEPT_MAX_BYTES: usize = 64 << 20;

/// The page map's bits for a page: present in memory; swapped out; a page
/// of a file (or shared), not a private copy.
const PM_PRESENT: u64 = 1 << 63;
const PM_SWAPPED: u64 = 1 << 62;
const PM_FILE: u64 = 1 << 61;

/// What a page of zeros is compared with; Linux's pages are at most 64 KiB.
static ZEROS: [u8; 1 << 16] = [0; 1 << 16];

impl Reservation {
    /// A reservation of `size` bytes kept with a memory that holds exactly
    /// what `pristine` says, if there is one.
    pub fn take_pristine(size: usize, pristine: Pristine) -> Option<Reservation> {
        let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
        let at = kept.iter().rposition(|k| k.0 == pristine && k.2 == size)?;
        let (pristine, base, size, slot) = kept.swap_remove(at);
        Some(Reservation {
            base: base as *mut u8,
            size,
            accessible: pristine.accessible,
            slot,
            pristine: Some(pristine),
        })
    }

    /// Record that the memory now holds exactly what `pristine` says (it
    /// was just made so): when dropped, it is restored to that and kept.
    pub fn mark_pristine(&mut self, pristine: Pristine) {
        if pristine.accessible == self.accessible
            && pristine.accessible <= KEPT_MAX_BYTES
            && keeps_memories()
        {
            self.pristine = Some(pristine);
        }
    }

    /// On drop: restore the memory to what it held when new and keep it.
    /// False if it cannot be, or is not kept; the caller then discards it.
    pub(super) fn keep_pristine(&mut self) -> bool {
        let Some(pristine) = self.pristine else {
            return false;
        };
        if KEPT.lock().unwrap_or_else(|e| e.into_inner()).len() >= KEPT_MAX {
            return false;
        }
        if self.accessible > pristine.accessible {
            // Grown: the pages past the initial size are discarded and made
            // inaccessible again, as `reset` does for the whole.
            // SAFETY: the range lies in our own reservation and nothing
            // refers to its contents; MAP_FIXED replaces it in one step.
            let p = unsafe {
                libc::mmap(
                    self.base.add(pristine.accessible) as *mut libc::c_void,
                    self.accessible - pristine.accessible,
                    libc::PROT_NONE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if p == libc::MAP_FAILED {
                return false;
            }
            self.accessible = pristine.accessible;
        }
        if self.restore(&pristine).is_err() {
            return false;
        }
        let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= KEPT_MAX {
            return false;
        }
        kept.push((pristine, self.base as usize, self.size, self.slot));
        true
    }

    /// Rewrite each page touched since the memory was new with what it
    /// held then.
    fn restore(&mut self, pristine: &Pristine) -> io::Result<()> {
        let map = page_map().ok_or_else(|| io::Error::other("no page map"))?;
        let page = page_size();
        if page > ZEROS.len() {
            return Err(io::Error::other("pages larger than 64 KiB"));
        }
        if scans() {
            let base = self.base as usize;
            return scan_touched(map, base, base + pristine.accessible, |start, end| {
                for at in (start..end).step_by(page) {
                    self.restore_page(at - base, page, pristine);
                }
            });
        }
        let pages = pristine.accessible / page;
        let first = self.base as usize / page;
        let mut entries = [0u64; 512];
        let mut at = 0;
        while at < pages {
            let n = (pages - at).min(entries.len());
            read_page_map(map, first + at, &mut entries[..n])?;
            for (i, &e) in entries[..n].iter().enumerate() {
                let touched = (e & PM_PRESENT != 0 && e & PM_FILE == 0) || e & PM_SWAPPED != 0;
                if touched {
                    self.restore_page((at + i) * page, page, pristine);
                }
            }
            at += n;
        }
        Ok(())
    }

    /// Make the page (of `page` bytes) at byte `offset` hold what it held
    /// when new.
    fn restore_page(&mut self, offset: usize, page: usize, pristine: &Pristine) {
        let want: &[u8] = match pristine.image {
            Some((o, image)) if offset >= o && offset < o + image.len() => {
                // The image's offset and length are whole pages.
                &image[offset - o..(offset - o + page).min(image.len())]
            }
            _ => &ZEROS[..page],
        };
        // SAFETY: the page lies inside the accessible part of our own
        // reservation, and no instance uses the memory any more.
        let bytes = unsafe { std::slice::from_raw_parts_mut(self.base.add(offset), want.len()) };
        // Compared first: a page only read maps the shared zero page, and
        // writing it would fault again.
        if bytes != want {
            bytes.copy_from_slice(want);
        }
    }
}

/// Whether memories given back are restored and kept (the page map can
/// be read).
pub fn keeps_memories() -> bool {
    page_map().is_some()
}

/// `/proc/self/pagemap`, open, if it says what restoring needs: that a
/// page written in a fresh private mapping is present and not a file's,
/// and that the page beside it, never touched, is neither present nor
/// swapped out. Opened by this process: a child forked after it was
/// opened would read its parent's page tables, so it gets none.
fn page_map() -> Option<&'static std::fs::File> {
    static MAP: std::sync::OnceLock<Option<std::fs::File>> = std::sync::OnceLock::new();
    let map = MAP
        .get_or_init(|| {
            // SAFETY: the handler only stores to an atomic, which is all a
            // forked child of a threaded process may do before `exec`.
            if unsafe { libc::pthread_atfork(None, None, Some(forked)) } != 0 {
                return None;
            }
            let f = std::fs::File::open("/proc/self/pagemap").ok()?;
            let page = page_size();
            // SAFETY: a fresh anonymous mapping of two pages, which nothing
            // else refers to; unmapped before returning.
            let probe = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    2 * page,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            if probe == libc::MAP_FAILED {
                return None;
            }
            // SAFETY: the first page of the probe mapping is writable.
            unsafe { (probe as *mut u8).write_volatile(1) };
            let mut entries = [0u64; 2];
            let read = read_page_map(&f, probe as usize / page, &mut entries);
            let mut found = Vec::new();
            let scanned = scan_touched(&f, probe as usize, probe as usize + 2 * page, |s, e| {
                found.push((s - probe as usize, e - probe as usize))
            });
            // SAFETY: our own mapping, no longer used.
            unsafe { libc::munmap(probe, 2 * page) };
            read.ok()?;
            let written = entries[0] & PM_PRESENT != 0 && entries[0] & PM_FILE == 0;
            let untouched = entries[1] & (PM_PRESENT | PM_SWAPPED) == 0;
            let scans = scanned.is_ok() && found == [(0, page)];
            SCANS.store(scans, std::sync::atomic::Ordering::Relaxed);
            (written && untouched).then_some(f)
        })
        .as_ref()?;
    (!FORKED.load(std::sync::atomic::Ordering::Relaxed)).then_some(map)
}

/// Set in a child forked after the page map was opened.
static FORKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn forked() {
    FORKED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether the page map answers `PAGEMAP_SCAN` (Linux 6.7 on) as it
/// should; then a memory's touched pages are found by one call that
/// skips whole ranges never mapped, not by reading an entry per page.
static SCANS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn scans() -> bool {
    SCANS.load(std::sync::atomic::Ordering::Relaxed)
}

/// `PAGEMAP_SCAN`'s argument, `struct pm_scan_arg` of `linux/fs.h`.
#[repr(C)]
#[derive(Default)]
struct ScanArg {
    size: u64,
    flags: u64,
    start: u64,
    end: u64,
    /// Where the scan stopped, set by the kernel: `end` once it is done.
    walk_end: u64,
    vec: u64,
    vec_len: u64,
    max_pages: u64,
    category_inverted: u64,
    category_mask: u64,
    category_anyof_mask: u64,
    return_mask: u64,
}

/// A run of pages the scan found, `struct page_region`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct PageRegion {
    start: u64,
    end: u64,
    categories: u64,
}

/// `_IOWR('f', 16, struct pm_scan_arg)`.
const PAGEMAP_SCAN: u32 = 0xC060_6610;
const PAGE_IS_FILE: u64 = 1 << 2;
const PAGE_IS_PRESENT: u64 = 1 << 3;
const PAGE_IS_SWAPPED: u64 = 1 << 4;

/// Call `each(start, end)` for each run of pages between addresses `start`
/// and `end` (page-aligned) that were touched: present or swapped out, and
/// not a file's page. The shared zero page, which a page only read maps,
/// counts as touched: a page of the image the guest zeroed may be merged
/// into it (KSM), and must be restored.
fn scan_touched(
    map: &std::fs::File,
    start: usize,
    end: usize,
    mut each: impl FnMut(usize, usize),
) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let mut regions = [PageRegion::default(); 32];
    let mut at = start;
    while at < end {
        let mut arg = ScanArg {
            size: std::mem::size_of::<ScanArg>() as u64,
            start: at as u64,
            end: end as u64,
            vec: regions.as_mut_ptr() as u64,
            vec_len: regions.len() as u64,
            // Not a file's page, and present or swapped out.
            category_inverted: PAGE_IS_FILE,
            category_mask: PAGE_IS_FILE,
            category_anyof_mask: PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
            ..Default::default()
        };
        // SAFETY: the argument is a `pm_scan_arg` of the size it states,
        // and `vec` points at `vec_len` writable regions, which live
        // through the call.
        let n = unsafe {
            libc::ioctl(
                map.as_raw_fd(),
                PAGEMAP_SCAN as libc::Ioctl,
                &mut arg as *mut ScanArg,
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        for r in &regions[..(n as usize).min(regions.len())] {
            each(r.start as usize, r.end as usize);
        }
        if arg.walk_end as usize <= at {
            return Err(io::Error::other("the page map scan made no progress"));
        }
        at = arg.walk_end as usize;
    }
    Ok(())
}

/// The page map's entries for `entries.len()` pages from page number `first`.
fn read_page_map(map: &std::fs::File, first: usize, entries: &mut [u64]) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    // SAFETY: u64s have no invalid bit patterns, so their bytes may be
    // written as bytes.
    let bytes = unsafe {
        std::slice::from_raw_parts_mut(entries.as_mut_ptr() as *mut u8, entries.len() * 8)
    };
    map.read_exact_at(bytes, (first * 8) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh private mapping of `pages` pages, unmapped on drop.
    struct Mapping(*mut u8, usize);

    impl Mapping {
        fn new(pages: usize) -> Mapping {
            let len = pages * page_size();
            // SAFETY: a fresh anonymous mapping nothing else refers to.
            let p = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            assert_ne!(p, libc::MAP_FAILED);
            Mapping(p as *mut u8, len)
        }
    }

    impl Drop for Mapping {
        fn drop(&mut self) {
            // SAFETY: our own mapping, no longer used.
            unsafe { libc::munmap(self.0 as *mut libc::c_void, self.1) };
        }
    }

    #[test]
    fn the_scan_finds_the_pages_touched_and_not_the_others() {
        let (Some(map), true) = (page_map(), scans()) else {
            eprintln!("no PAGEMAP_SCAN here: the scan is not tested");
            return;
        };
        let page = page_size();
        let m = Mapping::new(64);
        // SAFETY: every page touched lies inside the mapping.
        unsafe {
            for p in [0, 1, 7, 63] {
                m.0.add(p * page + 5).write_volatile(1);
            }
            assert_eq!(m.0.add(9 * page).read_volatile(), 0);
        }
        let mut found = Vec::new();
        let base = m.0 as usize;
        scan_touched(map, base, base + m.1, |s, e| {
            found.push(((s - base) / page, (e - base) / page))
        })
        .unwrap();
        assert_eq!(found, [(0, 2), (7, 8), (9, 10), (63, 64)]);
    }

    #[test]
    fn a_forked_child_keeps_no_memories() {
        if !keeps_memories() {
            eprintln!("no page map here: memories are not kept");
            return;
        }
        // SAFETY: the child only loads from an initialized `OnceLock` and
        // an atomic, then leaves with `_exit`.
        let child = unsafe { libc::fork() };
        assert!(child >= 0, "fork failed");
        if child == 0 {
            // SAFETY: leaving the child without running the parent's exit.
            unsafe { libc::_exit(if keeps_memories() { 1 } else { 0 }) };
        }
        let mut status = 0;
        // SAFETY: waiting on our own child.
        assert_eq!(unsafe { libc::waitpid(child, &mut status, 0) }, child);
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
        assert!(keeps_memories(), "the parent keeps its memories");
    }

    #[test]
    fn a_kept_memory_comes_back_as_it_was_made() {
        if !keeps_memories() {
            eprintln!("no page map here: memories are not kept");
            return;
        }
        let page = page_size();
        // A size no other test uses, so that no other takes this memory.
        let (size, accessible) = (5 << 20, 256 * page);
        let pristine = Pristine {
            accessible,
            image: None,
        };
        let mut r = Reservation::new(size).unwrap();
        r.make_accessible(accessible).unwrap();
        r.mark_pristine(pristine);
        let base = r.base();
        // SAFETY: every byte touched lies in the accessible part.
        unsafe {
            for p in [0, 3, 200, 255] {
                base.add(p * page + p).write(0xa5);
            }
            assert_eq!(base.add(100 * page).read(), 0);
        }
        drop(r);
        let again = Reservation::take_pristine(size, pristine).expect("the memory was kept");
        assert_eq!(again.base(), base);
        // SAFETY: the accessible part of the reservation just taken.
        let bytes = unsafe { std::slice::from_raw_parts(again.base(), accessible) };
        assert!(bytes.iter().all(|b| *b == 0));
    }
}
