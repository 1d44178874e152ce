//! Generates the WASI host bindings from the WIT of the published
//! `wasip2` (WASI 0.2) and `wasip3` (WASI 0.3) crates: for each interface
//! kiln's host provides, Rust types for its records, variants, enums and
//! flags with their canonical-ABI layout, and one `extern "C"` shim per
//! function with the function's flat core signature. A shim lifts its
//! arguments, calls the host's implementation
//! (`crate::wasi::<layer>::host::<interface>::<function>`), and lowers the
//! result; all of it typed, specialized per function at compile time. The
//! generator is `build/bindings.rs`.

#[path = "build/bindings.rs"]
mod bindings;

use bindings::Gen;
use std::path::{Path, PathBuf};
use wit_parser::{Resolve, SizeAlign};

/// WASI 0.2: the packages whose interfaces the host implements, but the
/// interfaces a component exports rather than imports.
fn provides_p2(name: &str) -> bool {
    const PACKAGES: &[&str] = &[
        "io",
        "cli",
        "clocks",
        "random",
        "filesystem",
        "sockets",
        "http",
    ];
    const EXPORTED: &[&str] = &["wasi:cli/run", "wasi:http/incoming-handler"];
    let pkg = name.split(['/', ':']).nth(1).unwrap_or("");
    name.starts_with("wasi:") && PACKAGES.contains(&pkg) && !EXPORTED.contains(&name)
}

/// WASI 0.3: the interfaces the host implements so far.
fn provides_p3(name: &str) -> bool {
    const INTERFACES: &[&str] = &[
        "wasi:cli/environment",
        "wasi:cli/exit",
        "wasi:cli/types",
        "wasi:cli/stdin",
        "wasi:cli/stdout",
        "wasi:cli/stderr",
        "wasi:cli/terminal-input",
        "wasi:cli/terminal-output",
        "wasi:cli/terminal-stdin",
        "wasi:cli/terminal-stdout",
        "wasi:cli/terminal-stderr",
        "wasi:random/random",
        "wasi:random/insecure",
        "wasi:random/insecure-seed",
        "wasi:clocks/types",
        "wasi:clocks/monotonic-clock",
        "wasi:clocks/system-clock",
        "wasi:clocks/timezone",
        "wasi:filesystem/types",
        "wasi:filesystem/preopens",
        "wasi:http/types",
        "wasi:http/client",
        "wasi:http/handler",
        "wasi:sockets/types",
        "wasi:sockets/ip-name-lookup",
    ];
    INTERFACES.contains(&name)
}

/// WASI 0.3: functions of provided interfaces the host leaves out for
/// now (a component importing one is refused by its name).
fn skips_p3(_interface: &str, _func: &str) -> bool {
    false
}

/// WASI 0.3: functions whose host waits on the event loop, and whose
/// result may come after their call returns (`crate::component::Async`).
fn suspends_p3(interface: &str, func: &str) -> bool {
    matches!(
        (interface, func),
        ("wasi:clocks/monotonic-clock", "wait-for" | "wait-until")
            | ("wasi:http/client", "send")
            | ("wasi:http/handler", "handle")
            | ("wasi:sockets/types", "[method]tcp-socket.connect")
            | (
                "wasi:sockets/types",
                "[method]udp-socket.send" | "[method]udp-socket.receive"
            )
            | ("wasi:sockets/ip-name-lookup", "resolve-addresses")
    )
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/bindings.rs");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    type Layer = (
        &'static str,
        &'static str,
        fn(&str) -> bool,
        fn(&str, &str) -> bool,
        fn(&str, &str) -> bool,
    );
    let layers: [Layer; 2] = [
        (
            "p2",
            "/wasip2-2.0.1+wasi-0.2.12/Cargo.toml\"",
            provides_p2,
            |_, _| false,
            |_, _| false,
        ),
        (
            "p3",
            "/wasip3-0.10.0+wasi-0.3.2/Cargo.toml\"",
            provides_p3,
            skips_p3,
            suspends_p3,
        ),
    ];
    let metadata = cargo_metadata(&layers.map(|l| l.1));
    for (layer, needle, provides, skips, suspends) in layers {
        let wit = crate_wit(&metadata, needle);
        let mut resolve = Resolve::default();
        // Unstable in both, and provided.
        resolve.features.insert("clocks-timezone".into());
        resolve
            .push_dir(&wit)
            .unwrap_or_else(|e| panic!("reading WASI's WIT in {}: {e:#}", wit.display()));
        let mut sizes = SizeAlign::default();
        sizes.fill(&resolve).expect("sizes of WASI's types");
        let g = Gen {
            resolve: &resolve,
            sizes: &sizes,
            layer,
            provides,
            skips,
            suspends,
        };
        let path = out.join(format!("wasi_{layer}_bindings.rs"));
        std::fs::write(&path, g.generate()).unwrap();
    }
}

/// `cargo metadata` of this build, listing every manifest in `needles`.
fn cargo_metadata(needles: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    // Only this platform's packages.
    let host = std::env::var("HOST").unwrap();
    // Offline first: a build has downloaded this platform's packages. On
    // a fresh clone the workspace's other members may still lack theirs,
    // which `cargo metadata` wants too; then it may fetch them.
    let metadata = |offline: bool| {
        let mut cmd = std::process::Command::new(&cargo);
        cmd.args(["metadata", "--format-version", "1"]);
        if offline {
            cmd.arg("--offline");
        }
        cmd.args(["--filter-platform", &host])
            .current_dir(&manifest)
            .output()
            .expect("running cargo metadata")
    };
    let lists_all = |out: &std::process::Output| {
        let text = String::from_utf8_lossy(&out.stdout);
        needles.iter().all(|n| text.contains(n))
    };
    let mut out = metadata(true);
    if !lists_all(&out) {
        out = metadata(false);
    }
    if !lists_all(&out) {
        panic!(
            "cargo metadata does not list {needles:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `wit/` folder of the crate whose manifest path ends in `needle`,
/// a dependency of this build, as `metadata` lists it (registry, vendored
/// or patched alike).
fn crate_wit(text: &str, needle: &str) -> PathBuf {
    let end = text.find(needle).expect("checked by cargo_metadata");
    let start = text[..end].rfind('"').unwrap() + 1;
    let dir = Path::new(&text[start..end + needle.len() - "/Cargo.toml\"".len()]);
    dir.join("wit")
}
