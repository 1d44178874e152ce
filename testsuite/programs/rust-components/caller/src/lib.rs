//! Calls `kiln:bench/math`, which another component exports.

wit_bindgen::generate!({ world: "caller", path: "../wit", generate_all });

use kiln::bench::math;
use std::hint::black_box;
use wasi::clocks::monotonic_clock::now;

struct Caller;

impl Guest for Caller {
    fn run_add(n: u32) -> u64 {
        let start = now();
        let mut acc = 0u32;
        for i in 0..n {
            acc = math::add(black_box(acc), i);
        }
        black_box(acc);
        now() - start
    }

    fn run_echo(n: u32) -> u64 {
        let s = "kiln ".repeat(1024 / 5) + "1234";
        let start = now();
        for _ in 0..n {
            black_box(math::echo(&s));
        }
        now() - start
    }

    fn run_echo_list(n: u32) -> u64 {
        let list: Vec<u8> = (0..65536u32).map(|i| i as u8).collect();
        let start = now();
        for _ in 0..n {
            black_box(math::echo_list(&list));
        }
        now() - start
    }

    fn check() -> String {
        let sum = (0..1000).fold(7u32, |acc, i| math::add(acc, i * 0x0101_0101));
        let text = math::echo("grüße, 世界 ✓");
        let list = math::echo_list(&(0..=255).collect::<Vec<u8>>());
        let list_sum: u32 = list.iter().map(|&b| b as u32).sum();
        format!("add {sum}, echo {text}, list of {} sum {list_sum}", list.len())
    }
}

export!(Caller);
