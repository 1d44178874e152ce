//! What a compile is asked to do.

/// How linear-memory accesses are kept inside the sandbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BoundsChecks {
    /// No check: a 4 GiB reservation plus guard region catches every stray access.
    #[default]
    GuardPages,
    /// Compare every access against the memory's current length.
    Explicit,
}

/// Bytes of wasm code optimized fully at -O1 and -O2 (see `plan`).
pub const DEFAULT_OPT_BUDGET: u64 = 4 << 20;

#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// LLVM target triple; `None` for the host.
    pub target: Option<String>,
    /// CPU name; `None` for a portable baseline, `"native"` for this machine.
    pub cpu: Option<String>,
    /// 0 to 3, as clang's `-O`.
    pub opt_level: u8,
    pub bounds_checks: BoundsChecks,
    /// Under guard pages, keep every access that may fault in order with
    /// what is observable around it (README: "Precise traps"). Off, LLVM
    /// may delete an access whose value is unused or move it past a store,
    /// a call or another trap, as wasm2c's and wamrc's code does.
    pub precise_traps: bool,
    /// Every function entry and loop iteration consumes a unit of the
    /// store's fuel, and traps when none is left (`--fuel`).
    pub consume_fuel: bool,
    /// Every function entry and loop iteration reads the store's interrupt
    /// flag, and traps when it is set (`--timeout`).
    pub interruptible: bool,
    /// Prefix of every symbol the object defines.
    pub prefix: String,
    /// Proposals accepted by validation.
    pub features: wasmparser::WasmFeatures,
    /// Codegen threads; 0 for the available cores.
    pub jobs: usize,
    /// Wasm code bytes that get the full pipeline of `opt_level` when a
    /// module has more; the largest functions beyond it are compiled fast
    /// (see `plan`). `None`: no limit.
    pub opt_budget: Option<u64>,
    /// Program settings an executable built from this object starts with
    /// (see `kiln_abi::descriptor`).
    pub program: Option<String>,
    /// Components: calls between core instances stay calls through the
    /// importer's funcref, as between separately compiled modules, rather
    /// than direct calls (`--keep-boundaries`, for comparison).
    pub keep_boundaries: bool,
    /// Imported functions whose definition the component being compiled
    /// fixes: function index → the symbol of the function every
    /// instantiation binds the import to, called directly. Set by the
    /// component compiler for each of its modules.
    pub known_imports: std::sync::Arc<std::collections::BTreeMap<u32, String>>,
    /// The symbols of this module's functions that other modules of the
    /// component call directly: the small ones are offered for inlining
    /// (`backend::across`).
    pub offered: std::sync::Arc<Vec<String>>,
    /// What the modules this one calls directly offered, linked into the
    /// units that call it.
    pub inlinable: std::sync::Arc<Vec<crate::backend::across::Bodies>>,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            target: None,
            cpu: None,
            opt_level: 2,
            bounds_checks: BoundsChecks::GuardPages,
            precise_traps: true,
            consume_fuel: false,
            interruptible: false,
            prefix: kiln_abi::symbols::DEFAULT_PREFIX.to_string(),
            features: wasmparser::WasmFeatures::default(),
            jobs: 0,
            opt_budget: Some(DEFAULT_OPT_BUDGET),
            program: None,
            keep_boundaries: false,
            known_imports: Default::default(),
            offered: Default::default(),
            inlinable: Default::default(),
        }
    }
}

impl CompileOptions {
    /// Everything in these options that the compiled code depends on, as
    /// one line (the run cache's key): every field but `jobs`, whose choice
    /// never changes the output.
    pub fn fingerprint(&self) -> String {
        let CompileOptions {
            target,
            cpu,
            opt_level,
            bounds_checks,
            precise_traps,
            consume_fuel,
            interruptible,
            prefix,
            features,
            jobs: _,
            opt_budget,
            program,
            keep_boundaries,
            // Derived from the component compiled, which the key holds.
            known_imports: _,
            offered: _,
            inlinable: _,
        } = self;
        format!(
            "target={target:?} cpu={cpu:?} O{opt_level} bounds={bounds_checks:?} \
             precise={precise_traps} fuel={consume_fuel} interrupt={interruptible} \
             prefix={prefix} features={:#x} budget={opt_budget:?} program={program:?} \
             boundaries={keep_boundaries} abi={}",
            features.bits(),
            kiln_abi::ABI_VERSION
        )
    }

    /// Threads to compile on: `jobs`, or one per available core.
    pub(crate) fn threads(&self) -> usize {
        match self.jobs {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }
}
