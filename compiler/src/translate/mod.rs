//! Translation of one function body (validated by `analysis::scan`): the
//! operator loop, whose `visit.rs` forwards each operator to its category in
//! `lower/`, and the control frames and value stack they share. How the
//! instance is reached is `env`'s business.

pub mod call_targets;
pub mod env;
pub mod lower;
pub mod stack_check;
mod visit;

use crate::analysis::scan::FunctionFacts;
use crate::error::{CompileError, Result};
use crate::llvm::unit::UnitCx;
use env::FuncEnv;
use inkwell::basic_block::BasicBlock;
use inkwell::builder::Builder;
use inkwell::types::BasicTypeEnum;
use inkwell::values::{BasicValue, BasicValueEnum, FloatValue, IntValue, PhiValue, PointerValue};
use wasmparser::{BlockType, FunctionBody, Operator};

pub enum FrameKind<'ctx> {
    Block,
    Loop {
        header: BasicBlock<'ctx>,
        header_phis: Vec<PhiValue<'ctx>>,
    },
    If {
        else_block: BasicBlock<'ctx>,
        else_params: Vec<BasicValueEnum<'ctx>>,
        else_seen: bool,
    },
    Function,
}

/// A control frame: where a branch to it goes and which values it carries.
pub struct Frame<'ctx> {
    pub kind: FrameKind<'ctx>,
    pub results: Vec<BasicTypeEnum<'ctx>>,
    /// Stack height below the frame's parameters.
    pub height: usize,
    pub merge: BasicBlock<'ctx>,
    pub merge_phis: Vec<PhiValue<'ctx>>,
    /// Number of edges into `merge`; none means the code after is dead.
    pub merge_preds: u32,
}

impl<'ctx> Frame<'ctx> {
    /// Target block and phis of a `br` to this frame.
    fn branch_target(&self) -> (BasicBlock<'ctx>, &[PhiValue<'ctx>]) {
        match &self.kind {
            FrameKind::Loop {
                header,
                header_phis,
            } => (*header, header_phis),
            _ => (self.merge, &self.merge_phis),
        }
    }
}

pub struct FuncTranslator<'a, 'ctx> {
    pub u: &'a UnitCx<'ctx, 'a>,
    pub b: &'a Builder<'ctx>,
    pub env: FuncEnv<'a, 'ctx>,
    pub locals: Vec<(PointerValue<'ctx>, BasicTypeEnum<'ctx>)>,
    pub stack: Vec<BasicValueEnum<'ctx>>,
    pub frames: Vec<Frame<'ctx>>,
    pub reachable: bool,
    /// Depth of blocks opened inside dead code, skipped until their `end`.
    dead_depth: u32,
    /// Byte offset of the operator being translated, for errors.
    offset: usize,
}

