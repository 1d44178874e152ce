//! Locals (entry-block allocas promoted by mem2reg) and globals.

use crate::error::Result;
use crate::llvm::unit::Region;
use crate::translate::FuncTranslator;
use inkwell::values::BasicValue;

pub fn local_get(t: &mut FuncTranslator, local_index: u32) -> Result<()> {
    let (slot, ty) = t.locals[local_index as usize];
    let v = t.b.build_load(ty, slot, "")?;
    t.env.facts.local_read(local_index, v);
    t.env.streams.local_read(local_index, v);
    t.push(v);
    Ok(())
}

pub fn local_set(t: &mut FuncTranslator, local_index: u32) -> Result<()> {
    let v = t.pop();
    t.b.build_store(t.locals[local_index as usize].0, v)?;
    t.env.facts.local_written(local_index, v);
    t.env.streams.local_written(local_index, v);
    Ok(())
}

pub fn local_tee(t: &mut FuncTranslator, local_index: u32) -> Result<()> {
    let v = *t.stack.last().unwrap();
    t.b.build_store(t.locals[local_index as usize].0, v)?;
    t.env.facts.local_written(local_index, v);
    t.env.streams.local_written(local_index, v);
    Ok(())
}

pub fn global_get(t: &mut FuncTranslator, global_index: u32) -> Result<()> {
    let global = t.u.info.globals[global_index as usize];
    let ty = t.u.t.val(global.content_type);
    let p = t.env.global(global_index)?;
    let v = t.b.build_load(ty, p, "")?;
    t.u.tag_access(v.as_instruction_value().unwrap(), Region::Runtime);
    if !global.mutable {
        let kind = t.u.cx.get_kind_id("invariant.load");
        v.as_instruction_value()
            .unwrap()
            .set_metadata(t.u.cx.metadata_node(&[]), kind)
            .ok();
    }
    t.push(v);
    Ok(())
}

pub fn global_set(t: &mut FuncTranslator, global_index: u32) -> Result<()> {
    let v = t.pop();
    let p = t.env.global(global_index)?;
    let st = t.b.build_store(p, v)?;
    t.u.tag_access(st, Region::Runtime);
    if t.env.keeps_trap_order() {
        st.set_volatile(true).expect("a store");
    }
    Ok(())
}
