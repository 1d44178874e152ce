//! `FuncEnv` alone knows how compiled code reaches the instance: memories
//! (`heap.rs`), tables and function references (`tables.rs`), globals,
//! imported functions, signature ids, builtins and the stack limit, all
//! through the vmctx layout of `kiln_abi::VMOffsets`. It holds the context
//! of the function being translated: the unit, the builder, the function,
//! its vmctx parameter, and what is known of its addresses.
//!
//! Values that cannot change while the instance lives (a memory's base, the
//! addresses of tables and globals, imported callees, builtins) are loaded
//! once in the entry block and marked `!invariant.load`, so LLVM keeps them
//! in registers.

pub mod addr_facts;
mod heap;
pub mod streams;
mod tables;

use crate::error::{CompileError, Result};
use crate::llvm::ir;
use crate::llvm::unit::{Region, UnitCx};
use addr_facts::AddressFacts;
use inkwell::basic_block::BasicBlock;
use inkwell::builder::Builder;
use inkwell::types::{BasicType, BasicTypeEnum};
use inkwell::values::{BasicValue, BasicValueEnum, FunctionValue, IntValue, PointerValue};
use kiln_abi::{Builtin, TrapCode, VMOffsets};
use std::collections::HashMap;
use streams::Streams;

pub use heap::Access;

pub struct FuncEnv<'a, 'ctx> {
    u: &'a UnitCx<'ctx, 'a>,
    b: &'a Builder<'ctx>,
    pub vmctx: PointerValue<'ctx>,
    pub func: FunctionValue<'ctx>,
    pub func_index: u32,
    entry: BasicBlock<'ctx>,
    /// Addresses known to be in bounds, for `nuw` on address arithmetic.
    pub facts: AddressFacts<'a, 'ctx>,
    /// Per-array copies of memory bases in loops.
    pub streams: Streams<'a, 'ctx>,
    /// Pointers loaded from the vmctx on entry, by their offset in it.
    vmctx_ptrs: HashMap<u32, PointerValue<'ctx>>,
    memory_bases: HashMap<u32, PointerValue<'ctx>>,
    fixed_table_bases: HashMap<u32, PointerValue<'ctx>>,
    callees: HashMap<u32, (PointerValue<'ctx>, PointerValue<'ctx>)>,
    sig_ids: HashMap<u32, IntValue<'ctx>>,
    trap_blocks: HashMap<TrapCode, BasicBlock<'ctx>>,
}

impl<'a, 'ctx> FuncEnv<'a, 'ctx> {
    pub fn new(
        u: &'a UnitCx<'ctx, 'a>,
        b: &'a Builder<'ctx>,
        func: FunctionValue<'ctx>,
        func_index: u32,
        entry: BasicBlock<'ctx>,
        facts: &'a crate::analysis::scan::FunctionFacts,
    ) -> Self {
        let vmctx = func.get_nth_param(0).unwrap().into_pointer_value();
        FuncEnv {
            u,
            b,
            vmctx,
            func,
            func_index,
            entry,
            facts: AddressFacts::new(&facts.reads_ahead),
            streams: Streams::new(&facts.loops),
            vmctx_ptrs: HashMap::new(),
            memory_bases: HashMap::new(),
            fixed_table_bases: HashMap::new(),
            callees: HashMap::new(),
            sig_ids: HashMap::new(),
            trap_blocks: HashMap::new(),
        }
    }

    /// Emit `f` in the entry block (before the jump into the body).
    fn in_entry<T>(&self, f: impl FnOnce(&Builder<'ctx>) -> Result<T>) -> Result<T> {
        let b = self.b;
        let here = b.get_insert_block().unwrap();
        b.position_at_end(self.entry);
        let r = f(b);
        b.position_at_end(here);
        r
    }

    /// The pointer at `offset` in the vmctx, loaded once on entry.
    fn vmctx_ptr(&mut self, offset: u32) -> Result<PointerValue<'ctx>> {
        if let Some(p) = self.vmctx_ptrs.get(&offset) {
            return Ok(*p);
        }
        let (u, vmctx) = (self.u, self.vmctx);
        let p = self.in_entry(|b| {
            Ok(
                ir::load_runtime_field(u, b, vmctx, offset, u.t.ptr.into(), true)?
                    .into_pointer_value(),
            )
        })?;
        self.vmctx_ptrs.insert(offset, p);
        Ok(p)
    }

