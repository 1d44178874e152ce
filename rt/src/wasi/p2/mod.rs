//! The WASI 0.2 host: the shims generated from WASI's WIT (`bindings`,
//! by build.rs) and the implementation they call (`host`). Imports of
//! WASI 0.2.0 through 0.2.12 resolve to the same functions.

pub mod host;

/// Generated from the WIT of the `wasip2` crate (WASI 0.2.12).
#[allow(
    clippy::all,
    unused_parens,
    unused_mut,
    unused_variables,
    unused_assignments,
    dead_code
)]
pub mod bindings {
    include!(concat!(env!("OUT_DIR"), "/wasi_p2_bindings.rs"));
}

use crate::component::{Host, HostFunc};
use crate::wasi::p3;
use kiln_abi::component::Import;

/// The newest WASI 0.2 patch release kiln's host implements.
const NEWEST_PATCH: u32 = 12;

/// `wasi:io/streams@0.2.6` → `wasi:io/streams`, if the version is one
/// this host implements.
fn interface(versioned: &str) -> Option<&str> {
    interface_of(versioned, "0.2.", NEWEST_PATCH)
}

/// The name of `versioned` (`name@0.M.P`), if its version starts with
/// `minor` and its patch is at most `newest`. A pre-release (`0.2.0-rc-…`)
/// names an interface before its release, and is not served.
pub(crate) fn interface_of<'a>(versioned: &'a str, minor: &str, newest: u32) -> Option<&'a str> {
    let (name, version) = versioned.split_once('@')?;
    let patch: u32 = version.strip_prefix(minor)?.parse().ok()?;
    (patch <= newest).then_some(name)
}

/// What the host keeps for a running component: its arguments,
/// environment and the directories it was granted.
#[derive(Clone, Debug, Default)]
pub struct WasiP2 {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Each granted directory, opened, and the name the guest sees.
    pub preopens: Vec<(std::sync::Arc<cap_std::fs::Dir>, String)>,
    pub network: crate::entry::NetworkGrant,
}

impl WasiP2 {
    /// Open the granted directories `(host, guest)`.
    pub fn new(
        args: Vec<String>,
        env: Vec<(String, String)>,
        dirs: &[(std::path::PathBuf, String)],
    ) -> Result<WasiP2, String> {
        let preopens = dirs
            .iter()
            .map(|(host, guest)| {
                cap_std::fs::Dir::open_ambient_dir(host, cap_std::ambient_authority())
                    .map(|d| (std::sync::Arc::new(d), guest.clone()))
                    .map_err(|e| format!("cannot open directory {}: {e}", host.display()))
            })
            .collect::<Result<_, _>>()?;
        Ok(WasiP2 {
            args,
            env,
            preopens,
            network: Default::default(),
        })
    }
}

/// The WASI 0.2 host.
pub struct P2Host;

impl Host for P2Host {
    fn func(&self, import: &Import) -> Option<HostFunc> {
        let instance = import.instance.as_ref()?;
        match interface(instance) {
            Some(i) => bindings::lookup(i, &import.name),
            None => p3::bindings::lookup(p3::interface(instance)?, &import.name),
        }
    }

    fn resource(&self, instance: &str, name: &str) -> Option<std::any::TypeId> {
        match interface(instance) {
            Some(i) => bindings::resource_type(i, name),
            None => p3::bindings::resource_type(p3::interface(instance)?, name),
        }
    }

    fn id(&self) -> std::any::TypeId {
        std::any::TypeId::of::<P2Host>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_0_2_resolve_to_one_interface() {
        assert_eq!(interface("wasi:io/streams@0.2.0"), Some("wasi:io/streams"));
        assert_eq!(interface("wasi:io/streams@0.2.12"), Some("wasi:io/streams"));
        assert_eq!(interface("wasi:io/streams@0.2.13"), None);
        assert_eq!(interface("wasi:io/streams@0.3.0"), None);
        assert_eq!(interface("wasi:io/streams"), None);
    }

    #[test]
    fn the_host_provides_what_a_rust_hello_imports() {
        let f = |instance: &'static str, name: &'static str| {
            P2Host.func(&Import {
                instance: Some(instance.into()),
                name: name.into(),
                ty: 0,
            })
        };
        assert!(f("wasi:cli/stdout@0.2.6", "get-stdout").is_some());
        assert!(f(
            "wasi:io/streams@0.2.0",
            "[method]output-stream.blocking-write-and-flush"
        )
        .is_some());
        assert!(f("wasi:io/streams@0.2.0", "[method]output-stream.nonexistent").is_none());
        assert!(P2Host
            .resource("wasi:io/streams@0.2.4", "output-stream")
            .is_some());
    }
}
