//! How to find a wasm function's caller at any instruction: the unwind
//! table that the compiler distils from the call-frame information (CFI)
//! LLVM emits, and that the runtime follows for trap backtraces.
//!
//! On x86-64 only functions that call nothing keep a frame pointer (see
//! `kiln_compiler::frames`); the others use rbp as one more register, so
//! a backtrace cannot follow frame records and reads this table instead.
//!
//! Layout, in LEB128 numbers, one entry per compiled wasm function:
//! `func_index, code_len, rows` (unsigned), then `rows` rows (see [`Row`])
//! sorted by `start`, the first at 0, each as `start` minus the previous
//! row's (unsigned), `cfa_offset * 4 + cfa_base` (signed) and `saved_fp`
//! (signed, 0 for [`FP_NOT_SAVED`]): about four bytes a row.

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

/// Append `v` to `out` as unsigned LEB128 (as wasm writes its numbers).
#[cfg(feature = "alloc")]
pub fn write_unsigned(out: &mut alloc::vec::Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Append one function's entry to `out`.
#[cfg(feature = "alloc")]
pub fn encode(out: &mut alloc::vec::Vec<u8>, entry: Entry, rows: &[Row]) {
    let unsigned = |v: u64, out: &mut alloc::vec::Vec<u8>| write_unsigned(out, v);
    let signed = |mut v: i64, out: &mut alloc::vec::Vec<u8>| loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0) {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    };
    unsigned(entry.func_index.into(), out);
    unsigned(entry.code_len.into(), out);
    unsigned(rows.len() as u64, out);
    let mut at = 0;
    for r in rows {
        unsigned((r.start - at).into(), out);
        at = r.start;
        signed(i64::from(r.cfa_offset) * 4 + r.cfa_base as i64, out);
        let fp = if r.saved_fp == FP_NOT_SAVED {
            0
        } else {
            r.saved_fp
        };
        signed(fp.into(), out);
    }
}

/// Reads LEB128 numbers off the front of a table.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn number(&mut self) -> Option<(u64, u32)> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let (&byte, rest) = self.0.split_first()?;
            self.0 = rest;
            if shift > 63 {
                return None;
            }
            v |= u64::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                return Some((v, shift));
            }
        }
    }

    fn unsigned(&mut self) -> Option<u32> {
        u32::try_from(self.number()?.0).ok()
    }

    fn signed(&mut self) -> Option<i64> {
        let (v, shift) = self.number()?;
        let sign_bit = 1u64 << (shift - 1).min(63);
        Some(if shift < 64 && v & sign_bit != 0 {
            (v | !0u64 << shift) as i64
        } else {
            v as i64
        })
    }

    fn row(&mut self, previous: u32) -> Option<Row> {
        let start = previous.checked_add(self.unsigned()?)?;
        let cfa = self.signed()?;
        let cfa_base = match cfa & 3 {
            0 => CfaBase::StackPointer,
            1 => CfaBase::FramePointer,
            2 => CfaBase::Unknown,
            _ => return None,
        };
        let fp = i32::try_from(self.signed()?).ok()?;
        Some(Row {
            start,
            cfa_base,
            cfa_offset: i32::try_from(cfa >> 2).ok()?,
            saved_fp: if fp == 0 { FP_NOT_SAVED } else { fp },
        })
    }
}

/// Call `f` with each function's entry and rows; `None` if `table` is
/// malformed.
pub fn decode(table: &[u8], mut f: impl FnMut(Entry, &mut dyn Iterator<Item = Row>)) -> Option<()> {
    let mut r = Reader(table);
    while !r.0.is_empty() {
        let entry = Entry {
            func_index: r.unsigned()?,
            code_len: r.unsigned()?,
        };
        let n = r.unsigned()?;
        let mut bad = false;
        let mut at = 0;
        let mut read = 0;
        let mut rows = core::iter::from_fn(|| {
            if read == n || bad {
                return None;
            }
            read += 1;
            let row = r.row(at);
            bad = row.is_none();
            at = row?.start;
            row
        });
        f(entry, &mut rows);
        // Rows the caller did not take are read (and checked) all the same.
        rows.for_each(drop);
        if bad {
            return None;
        }
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
            Row {
                start: 1000,
                cfa_base: CfaBase::StackPointer,
                cfa_offset: 70_000,
                saved_fp: -70_000,
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
        let mut bad = Vec::new();
        encode(
            &mut bad,
            Entry {
                func_index: 1,
                code_len: 1,
            },
            &rows[..1],
        );
        bad[4] = 0x13; // cfa_offset 4, base 3: no such register
        assert!(decode(&bad, |_, r| r.for_each(drop)).is_none());
    }
}
