//! Strings between two sides: copied when both use one encoding,
//! transcoded otherwise (UTF-8, UTF-16 and latin1+UTF-16 in any pair),
//! by a loop that decodes one code point from the sender's memory and
//! encodes it into the receiver's. The receiver's buffer is allocated
//! for the worst case, then shrunk with `realloc` to what was written,
//! as the Canonical ABI does.

use super::code::{Loc, Prim};
use super::values::{Dir, Translator};
use kiln_abi::component::{AdapterTrap, StringEncoding};
use wasm_encoder::{BlockType, Instruction as I, ValType};

/// The tag of a latin1+UTF-16 length whose string is UTF-16.
const UTF16_TAG: u32 = 1 << 31;

/// One fixed encoding: what a latin1+UTF-16 string is once its tag is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Utf8,
    Utf16,
    Latin1,
}

impl Unit {
    fn size(self) -> u32 {
        if self == Unit::Utf16 {
            2
        } else {
            1
        }
    }

    /// Most receiver bytes one sender code unit can become.
    fn growth(self, to: Unit) -> u32 {
        match (self, to) {
            (Unit::Utf16, Unit::Utf8) => 3,
            (Unit::Latin1, Unit::Utf8) => 2,
            (_, to) => to.size(),
        }
    }
}

impl Translator<'_> {
    pub fn string(&mut self, src: &Loc, dst: &Loc, dir: Dir) {
        let (ptr, len) = self.pointer_and_length(src);
        let (new, out_len) = (self.code.local(ValType::I32), self.code.local(ValType::I32));
        use StringEncoding::*;
        let fixed = |e| if e == Utf8 { Unit::Utf8 } else { Unit::Utf16 };
        match (dir.from.encoding, dir.to.encoding) {
            (a, b) if a == b => self.copy(ptr, len, a, dir, new, out_len),
            (CompactUtf16, to) => {
                // The tag picks the sender's encoding.
                let c = &mut self.code;
                c.i(I::LocalGet(len));
                c.i(I::I32Const(UTF16_TAG as i32));
                c.i(I::I32And);
                c.i(I::If(BlockType::Empty));
                c.i(I::LocalGet(len));
                c.and_const(!UTF16_TAG);
                c.i(I::LocalSet(len));
                self.transcode(ptr, len, Unit::Utf16, to, dir, new, out_len);
                self.code.i(I::Else);
                self.transcode(ptr, len, Unit::Latin1, to, dir, new, out_len);
                self.code.i(I::End);
            }
            (from, to) => self.transcode(ptr, len, fixed(from), to, dir, new, out_len),
        }
        self.put_pointer_and_length(dst, new, out_len);
    }

    /// Same encoding on both sides: one `memory.copy`.
    fn copy(&mut self, ptr: u32, len: u32, e: StringEncoding, dir: Dir, new: u32, out_len: u32) {
        let c = &mut self.code;
        let bytes = c.local(ValType::I64);
        let align = alignment(e);
        c.i(I::LocalGet(len));
        match e {
            StringEncoding::Utf8 => c.i(I::I64ExtendI32U),
            StringEncoding::Utf16 => {
                c.i(I::I64ExtendI32U);
                c.i(I::I64Const(1));
                c.i(I::I64Shl);
            }
            StringEncoding::CompactUtf16 => {
                // Tagged UTF-16: twice the units; latin1: one byte each.
                c.and_const(!UTF16_TAG);
                c.i(I::I64ExtendI32U);
                c.i(I::LocalGet(len));
                c.i(I::I32Const(31));
                c.i(I::I32ShrU);
                c.i(I::I64ExtendI32U);
                c.i(I::I64Shl);
            }
        }
        c.i(I::LocalSet(bytes));
        c.check_aligned(ptr, align);
        c.check_bounds(dir.from.memory, ptr, bytes, AdapterTrap::StringOutOfBounds);
        let realloc = dir.to.realloc.expect("checked before translation");
        let got = c.allocate(
            realloc,
            dir.to.memory,
            align,
            bytes,
            AdapterTrap::StringOutOfBounds,
        );
        c.copy_bytes((dir.from.memory, ptr), (dir.to.memory, got), bytes);
        for (l, v) in [(new, got), (out_len, len)] {
            c.i(I::LocalGet(v));
            c.i(I::LocalSet(l));
        }
    }

    /// `len` units of `from` at `ptr` into the receiver's encoding `to`;
    /// sets `new` and `out_len` (tagged for latin1+UTF-16).
    #[allow(clippy::too_many_arguments)]
    fn transcode(
        &mut self,
        ptr: u32,
        len: u32,
        from: Unit,
        to: StringEncoding,
        dir: Dir,
        new: u32,
        out_len: u32,
    ) {
        let c = &mut self.code;
        let bytes = c.local(ValType::I64);
        c.i(I::LocalGet(len));
        c.i(I::I64ExtendI32U);
        c.i(I::I64Const(from.size().into()));
        c.i(I::I64Mul);
        c.i(I::LocalSet(bytes));
        c.check_aligned(ptr, alignment(dir.from.encoding));
        c.check_bounds(dir.from.memory, ptr, bytes, AdapterTrap::StringOutOfBounds);
        match to {
            StringEncoding::Utf8 => self.encode(ptr, len, from, Unit::Utf8, dir, new, out_len),
            StringEncoding::Utf16 => self.encode(ptr, len, from, Unit::Utf16, dir, new, out_len),
            StringEncoding::CompactUtf16 if from == Unit::Latin1 => {
                self.encode(ptr, len, from, Unit::Latin1, dir, new, out_len)
            }
            StringEncoding::CompactUtf16 => {
                // Latin1 if every code point fits a byte, else UTF-16.
                let wide = self.code.local(ValType::I32);
                self.code.i(I::I32Const(0));
                self.code.i(I::LocalSet(wide));
                self.each_code_point(ptr, len, from, dir.from.memory, |c, cp| {
                    c.i(I::LocalGet(wide));
                    c.i(I::LocalGet(cp));
                    c.i(I::I32Const(0xff));
                    c.i(I::I32GtU);
                    c.i(I::I32Or);
                    c.i(I::LocalSet(wide));
                });
                self.code.i(I::LocalGet(wide));
                self.code.i(I::If(BlockType::Empty));
                self.encode(ptr, len, from, Unit::Utf16, dir, new, out_len);
                self.code.i(I::LocalGet(out_len));
                self.code.i(I::I32Const(UTF16_TAG as i32));
                self.code.i(I::I32Or);
                self.code.i(I::LocalSet(out_len));
                self.code.i(I::Else);
                self.encode(ptr, len, from, Unit::Latin1, dir, new, out_len);
                self.code.i(I::End);
            }
        }
    }

    /// Allocate the worst case, encode every code point, shrink.
    #[allow(clippy::too_many_arguments)]
    fn encode(
        &mut self,
        ptr: u32,
        len: u32,
        from: Unit,
        to: Unit,
        dir: Dir,
        new: u32,
        out_len: u32,
    ) {
        let realloc = dir.to.realloc.expect("checked before translation");
        let (mem, align) = (dir.to.memory, alignment(dir.to.encoding));
        let c = &mut self.code;
        let worst = c.local(ValType::I64);
        c.i(I::LocalGet(len));
        c.i(I::I64ExtendI32U);
        c.i(I::I64Const(from.growth(to).into()));
        c.i(I::I64Mul);
        c.i(I::LocalSet(worst));
        let got = c.allocate(realloc, mem, align, worst, AdapterTrap::StringOutOfBounds);
        let at = c.local(ValType::I32);
        c.i(I::LocalGet(got));
        c.i(I::LocalSet(at));
        self.each_code_point(ptr, len, from, dir.from.memory, |c, cp| {
            let put = |c: &mut super::code::Code,
                       p: Prim,
                       offset: u32,
                       value: &dyn Fn(&mut super::code::Code)| {
                let dst = Loc::Mem {
                    mem,
                    addr: at,
                    offset,
                };
                c.store(&dst, p, |c| value(c));
            };
            let advance = |c: &mut super::code::Code, n: i32| {
                c.i(I::LocalGet(at));
                c.i(I::I32Const(n));
                c.i(I::I32Add);
                c.i(I::LocalSet(at));
            };
            // Bits `shift..` of the code point, masked, or'ed with `tag`.
            let bits = move |shift: u32, mask: u32, tag: u32| {
                move |c: &mut super::code::Code| {
                    c.i(I::LocalGet(cp));
                    if shift > 0 {
                        c.i(I::I32Const(shift as i32));
                        c.i(I::I32ShrU);
                    }
                    c.and_const(mask);
                    if tag != 0 {
                        c.i(I::I32Const(tag as i32));
                        c.i(I::I32Or);
                    }
                }
            };
            match to {
                Unit::Latin1 => {
                    put(c, Prim::U8, 0, &bits(0, 0xff, 0));
                    advance(c, 1);
                }
                Unit::Utf16 => {
                    c.i(I::LocalGet(cp));
                    c.i(I::I32Const(0x1_0000));
                    c.i(I::I32LtU);
                    c.i(I::If(BlockType::Empty));
                    put(c, Prim::U16, 0, &bits(0, 0xffff, 0));
                    advance(c, 2);
                    c.i(I::Else);
                    // A surrogate pair for cp - 0x10000.
                    c.i(I::LocalGet(cp));
                    c.i(I::I32Const(0x1_0000));
                    c.i(I::I32Sub);
                    c.i(I::LocalSet(cp));
                    put(c, Prim::U16, 0, &bits(10, 0x3ff, 0xd800));
                    put(c, Prim::U16, 2, &bits(0, 0x3ff, 0xdc00));
                    advance(c, 4);
                    c.i(I::End);
                }
                Unit::Utf8 => {
                    // 1, 2, 3 or 4 bytes, by the code point's size.
                    for (limit, n) in [(0x80u32, 1), (0x800, 2), (0x1_0000, 3)] {
                        c.i(I::LocalGet(cp));
                        c.i(I::I32Const(limit as i32));
                        c.i(I::I32LtU);
                        c.i(I::If(BlockType::Empty));
                        utf8_bytes(c, n, &put, &bits);
                        advance(c, n as i32);
                        c.i(I::Else);
                    }
                    utf8_bytes(c, 4, &put, &bits);
                    advance(c, 4);
                    for _ in 0..3 {
                        c.i(I::End);
                    }
                }
            }
        });
        // What was written, in the receiver's units.
        let c = &mut self.code;
        let written = c.local(ValType::I64);
        c.i(I::LocalGet(at));
        c.i(I::LocalGet(got));
        c.i(I::I32Sub);
        c.i(I::I64ExtendI32U);
        c.i(I::LocalSet(written));
        c.i(I::LocalGet(written));
        c.i(I::LocalGet(worst));
        c.i(I::I64Ne);
        c.i(I::If(BlockType::Empty));
        c.i(I::LocalGet(got));
        c.i(I::LocalGet(worst));
        c.i(I::I32WrapI64);
        c.i(I::I32Const(align as i32));
        c.i(I::LocalGet(written));
        c.i(I::I32WrapI64);
        c.i(I::Call(realloc));
        c.i(I::LocalSet(got));
        c.check_aligned(got, align);
        c.check_bounds(mem, got, written, AdapterTrap::StringOutOfBounds);
        c.i(I::End);
        c.i(I::LocalGet(got));
        c.i(I::LocalSet(new));
        c.i(I::LocalGet(written));
        c.i(I::I32WrapI64);
        if to == Unit::Utf16 {
            c.i(I::I32Const(1));
            c.i(I::I32ShrU);
        }
        c.i(I::LocalSet(out_len));
    }

    /// Loop over the code points of `len` units of `from` at `ptr` in
    /// memory `mem`, trapping on an ill-formed one; `body` sees each in
    /// a local.
    fn each_code_point(
        &mut self,
        ptr: u32,
        len: u32,
        from: Unit,
        mem: u32,
        body: impl FnOnce(&mut super::code::Code, u32),
    ) {
        let c = &mut self.code;
        let (at, end, cp) = (
            c.local(ValType::I32),
            c.local(ValType::I32),
            c.local(ValType::I32),
        );
        c.i(I::LocalGet(ptr));
        c.i(I::LocalTee(at));
        c.i(I::LocalGet(len));
        if from == Unit::Utf16 {
            c.i(I::I32Const(1));
            c.i(I::I32Shl);
        }
        c.i(I::I32Add);
        c.i(I::LocalSet(end));
        c.i(I::Block(BlockType::Empty));
        c.i(I::Loop(BlockType::Empty));
        c.i(I::LocalGet(at));
        c.i(I::LocalGet(end));
        c.i(I::I32GeU);
        c.i(I::BrIf(1));
        let unit = |c: &mut super::code::Code, p: Prim, offset: u32| {
            c.load(
                &Loc::Mem {
                    mem,
                    addr: at,
                    offset,
                },
                p,
            );
        };
        let advance = |c: &mut super::code::Code, n: i32| {
            c.i(I::LocalGet(at));
            c.i(I::I32Const(n));
            c.i(I::I32Add);
            c.i(I::LocalSet(at));
        };
        match from {
            Unit::Latin1 => {
                unit(c, Prim::U8, 0);
                c.i(I::LocalSet(cp));
                advance(c, 1);
            }
            Unit::Utf16 => decode_utf16(c, at, end, cp, &unit, &advance),
            Unit::Utf8 => decode_utf8(c, at, end, cp, &unit, &advance),
        }
        body(c, cp);
        c.i(I::Br(0));
        c.i(I::End);
        c.i(I::End);
    }
}

