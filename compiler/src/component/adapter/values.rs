//! Moving one component value from where the sending side holds it to
//! where the receiving side expects it, by its type: the lift and the
//! lower of the Canonical ABI fused into straight-line core code, with
//! every check lifting makes.

use super::code::{Code, Loc, Prim};
use kiln_abi::component::{
    discriminant_size, flags_size, AdapterTrap, Layout, StringEncoding, TypeIndex, ValueType,
};
use std::collections::BTreeMap;
use wasm_encoder::{BlockType, Instruction as I, ValType};

/// One side of a call, as the adapter sees it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Side {
    /// Index of its memory in the adapter, when it has one.
    pub memory: u32,
    /// Index of its `realloc` in the adapter, when it has one.
    pub realloc: Option<u32>,
    pub encoding: StringEncoding,
}

/// Which way values go: parameters from the caller to the callee,
/// results back.
#[derive(Clone, Copy, Debug)]
pub(super) struct Dir {
    pub from: Side,
    pub to: Side,
    pub to_callee: bool,
}

pub(super) struct Translator<'a> {
    pub layout: Layout<'a>,
    pub code: Code,
    /// The runtime's function moving a handle, by whether it borrows, its
    /// resource and whether it goes to the callee.
    pub transfers: BTreeMap<(bool, u32, bool), u32>,
    /// The runtime's function moving a stream's or future's readable end,
    /// by its type and whether it goes to the callee.
    pub channels: BTreeMap<(TypeIndex, bool), u32>,
}

