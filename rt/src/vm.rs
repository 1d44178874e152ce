//! The runtime side of the vmctx contract: `#[repr(C)]` structs whose
//! layout must equal what `kiln_abi::VMOffsets` tells the compiler.

/// A linear memory as compiled code sees it.
#[repr(C)]
pub struct VMMemory {
    pub base: *mut u8,
    pub length: u64,
}

/// A table as compiled code sees it: `length` elements at `base`,
/// `VMTableFuncRef`s in a funcref table, pointer-sized in an externref one.
#[repr(C)]
pub struct VMTable {
    pub base: *mut u8,
    pub length: u64,
}

/// Storage of one global (16 bytes, room for a v128 later).
#[repr(C, align(16))]
#[derive(Clone, Copy, Default)]
pub struct VMGlobal {
    pub bytes: [u8; 16],
}

/// What a funcref points at: code, the instance it runs in, its signature.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct VMFuncRef {
    pub func_ptr: usize,
    pub vmctx: usize,
    pub sig_id: u32,
    pub _pad: u32,
}

/// An element of a funcref table: a copy of the funcref, which
/// `call_indirect` reads, and its address, which is the element's value.
/// All zeros for null (signature id 0 never matches).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct VMTableFuncRef {
    pub inline: VMFuncRef,
    pub funcref: usize,
}

impl VMTableFuncRef {
    /// The element holding funcref value `funcref` (0 for null).
    ///
    /// # Safety
    /// A non-zero `funcref` must point at a live `VMFuncRef`, as every
    /// funcref value a store hands out does.
    pub unsafe fn new(funcref: usize) -> VMTableFuncRef {
        if funcref == 0 {
            return VMTableFuncRef::default();
        }
        VMTableFuncRef {
            // SAFETY: the caller's promise.
            inline: unsafe { *(funcref as *const VMFuncRef) },
            funcref,
        }
    }
}

/// One argument/result slot of a host-to-wasm trampoline.
#[repr(C, align(16))]
#[derive(Clone, Copy, Default)]
pub struct ValRaw {
    pub bytes: [u8; 16],
}

impl ValRaw {
    pub fn from_u64(v: u64) -> ValRaw {
        let mut r = ValRaw::default();
        r.bytes[..8].copy_from_slice(&v.to_ne_bytes());
        r
    }
    pub fn u64(&self) -> u64 {
        u64::from_ne_bytes(self.bytes[..8].try_into().unwrap())
    }
    pub fn u32(&self) -> u32 {
        u32::from_ne_bytes(self.bytes[..4].try_into().unwrap())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_abi::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn layouts_match_the_abi() {
        assert_eq!(size_of::<VMMemory>() as u32, VM_MEMORY_SIZE);
        assert_eq!(offset_of!(VMMemory, base) as u32, VMOffsets::MEMORY_BASE);
        assert_eq!(
            offset_of!(VMMemory, length) as u32,
            VMOffsets::MEMORY_LENGTH
        );
        assert_eq!(size_of::<VMTable>() as u32, VM_TABLE_SIZE);
        assert_eq!(offset_of!(VMTable, base) as u32, VMOffsets::TABLE_BASE);
        assert_eq!(offset_of!(VMTable, length) as u32, VMOffsets::TABLE_LENGTH);
        assert_eq!(size_of::<VMGlobal>() as u32, VM_GLOBAL_SIZE);
        assert_eq!(size_of::<VMFuncRef>() as u32, VM_FUNCREF_SIZE);
        assert_eq!(
            offset_of!(VMFuncRef, func_ptr) as u32,
            VMOffsets::FUNCREF_FUNC_PTR
        );
        assert_eq!(
            offset_of!(VMFuncRef, vmctx) as u32,
            VMOffsets::FUNCREF_VMCTX
        );
        assert_eq!(
            offset_of!(VMFuncRef, sig_id) as u32,
            VMOffsets::FUNCREF_SIG_ID
        );
        assert_eq!(size_of::<VMTableFuncRef>() as u32, VM_TABLE_FUNCREF_SIZE);
        assert_eq!(
            offset_of!(VMTableFuncRef, funcref) as u32,
            VMOffsets::TABLE_FUNCREF_ADDRESS
        );
        assert_eq!(size_of::<ValRaw>() as u32, VAL_RAW_SIZE);
        assert_eq!(
            size_of::<crate::builtins::BuiltinTable>() as u32,
            Builtin::COUNT * 8
        );
    }
}
