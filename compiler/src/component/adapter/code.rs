//! The adapter function's body as it is built: its locals, its
//! instructions, and the few shapes every translation uses (reading and
//! writing one core value where a component value lives, trapping).

use kiln_abi::component::AdapterTrap;
use wasm_encoder::{BlockType, Function, Instruction as I, MemArg, MemArgTarget, ValType};

/// Where a component value lives: in core locals (flattened, each slot
/// with its own core type, which may be wider than the value's own when
/// it is a variant's payload), or in a memory at `addr + offset`.
#[derive(Clone, Debug)]
pub(super) enum Loc {
    Flat(Vec<(u32, ValType)>),
    Mem { mem: u32, addr: u32, offset: u32 },
}

impl Loc {
    /// The value at address `addr` (a local) of memory `mem`.
    pub fn at(mem: u32, addr: u32) -> Loc {
        Loc::Mem {
            mem,
            addr,
            offset: 0,
        }
    }

    /// The part of `self` that starts `flat` core values or `offset`
    /// bytes in, and takes `count` core values.
    pub fn part(&self, flat: usize, count: usize, offset: u32) -> Loc {
        match self {
            Loc::Flat(slots) => Loc::Flat(slots[flat..flat + count].to_vec()),
            Loc::Mem {
                mem,
                addr,
                offset: o,
            } => Loc::Mem {
                mem: *mem,
                addr: *addr,
                offset: o + offset,
            },
        }
    }
}

/// How a core value is held in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Prim {
    S8,
    U8,
    S16,
    U16,
    I32,
    I64,
    F32,
    F64,
}

impl Prim {
    pub fn flat(self) -> ValType {
        match self {
            Prim::I64 => ValType::I64,
            Prim::F32 => ValType::F32,
            Prim::F64 => ValType::F64,
            _ => ValType::I32,
        }
    }

    fn align_log2(self) -> u32 {
        match self {
            Prim::S8 | Prim::U8 => 0,
            Prim::S16 | Prim::U16 => 1,
            Prim::I32 | Prim::F32 => 2,
            Prim::I64 | Prim::F64 => 3,
        }
    }

    /// The unsigned integer of `bytes` bytes (a discriminant, flags).
    pub fn unsigned(bytes: u32) -> Prim {
        match bytes {
            1 => Prim::U8,
            2 => Prim::U16,
            _ => Prim::I32,
        }
    }
}

pub(super) struct Code {
    params: u32,
    locals: Vec<ValType>,
    ins: Vec<I<'static>>,
}

impl Code {
    pub fn new(params: u32) -> Code {
        Code {
            params,
            locals: Vec::new(),
            ins: Vec::new(),
        }
    }

    pub fn local(&mut self, t: ValType) -> u32 {
        self.locals.push(t);
        self.params + self.locals.len() as u32 - 1
    }

    pub fn i(&mut self, i: I<'static>) {
        self.ins.push(i);
    }

    pub fn finish(self) -> Function {
        let mut f = Function::new_with_locals_types(self.locals);
        for i in &self.ins {
            f.instruction(i);
        }
        f.instruction(&I::End);
        f
    }

    fn memarg(mem: u32, offset: u32, p: Prim) -> MemArg {
        MemArg {
            offset: offset.into(),
            align: p.align_log2(),
            target: MemArgTarget::Memory(mem),
            ordering: None,
        }
    }

    /// Push the value at `src`, read as `p`: narrowed as lifting does.
    pub fn load(&mut self, src: &Loc, p: Prim) {
        match src {
            Loc::Flat(slots) => {
                let (local, have) = slots[0];
                self.i(I::LocalGet(local));
                self.coerce(have, p.flat());
                match p {
                    Prim::U8 => self.and_const(0xff),
                    Prim::U16 => self.and_const(0xffff),
                    Prim::S8 => self.i(I::I32Extend8S),
                    Prim::S16 => self.i(I::I32Extend16S),
                    _ => {}
                }
            }
            Loc::Mem { mem, addr, offset } => {
                self.i(I::LocalGet(*addr));
                let m = Self::memarg(*mem, *offset, p);
                self.i(match p {
                    Prim::S8 => I::I32Load8S(m),
                    Prim::U8 => I::I32Load8U(m),
                    Prim::S16 => I::I32Load16S(m),
                    Prim::U16 => I::I32Load16U(m),
                    Prim::I32 => I::I32Load(m),
                    Prim::I64 => I::I64Load(m),
                    Prim::F32 => I::F32Load(m),
                    Prim::F64 => I::F64Load(m),
                });
            }
        }
    }

    /// Write to `dst`, as `p`, the value `value` pushes.
    pub fn store(&mut self, dst: &Loc, p: Prim, value: impl FnOnce(&mut Code)) {
        match dst {
            Loc::Flat(slots) => {
                let (local, want) = slots[0];
                value(self);
                self.coerce(p.flat(), want);
                self.i(I::LocalSet(local));
            }
            Loc::Mem { mem, addr, offset } => {
                self.i(I::LocalGet(*addr));
                value(self);
                let m = Self::memarg(*mem, *offset, p);
                self.i(match p {
                    Prim::S8 | Prim::U8 => I::I32Store8(m),
                    Prim::S16 | Prim::U16 => I::I32Store16(m),
                    Prim::I32 => I::I32Store(m),
                    Prim::I64 => I::I64Store(m),
                    Prim::F32 => I::F32Store(m),
                    Prim::F64 => I::F64Store(m),
                });
            }
        }
    }

