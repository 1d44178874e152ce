//! `memcpy`, `memmove` and `memset` for the static executables `kiln build`
//! links with musl. Wasm's `memory.copy` and `memory.fill` (which clang
//! emits for every `memcpy`, `memmove` and `memset` in a C program) become
//! calls to these, so their speed is the program's. musl's portable
//! `memmove` copies byte by byte when source and destination are not
//! equally aligned and backwards when they overlap; glibc's, which native
//! programs get, moves 16 or 32 bytes at a time in both directions. These
//! are x86-64 versions in the same manner, with SSE2 (every x86-64 CPU has
//! it) and `rep movsb`/`rep stosb` for long runs. Other architectures keep
//! musl's.
//!
//! `no_builtins`: LLVM must not recognise the loops here as memcpy and
//! turn them into calls to themselves.

#![no_std]
#![no_builtins]

#[cfg(target_arch = "x86_64")]
mod x86_64;

#[cfg(all(target_arch = "x86_64", not(test)))]
mod exports {
    use super::x86_64::{copy, fill};

    /// # Safety
    /// The C contract: `n` bytes readable at `src` and writable at `dst`.
    #[no_mangle]
    pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        copy(dst, src, n);
        dst
    }

    /// # Safety
    /// As `memmove`; the regions may even overlap.
    #[no_mangle]
    pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        copy(dst, src, n);
        dst
    }

    /// # Safety
    /// The C contract: `n` bytes writable at `dst`.
    #[no_mangle]
    pub unsafe extern "C" fn memset(dst: *mut u8, byte: i32, n: usize) -> *mut u8 {
        fill(dst, byte as u8, n);
        dst
    }
}