type Code = super::code::Code;

/// A string's alignment: UTF-16 and latin1+UTF-16 (even as latin1) are
/// 2-aligned.
fn alignment(e: StringEncoding) -> u32 {
    if e == StringEncoding::Utf8 {
        1
    } else {
        2
    }
}

/// The `n` bytes of UTF-8 for the code point `bits` reads.
fn utf8_bytes<P, B, F>(c: &mut Code, n: u32, put: &P, bits: &B)
where
    P: Fn(&mut Code, Prim, u32, &dyn Fn(&mut Code)),
    B: Fn(u32, u32, u32) -> F,
    F: Fn(&mut Code),
{
    // The lead byte's marker and payload mask, by length.
    let (lead, mask) = match n {
        1 => (0, 0x7f),
        2 => (0xc0, 0x1f),
        3 => (0xe0, 0x0f),
        _ => (0xf0, 0x07),
    };
    put(c, Prim::U8, 0, &bits(6 * (n - 1), mask, lead));
    for k in 1..n {
        put(c, Prim::U8, k, &bits(6 * (n - 1 - k), 0x3f, 0x80));
    }
}

/// One UTF-16 code point into `cp`: a unit, or a surrogate pair; an
/// unpaired surrogate traps.
fn decode_utf16<U, A>(c: &mut Code, at: u32, end: u32, cp: u32, unit: &U, advance: &A)
where
    U: Fn(&mut Code, Prim, u32),
    A: Fn(&mut Code, i32),
{
    unit(c, Prim::U16, 0);
    c.i(I::LocalTee(cp));
    c.i(I::I32Const(0xf800));
    c.i(I::I32And);
    c.i(I::I32Const(0xd800));
    c.i(I::I32Eq);
    c.i(I::If(BlockType::Empty));
    // A high surrogate, then a low one before the end.
    c.i(I::LocalGet(cp));
    c.i(I::I32Const(0xdc00));
    c.i(I::I32GeU);
    c.i(I::LocalGet(at));
    c.i(I::I32Const(4));
    c.i(I::I32Add);
    c.i(I::LocalGet(end));
    c.i(I::I32GtU);
    c.i(I::I32Or);
    c.trap_if(AdapterTrap::InvalidUtf16);
    unit(c, Prim::U16, 2);
    c.i(I::I32Const(0xfc00));
    c.i(I::I32And);
    c.i(I::I32Const(0xdc00));
    c.i(I::I32Ne);
    c.trap_if(AdapterTrap::InvalidUtf16);
    c.i(I::LocalGet(cp));
    c.i(I::I32Const(0x3ff));
    c.i(I::I32And);
    c.i(I::I32Const(10));
    c.i(I::I32Shl);
    unit(c, Prim::U16, 2);
    c.and_const(0x3ff);
    c.i(I::I32Or);
    c.i(I::I32Const(0x1_0000));
    c.i(I::I32Add);
    c.i(I::LocalSet(cp));
    advance(c, 4);
    c.i(I::Else);
    advance(c, 2);
    c.i(I::End);
}

