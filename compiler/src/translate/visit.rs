//! The one place that says what becomes of each operator: wasmparser's
//! `VisitOperator` (and `VisitSimdOperator`), implemented by the function
//! translator. An operator of a proposal kiln compiles has a method below
//! that forwards to its category in `lower/`; every other operator is
//! refused by `refuse_proposals!`, by proposal, with the function and
//! offset it was found at. The trait has a method for every operator, so
//! the compiler checks that none is forgotten, and a method written twice
//! (here and by the macro) does not compile.

use crate::error::{CompileError, Result};
use crate::module::features::feature_name;
use crate::translate::lower::compare::{eqz, float_compare, int_compare};
use crate::translate::lower::convert::{self, reinterpret};
use crate::translate::lower::memory::{load, load_narrow, store, store_narrow, Extend};
use crate::translate::lower::numeric::{self, Count, FloatBin, FloatUnary, IntBin};
use crate::translate::lower::{call, control, memory, table, variable};
use crate::translate::FuncTranslator;
use inkwell::{FloatPredicate as F, IntPredicate as I};
use wasmparser::{
    BlockType, BrTable, HeapType, Ieee32, Ieee64, MemArg, ValType, VisitOperator, VisitSimdOperator,
};
use Extend::{Signed, Unsigned};
use ValType::{F32, F64, I32, I64};

impl FuncTranslator<'_, '_> {
    /// Valid WebAssembly that kiln does not compile (yet).
    pub(super) fn refuse(&self, feature: &'static str, operator: &'static str) -> Result<()> {
        Err(CompileError::UnsupportedOperator {
            feature,
            operator,
            func: self.env.func_index,
            offset: self.offset,
        })
    }
}

/// A refusing `visit_*` method for every operator of a proposal kiln does
/// not compile, named for the proposal; nothing for the proposals it does
/// (their methods are written out in the impl below).
macro_rules! refuse_proposals {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $( refuse_proposals!(one @$proposal $op $({ $($arg: $argty),* })? => $visit); )*
    };
    (one @mvp $($rest:tt)*) => {};
    (one @sign_extension $($rest:tt)*) => {};
    (one @saturating_float_to_int $($rest:tt)*) => {};
    (one @bulk_memory $($rest:tt)*) => {};
    (one @reference_types $($rest:tt)*) => {};
    (one @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident) => {
        fn $visit(&mut self $($(, $arg: $argty)*)?) -> Result<()> {
            $($(let _ = $arg;)*)?
            self.refuse(feature_name!($proposal), stringify!($op))
        }
    };
}

// A table, one line per operator.
#[rustfmt::skip]
impl<'a> VisitOperator<'a> for FuncTranslator<'_, '_> {
    type Output = Result<()>;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Result<()>>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(refuse_proposals);

