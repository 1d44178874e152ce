//! Which `local.get`s read an address that a load further on will use,
//! with nothing observable in between: `addr_facts`, looking ahead.
//!
//! `addr_facts` marks `p + k` non-wrapping once an access has used `p`.
//! clang's wasm code often computes `p + k` before it touches `p` itself:
//! a function that reads the fields of a struct reads `p + 4`, `p + 8`, …
//! first and `p` (at offset 0) last. The same reasoning holds there too,
//! provided the load at `p` is sure to come and nothing between is
//! observable. If `p + k` wraps, `p` is within `k` of 4 GiB, so the load at
//! `p` traps as out of bounds. Computing `p + k` without the wrap only moves
//! that trap earlier, to the access at `p + k`, which then lands in the
//! guard region or fails its bounds check: the same trap, in the same
//! function, with nothing different done before it.
//!
//! "Nothing observable in between" is checked over a straight-line run of
//! quiet operators: arithmetic that cannot trap, locals, constants, and
//! loads (a load can only trap as out of bounds, the same trap). A store,
//! a call, a branch, a block boundary, a trapping division or conversion
//! or any other operator ends the run: before it, nothing is known about
//! what comes after.

use crate::error::Result;
use crate::module::ModuleInfo;
use std::collections::HashSet;
use wasmparser::{FunctionBody, MemArg, Operator as O};

/// Positions (in operator order) of the `local.get`s whose value a load
/// from a memory below 4 GiB uses as its address later in the same quiet
/// run, with the local unchanged until then.
pub fn reads_accessed_ahead(
    body: &FunctionBody<'_>,
    info: &ModuleInfo<'_>,
) -> Result<HashSet<usize>> {
    let mut ops = Vec::new();
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        ops.push(reader.read()?);
    }
    // Walk backwards: `ahead` holds the locals whose current value a load
    // uses before the run ends.
    let mut ahead: HashSet<u32> = HashSet::new();
    let mut marked = HashSet::new();
    for (i, op) in ops.iter().enumerate().rev() {
        match op {
            O::LocalGet { local_index } => {
                if ahead.contains(local_index) {
                    marked.insert(i);
                }
            }
            O::LocalSet { local_index } | O::LocalTee { local_index } => {
                ahead.remove(local_index);
            }
            _ => {
                if let Some(memarg) = plain_load(op) {
                    let address_from_local = match i.checked_sub(1).map(|j| &ops[j]) {
                        Some(O::LocalGet { local_index }) => Some(*local_index),
                        _ => None,
                    };
                    if let Some(local) = address_from_local {
                        if info.memory_stays_below_4gib(
                            crate::translate::lower::memory::memory_index(memarg),
                        ) {
                            ahead.insert(local);
                        }
                    }
                } else if !is_quiet(op) {
                    ahead.clear();
                }
            }
        }
    }
    Ok(marked)
}

/// The memarg of a non-atomic scalar load.
fn plain_load<'o>(op: &'o O) -> Option<&'o MemArg> {
    match op {
        O::I32Load { memarg }
        | O::I64Load { memarg }
        | O::F32Load { memarg }
        | O::F64Load { memarg }
        | O::I32Load8S { memarg }
        | O::I32Load8U { memarg }
        | O::I32Load16S { memarg }
        | O::I32Load16U { memarg }
        | O::I64Load8S { memarg }
        | O::I64Load8U { memarg }
        | O::I64Load16S { memarg }
        | O::I64Load16U { memarg }
        | O::I64Load32S { memarg }
        | O::I64Load32U { memarg } => Some(memarg),
        _ => None,
    }
}

/// Operators that cannot trap, branch or change anything a trap leaves
/// behind. Integer division and remainder and the trapping float-to-int
/// conversions are not quiet: their trap would be a different one.
fn is_quiet(op: &O) -> bool {
    matches!(
        op,
        O::Nop
            | O::Drop
            | O::Select
            | O::TypedSelect { .. }
            | O::GlobalGet { .. }
            | O::MemorySize { .. }
            | O::I32Const { .. }
            | O::I64Const { .. }
            | O::F32Const { .. }
            | O::F64Const { .. }
            | O::I32Eqz
            | O::I32Eq
            | O::I32Ne
            | O::I32LtS
            | O::I32LtU
            | O::I32GtS
            | O::I32GtU
            | O::I32LeS
            | O::I32LeU
            | O::I32GeS
            | O::I32GeU
            | O::I64Eqz
            | O::I64Eq
            | O::I64Ne
            | O::I64LtS
            | O::I64LtU
            | O::I64GtS
            | O::I64GtU
            | O::I64LeS
            | O::I64LeU
            | O::I64GeS
            | O::I64GeU
            | O::F32Eq
            | O::F32Ne
            | O::F32Lt
            | O::F32Gt
            | O::F32Le
            | O::F32Ge
            | O::F64Eq
            | O::F64Ne
            | O::F64Lt
            | O::F64Gt
            | O::F64Le
            | O::F64Ge
            | O::I32Clz
            | O::I32Ctz
            | O::I32Popcnt
            | O::I32Add
            | O::I32Sub
            | O::I32Mul
            | O::I32And
            | O::I32Or
            | O::I32Xor
            | O::I32Shl
            | O::I32ShrS
            | O::I32ShrU
            | O::I32Rotl
            | O::I32Rotr
            | O::I64Clz
            | O::I64Ctz
            | O::I64Popcnt
            | O::I64Add
            | O::I64Sub
            | O::I64Mul
            | O::I64And
            | O::I64Or
            | O::I64Xor
            | O::I64Shl
            | O::I64ShrS
            | O::I64ShrU
            | O::I64Rotl
            | O::I64Rotr
            | O::F32Abs
            | O::F32Neg
            | O::F32Ceil
            | O::F32Floor
            | O::F32Trunc
            | O::F32Nearest
            | O::F32Sqrt
            | O::F32Add
            | O::F32Sub
            | O::F32Mul
            | O::F32Div
            | O::F32Min
            | O::F32Max
            | O::F32Copysign
            | O::F64Abs
            | O::F64Neg
            | O::F64Ceil
            | O::F64Floor
            | O::F64Trunc
            | O::F64Nearest
            | O::F64Sqrt
            | O::F64Add
            | O::F64Sub
            | O::F64Mul
            | O::F64Div
            | O::F64Min
            | O::F64Max
            | O::F64Copysign
            | O::I32WrapI64
            | O::I64ExtendI32S
            | O::I64ExtendI32U
            | O::I32Extend8S
            | O::I32Extend16S
            | O::I64Extend8S
            | O::I64Extend16S
            | O::I64Extend32S
            | O::F32ConvertI32S
            | O::F32ConvertI32U
            | O::F32ConvertI64S
            | O::F32ConvertI64U
            | O::F64ConvertI32S
            | O::F64ConvertI32U
            | O::F64ConvertI64S
            | O::F64ConvertI64U
            | O::F32DemoteF64
            | O::F64PromoteF32
            | O::I32ReinterpretF32
            | O::I64ReinterpretF64
            | O::F32ReinterpretI32
            | O::F64ReinterpretI64
            | O::I32TruncSatF32S
            | O::I32TruncSatF32U
            | O::I32TruncSatF64S
            | O::I32TruncSatF64U
            | O::I64TruncSatF32S
            | O::I64TruncSatF32U
            | O::I64TruncSatF64S
            | O::I64TruncSatF64U
    )
}
