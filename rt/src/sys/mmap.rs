//! Address-space reservations for linear memories.

use std::io;

/// An inaccessible reservation of address space, of which a prefix is made
/// readable and writable as the memory grows. Unmapped on drop.
pub struct Reservation {
    base: *mut u8,
    size: usize,
    accessible: usize,
}

// SAFETY: the reservation is plain memory owned by this value; sharing the
// pointer between threads is as safe as sharing any `&mut [u8]` owner.
unsafe impl Send for Reservation {}
unsafe impl Sync for Reservation {}

impl Reservation {
    pub fn new(size: usize) -> io::Result<Reservation> {
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
        Ok(Reservation {
            base: p as *mut u8,
            size,
            accessible: 0,
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

impl Drop for Reservation {
    fn drop(&mut self) {
        // SAFETY: we own the mapping and nothing refers to it any more.
        unsafe { libc::munmap(self.base as *mut libc::c_void, self.size) };
    }
}

/// Make `len` bytes at `dest`, page-aligned and inside an accessible part
/// of a reservation, a private copy-on-write mapping of the file pages that
/// back `src`: read-only data of a loaded object (the executable or a
/// shared library) at a page-aligned file offset. Nothing is copied now;
/// pages are read from the file when first touched.
pub fn map_private_copy(dest: *mut u8, src: &'static [u8]) -> io::Result<()> {
    let (path, offset) = file_backing(src.as_ptr() as usize)?;
    // SAFETY: sysconf has no memory effects.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as u64;
    if offset % page != 0 || dest as u64 % page != 0 || src.len() as u64 % page != 0 {
        return Err(io::Error::other("memory image is not page-aligned"));
    }
    let file = std::fs::File::open(&path)?;
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
            std::os::fd::AsRawFd::as_raw_fd(&file),
            offset as libc::off_t,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(io::Error::last_os_error());
    }
    Ok(())
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
