//! The WASI 0.3 host: shims generated from the WIT of the `wasip3` crate
//! (`bindings`, by build.rs) and the implementation they call (`host`).
//! Imports of 0.3.0 through 0.3.2 resolve to the same functions. A
//! component may import 0.2 and 0.3 interfaces side by side (Rust's std
//! uses 0.2 in a 0.3 program); [`crate::wasi::p2::P2Host`] serves both.
//! The host's state is the 0.2 host's ([`crate::wasi::p2::WasiP2`]).

mod cli;
mod client;
mod clocks;
mod filesystem;
pub mod http;
mod sockets;
mod stdin;

/// What the generated shims call, by interface.
pub mod host {
    pub use super::cli::*;
    pub use super::client::*;
    pub use super::clocks::*;
    pub use super::filesystem::*;
    pub use super::http::*;
    pub use super::sockets::*;
}

pub use client::via;

/// Generated from the WIT of the `wasip3` crate (WASI 0.3.2).
#[allow(
    clippy::all,
    unused_parens,
    unused_mut,
    unused_variables,
    unused_assignments,
    dead_code
)]
pub mod bindings {
    include!(concat!(env!("OUT_DIR"), "/wasi_p3_bindings.rs"));
}

/// The newest WASI 0.3 patch release kiln's host implements.
const NEWEST_PATCH: u32 = 2;

/// `wasi:cli/stdout@0.3.1` → `wasi:cli/stdout`, if the version is one
/// this host implements.
pub(crate) fn interface(versioned: &str) -> Option<&str> {
    crate::wasi::p2::interface_of(versioned, "0.3.", NEWEST_PATCH)
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_of_0_3_resolve_to_one_interface() {
        use super::interface;
        assert_eq!(interface("wasi:cli/stdout@0.3.0"), Some("wasi:cli/stdout"));
        assert_eq!(interface("wasi:cli/stdout@0.3.2"), Some("wasi:cli/stdout"));
        assert_eq!(interface("wasi:cli/stdout@0.3.3"), None);
        assert_eq!(interface("wasi:cli/stdout@0.2.0"), None);
    }
}
