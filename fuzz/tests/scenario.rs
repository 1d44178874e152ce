//! The differential check itself: it finds a planted difference, agrees
//! where kiln is right, and gives no verdict where the reference fails.

use kiln_fuzz::scenario::{check, Config, Verdict, REFERENCE_PANICKED};

fn verdict(wat: &str) -> Verdict {
    check(&wat::parse_str(wat).unwrap(), &Config::default())
}

#[test]
fn agrees_on_results_traps_and_memory() {
    let v = verdict(
        r#"(module (memory (export "m") 1 1) (global (export "g") (mut i32) (i32.const 0))
            (func (export "f") (param i32 f64) (result f64)
              (global.set 0 (local.get 0))
              (i32.store (local.get 0) (local.get 0))
              (f64.div (local.get 1) (f64.convert_i32_s (local.get 0)))))"#,
    );
    assert!(matches!(v, Verdict::Agree { calls: 9 }), "{}", describe(&v));
}

#[test]
fn generated_modules_agree() {
    for seed in 0..20 {
        let wasm = kiln_fuzz::generate::module_from_seed(seed).unwrap();
        let v = check(&wasm, &Config::default());
        assert!(
            !matches!(v, Verdict::Diverge(_)),
            "seed {seed}: {}",
            describe(&v)
        );
    }
}

#[test]
fn a_reference_panic_is_no_verdict() {
    // wasmi 2.0.0's translator panics on this store (an offset past 16
    // bits, address and value in one register).
    let v = verdict(
        r#"(module (memory 1)
            (func (export "f") (local i32)
              (i32.store offset=178671 (local.tee 0 (memory.size)) (local.get 0))))"#,
    );
    match v {
        Verdict::Skip(why) if why.starts_with(REFERENCE_PANICKED) => {}
        other => panic!("expected a skip, got {}", describe(&other)),
    }
}

fn describe(v: &Verdict) -> String {
    match v {
        Verdict::Agree { calls } => format!("agree over {calls} calls"),
        Verdict::Skip(why) => format!("skip: {why}"),
        Verdict::Diverge(what) => format!("diverge: {what}"),
    }
}

#[test]
fn conversions_leave_no_nan_bits_to_compare() {
    // Seed 1004951 once diverged on f32.demote_f64 of a NaN, whose bits
    // the spec leaves open (wasmi kept the payload, kiln did not).
    let wasm = kiln_fuzz::generate::module_from_seed(1004951).unwrap();
    let v = check(&wasm, &Config::default());
    assert!(!matches!(v, Verdict::Diverge(_)), "{}", describe(&v));
}
