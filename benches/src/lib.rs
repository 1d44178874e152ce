//! The benchmark runner arrives with the performance issue; `cargo xtask
//! bench` says so instead of pretending to measure anything.
#![deny(unsafe_code)]
