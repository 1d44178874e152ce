//! Which functions can be private to their codegen unit.
//!
//! A defined function that nothing outside the module can reach (not
//! exported, not the start function, never made a reference by `ref.func`
//! or an element segment) and that is called directly only from its own
//! unit gets internal linkage there. LLVM then treats it as C's `static`:
//! a function with one caller is inlined whatever its size, unused
//! arguments go, calling conventions may change. wasm2c's output gets this
//! for free from clang, since it is one C file of static functions; without
//! it, hashbrown's `rustc_entry` stayed a call in a Rust word count (1.35x
//! native).
//!
//! The runtime still wants every function's address, for backtraces: after
//! optimization, what is left of a local function is made a hidden global
//! symbol again (`export_survivors`), and the metadata unit refers to local
//! functions weakly, so one that was inlined everywhere and deleted reads
//! as a null address.

use crate::analysis::plan::Unit;
use crate::analysis::scan::FunctionFacts;
use crate::module::ModuleInfo;
use kiln_abi::module::{ElemItem, ExportKind};

/// `local[f]` for every function index (imports are never local).
pub fn functions(info: &ModuleInfo, facts: &[FunctionFacts], units: &[Unit]) -> Vec<bool> {
    let imported = info.num_imported_funcs as usize;
    let mut unit_of = vec![usize::MAX; info.funcs.len()];
    for (n, unit) in units.iter().enumerate() {
        for &b in &unit.bodies {
            unit_of[imported + b] = n;
        }
    }
    let mut local: Vec<bool> = (0..info.funcs.len()).map(|f| f >= imported).collect();
    let mut escapes = |f: u32| {
        if let Some(l) = local.get_mut(f as usize) {
            *l = false;
        }
    };
    let d = &info.description;
    for e in &d.exports {
        if e.kind == ExportKind::Func {
            escapes(e.index);
        }
    }
    if let Some(f) = d.start {
        escapes(f);
    }
    for item in d.elems.iter().flat_map(|e| &e.items) {
        match item {
            ElemItem::Func(f) => escapes(*f),
            ElemItem::Null => {}
            ElemItem::Expr(e) => e.functions().for_each(&mut escapes),
        }
    }
    // Initializers of globals and tables, outside the code.
    let inits = d.globals.iter().map(|(_, init)| init);
    let inits = inits.chain(d.tables.iter().filter_map(|(_, init)| init.as_ref()));
    for f in inits.flat_map(|e| e.functions()) {
        escapes(f);
    }
    // Calls across units, and references taken in code.
    for (b, f) in facts.iter().enumerate() {
        let caller_unit = unit_of[imported + b];
        for &callee in &f.callees {
            if unit_of.get(callee as usize) != Some(&caller_unit) {
                escapes(callee);
            }
        }
        for &r in &f.references {
            escapes(r);
        }
    }
    local
}
