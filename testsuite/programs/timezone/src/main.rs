//! Prints what wasi:clocks/timezone says of the host's zone: 0.3's
//! `iana-id` and `to-debug-string`, then for each argument (seconds since
//! 1970-01-01T00:00:00Z) 0.2's `display` and `utc-offset` and 0.3's
//! `utc-offset`, one line each:
//! `SECONDS OFFSET NAME DST OFFSET OFFSET_NS` (`none` where 0.3 has none).

wit_bindgen::generate!({ world: "probe", path: "wit", generate_all });

use wasi::clocks0_2_12::timezone as p2;
use wasi::clocks0_2_12::wall_clock::Datetime;
use wasi::clocks0_3_2::system_clock::Instant;
use wasi::clocks0_3_2::timezone as p3;

fn main() {
    let or_none = |v: Option<String>| v.unwrap_or_else(|| "none".into());
    println!("iana-id {}", or_none(p3::iana_id()));
    println!("debug {}", p3::to_debug_string());
    for arg in std::env::args().skip(1) {
        let seconds: i64 = arg.parse().expect("seconds since the epoch");
        let d = p2::display(Datetime {
            seconds: seconds as u64,
            nanoseconds: 0,
        });
        let offset = p2::utc_offset(Datetime {
            seconds: seconds as u64,
            nanoseconds: 0,
        });
        let nanos = p3::utc_offset(Instant {
            seconds,
            nanoseconds: 0,
        });
        println!(
            "{seconds} {} {} {} {offset} {}",
            d.utc_offset,
            d.name,
            d.in_daylight_saving_time,
            or_none(nanos.map(|n| n.to_string())),
        );
    }
}
