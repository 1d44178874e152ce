//! `FuncEnv` alone knows how compiled code reaches the instance: memories,
//! tables, globals, imported functions, signature ids and builtins, all
//! through the vmctx layout of `kiln_abi::VMOffsets`.
//!
//! Values that cannot change while the instance lives (a memory's base, the
//! addresses of tables and globals, imported callees, builtins) are loaded
//! once in the entry block and marked `!invariant.load`, so LLVM keeps them
//! in registers.

use crate::error::Result;
use crate::llvm::unit::{Region, UnitCx};
use inkwell::basic_block::BasicBlock;
use inkwell::builder::Builder;
use inkwell::types::{BasicType, BasicTypeEnum};
use inkwell::values::{BasicValue, BasicValueEnum, FunctionValue, IntValue, PointerValue};
use kiln_abi::{Builtin, TrapCode, VMOffsets};
use std::collections::HashMap;

pub struct FuncEnv<'ctx> {
    pub vmctx: PointerValue<'ctx>,
    pub func: FunctionValue<'ctx>,
    pub func_index: u32,
    entry: BasicBlock<'ctx>,
    memory_defs: HashMap<u32, PointerValue<'ctx>>,
    memory_bases: HashMap<u32, PointerValue<'ctx>>,
    tables: HashMap<u32, PointerValue<'ctx>>,
    fixed_table_bases: HashMap<u32, PointerValue<'ctx>>,
    globals: HashMap<u32, PointerValue<'ctx>>,
    callees: HashMap<u32, (PointerValue<'ctx>, PointerValue<'ctx>)>,
    sig_ids: HashMap<u32, IntValue<'ctx>>,
    builtins: Option<PointerValue<'ctx>>,
    trap_blocks: HashMap<TrapCode, BasicBlock<'ctx>>,
}

impl<'ctx> FuncEnv<'ctx> {
    pub fn new(func: FunctionValue<'ctx>, func_index: u32, entry: BasicBlock<'ctx>) -> Self {
        let vmctx = func.get_nth_param(0).unwrap().into_pointer_value();
        FuncEnv {
            vmctx,
            func,
            func_index,
            entry,
            memory_defs: HashMap::new(),
            memory_bases: HashMap::new(),
            tables: HashMap::new(),
            fixed_table_bases: HashMap::new(),
            globals: HashMap::new(),
            callees: HashMap::new(),
            sig_ids: HashMap::new(),
            builtins: None,
            trap_blocks: HashMap::new(),
        }
    }

