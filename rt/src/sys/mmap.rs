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
