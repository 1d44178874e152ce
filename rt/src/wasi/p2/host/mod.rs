//! The implementation the generated WASI 0.2 shims call: one module per
//! interface, named as the bindings name it; each function takes the
//! call's context and its lifted arguments, and returns its result or a
//! trap (which `exit` is).

pub(crate) mod cli;
pub(crate) mod clocks;
pub(crate) mod filesystem;
pub(crate) mod http;
pub(crate) mod io;
pub(crate) mod random;
pub(crate) mod sockets;

pub use cli::*;
pub use clocks::*;
pub use filesystem::*;
pub use http::{wasi_http_outgoing_handler, wasi_http_types};
pub use io::*;
pub use random::*;
pub use sockets::*;
