//! Lowering of operators, one file per category, each function called by
//! `translate/visit.rs` for the operators it lowers.

pub mod call;
pub mod compare;
pub mod control;
pub mod convert;
pub mod memory;
pub mod numeric;
pub mod table;
pub mod variable;
