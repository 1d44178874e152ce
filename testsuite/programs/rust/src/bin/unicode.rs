//! UTF-8 strings: chars, case mapping, sorting, byte lengths.
fn main() {
    let s = "Grüße, Jürgen! Ça va? Ωμέγα 日本語 🎉";
    println!("bytes {} chars {}", s.len(), s.chars().count());
    println!("{}", s.to_uppercase());
    println!("{}", s.to_lowercase());
    let mut words: Vec<&str> = s.split_whitespace().collect();
    words.sort();
    println!("{words:?}");
    println!("{:?}", s.char_indices().filter(|(_, c)| !c.is_ascii()).map(|(i, _)| i).collect::<Vec<_>>());
    println!("{}", s.chars().rev().collect::<String>());
    let encoded: Vec<u16> = s.encode_utf16().collect();
    println!("utf16 units {}", encoded.len());
}
