//! Tests of the machine code, through its assembly text: what the code
//! generators do after the IR is final (see `ir.rs` for the IR).

use kiln_compiler::{compile_to_asm, CompileOptions};

/// The assembly of `wat` for x86-64 at -O2.
fn x86_64_asm(wat: &str) -> String {
    let opts = CompileOptions {
        target: Some("x86_64-unknown-linux-gnu".into()),
        ..CompileOptions::default()
    };
    compile_to_asm(&wat::parse_str(wat).unwrap(), &opts).unwrap()
}

/// Innermost loops start on a 32-byte boundary (LLVM's x86 default is 16),
/// so a short hot loop does not straddle a fetch window by accident of
/// the code before it.
#[test]
fn innermost_loops_aligned_to_32_bytes() {
    let asm = x86_64_asm(
        r#"(module (memory 1)
          (func (export "sum_rows") (param $rows i32) (param $cols i32) (result i32)
            (local $i i32) (local $j i32) (local $acc i32)
            (loop $outer
              (local.set $j (i32.const 0))
              (loop $inner
                (local.set $acc (i32.add (local.get $acc)
                  (i32.load8_u (i32.add (i32.mul (local.get $i) (local.get $cols))
                                        (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br_if $inner (i32.lt_u (local.get $j) (local.get $cols))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $outer (i32.lt_u (local.get $i) (local.get $rows))))
            (local.get $acc)))"#,
    );
    let lines: Vec<&str> = asm.lines().collect();
    let label_line = |label: &str| lines.iter().position(|l| *l == format!("{label}:"));
    // Loops as (header line, back branch line): a branch to a label above.
    let loops: Vec<(usize, usize)> = (0..lines.len())
        .filter_map(|i| {
            let l = lines[i].trim();
            let target = l.strip_prefix('j')?.split_whitespace().nth(1)?;
            let header = label_line(target)?;
            (header < i).then_some((header, i))
        })
        .collect();
    let innermost: Vec<usize> = loops
        .iter()
        .filter(|(h, b)| !loops.iter().any(|(h2, _)| h2 > h && h2 < b))
        .map(|&(h, _)| h)
        .collect();
    assert!(
        innermost.len() < loops.len(),
        "expected an outer loop around the inner ones:\n{asm}"
    );
    for h in innermost {
        // The directive just above the header's label.
        let before = lines[..h]
            .iter()
            .rev()
            .map(|l| l.trim())
            .find(|l| !l.starts_with('#'));
        assert_eq!(
            before,
            Some(".p2align\t5"),
            "innermost loop at {} is not 32-byte aligned:\n{asm}",
            lines[h]
        );
    }
}
