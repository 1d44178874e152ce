//! kiln's test harness: the spec testsuite runner and shared helpers.

pub mod component;
pub mod composition;
pub mod peers;
pub mod polyglot;
pub mod spec;
pub mod spectest;
