//! Structured control flow: blocks, loops, ifs, branches, returns.

use crate::error::Result;
use crate::translate::{FrameKind, FuncTranslator};
use inkwell::values::BasicValueEnum;
use inkwell::IntPredicate;
use kiln_abi::TrapCode;
use wasmparser::{BlockType, BrTable};

pub fn unreachable(t: &mut FuncTranslator) -> Result<()> {
    let bb = t.env.trap_block(TrapCode::Unreachable)?;
    t.b.build_unconditional_branch(bb)?;
    t.mark_unreachable();
    Ok(())
}

pub fn block(t: &mut FuncTranslator, blockty: BlockType) -> Result<()> {
    let (params, results) = t.block_signature(blockty);
    let merge = t.u.cx.append_basic_block(t.env.func, "block_end");
    let merge_phis = t.make_phis(merge, &results)?;
    let height = t.stack.len() - params.len();
    t.push_frame(FrameKind::Block, results, height, merge, merge_phis);
    Ok(())
}

pub fn loop_(t: &mut FuncTranslator, blockty: BlockType) -> Result<()> {
    let (params, results) = t.block_signature(blockty);
    let header = t.u.cx.append_basic_block(t.env.func, "loop");
    let header_phis = t.make_phis(header, &params)?;
    let merge = t.u.cx.append_basic_block(t.env.func, "loop_end");
    let merge_phis = t.make_phis(merge, &results)?;
    let height = t.stack.len() - params.len();
    let here = t.b.get_insert_block().unwrap();
    let args = t.pop_n(params.len());
    for (phi, v) in header_phis.iter().zip(&args) {
        phi.add_incoming(&[(v, here)]);
    }
    let entry_branch = t.b.build_unconditional_branch(header)?;
    t.env.streams.enter_loop(entry_branch);
    t.b.position_at_end(header);
    for phi in &header_phis {
        t.push(phi.as_basic_value());
    }
    t.env.interruption_checks()?;
    let kind = FrameKind::Loop {
        header,
        header_phis,
    };
    t.push_frame(kind, results, height, merge, merge_phis);
    Ok(())
}

pub fn if_(t: &mut FuncTranslator, blockty: BlockType) -> Result<()> {
    let cond = t.pop_int();
    let (params, results) = t.block_signature(blockty);
    let then_bb = t.u.cx.append_basic_block(t.env.func, "then");
    let else_block = t.u.cx.append_basic_block(t.env.func, "else");
    let merge = t.u.cx.append_basic_block(t.env.func, "if_end");
    let merge_phis = t.make_phis(merge, &results)?;
    let cond =
        t.b.build_int_compare(IntPredicate::NE, cond, cond.get_type().const_zero(), "")?;
    t.b.build_conditional_branch(cond, then_bb, else_block)?;
    t.b.position_at_end(then_bb);
    let height = t.stack.len() - params.len();
    let else_params = t.stack[height..].to_vec();
    let kind = FrameKind::If {
        else_block,
        else_params,
        else_seen: false,
    };
    t.push_frame(kind, results, height, merge, merge_phis);
    Ok(())
}

pub fn br(t: &mut FuncTranslator, relative_depth: u32) -> Result<()> {
    t.branch_to(relative_depth)?;
    t.mark_unreachable();
    Ok(())
}

pub fn br_if(t: &mut FuncTranslator, relative_depth: u32) -> Result<()> {
    let cond = t.pop_int();
    let cond =
        t.b.build_int_compare(IntPredicate::NE, cond, cond.get_type().const_zero(), "")?;
    let here = t.b.get_insert_block().unwrap();
    t.add_branch_incoming(relative_depth, here)?;
    let idx = t.frames.len() - 1 - relative_depth as usize;
    let target = match &t.frames[idx].kind {
        FrameKind::Loop { header, .. } => *header,
        _ => t.frames[idx].merge,
    };
    let cont = t.u.cx.append_basic_block(t.env.func, "br_if_else");
    t.b.build_conditional_branch(cond, target, cont)?;
    t.b.position_at_end(cont);
    Ok(())
}

pub fn return_(t: &mut FuncTranslator) -> Result<()> {
    let depth = t.frames.len() as u32 - 1;
    t.branch_to(depth)?;
    t.mark_unreachable();
    Ok(())
}

pub fn drop(t: &mut FuncTranslator) -> Result<()> {
    let v = t.pop();
    keep_dropped_load(v);
    Ok(())
}

/// `select`, typed or not.
pub fn select(t: &mut FuncTranslator) -> Result<()> {
    let cond = t.pop_int();
    let b = t.pop();
    let a = t.pop();
    let cond =
        t.b.build_int_compare(IntPredicate::NE, cond, cond.get_type().const_zero(), "")?;
    let v = t.b.build_select(cond, a, b, "")?;
    t.push(v);
    Ok(())
}