/// One UTF-8 code point into `cp`; an ill-formed sequence (overlong,
/// surrogate, past U+10FFFF, cut short) traps.
fn decode_utf8<U, A>(c: &mut Code, at: u32, end: u32, cp: u32, unit: &U, advance: &A)
where
    U: Fn(&mut Code, Prim, u32),
    A: Fn(&mut Code, i32),
{
    unit(c, Prim::U8, 0);
    c.i(I::LocalTee(cp));
    c.i(I::I32Const(0x80));
    c.i(I::I32LtU);
    c.i(I::If(BlockType::Empty));
    advance(c, 1);
    c.i(I::Else);
    // (lead limit, length, payload mask, least code point) for 2-4 bytes.
    let forms = [
        (0xe0u32, 2u32, 0x1fu32, 0x80u32),
        (0xf0, 3, 0x0f, 0x800),
        (0xf5, 4, 0x07, 0x1_0000),
    ];
    c.i(I::LocalGet(cp));
    c.i(I::I32Const(0xc2));
    c.i(I::I32LtU);
    c.i(I::LocalGet(cp));
    c.i(I::I32Const(0xf5));
    c.i(I::I32GeU);
    c.i(I::I32Or);
    c.trap_if(AdapterTrap::InvalidUtf8);
    for (i, &(limit, n, mask, least)) in forms.iter().enumerate() {
        let last = i == forms.len() - 1;
        if !last {
            c.i(I::LocalGet(cp));
            c.i(I::I32Const(limit as i32));
            c.i(I::I32LtU);
            c.i(I::If(BlockType::Empty));
        }
        // The whole sequence before the end.
        c.i(I::LocalGet(at));
        c.i(I::I32Const(n as i32));
        c.i(I::I32Add);
        c.i(I::LocalGet(end));
        c.i(I::I32GtU);
        c.trap_if(AdapterTrap::InvalidUtf8);
        c.i(I::LocalGet(cp));
        c.and_const(mask);
        c.i(I::LocalSet(cp));
        for k in 1..n {
            // Each continuation byte is 10xxxxxx.
            unit(c, Prim::U8, k);
            c.i(I::I32Const(0xc0));
            c.i(I::I32And);
            c.i(I::I32Const(0x80));
            c.i(I::I32Ne);
            c.trap_if(AdapterTrap::InvalidUtf8);
            c.i(I::LocalGet(cp));
            c.i(I::I32Const(6));
            c.i(I::I32Shl);
            unit(c, Prim::U8, k);
            c.and_const(0x3f);
            c.i(I::I32Or);
            c.i(I::LocalSet(cp));
        }
        // Not overlong, not a surrogate, not past U+10FFFF.
        c.i(I::LocalGet(cp));
        c.i(I::I32Const(least as i32));
        c.i(I::I32LtU);
        c.i(I::LocalGet(cp));
        c.i(I::I32Const(0xd800));
        c.i(I::I32Sub);
        c.i(I::I32Const(0x800));
        c.i(I::I32LtU);
        c.i(I::I32Or);
        c.i(I::LocalGet(cp));
        c.i(I::I32Const(0x11_0000));
        c.i(I::I32GeU);
        c.i(I::I32Or);
        c.trap_if(AdapterTrap::InvalidUtf8);
        advance(c, n as i32);
        if !last {
            c.i(I::Else);
        }
    }
    for _ in 0..forms.len() - 1 {
        c.i(I::End);
    }
    c.i(I::End);
}
