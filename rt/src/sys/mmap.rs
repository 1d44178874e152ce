//! Address-space reservations for linear memories, and the registry of
//! those alive, which the signal handler reads: a fault from compiled code
//! inside a reservation is an out-of-bounds access; anywhere else it is a
//! fault of kiln's own, not a wasm trap.

mod pristine;

pub use pristine::{keeps_memories, Pristine};
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Reservations alive at once, at most: 16384 of 8 GiB fill x86_64's
/// 128 TiB of user address space.
const MAX_RESERVATIONS: usize = 16384;

/// `[start, end)` of each live reservation; a free slot has start 0. Read
/// without locks (from the signal handler), written with atomics.
struct Registry {
    slots: [(AtomicUsize, AtomicUsize); MAX_RESERVATIONS],
    /// Slots at or above this one have never been used.
    high: AtomicUsize,
}

static REGISTRY: Registry = Registry {
    slots: [const { (AtomicUsize::new(0), AtomicUsize::new(0)) }; MAX_RESERVATIONS],
    high: AtomicUsize::new(0),
};

impl Registry {
    fn register(&self, start: usize, end: usize) -> Option<usize> {
        for (i, (s, e)) in self.slots.iter().enumerate() {
            if s.compare_exchange(0, start, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                e.store(end, Ordering::Release);
                self.high.fetch_max(i + 1, Ordering::AcqRel);
                return Some(i);
            }
        }
        None
    }

    fn unregister(&self, slot: usize) {
        let (s, e) = &self.slots[slot];
        e.store(0, Ordering::Release);
        s.store(0, Ordering::Release);
    }

    fn contains(&self, addr: usize) -> bool {
        let high = self.high.load(Ordering::Acquire).min(MAX_RESERVATIONS);
        self.slots[..high].iter().any(|(s, e)| {
            let start = s.load(Ordering::Acquire);
            start != 0 && addr >= start && addr < e.load(Ordering::Acquire)
        })
    }
}

/// Whether `addr` lies in the reservation of a live linear memory (or one
/// kept in the pool, wholly inaccessible, for the next). Async-signal-safe:
/// atomic loads only.
pub fn in_reservation(addr: usize) -> bool {
    REGISTRY.contains(addr)
}

/// An inaccessible reservation of address space, of which a prefix is made
/// readable and writable as the memory grows. Unmapped on drop.
pub struct Reservation {
    base: *mut u8,
    size: usize,
    accessible: usize,
    /// Its slot in the registry.
    slot: usize,
    /// What the memory held when new, if it is to be restored to that and
    /// kept when dropped (see `pristine`).
    pristine: Option<Pristine>,
}

// SAFETY: the reservation is plain memory owned by this value; sharing the
// pointer between threads is as safe as sharing any `&mut [u8]` owner.
unsafe impl Send for Reservation {}
unsafe impl Sync for Reservation {}

/// Reservations given back, reset to inaccessible, as (base, size,
/// registry slot): the next memory of the same size takes one instead of
/// mapping its own. A server makes a memory per request, and mapping then
/// unmapping 8 GiB each time was a fifth of its time in the kernel.
static POOL: std::sync::Mutex<Vec<(usize, usize, usize)>> = std::sync::Mutex::new(Vec::new());

/// Reservations the pool keeps at most.
const POOL_MAX: usize = 64;

