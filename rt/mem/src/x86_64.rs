//! The SSE2 copy and fill. Every path loads all it needs from a region
//! before it stores over it, or copies in the direction that never
//! overwrites bytes not yet read, so that overlapping moves are exact.

use core::arch::asm;
use core::arch::x86_64::{
    __cpuid, __cpuid_count, __m128i, __m256i, _mm256_loadu_si256, _mm256_storeu_si256,
    _mm_loadu_si128, _mm_set1_epi8, _mm_storeu_si128, _xgetbv,
};
use core::sync::atomic::{AtomicU8, Ordering};

/// At or above this, forward copies and fills use `rep movsb`/`rep stosb`,
/// which CPUs with ERMSB (Intel since Ivy Bridge, AMD since Zen 3) run at
/// full cache-line width, once the destination is aligned to a cache line:
/// on AMD's Zen 4 a `rep movsb` to a misaligned destination runs about
/// seven times slower (4 MiB: 1.3 ms against 0.19 ms). Forward copies
/// use an AVX2 loop instead where the CPU has it (see `copy_forward`).
const REP_THRESHOLD: usize = 2048;

/// Bytes from `dst` to the next 64-byte boundary (0 if aligned).
#[inline(always)]
fn to_cache_line(dst: *mut u8) -> usize {
    (dst as usize).wrapping_neg() & 63
}

#[inline(always)]
unsafe fn load(p: *const u8) -> __m128i {
    _mm_loadu_si128(p as *const __m128i)
}

#[inline(always)]
unsafe fn store(p: *mut u8, v: __m128i) {
    _mm_storeu_si128(p as *mut __m128i, v)
}

/// Copy `n` bytes from `src` to `dst`; the regions may overlap.
///
/// # Safety
/// `n` bytes readable at `src` and writable at `dst`.
#[inline(always)]
pub unsafe fn copy(dst: *mut u8, src: *const u8, n: usize) {
    if n <= 32 {
        return copy_upto_32(dst, src, n);
    }
    if n <= 64 {
        // Four vectors covering both ends; all loaded first.
        let (a, b) = (load(src), load(src.add(16)));
        let (c, d) = (load(src.add(n - 32)), load(src.add(n - 16)));
        store(dst, a);
        store(dst.add(16), b);
        store(dst.add(n - 32), c);
        store(dst.add(n - 16), d);
        return;
    }
    let forward = (dst as usize).wrapping_sub(src as usize) >= n;
    if forward {
        copy_forward(dst, src, n)
    } else {
        copy_backward(dst, src, n)
    }
}

#[inline(always)]
unsafe fn copy_upto_32(dst: *mut u8, src: *const u8, n: usize) {
    if n >= 16 {
        let (a, b) = (load(src), load(src.add(n - 16)));
        store(dst, a);
        store(dst.add(n - 16), b);
    } else if n >= 8 {
        let a = (src as *const u64).read_unaligned();
        let b = (src.add(n - 8) as *const u64).read_unaligned();
        (dst as *mut u64).write_unaligned(a);
        (dst.add(n - 8) as *mut u64).write_unaligned(b);
    } else if n >= 4 {
        let a = (src as *const u32).read_unaligned();
        let b = (src.add(n - 4) as *const u32).read_unaligned();
        (dst as *mut u32).write_unaligned(a);
        (dst.add(n - 4) as *mut u32).write_unaligned(b);
    } else if n > 0 {
        let (a, b, c) = (*src, *src.add(n / 2), *src.add(n - 1));
        *dst = a;
        *dst.add(n / 2) = b;
        *dst.add(n - 1) = c;
    }
}

/// `n > 64`, and `dst` is not inside `(src, src + n)`: ascending
/// addresses never overwrite a byte before it is read.
#[inline(never)]
unsafe fn copy_forward(dst: *mut u8, src: *const u8, n: usize) {
    if n >= 256 && has_avx2() {
        // On AMD's Zen 4 this loop beats an aligned `rep movsb` from 4 KiB
        // up (4 MiB: 30 ms against 37 ms for 400 MiB copied), as glibc
        // finds for copies past the L2 size (its `rep_movsb_stop_threshold`),
        // and the SSE loop below from 256 bytes (a 1 KiB string crossing
        // between components: 81 ns against 69 for glibc's AVX loop).
        return copy_forward_avx2(dst, src, n);
    }
    let no_overlap = (src as usize).wrapping_sub(dst as usize) >= n;
    if n >= REP_THRESHOLD && no_overlap {
        // The first cache line unaligned, then the rest from the first
        // line boundary of the destination (the regions are disjoint).
        let (a, b) = (load(src), load(src.add(16)));
        let (c, d) = (load(src.add(32)), load(src.add(48)));
        store(dst, a);
        store(dst.add(16), b);
        store(dst.add(32), c);
        store(dst.add(48), d);
        let skip = to_cache_line(dst);
        // SAFETY: rdi/rsi/rcx are the operands of `rep movsb`; the ABI
        // guarantees the direction flag is clear (ascending).
        asm!("rep movsb", inout("rcx") n - skip => _, inout("rdi") dst.add(skip) => _,
             inout("rsi") src.add(skip) => _, options(nostack, preserves_flags));
        return;
    }
    // The last 16 bytes are read now, before any store can reach them.
    let tail = load(src.add(n - 16));
    let mut i = 0;
    while i + 64 < n {
        let (a, b) = (load(src.add(i)), load(src.add(i + 16)));
        let (c, d) = (load(src.add(i + 32)), load(src.add(i + 48)));
        store(dst.add(i), a);
        store(dst.add(i + 16), b);
        store(dst.add(i + 32), c);
        store(dst.add(i + 48), d);
        i += 64;
    }
    while i + 16 < n {
        store(dst.add(i), load(src.add(i)));
        i += 16;
    }
    store(dst.add(n - 16), tail);
}

