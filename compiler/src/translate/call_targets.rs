//! What `call_indirect` calls through a frozen table (see
//! `analysis::frozen`): per signature, an array of code pointers built at
//! compile time, or on x86_64 a jump table.
//!
//! The metadata unit defines each array once; code units refer to it. On
//! x86_64 the array is a jump table instead: one `jmp` per element, in
//! slots of `JUMP_SLOT` bytes, so the call's target is computed from the
//! index rather than loaded.

use crate::error::Result;
use crate::llvm::unit::UnitCx;
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::module::Linkage;
use inkwell::values::{FunctionValue, GlobalValue, PointerValue};
use inkwell::GlobalVisibility;
use kiln_abi::TrapCode;

/// Bytes per element in a jump table: a `jmp rel32` (5 bytes) padded with
/// `int3`.
pub const JUMP_SLOT: u64 = 8;

fn code_array_name(u: &UnitCx, table: u32, canon: u32) -> String {
    format!("{}_table{table}_calls_t{canon}", u.opts.prefix)
}

fn jump_table_name(u: &UnitCx, table: u32, canon: u32) -> String {
    format!("{}_table{table}_jumps_t{canon}", u.opts.prefix)
}

/// The constant array `call_indirect` with signature `type_index` loads
/// its callee from, one code pointer per element of frozen `table`,
/// declared in this unit (`define_call_targets` defines it).
pub fn code_array<'ctx>(
    u: &UnitCx<'ctx, '_>,
    table: u32,
    type_index: u32,
) -> Result<GlobalValue<'ctx>> {
    let canon = u.info.canonical_type(type_index);
    if let Some(g) = u.code_arrays.borrow().get(&(table, canon)) {
        return Ok(*g);
    }
    let len = u.plan.frozen_table(table).expect("a frozen table").len();
    let g = u.module.add_global(
        u.t.ptr.array_type(len as u32),
        None,
        &code_array_name(u, table, canon),
    );
    g.set_constant(true);
    g.set_linkage(Linkage::External);
    g.set_visibility(GlobalVisibility::Hidden);
    u.code_arrays.borrow_mut().insert((table, canon), g);
    Ok(g)
}

/// The x86_64 counterpart of `code_array`: the start of the jump table
/// whose slot `JUMP_SLOT * i` jumps to element i's entry for signature
/// `type_index`, declared in this unit.
pub fn jump_table<'ctx>(u: &UnitCx<'ctx, '_>, table: u32, type_index: u32) -> PointerValue<'ctx> {
    let canon = u.info.canonical_type(type_index);
    if let Some(g) = u.code_arrays.borrow().get(&(table, canon)) {
        return g.as_pointer_value();
    }
    let f = u.module.add_function(
        &jump_table_name(u, table, canon),
        u.t.void.fn_type(&[], false),
        Some(Linkage::External),
    );
    let g = f.as_global_value();
    g.set_visibility(GlobalVisibility::Hidden);
    u.code_arrays.borrow_mut().insert((table, canon), g);
    g.as_pointer_value()
}

/// In the metadata unit: every code array (jump table on x86_64) that
/// code calls through. An element's entry is the function when its type is
/// the signature, else a stub that raises the trap the signature check
/// would have raised (uninitialized element for a null, indirect call type
/// mismatch for another type). Every callee is this instance's, so the
/// caller passes its own vmctx.
pub fn define_call_targets(u: &UnitCx) -> Result<()> {
    for (table, canon) in u.plan.frozen_calls() {
        let contents = u.plan.frozen_table(table).expect("a frozen table");
        let expected = &u.info.types[canon as usize];
        let mut targets = Vec::with_capacity(contents.len());
        for element in contents {
            targets.push(match element {
                Some(f) if u.info.func_type(*f) == expected => u.function(*f),
                Some(_) => trap_stub(u, TrapCode::IndirectCallTypeMismatch, canon)?,
                None => trap_stub(u, TrapCode::UninitializedElement, canon)?,
            });
        }
        if u.target.calls_through_jump_tables() {
            define_jump_table(u, &jump_table_name(u, table, canon), &targets)?;
            continue;
        }
        let pointers: Vec<_> = targets
            .iter()
            .map(|f| f.as_global_value().as_pointer_value())
            .collect();
        let array = u.t.ptr.const_array(&pointers);
        let g = u
            .module
            .add_global(array.get_type(), None, &code_array_name(u, table, canon));
        g.set_initializer(&array);
        g.set_constant(true);
        g.set_linkage(Linkage::External);
        g.set_visibility(GlobalVisibility::Hidden);
    }
    Ok(())
}

/// A naked function `name` whose body is one `jmp` per target, each at
/// the start of a `JUMP_SLOT`-byte slot. The jumps name their targets in
/// assembly text, which LLVM does not see as uses: every target is an
/// external symbol (wasm functions in a frozen table are never local, and
/// trap stubs are made external), so none is dropped.
fn define_jump_table(u: &UnitCx, name: &str, targets: &[FunctionValue]) -> Result<()> {
    let mut text = String::new();
    for (i, f) in targets.iter().enumerate() {
        if i > 0 {
            text.push_str(&format!(
                "\n\t.p2align {}, 0xcc\n\t",
                JUMP_SLOT.trailing_zeros()
            ));
        }
        text.push_str(&format!(
            "jmp \"{}\"",
            f.get_name().to_str().unwrap_or_default()
        ));
    }
    let ty = u.t.void.fn_type(&[], false);
    let f = u.module.add_function(name, ty, Some(Linkage::External));
    f.as_global_value().set_visibility(GlobalVisibility::Hidden);
    f.as_global_value().set_alignment(16);
    f.set_section(Some(kiln_abi::symbols::CODE_SECTION));
    for k in ["naked", "noinline", "nounwind"] {
        let kind = Attribute::get_named_enum_kind_id(k);
        f.add_attribute(AttributeLoc::Function, u.cx.create_enum_attribute(kind, 0));
    }
    let b = u.cx.create_builder();
    b.position_at_end(u.cx.append_basic_block(f, "entry"));
    let asm =
        u.cx.create_inline_asm(ty, text, String::new(), true, false, None, false);
    b.build_indirect_call(ty, asm, &[], "")?;
    b.build_unreachable()?;
    Ok(())
}

