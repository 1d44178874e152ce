//! One read of each function body: it is validated, and everything the
//! rest of the compiler wants to know about it before translating it is
//! collected into a `FunctionFacts`. This file is the analyses' one list of
//! operators; translation has its own in `translate/visit.rs`.

use crate::error::Result;
use crate::module::ModuleInfo;
use std::collections::HashSet;
use wasmparser::{
    FuncToValidate, FuncValidatorAllocations, FunctionBody, MemArg, Operator as O,
    ValidatorResources,
};

/// What a function body does, as far as planning and translation care.
#[derive(Default)]
pub struct FunctionFacts {
    /// Functions it calls directly (`call`, `return_call`), in order, with
    /// repeats.
    pub callees: Vec<u32>,
    /// Functions whose reference it takes (`ref.func`).
    pub references: Vec<u32>,
    /// `(table, type index)` of every `call_indirect`.
    pub indirect_calls: Vec<(u32, u32)>,
    /// Tables it may change (`table.set`, `.grow`, `.fill`, `.init`, or
    /// `.copy` into them).
    pub tables_changed: Vec<u32>,
    /// It calls a wasm function (directly, through a table or a
    /// reference, or as a tail call).
    pub calls_wasm: bool,
    /// It may call code that is not wasm: an import, whatever a table
    /// holds, a runtime builtin.
    pub calls_host: bool,
    /// Locals, parameters included.
    pub locals: usize,
    /// Each loop's shape, by ordinal in the body (see `translate::env::streams`).
    pub loops: Vec<LoopShape>,
    /// Positions (in operator order) of the `local.get`s whose value a load
    /// from a memory below 4 GiB uses as its address later in the same
    /// quiet run, with the local unchanged until then (see below); sorted.
    pub reads_ahead: Vec<u32>,
}

/// What translation needs to know about a loop before it starts on it.
pub struct LoopShape {
    /// Locals the loop writes: indices or moving pointers, so an anchor
    /// it does not write is preferred when an address has two.
    pub written: HashSet<u32>,
    /// Innermost, without calls, one basic block (no branch but the one
    /// back to its start), with a store: a loop the vectorizer may take on
    /// and whose stores may seem to depend on its loads.
    pub streams: bool,
    /// The loop stores to memory.
    pub stores: bool,
}

/// Validate `body` (the `index`th defined function) with `validator` and
/// collect its facts, in one read.
pub fn function(
    info: &ModuleInfo,
    index: usize,
    body: &FunctionBody,
    validator: FuncToValidate<ValidatorResources>,
    allocations: FuncValidatorAllocations,
) -> Result<(FunctionFacts, FuncValidatorAllocations)> {
    let mut v = validator.into_validator(allocations);
    let func_index = info.num_imported_funcs + index as u32;
    let mut facts = FunctionFacts {
        locals: info.func_type(func_index).params().len(),
        ..FunctionFacts::default()
    };
    let mut locals = body.get_locals_reader()?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, ty) = locals.read()?;
        v.define_locals(offset, count, ty)?;
        facts.locals += count as usize;
    }
    let mut loops = Loops::default();
    let mut steps = Vec::new();
    let mut ops = body.get_operators_reader()?;
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset()?;
        v.op(offset, &op)?;
        facts.note(info, &op);
        loops.note(&op);
        steps.push(Step::of(info, &op));
    }
    ops.finish()?;
    facts.loops = loops.finish();
    facts.reads_ahead = reads_ahead(&steps);
    Ok((facts, v.into_allocations()))
}

/// Validate `body` without collecting anything: for a module that will be
/// refused, but must first be found valid.
pub fn validate_only(
    body: &FunctionBody,
    validator: FuncToValidate<ValidatorResources>,
    allocations: FuncValidatorAllocations,
) -> Result<FuncValidatorAllocations> {
    let mut v = validator.into_validator(allocations);
    v.validate(body)?;
    Ok(v.into_allocations())
}

