//! Hash tables and strings in Rust: generates text, counts words with a
//! HashMap, ranks them with a sort and a BTreeMap, ROUNDS times (argv[1]).
use std::collections::{BTreeMap, HashMap};

fn main() {
    let rounds: u32 = std::env::args().nth(1).map_or(60, |a| a.parse().unwrap());
    let syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "qua", "th"];
    let mut seed = 0x2545_f491_u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let mut text = String::new();
    while text.len() < 2 << 20 {
        let n = 1 + next() % 3;
        for _ in 0..n {
            text.push_str(syllables[(next() % 12) as usize]);
        }
        text.push(if next() % 11 == 0 { '\n' } else { ' ' });
    }
    let mut summary = 0u64;
    for round in 0..rounds {
        let mut counts: HashMap<&str, u32> = HashMap::new();
        for word in text.split_whitespace().skip(round as usize) {
            *counts.entry(word).or_insert(0) += 1;
        }
        let mut ranked: Vec<(&str, u32)> = counts.iter().map(|(w, c)| (*w, *c)).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let by_length: BTreeMap<usize, u32> = ranked.iter().fold(BTreeMap::new(), |mut m, (w, c)| {
            *m.entry(w.len()).or_insert(0) += c;
            m
        });
        let upper: String = ranked[..10].iter().map(|(w, _)| w.to_uppercase()).collect::<Vec<_>>().join(",");
        if round == 0 {
            println!("{} distinct; top: {upper}", ranked.len());
            println!("by length: {by_length:?}");
        }
        summary = summary.wrapping_mul(31).wrapping_add(ranked[0].1 as u64 + by_length.len() as u64 + upper.len() as u64);
    }
    println!("summary {summary}");
}
