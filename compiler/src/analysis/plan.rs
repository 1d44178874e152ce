//! Which functions go into which codegen unit, and how hard each unit is
//! optimized.
//!
//! LLVM's -O2 pipeline costs about 23 CPU-seconds per megabyte of wasm
//! code, 29 for code made of tiny functions (measured on clang's 65 MB of
//! code: 12 minutes on two cores). So optimization has a budget. At -O1 and
//! -O2 the smallest functions, up to `opt_budget` bytes of wasm code in all,
//! get the full pipeline; the next `FAST_SHARE` times as many bytes get a
//! short IR pipeline and fast instruction selection with the -O1 machine
//! passes (about 5 s/MB); the largest functions get the short IR pipeline
//! and the -O0 backend (about 1 s/MB); the full pipeline costs about 18
//! s/MB once local functions are inlined (see `local.rs`). Small functions are where optimization pays most per byte:
//! they are the ones called in loops and inlined into each other; the
//! largest are mostly dispatchers and initializers. Modules under the
//! budget, which is nearly all, are optimized whole; -O3 has no budget.

use crate::module::ModuleInfo;
use crate::options::CompileOptions;

/// Wasm bytes per unit before a new one starts: small enough for bounded
/// memory, large enough that LLVM sees callers and callees together.
const UNIT_BYTES: u64 = 256 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// The pipeline of the requested -O level.
    Optimized,
    /// Over the budget: SROA, CSE, instcombine and CFG cleanup, then fast
    /// instruction selection with the -O1 machine pipeline.
    Fast,
    /// Far over the budget: the same IR pipeline, then the -O0 backend.
    Baseline,
}

/// Functions bigger than this get the `Baseline` tier at every level:
/// LLVM's optimizing pipelines are superlinear in a function's size (one
/// function of a million instructions, 1.8 MB of wasm, did not finish in
/// ten minutes at -O2 or in five with fast instruction selection; the -O0
/// backend takes 5 s). clang's largest function is 0.3 MB.
const MAX_OPTIMIZED_BODY: u64 = 1 << 20;

/// Bytes of `Fast` code per byte of `opt_budget`. On clang's module (65 MB
/// of code, 2 cores) 3 built in 98 s and the result compiled SQLite 7%
/// slower than wasmtime; 6: 113 s, 1.5% slower; 10: 132 s, 3.5% faster.
/// The -O0 backend's code is what loses: its register allocator spills.
const FAST_SHARE: u64 = 10;

pub struct Unit {
    pub tier: Tier,
    /// Indices into `ModuleInfo::bodies`, ascending.
    pub bodies: Vec<usize>,
    /// Wasm code bytes of those bodies.
    pub bytes: u64,
}

impl Unit {
    /// Relative compile time, for scheduling the costliest units first.
    pub fn cost(&self) -> u64 {
        // CPU seconds per MB of wasm, measured on clang's module: about 29
        // optimized, 7.5 fast, 2 baseline.
        self.bytes
            * match self.tier {
                Tier::Optimized => 29,
                Tier::Fast => 8,
                Tier::Baseline => 2,
            }
    }
}

fn body_size(info: &ModuleInfo, i: usize) -> u64 {
    let r = info.bodies[i].range();
    (r.end - r.start) as u64
}

/// The tier of each body: the smallest bodies, ties broken by index, fill
/// the budget, the next ones the fast share; the rest are `Baseline`.
fn tiers(info: &ModuleInfo, opts: &CompileOptions) -> Vec<Tier> {
    let n = info.bodies.len();
    let huge = |i: usize| opts.opt_level > 0 && body_size(info, i) > MAX_OPTIMIZED_BODY;
    let total: u64 = (0..n).map(|i| body_size(info, i)).sum();
    let budget = match opts.opt_budget {
        Some(b) if opts.opt_level > 0 && total > b => b,
        _ => {
            let tier = |i| {
                if huge(i) {
                    Tier::Baseline
                } else {
                    Tier::Optimized
                }
            };
            return (0..n).map(tier).collect();
        }
    };
    let mut by_size: Vec<usize> = (0..n).collect();
    by_size.sort_by_key(|&i| (body_size(info, i), i));
    let mut tiers = vec![Tier::Baseline; n];
    let mut spent = 0;
    for i in by_size.into_iter().filter(|&i| !huge(i)) {
        spent += body_size(info, i);
        tiers[i] = if spent <= budget {
            Tier::Optimized
        } else if spent <= budget + FAST_SHARE * budget {
            Tier::Fast
        } else {
            break;
        };
    }
    tiers
}

