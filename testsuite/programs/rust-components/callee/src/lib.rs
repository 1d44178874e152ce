//! Exports `kiln:bench/math`.

wit_bindgen::generate!({ world: "callee", path: "../wit" });

struct Math;

impl exports::kiln::bench::math::Guest for Math {
    fn add(a: u32, b: u32) -> u32 {
        a.wrapping_add(b)
    }

    fn echo(s: String) -> String {
        s
    }

    fn echo_list(l: Vec<u8>) -> Vec<u8> {
        l
    }
}

export!(Math);
