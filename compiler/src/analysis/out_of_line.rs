//! Which functions stay out of line at their only call site.
//!
//! LLVM inlines a private function at its only call site whatever its
//! size: the copy replaces the original, so the code does not grow. But
//! the caller does, and a small caller that its own callers would have
//! inlined becomes too big for them. A wasm module carries its libc, which
//! native code links separately, out of reach of the inliner: in the json
//! benchmark `strtol` (with `__intscan`, its only callee) went into the
//! small `string`, only for its rare `\u` escapes, and `string` stopped
//! being inlined into `value`: 1.34x native, 1.16x with it inlined.
//! Rust's cold paths behave the same: `reserve_rehash` has one caller, a
//! small function that runs on every insert.
//!
//! So a function called from one place, that (with everything below it
//! that has one caller too) is big and several times bigger than its
//! caller, is marked `noinline` when that caller could be inlined itself:
//! when something calls it directly. Saving one call into a body that
//! large gains little. A caller reached only through a table (a Rust trait
//! method, say) keeps the callee inlined, with its constant arguments:
//! dyn_dispatch's `x % 3.0` runs 3% fewer instructions with `fmod`
//! inlined.

use crate::analysis::scan::FunctionFacts;
use crate::module::ModuleInfo;

/// Below this many bytes of wasm (with its own single-call callees), a
/// callee is inlined as LLVM decides. -O2's threshold admits about 200.
const BIG_BYTES: usize = 512;

/// How many times bigger than its caller's own body a callee must be.
const CALLER_RATIO: usize = 4;

/// `out_of_line[f]` for every function index (set only for local ones,
/// as `local` says).
pub fn functions(info: &ModuleInfo, facts: &[FunctionFacts], local: &[bool]) -> Vec<bool> {
    let imported = info.num_imported_funcs as usize;
    let count = info.funcs.len();
    let mut sites = vec![0u32; count];
    let mut caller = vec![usize::MAX; count];
    let mut callees: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (b, body) in facts.iter().enumerate() {
        let f = imported + b;
        for &g in &body.callees {
            let g = g as usize;
            sites[g] += 1;
            caller[g] = f;
            callees[f].push(g);
        }
    }
    let mut plan = Plan {
        size: (0..count)
            .map(|f| {
                f.checked_sub(imported).map_or(0, |b| {
                    let r = info.bodies[b].range();
                    (r.end - r.start) as usize
                })
            })
            .collect(),
        single: (0..count)
            .map(|f| local[f] && sites[f] == 1 && caller[f] != f)
            .collect(),
        called: sites.iter().map(|&n| n > 0).collect(),
        caller,
        callees,
        effective: vec![None; count],
        out_of_line: vec![false; count],
    };
    for f in imported..count {
        plan.visit(f);
    }
    plan.out_of_line
}

struct Plan {
    size: Vec<usize>,
    /// Private, and called from exactly one place (not itself).
    single: Vec<bool>,
    caller: Vec<usize>,
    /// Called directly from somewhere, so that it could be inlined itself.
    called: Vec<bool>,
    callees: Vec<Vec<usize>>,
    /// Own size plus that of everything below with one caller.
    effective: Vec<Option<usize>>,
    out_of_line: Vec<bool>,
}

impl Plan {
    /// Work out the effective size of `f` and of everything below it with
    /// one caller, callees first, deciding for each whether it stays out
    /// of line. Iterative: chains of single callers can be long.
    fn visit(&mut self, f: usize) {
        if self.effective[f].is_some() {
            return;
        }
        // (function, whether its single callees are done)
        let mut work = vec![(f, false)];
        while let Some((g, callees_done)) = work.pop() {
            if !callees_done {
                if self.effective[g].is_some() {
                    continue;
                }
                // Provisional, so that a chain of single callers that
                // closes into a cycle counts a function met again as 0.
                self.effective[g] = Some(0);
                work.push((g, true));
                for &h in &self.callees[g] {
                    if self.single[h] && self.effective[h].is_none() {
                        work.push((h, false));
                    }
                }
                continue;
            }
            let below: usize = (self.callees[g].iter())
                .filter(|&&h| self.single[h] && h != g)
                .map(|&h| self.effective[h].unwrap_or(0))
                .sum();
            let total = self.size[g] + below;
            self.effective[g] = Some(total);
            if self.single[g] && self.called[self.caller[g]] {
                let caller = self.size[self.caller[g]];
                self.out_of_line[g] = total >= BIG_BYTES && total >= CALLER_RATIO * caller;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which functions of `wat` (one unit, so every unexported function is
    /// local) stay out of line.
    fn out_of_line(wat: &str) -> Vec<u32> {
        let wasm = wat::parse_str(wat).unwrap();
        let a = crate::analysis::analyze(&wasm, &Default::default()).unwrap();
        let unit = crate::analysis::plan::Unit {
            tier: crate::analysis::plan::Tier::Optimized,
            bodies: (0..a.info.bodies.len()).collect(),
            bytes: 0,
        };
        let local = crate::analysis::local::functions(&a.info, &a.functions, &[unit]);
        let marks = functions(&a.info, &a.functions, &local);
        (0..marks.len() as u32)
            .filter(|&f| marks[f as usize])
            .collect()
    }

    /// A body of about `n` * 8 bytes.
    fn work(n: usize) -> String {
        "(local.set 0 (i32.add (i32.mul (local.get 0) (i32.const 77777)) (i32.const 99999)))\n"
            .repeat(n)
    }

    fn module(helper: usize, callers_of_wrap: &str) -> String {
        format!(
            r#"(module
                 (func $helper (param i32) (result i32) {} (local.get 0))
                 (func $wrap (param i32) (result i32) (call $helper (local.get 0)))
                 (func (export "run") (param i32) (result i32) {callers_of_wrap}))"#,
            work(helper)
        )
    }

    #[test]
    fn big_callee_of_small_called_caller_stays_out() {
        let called = "(call $wrap (local.get 0))";
        assert_eq!(out_of_line(&module(100, called)), vec![0]);
        // Small enough for LLVM's own judgement.
        assert_eq!(out_of_line(&module(20, called)), Vec::<u32>::new());
    }

    #[test]
    fn caller_reached_only_through_a_table_keeps_its_callee() {
        let wat = format!(
            r#"(module
                 (table 1 funcref) (elem (i32.const 0) func $wrap)
                 (func $helper (param i32) (result i32) {} (local.get 0))
                 (func $wrap (param i32) (result i32) (call $helper (local.get 0))))"#,
            work(100)
        );
        assert_eq!(out_of_line(&wat), Vec::<u32>::new());
    }

    #[test]
    fn callees_with_several_callers_or_exported_are_left_to_llvm() {
        let twice = "(i32.add (call $wrap (local.get 0)) (call $helper (local.get 0)))";
        assert_eq!(out_of_line(&module(100, twice)), Vec::<u32>::new());
        let exported = module(100, "(call $wrap (local.get 0))")
            .replace("(func $helper", "(func $helper (export \"h\")");
        assert_eq!(out_of_line(&exported), Vec::<u32>::new());
    }

    #[test]
    fn a_cycle_of_single_callers_ends() {
        // $a and $b call only each other: unreachable, but compiled.
        let wat = format!(
            r#"(module
                 (func $a (param i32) (result i32) (call $b (local.get 0)))
                 (func $b (param i32) (result i32) {} (call $a (local.get 0))))"#,
            work(100)
        );
        assert_eq!(out_of_line(&wat), vec![1]);
    }
}
