//! Lowering of operators, one file per category. Each `lower` returns
//! `Ok(false)` for an operator outside its category.

pub mod call;
pub mod compare;
pub mod control;
pub mod convert;
pub mod memory;
pub mod numeric;
pub mod table;
pub mod variable;