/// Whether the CPU and OS support AVX2 (cpuid, and the OS saves the
/// YMM registers), asked once.
fn has_avx2() -> bool {
    static KNOWN: AtomicU8 = AtomicU8::new(0);
    match KNOWN.load(Ordering::Relaxed) {
        1 => return false,
        2 => return true,
        _ => {}
    }
    // SAFETY: cpuid exists on every x86-64 CPU; xgetbv is executed only
    // when cpuid says the OS enabled it (OSXSAVE).
    let yes = unsafe {
        let leaf1 = __cpuid(1);
        let osxsave = leaf1.ecx & (1 << 27) != 0;
        osxsave
            && _xgetbv(0) & 6 == 6
            && __cpuid(0).eax >= 7
            && __cpuid_count(7, 0).ebx & (1 << 5) != 0
    };
    KNOWN.store(if yes { 2 } else { 1 }, Ordering::Relaxed);
    yes
}

/// As `copy_forward`, 128 bytes a step; `n > 64`. Each step loads all
/// it copies before it stores, so a destination below an overlapping
/// source is exact. The stores are aligned: the first and last 32 bytes
/// are loaded before anything is stored and stored last, and the loop
/// runs from the first 32-byte boundary of the destination.
#[target_feature(enable = "avx2")]
unsafe fn copy_forward_avx2(dst: *mut u8, src: *const u8, n: usize) {
    let ld = |p: *const u8| _mm256_loadu_si256(p as *const __m256i);
    let st = |p: *mut u8, v| _mm256_storeu_si256(p as *mut __m256i, v);
    let head = ld(src);
    let tail = ld(src.add(n - 32));
    let mut i = 32 - (dst as usize & 31);
    while i + 128 <= n - 32 {
        let (a, b) = (ld(src.add(i)), ld(src.add(i + 32)));
        let (c, d) = (ld(src.add(i + 64)), ld(src.add(i + 96)));
        st(dst.add(i), a);
        st(dst.add(i + 32), b);
        st(dst.add(i + 64), c);
        st(dst.add(i + 96), d);
        i += 128;
    }
    while i + 32 < n {
        st(dst.add(i), ld(src.add(i)));
        i += 32;
    }
    st(dst, head);
    st(dst.add(n - 32), tail);
}

/// `n > 64`, and `dst` is inside `(src, src + n)`: descending addresses.
#[inline(never)]
unsafe fn copy_backward(dst: *mut u8, src: *const u8, n: usize) {
    if n >= 256 && has_avx2() {
        return copy_backward_avx2(dst, src, n);
    }
    // The first 16 bytes are read now, before any store can reach them.
    let head = load(src);
    let mut end = n;
    while end > 64 + 16 {
        let (a, b) = (load(src.add(end - 16)), load(src.add(end - 32)));
        let (c, d) = (load(src.add(end - 48)), load(src.add(end - 64)));
        store(dst.add(end - 16), a);
        store(dst.add(end - 32), b);
        store(dst.add(end - 48), c);
        store(dst.add(end - 64), d);
        end -= 64;
    }
    while end > 16 {
        store(dst.add(end - 16), load(src.add(end - 16)));
        end -= 16;
    }
    store(dst, head);
}

