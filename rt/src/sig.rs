//! Canonical signature ids: structurally equal function types get the same
//! id in every module, so `call_indirect` compares one integer. Small
//! signatures have ids that spell them out (`kiln_abi::structural_sig_id`),
//! which the compiler emits as constants; the others are numbered here.

use kiln_abi::module::FuncType;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

#[derive(Default)]
struct Registry {
    /// Numbered signatures.
    ids: HashMap<FuncType, u32>,
    /// Every id handed out, structural or numbered.
    types: HashMap<u32, FuncType>,
}

fn registry() -> &'static Mutex<Registry> {
    static R: OnceLock<Mutex<Registry>> = OnceLock::new();
    R.get_or_init(Default::default)
}

pub fn sig_id(ty: &FuncType) -> u32 {
    let mut r = registry().lock().unwrap();
    if let Some(id) = kiln_abi::structural_sig_id_of(ty) {
        r.types.entry(id).or_insert_with(|| ty.clone());
        return id;
    }
    if let Some(id) = r.ids.get(ty) {
        return *id;
    }
    // Ids start at 1 so that a zeroed funcref never matches, and stay
    // below the structural ones.
    let id = r.ids.len() as u32 + 1;
    assert!(id < kiln_abi::STRUCTURAL_TAG, "too many signatures");
    r.ids.insert(ty.clone(), id);
    r.types.insert(id, ty.clone());
    id
}

pub fn func_type(id: u32) -> Option<FuncType> {
    registry().lock().unwrap().types.get(&id).cloned()
}
