//! Arguments and granted environment variables.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("args: {args:?}");
    for name in ["GREETING", "EMPTY", "NOT_GRANTED"] {
        println!("{name}: {:?}", std::env::var(name).ok());
    }
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    println!("vars: {vars:?}");
}
