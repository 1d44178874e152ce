//! Everything that talks to the operating system or the processor directly:
//! the single module to edit when kiln's runtime is ported.

pub mod dl;
#[cfg(feature = "exe")]
pub mod heap;
#[cfg(any(feature = "exe", test))]
mod heap_cache;
pub mod mmap;
pub mod signals;
pub mod unwind;
