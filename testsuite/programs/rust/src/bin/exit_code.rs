//! process::exit with a status after output.
fn main() {
    println!("exiting with 17");
    eprintln!("a word on stderr");
    std::process::exit(17);
}
