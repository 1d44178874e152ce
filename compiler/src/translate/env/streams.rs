//! Address streams: in an innermost loop, one copy of a memory's base per
//! array the loop walks, so that LLVM's loop vectorizer can tell the arrays
//! apart.
//!
//! To LLVM all of a linear memory is one object: every access is
//! `base + zext(addr)` off the same base pointer. When the loop access
//! analysis cannot tell how far apart two arrays are (matmul's
//! `c[j] += a * b[j]`, where `b` and `c` come from different mallocs), it
//! gives up on dependence analysis and instead checks every pair of
//! pointers at run time, the two halves of an array that clang already
//! unrolled for wasm (`c[j]` and `c[j + 1]`) included. Those always overlap,
//! so the vector loop never runs. Native code gets the same loop vectorized
//! because its `b` and `c` are two pointers with nothing in common.
//!
//! So in a loop the vectorizer can take on (innermost, one basic block
//! with no calls, some store in it), an access whose address derives
//! from a local (its *anchor*: the local an array's address was read from,
//! in preference to an induction variable added to it) goes through a copy
//! of the base that LLVM cannot see through (an empty inline asm), one copy
//! per anchor, made before the loop. LLVM then treats each anchor's accesses
//! as one object: it analyses dependences within it, and checks different
//! objects against each other at run time, as it does for native pointers.
//! The copies are all the same pointer at run time, so which accesses share
//! one is only a hint: a wrong guess costs speed, never correctness.

use crate::analysis::scan::LoopShape;
use crate::error::Result;
use crate::llvm::unit::UnitCx;
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::builder::Builder;
use inkwell::llvm_sys::prelude::LLVMValueRef;
use inkwell::values::{AsValueRef, BasicValueEnum, InstructionValue, IntValue, PointerValue};
use std::collections::HashMap;

/// Base copies per loop at most: each holds a register in the loop.
const MAX_STREAMS: usize = 4;

/// A loop being translated.
struct OpenLoop<'ctx> {
    shape: usize,
    /// The branch from the block before the loop into it, where base
    /// copies are made.
    entry_branch: InstructionValue<'ctx>,
    /// (memory, anchor) → that anchor's copy of the memory's base.
    bases: Vec<((u32, u32), PointerValue<'ctx>)>,
}

pub struct Streams<'f, 'ctx> {
    /// By loop ordinal in the body.
    shapes: &'f [LoopShape],
    loops_seen: usize,
    open: Vec<OpenLoop<'ctx>>,
    /// An i32 value → the local it derives from.
    value_anchor: HashMap<LLVMValueRef, u32>,
    /// A local → the anchor of the value last stored into it.
    local_anchor: HashMap<u32, u32>,
}

impl<'f, 'ctx> Streams<'f, 'ctx> {
    pub fn new(shapes: &'f [LoopShape]) -> Self {
        Streams {
            shapes,
            loops_seen: 0,
            open: Vec::new(),
            value_anchor: HashMap::new(),
            local_anchor: HashMap::new(),
        }
    }

    /// Every `loop` operator, reachable or not, in order.
    pub fn loop_seen(&mut self) {
        self.loops_seen += 1;
    }

    /// The translator entered the loop last seen through `entry_branch`.
    pub fn enter_loop(&mut self, entry_branch: InstructionValue<'ctx>) {
        self.open.push(OpenLoop {
            shape: self.loops_seen - 1,
            entry_branch,
            bases: Vec::new(),
        });
    }

    pub fn leave_loop(&mut self) {
        self.open.pop();
    }

    /// `local.get local` produced `v`.
    pub fn local_read(&mut self, local: u32, v: BasicValueEnum) {
        if is_i32(v) {
            let anchor = self.local_anchor.get(&local).copied().unwrap_or(local);
            self.value_anchor.insert(v.as_value_ref(), anchor);
        }
    }

    /// `local.set` or `local.tee` stored `v` into `local`.
    pub fn local_written(&mut self, local: u32, v: BasicValueEnum) {
        match self.value_anchor.get(&v.as_value_ref()) {
            Some(&anchor) => self.local_anchor.insert(local, anchor),
            None => self.local_anchor.remove(&local),
        };
    }