/// A `br_table` jumps through one small block per distinct target, so each
/// target's phis see exactly one incoming edge per predecessor.
pub fn br_table(t: &mut FuncTranslator, targets: &BrTable) -> Result<()> {
    let index = t.pop_int();
    let depths: Vec<u32> = targets.targets().collect::<Result<_, _>>()?;
    let default = targets.default();
    let mut edge_blocks: std::collections::HashMap<u32, inkwell::basic_block::BasicBlock> =
        Default::default();
    let here = t.b.get_insert_block().unwrap();
    for d in depths.iter().copied().chain(std::iter::once(default)) {
        if edge_blocks.contains_key(&d) {
            continue;
        }
        let bb = t.u.cx.append_basic_block(t.env.func, "br_table_edge");
        t.b.position_at_end(bb);
        t.branch_to(d)?;
        edge_blocks.insert(d, bb);
    }
    t.b.position_at_end(here);
    let cases: Vec<_> = depths
        .iter()
        .enumerate()
        .map(|(i, d)| (t.u.t.i32.const_int(i as u64, false), edge_blocks[d]))
        .collect();
    t.b.build_switch(index, edge_blocks[&default], &cases)?;
    t.mark_unreachable();
    Ok(())
}

pub fn else_(t: &mut FuncTranslator) -> Result<()> {
    let was_reachable = t.reachable;
    if was_reachable {
        let here = t.b.get_insert_block().unwrap();
        t.add_branch_incoming(0, here)?;
        let merge = t.frames.last().unwrap().merge;
        t.b.build_unconditional_branch(merge)?;
    }
    let frame = t.frames.last_mut().unwrap();
    let FrameKind::If {
        else_block,
        else_params,
        else_seen,
    } = &mut frame.kind
    else {
        unreachable!("validated: else only inside if")
    };
    *else_seen = true;
    let (else_block, params) = (*else_block, std::mem::take(else_params));
    let height = frame.height;
    t.stack.truncate(height);
    t.stack.extend(params);
    t.b.position_at_end(else_block);
    t.reachable = true;
    Ok(())
}

pub fn end(t: &mut FuncTranslator) -> Result<()> {
    if t.reachable {
        let here = t.b.get_insert_block().unwrap();
        let frame = t.frames.last_mut().unwrap();
        frame.merge_preds += 1;
        let n = frame.results.len();
        let values = &t.stack[t.stack.len() - n..];
        for (phi, v) in frame.merge_phis.iter().zip(values) {
            phi.add_incoming(&[(v, here)]);
        }
        t.b.build_unconditional_branch(frame.merge)?;
    }
    let mut frame = t.frames.pop().unwrap();
    if matches!(frame.kind, FrameKind::Loop { .. }) {
        t.env.streams.leave_loop();
    }
    if let FrameKind::If {
        else_block,
        else_params,
        else_seen: false,
    } = &frame.kind
    {
        // An `if` without `else` passes its parameters through as results.
        t.b.position_at_end(*else_block);
        for (phi, v) in frame.merge_phis.iter().zip(else_params) {
            phi.add_incoming(&[(v, *else_block)]);
        }
        frame.merge_preds += 1;
        t.b.build_unconditional_branch(frame.merge)?;
    }
    t.stack.truncate(frame.height);
    t.b.position_at_end(frame.merge);
    if frame.merge_preds == 0 {
        for phi in &frame.merge_phis {
            remove_phi(phi);
        }
        t.b.build_unreachable()?;
        t.reachable = false;
        return Ok(());
    }
    t.reachable = true;
    let values: Vec<BasicValueEnum> = frame
        .merge_phis
        .iter()
        .map(|p| p.as_basic_value())
        .collect();
    if matches!(frame.kind, FrameKind::Function) {
        let ret_ty = t.env.func.get_type().get_return_type();
        match (values.len(), ret_ty) {
            (0, _) => t.b.build_return(None)?,
            (1, _) => t.b.build_return(Some(&values[0]))?,
            (_, Some(ty)) => {
                let mut agg = ty.into_struct_type().get_undef();
                for (i, v) in values.iter().enumerate() {
                    agg =
                        t.b.build_insert_value(agg, *v, i as u32, "")?
                            .into_struct_value();
                }
                t.b.build_return(Some(&agg))?
            }
            _ => unreachable!(),
        };
        t.reachable = false;
        return Ok(());
    }
    t.stack.extend(values);
    Ok(())
}

/// A phi in a block nobody jumps to has no incoming values; LLVM rejects
/// such a phi, so it is removed.
fn remove_phi(phi: &inkwell::values::PhiValue) {
    phi.as_instruction().erase_from_basic_block();
}

/// A load whose value is dropped must still trap when out of bounds; LLVM
/// would delete it as dead, so it becomes volatile.
fn keep_dropped_load(v: BasicValueEnum) {
    use inkwell::values::{BasicValue, InstructionOpcode as Op};
    let mut inst = v.as_instruction_value();
    if let Some(i) = inst {
        if matches!(i.get_opcode(), Op::SExt | Op::ZExt) {
            inst = i
                .get_operand(0)
                .and_then(|o| o.value())
                .and_then(|o| o.as_instruction_value());
        }
    }
    if let Some(i) = inst.filter(|i| i.get_opcode() == Op::Load) {
        i.set_volatile(true).ok();
    }
}
