//! Locals (entry-block allocas promoted by mem2reg) and globals.

use crate::error::Result;
use crate::llvm::unit::Region;
use crate::translate::FuncTranslator;
use inkwell::values::BasicValue;
use wasmparser::Operator as O;

pub fn lower(t: &mut FuncTranslator, op: &O) -> Result<bool> {
    match op {
        O::LocalGet { local_index } => {
            let (slot, ty) = t.locals[*local_index as usize];
            let v = t.b.build_load(ty, slot, "")?;
            t.facts.local_read(*local_index, v);
            t.streams.local_read(*local_index, v);
            t.push(v);
        }
        O::LocalSet { local_index } => {
            let v = t.pop();
            t.b.build_store(t.locals[*local_index as usize].0, v)?;
            t.facts.local_written(*local_index, v);
            t.streams.local_written(*local_index, v);
        }
        O::LocalTee { local_index } => {
            let v = *t.stack.last().unwrap();
            t.b.build_store(t.locals[*local_index as usize].0, v)?;
            t.facts.local_written(*local_index, v);
            t.streams.local_written(*local_index, v);
        }
        O::GlobalGet { global_index } => {
            let ty =
                t.u.t
                    .val(t.u.info.globals[*global_index as usize].content_type);
            let p = t.env.global(t.u, t.b, *global_index)?;
            let v = t.b.build_load(ty, p, "")?;
            t.u.tag_access(v.as_instruction_value().unwrap(), Region::Runtime);
            if !t.u.info.globals[*global_index as usize].mutable {
                let kind = t.u.cx.get_kind_id("invariant.load");
                v.as_instruction_value()
                    .unwrap()
                    .set_metadata(t.u.cx.metadata_node(&[]), kind)
                    .ok();
            }
            t.push(v);
        }
        O::GlobalSet { global_index } => {
            let v = t.pop();
            let p = t.env.global(t.u, t.b, *global_index)?;
            let st = t.b.build_store(p, v)?;
            t.u.tag_access(st, Region::Runtime);
            if crate::translate::lower::memory::keeps_trap_order(t) {
                st.set_volatile(true).expect("a store");
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}