/// Units of bounded wasm size, each of one tier, functions in index order.
pub fn units(info: &ModuleInfo, opts: &CompileOptions) -> Vec<Unit> {
    let tiers = tiers(info, opts);
    let mut out = Vec::new();
    for tier in [Tier::Optimized, Tier::Fast, Tier::Baseline] {
        let mut bodies = Vec::new();
        let mut bytes = 0;
        for i in (0..info.bodies.len()).filter(|&i| tiers[i] == tier) {
            bodies.push(i);
            bytes += body_size(info, i);
            if bytes >= UNIT_BYTES {
                out.push(Unit {
                    tier,
                    bodies: std::mem::take(&mut bodies),
                    bytes,
                });
                bytes = 0;
            }
        }
        if !bodies.is_empty() {
            out.push(Unit {
                tier,
                bodies,
                bytes,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module whose function i has a body of about 10 * (i + 1) bytes.
    fn module(n: usize) -> Vec<u8> {
        let mut wat = String::from("(module");
        for i in 0..n {
            wat += "(func (result i32) i32.const 1";
            for _ in 0..=i {
                wat += " i32.const 1000 i32.add i32.const 3 i32.mul";
            }
            wat += ")";
        }
        wat += ")";
        wat::parse_str(&wat).unwrap()
    }

    fn tiers_of(wasm: &[u8], opts: &CompileOptions) -> Vec<Tier> {
        let info = ModuleInfo::parse(wasm, Default::default()).unwrap().0;
        let mut t = vec![None; info.bodies.len()];
        for u in units(&info, opts) {
            for b in u.bodies {
                assert!(t[b].is_none(), "body {b} in two units");
                t[b] = Some(u.tier);
            }
        }
        t.into_iter()
            .map(|t| t.expect("every body in a unit"))
            .collect()
    }

    #[test]
    fn modules_under_the_budget_are_optimized_whole() {
        let wasm = module(20);
        let opts = CompileOptions::default();
        assert!(tiers_of(&wasm, &opts).iter().all(|t| *t == Tier::Optimized));
    }

    #[test]
    fn the_largest_functions_go_over_the_budget() {
        let wasm = module(40);
        let info = ModuleInfo::parse(&wasm, Default::default()).unwrap().0;
        let sizes: Vec<u64> = (0..40).map(|i| body_size(&info, i)).collect();
        let budget = sizes[..4].iter().sum::<u64>();
        let opts = CompileOptions {
            opt_budget: Some(budget),
            ..CompileOptions::default()
        };
        let tiers = tiers_of(&wasm, &opts);
        // Sizes grow with the index: the first four fill the budget, the
        // next ones up to FAST_SHARE times the budget are fast.
        assert_eq!(&tiers[..4], &[Tier::Optimized; 4]);
        assert_eq!(tiers[4], Tier::Fast);
        assert_eq!(tiers[39], Tier::Baseline);
        let fast: u64 = (0..40)
            .filter(|&i| tiers[i] == Tier::Fast)
            .map(|i| sizes[i])
            .sum();
        assert!(fast <= FAST_SHARE * budget && fast + sizes[39] > FAST_SHARE * budget / 2);
        // Tiers are monotonic in size.
        assert!(tiers.windows(2).all(|w| w[0] as u8 <= w[1] as u8));
        // -O3 and -O0 have no budget.
        for level in [0, 3] {
            let o = CompileOptions {
                opt_level: level,
                opt_budget: if level == 3 { None } else { Some(budget) },
                ..CompileOptions::default()
            };
            assert!(tiers_of(&wasm, &o).iter().all(|t| *t == Tier::Optimized));
        }
    }
}
