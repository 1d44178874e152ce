//! What is known about the module before any code is generated. The module
//! is parsed once (`ModuleInfo::parse`, validating as it goes), each
//! function body is read once (`scan`, validating it and collecting its
//! `FunctionFacts`), and a `ModulePlan` is built from those records: which
//! functions go into which codegen unit, which are private to their unit or
//! stay out of line, which tables never change.

pub mod frozen;
pub mod local;
pub mod out_of_line;
pub mod plan;
pub mod scan;

use crate::error::Result;
use crate::module::ModuleInfo;
use crate::options::CompileOptions;
use frozen::FrozenTables;
use plan::Unit;
use scan::FunctionFacts;
use wasmparser::FuncValidatorAllocations;

/// A valid module kiln compiles, with the facts of each function body.
pub struct Analysis<'a> {
    pub info: ModuleInfo<'a>,
    /// By defined function, in order.
    pub functions: Vec<FunctionFacts>,
}

/// Parse, validate and scan `wasm`, refusing what kiln does not compile;
/// bodies are scanned on `opts.jobs` threads.
pub fn analyze<'a>(wasm: &'a [u8], opts: &CompileOptions) -> Result<Analysis<'a>> {
    let (info, unchecked) = ModuleInfo::parse(wasm, opts.features)?;
    let validators = unchecked.bodies;
    if let Some(refusal) = unchecked.refusal {
        // Valid first: an invalid module is reported as invalid.
        let mut allocations = FuncValidatorAllocations::default();
        for (body, v) in info.bodies.iter().zip(validators) {
            allocations = scan::validate_only(body, v, allocations)?;
        }
        return Err(refusal);
    }
    let count = info.bodies.len();
    let jobs = opts.threads().clamp(1, count.max(1));
    // Contiguous chunks of bodies, one thread each.
    let chunk = count.div_ceil(jobs).max(1);
    let mut chunks = Vec::new();
    let mut rest = validators;
    while !rest.is_empty() {
        let tail = rest.split_off(chunk.min(rest.len()));
        chunks.push(std::mem::replace(&mut rest, tail));
    }
    let module = &info;
    let scan_chunk = |n: usize, validators: Vec<_>| -> Result<Vec<FunctionFacts>> {
        let mut allocations = FuncValidatorAllocations::default();
        let mut facts = Vec::with_capacity(validators.len());
        for (k, v) in validators.into_iter().enumerate() {
            let i = n * chunk + k;
            let (f, a) = scan::function(module, i, &module.bodies[i], v, allocations)?;
            facts.push(f);
            allocations = a;
        }
        Ok(facts)
    };
    let scanned: Vec<Result<Vec<FunctionFacts>>> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .enumerate()
            .map(|(n, c)| s.spawn(move || scan_chunk(n, c)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    // The first failing chunk holds the first invalid body, as a
    // sequential validation would report it.
    let mut functions = Vec::with_capacity(count);
    for facts in scanned {
        functions.extend(facts?);
    }
    Ok(Analysis { info, functions })
}

/// The module-level decisions, made from the function records before any
/// code is generated.
pub struct ModulePlan {
    pub units: Vec<Unit>,
    /// Functions private to their codegen unit (see `local.rs`), by
    /// function index.
    local: Vec<bool>,
    /// The frozen tables (see `frozen.rs`).
    frozen: FrozenTables,
    /// Functions kept out of line at their only call site (see
    /// `out_of_line.rs`), by function index.
    out_of_line: Vec<bool>,
}

impl ModulePlan {
    /// The plan for `units` (see `plan::units`).
    pub fn new(analysis: &Analysis, units: Vec<Unit>) -> ModulePlan {
        let (info, facts) = (&analysis.info, &analysis.functions[..]);
        let local = local::functions(info, facts, &units);
        let frozen = frozen::tables(info, facts);
        let out_of_line = out_of_line::functions(info, facts, &local);
        ModulePlan {
            units,
            local,
            frozen,
            out_of_line,
        }
    }

    /// Whether function `index` is private to its codegen unit.
    pub fn is_local(&self, index: u32) -> bool {
        self.local.get(index as usize).copied().unwrap_or(false)
    }

    /// Whether function `index` stays out of line at its only call site.
    pub fn is_out_of_line(&self, index: u32) -> bool {
        self.out_of_line
            .get(index as usize)
            .copied()
            .unwrap_or(false)
    }

    /// The contents of table `index` if it is frozen (see `frozen.rs`).
    pub fn frozen_table(&self, index: u32) -> Option<&[Option<u32>]> {
        self.frozen.contents.get(index as usize)?.as_deref()
    }

    /// The (table, canonical signature) pairs `call_indirect` uses on
    /// frozen tables: the code arrays to define.
    pub fn frozen_calls(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.frozen.calls.iter().copied()
    }
}
