//! Formatting of numbers and structures.
#[derive(Debug, Clone, PartialEq)]
struct Point {
    x: f64,
    y: f64,
    label: Option<String>,
}

fn main() {
    let p = Point { x: 1.5, y: -0.1, label: Some("origin-ish".into()) };
    println!("{p:?}");
    println!("{p:#?}");
    for v in [0.1f64, 1.0 / 3.0, 1e21, 1e-7, f64::MAX, f64::MIN_POSITIVE, -0.0, f64::NAN, f64::INFINITY] {
        println!("{v} | {v:e} | {v:.3} | {v:?}");
    }
    println!("{:08.3} {:+} {:>10} {:<10}| {:^10}|", 3.14159, 42, "right", "left", "mid");
    println!("{:x} {:X} {:o} {:b} {:#x} {:#b}", 255, 255, 8, 5, 255, 5);
    println!("{} {} {}", u64::MAX, i64::MIN, i128::MAX);
    println!("{:?}", (1u8, 'c', "str", [1, 2, 3], ()));
    println!("{}", format!("{:.2}", 2.675f32));
}
