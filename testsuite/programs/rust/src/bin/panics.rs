//! A panic: natively exit status 101; under WASI (panic=abort) a trap.
fn checked_div(a: i32, b: i32) -> i32 {
    if b == 0 {
        panic!("attempted to divide {a} by zero");
    }
    a / b
}

fn main() {
    println!("10 / 2 = {}", checked_div(10, 2));
    let d: i32 = std::env::args().count() as i32 - 1;
    println!("10 / {d} = {}", checked_div(10, d));
}
