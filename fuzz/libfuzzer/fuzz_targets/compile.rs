//! Any bytes given to the compiler end in an object or an error, never a
//! panic: the front end under arbitrary input, in process.
#![no_main]

use kiln_compiler::{compile, CompileOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = CompileOptions {
        opt_level: 0,
        jobs: 1,
        ..CompileOptions::default()
    };
    let _ = compile(data, &opts);
});
