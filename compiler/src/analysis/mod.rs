//! What is known about the module before any code is generated: which
//! functions go into which codegen unit, which are private to their unit or
//! stay out of line, which tables never change.

pub mod access_ahead;
pub mod frozen;
pub mod local;
pub mod out_of_line;
pub mod plan;