impl Reservation {
    pub fn new(size: usize) -> io::Result<Reservation> {
        let pooled = {
            let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
            let at = pool.iter().rposition(|r| r.1 == size);
            at.map(|i| pool.swap_remove(i))
        };
        if let Some((base, size, slot)) = pooled {
            return Ok(Reservation {
                base: base as *mut u8,
                size,
                accessible: 0,
                slot,
                pristine: None,
            });
        }
        // SAFETY: a fresh anonymous PROT_NONE mapping aliases nothing.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let Some(slot) = REGISTRY.register(p as usize, p as usize + size) else {
            // SAFETY: the mapping was just made and nothing refers to it.
            unsafe { libc::munmap(p, size) };
            return Err(io::Error::other(format!(
                "more than {MAX_RESERVATIONS} linear memories at once"
            )));
        };
        Ok(Reservation {
            base: p as *mut u8,
            size,
            accessible: 0,
            slot,
            pristine: None,
        })
    }

    pub fn base(&self) -> *mut u8 {
        self.base
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// Make the first `len` bytes accessible (`len` a multiple of the page size).
    pub fn make_accessible(&mut self, len: usize) -> io::Result<()> {
        assert!(len <= self.size);
        if len <= self.accessible {
            return Ok(());
        }
        // SAFETY: the range lies inside our own reservation.
        let r = unsafe {
            libc::mprotect(
                self.base.add(self.accessible) as *mut libc::c_void,
                len - self.accessible,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
        self.accessible = len;
        Ok(())
    }
}

impl Reservation {
    /// Make the whole reservation inaccessible and empty again, as new:
    /// one mapping replaces what was accessible, its pages discarded.
    fn reset(&mut self) -> bool {
        if self.accessible == 0 {
            return true;
        }
        // SAFETY: the range is our own reservation's, and nothing refers
        // to its contents any more; MAP_FIXED replaces it in one step.
        let p = unsafe {
            libc::mmap(
                self.base as *mut libc::c_void,
                self.accessible,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        p != libc::MAP_FAILED
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if self.keep_pristine() {
            return;
        }
        if self.reset() {
            let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
            if pool.len() < POOL_MAX {
                pool.push((self.base as usize, self.size, self.slot));
                return;
            }
        }
        REGISTRY.unregister(self.slot);
        // SAFETY: we own the mapping and nothing refers to it any more.
        unsafe { libc::munmap(self.base as *mut libc::c_void, self.size) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reservation_is_registered_while_it_lives() {
        let r = Reservation::new(1 << 20).unwrap();
        let (start, end) = (r.base() as usize, r.base() as usize + r.size());
        assert!(in_reservation(start));
        assert!(in_reservation(end - 1));
        drop(r);
        // Given back to the pool: inaccessible, and taken by the next.
        let again = Reservation::new(1 << 20).unwrap();
        assert_eq!(again.base() as usize, start);
        drop(again);
    }

    #[test]
    fn a_pooled_reservation_comes_back_empty() {
        let mut r = Reservation::new(3 << 20).unwrap();
        r.make_accessible(2 << 20).unwrap();
        // SAFETY: the first 2 MiB were just made accessible.
        unsafe { r.base().add(4096).write(7) };
        let base = r.base();
        drop(r);
        let mut again = Reservation::new(3 << 20).unwrap();
        assert_eq!(again.base(), base);
        again.make_accessible(2 << 20).unwrap();
        // SAFETY: as above.
        assert_eq!(unsafe { again.base().add(4096).read() }, 0);
    }
}

/// The system's page size.
fn page_size() -> usize {
    static PAGE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    // SAFETY: sysconf has no memory effects.
    *PAGE.get_or_init(|| unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as usize)
}

/// Make `len` bytes at `dest`, page-aligned and inside an accessible part
/// of a reservation, a private copy-on-write mapping of the file pages that
/// back `src`: read-only data of a loaded object (the executable or a
/// shared library) at a page-aligned file offset. Nothing is copied now;
/// pages are read from the file when first touched.
pub fn map_private_copy(dest: *mut u8, src: &'static [u8]) -> io::Result<()> {
    let (file, offset) = image_file(src)?;
    let page = page_size() as u64;
    if offset % page != 0 || dest as u64 % page != 0 || src.len() as u64 % page != 0 {
        return Err(io::Error::other("memory image is not page-aligned"));
    }
    // SAFETY: the caller guarantees `dest..dest+len` lies in its own
    // accessible reservation, which MAP_FIXED replaces with the file's
    // pages; the mapping is private, so writes never reach the file. The
    // descriptor may be closed after mmap returns.
    let p = unsafe {
        libc::mmap(
            dest as *mut libc::c_void,
            src.len(),
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_FIXED,
            std::os::fd::AsRawFd::as_raw_fd(&*file),
            offset as libc::off_t,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The file that backs image `src`, open, and the offset of `src` in it:
/// found once per image, as a server maps each image once per request.
fn image_file(src: &'static [u8]) -> io::Result<(std::sync::Arc<std::fs::File>, u64)> {
    type Images = Vec<(usize, std::sync::Arc<std::fs::File>, u64)>;
    static IMAGES: std::sync::Mutex<Images> = std::sync::Mutex::new(Vec::new());
    let at = src.as_ptr() as usize;
    let mut images = IMAGES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, file, offset)) = images.iter().find(|i| i.0 == at) {
        return Ok((file.clone(), *offset));
    }
    let (path, offset) = file_backing(at)?;
    let file = std::sync::Arc::new(std::fs::File::open(&path)?);
    images.push((at, file.clone(), offset));
    Ok((file, offset))
}

/// The file and file offset that a loaded object's segment maps at `addr`.
fn file_backing(addr: usize) -> io::Result<(std::path::PathBuf, u64)> {
    struct Search {
        addr: usize,
        found: Option<(std::path::PathBuf, u64)>,
    }
    unsafe extern "C" fn visit(
        info: *mut libc::dl_phdr_info,
        _size: libc::size_t,
        data: *mut libc::c_void,
    ) -> libc::c_int {
        // SAFETY: dl_iterate_phdr passes a valid info for each loaded object
        // and our own `data` pointer, a live `Search`.
        let (info, search) = unsafe { (&*info, &mut *(data as *mut Search)) };
        for i in 0..info.dlpi_phnum as usize {
            // SAFETY: dlpi_phdr has dlpi_phnum entries.
            let ph = unsafe { &*info.dlpi_phdr.add(i) };
            if ph.p_type != libc::PT_LOAD {
                continue;
            }
            let start = info.dlpi_addr as usize + ph.p_vaddr as usize;
            if search.addr < start || search.addr >= start + ph.p_filesz as usize {
                continue;
            }
            let name = if info.dlpi_name.is_null() {
                Vec::new()
            } else {
                // SAFETY: a NUL-terminated name owned by the loader.
                unsafe { std::ffi::CStr::from_ptr(info.dlpi_name) }
                    .to_bytes()
                    .to_vec()
            };
            let path = if name.is_empty() {
                std::path::PathBuf::from("/proc/self/exe")
            } else {
                let name: std::ffi::OsString = std::os::unix::ffi::OsStringExt::from_vec(name);
                std::path::PathBuf::from(name)
            };
            search.found = Some((path, ph.p_offset as u64 + (search.addr - start) as u64));
            return 1;
        }
        0
    }
    let mut search = Search { addr, found: None };
    // SAFETY: `visit` only reads the loader's data and writes `search`,
    // which outlives the call.
    unsafe { libc::dl_iterate_phdr(Some(visit), &mut search as *mut Search as *mut libc::c_void) };
    search
        .found
        .ok_or_else(|| io::Error::other("memory image is not in a loaded file"))
}
