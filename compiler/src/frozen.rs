//! Frozen tables: funcref tables whose contents are known at compile time
//! and never change.
//!
//! A table is frozen when this module defines it, does not export it, no
//! code changes it (`table.set`, `table.grow`, `table.fill`, `table.init`,
//! or `table.copy` into it), and its active element segments put only
//! functions this module defines (or nulls) at constant offsets. C and
//! Rust programs' `__indirect_function_table` is such a table. Its
//! elements are then all this instance's functions, and `call_indirect`
//! through it can use a per-signature array of code pointers built at
//! compile time (see `lower::call`): no signature check, no callee vmctx.
//! The metadata unit defines each array once; code units refer to it. On
//! x86_64 the array is a jump table instead: one `jmp` per element, in
//! slots of `JUMP_SLOT` bytes, so the call's target is computed from the
//! index rather than loaded.
//! A table stays unfrozen when its arrays would be large (elements times
//! signatures called through it over `MAX_CALL_ARRAY_ENTRIES`): clang's
//! 37,000-element table called with hundreds of signatures would need
//! hundreds of megabytes of them.

use crate::error::Result;
use crate::module::ModuleInfo;
use crate::unit::UnitCx;
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::module::Linkage;
use inkwell::values::{FunctionValue, GlobalValue, PointerValue};
use inkwell::GlobalVisibility;
use kiln_abi::TrapCode;
use std::collections::BTreeSet;
use wasmparser::{
    ElementItems, ElementKind, ExternalKind, Operator, Parser, Payload, RefType, TableInit,
};

/// Tables larger than this are left alone: every signature called through
/// a frozen table gets an array of this many pointers.
const MAX_FROZEN_ELEMENTS: u64 = 1 << 16;

/// At most this many pointers in the code arrays of one table (512 KiB).
const MAX_CALL_ARRAY_ENTRIES: usize = 1 << 16;

/// Bytes per element in a jump table: a `jmp rel32` (5 bytes) padded with
/// `int3`.
pub const JUMP_SLOT: u64 = 8;

/// What is known of the frozen tables.
#[derive(Default)]
pub struct FrozenTables {
    /// The contents (function index or null per element) of every frozen
    /// table, by table index; None for the others.
    pub contents: Vec<Option<Vec<Option<u32>>>>,
    /// The (table, canonical signature) pairs that `call_indirect` uses on
    /// frozen tables: the code arrays to define.
    pub calls: BTreeSet<(u32, u32)>,
}

/// Which tables are frozen, and what their code calls through them.
pub fn tables(wasm: &[u8], info: &ModuleInfo) -> Result<FrozenTables> {
    let mut frozen: Vec<Option<Vec<Option<u32>>>> = vec![None; info.tables.len()];
    let mut defined = 0;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    if let wasmparser::TypeRef::Table(_) = imp?.ty {
                        defined += 1;
                    }
                }
            }
            Payload::TableSection(r) => {
                for (i, t) in r.into_iter().enumerate() {
                    let t = t?;
                    let ty = t.ty;
                    let candidate = ty.element_type == RefType::FUNCREF
                        && !ty.table64
                        && !ty.shared
                        && ty.initial <= MAX_FROZEN_ELEMENTS
                        && matches!(t.init, TableInit::RefNull);
                    if candidate {
                        frozen[defined + i] = Some(vec![None; ty.initial as usize]);
                    }
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e?;
                    if e.kind == ExternalKind::Table {
                        thaw(&mut frozen, e.index);
                    }
                }
            }
            Payload::ElementSection(r) => {
                for e in r {
                    let e = e?;
                    let ElementKind::Active {
                        table_index,
                        offset_expr,
                    } = e.kind
                    else {
                        continue;
                    };
                    let table = table_index.unwrap_or(0);
                    let items = element_functions(&e.items)?;
                    let offset = match constant_offset(&offset_expr)? {
                        Some(o) => o as usize,
                        None => {
                            thaw(&mut frozen, table);
                            continue;
                        }
                    };
                    let Some(Some(contents)) = frozen.get_mut(table as usize) else {
                        continue;
                    };
                    let fits = items.as_ref().is_some_and(|items| {
                        offset
                            .checked_add(items.len())
                            .is_some_and(|end| end <= contents.len())
                            && items
                                .iter()
                                .flatten()
                                .all(|&f| f >= info.num_imported_funcs)
                    });
                    match (fits, items) {
                        (true, Some(items)) => {
                            contents[offset..offset + items.len()].copy_from_slice(&items)
                        }
                        _ => thaw(&mut frozen, table),
                    }
                }
            }
            _ => {}
        }
    }
    let mut calls = BTreeSet::new();
    if frozen.iter().all(Option::is_none) {
        return Ok(FrozenTables {
            contents: frozen,
            calls,
        });
    }
    for body in &info.bodies {
        let mut reader = body.get_operators_reader()?;
        while !reader.eof() {
            match reader.read()? {
                Operator::TableSet { table }
                | Operator::TableGrow { table }
                | Operator::TableFill { table }
                | Operator::TableInit { table, .. }
                | Operator::TableCopy {
                    dst_table: table, ..
                } => thaw(&mut frozen, table),
                Operator::CallIndirect {
                    type_index,
                    table_index,
                } => {
                    calls.insert((table_index, canonical_type(info, type_index)));
                }
                _ => {}
            }
        }
    }
    for (table, contents) in frozen.iter_mut().enumerate() {
        let signatures = calls.iter().filter(|c| c.0 == table as u32).count();
        if contents
            .as_ref()
            .is_some_and(|c| c.len() * signatures > MAX_CALL_ARRAY_ENTRIES)
        {
            *contents = None;
        }
    }
    calls.retain(|&(table, _)| frozen[table as usize].is_some());
    Ok(FrozenTables {
        contents: frozen,
        calls,
    })
}

