//! Random valid modules, restricted to what kiln compiles: Wasm 2.0 without
//! SIMD (bulk memory, reference types, multi-value, sign extension,
//! saturating conversions), one memory, no imports. Every loop and call
//! burns fuel, so each module terminates in both engines; NaNs are made
//! canonical before they can reach memory, where their bits would compare.

use arbitrary::Unstructured;
use wasm_encoder::reencode::{Error, Reencode};
use wasmparser::Operator;

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
    canonicalize_conversion_nans(&m.to_bytes())
}

/// wasm-smith's `canonicalize_nans` leaves out `f32.demote_f64` and
/// `f64.promote_f32`, whose NaN results the spec leaves open too (any
/// arithmetic NaN: wasmi keeps the payload, kiln makes it canonical), so
/// their bits would differ between correct engines. Put a canonicalization
/// after each.
fn canonicalize_conversion_nans(wasm: &[u8]) -> Option<Vec<u8>> {
    let params = crate::scenario::function_params(wasm)
        .ok()?
        .iter()
        .map(|p| p.len() as u32)
        .collect();
    let mut module = wasm_encoder::Module::new();
    let mut nans = ConversionNans { params, next: 0 };
    wasm_encoder::reencode::utils::parse_core_module(
        &mut nans,
        &mut module,
        wasmparser::Parser::new(0),
        wasm,
    )
    .ok()?;
    Some(module.finish())
}

/// The reencoder of `canonicalize_conversion_nans`: each body gets two
/// scratch locals (f32, f64) after its own.
struct ConversionNans {
    /// Parameter count of each defined function, in order.
    params: Vec<u32>,
    next: usize,
}

impl Reencode for ConversionNans {
    type Error = std::convert::Infallible;

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), Error<Self::Error>> {
        use wasm_encoder::{Instruction as I, ValType};
        let params = self.params.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        let mut locals = Vec::new();
        let mut count = 0;
        for pair in func.get_locals_reader()? {
            let (n, ty) = pair?;
            count += n;
            locals.push((n, self.val_type(ty)?));
        }
        let (f32_tmp, f64_tmp) = (params + count, params + count + 1);
        locals.extend([(1, ValType::F32), (1, ValType::F64)]);
        let mut f = wasm_encoder::Function::new(locals);
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            let op = reader.read()?;
            // The scratch local, canonical NaN and comparison for the result.
            let canonicalize = match op {
                Operator::F32DemoteF64 => Some((
                    f32_tmp,
                    I::F32Const(f32::from_bits(0x7fc0_0000).into()),
                    I::F32Eq,
                )),
                Operator::F64PromoteF32 => Some((
                    f64_tmp,
                    I::F64Const(f64::from_bits(0x7ff8_0000_0000_0000).into()),
                    I::F64Eq,
                )),
                _ => None,
            };
            f.instruction(&self.instruction(op)?);
            // x = x == x ? x : NaN
            if let Some((tmp, nan, eq)) = canonicalize {
                f.instruction(&I::LocalTee(tmp))
                    .instruction(&nan)
                    .instruction(&I::LocalGet(tmp))
                    .instruction(&I::LocalGet(tmp))
                    .instruction(&eq)
                    .instruction(&I::Select);
            }
        }
        code.function(&f);
        Ok(())
    }
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