impl FunctionFacts {
    fn note(&mut self, info: &ModuleInfo, op: &O) {
        match *op {
            O::Call { function_index } | O::ReturnCall { function_index } => {
                self.callees.push(function_index);
                self.calls_wasm = true;
                self.calls_host |= function_index < info.num_imported_funcs;
            }
            O::CallIndirect {
                type_index,
                table_index,
            } => {
                self.indirect_calls.push((table_index, type_index));
                self.calls_wasm = true;
                self.calls_host = true;
            }
            O::ReturnCallIndirect { .. } | O::CallRef { .. } | O::ReturnCallRef { .. } => {
                self.calls_wasm = true;
                self.calls_host = true;
            }
            O::RefFunc { function_index } => self.references.push(function_index),
            O::TableSet { table }
            | O::TableGrow { table }
            | O::TableFill { table }
            | O::TableInit { table, .. }
            | O::TableCopy {
                dst_table: table, ..
            } => self.tables_changed.push(table),
            _ => {}
        }
        self.calls_host |= calls_builtin(op);
    }
}

/// Operators done by calling a runtime builtin.
fn calls_builtin(op: &O) -> bool {
    matches!(
        op,
        O::MemoryGrow { .. }
            | O::MemoryCopy { .. }
            | O::MemoryFill { .. }
            | O::MemoryInit { .. }
            | O::DataDrop { .. }
            | O::TableGrow { .. }
            | O::TableFill { .. }
            | O::TableCopy { .. }
            | O::TableInit { .. }
            | O::ElemDrop { .. }
            | O::MemoryAtomicWait32 { .. }
            | O::MemoryAtomicWait64 { .. }
            | O::MemoryAtomicNotify { .. }
    )
}

/// The shapes of a body's loops, worked out as its operators go by.
#[derive(Default)]
struct Loops {
    shapes: Vec<LoopShape>,
    /// Open constructs, innermost last: the ordinal of a loop, None for
    /// blocks and ifs.
    open: Vec<Option<usize>>,
}

impl Loops {
    fn note(&mut self, op: &O) {
        let innermost = self.open.iter().rev().find_map(|o| *o);
        let shapes = &mut self.shapes;
        let mut no_streams = || {
            if let Some(l) = innermost {
                shapes[l].streams = false;
            }
        };
        match op {
            O::Loop { .. } => {
                no_streams();
                self.shapes.push(LoopShape {
                    written: HashSet::new(),
                    streams: true,
                    stores: false,
                });
                self.open.push(Some(self.shapes.len() - 1));
            }
            O::Block { .. } | O::If { .. } => {
                no_streams();
                self.open.push(None)
            }
            O::End => {
                self.open.pop();
            }
            O::LocalSet { local_index } | O::LocalTee { local_index } => {
                if let Some(l) = innermost {
                    shapes[l].written.insert(*local_index);
                }
            }
            op if stores(op) => {
                if let Some(l) = innermost {
                    shapes[l].stores = true;
                }
            }
            // Calls keep a loop from being vectorized.
            op if calls_builtin(op) || branches(op) => no_streams(),
            O::Call { .. }
            | O::CallIndirect { .. }
            | O::ReturnCall { .. }
            | O::ReturnCallIndirect { .. }
            | O::CallRef { .. }
            | O::ReturnCallRef { .. } => no_streams(),
            _ => {}
        }
    }

    fn finish(mut self) -> Vec<LoopShape> {
        for shape in &mut self.shapes {
            shape.streams &= shape.stores;
        }
        self.shapes
    }
}

/// Branches other than a loop's `br_if` back to its own start (a loop in
/// one block has no blocks inside, so depth 0 is the loop).
fn branches(op: &O) -> bool {
    match op {
        O::BrIf { relative_depth } => *relative_depth != 0,
        O::Br { .. } | O::BrTable { .. } | O::Return | O::Unreachable => true,
        _ => false,
    }
}

