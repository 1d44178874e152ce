//! Collections: HashMap (printed sorted), BTreeMap, VecDeque, BinaryHeap, sorting.
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet, VecDeque};

fn main() {
    let text = "the quick brown fox jumps over the lazy dog the end fox";
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in text.split_whitespace() {
        *counts.entry(w).or_default() += 1;
    }
    let mut sorted: Vec<_> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("{sorted:?}");
    let tree: BTreeMap<i32, String> = (0..10).map(|i| (i * i % 7, format!("v{i}"))).collect();
    println!("{tree:?}");
    let mut dq: VecDeque<i32> = (1..=5).collect();
    dq.rotate_left(2);
    dq.push_front(0);
    println!("{dq:?}");
    let mut heap: BinaryHeap<(u32, &str)> = [(3, "c"), (9, "z"), (1, "a"), (5, "m")].into_iter().collect();
    let mut out = vec![];
    while let Some(x) = heap.pop() {
        out.push(x);
    }
    println!("{out:?}");
    let set: HashSet<u64> = (0..100_000u64).map(|i| i * 2654435761 % 1000).collect();
    println!("distinct: {}", set.len());
    let mut v: Vec<u64> = (0..50_000u64).map(|i| (i * 7919) % 10007).collect();
    v.sort_unstable();
    v.dedup();
    println!("dedup len {} sum {}", v.len(), v.iter().sum::<u64>());
}
