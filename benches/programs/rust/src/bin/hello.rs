//! Start-to-exit: the smallest program that prints through the standard
//! library, built natively and as a `wasm32-wasip2` component.
fn main() {
    println!("hello, world");
}