fn stores(op: &O) -> bool {
    matches!(
        op,
        O::I32Store { .. }
            | O::I64Store { .. }
            | O::F32Store { .. }
            | O::F64Store { .. }
            | O::I32Store8 { .. }
            | O::I32Store16 { .. }
            | O::I64Store8 { .. }
            | O::I64Store16 { .. }
            | O::I64Store32 { .. }
    )
}

// ---- Addresses read ahead of their access ----
//
// `translate::env::addr_facts` marks `p + k` non-wrapping once an access has
// used `p`. clang's wasm code often computes `p + k` before it touches `p`
// itself: a function that reads the fields of a struct reads `p + 4`,
// `p + 8`, … first and `p` (at offset 0) last. The same reasoning holds
// there too, provided the load at `p` is sure to come and nothing between
// is observable. If `p + k` wraps, `p` is within `k` of 4 GiB, so the load
// at `p` traps as out of bounds. Computing `p + k` without the wrap only
// moves that trap earlier, to the access at `p + k`, which then lands in
// the guard region or fails its bounds check: the same trap, in the same
// function, with nothing different done before it.
//
// "Nothing observable in between" is checked over a straight-line run of
// quiet operators: arithmetic that cannot trap, locals, constants, and
// loads (a load can only trap as out of bounds, the same trap). A store, a
// call, a branch, a block boundary, a trapping division or conversion or
// any other operator ends the run: before it, nothing is known about what
// comes after.

/// What an operator is to the look-ahead.
#[derive(Clone, Copy)]
enum Step {
    LocalGet(u32),
    /// `local.set` or `local.tee`.
    LocalSet(u32),
    /// A non-atomic scalar load; whether its memory stays below 4 GiB.
    Load {
        below_4gib: bool,
    },
    /// Cannot trap, branch or change anything a trap leaves behind.
    Quiet,
    /// Anything else ends the run.
    Barrier,
}

impl Step {
    fn of(info: &ModuleInfo, op: &O) -> Step {
        match *op {
            O::LocalGet { local_index } => Step::LocalGet(local_index),
            O::LocalSet { local_index } | O::LocalTee { local_index } => {
                Step::LocalSet(local_index)
            }
            _ => match plain_load(op) {
                Some(memarg) => Step::Load {
                    below_4gib: info.memory_stays_below_4gib(crate::module::memory_index(memarg)),
                },
                None if is_quiet(op) => Step::Quiet,
                None => Step::Barrier,
            },
        }
    }
}

/// Walk the steps backwards: `ahead` holds the locals whose current value
/// a load uses as its address before the run ends.
fn reads_ahead(steps: &[Step]) -> Vec<u32> {
    let mut ahead: HashSet<u32> = HashSet::new();
    let mut marked = Vec::new();
    for (i, step) in steps.iter().enumerate().rev() {
        match *step {
            Step::LocalGet(local) => {
                if ahead.contains(&local) {
                    marked.push(i as u32);
                }
            }
            Step::LocalSet(local) => {
                ahead.remove(&local);
            }
            Step::Load { below_4gib } => {
                let address_from = match i.checked_sub(1).map(|j| steps[j]) {
                    Some(Step::LocalGet(local)) => Some(local),
                    _ => None,
                };
                if let (true, Some(local)) = (below_4gib, address_from) {
                    ahead.insert(local);
                }
            }
            Step::Quiet => {}
            Step::Barrier => ahead.clear(),
        }
    }
    marked.reverse();
    marked
}

/// The memarg of a non-atomic scalar load.
fn plain_load<'o>(op: &'o O) -> Option<&'o MemArg> {
    match op {
        O::I32Load { memarg }
        | O::I64Load { memarg }
        | O::F32Load { memarg }
        | O::F64Load { memarg }
        | O::I32Load8S { memarg }
        | O::I32Load8U { memarg }
        | O::I32Load16S { memarg }
        | O::I32Load16U { memarg }
        | O::I64Load8S { memarg }
        | O::I64Load8U { memarg }
        | O::I64Load16S { memarg }
        | O::I64Load16U { memarg }
        | O::I64Load32S { memarg }
        | O::I64Load32U { memarg } => Some(memarg),
        _ => None,
    }
}