    /// `*(base + offset)` as `ty`, optionally invariant.
    pub fn load_at(
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        base: PointerValue<'ctx>,
        offset: u32,
        ty: BasicTypeEnum<'ctx>,
        invariant: bool,
    ) -> Result<BasicValueEnum<'ctx>> {
        let p = Self::field(u, b, base, offset)?;
        let v = b.build_load(ty, p, "")?;
        u.tag_access(v.as_instruction_value().unwrap(), Region::Runtime);
        if invariant {
            let kind = u.cx.get_kind_id("invariant.load");
            let md = u.cx.metadata_node(&[]);
            v.as_instruction_value()
                .unwrap()
                .set_metadata(md, kind)
                .ok();
        }
        Ok(v)
    }

    pub fn field(
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        base: PointerValue<'ctx>,
        offset: u32,
    ) -> Result<PointerValue<'ctx>> {
        if offset == 0 {
            return Ok(base);
        }
        let off = u.t.i64.const_int(offset as u64, false);
        // SAFETY (of the generated code): offsets come from VMOffsets, which
        // the runtime uses to lay out the same struct.
        Ok(unsafe { b.build_in_bounds_gep(u.t.i8, base, &[off], "")? })
    }

    /// Emit `f` in the entry block (before the jump into the body).
    fn in_entry<T>(
        &self,
        b: &Builder<'ctx>,
        f: impl FnOnce(&Builder<'ctx>) -> Result<T>,
    ) -> Result<T> {
        let here = b.get_insert_block().unwrap();
        b.position_at_end(self.entry);
        let r = f(b);
        b.position_at_end(here);
        r
    }

    fn vmctx_ptr(
        &self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        offset: u32,
    ) -> Result<PointerValue<'ctx>> {
        let vmctx = self.vmctx;
        self.in_entry(b, |b| {
            Ok(Self::load_at(u, b, vmctx, offset, u.t.ptr.into(), true)?.into_pointer_value())
        })
    }

    /// A base that never moves, loaded once on entry: for index 0 from its
    /// copy in the vmctx header (`header_copy`), otherwise through the
    /// `VMMemory`/`VMTable` that `def` gives, at `field`.
    fn fixed_base(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        index: u32,
        header_copy: u32,
        field: u32,
        def: impl FnOnce(&mut Self) -> Result<PointerValue<'ctx>>,
    ) -> Result<PointerValue<'ctx>> {
        if index == 0 {
            return self.vmctx_ptr(u, b, header_copy);
        }
        let def = def(self)?;
        self.in_entry(b, |b| {
            Ok(Self::load_at(u, b, def, field, u.t.ptr.into(), true)?.into_pointer_value())
        })
    }

    /// Address of the `VMMemory` of memory `index`.
    pub fn memory_def(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        index: u32,
    ) -> Result<PointerValue<'ctx>> {
        if let Some(p) = self.memory_defs.get(&index) {
            return Ok(*p);
        }
        let p = self.vmctx_ptr(u, b, u.offsets.memory_ptr(index))?;
        self.memory_defs.insert(index, p);
        Ok(p)
    }

    /// A memory's base never moves: it is the start of its reservation.
    pub fn memory_base(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        index: u32,
    ) -> Result<PointerValue<'ctx>> {
        if let Some(p) = self.memory_bases.get(&index) {
            return Ok(*p);
        }
        let base = self.fixed_base(
            u,
            b,
            index,
            VMOffsets::MEMORY0_BASE,
            VMOffsets::MEMORY_BASE,
            |e| e.memory_def(u, b, index),
        )?;
        self.memory_bases.insert(index, base);
        Ok(base)
    }

    /// Current length in bytes; reloaded at each use, since any call may grow it.
    pub fn memory_length(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        index: u32,
    ) -> Result<IntValue<'ctx>> {
        let def = self.memory_def(u, b, index)?;
        Ok(
            Self::load_at(u, b, def, VMOffsets::MEMORY_LENGTH, u.t.i64.into(), false)?
                .into_int_value(),
        )
    }

    /// Address of the `VMTable` of table `index`.
    pub fn table_def(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        index: u32,
    ) -> Result<PointerValue<'ctx>> {
        if let Some(p) = self.tables.get(&index) {
            return Ok(*p);
        }
        let p = self.vmctx_ptr(u, b, u.offsets.table_ptr(index))?;
        self.tables.insert(index, p);
        Ok(p)
    }

    /// `(elements base, length)` of a table, loaded now (tables can grow).
    /// A table whose maximum is its minimum cannot grow (an import of that
    /// type can only be matched by such a table): its length is a constant
    /// and its elements never move, so the base is loaded once, on entry.
    /// Rust and C modules declare their tables so; `call_indirect` then
    /// checks the index against a constant.
    pub fn table_bounds(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        index: u32,
    ) -> Result<(PointerValue<'ctx>, IntValue<'ctx>)> {
        let ty = u.info.tables[index as usize];
        if ty.maximum == Some(ty.initial) {
            let len = u.t.i64.const_int(ty.initial, false);
            if let Some(base) = self.fixed_table_bases.get(&index) {
                return Ok((*base, len));
            }
            let base = self.fixed_base(
                u,
                b,
                index,
                VMOffsets::TABLE0_BASE,
                VMOffsets::TABLE_BASE,
                |e| e.table_def(u, b, index),
            )?;
            self.fixed_table_bases.insert(index, base);
            return Ok((base, len));
        }
        let def = self.table_def(u, b, index)?;
        let base = Self::load_at(u, b, def, VMOffsets::TABLE_BASE, u.t.ptr.into(), false)?;
        let len = Self::load_at(u, b, def, VMOffsets::TABLE_LENGTH, u.t.i64.into(), false)?;
        Ok((base.into_pointer_value(), len.into_int_value()))
    }

    /// Address of the storage of global `index`.
    pub fn global(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        index: u32,
    ) -> Result<PointerValue<'ctx>> {
        if let Some(p) = self.globals.get(&index) {
            return Ok(*p);
        }
        let p = self.vmctx_ptr(u, b, u.offsets.global_ptr(index))?;
        self.globals.insert(index, p);
        Ok(p)
    }

    /// Address of the `VMFuncRef` of function `index` inside this vmctx.
    pub fn funcref(
        &self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        index: u32,
    ) -> Result<PointerValue<'ctx>> {
        Self::field(u, b, self.vmctx, u.offsets.funcref(index))
    }

    /// `(code pointer, callee vmctx)` of an imported function.
    pub fn imported_callee(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        index: u32,
    ) -> Result<(PointerValue<'ctx>, PointerValue<'ctx>)> {
        if let Some(c) = self.callees.get(&index) {
            return Ok(*c);
        }
        let vmctx = self.vmctx;
        let c = self.in_entry(b, |b| {
            let fr = Self::field(u, b, vmctx, u.offsets.funcref(index))?;
            let code = Self::load_at(u, b, fr, VMOffsets::FUNCREF_FUNC_PTR, u.t.ptr.into(), true)?;
            let cx = Self::load_at(u, b, fr, VMOffsets::FUNCREF_VMCTX, u.t.ptr.into(), true)?;
            Ok((code.into_pointer_value(), cx.into_pointer_value()))
        })?;
        self.callees.insert(index, c);
        Ok(c)
    }

    /// The canonical signature id of type `index`: a constant for the
    /// signatures that have a structural id, else loaded from the vmctx,
    /// where the runtime put the one it assigned.
    pub fn sig_id(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        index: u32,
    ) -> Result<IntValue<'ctx>> {
        if let Some(s) = self.sig_ids.get(&index) {
            return Ok(*s);
        }
        let s = match kiln_abi::structural_sig_id_of(&u.info.types[index as usize]) {
            Some(id) => u.t.i32.const_int(id as u64, false),
            None => {
                let vmctx = self.vmctx;
                self.in_entry(b, |b| {
                    Ok(
                        Self::load_at(u, b, vmctx, u.offsets.sig_id(index), u.t.i32.into(), true)?
                            .into_int_value(),
                    )
                })?
            }
        };
        self.sig_ids.insert(index, s);
        Ok(s)
    }

    /// Entry point of a runtime builtin.
    pub fn builtin(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        which: Builtin,
    ) -> Result<PointerValue<'ctx>> {
        let table = match self.builtins {
            Some(t) => t,
            None => {
                let t = self.vmctx_ptr(u, b, VMOffsets::BUILTINS)?;
                self.builtins = Some(t);
                t
            }
        };
        let off = u.offsets.builtin(which);
        self.in_entry(b, |b| {
            Ok(Self::load_at(u, b, table, off, u.t.ptr.into(), true)?.into_pointer_value())
        })
    }

    /// The block that raises `code`; one per function and code, cold.
    pub fn trap_block(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        code: TrapCode,
    ) -> Result<BasicBlock<'ctx>> {
        if let Some(bb) = self.trap_blocks.get(&code) {
            return Ok(*bb);
        }
        let here = b.get_insert_block().unwrap();
        let bb =
            u.cx.append_basic_block(self.func, &format!("trap_{code:?}"));
        b.position_at_end(bb);
        // Loaded here, not in the entry block with the other builtins: a
        // pointer loaded up front stays live (in a register or a spill slot)
        // across the whole function for the sake of its cold paths.
        Self::raise(u, b, self.vmctx, code, self.func_index)?;
        b.position_at_end(here);
        self.trap_blocks.insert(code, bb);
        Ok(bb)
    }

    /// This frame's frame pointer (what the stack check compares with the
    /// limit, and where a backtrace starts).
    pub fn frame_address(u: &UnitCx<'ctx, '_>, b: &Builder<'ctx>) -> Result<PointerValue<'ctx>> {
        Ok(b.build_call(
            u.intrinsic("llvm.frameaddress", &[u.t.ptr.into()]),
            &[u.t.i32.const_zero().into()],
            "fp",
        )?
        .try_as_basic_value()
        .basic()
        .unwrap()
        .into_pointer_value())
    }

    /// Where this frame's stack is, for the stack check: on x86_64 the stack
    /// pointer itself, so that the check does not make the function keep a
    /// frame pointer (`frames`); elsewhere the frame pointer.
    pub fn stack_position(u: &UnitCx<'ctx, '_>, b: &Builder<'ctx>) -> Result<IntValue<'ctx>> {
        if !u.x86_64 {
            let fp = Self::frame_address(u, b)?;
            return Ok(b.build_ptr_to_int(fp, u.t.i64, "")?);
        }
        let rsp = u.cx.metadata_node(&[u.cx.metadata_string("rsp").into()]);
        Ok(b.build_call(
            u.intrinsic("llvm.read_register", &[u.t.i64.into()]),
            &[rsp.into()],
            "sp",
        )?
        .try_as_basic_value()
        .basic()
        .unwrap()
        .into_int_value())
    }

    /// Raise trap `code` here (it does not return), on behalf of wasm
    /// function `func_index`. On x86_64, with a trap instruction; elsewhere
    /// by calling the trap builtin, with this frame's frame pointer to start
    /// the backtrace from.
    pub fn raise(
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        vmctx: PointerValue<'ctx>,
        code: TrapCode,
        func_index: u32,
    ) -> Result<()> {
        let cold = u.cx.create_enum_attribute(
            inkwell::attributes::Attribute::get_named_enum_kind_id("cold"),
            0,
        );
        let noreturn = u.cx.create_enum_attribute(
            inkwell::attributes::Attribute::get_named_enum_kind_id("noreturn"),
            0,
        );
        let call = if u.x86_64 {
            // The layout `kiln_abi::trap_instruction` decodes.
            let text = format!("ud2\n\t.byte {}\n\t.long {}", code as u32, func_index);
            let ty = u.t.void.fn_type(&[], false);
            let asm =
                u.cx.create_inline_asm(ty, text, String::new(), true, false, None, false);
            b.build_indirect_call(ty, asm, &[], "")?
        } else {
            Self::call_trap_builtin(u, b, vmctx, code, func_index)?
        };
        call.add_attribute(inkwell::attributes::AttributeLoc::Function, cold);
        call.add_attribute(inkwell::attributes::AttributeLoc::Function, noreturn);
        b.build_unreachable()?;
        Ok(())
    }

    fn call_trap_builtin(
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        vmctx: PointerValue<'ctx>,
        code: TrapCode,
        func_index: u32,
    ) -> Result<inkwell::values::CallSiteValue<'ctx>> {
        let table = Self::load_at(u, b, vmctx, VMOffsets::BUILTINS, u.t.ptr.into(), true)?;
        let trap_fn = Self::load_at(
            u,
            b,
            table.into_pointer_value(),
            u.offsets.builtin(Builtin::Trap),
            u.t.ptr.into(),
            true,
        )?
        .into_pointer_value();
        let frame = Self::frame_address(u, b)?;
        let ty = u.t.void.fn_type(
            &[
                u.t.ptr.into(),
                u.t.i32.into(),
                u.t.i32.into(),
                u.t.ptr.into(),
            ],
            false,
        );
        let args = [
            vmctx.into(),
            u.t.i32.const_int(code as u64, false).into(),
            u.t.i32.const_int(func_index as u64, false).into(),
            frame.into(),
        ];
        Ok(b.build_indirect_call(ty, trap_fn, &args, "")?)
    }

    /// At a function entry or a loop header: consume a unit of fuel and
    /// look at the interrupt flag, as the options ask. Without them,
    /// nothing: code that is not interruptible pays nothing.
    pub fn interruption_checks(&mut self, u: &UnitCx<'ctx, '_>, b: &Builder<'ctx>) -> Result<()> {
        let i64t = u.t.i64;
        if u.opts.consume_fuel {
            let fuel = self.vmctx_ptr(u, b, VMOffsets::FUEL)?;
            let left = b.build_load(i64t, fuel, "fuel")?.into_int_value();
            u.tag_access(left.as_instruction_value().unwrap(), Region::Runtime);
            let left = b.build_int_sub(left, i64t.const_int(1, false), "")?;
            let st = b.build_store(fuel, left)?;
            u.tag_access(st, Region::Runtime);
            let out =
                b.build_int_compare(inkwell::IntPredicate::SLT, left, i64t.const_zero(), "")?;
            self.trap_if(u, b, out, TrapCode::OutOfFuel)?;
        }
        if u.opts.interruptible {
            let flag = self.vmctx_ptr(u, b, VMOffsets::INTERRUPT)?;
            let v = b.build_load(i64t, flag, "interrupt")?;
            // Another thread sets it: read it afresh each time.
            v.as_instruction_value().unwrap().set_volatile(true).ok();
            let stop = b.build_int_compare(
                inkwell::IntPredicate::NE,
                v.into_int_value(),
                i64t.const_zero(),
                "",
            )?;
            self.trap_if(u, b, stop, TrapCode::Interrupted)?;
        }
        Ok(())
    }

    /// Continue only if `cond` is false; otherwise raise `code`.
    pub fn trap_if(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        cond: IntValue<'ctx>,
        code: TrapCode,
    ) -> Result<()> {
        let trap = self.trap_block(u, b, code)?;
        let cont = u.cx.append_basic_block(self.func, "ok");
        let cond = Self::unlikely(u, b, cond)?;
        b.build_conditional_branch(cond, trap, cont)?;
        b.position_at_end(cont);
        Ok(())
    }

    /// `cond`, marked as expected to be false (its branch is cold).
    pub fn unlikely(
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        cond: IntValue<'ctx>,
    ) -> Result<IntValue<'ctx>> {
        let expect = u.intrinsic("llvm.expect", &[u.t.i1.into()]);
        Ok(
            b.build_call(expect, &[cond.into(), u.t.i1.const_zero().into()], "")?
                .try_as_basic_value()
                .basic()
                .unwrap()
                .into_int_value(),
        )
    }

    /// Call a builtin whose result, if non-zero, is a trap code to raise.
    pub fn call_trapping_builtin(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        which: Builtin,
        trap: TrapCode,
        args: &[BasicValueEnum<'ctx>],
    ) -> Result<()> {
        let r = self
            .call_builtin(u, b, which, args, Some(u.t.i32.into()))?
            .unwrap()
            .into_int_value();
        let failed = b.build_int_compare(inkwell::IntPredicate::NE, r, u.t.i32.const_zero(), "")?;
        self.trap_if(u, b, failed, trap)
    }

    pub fn call_builtin(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        which: Builtin,
        args: &[BasicValueEnum<'ctx>],
        ret: Option<BasicTypeEnum<'ctx>>,
    ) -> Result<Option<BasicValueEnum<'ctx>>> {
        let f = self.builtin(u, b, which)?;
        let mut params: Vec<inkwell::types::BasicMetadataTypeEnum> = vec![u.t.ptr.into()];
        params.extend(
            args.iter()
                .map(|a| inkwell::types::BasicMetadataTypeEnum::from(a.get_type())),
        );
        let ty = match ret {
            Some(r) => r.fn_type(&params, false),
            None => u.t.void.fn_type(&params, false),
        };
        let mut all: Vec<inkwell::values::BasicMetadataValueEnum> = vec![self.vmctx.into()];
        all.extend(
            args.iter()
                .map(|a| inkwell::values::BasicMetadataValueEnum::from(*a)),
        );
        let call = b.build_indirect_call(ty, f, &all, "")?;
        Ok(call.try_as_basic_value().basic())
    }
}
