//! Signature ids that both sides compute alone.
//!
//! `call_indirect` compares the callee's signature id with the one its type
//! expects. Ids of small signatures spell the signature out, so the
//! compiler can emit the expected id as a constant instead of loading it
//! from the vmctx at every function entry (and keeping it in a register or
//! a stack slot). Any other signature gets an id from the runtime's
//! registry, below `STRUCTURAL_TAG`, which code loads from the vmctx.
//!
//! Layout of a structural id: bit 31 set; bits 27..31 the number of
//! parameters; then 3 bits per value type, parameters then results, from
//! bit 0 up, unused slots zero. Every code is non-zero, so the sequence
//! ends at the first zero slot and, with the parameter count, splits into
//! parameters and results: the encoding is one-to-one.

/// Set in every structural id and in no registry id.
pub const STRUCTURAL_TAG: u32 = 1 << 31;

/// Value types a structural id can spell (3 bits each; 0 marks an unused slot).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum SigType {
    I32 = 1,
    I64 = 2,
    F32 = 3,
    F64 = 4,
    V128 = 5,
    FuncRef = 6,
    ExternRef = 7,
}

const SLOTS: usize = 9;
const PARAM_COUNT_SHIFT: u32 = 27;

/// The structural id of `params -> results`, or `None` when it has more
/// than nine value types in all (or a type without a code: `None` entries).
pub fn structural_sig_id(params: &[Option<SigType>], results: &[Option<SigType>]) -> Option<u32> {
    if params.len() + results.len() > SLOTS {
        return None;
    }
    let mut id = STRUCTURAL_TAG | (params.len() as u32) << PARAM_COUNT_SHIFT;
    for (slot, ty) in params.iter().chain(results).enumerate() {
        id |= ((*ty)? as u32) << (3 * slot);
    }
    Some(id)
}

/// The structural id of a wasm function type, if it has one.
#[cfg(feature = "alloc")]
pub fn structural_sig_id_of(ty: &crate::module::FuncType) -> Option<u32> {
    use crate::module::ValType;
    let code = |t: &ValType| match *t {
        ValType::I32 => SigType::I32,
        ValType::I64 => SigType::I64,
        ValType::F32 => SigType::F32,
        ValType::F64 => SigType::F64,
        ValType::V128 => SigType::V128,
        ValType::FuncRef => SigType::FuncRef,
        ValType::ExternRef => SigType::ExternRef,
    };
    let mut params = [None; SLOTS];
    let mut results = [None; SLOTS];
    let (np, nr) = (ty.params.len(), ty.results.len());
    if np + nr > SLOTS {
        return None;
    }
    for (slot, t) in params.iter_mut().zip(&ty.params) {
        *slot = Some(code(t));
    }
    for (slot, t) in results.iter_mut().zip(&ty.results) {
        *slot = Some(code(t));
    }
    structural_sig_id(&params[..np], &results[..nr])
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::{collections::HashSet, vec, vec::Vec};
    use SigType::*;

    #[test]
    fn distinct_signatures_get_distinct_ids() {
        let all = [I32, I64, F32, F64, V128, FuncRef, ExternRef];
        let mut seen = HashSet::new();
        // Every split of every sequence of up to three types.
        let mut seqs: Vec<Vec<SigType>> = vec![vec![]];
        for _ in 0..3 {
            let longer: Vec<Vec<SigType>> = seqs
                .iter()
                .flat_map(|s| all.iter().map(move |t| [s.clone(), vec![*t]].concat()))
                .collect();
            seqs.extend(longer.into_iter().filter(|s| s.len() <= 3));
            seqs.sort_by_key(|s| s.iter().map(|t| *t as u8).collect::<Vec<_>>());
            seqs.dedup();
        }
        for s in &seqs {
            for split in 0..=s.len() {
                let p: Vec<_> = s[..split].iter().map(|t| Some(*t)).collect();
                let r: Vec<_> = s[split..].iter().map(|t| Some(*t)).collect();
                let id = structural_sig_id(&p, &r).unwrap();
                assert!(id & STRUCTURAL_TAG != 0);
                assert!(seen.insert(id), "{:?} -> {:?} collides", p, r);
            }
        }
    }

    #[test]
    fn long_or_unknown_signatures_have_no_structural_id() {
        let ten = [Some(I32); 10];
        assert_eq!(structural_sig_id(&ten, &[]), None);
        assert_eq!(structural_sig_id(&ten[..5], &ten[..5]), None);
        assert!(structural_sig_id(&ten[..5], &ten[..4]).is_some());
        assert_eq!(structural_sig_id(&[Some(I32), None], &[]), None);
    }
}
