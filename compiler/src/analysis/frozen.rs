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
//! (`translate::call_targets` makes them.)
//! A table stays unfrozen when its arrays would be large (elements times
//! signatures called through it over `MAX_CALL_ARRAY_ENTRIES`): clang's
//! 37,000-element table called with hundreds of signatures would need
//! hundreds of megabytes of them.

use crate::analysis::scan::FunctionFacts;
use crate::module::ModuleInfo;
use kiln_abi::module::{ElemItem, ExportKind, Mode};
use std::collections::BTreeSet;
use wasmparser::RefType;

/// Tables larger than this are left alone: every signature called through
/// a frozen table gets an array of this many pointers.
const MAX_FROZEN_ELEMENTS: u64 = 1 << 16;

/// At most this many pointers in the code arrays of one table (512 KiB).
const MAX_CALL_ARRAY_ENTRIES: usize = 1 << 16;

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
pub fn tables(info: &ModuleInfo, facts: &[FunctionFacts]) -> FrozenTables {
    let imported = info.num_imported_tables as usize;
    let mut frozen: Vec<Option<Vec<Option<u32>>>> = (0..info.tables.len())
        .map(|i| {
            let ty = info.tables[i];
            let candidate = i >= imported
                && ty.element_type == RefType::FUNCREF
                && !ty.table64
                && !ty.shared
                && ty.initial <= MAX_FROZEN_ELEMENTS
                && info.description.tables[i - imported].1.is_none();
            candidate.then(|| vec![None; ty.initial as usize])
        })
        .collect();
    for e in &info.description.exports {
        if e.kind == ExportKind::Table {
            thaw(&mut frozen, e.index);
        }
    }
    for e in &info.description.elems {
        let Mode::Active {
            index: table,
            offset,
        } = &e.mode
        else {
            continue;
        };
        let table = *table;
        let items = element_functions(&e.items);
        let offset = match offset.as_i32() {
            Some(o) => o as u32 as usize,
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
            (true, Some(items)) => contents[offset..offset + items.len()].copy_from_slice(&items),
            _ => thaw(&mut frozen, table),
        }
    }
    let mut calls = BTreeSet::new();
    for f in facts {
        for &table in &f.tables_changed {
            thaw(&mut frozen, table);
        }
        for &(table, type_index) in &f.indirect_calls {
            calls.insert((table, info.canonical_type(type_index)));
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
    FrozenTables {
        contents: frozen,
        calls,
    }
}

fn thaw(frozen: &mut [Option<Vec<Option<u32>>>], table: u32) {
    if let Some(t) = frozen.get_mut(table as usize) {
        *t = None;
    }
}

/// An element segment's items as function indices (None for a null);
/// None if an item is anything else (a global's value, say).
fn element_functions(items: &[ElemItem]) -> Option<Vec<Option<u32>>> {
    items
        .iter()
        .map(|item| match item {
            ElemItem::Func(f) => Some(Some(*f)),
            ElemItem::Null => Some(None),
            ElemItem::Expr(_) => None,
        })
        .collect()
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
        let a = crate::analysis::analyze(&wasm, &Default::default()).unwrap();
        tables(&a.info, &a.functions).contents.swap_remove(0)
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
        let a = crate::analysis::analyze(&wasm, &Default::default()).unwrap();
        let f = tables(&a.info, &a.functions);
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
}
