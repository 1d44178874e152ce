//! Runtime functions that compiled code calls (see `kiln_abi::Builtin` for
//! the list and signatures). Each gets the caller's vmctx first.
//!
//! Safety contract of every `builtin_*`: only compiled code calls them, and
//! it passes its own live vmctx; index arguments were validated with the
//! module, so they name existing memories, tables and segments.

use crate::instance::Instance;
use kiln_abi::{TrapCode, VMOffsets};

/// The Rust type of a builtin's parameter or result as `for_each_builtin!`
/// writes it.
macro_rules! rust_type {
    (u32) => { u32 };
    (u64) => { u64 };
    (ptr) => { usize };
    (none) => { () };
    (never) => { ! };
}

/// The table's type, one field per builtin in the list's order, each of the
/// type the list gives: a runtime function of another type does not
/// compile, and the fields' offsets are checked against the indices.
macro_rules! define_table {
    ($( $(#[$doc:meta])* $name:ident $field:ident = $index:literal
        ( $($param:ident: $ty:ident),* ) -> $result:ident; )*) => {
        /// Entry points in `kiln_abi::Builtin` order; its address goes in
        /// every vmctx.
        #[repr(C)]
        pub struct BuiltinTable {
            $( $field: unsafe extern "C" fn(usize $(, rust_type!($ty))*) -> rust_type!($result), )*
        }

        const _: () = {
            $( assert!(
                std::mem::offset_of!(BuiltinTable, $field)
                    == kiln_abi::Builtin::$name as usize * std::mem::size_of::<usize>()
            ); )*
        };
    };
}

kiln_abi::for_each_builtin!(define_table);

pub static BUILTINS: BuiltinTable = BuiltinTable {
    trap: builtin_trap,
    memory_grow: builtin_memory_grow,
    memory_init: builtin_memory_init,
    data_drop: builtin_data_drop,
    table_grow: builtin_table_grow,
    table_fill: builtin_table_fill,
    table_copy: builtin_table_copy,
    table_init: builtin_table_init,
    elem_drop: builtin_elem_drop,
    interrupted: builtin_interrupted,
};

/// # Safety
/// `vmctx` must be the vmctx of a live instance (compiled code passes its own).
unsafe fn instance<'a>(vmctx: usize) -> &'a mut Instance {
    unsafe { &mut *(*((vmctx + VMOffsets::INSTANCE as usize) as *const usize) as *mut Instance) }
}

/// The instance a vmctx belongs to, for host functions.
///
/// # Safety
/// As [`instance`].
pub(crate) unsafe fn instance_of<'a>(vmctx: usize) -> &'a mut Instance {
    unsafe { instance(vmctx) }
}

const OK: u32 = 0;
const FAIL: u32 = 1;

unsafe extern "C" fn builtin_trap(vmctx: usize, code: u32, func_index: u32, fp: usize) -> ! {
    let module = unsafe { instance(vmctx) }.module;
    crate::traps::raise_wasm(code, module, func_index, fp)
}

unsafe extern "C" fn builtin_memory_grow(vmctx: usize, mem: u32, delta: u64) -> u64 {
    unsafe { instance(vmctx) }
        .memory_mut(mem)
        .grow(delta)
        .unwrap_or(u64::MAX)
}

/// `memory.init` (also used for active data segments at instantiation).
pub fn memory_init(inst: &mut Instance, mem: u32, seg: u32, dst: u64, src: u32, len: u32) -> u32 {
    let data = inst.datas[seg as usize];
    let m = inst.memory_mut(mem);
    let (src, len) = (src as usize, len as usize);
    let dst_end = dst.checked_add(len as u64);
    if src + len > data.len() || dst_end.is_none_or(|e| e > m.vm.length) {
        return TrapCode::MemoryOutOfBounds as u32;
    }
    m.data_mut()[dst as usize..dst as usize + len].copy_from_slice(&data[src..src + len]);
    OK
}

unsafe extern "C" fn builtin_memory_init(
    vmctx: usize,
    mem: u32,
    seg: u32,
    dst: u64,
    src: u32,
    len: u32,
) -> u32 {
    let code = memory_init(unsafe { instance(vmctx) }, mem, seg, dst, src, len);
    if code == OK {
        OK
    } else {
        FAIL
    }
}

unsafe extern "C" fn builtin_data_drop(vmctx: usize, seg: u32) {
    unsafe { instance(vmctx) }.datas[seg as usize] = &[];
}

unsafe extern "C" fn builtin_table_grow(vmctx: usize, table: u32, init: usize, delta: u32) -> u32 {
    unsafe { instance(vmctx) }
        .table_mut(table)
        .grow(delta, init)
        .unwrap_or(u32::MAX)
}

unsafe extern "C" fn builtin_table_fill(
    vmctx: usize,
    table: u32,
    dst: u32,
    val: usize,
    len: u32,
) -> u32 {
    let t = unsafe { instance(vmctx) }.table_mut(table);
    if t.fill(dst as usize, len as usize, val) {
        OK
    } else {
        FAIL
    }
}

unsafe extern "C" fn builtin_table_copy(
    vmctx: usize,
    dst_t: u32,
    src_t: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    let inst = unsafe { instance(vmctx) };
    let (dst, src, len) = (dst as usize, src as usize, len as usize);
    let Some(items) = inst.table_mut(src_t).get_range(src, len) else {
        return FAIL;
    };
    if inst.table_mut(dst_t).set_range(dst, &items) {
        OK
    } else {
        FAIL
    }
}

/// `table.init` (also used for active element segments at instantiation).
pub fn table_init(inst: &mut Instance, table: u32, seg: u32, dst: u32, src: u32, len: u32) -> u32 {
    let (dst, src, len) = (dst as usize, src as usize, len as usize);
    let items = std::mem::take(&mut inst.elems[seg as usize]);
    let t = inst.table_mut(table);
    let fits = match items.get(src..src + len) {
        Some(values) => t.set_range(dst, values),
        None => false,
    };
    inst.elems[seg as usize] = items;
    if !fits {
        return FAIL;
    }
    OK
}

unsafe extern "C" fn builtin_table_init(
    vmctx: usize,
    table: u32,
    seg: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    table_init(unsafe { instance(vmctx) }, table, seg, dst, src, len)
}

unsafe extern "C" fn builtin_elem_drop(vmctx: usize, seg: u32) {
    unsafe { instance(vmctx) }.elems[seg as usize].clear();
}

unsafe extern "C" fn builtin_interrupted(vmctx: usize) -> u32 {
    // SAFETY: the vmctx holds its store's flag, which outlives its code.
    let flag = unsafe {
        &*(*((vmctx + VMOffsets::INTERRUPT as usize) as *const usize)
            as *const std::sync::atomic::AtomicU64)
    };
    crate::store::interrupted(flag)
}