impl Translator<'_> {
    /// Emit the move of a value of type `t` from `src` to `dst`.
    pub fn translate(&mut self, t: TypeIndex, src: &Loc, dst: &Loc, dir: Dir) {
        use ValueType::*;
        let c = &mut self.code;
        match self.layout.ty(t) {
            Bool => c.store(dst, Prim::U8, |c| {
                match src {
                    // A flat bool is any i32; only zero is false.
                    Loc::Flat(_) => c.load(src, Prim::I32),
                    Loc::Mem { .. } => c.load(src, Prim::U8),
                }
                c.i(I::I32Const(0));
                c.i(I::I32Ne);
            }),
            S8 => c.copy(src, dst, Prim::S8),
            U8 => c.copy(src, dst, Prim::U8),
            S16 => c.copy(src, dst, Prim::S16),
            U16 => c.copy(src, dst, Prim::U16),
            S32 | U32 => c.copy(src, dst, Prim::I32),
            S64 | U64 => c.copy(src, dst, Prim::I64),
            F32 => c.copy(src, dst, Prim::F32),
            F64 => c.copy(src, dst, Prim::F64),
            Char => {
                let v = c.local(ValType::I32);
                c.load(src, Prim::I32);
                c.i(I::LocalSet(v));
                c.check_char(v);
                c.store(dst, Prim::I32, |c| c.i(I::LocalGet(v)));
            }
            Flags(names) => self.flags(names.len(), src, dst),
            String => self.string(src, dst, dir),
            List(e) => self.list(*e, src, dst, dir),
            Own(r) | Borrow(r) => {
                let borrow = matches!(self.layout.ty(t), Borrow(_));
                let f = self.transfers[&(borrow, *r, dir.to_callee)];
                c.store(dst, Prim::I32, |c| {
                    c.load(src, Prim::I32);
                    c.i(I::Call(f));
                });
            }
            Stream(_) | Future(_) | ErrorContext => {
                let f = self.channels[&(t, dir.to_callee)];
                c.store(dst, Prim::I32, |c| {
                    c.load(src, Prim::I32);
                    c.i(I::Call(f));
                });
            }
            _ => {
                if let Some(fields) = self.layout.fields(t) {
                    return self.record(&fields, src, dst, dir);
                }
                let cases = self.layout.cases(t).expect("every other type is a variant");
                self.variant(&cases, src, dst, dir);
            }
        }
    }

    fn flat_count(&self, t: TypeIndex) -> usize {
        self.layout.flat_count(t)
    }

    fn record(&mut self, fields: &[TypeIndex], src: &Loc, dst: &Loc, dir: Dir) {
        let offsets = self.layout.field_offsets(fields);
        let mut flat = 0;
        for (&f, &offset) in fields.iter().zip(&offsets) {
            let n = self.flat_count(f);
            let (s, d) = (src.part(flat, n, offset), dst.part(flat, n, offset));
            self.translate(f, &s, &d, dir);
            flat += n;
        }
    }

    /// Flags: each 32-bit word copied, bits past the last label cleared.
    fn flags(&mut self, labels: usize, src: &Loc, dst: &Loc) {
        let size = flags_size(labels);
        let words = labels.div_ceil(32);
        for w in 0..words {
            let p = if size < 4 {
                Prim::unsigned(size)
            } else {
                Prim::I32
            };
            let (s, d) = (src.part(w, 1, 4 * w as u32), dst.part(w, 1, 4 * w as u32));
            let bits = (labels - 32 * w).min(32);
            self.code.store(&d, p, |c| {
                c.load(&s, p);
                if bits < 32 {
                    c.and_const((1u32 << bits) - 1);
                }
            });
        }
    }

    /// Variants, enums, options and results: the discriminant checked and
    /// copied, then the payload of the case it names.
    fn variant(&mut self, cases: &[Option<TypeIndex>], src: &Loc, dst: &Loc, dir: Dir) {
        let disc = Prim::unsigned(discriminant_size(cases.len()));
        let c = &mut self.code;
        let d = c.local(ValType::I32);
        match src {
            Loc::Flat(_) => c.load(src, Prim::I32),
            Loc::Mem { .. } => c.load(src, disc),
        }
        c.i(I::LocalSet(d));
        c.i(I::LocalGet(d));
        c.i(I::I32Const(cases.len() as i32));
        c.i(I::I32GeU);
        c.trap_if(AdapterTrap::InvalidDiscriminant);
        c.store(&dst.part(0, 1, 0), disc, |c| c.i(I::LocalGet(d)));
        // Flat payload slots no case fills are zero.
        if let Loc::Flat(slots) = dst {
            for &(local, t) in &slots[1..] {
                c.zero(t);
                c.i(I::LocalSet(local));
            }
        }
        let offset = self.layout.payload_offset(cases);
        for (i, p) in cases.iter().enumerate() {
            let Some(p) = *p else { continue };
            let n = self.flat_count(p);
            let (s, t) = (src.part(1, n, offset), dst.part(1, n, offset));
            self.code.i(I::LocalGet(d));
            self.code.i(I::I32Const(i as i32));
            self.code.i(I::I32Eq);
            self.code.i(I::If(BlockType::Empty));
            self.translate(p, &s, &t, dir);
            self.code.i(I::End);
        }
    }

    /// Read a string's or list's pointer and length into new locals.
    pub fn pointer_and_length(&mut self, src: &Loc) -> (u32, u32) {
        let c = &mut self.code;
        let (ptr, len) = (c.local(ValType::I32), c.local(ValType::I32));
        c.load(&src.part(0, 1, 0), Prim::I32);
        c.i(I::LocalSet(ptr));
        c.load(&src.part(1, 1, 4), Prim::I32);
        c.i(I::LocalSet(len));
        (ptr, len)
    }

    /// Write a string's or list's pointer and length.
    pub fn put_pointer_and_length(&mut self, dst: &Loc, ptr: u32, len: u32) {
        let c = &mut self.code;
        c.store(&dst.part(0, 1, 0), Prim::I32, |c| c.i(I::LocalGet(ptr)));
        c.store(&dst.part(1, 1, 4), Prim::I32, |c| c.i(I::LocalGet(len)));
    }

    /// A list: its elements bounds-checked in the sender's memory, space
    /// for them from the receiver's `realloc`, then one `memory.copy` for
    /// lists of numbers, or each element translated in a loop.
    fn list(&mut self, e: TypeIndex, src: &Loc, dst: &Loc, dir: Dir) {
        let (size, align) = self.layout.size_align(e);
        let (ptr, len) = self.pointer_and_length(src);
        let c = &mut self.code;
        c.check_aligned(ptr, align);
        let bytes = c.local(ValType::I64);
        c.i(I::LocalGet(len));
        c.i(I::I64ExtendI32U);
        c.i(I::I64Const(size.into()));
        c.i(I::I64Mul);
        c.i(I::LocalSet(bytes));
        c.check_bounds(dir.from.memory, ptr, bytes, AdapterTrap::ListOutOfBounds);
        let realloc = dir.to.realloc.expect("checked before translation");
        let new = c.allocate(
            realloc,
            dir.to.memory,
            align,
            bytes,
            AdapterTrap::ListOutOfBounds,
        );
        if is_number(self.layout.ty(e)) {
            c.copy_bytes((dir.from.memory, ptr), (dir.to.memory, new), bytes);
        } else {
            let (from, to, left) = (
                c.local(ValType::I32),
                c.local(ValType::I32),
                c.local(ValType::I32),
            );
            for (l, v) in [(from, ptr), (to, new), (left, len)] {
                c.i(I::LocalGet(v));
                c.i(I::LocalSet(l));
            }
            c.i(I::Block(BlockType::Empty));
            c.i(I::Loop(BlockType::Empty));
            c.i(I::LocalGet(left));
            c.i(I::I32Eqz);
            c.i(I::BrIf(1));
            let s = Loc::at(dir.from.memory, from);
            let d = Loc::at(dir.to.memory, to);
            self.translate(e, &s, &d, dir);
            let c = &mut self.code;
            for (l, step) in [(from, size as i32), (to, size as i32), (left, -1)] {
                c.i(I::LocalGet(l));
                c.i(I::I32Const(step));
                c.i(I::I32Add);
                c.i(I::LocalSet(l));
            }
            c.i(I::Br(0));
            c.i(I::End);
            c.i(I::End);
        }
        self.put_pointer_and_length(dst, new, len);
    }
}

/// Numbers, whose bytes pass unchanged: a list of them is one copy.
pub(super) fn is_number(t: &ValueType) -> bool {
    use ValueType::*;
    matches!(t, S8 | U8 | S16 | U16 | S32 | U32 | S64 | U64 | F32 | F64)
}
