//! Frame pointers, and the unwind table that replaces them.
//!
//! A frame pointer costs a function three instructions and a register:
//! in the recursion benchmark, dropping it from functions that call made
//! them 23% faster, as wasm2c's code through clang (which keeps none) is.
//! Trap backtraces then cannot follow frame records. Instead, every
//! function gets exact call-frame information (`uwtable` async), and after
//! codegen [`unwind_table`] reads it from the unit's object into the
//! compact table the runtime follows (`kiln_abi::unwind`).
//!
//! Leaves have none either. While `call_indirect` loaded its target from
//! a code array, one-instruction callees without a frame pointer ran the
//! dispatch benchmark 1.30x slower on AMD's Zen 4, so leaves kept theirs;
//! since frozen tables call through jump tables (`call_targets`), dropping it
//! makes dispatch 0.81x the time, and no other benchmark's hot code
//! changes.
//!
//! Only x86-64 does this; elsewhere every function keeps its frame
//! pointer and the runtime follows frame records.

use crate::error::{CompileError, Result};
use crate::llvm::unit::UnitCx;
use gimli::{CfaRule, RegisterRule, UnwindSection};
use inkwell::attributes::{Attribute, AttributeLoc};
use kiln_abi::unwind::{self, CfaBase, Entry, Row, FP_NOT_SAVED};
use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget};
use std::collections::HashMap;

/// After optimization, on x86_64: no function of the unit keeps a frame
/// pointer, and all get exact unwind information.
pub fn choose(u: &UnitCx) {
    if !u.target.omits_frame_pointers() {
        return;
    }
    let uwtable = Attribute::get_named_enum_kind_id("uwtable");
    for func in u.module.get_functions() {
        if func.get_first_basic_block().is_none() {
            continue;
        }
        // 2: asynchronous tables, exact at every instruction (a trap or
        // fault can stop a function anywhere).
        func.add_attribute(
            AttributeLoc::Function,
            u.cx.create_enum_attribute(uwtable, 2),
        );
        func.remove_string_attribute(AttributeLoc::Function, "frame-pointer");
        func.add_attribute(
            AttributeLoc::Function,
            u.cx.create_string_attribute("frame-pointer", "none"),
        );
    }
}

/// The unwind table of every wasm function in a unit's x86-64 ELF object,
/// from its `.eh_frame`: one entry per function, in `kiln_abi::unwind`'s
/// layout. Only functions named `{prefix}_f{index}` are wasm functions;
/// others are left out and a backtrace ends at them (code units have none
/// today: trap stubs and trampolines live in the metadata unit).
pub fn unwind_table(object_bytes: &[u8], prefix: &str, out: &mut Vec<u8>) -> Result<()> {
    let bad = |what: String| CompileError::Unwind(what);
    let file = object::File::parse(object_bytes).map_err(|e| bad(e.to_string()))?;
    let Some(eh_frame) = file.section_by_name(".eh_frame") else {
        return Ok(());
    };
    let data = eh_frame.data().map_err(|e| bad(e.to_string()))?;
    // Where each FDE's start address points: relocations against a symbol
    // (a section's or a function's) plus an addend.
    let relocations: HashMap<u64, (object::SymbolIndex, i64)> = eh_frame
        .relocations()
        .filter_map(|(at, r)| match r.target() {
            RelocationTarget::Symbol(s) => Some((at, (s, r.addend()))),
            _ => None,
        })
        .collect();
    let wasm_prefix = format!("{prefix}_f");
    let mut functions: HashMap<(object::SectionIndex, u64), u32> = HashMap::new();
    for sym in file.symbols() {
        let (Ok(name), Some(section)) = (sym.name(), sym.section_index()) else {
            continue;
        };
        if let Some(index) = name.strip_prefix(&wasm_prefix).and_then(|n| n.parse().ok()) {
            functions.insert((section, sym.address()), index);
        }
    }
    let eh = gimli::EhFrame::new(data, gimli::LittleEndian);
    let bases = gimli::BaseAddresses::default().set_eh_frame(0);
    let mut ctx = gimli::UnwindContext::new();
    let mut entries = eh.entries(&bases);
    while let Some(entry) = entries.next().map_err(|e| bad(e.to_string()))? {
        let gimli::CieOrFde::Fde(partial) = entry else {
            continue;
        };
        let fde = partial
            .parse(gimli::EhFrame::cie_from_offset)
            .map_err(|e| bad(e.to_string()))?;
        // The start address field follows the length and CIE pointer.
        let field = fde.offset() as u64 + 8;
        let Some(&(sym, addend)) = relocations.get(&field) else {
            return Err(bad(format!(
                "no relocation for the FDE at {:#x}",
                fde.offset()
            )));
        };
        let sym = file.symbol_by_index(sym).map_err(|e| bad(e.to_string()))?;
        let Some(section) = sym.section_index() else {
            continue;
        };
        let start = sym.address().wrapping_add(addend as u64);
        let Some(&func_index) = functions.get(&(section, start)) else {
            continue;
        };
        let mut rows = Vec::new();
        let mut table = fde
            .rows(&eh, &bases, &mut ctx)
            .map_err(|e| bad(e.to_string()))?;
        while let Some(row) = table.next_row().map_err(|e| bad(e.to_string()))? {
            rows.push(distil(row, fde.initial_address(), func_index)?);
        }
        unwind::encode(
            out,
            Entry {
                func_index,
                code_len: fde.len() as u32,
            },
            &rows,
        );
    }
    Ok(())
}

/// One CFI row as the runtime needs it: where the CFA is, and where the
/// caller's rbp went.
fn distil(row: &gimli::UnwindTableRow<usize>, function_start: u64, func_index: u32) -> Result<Row> {
    use gimli::X86_64;
    let unexpected = |what: &str| {
        CompileError::Unwind(format!(
            "function {func_index}: unexpected call-frame rule: {what}"
        ))
    };
    let (cfa_base, cfa_offset) = match row.cfa() {
        CfaRule::RegisterAndOffset { register, offset } => {
            let base = match *register {
                X86_64::RSP => CfaBase::StackPointer,
                X86_64::RBP => CfaBase::FramePointer,
                // Stack probing loops for frames over a page keep the
                // CFA in a scratch register for a few instructions; a
                // backtrace stops there (only a stack overflow can).
                _ => CfaBase::Unknown,
            };
            (base, *offset as i32)
        }
        CfaRule::Expression(_) => (CfaBase::Unknown, 0),
    };
    let saved_fp = match row.register(X86_64::RBP) {
        None | Some(RegisterRule::Undefined | RegisterRule::SameValue) => FP_NOT_SAVED,
        Some(RegisterRule::Offset(k)) => k as i32,
        Some(other) => return Err(unexpected(&format!("rbp {other:?}"))),
    };
    Ok(Row {
        start: (row.start_address() - function_start) as u32,
        cfa_base,
        cfa_offset,
        saved_fp,
    })
}
