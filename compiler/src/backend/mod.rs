//! LLVM's half: codegen units compiled in parallel into objects, the
//! metadata unit the runtime reads, and what is read back from the objects
//! (frame layouts for the unwind table).

pub mod across;
pub mod codegen;
pub mod frames;
pub mod metadata;
pub mod pipeline;
