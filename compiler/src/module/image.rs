//! The initial contents of memory 0 as one ready image.
//!
//! When every active data segment of a defined memory 0 has a constant
//! offset and fits in the memory's initial size, the compiler applies them
//! itself, in order, into one page-aligned image stored in the object. The
//! runtime maps that image copy-on-write from the executable file instead
//! of copying segments at start-up, so a module with megabytes of data
//! starts without touching them. The covered segments are left in the
//! runtime metadata with their offsets but no bytes: active segments are
//! dropped after instantiation, so their contents are never read again.

use kiln_abi::module::{DataSegment, Mode};
use wasmparser::MemoryType;

/// Alignment of the image in memory and in the file: the largest page size
/// of the supported targets, so that it can be mapped anywhere.
pub const IMAGE_ALIGN: u64 = 64 * 1024;

pub struct MemoryImage {
    /// Where the image starts in memory 0, a multiple of `IMAGE_ALIGN`.
    pub offset: u64,
    /// Length a multiple of `IMAGE_ALIGN`.
    pub bytes: Vec<u8>,
}

/// The image of `data` for memory 0, or `None` when the runtime must apply
/// the segments itself (imported or 64-bit memory, computed offsets, a
/// segment out of bounds, which traps at instantiation, or data so sparse
/// that the image would be mostly zeros).
pub fn build(
    data: &[DataSegment],
    memory0: Option<&MemoryType>,
    memory0_imported: bool,
) -> Option<MemoryImage> {
    let mem = memory0?;
    if memory0_imported || mem.memory64 || mem.page_size_log2.is_some() {
        return None;
    }
    let size = mem.initial.checked_mul(65536)?;
    let mut segments = Vec::new();
    for d in data {
        if let Mode::Active { index: 0, offset } = &d.mode {
            let offset = offset.as_i32()? as u32 as u64;
            if offset + d.bytes.len() as u64 > size {
                return None;
            }
            if !d.bytes.is_empty() {
                segments.push((offset, d.bytes));
            }
        }
    }
    let lo = segments.iter().map(|s| s.0).min()? / IMAGE_ALIGN * IMAGE_ALIGN;
    let hi = segments
        .iter()
        .map(|s| s.0 + s.1.len() as u64)
        .max()?
        .next_multiple_of(IMAGE_ALIGN)
        .min(size);
    let payload: u64 = segments.iter().map(|s| s.1.len() as u64).sum();
    if hi - lo > 2 * payload + IMAGE_ALIGN {
        return None;
    }
    let mut bytes = vec![0u8; (hi - lo).next_multiple_of(IMAGE_ALIGN) as usize];
    for (offset, data) in segments {
        let at = (offset - lo) as usize;
        bytes[at..at + data.len()].copy_from_slice(data);
    }
    Some(MemoryImage { offset: lo, bytes })
}
