//! Tables and function references, as the runtime lays them out: a
//! funcref value is the address of a `VMFuncRef` (null for `ref.null`), an
//! externref an opaque host value (0 for null). An externref table holds
//! the values; a funcref table element is a `VMTableFuncRef`: a copy of the
//! funcref, for `call_indirect`, then its address, the element's value (all
//! zeros for null).

use super::FuncEnv;
use crate::error::Result;
use crate::llvm::ir;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::IntPredicate;
use kiln_abi::{TrapCode, VMOffsets, VM_FUNCREF_SIZE, VM_TABLE_FUNCREF_SIZE};

impl<'ctx> FuncEnv<'_, 'ctx> {
    /// Address of the `VMTable` of table `index`.
    fn table_def(&mut self, index: u32) -> Result<PointerValue<'ctx>> {
        self.vmctx_ptr(self.u.offsets.table_ptr(index))
    }

    /// `(elements base, length)` of a table, loaded now (tables can grow).
    /// A table whose maximum is its minimum cannot grow (an import of that
    /// type can only be matched by such a table): its length is a constant
    /// and its elements never move, so the base is loaded once, on entry.
    /// Rust and C modules declare their tables so; `call_indirect` then
    /// checks the index against a constant.
    pub fn table_bounds(&mut self, index: u32) -> Result<(PointerValue<'ctx>, IntValue<'ctx>)> {
        let u = self.u;
        let ty = u.info.tables[index as usize];
        if ty.maximum == Some(ty.initial) {
            let len = u.t.i64.const_int(ty.initial, false);
            if let Some(base) = self.fixed_table_bases.get(&index) {
                return Ok((*base, len));
            }
            let base =
                self.fixed_base(index, VMOffsets::TABLE0_BASE, VMOffsets::TABLE_BASE, |e| {
                    e.table_def(index)
                })?;
            self.fixed_table_bases.insert(index, base);
            return Ok((base, len));
        }
        let def = self.table_def(index)?;
        let base = self.load_field(def, VMOffsets::TABLE_BASE, u.t.ptr.into())?;
        let len = self.load_field(def, VMOffsets::TABLE_LENGTH, u.t.i64.into())?;
        Ok((base.into_pointer_value(), len.into_int_value()))
    }

    fn holds_funcrefs(&self, table: u32) -> bool {
        self.u.info.tables[table as usize]
            .element_type
            .is_func_ref()
    }

    /// The slot of element `i` of `table`, which must be below its length
    /// (else trap `oob`).
    pub fn table_element(
        &mut self,
        table: u32,
        i: IntValue<'ctx>,
        oob: TrapCode,
    ) -> Result<PointerValue<'ctx>> {
        let (u, b) = (self.u, self.b);
        let (base, len) = self.table_bounds(table)?;
        let i = b.build_int_z_extend(i, u.t.i64, "")?;
        let out = b.build_int_compare(IntPredicate::UGE, i, len, "")?;
        self.trap_if(out, oob)?;
        if self.holds_funcrefs(table) {
            let element = u.t.i8.array_type(VM_TABLE_FUNCREF_SIZE);
            // SAFETY (of the generated code): `i` is below the length.
            return Ok(unsafe { b.build_gep(element, base, &[i], "")? });
        }
        // SAFETY (of the generated code): `i` is below the length.
        Ok(unsafe { b.build_gep(u.t.ptr, base, &[i], "")? })
    }

    /// The reference held in an element's `slot` (`table_element`).
    pub fn table_get(
        &mut self,
        table: u32,
        slot: PointerValue<'ctx>,
    ) -> Result<BasicValueEnum<'ctx>> {
        let (u, b) = (self.u, self.b);
        let value = if self.holds_funcrefs(table) {
            ir::field(u, b, slot, VMOffsets::TABLE_FUNCREF_ADDRESS)?
        } else {
            slot
        };
        Ok(b.build_load(u.t.ptr, value, "")?)
    }

    /// Store reference `v` in an element's `slot`: for a funcref, a copy of
    /// the `VMFuncRef` (zeros for null) and its address.
    pub fn table_set(
        &mut self,
        table: u32,
        slot: PointerValue<'ctx>,
        v: BasicValueEnum<'ctx>,
    ) -> Result<()> {
        let (u, b) = (self.u, self.b);
        if !self.holds_funcrefs(table) {
            b.build_store(slot, v)?;
            return Ok(());
        }
        let v = v.into_pointer_value();
        let size = u.t.i64.const_int(VM_FUNCREF_SIZE as u64, false);
        let copy = u.cx.append_basic_block(self.func, "copy_funcref");
        let clear = u.cx.append_basic_block(self.func, "clear_funcref");
        let done = u.cx.append_basic_block(self.func, "funcref_set");
        b.build_conditional_branch(b.build_is_null(v, "")?, clear, copy)?;
        b.position_at_end(copy);
        b.build_memcpy(slot, 8, v, 8, size)?;
        b.build_unconditional_branch(done)?;
        b.position_at_end(clear);
        b.build_memset(slot, 8, u.t.i8.const_zero(), size)?;
        b.build_unconditional_branch(done)?;
        b.position_at_end(done);
        let address = ir::field(u, b, slot, VMOffsets::TABLE_FUNCREF_ADDRESS)?;
        b.build_store(address, v)?;
        Ok(())
    }

    /// The signature id of the funcref in a funcref table element's
    /// `slot`: 0 for a null element.
    pub fn callee_sig_id(&mut self, slot: PointerValue<'ctx>) -> Result<IntValue<'ctx>> {
        let id = self.load_field(slot, VMOffsets::FUNCREF_SIG_ID, self.u.t.i32.into())?;
        Ok(id.into_int_value())
    }

    /// `(code pointer, callee vmctx)` of the funcref in a funcref table
    /// element's `slot`.
    pub fn callee(
        &mut self,
        slot: PointerValue<'ctx>,
    ) -> Result<(PointerValue<'ctx>, PointerValue<'ctx>)> {
        let ptr = self.u.t.ptr.into();
        let code = self.load_field(slot, VMOffsets::FUNCREF_FUNC_PTR, ptr)?;
        let vmctx = self.load_field(slot, VMOffsets::FUNCREF_VMCTX, ptr)?;
        Ok((code.into_pointer_value(), vmctx.into_pointer_value()))
    }
}
