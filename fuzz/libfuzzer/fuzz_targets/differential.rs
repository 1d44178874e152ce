//! libFuzzer's bytes become a wasm-smith module (as `kiln-fuzz
//! differential` makes one from a seed); kiln must agree with wasmi on it.
#![no_main]

use kiln_fuzz::scenario::{check, Config, Verdict};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(wasm) = kiln_fuzz::generate::module_from_bytes(data) else {
        return;
    };
    if let Verdict::Diverge(what) = check(&wasm, &Config::default()) {
        panic!("kiln and wasmi differ: {what}");
    }
});