    // Control (lower/control.rs, lower/call.rs)
    fn visit_unreachable(&mut self) -> Result<()> { control::unreachable(self) }
    fn visit_nop(&mut self) -> Result<()> { Ok(()) }
    fn visit_block(&mut self, blockty: BlockType) -> Result<()> { control::block(self, blockty) }
    fn visit_loop(&mut self, blockty: BlockType) -> Result<()> { self.at_join(); self.env.streams.loop_seen(); control::loop_(self, blockty) }
    fn visit_if(&mut self, blockty: BlockType) -> Result<()> { control::if_(self, blockty) }
    fn visit_else(&mut self) -> Result<()> { self.at_join(); control::else_(self) }
    fn visit_end(&mut self) -> Result<()> { self.at_join(); control::end(self) }
    fn visit_br(&mut self, relative_depth: u32) -> Result<()> { control::br(self, relative_depth) }
    fn visit_br_if(&mut self, relative_depth: u32) -> Result<()> { control::br_if(self, relative_depth) }
    fn visit_br_table(&mut self, targets: BrTable<'a>) -> Result<()> { control::br_table(self, &targets) }
    fn visit_return(&mut self) -> Result<()> { control::return_(self) }
    fn visit_call(&mut self, function_index: u32) -> Result<()> { call::call(self, function_index) }
    fn visit_call_indirect(&mut self, type_index: u32, table_index: u32) -> Result<()> { call::call_indirect(self, type_index, table_index) }
    fn visit_drop(&mut self) -> Result<()> { control::drop(self) }
    fn visit_select(&mut self) -> Result<()> { control::select(self) }
    fn visit_typed_select(&mut self, _ty: ValType) -> Result<()> { control::select(self) }
    fn visit_typed_select_multi(&mut self, _tys: Vec<ValType>) -> Result<()> { self.refuse("multi-value select", "TypedSelectMulti") }

    // Locals and globals (lower/variable.rs)
    fn visit_local_get(&mut self, local_index: u32) -> Result<()> { variable::local_get(self, local_index) }
    fn visit_local_set(&mut self, local_index: u32) -> Result<()> { variable::local_set(self, local_index) }
    fn visit_local_tee(&mut self, local_index: u32) -> Result<()> { variable::local_tee(self, local_index) }
    fn visit_global_get(&mut self, global_index: u32) -> Result<()> { variable::global_get(self, global_index) }
    fn visit_global_set(&mut self, global_index: u32) -> Result<()> { variable::global_set(self, global_index) }

    // Linear memory (lower/memory.rs)
    fn visit_i32_load(&mut self, memarg: MemArg) -> Result<()> { load(self, memarg, I32) }
    fn visit_i64_load(&mut self, memarg: MemArg) -> Result<()> { load(self, memarg, I64) }
    fn visit_f32_load(&mut self, memarg: MemArg) -> Result<()> { load(self, memarg, F32) }
    fn visit_f64_load(&mut self, memarg: MemArg) -> Result<()> { load(self, memarg, F64) }
    fn visit_i32_load8_s(&mut self, memarg: MemArg) -> Result<()> { load_narrow(self, memarg, I32, 8, Signed) }
    fn visit_i32_load8_u(&mut self, memarg: MemArg) -> Result<()> { load_narrow(self, memarg, I32, 8, Unsigned) }
    fn visit_i32_load16_s(&mut self, memarg: MemArg) -> Result<()> { load_narrow(self, memarg, I32, 16, Signed) }
    fn visit_i32_load16_u(&mut self, memarg: MemArg) -> Result<()> { load_narrow(self, memarg, I32, 16, Unsigned) }
    fn visit_i64_load8_s(&mut self, memarg: MemArg) -> Result<()> { load_narrow(self, memarg, I64, 8, Signed) }
    fn visit_i64_load8_u(&mut self, memarg: MemArg) -> Result<()> { load_narrow(self, memarg, I64, 8, Unsigned) }
    fn visit_i64_load16_s(&mut self, memarg: MemArg) -> Result<()> { load_narrow(self, memarg, I64, 16, Signed) }
    fn visit_i64_load16_u(&mut self, memarg: MemArg) -> Result<()> { load_narrow(self, memarg, I64, 16, Unsigned) }
    fn visit_i64_load32_s(&mut self, memarg: MemArg) -> Result<()> { load_narrow(self, memarg, I64, 32, Signed) }
    fn visit_i64_load32_u(&mut self, memarg: MemArg) -> Result<()> { load_narrow(self, memarg, I64, 32, Unsigned) }
    fn visit_i32_store(&mut self, memarg: MemArg) -> Result<()> { store(self, memarg) }
    fn visit_i64_store(&mut self, memarg: MemArg) -> Result<()> { store(self, memarg) }
    fn visit_f32_store(&mut self, memarg: MemArg) -> Result<()> { store(self, memarg) }
    fn visit_f64_store(&mut self, memarg: MemArg) -> Result<()> { store(self, memarg) }
    fn visit_i32_store8(&mut self, memarg: MemArg) -> Result<()> { store_narrow(self, memarg, 8) }
    fn visit_i32_store16(&mut self, memarg: MemArg) -> Result<()> { store_narrow(self, memarg, 16) }
    fn visit_i64_store8(&mut self, memarg: MemArg) -> Result<()> { store_narrow(self, memarg, 8) }
    fn visit_i64_store16(&mut self, memarg: MemArg) -> Result<()> { store_narrow(self, memarg, 16) }
    fn visit_i64_store32(&mut self, memarg: MemArg) -> Result<()> { store_narrow(self, memarg, 32) }
    fn visit_memory_size(&mut self, mem: u32) -> Result<()> { memory::size(self, mem) }
    fn visit_memory_grow(&mut self, mem: u32) -> Result<()> { memory::grow(self, mem) }
    fn visit_memory_init(&mut self, data_index: u32, mem: u32) -> Result<()> { memory::init(self, data_index, mem) }
    fn visit_data_drop(&mut self, data_index: u32) -> Result<()> { memory::data_drop(self, data_index) }
    fn visit_memory_copy(&mut self, dst_mem: u32, src_mem: u32) -> Result<()> { memory::copy(self, dst_mem, src_mem) }
    fn visit_memory_fill(&mut self, mem: u32) -> Result<()> { memory::fill(self, mem) }

    // Constants and arithmetic (lower/numeric.rs)
    fn visit_i32_const(&mut self, value: i32) -> Result<()> { numeric::i32_const(self, value) }
    fn visit_i64_const(&mut self, value: i64) -> Result<()> { numeric::i64_const(self, value) }
    fn visit_f32_const(&mut self, value: Ieee32) -> Result<()> { numeric::f32_const(self, value) }
    fn visit_f64_const(&mut self, value: Ieee64) -> Result<()> { numeric::f64_const(self, value) }
    fn visit_i32_clz(&mut self) -> Result<()> { numeric::int_count(self, Count::LeadingZeros) }
    fn visit_i32_ctz(&mut self) -> Result<()> { numeric::int_count(self, Count::TrailingZeros) }
    fn visit_i32_popcnt(&mut self) -> Result<()> { numeric::int_count(self, Count::Ones) }
    fn visit_i32_add(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Add) }
    fn visit_i32_sub(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Sub) }
    fn visit_i32_mul(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Mul) }
    fn visit_i32_div_s(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::DivS) }
    fn visit_i32_div_u(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::DivU) }
    fn visit_i32_rem_s(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::RemS) }
    fn visit_i32_rem_u(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::RemU) }
    fn visit_i32_and(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::And) }
    fn visit_i32_or(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Or) }
    fn visit_i32_xor(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Xor) }
    fn visit_i32_shl(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Shl) }
    fn visit_i32_shr_s(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::ShrS) }
    fn visit_i32_shr_u(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::ShrU) }
    fn visit_i32_rotl(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Rotl) }
    fn visit_i32_rotr(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Rotr) }
    fn visit_i64_clz(&mut self) -> Result<()> { numeric::int_count(self, Count::LeadingZeros) }
    fn visit_i64_ctz(&mut self) -> Result<()> { numeric::int_count(self, Count::TrailingZeros) }
    fn visit_i64_popcnt(&mut self) -> Result<()> { numeric::int_count(self, Count::Ones) }
    fn visit_i64_add(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Add) }
    fn visit_i64_sub(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Sub) }
    fn visit_i64_mul(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Mul) }
    fn visit_i64_div_s(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::DivS) }
    fn visit_i64_div_u(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::DivU) }
    fn visit_i64_rem_s(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::RemS) }
    fn visit_i64_rem_u(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::RemU) }
    fn visit_i64_and(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::And) }
    fn visit_i64_or(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Or) }
    fn visit_i64_xor(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Xor) }
    fn visit_i64_shl(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Shl) }
    fn visit_i64_shr_s(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::ShrS) }
    fn visit_i64_shr_u(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::ShrU) }
    fn visit_i64_rotl(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Rotl) }
    fn visit_i64_rotr(&mut self) -> Result<()> { numeric::int_binary(self, IntBin::Rotr) }
    fn visit_i32_extend8_s(&mut self) -> Result<()> { numeric::sign_extend_low(self, 8) }
    fn visit_i32_extend16_s(&mut self) -> Result<()> { numeric::sign_extend_low(self, 16) }
    fn visit_i64_extend8_s(&mut self) -> Result<()> { numeric::sign_extend_low(self, 8) }
    fn visit_i64_extend16_s(&mut self) -> Result<()> { numeric::sign_extend_low(self, 16) }
    fn visit_i64_extend32_s(&mut self) -> Result<()> { numeric::sign_extend_low(self, 32) }
    fn visit_f32_abs(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Abs) }
    fn visit_f32_neg(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Neg) }
    fn visit_f32_ceil(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Ceil) }
    fn visit_f32_floor(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Floor) }
    fn visit_f32_trunc(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Trunc) }
    fn visit_f32_nearest(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Nearest) }
    fn visit_f32_sqrt(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Sqrt) }
    fn visit_f32_add(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Add) }
    fn visit_f32_sub(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Sub) }
    fn visit_f32_mul(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Mul) }
    fn visit_f32_div(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Div) }
    fn visit_f32_min(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Min) }
    fn visit_f32_max(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Max) }
    fn visit_f32_copysign(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Copysign) }
    fn visit_f64_abs(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Abs) }
    fn visit_f64_neg(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Neg) }
    fn visit_f64_ceil(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Ceil) }
    fn visit_f64_floor(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Floor) }
    fn visit_f64_trunc(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Trunc) }
    fn visit_f64_nearest(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Nearest) }
    fn visit_f64_sqrt(&mut self) -> Result<()> { numeric::float_unary(self, FloatUnary::Sqrt) }
    fn visit_f64_add(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Add) }
    fn visit_f64_sub(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Sub) }
    fn visit_f64_mul(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Mul) }
    fn visit_f64_div(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Div) }
    fn visit_f64_min(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Min) }
    fn visit_f64_max(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Max) }
    fn visit_f64_copysign(&mut self) -> Result<()> { numeric::float_binary(self, FloatBin::Copysign) }

    // Comparisons (lower/compare.rs); every result an i32 0 or 1
    fn visit_i32_eqz(&mut self) -> Result<()> { eqz(self) }
    fn visit_i32_eq(&mut self) -> Result<()> { int_compare(self, I::EQ) }
    fn visit_i32_ne(&mut self) -> Result<()> { int_compare(self, I::NE) }
    fn visit_i32_lt_s(&mut self) -> Result<()> { int_compare(self, I::SLT) }
    fn visit_i32_lt_u(&mut self) -> Result<()> { int_compare(self, I::ULT) }
    fn visit_i32_gt_s(&mut self) -> Result<()> { int_compare(self, I::SGT) }
    fn visit_i32_gt_u(&mut self) -> Result<()> { int_compare(self, I::UGT) }
    fn visit_i32_le_s(&mut self) -> Result<()> { int_compare(self, I::SLE) }
    fn visit_i32_le_u(&mut self) -> Result<()> { int_compare(self, I::ULE) }
    fn visit_i32_ge_s(&mut self) -> Result<()> { int_compare(self, I::SGE) }
    fn visit_i32_ge_u(&mut self) -> Result<()> { int_compare(self, I::UGE) }
    fn visit_i64_eqz(&mut self) -> Result<()> { eqz(self) }
    fn visit_i64_eq(&mut self) -> Result<()> { int_compare(self, I::EQ) }
    fn visit_i64_ne(&mut self) -> Result<()> { int_compare(self, I::NE) }
    fn visit_i64_lt_s(&mut self) -> Result<()> { int_compare(self, I::SLT) }
    fn visit_i64_lt_u(&mut self) -> Result<()> { int_compare(self, I::ULT) }
    fn visit_i64_gt_s(&mut self) -> Result<()> { int_compare(self, I::SGT) }
    fn visit_i64_gt_u(&mut self) -> Result<()> { int_compare(self, I::UGT) }
    fn visit_i64_le_s(&mut self) -> Result<()> { int_compare(self, I::SLE) }
    fn visit_i64_le_u(&mut self) -> Result<()> { int_compare(self, I::ULE) }
    fn visit_i64_ge_s(&mut self) -> Result<()> { int_compare(self, I::SGE) }
    fn visit_i64_ge_u(&mut self) -> Result<()> { int_compare(self, I::UGE) }
    // Ordered but for `ne`, which is true when either side is NaN.
    fn visit_f32_eq(&mut self) -> Result<()> { float_compare(self, F::OEQ) }
    fn visit_f32_ne(&mut self) -> Result<()> { float_compare(self, F::UNE) }
    fn visit_f32_lt(&mut self) -> Result<()> { float_compare(self, F::OLT) }
    fn visit_f32_gt(&mut self) -> Result<()> { float_compare(self, F::OGT) }
    fn visit_f32_le(&mut self) -> Result<()> { float_compare(self, F::OLE) }
    fn visit_f32_ge(&mut self) -> Result<()> { float_compare(self, F::OGE) }
    fn visit_f64_eq(&mut self) -> Result<()> { float_compare(self, F::OEQ) }
    fn visit_f64_ne(&mut self) -> Result<()> { float_compare(self, F::UNE) }
    fn visit_f64_lt(&mut self) -> Result<()> { float_compare(self, F::OLT) }
    fn visit_f64_gt(&mut self) -> Result<()> { float_compare(self, F::OGT) }
    fn visit_f64_le(&mut self) -> Result<()> { float_compare(self, F::OLE) }
    fn visit_f64_ge(&mut self) -> Result<()> { float_compare(self, F::OGE) }

    // Conversions (lower/convert.rs)
    fn visit_i32_wrap_i64(&mut self) -> Result<()> { convert::wrap(self) }
    fn visit_i32_trunc_f32_s(&mut self) -> Result<()> { convert::trunc(self, I32, true) }
    fn visit_i32_trunc_f32_u(&mut self) -> Result<()> { convert::trunc(self, I32, false) }
    fn visit_i32_trunc_f64_s(&mut self) -> Result<()> { convert::trunc(self, I32, true) }
    fn visit_i32_trunc_f64_u(&mut self) -> Result<()> { convert::trunc(self, I32, false) }
    fn visit_i64_extend_i32_s(&mut self) -> Result<()> { convert::extend_i32(self, true) }
    fn visit_i64_extend_i32_u(&mut self) -> Result<()> { convert::extend_i32(self, false) }
    fn visit_i64_trunc_f32_s(&mut self) -> Result<()> { convert::trunc(self, I64, true) }
    fn visit_i64_trunc_f32_u(&mut self) -> Result<()> { convert::trunc(self, I64, false) }
    fn visit_i64_trunc_f64_s(&mut self) -> Result<()> { convert::trunc(self, I64, true) }
    fn visit_i64_trunc_f64_u(&mut self) -> Result<()> { convert::trunc(self, I64, false) }
    fn visit_f32_convert_i32_s(&mut self) -> Result<()> { convert::int_to_float(self, F32, true) }
    fn visit_f32_convert_i32_u(&mut self) -> Result<()> { convert::int_to_float(self, F32, false) }
    fn visit_f32_convert_i64_s(&mut self) -> Result<()> { convert::int_to_float(self, F32, true) }
    fn visit_f32_convert_i64_u(&mut self) -> Result<()> { convert::int_to_float(self, F32, false) }
    fn visit_f32_demote_f64(&mut self) -> Result<()> { convert::demote(self) }
    fn visit_f64_convert_i32_s(&mut self) -> Result<()> { convert::int_to_float(self, F64, true) }
    fn visit_f64_convert_i32_u(&mut self) -> Result<()> { convert::int_to_float(self, F64, false) }
    fn visit_f64_convert_i64_s(&mut self) -> Result<()> { convert::int_to_float(self, F64, true) }
    fn visit_f64_convert_i64_u(&mut self) -> Result<()> { convert::int_to_float(self, F64, false) }
    fn visit_f64_promote_f32(&mut self) -> Result<()> { convert::promote(self) }
    fn visit_i32_reinterpret_f32(&mut self) -> Result<()> { reinterpret(self, I32) }
    fn visit_i64_reinterpret_f64(&mut self) -> Result<()> { reinterpret(self, I64) }
    fn visit_f32_reinterpret_i32(&mut self) -> Result<()> { reinterpret(self, F32) }
    fn visit_f64_reinterpret_i64(&mut self) -> Result<()> { reinterpret(self, F64) }
    fn visit_i32_trunc_sat_f32_s(&mut self) -> Result<()> { convert::trunc_sat(self, I32, true) }
    fn visit_i32_trunc_sat_f32_u(&mut self) -> Result<()> { convert::trunc_sat(self, I32, false) }
    fn visit_i32_trunc_sat_f64_s(&mut self) -> Result<()> { convert::trunc_sat(self, I32, true) }
    fn visit_i32_trunc_sat_f64_u(&mut self) -> Result<()> { convert::trunc_sat(self, I32, false) }
    fn visit_i64_trunc_sat_f32_s(&mut self) -> Result<()> { convert::trunc_sat(self, I64, true) }
    fn visit_i64_trunc_sat_f32_u(&mut self) -> Result<()> { convert::trunc_sat(self, I64, false) }
    fn visit_i64_trunc_sat_f64_s(&mut self) -> Result<()> { convert::trunc_sat(self, I64, true) }
    fn visit_i64_trunc_sat_f64_u(&mut self) -> Result<()> { convert::trunc_sat(self, I64, false) }

    // Tables and references (lower/table.rs)
    fn visit_ref_null(&mut self, _hty: HeapType) -> Result<()> { table::ref_null(self) }
    fn visit_ref_is_null(&mut self) -> Result<()> { table::ref_is_null(self) }
    fn visit_ref_func(&mut self, function_index: u32) -> Result<()> { table::ref_func(self, function_index) }
    fn visit_table_get(&mut self, table: u32) -> Result<()> { table::get(self, table) }
    fn visit_table_set(&mut self, table: u32) -> Result<()> { table::set(self, table) }
    fn visit_table_size(&mut self, table: u32) -> Result<()> { table::size(self, table) }
    fn visit_table_grow(&mut self, table: u32) -> Result<()> { table::grow(self, table) }
    fn visit_table_fill(&mut self, table: u32) -> Result<()> { table::fill(self, table) }
    fn visit_table_copy(&mut self, dst_table: u32, src_table: u32) -> Result<()> { table::copy(self, dst_table, src_table) }
    fn visit_table_init(&mut self, elem_index: u32, table: u32) -> Result<()> { table::init(self, elem_index, table) }
    fn visit_elem_drop(&mut self, elem_index: u32) -> Result<()> { table::elem_drop(self, elem_index) }
}

