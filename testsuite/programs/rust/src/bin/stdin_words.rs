//! Read stdin line by line; word frequencies and the longest line.
use std::collections::BTreeMap;
use std::io::BufRead;

fn main() {
    let mut freq = BTreeMap::new();
    let mut longest = String::new();
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        for w in line.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            *freq.entry(w.to_lowercase()).or_insert(0) += 1;
        }
        if line.len() > longest.len() {
            longest = line;
        }
    }
    println!("{freq:?}");
    println!("longest: {longest}");
}
