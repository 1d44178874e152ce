//! Exports `kiln:polyglot/text`: capitals, words and statistics.

wit_bindgen::generate!({ world: "text-provider", path: "../wit", generate_all });

use exports::kiln::polyglot::text::{Guest, Summary};

struct Text;

impl Guest for Text {
    fn upper(s: String) -> String {
        s.to_uppercase()
    }

    fn words(s: String) -> Vec<String> {
        let mut words: Vec<String> = s.split_whitespace().map(String::from).collect();
        words.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        words
    }

    fn stats(xs: Vec<u32>) -> Summary {
        Summary {
            count: xs.len() as u32,
            min: xs.iter().copied().min().unwrap_or(0),
            max: xs.iter().copied().max().unwrap_or(0),
            sum: xs.iter().map(|&x| u64::from(x)).sum(),
        }
    }
}

export!(Text);