/// A function of signature `canon` that raises `code` for its caller
/// (`TRAP_IN_CALLER`): where a frozen table's code array or jump table
/// leads for an element that `call_indirect` must not reach.
fn trap_stub<'ctx>(
    u: &UnitCx<'ctx, '_>,
    code: TrapCode,
    canon: u32,
) -> Result<FunctionValue<'ctx>> {
    let key = (code as u32, canon);
    if let Some(f) = u.trap_stubs.borrow().get(&key) {
        return Ok(*f);
    }
    let ty = u.t.func(u.cx, &u.info.types[canon as usize]);
    let name = format!("{}_trap{}_t{canon}", u.opts.prefix, code as u32);
    // External (hidden), so that a jump table's assembly text can name it.
    let f = u.module.add_function(&name, ty, Some(Linkage::External));
    f.as_global_value().set_visibility(GlobalVisibility::Hidden);
    f.set_section(Some(kiln_abi::symbols::CODE_SECTION));
    // Its trap starts the backtrace from this frame record (`Start::Record`).
    f.add_attribute(
        AttributeLoc::Function,
        u.cx.create_string_attribute("frame-pointer", "all"),
    );
    for k in ["cold", "noinline", "noreturn", "nounwind"] {
        let kind = Attribute::get_named_enum_kind_id(k);
        f.add_attribute(AttributeLoc::Function, u.cx.create_enum_attribute(kind, 0));
    }
    let b = u.cx.create_builder();
    b.position_at_end(u.cx.append_basic_block(f, "entry"));
    let vmctx = f.get_first_param().unwrap().into_pointer_value();
    crate::translate::env::FuncEnv::raise(u, &b, vmctx, code, kiln_abi::TRAP_IN_CALLER)?;
    u.trap_stubs.borrow_mut().insert(key, f);
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On x86_64 each slot of a jump table is a `jmp` to the element's
    /// entry (the function, or the stub for a null or another type),
    /// padded with int3 to `JUMP_SLOT` bytes: the call's computed target.
    #[test]
    fn jump_table_slots_jump_to_each_element() {
        use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget};
        let objects = crate::backend::metadata::x86_64_objects(
            r#"(module
                 (type $t (func (param i32) (result i32)))
                 (func $a (type $t) (i32.add (local.get 0) (i32.const 1)))
                 (func $b (param f32))
                 (func $c (type $t) (i32.mul (local.get 0) (i32.const 2)))
                 (table 5 funcref) (elem (i32.const 1) func $a $b $c $a)
                 (func (export "f") (param i32) (result i32)
                   (call_indirect (type $t) (local.get 0) (local.get 0))))"#,
        );
        let meta = object::File::parse(&objects.last().unwrap()[..]).unwrap();
        let table = meta
            .symbols()
            .find(|s| s.name() == Ok("kiln_table0_jumps_t0"))
            .expect("the jump table's symbol");
        let section = meta
            .section_by_index(table.section_index().unwrap())
            .unwrap();
        let data = section.data().unwrap();
        let relocs: Vec<_> = section.relocations().collect();
        let name_at = |addr: u64| {
            meta.symbols()
                .find(|s| s.section_index() == table.section_index() && s.address() == addr)
                .map(|s| s.name().unwrap().to_string())
        };
        let stub = |code: TrapCode| format!("kiln_trap{}_t0", code as u32);
        let expected = [
            stub(TrapCode::UninitializedElement),
            "kiln_f0".into(),
            stub(TrapCode::IndirectCallTypeMismatch), // $b's type
            "kiln_f2".into(),
            "kiln_f0".into(),
        ];
        for (i, want) in expected.iter().enumerate() {
            let at = table.address() + JUMP_SLOT * i as u64;
            let slot = &data[at as usize..];
            let slot = &slot[..slot.len().min(JUMP_SLOT as usize)];
            let (len, target) = match slot[0] {
                0xe9 => {
                    let disp = i32::from_le_bytes(slot[1..5].try_into().unwrap());
                    let reloc = relocs.iter().find(|(o, _)| *o == at + 1);
                    let target = match reloc.map(|(_, r)| r.target()) {
                        Some(RelocationTarget::Symbol(s)) => {
                            meta.symbol_by_index(s).unwrap().name().unwrap().to_string()
                        }
                        None => name_at((at as i64 + 5 + disp as i64) as u64).unwrap(),
                        Some(other) => panic!("slot {i}: relocation to {other:?}"),
                    };
                    (5, target)
                }
                0xeb => {
                    let disp = slot[1] as i8 as i64;
                    (2, name_at((at as i64 + 2 + disp) as u64).unwrap())
                }
                b => panic!("slot {i} starts with {b:#x}, not a jmp"),
            };
            assert_eq!(&target, want, "slot {i}");
            if i + 1 < expected.len() {
                assert!(
                    slot[len..].iter().all(|&b| b == 0xcc),
                    "slot {i}: {slot:x?}"
                );
            }
        }
    }
}