fn thaw(frozen: &mut [Option<Vec<Option<u32>>>], table: u32) {
    if let Some(t) = frozen.get_mut(table as usize) {
        *t = None;
    }
}

/// An element segment's items as function indices (None for a null);
/// None if an item is anything else (a global's value, say).
fn element_functions(items: &ElementItems) -> Result<Option<Vec<Option<u32>>>> {
    let mut out = Vec::new();
    match items {
        ElementItems::Functions(r) => {
            for f in r.clone() {
                out.push(Some(f?));
            }
        }
        ElementItems::Expressions(_, r) => {
            for expr in r.clone() {
                let mut ops = expr?.get_operators_reader();
                let item = match ops.read()? {
                    Operator::RefFunc { function_index } => Some(function_index),
                    Operator::RefNull { .. } => None,
                    _ => return Ok(None),
                };
                if !matches!(ops.read()?, Operator::End) {
                    return Ok(None);
                }
                out.push(item);
            }
        }
    }
    Ok(Some(out))
}

/// `i32.const k`, the only offset that is known at compile time.
fn constant_offset(expr: &wasmparser::ConstExpr) -> Result<Option<u32>> {
    let mut ops = expr.get_operators_reader();
    let value = match ops.read()? {
        Operator::I32Const { value } => value as u32,
        _ => return Ok(None),
    };
    Ok(matches!(ops.read()?, Operator::End).then_some(value))
}