// SIMD: refused as a whole, operator by operator, until lower/simd.rs.
impl<'a> VisitSimdOperator<'a> for FuncTranslator<'_, '_> {
    wasmparser::for_each_visit_simd_operator!(refuse_proposals);
}

#[cfg(test)]
mod tests {
    use crate::CompileOptions;

    /// The error compiling `wat`, and the byte offset of its first
    /// operator named `op` (as wasmparser's `Operator` prints it).
    fn refusal(wat: &str, op: &str) -> (String, usize) {
        let wasm = wat::parse_str(wat).unwrap();
        let err = crate::compile(&wasm, &CompileOptions::default())
            .err()
            .unwrap();
        let mut offset = None;
        for payload in wasmparser::Parser::new(0).parse_all(&wasm) {
            if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
                let mut ops = body.get_operators_reader().unwrap();
                while !ops.eof() {
                    let (o, at) = ops.read_with_offset().unwrap();
                    if offset.is_none() && format!("{o:?}").starts_with(op) {
                        offset = Some(at);
                    }
                }
            }
        }
        (
            err.to_string(),
            offset.expect("the operator in the module") as usize,
        )
    }

    #[test]
    fn refusals_name_the_feature_the_operator_the_function_and_the_offset() {
        let cases = [
            (
                r#"(module (func) (func (result i32) (return_call 2)) (func (result i32) (i32.const 1)))"#,
                "ReturnCall",
                "tail calls",
                1,
            ),
            (
                r#"(module (func (result i32) (i32x4.extract_lane 1 (i32x4.splat (i32.const 7)))))"#,
                "I32x4Splat",
                "simd",
                0,
            ),
            (
                r#"(module (memory 1 1)
                     (func (param i32) (result i32) (i32.atomic.load (local.get 0))))"#,
                "I32AtomicLoad",
                "threads",
                0,
            ),
        ];
        for (wat, op, feature, func) in cases {
            let (message, offset) = refusal(wat, op);
            let expected =
                format!("unsupported: {feature} ({op}) in function {func} at offset {offset:#x}");
            assert_eq!(message, expected);
        }
    }
}
