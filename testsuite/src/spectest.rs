//! The `spectest` host module the spec testsuite imports.

use kiln_rt::{Extern, FuncType, GlobalType, MemoryType, Store, TableType, Val, ValType};
use std::collections::HashMap;

extern "C" fn print(_vmctx: usize) {}
extern "C" fn print_i32(_vmctx: usize, _a: i32) {}
extern "C" fn print_i64(_vmctx: usize, _a: i64) {}
extern "C" fn print_f32(_vmctx: usize, _a: f32) {}
extern "C" fn print_f64(_vmctx: usize, _a: f64) {}
extern "C" fn print_i32_f32(_vmctx: usize, _a: i32, _b: f32) {}
extern "C" fn print_f64_f64(_vmctx: usize, _a: f64, _b: f64) {}

pub fn instantiate(store: &mut Store) -> HashMap<String, Extern> {
    use ValType::*;
    let mut m = HashMap::new();
    let funcs: [(&str, Vec<ValType>, usize); 7] = [
        ("print", vec![], print as *const () as usize),
        ("print_i32", vec![I32], print_i32 as *const () as usize),
        ("print_i64", vec![I64], print_i64 as *const () as usize),
        ("print_f32", vec![F32], print_f32 as *const () as usize),
        ("print_f64", vec![F64], print_f64 as *const () as usize),
        (
            "print_i32_f32",
            vec![I32, F32],
            print_i32_f32 as *const () as usize,
        ),
        (
            "print_f64_f64",
            vec![F64, F64],
            print_f64_f64 as *const () as usize,
        ),
    ];
    for (name, params, code) in funcs {
        let ty = FuncType::new(&params, &[]);
        m.insert(name.to_string(), Extern::Func(store.host_func(&ty, code)));
    }
    let global = |store: &mut Store, ty: ValType, v: Val| {
        Extern::Global(store.global(
            GlobalType {
                content: ty,
                mutable: false,
            },
            v,
        ))
    };
    m.insert("global_i32".into(), global(store, I32, Val::I32(666)));
    m.insert("global_i64".into(), global(store, I64, Val::I64(666)));
    m.insert(
        "global_f32".into(),
        global(store, F32, Val::F32(666.6f32.to_bits())),
    );
    m.insert(
        "global_f64".into(),
        global(store, F64, Val::F64(666.6f64.to_bits())),
    );
    let table = TableType {
        element: ValType::FuncRef,
        table64: false,
        initial: 10,
        maximum: Some(20),
    };
    m.insert(
        "table".into(),
        Extern::Table(store.table(table, 0).expect("spectest table")),
    );
    let memory = MemoryType {
        memory64: false,
        shared: false,
        initial: 1,
        maximum: Some(2),
        page_size_log2: None,
    };
    m.insert(
        "memory".into(),
        Extern::Memory(store.memory(memory, None).expect("spectest memory")),
    );
    m
}