/// The lowest type index structurally equal to `type_index`: call_indirect
/// through a frozen table compares function types, not indices.
pub fn canonical_type(info: &ModuleInfo, type_index: u32) -> u32 {
    let ty = &info.types[type_index as usize];
    info.types
        .iter()
        .position(|t| t == ty)
        .unwrap_or(type_index as usize) as u32
}

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
    let canon = canonical_type(u.info, type_index);
    if let Some(g) = u.code_arrays.borrow().get(&(table, canon)) {
        return Ok(*g);
    }
    let len = u.info.frozen_table(table).expect("a frozen table").len();
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
    let canon = canonical_type(u.info, type_index);
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
    for &(table, canon) in &u.info.frozen.calls {
        let contents = u.info.frozen_table(table).expect("a frozen table");
        let expected = &u.info.types[canon as usize];
        let mut targets = Vec::with_capacity(contents.len());
        for element in contents {
            targets.push(match element {
                Some(f) if u.info.func_type(*f) == expected => u.function(*f),
                Some(_) => trap_stub(u, TrapCode::IndirectCallTypeMismatch, canon)?,
                None => trap_stub(u, TrapCode::UninitializedElement, canon)?,
            });
        }
        if u.x86_64 {
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
    crate::func_env::FuncEnv::raise(u, &b, vmctx, code, kiln_abi::TRAP_IN_CALLER)?;
    u.trap_stubs.borrow_mut().insert(key, f);
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether table 0 of a module with one call_indirect through it is
    /// frozen, with `extra` added to the module.
    fn frozen(extra: &str) -> Option<Vec<Option<u32>>> {
        let wat = format!(
            r#"(module
                 (type $t (func (param i32) (result i32)))
                 (func $a (type $t) (local.get 0))
                 (func $b (param f32))
                 (func (param i32) (result i32)
                   (call_indirect (type $t) (local.get 0) (local.get 0)))
                 {extra})"#
        );
        let wasm = wat::parse_str(&wat).unwrap();
        let info = ModuleInfo::parse(&wasm).unwrap();
        tables(&wasm, &info).unwrap().contents.swap_remove(0)
    }

    #[test]
    fn private_table_of_own_functions_is_frozen() {
        let contents = frozen("(table 4 funcref) (elem (i32.const 1) func $a $b)");
        assert_eq!(contents, Some(vec![None, Some(0), Some(1), None]));
    }

    #[test]
    fn tables_that_may_change_or_hold_others_functions_are_not() {
        for extra in [
            r#"(table (export "t") 4 funcref) (elem (i32.const 0) func $a)"#,
            "(table 4 funcref) (elem (i32.const 0) func $a) (func (table.set (i32.const 0) (ref.null func)))",
            "(table 4 funcref) (elem (i32.const 0) func $a) (func (drop (table.grow (ref.null func) (i32.const 1))))",
            "(table 4 funcref) (elem (i32.const 0) func $a) (func (table.fill (i32.const 0) (ref.null func) (i32.const 1)))",
            "(table 4 funcref) (elem (i32.const 0) func $a) (func (table.copy (i32.const 0) (i32.const 1) (i32.const 1)))",
            "(table 4 funcref) (elem $e func $a) (func (table.init $e (i32.const 0) (i32.const 0) (i32.const 1)))",
            "(global $g i32 (i32.const 0)) (table 4 funcref) (elem (global.get $g) func $a)",
            "(table 4 funcref) (elem (i32.const 3) func $a $b)",
        ] {
            assert_eq!(frozen(extra), None, "{extra}");
        }
    }

    #[test]
    fn imported_tables_and_functions_are_not() {
        let wat = r#"(module
              (import "m" "f" (func $f (param i32) (result i32)))
              (import "m" "t" (table 2 funcref))
              (table 2 funcref)
              (elem (table 0) (i32.const 0) func $f)
              (elem (table 1) (i32.const 0) func $f)
              (func (param i32) (result i32)
                (call_indirect 1 (param i32) (result i32) (local.get 0) (local.get 0))))"#;
        let wasm = wat::parse_str(wat).unwrap();
        let info = ModuleInfo::parse(&wasm).unwrap();
        let f = tables(&wasm, &info).unwrap();
        assert_eq!(f.contents, vec![None, None]);
        assert!(f.calls.is_empty());
    }

    #[test]
    fn large_code_arrays_leave_the_table_unfrozen() {
        let n = MAX_CALL_ARRAY_ENTRIES / 2 + 1;
        let two_signatures = format!(
            "(table {n} funcref) (elem (i32.const 0) func $a) \
             (func (call_indirect (param f32) (f32.const 0) (i32.const 0)))"
        );
        assert_eq!(frozen(&two_signatures), None);
        let one_signature = format!("(table {n} funcref) (elem (i32.const 0) func $a)");
        assert!(frozen(&one_signature).is_some());
    }

    /// On x86_64 each slot of a jump table is a `jmp` to the element's
    /// entry (the function, or the stub for a null or another type),
    /// padded with int3 to `JUMP_SLOT` bytes: the call's computed target.
    #[test]
    fn jump_table_slots_jump_to_each_element() {
        use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget};
        let objects = crate::metadata::x86_64_objects(
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
