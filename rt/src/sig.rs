//! Canonical signature ids: structurally equal function types get the same
//! id in every module, so `call_indirect` compares one integer.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use wasmparser::FuncType;

struct Registry {
    ids: HashMap<FuncType, u32>,
    types: Vec<FuncType>,
}

fn registry() -> &'static Mutex<Registry> {
    static R: OnceLock<Mutex<Registry>> = OnceLock::new();
    R.get_or_init(|| {
        Mutex::new(Registry {
            ids: HashMap::new(),
            types: Vec::new(),
        })
    })
}

pub fn sig_id(ty: &FuncType) -> u32 {
    let mut r = registry().lock().unwrap();
    if let Some(id) = r.ids.get(ty) {
        return *id;
    }
    // Ids start at 1 so that a zeroed funcref never matches.
    let id = r.types.len() as u32 + 1;
    r.types.push(ty.clone());
    r.ids.insert(ty.clone(), id);
    id
}

pub fn func_type(id: u32) -> Option<FuncType> {
    registry()
        .lock()
        .unwrap()
        .types
        .get(id.checked_sub(1)? as usize)
        .cloned()
}
