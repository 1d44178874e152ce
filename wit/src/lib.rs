//! WIT packages and component tooling live here once the component issues
//! land. Nothing is implemented yet, and nothing here claims otherwise.
#![deny(unsafe_code)]