pub fn translate_function<'a, 'ctx>(
    u: &'a UnitCx<'ctx, 'a>,
    b: &'a Builder<'ctx>,
    func_index: u32,
    body: &FunctionBody<'_>,
    facts: &'a FunctionFacts,
) -> Result<()> {
    let func = u.function(func_index);
    let attr = |k: &str, v: &str| u.cx.create_string_attribute(k, v);
    func.add_attribute(
        inkwell::attributes::AttributeLoc::Function,
        attr("frame-pointer", "all"),
    );
    if u.target.probes_stack_inline() {
        // See `stack_check`.
        func.add_attribute(
            inkwell::attributes::AttributeLoc::Function,
            attr("probe-stack", "inline-asm"),
        );
    }
    if u.opts.cpu.is_none() {
        // The default CPU baseline (x86-64-v2) carries Sandy Bridge's tuning,
        // which turns rotates into SHLD: 1 cycle there, 4 on AMD's Zen
        // (SHA-256 ran 1.7x slower). Tune for current CPUs in general, as
        // clang does by default.
        func.add_attribute(
            inkwell::attributes::AttributeLoc::Function,
            attr("tune-cpu", "generic"),
        );
    }
    if u.plan.is_out_of_line(func_index) {
        let noinline = inkwell::attributes::Attribute::get_named_enum_kind_id("noinline");
        func.add_attribute(
            inkwell::attributes::AttributeLoc::Function,
            u.cx.create_enum_attribute(noinline, 0),
        );
    }
    if u.plan.is_local(func_index) {
        // Local linkage must have default visibility.
        func.as_global_value()
            .set_visibility(inkwell::GlobalVisibility::Default);
        func.as_global_value()
            .set_linkage(inkwell::module::Linkage::Internal);
    } else {
        func.as_global_value()
            .set_linkage(inkwell::module::Linkage::External);
    }
    func.set_section(Some(kiln_abi::symbols::CODE_SECTION));
    let entry = u.cx.append_basic_block(func, "entry");
    let start = u.cx.append_basic_block(func, "body");
    b.position_at_end(entry);

    let mut t = FuncTranslator {
        u,
        b,
        env: FuncEnv::new(u, b, func, func_index, entry, facts),
        locals: Vec::new(),
        stack: Vec::new(),
        frames: Vec::new(),
        reachable: true,
        dead_depth: 0,
        offset: body.range().start as usize,
    };
    let ty = u.info.func_type(func_index).clone();
    for (i, p) in ty.params().iter().enumerate() {
        let llty = u.t.val(*p);
        let slot = b.build_alloca(llty, "")?;
        b.build_store(slot, func.get_nth_param(i as u32 + 1).unwrap())?;
        t.locals.push((slot, llty));
    }
    for local in body.get_locals_reader()? {
        let (count, vt) = local?;
        if vt == wasmparser::ValType::V128 {
            return t.refuse("simd", "v128 local");
        }
        let llty = u.t.val(vt);
        for _ in 0..count {
            let slot = b.build_alloca(llty, "")?;
            b.build_store(slot, llty.const_zero())?;
            t.locals.push((slot, llty));
        }
    }
    b.position_at_end(start);
    let ret = u.cx.append_basic_block(func, "return");
    let results: Vec<BasicTypeEnum> = ty.results().iter().map(|r| u.t.val(*r)).collect();
    let merge_phis = t.make_phis(ret, &results)?;
    t.frames.push(Frame {
        kind: FrameKind::Function,
        results,
        height: 0,
        merge: ret,
        merge_phis,
        merge_preds: 0,
    });

    t.env.interruption_checks()?;
    let mut reader = body.get_operators_reader()?;
    let mut index = 0;
    while !reader.eof() {
        t.offset = reader.original_position() as usize;
        t.env.facts.at_operator(index);
        index += 1;
        let translated = if t.reachable {
            reader.visit_operator(&mut t)?
        } else {
            let op = reader.read()?;
            t.dead_operator(&op)
        };
        translated.map_err(|e| match e {
            CompileError::Codegen { message, .. } => CompileError::Codegen {
                func: func_index,
                message: format!("{message} (at byte offset {:#x})", t.offset),
            },
            other => other,
        })?;
    }
    b.position_at_end(entry);
    b.build_unconditional_branch(start)?;
    stack_check::arrange(u, b, func, func_index, facts)
}

impl<'a, 'ctx> FuncTranslator<'a, 'ctx> {
    /// At `loop`, `else` and `end` control flow joins (see `addr_facts`).
    fn at_join(&mut self) {
        self.env.facts.forget_all();
    }

