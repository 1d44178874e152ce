//! How to find a wasm function's caller at any instruction: the unwind
//! table that the compiler distils from the call-frame information (CFI)
//! LLVM emits, and that the runtime follows for trap backtraces.
//!
//! On x86-64 only functions that call nothing keep a frame pointer (see
//! `kiln_compiler::frames`); the others use rbp as one more register, so
//! a backtrace cannot follow frame records and reads this table instead.
//!
//! Layout (little endian), one entry per compiled wasm function:
//! `func_index: u32, code_len: u32, rows: u32`, then `rows` rows of
//! `start: u32, cfa_base: u8, cfa_offset: i32, saved_fp: i32`
//! (see [`Row`]), sorted by `start`, the first at 0.

/// The register a frame's canonical frame address (CFA: the stack pointer
/// just before the call that entered the function) is an offset from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CfaBase {
    StackPointer = 0,
    FramePointer = 1,
    /// Some other register: a backtrace stops at such a frame.
    Unknown = 2,
}

/// From `start` (a byte offset into the function) up to the next row's:
/// CFA = `cfa_base + cfa_offset`; the return address is at CFA - 8; the
/// caller's frame pointer is saved at CFA + `saved_fp`, or is still in the
/// frame-pointer register when `saved_fp` is [`FP_NOT_SAVED`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub start: u32,
    pub cfa_base: CfaBase,
    pub cfa_offset: i32,
    pub saved_fp: i32,
}

pub const FP_NOT_SAVED: i32 = i32::MIN;

/// One function's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub func_index: u32,
    pub code_len: u32,
}

const ENTRY_BYTES: usize = 12;
const ROW_BYTES: usize = 13;

/// Append one function's entry to `out`.
#[cfg(feature = "alloc")]
pub fn encode(out: &mut alloc::vec::Vec<u8>, entry: Entry, rows: &[Row]) {
    out.extend_from_slice(&entry.func_index.to_le_bytes());
    out.extend_from_slice(&entry.code_len.to_le_bytes());
    out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    for r in rows {
        out.extend_from_slice(&r.start.to_le_bytes());
        out.push(r.cfa_base as u8);
        out.extend_from_slice(&r.cfa_offset.to_le_bytes());
        out.extend_from_slice(&r.saved_fp.to_le_bytes());
    }
}

/// Call `f` with each function's entry and rows; `None` if `table` is
/// malformed.
pub fn decode(
    mut table: &[u8],
    mut f: impl FnMut(Entry, &mut dyn Iterator<Item = Row>),
) -> Option<()> {
    let u32_at = |b: &[u8], i: usize| Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?));
    while !table.is_empty() {
        let entry = Entry {
            func_index: u32_at(table, 0)?,
            code_len: u32_at(table, 4)?,
        };
        let n = u32_at(table, 8)? as usize;
        let end = ENTRY_BYTES.checked_add(n.checked_mul(ROW_BYTES)?)?;
        let rows = table.get(ENTRY_BYTES..end)?;
        let mut bad = false;
        let mut iter = rows.chunks_exact(ROW_BYTES).map_while(|r| {
            let cfa_base = match r[4] {
                0 => CfaBase::StackPointer,
                1 => CfaBase::FramePointer,
                2 => CfaBase::Unknown,
                _ => {
                    bad = true;
                    return None;
                }
            };
            Some(Row {
                start: u32_at(r, 0)?,
                cfa_base,
                cfa_offset: u32_at(r, 5)? as i32,
                saved_fp: u32_at(r, 9)? as i32,
            })
        });
        f(entry, &mut iter);
        drop(iter);
        if bad {
            return None;
        }
        table = &table[end..];
    }
    Some(())
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn entries_read_back_as_written() {
        let rows = [
            Row {
                start: 0,
                cfa_base: CfaBase::StackPointer,
                cfa_offset: 8,
                saved_fp: FP_NOT_SAVED,
            },
            Row {
                start: 1,
                cfa_base: CfaBase::StackPointer,
                cfa_offset: 16,
                saved_fp: -16,
            },
            Row {
                start: 4,
                cfa_base: CfaBase::FramePointer,
                cfa_offset: 16,
                saved_fp: -16,
            },
        ];
        let mut table = Vec::new();
        encode(
            &mut table,
            Entry {
                func_index: 7,
                code_len: 40,
            },
            &rows,
        );
        encode(
            &mut table,
            Entry {
                func_index: 9,
                code_len: 3,
            },
            &rows[..1],
        );
        let mut seen = Vec::new();
        decode(&table, |e, r| seen.push((e, r.collect::<Vec<_>>()))).unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            seen[0],
            (
                Entry {
                    func_index: 7,
                    code_len: 40
                },
                rows.to_vec()
            )
        );
        assert_eq!(
            seen[1],
            (
                Entry {
                    func_index: 9,
                    code_len: 3
                },
                rows[..1].to_vec()
            )
        );
        // Cut short, or with an unknown base register: malformed.
        assert!(decode(&table[..table.len() - 1], |_, r| r.for_each(drop)).is_none());
        table[12 + 4] = 9;
        assert!(decode(&table, |_, r| r.for_each(drop)).is_none());
    }
}
