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
//!
//! The table a module carries has an index in front ([`indexed`]): the
//! number of defined functions as a little-endian u32, then for each the
//! byte offset of its entry among the entries (or [`NO_ENTRY`]), so that
//! a backtrace reads one function's rows where it stands, allocating
//! nothing, and loading a module reads nothing of the table but its
//! length.

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

/// In the index: a defined function without an entry.
pub const NO_ENTRY: u32 = u32::MAX;

/// `entries` (concatenated entries, as [`encode`] writes them) with the
/// index in front, for a module whose defined functions are numbered from
/// `first_defined`, `defined` of them; `None` if an entry is malformed or
/// names a function the module does not define.
#[cfg(feature = "alloc")]
pub fn indexed(entries: &[u8], first_defined: u32, defined: u32) -> Option<alloc::vec::Vec<u8>> {
    let mut offsets = alloc::vec![NO_ENTRY; defined as usize];
    let mut r = Reader(entries);
    while !r.0.is_empty() {
        let at = u32::try_from(entries.len() - r.0.len()).ok()?;
        let func = r.unsigned()?.checked_sub(first_defined)?;
        *offsets.get_mut(func as usize)? = at;
        r.unsigned()?;
        let mut start = 0;
        for _ in 0..r.unsigned()? {
            start = r.row(start)?.start;
        }
    }
    let mut out = alloc::vec::Vec::with_capacity(4 + offsets.len() * 4 + entries.len());
    out.extend_from_slice(&defined.to_le_bytes());
    for o in offsets {
        out.extend_from_slice(&o.to_le_bytes());
    }
    out.extend_from_slice(entries);
    Some(out)
}

/// A table with its index, read in place.
#[derive(Clone, Copy, Debug)]
pub struct Indexed<'a> {
    offsets: &'a [u8],
    entries: &'a [u8],
}

impl<'a> Indexed<'a> {
    /// `table`, if its index covers exactly `defined` functions.
    pub fn new(table: &'a [u8], defined: u32) -> Option<Indexed<'a>> {
        let count = u32::from_le_bytes(table.get(..4)?.try_into().ok()?);
        if count != defined {
            return None;
        }
        let end = 4 + 4 * defined as usize;
        Some(Indexed {
            offsets: table.get(4..end)?,
            entries: table.get(end..)?,
        })
    }

    /// The row in force `offset` bytes into defined function number
    /// `defined`; `None` past its code, where it has no entry, or if the
    /// entry is malformed.
    pub fn row(&self, defined: u32, offset: u32) -> Option<Row> {
        let i = 4 * defined as usize;
        let at = u32::from_le_bytes(self.offsets.get(i..i + 4)?.try_into().ok()?);
        if at == NO_ENTRY {
            return None;
        }
        let mut r = Reader(self.entries.get(at as usize..)?);
        r.unsigned()?;
        if offset >= r.unsigned()? {
            return None;
        }
        let mut found = None;
        let mut start = 0;
        for _ in 0..r.unsigned()? {
            let row = r.row(start)?;
            if row.start > offset {
                break;
            }
            start = row.start;
            found = Some(row);
        }
        found
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn an_indexed_table_finds_each_functions_row_in_place() {
        let row = |start, cfa_offset| Row {
            start,
            cfa_base: CfaBase::StackPointer,
            cfa_offset,
            saved_fp: FP_NOT_SAVED,
        };
        let mut entries = Vec::new();
        // Functions 3 and 5 of a module importing 2 and defining 4.
        let f = Entry {
            func_index: 5,
            code_len: 20,
        };
        encode(&mut entries, f, &[row(0, 8), row(1, 16), row(10, 8)]);
        let g = Entry {
            func_index: 3,
            code_len: 4,
        };
        encode(&mut entries, g, &[row(0, 8)]);
        let table = indexed(&entries, 2, 4).unwrap();
        let t = Indexed::new(&table, 4).unwrap();
        assert_eq!(t.row(3, 0), Some(row(0, 8)));
        assert_eq!(t.row(3, 9), Some(row(1, 16)));
        assert_eq!(t.row(3, 10), Some(row(10, 8)));
        assert_eq!(t.row(3, 20), None, "past the code");
        assert_eq!(t.row(1, 3), Some(row(0, 8)));
        assert_eq!(t.row(0, 0), None, "no entry");
        assert_eq!(t.row(4, 0), None, "no such function");
        assert!(Indexed::new(&table, 3).is_none());
        // An entry for a function the module does not define.
        assert!(indexed(&entries, 2, 3).is_none());
    }

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
                code_len: 2000,
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
        // Functions 7 and 9 of a module importing 5 and defining 5.
        let indexed_table = indexed(&table, 5, 5).unwrap();
        let t = Indexed::new(&indexed_table, 5).unwrap();
        for r in &rows {
            assert_eq!(t.row(2, r.start), Some(*r));
        }
        assert_eq!(t.row(2, 999), Some(rows[2]));
        assert_eq!(t.row(4, 2), Some(rows[0]));
        // Cut short, or with an unknown base register: malformed.
        assert!(indexed(&table[..table.len() - 1], 5, 5).is_none());
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
        assert!(indexed(&bad, 1, 1).is_none());
    }
}