    /// In dead code only block structure matters.
    fn dead_operator(&mut self, op: &Operator) -> Result<()> {
        if matches!(op, Operator::Loop { .. }) {
            self.env.streams.loop_seen();
        }
        if matches!(op, Operator::Loop { .. } | Operator::Else | Operator::End) {
            self.at_join();
        }
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                self.dead_depth += 1
            }
            Operator::Else if self.dead_depth == 0 => return lower::control::else_(self),
            Operator::End if self.dead_depth == 0 => return lower::control::end(self),
            Operator::End => self.dead_depth -= 1,
            _ => {}
        }
        Ok(())
    }

    // ---- value stack ----

    pub fn push(&mut self, v: impl BasicValue<'ctx>) {
        self.stack.push(v.as_basic_value_enum());
    }
    pub fn pop(&mut self) -> BasicValueEnum<'ctx> {
        self.stack
            .pop()
            .expect("validated wasm never pops an empty stack")
    }
    pub fn pop_int(&mut self) -> IntValue<'ctx> {
        self.pop().into_int_value()
    }
    pub fn pop_float(&mut self) -> FloatValue<'ctx> {
        self.pop().into_float_value()
    }
    pub fn pop_n(&mut self, n: usize) -> Vec<BasicValueEnum<'ctx>> {
        let at = self.stack.len() - n;
        self.stack.split_off(at)
    }

    // ---- control helpers ----

    pub fn block_signature(
        &self,
        bt: BlockType,
    ) -> (Vec<BasicTypeEnum<'ctx>>, Vec<BasicTypeEnum<'ctx>>) {
        let t = &self.u.t;
        match bt {
            BlockType::Empty => (vec![], vec![]),
            BlockType::Type(v) => (vec![], vec![t.val(v)]),
            BlockType::FuncType(i) => {
                let ft = &self.u.info.types[i as usize];
                (
                    ft.params().iter().map(|p| t.val(*p)).collect(),
                    ft.results().iter().map(|r| t.val(*r)).collect(),
                )
            }
        }
    }

    pub fn make_phis(
        &self,
        bb: BasicBlock<'ctx>,
        types: &[BasicTypeEnum<'ctx>],
    ) -> Result<Vec<PhiValue<'ctx>>> {
        let here = self.b.get_insert_block();
        self.b.position_at_end(bb);
        let phis = types
            .iter()
            .map(|ty| self.b.build_phi(*ty, ""))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(h) = here {
            self.b.position_at_end(h);
        }
        Ok(phis)
    }

    /// Branch (unconditionally) from the current block to the frame
    /// `depth` levels out, passing the top values of the stack.
    pub fn branch_to(&mut self, depth: u32) -> Result<()> {
        let here = self.b.get_insert_block().unwrap();
        self.add_branch_incoming(depth, here)?;
        let idx = self.frames.len() - 1 - depth as usize;
        let (target, _) = self.frames[idx].branch_target();
        self.b.build_unconditional_branch(target)?;
        Ok(())
    }

    /// Record that `from` jumps to frame `depth` with the stack's top values.
    pub fn add_branch_incoming(&mut self, depth: u32, from: BasicBlock<'ctx>) -> Result<()> {
        let idx = self.frames.len() - 1 - depth as usize;
        let frame = &mut self.frames[idx];
        let is_loop = matches!(frame.kind, FrameKind::Loop { .. });
        if !is_loop {
            frame.merge_preds += 1;
        }
        let (_, phis) = frame.branch_target();
        let n = phis.len();
        let values = &self.stack[self.stack.len() - n..];
        for (phi, v) in phis.iter().zip(values) {
            phi.add_incoming(&[(v, from)]);
        }
        Ok(())
    }

    /// Open a control frame whose code after it starts at `merge`.
    pub fn push_frame(
        &mut self,
        kind: FrameKind<'ctx>,
        results: Vec<BasicTypeEnum<'ctx>>,
        height: usize,
        merge: BasicBlock<'ctx>,
        merge_phis: Vec<PhiValue<'ctx>>,
    ) {
        self.frames.push(Frame {
            kind,
            results,
            height,
            merge,
            merge_phis,
            merge_preds: 0,
        });
    }

    pub fn mark_unreachable(&mut self) {
        self.reachable = false;
    }
}