    /// A base that never moves, loaded once on entry: for index 0 from its
    /// copy in the vmctx header (`header_copy`), otherwise through the
    /// `VMMemory`/`VMTable` that `def` gives, at `field`.
    fn fixed_base(
        &mut self,
        index: u32,
        header_copy: u32,
        field: u32,
        def: impl FnOnce(&mut Self) -> Result<PointerValue<'ctx>>,
    ) -> Result<PointerValue<'ctx>> {
        if index == 0 {
            return self.vmctx_ptr(header_copy);
        }
        let def = def(self)?;
        let u = self.u;
        self.in_entry(|b| {
            Ok(
                ir::load_runtime_field(u, b, def, field, u.t.ptr.into(), true)?
                    .into_pointer_value(),
            )
        })
    }

    /// A load of the runtime's data at `base + offset`, done here.
    fn load_field(
        &self,
        base: PointerValue<'ctx>,
        offset: u32,
        ty: BasicTypeEnum<'ctx>,
    ) -> Result<BasicValueEnum<'ctx>> {
        ir::load_runtime_field(self.u, self.b, base, offset, ty, false)
    }

    /// Address of the storage of global `index`.
    pub fn global(&mut self, index: u32) -> Result<PointerValue<'ctx>> {
        self.vmctx_ptr(self.u.offsets.global_ptr(index))
    }

    /// Address of the `VMFuncRef` of function `index` inside this vmctx:
    /// an imported function, or a defined one a reference may be taken
    /// to (validation refuses `ref.func` of any other).
    pub fn funcref(&self, index: u32) -> Result<PointerValue<'ctx>> {
        let slot = (self.u.info.funcref_slots.of(index)).ok_or_else(|| CompileError::Codegen {
            func: self.func_index,
            message: format!("a reference to function {index}, which has no funcref slot"),
        })?;
        ir::field(self.u, self.b, self.vmctx, self.u.offsets.funcref(slot))
    }

    /// `(code pointer, callee vmctx)` of an imported function.
    pub fn imported_callee(
        &mut self,
        index: u32,
    ) -> Result<(PointerValue<'ctx>, PointerValue<'ctx>)> {
        if let Some(c) = self.callees.get(&index) {
            return Ok(*c);
        }
        let (u, vmctx) = (self.u, self.vmctx);
        let c = self.in_entry(|b| {
            // Imported functions' slots are their indices.
            let fr = ir::field(u, b, vmctx, u.offsets.funcref(index))?;
            let load = |offset| ir::load_runtime_field(u, b, fr, offset, u.t.ptr.into(), true);
            let code = load(VMOffsets::FUNCREF_FUNC_PTR)?;
            let cx = load(VMOffsets::FUNCREF_VMCTX)?;
            Ok((code.into_pointer_value(), cx.into_pointer_value()))
        })?;
        self.callees.insert(index, c);
        Ok(c)
    }

    /// The canonical signature id of type `index`: a constant for the
    /// signatures that have a structural id, else loaded from the vmctx,
    /// where the runtime put the one it assigned.
    pub fn sig_id(&mut self, index: u32) -> Result<IntValue<'ctx>> {
        if let Some(s) = self.sig_ids.get(&index) {
            return Ok(*s);
        }
        let (u, vmctx) = (self.u, self.vmctx);
        let s = match kiln_abi::structural_sig_id_of(&u.info.description.types[index as usize]) {
            Some(id) => u.t.i32.const_int(id as u64, false),
            None => self.in_entry(|b| {
                let offset = u.offsets.sig_id(index);
                Ok(
                    ir::load_runtime_field(u, b, vmctx, offset, u.t.i32.into(), true)?
                        .into_int_value(),
                )
            })?,
        };
        self.sig_ids.insert(index, s);
        Ok(s)
    }

    /// Entry point of a runtime builtin.
    fn builtin(&mut self, which: Builtin) -> Result<PointerValue<'ctx>> {
        let table = self.vmctx_ptr(VMOffsets::BUILTINS)?;
        let u = self.u;
        let off = u.offsets.builtin(which);
        self.in_entry(|b| {
            Ok(
                ir::load_runtime_field(u, b, table, off, u.t.ptr.into(), true)?
                    .into_pointer_value(),
            )
        })
    }

    /// The block that raises `code`; one per function and code, cold.
    pub fn trap_block(&mut self, code: TrapCode) -> Result<BasicBlock<'ctx>> {
        if let Some(bb) = self.trap_blocks.get(&code) {
            return Ok(*bb);
        }
        let (u, b) = (self.u, self.b);
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

    /// Raise trap `code` here (it does not return), on behalf of wasm
    /// function `func_index`: with a trap instruction where the target has
    /// them, else by calling the trap builtin, with this frame's frame
    /// pointer to start the backtrace from.
    pub fn raise(
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        vmctx: PointerValue<'ctx>,
        code: TrapCode,
        func_index: u32,
    ) -> Result<()> {
        let attribute = |name| {
            u.cx.create_enum_attribute(
                inkwell::attributes::Attribute::get_named_enum_kind_id(name),
                0,
            )
        };
        let call = if u.target.traps_by_instruction() {
            u.target.trap_instruction(u, b, code, func_index)?
        } else {
            let trap_fn = builtin_here(u, b, vmctx, Builtin::Trap)?;
            let frame = ir::frame_address(u, b)?;
            let ty = builtin_type(u, Builtin::Trap);
            let args = [
                vmctx.into(),
                u.t.i32.const_int(code as u64, false).into(),
                u.t.i32.const_int(func_index as u64, false).into(),
                frame.into(),
            ];
            b.build_indirect_call(ty, trap_fn, &args, "")?
        };
        let loc = inkwell::attributes::AttributeLoc::Function;
        call.add_attribute(loc, attribute("cold"));
        call.add_attribute(loc, attribute("noreturn"));
        b.build_unreachable()?;
        Ok(())
    }

    /// The runtime's stack limit for the wasm code of `vmctx`: a frame
    /// below it traps (see `stack_check`).
    pub fn stack_limit(
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        vmctx: PointerValue<'ctx>,
    ) -> Result<IntValue<'ctx>> {
        let limit = VMOffsets::STACK_LIMIT;
        Ok(ir::load_runtime_field(u, b, vmctx, limit, u.t.i64.into(), false)?.into_int_value())
    }

    /// At a function entry or a loop header: consume a unit of fuel and
    /// look at the interrupt flag, as the options ask. Without them,
    /// nothing: code that is not interruptible pays nothing.
    pub fn interruption_checks(&mut self) -> Result<()> {
        let (u, b) = (self.u, self.b);
        let i64t = u.t.i64;
        if u.opts.consume_fuel {
            let fuel = self.vmctx_ptr(VMOffsets::FUEL)?;
            let left = b.build_load(i64t, fuel, "fuel")?.into_int_value();
            u.tag_access(left.as_instruction_value().unwrap(), Region::Runtime);
            let left = b.build_int_sub(left, i64t.const_int(1, false), "")?;
            let st = b.build_store(fuel, left)?;
            u.tag_access(st, Region::Runtime);
            let out =
                b.build_int_compare(inkwell::IntPredicate::SLT, left, i64t.const_zero(), "")?;
            self.trap_if(out, TrapCode::OutOfFuel)?;
        }
        if u.opts.interruptible {
            let flag = self.vmctx_ptr(VMOffsets::INTERRUPT)?;
            let v = b.build_load(i64t, flag, "interrupt")?;
            // Another thread sets it: read it afresh each time.
            v.as_instruction_value().unwrap().set_volatile(true).ok();
            let raised = b.build_int_compare(
                inkwell::IntPredicate::NE,
                v.into_int_value(),
                i64t.const_zero(),
                "",
            )?;
            // Raised: the runtime says whether to stop (a trap) or to go
            // on, having let others run (preempted).
            let asked = u.cx.append_basic_block(self.func, "interrupted");
            let cont = u.cx.append_basic_block(self.func, "not_interrupted");
            let raised = ir::unlikely(u, b, raised)?;
            b.build_conditional_branch(raised, asked, cont)?;
            b.position_at_end(asked);
            self.call_interrupted()?;
            self.b.build_unconditional_branch(cont)?;
            self.b.position_at_end(cont);
        }
        Ok(())
    }

    /// Ask the runtime what a raised interrupt flag means here (the
    /// `Interrupted` builtin): trap, or go on, perhaps after other work
    /// ran on this thread. Everything it needs is loaded here, on the
    /// cold path, so that nothing stays live across the function for it.
    fn call_interrupted(&mut self) -> Result<()> {
        let (u, b) = (self.u, self.b);
        let vmctx = self.vmctx;
        // The runtime's code needs its reserve below the stack limit, which
        // the function's entry does not check for this call (it is marked
        // as checked, `stack_check::CHECKED_CALL`): checked here.
        let sp = u.target.stack_position(u, b)?;
        let limit = Self::stack_limit(u, b, vmctx)?;
        let over = b.build_int_compare(inkwell::IntPredicate::ULT, sp, limit, "")?;
        self.trap_if(over, TrapCode::CallStackExhausted)?;
        let b = self.b;
        let f = builtin_here(u, b, vmctx, Builtin::Interrupted)?;
        let ty = builtin_type(u, Builtin::Interrupted);
        let call = b.build_indirect_call(ty, f, &[vmctx.into()], "")?;
        // It reads the vmctx and the flag, clears a bit of the flag (which
        // compiled code reads only with volatile loads), and may suspend
        // this stack while other code runs, which never touches this
        // instance's memory, tables or globals: values LLVM keeps in
        // registers across a loop's iterations stay valid past it.
        // (`memory(argmem: read, inaccessiblemem: readwrite)`: two bits a
        // location, argument memory first, then inaccessible memory.)
        const ARGMEM_READ_INACCESSIBLE_READWRITE: u64 = 1 | (3 << 2);
        let loc = inkwell::attributes::AttributeLoc::Function;
        let memory = inkwell::attributes::Attribute::get_named_enum_kind_id("memory");
        call.add_attribute(
            loc,
            u.cx.create_enum_attribute(memory, ARGMEM_READ_INACCESSIBLE_READWRITE),
        );
        // An `extern "C"` function: a panic in it aborts.
        let kind = inkwell::attributes::Attribute::get_named_enum_kind_id;
        call.add_attribute(loc, u.cx.create_enum_attribute(kind("nounwind"), 0));
        // It only reads the vmctx and keeps no pointer to it (`captures`
        // 0 is `captures(none)`).
        let vmctx_arg = inkwell::attributes::AttributeLoc::Param(0);
        call.add_attribute(vmctx_arg, u.cx.create_enum_attribute(kind("readonly"), 0));
        call.add_attribute(vmctx_arg, u.cx.create_enum_attribute(kind("captures"), 0));
        call.add_attribute(
            loc,
            u.cx.create_string_attribute(super::stack_check::CHECKED_CALL, ""),
        );
        let r = call
            .try_as_basic_value()
            .basic()
            .expect("a trap code")
            .into_int_value();
        let failed = b.build_int_compare(inkwell::IntPredicate::NE, r, u.t.i32.const_zero(), "")?;
        self.trap_if(failed, TrapCode::Interrupted)
    }

    /// Continue only if `cond` is false; otherwise raise `code`.
    pub fn trap_if(&mut self, cond: IntValue<'ctx>, code: TrapCode) -> Result<()> {
        let (u, b) = (self.u, self.b);
        let trap = self.trap_block(code)?;
        let cont = u.cx.append_basic_block(self.func, "ok");
        let cond = ir::unlikely(u, b, cond)?;
        b.build_conditional_branch(cond, trap, cont)?;
        b.position_at_end(cont);
        Ok(())
    }

    /// Call a builtin whose result, if non-zero, is a trap code to raise.
    pub fn call_trapping_builtin(
        &mut self,
        which: Builtin,
        trap: TrapCode,
        args: &[BasicValueEnum<'ctx>],
    ) -> Result<()> {
        let (u, b) = (self.u, self.b);
        let r = self
            .call_builtin(which, args)?
            .expect("a builtin that returns a trap code")
            .into_int_value();
        let failed = b.build_int_compare(inkwell::IntPredicate::NE, r, u.t.i32.const_zero(), "")?;
        self.trap_if(failed, trap)
    }

    /// Call builtin `which` with `args` (after the vmctx), as its signature
    /// in `kiln_abi` declares it; its result, if it has one.
    pub fn call_builtin(
        &mut self,
        which: Builtin,
        args: &[BasicValueEnum<'ctx>],
    ) -> Result<Option<BasicValueEnum<'ctx>>> {
        let f = self.builtin(which)?;
        let ty = builtin_type(self.u, which);
        let params = ty.get_param_types();
        let fits = params.len() == args.len() + 1
            && params[1..]
                .iter()
                .zip(args)
                .all(|(p, a)| BasicTypeEnum::try_from(*p).ok() == Some(a.get_type()));
        if !fits {
            return Err(crate::error::CompileError::Codegen {
                func: self.func_index,
                message: format!("builtin {which:?} called with {args:?}"),
            });
        }
        let mut all: Vec<inkwell::values::BasicMetadataValueEnum> = vec![self.vmctx.into()];
        all.extend(
            args.iter()
                .map(|a| inkwell::values::BasicMetadataValueEnum::from(*a)),
        );
        let call = self.b.build_indirect_call(ty, f, &all, "")?;
        Ok(call.try_as_basic_value().basic())
    }
}

