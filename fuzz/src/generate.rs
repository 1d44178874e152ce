//! Random valid modules, restricted to what kiln compiles: Wasm 2.0 without
//! SIMD (bulk memory, reference types, multi-value, sign extension,
//! saturating conversions), one memory, no imports. Every loop and call
//! burns fuel, so each module terminates in both engines; NaNs are made
//! canonical before they can reach memory, where their bits would compare.

use arbitrary::Unstructured;

/// Fuel a module's loops and calls share over the whole scenario.
const FUEL: u32 = 2_000;

pub fn smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        tail_call_enabled: false,
        memory64_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        max_imports: 0,
        max_memories: 1,
        max_memory32_bytes: 4 << 16,
        memory_max_size_required: true,
        max_tables: 2,
        max_table_elements: 64,
        table_max_size_required: true,
        min_funcs: 2,
        max_funcs: 12,
        min_memories: 1,
        min_types: 1,
        max_instructions: 400,
        export_everything: true,
        canonicalize_nans: true,
        allow_start_export: true,
        ..wasm_smith::Config::default()
    }
}

/// The module of `data` (libFuzzer's input, or a seed's bytes).
pub fn module_from_bytes(data: &[u8]) -> Option<Vec<u8>> {
    let mut u = Unstructured::new(data);
    let mut m = wasm_smith::Module::new(smith_config(), &mut u).ok()?;
    m.ensure_termination(FUEL).ok()?;
    Some(m.to_bytes())
}

/// The module of a seed: the same seed gives the same module.
pub fn module_from_seed(seed: u64) -> Option<Vec<u8>> {
    module_from_bytes(&seed_bytes(seed, 16 << 10))
}

/// `len` bytes from SplitMix64 started at `seed`.
pub fn seed_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}