    /// Copy the value at `src` to `dst` unchanged but for narrowing.
    pub fn copy(&mut self, src: &Loc, dst: &Loc, p: Prim) {
        self.store(dst, p, |c| c.load(src, p));
    }

    /// Convert the core value on the stack between a variant payload's
    /// own type and the wider slot the variant's flattening gives it
    /// (the Canonical ABI's `join`): reinterpreting floats, extending or
    /// wrapping integers.
    pub fn coerce(&mut self, from: ValType, to: ValType) {
        use ValType::*;
        match (from, to) {
            _ if from == to => {}
            (I64, I32) => self.i(I::I32WrapI64),
            (I64, F32) => {
                self.i(I::I32WrapI64);
                self.i(I::F32ReinterpretI32);
            }
            (I64, F64) => self.i(I::F64ReinterpretI64),
            (I32, F32) => self.i(I::F32ReinterpretI32),
            (I32, I64) => self.i(I::I64ExtendI32U),
            (F32, I32) => self.i(I::I32ReinterpretF32),
            (F32, I64) => {
                self.i(I::I32ReinterpretF32);
                self.i(I::I64ExtendI32U);
            }
            (F64, I64) => self.i(I::I64ReinterpretF64),
            _ => unreachable!("no variant joins {from:?} and {to:?}"),
        }
    }

    pub fn and_const(&mut self, mask: u32) {
        self.i(I::I32Const(mask as i32));
        self.i(I::I32And);
    }

    /// A zero of core type `t`.
    pub fn zero(&mut self, t: ValType) {
        self.i(match t {
            ValType::I64 => I::I64Const(0),
            ValType::F32 => I::F32Const(0.0.into()),
            ValType::F64 => I::F64Const(0.0.into()),
            _ => I::I32Const(0),
        });
    }

    /// If the i32 on the stack is nonzero, raise `t` (imported function
    /// `1 + t`, after the callee).
    pub fn trap_if(&mut self, t: AdapterTrap) {
        self.i(I::If(BlockType::Empty));
        self.i(I::Call(1 + t as u32));
        self.i(I::Unreachable);
        self.i(I::End);
    }

    /// Trap unless the i32 in local `ptr` is a multiple of `align`.
    pub fn check_aligned(&mut self, ptr: u32, align: u32) {
        if align > 1 {
            self.i(I::LocalGet(ptr));
            self.and_const(align - 1);
            self.trap_if(AdapterTrap::UnalignedPointer);
        }
    }

    /// Trap with `t` unless `bytes` (an i64 local) bytes from the i32 in
    /// local `ptr` lie inside memory `mem`.
    pub fn check_bounds(&mut self, mem: u32, ptr: u32, bytes: u32, t: AdapterTrap) {
        self.i(I::LocalGet(ptr));
        self.i(I::I64ExtendI32U);
        self.i(I::LocalGet(bytes));
        self.i(I::I64Add);
        self.i(I::MemorySize(mem));
        self.i(I::I64ExtendI32U);
        self.i(I::I64Const(16));
        self.i(I::I64Shl);
        self.i(I::I64GtU);
        self.trap_if(t);
    }

    /// `realloc(0, 0, align, bytes)` through function `realloc` into a
    /// new local, checked to be aligned and inside memory `mem`.
    pub fn allocate(
        &mut self,
        realloc: u32,
        mem: u32,
        align: u32,
        bytes: u32,
        t: AdapterTrap,
    ) -> u32 {
        let new = self.local(ValType::I32);
        self.i(I::I32Const(0));
        self.i(I::I32Const(0));
        self.i(I::I32Const(align as i32));
        self.i(I::LocalGet(bytes));
        self.i(I::I32WrapI64);
        self.i(I::Call(realloc));
        self.i(I::LocalSet(new));
        self.check_aligned(new, align);
        self.check_bounds(mem, new, bytes, t);
        new
    }

    /// Copy `bytes` (an i64 local, checked to fit) bytes from the address
    /// in local `src` of memory `src_mem` to that in `dst` of `dst_mem`.
    pub fn copy_bytes(
        &mut self,
        (src_mem, src): (u32, u32),
        (dst_mem, dst): (u32, u32),
        bytes: u32,
    ) {
        self.i(I::LocalGet(dst));
        self.i(I::LocalGet(src));
        self.i(I::LocalGet(bytes));
        self.i(I::I32WrapI64);
        self.i(I::MemoryCopy { src_mem, dst_mem });
    }

    /// Trap unless local `v` holds a Unicode scalar value.
    pub fn check_char(&mut self, v: u32) {
        self.i(I::LocalGet(v));
        self.i(I::I32Const(0x11_0000));
        self.i(I::I32GeU);
        self.i(I::LocalGet(v));
        self.i(I::I32Const(0xd800));
        self.i(I::I32Sub);
        self.i(I::I32Const(0x800));
        self.i(I::I32LtU);
        self.i(I::I32Or);
        self.trap_if(AdapterTrap::InvalidChar);
    }
}