/// Operators that cannot trap, branch or change anything a trap leaves
/// behind. Integer division and remainder and the trapping float-to-int
/// conversions are not quiet: their trap would be a different one.
fn is_quiet(op: &O) -> bool {
    matches!(
        op,
        O::Nop
            | O::Drop
            | O::Select
            | O::TypedSelect { .. }
            | O::GlobalGet { .. }
            | O::MemorySize { .. }
            | O::I32Const { .. }
            | O::I64Const { .. }
            | O::F32Const { .. }
            | O::F64Const { .. }
            | O::I32Eqz
            | O::I32Eq
            | O::I32Ne
            | O::I32LtS
            | O::I32LtU
            | O::I32GtS
            | O::I32GtU
            | O::I32LeS
            | O::I32LeU
            | O::I32GeS
            | O::I32GeU
            | O::I64Eqz
            | O::I64Eq
            | O::I64Ne
            | O::I64LtS
            | O::I64LtU
            | O::I64GtS
            | O::I64GtU
            | O::I64LeS
            | O::I64LeU
            | O::I64GeS
            | O::I64GeU
            | O::F32Eq
            | O::F32Ne
            | O::F32Lt
            | O::F32Gt
            | O::F32Le
            | O::F32Ge
            | O::F64Eq
            | O::F64Ne
            | O::F64Lt
            | O::F64Gt
            | O::F64Le
            | O::F64Ge
            | O::I32Clz
            | O::I32Ctz
            | O::I32Popcnt
            | O::I32Add
            | O::I32Sub
            | O::I32Mul
            | O::I32And
            | O::I32Or
            | O::I32Xor
            | O::I32Shl
            | O::I32ShrS
            | O::I32ShrU
            | O::I32Rotl
            | O::I32Rotr
            | O::I64Clz
            | O::I64Ctz
            | O::I64Popcnt
            | O::I64Add
            | O::I64Sub
            | O::I64Mul
            | O::I64And
            | O::I64Or
            | O::I64Xor
            | O::I64Shl
            | O::I64ShrS
            | O::I64ShrU
            | O::I64Rotl
            | O::I64Rotr
            | O::F32Abs
            | O::F32Neg
            | O::F32Ceil
            | O::F32Floor
            | O::F32Trunc
            | O::F32Nearest
            | O::F32Sqrt
            | O::F32Add
            | O::F32Sub
            | O::F32Mul
            | O::F32Div
            | O::F32Min
            | O::F32Max
            | O::F32Copysign
            | O::F64Abs
            | O::F64Neg
            | O::F64Ceil
            | O::F64Floor
            | O::F64Trunc
            | O::F64Nearest
            | O::F64Sqrt
            | O::F64Add
            | O::F64Sub
            | O::F64Mul
            | O::F64Div
            | O::F64Min
            | O::F64Max
            | O::F64Copysign
            | O::I32WrapI64
            | O::I64ExtendI32S
            | O::I64ExtendI32U
            | O::I32Extend8S
            | O::I32Extend16S
            | O::I64Extend8S
            | O::I64Extend16S
            | O::I64Extend32S
            | O::F32ConvertI32S
            | O::F32ConvertI32U
            | O::F32ConvertI64S
            | O::F32ConvertI64U
            | O::F64ConvertI32S
            | O::F64ConvertI32U
            | O::F64ConvertI64S
            | O::F64ConvertI64U
            | O::F32DemoteF64
            | O::F64PromoteF32
            | O::I32ReinterpretF32
            | O::I64ReinterpretF64
            | O::F32ReinterpretI32
            | O::F64ReinterpretI64
            | O::I32TruncSatF32S
            | O::I32TruncSatF32U
            | O::I32TruncSatF64S
            | O::I32TruncSatF64U
            | O::I64TruncSatF32S
            | O::I64TruncSatF32U
            | O::I64TruncSatF64S
            | O::I64TruncSatF64U
    )
}