    /// `sum` is `lhs + rhs`, or `lhs - rhs` when `rhs_counts` is false.
    pub fn derived(&mut self, sum: IntValue, lhs: IntValue, rhs: IntValue, rhs_counts: bool) {
        let anchor = |v: IntValue| self.value_anchor.get(&v.as_value_ref()).copied();
        let (a, b) = (anchor(lhs), anchor(rhs).filter(|_| rhs_counts));
        let written = |l: u32| {
            self.open
                .last()
                .is_some_and(|o| self.shapes[o.shape].written.contains(&l))
        };
        let pick = match (a, b) {
            (Some(x), Some(y)) if written(x) && !written(y) => Some(y),
            (x, y) => x.or(y),
        };
        if let Some(anchor) = pick {
            self.value_anchor.insert(sum.as_value_ref(), anchor);
        }
    }
}

impl<'ctx> Streams<'_, 'ctx> {
    /// The base an access to memory `mem` (whose base is `base`) at `addr`
    /// goes through: its anchor's copy in a loop that has streams, else
    /// `base`.
    pub fn base_for(
        &mut self,
        u: &UnitCx<'ctx, '_>,
        b: &Builder<'ctx>,
        base: PointerValue<'ctx>,
        mem: u32,
        addr: IntValue<'ctx>,
    ) -> Result<PointerValue<'ctx>> {
        let Some(anchor) = self.value_anchor.get(&addr.as_value_ref()).copied() else {
            return Ok(base);
        };
        if !self
            .open
            .last()
            .is_some_and(|o| self.shapes[o.shape].streams)
        {
            return Ok(base);
        }
        let open = self.open.last_mut().unwrap();
        if let Some(&(_, copy)) = open.bases.iter().find(|(k, _)| *k == (mem, anchor)) {
            return Ok(copy);
        }
        if open.bases.len() == MAX_STREAMS {
            return Ok(base);
        }
        let here = b.get_insert_block().unwrap();
        b.position_before(&open.entry_branch);
        let copy = opaque_copy(u, b, base, mem, anchor)?;
        b.position_at_end(here);
        open.bases.push(((mem, anchor), copy));
        Ok(copy)
    }
}

/// `p`, through an empty inline asm: LLVM knows nothing of the result
/// except that it reads no memory, so it may hoist it, but not see that it
/// is `p`. The unused operands `mem` and `anchor` keep LLVM from merging
/// the copies of different anchors into one.
fn opaque_copy<'ctx>(
    u: &UnitCx<'ctx, '_>,
    b: &Builder<'ctx>,
    p: PointerValue<'ctx>,
    mem: u32,
    anchor: u32,
) -> Result<PointerValue<'ctx>> {
    let i32t = u.t.i32;
    let fty =
        u.t.ptr
            .fn_type(&[u.t.ptr.into(), i32t.into(), i32t.into()], false);
    let asm = u.cx.create_inline_asm(
        fty,
        String::new(),
        "=r,0,i,i".into(),
        false,
        false,
        None,
        false,
    );
    let tags = [
        i32t.const_int(mem as u64, false),
        i32t.const_int(anchor as u64, false),
    ];
    let call = b.build_indirect_call(
        fty,
        asm,
        &[p.into(), tags[0].into(), tags[1].into()],
        "stream_base",
    )?;
    let attr = |name: &str, value: u64| {
        u.cx.create_enum_attribute(Attribute::get_named_enum_kind_id(name), value)
    };
    // memory(none) is 0; the result depends on `p` only.
    call.add_attribute(AttributeLoc::Function, attr("memory", 0));
    call.add_attribute(AttributeLoc::Function, attr("nounwind", 0));
    call.add_attribute(AttributeLoc::Function, attr("willreturn", 0));
    Ok(call
        .try_as_basic_value()
        .basic()
        .unwrap()
        .into_pointer_value())
}

fn is_i32(v: BasicValueEnum) -> bool {
    matches!(v, BasicValueEnum::IntValue(i) if i.get_type().get_bit_width() == 32)
}
