//! Clocks: Instant is monotonic, sleeping takes time, SystemTime is plausible.
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let start = Instant::now();
    let mut last = start;
    let mut back = 0;
    for _ in 0..10_000 {
        let now = Instant::now();
        if now < last {
            back += 1;
        }
        last = now;
    }
    println!("instant went back {back} times");
    std::thread::sleep(Duration::from_millis(15));
    println!("slept at least 15ms: {}", start.elapsed() >= Duration::from_millis(15));
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    println!("after 2020: {}", since.as_secs() > 1_577_836_800);
}