/// As `copy_backward`, 128 bytes a step; `n >= 256`. The stores are
/// aligned (a store that splits a cache line costs two): the first and
/// last 32 bytes are loaded before anything is stored and stored last,
/// and the loop runs from the last 32-byte boundary of the destination.
#[target_feature(enable = "avx2")]
unsafe fn copy_backward_avx2(dst: *mut u8, src: *const u8, n: usize) {
    let ld = |p: *const u8| _mm256_loadu_si256(p as *const __m256i);
    let st = |p: *mut u8, v| _mm256_storeu_si256(p as *mut __m256i, v);
    let head = ld(src);
    let tail = ld(src.add(n - 32));
    let mut end = n - ((dst as usize + n) & 31);
    while end > 128 + 32 {
        let (a, b) = (ld(src.add(end - 32)), ld(src.add(end - 64)));
        let (c, d) = (ld(src.add(end - 96)), ld(src.add(end - 128)));
        st(dst.add(end - 32), a);
        st(dst.add(end - 64), b);
        st(dst.add(end - 96), c);
        st(dst.add(end - 128), d);
        end -= 128;
    }
    while end > 32 {
        st(dst.add(end - 32), ld(src.add(end - 32)));
        end -= 32;
    }
    st(dst, head);
    st(dst.add(n - 32), tail);
}

/// Set `n` bytes at `dst` to `byte`.
///
/// # Safety
/// `n` bytes writable at `dst`.
pub unsafe fn fill(dst: *mut u8, byte: u8, n: usize) {
    if n < 16 {
        let wide = 0x0101_0101_0101_0101u64 * byte as u64;
        if n >= 8 {
            (dst as *mut u64).write_unaligned(wide);
            (dst.add(n - 8) as *mut u64).write_unaligned(wide);
        } else if n >= 4 {
            (dst as *mut u32).write_unaligned(wide as u32);
            (dst.add(n - 4) as *mut u32).write_unaligned(wide as u32);
        } else if n > 0 {
            *dst = byte;
            *dst.add(n / 2) = byte;
            *dst.add(n - 1) = byte;
        }
        return;
    }
    if n >= REP_THRESHOLD {
        // The first cache line unaligned, the rest from a line boundary.
        let v = _mm_set1_epi8(byte as i8);
        for i in 0..4 {
            store(dst.add(16 * i), v);
        }
        let skip = to_cache_line(dst);
        // SAFETY: rdi/rcx/al are the operands of `rep stosb`; the
        // direction flag is clear by the ABI.
        asm!("rep stosb", inout("rcx") n - skip => _, inout("rdi") dst.add(skip) => _,
             in("al") byte, options(nostack, preserves_flags));
        return;
    }
    let v = _mm_set1_epi8(byte as i8);
    let mut i = 0;
    while i + 64 <= n {
        store(dst.add(i), v);
        store(dst.add(i + 16), v);
        store(dst.add(i + 32), v);
        store(dst.add(i + 48), v);
        i += 64;
    }
    while i + 16 <= n {
        store(dst.add(i), v);
        i += 16;
    }
    store(dst.add(n - 16), v);
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::{copy, fill};
    use std::vec::Vec;

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    /// Every length up to 300 and some long ones, at every relative
    /// offset from -40 to 40 within one buffer (overlapping both ways),
    /// against a byte-by-byte copy through a temporary.
    #[test]
    fn overlapping_moves_are_exact() {
        let lens: Vec<usize> = (0..300).chain([1000, 2047, 2048, 5000, 70_000]).collect();
        for &n in &lens {
            for shift in -40i64..=40 {
                let mut buf = pattern(n + 100);
                let (src, dst) = (50usize, (50 + shift) as usize);
                let mut expected = buf.clone();
                let tmp: Vec<u8> = expected[src..src + n].to_vec();
                expected[dst..dst + n].copy_from_slice(&tmp);
                unsafe { copy(buf.as_mut_ptr().add(dst), buf.as_ptr().add(src), n) };
                assert_eq!(buf, expected, "n {n} shift {shift}");
            }
        }
    }

    /// Copies between separate buffers (the AVX2 and `rep movsb` paths),
    /// at every destination alignment within a cache line.
    #[test]
    fn disjoint_copies_are_exact_at_every_alignment() {
        for n in [65, 255, 256, 257, 1024, 1031, 2048, 2049, 5000, 70_001] {
            for (dst_off, src_off) in (0..70).map(|d| (d, d % 5)) {
                let src = pattern(n + 8);
                let mut buf = std::vec![0u8; n + 80];
                let mut expected = buf.clone();
                expected[dst_off..dst_off + n].copy_from_slice(&src[src_off..src_off + n]);
                unsafe { copy(buf.as_mut_ptr().add(dst_off), src.as_ptr().add(src_off), n) };
                assert_eq!(buf, expected, "n {n} dst {dst_off} src {src_off}");
            }
        }
    }

    #[test]
    fn fills_exactly_their_range() {
        for n in (0..300).chain([2047, 2048, 9000]) {
            for start in 0..70 {
                let mut buf = pattern(n + 80);
                let mut expected = buf.clone();
                expected[start..start + n]
                    .iter_mut()
                    .for_each(|b| *b = 0xa5);
                unsafe { fill(buf.as_mut_ptr().add(start), 0xa5, n) };
                assert_eq!(buf, expected, "n {n} start {start}");
            }
        }
    }
}