/// The address of builtin `which`, loaded from `vmctx`'s table where `b`
/// stands (a cold path's own, rather than the entry block's).
fn builtin_here<'ctx>(
    u: &UnitCx<'ctx, '_>,
    b: &Builder<'ctx>,
    vmctx: PointerValue<'ctx>,
    which: Builtin,
) -> Result<PointerValue<'ctx>> {
    let load = |base, offset| {
        ir::load_runtime_field(u, b, base, offset, u.t.ptr.into(), true)
            .map(|v| v.into_pointer_value())
    };
    let table = load(vmctx, VMOffsets::BUILTINS)?;
    load(table, u.offsets.builtin(which))
}

/// The LLVM type of builtin `which`, vmctx first, from its signature.
fn builtin_type<'ctx>(u: &UnitCx<'ctx, '_>, which: Builtin) -> inkwell::types::FunctionType<'ctx> {
    let sig = which.signature();
    let llvm = |t: kiln_abi::AbiType| -> BasicTypeEnum<'ctx> {
        match t {
            kiln_abi::AbiType::I32 => u.t.i32.into(),
            kiln_abi::AbiType::I64 => u.t.i64.into(),
            kiln_abi::AbiType::Ptr => u.t.ptr.into(),
        }
    };
    let mut params: Vec<inkwell::types::BasicMetadataTypeEnum> = vec![u.t.ptr.into()];
    params.extend(
        sig.params
            .iter()
            .map(|p| inkwell::types::BasicMetadataTypeEnum::from(llvm(*p))),
    );
    match sig.result {
        Some(r) => llvm(r).fn_type(&params, false),
        None => u.t.void.fn_type(&params, false),
    }
}
