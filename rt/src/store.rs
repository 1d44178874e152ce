//! The store owns everything instances share: memories, tables, globals,
//! host functions and the instances themselves. Nothing is freed before the
//! store, so raw pointers between them stay valid.

use crate::error::ResourceError;
use crate::instance::Instance;
use crate::sys::mmap::{Pristine, Reservation};
use crate::vm::{VMFuncRef, VMGlobal, VMMemory, VMTable, VMTableFuncRef};
use kiln_abi::module::{FuncType, GlobalType, MemoryType, TableType, ValType};
use kiln_abi::{MEMORY32_RESERVATION, WASM_PAGE_SIZE};

/// A wasm value as the host sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    I32(i32),
    I64(i64),
    /// Bits, so that NaN payloads survive.
    F32(u32),
    F64(u64),
    /// Address of a `VMFuncRef`, 0 for null.
    FuncRef(usize),
    /// Opaque host value, 0 for null.
    ExternRef(usize),
}

impl Val {
    pub fn to_bits(self) -> u64 {
        match self {
            Val::I32(v) => v as u32 as u64,
            Val::I64(v) => v as u64,
            Val::F32(v) => v as u64,
            Val::F64(v) => v,
            Val::FuncRef(v) | Val::ExternRef(v) => v as u64,
        }
    }

    pub fn from_bits(ty: ValType, bits: u64) -> Val {
        match ty {
            ValType::I32 => Val::I32(bits as u32 as i32),
            ValType::I64 => Val::I64(bits as i64),
            ValType::F32 => Val::F32(bits as u32),
            ValType::F64 => Val::F64(bits),
            ValType::FuncRef => Val::FuncRef(bits as usize),
            ValType::ExternRef | ValType::V128 => Val::ExternRef(bits as usize),
        }
    }
}

pub struct Memory {
    pub vm: VMMemory,
    pub ty: MemoryType,
    reservation: Reservation,
    /// Pages growth may not pass (`--max-memory-size`).
    limit_pages: u64,
}

impl Memory {
    /// A memory of type `ty` as new: zero, but for `image` at its offset
    /// (the compiler's memory image, inside the initial size). One kept
    /// from an instance of the same module is taken if there is one.
    pub fn new(
        ty: MemoryType,
        image: Option<(u64, &'static [u8])>,
    ) -> Result<Box<Memory>, ResourceError> {
        let max_pages = 65536;
        if ty.initial > max_pages {
            return Err(ResourceError::MemoryOver4Gib { pages: ty.initial });
        }
        let pristine = Pristine {
            accessible: (ty.initial * WASM_PAGE_SIZE) as usize,
            image: image.map(|(offset, bytes)| (offset as usize, bytes)),
        };
        let size = MEMORY32_RESERVATION as usize;
        let kept = Reservation::take_pristine(size, pristine);
        let fresh = kept.is_none();
        let reservation = match kept {
            Some(r) => r,
            None => Reservation::new(size).map_err(ResourceError::Reserve)?,
        };
        let mut m = Box::new(Memory {
            vm: VMMemory {
                base: reservation.base(),
                length: 0,
            },
            ty,
            reservation,
            limit_pages: u64::MAX,
        });
        if m.grow(ty.initial).is_none() {
            return Err(ResourceError::Commit { pages: ty.initial });
        }
        if fresh {
            if let Some((offset, bytes)) = image {
                m.load_image(offset, bytes);
            }
            m.reservation.mark_pristine(pristine);
        }
        Ok(m)
    }

    pub fn pages(&self) -> u64 {
        self.vm.length / WASM_PAGE_SIZE
    }

    /// The size growth may reach: the declared maximum, but never 4 GiB
    /// (see `MEMORY32_GROWTH_LIMIT_PAGES`) unless the memory started there.
    fn max_pages(&self) -> u64 {
        let limit = kiln_abi::MEMORY32_GROWTH_LIMIT_PAGES.max(self.ty.initial);
        self.ty
            .maximum
            .unwrap_or(limit)
            .min(limit)
            .min(self.limit_pages)
    }

    /// Grow by `delta` pages; the old size in pages, or `None` if refused.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages() {
            return None;
        }
        self.reservation
            .make_accessible((new * WASM_PAGE_SIZE) as usize)
            .ok()?;
        self.vm.length = new * WASM_PAGE_SIZE;
        Some(old)
    }

    /// Fill the memory from `offset` on with `image`: mapped copy-on-write
    /// from the file it was loaded from, or copied if that cannot be done.
    fn load_image(&mut self, offset: u64, image: &'static [u8]) {
        let end = offset + image.len() as u64;
        assert!(
            end <= self.vm.length,
            "memory image beyond the initial size"
        );
        // SAFETY: offset..end lies in the accessible part of our reservation.
        let dest = unsafe { self.vm.base.add(offset as usize) };
        if crate::sys::mmap::map_private_copy(dest, image).is_err() {
            self.data_mut()[offset as usize..end as usize].copy_from_slice(image);
        }
    }

    pub fn data(&self) -> &[u8] {
        // SAFETY: the first `length` bytes of the reservation are accessible.
        unsafe { std::slice::from_raw_parts(self.vm.base, self.vm.length as usize) }
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above, and we hold the only host reference.
        unsafe { std::slice::from_raw_parts_mut(self.vm.base, self.vm.length as usize) }
    }
}

/// A table's elements: a funcref table keeps each funcref inline (see
/// `VMTableFuncRef`), an externref table the host values.
enum Elements {
    Func(Vec<VMTableFuncRef>),
    Extern(Vec<usize>),
}

pub struct Table {
    pub vm: VMTable,
    pub ty: TableType,
    elements: Elements,
    /// Elements growth may not pass (`--max-table-elements`).
    limit_elements: u64,
}

/// The element holding `value`: for a funcref table, the address of a
/// live `VMFuncRef` or 0, as every funcref compiled code or the store
/// produces is.
fn func_element(value: usize) -> VMTableFuncRef {
    // SAFETY: funcref values are null or point at store-owned funcrefs.
    unsafe { VMTableFuncRef::new(value) }
}

impl Table {
    pub fn new(ty: TableType, init: usize) -> Result<Box<Table>, ResourceError> {
        if ty.initial > 10_000_000 {
            return Err(ResourceError::TableTooLarge {
                elements: ty.initial,
            });
        }
        let n = ty.initial as usize;
        let elements = if ty.element == ValType::FuncRef {
            Elements::Func(vec![func_element(init); n])
        } else {
            Elements::Extern(vec![init; n])
        };
        let mut t = Box::new(Table {
            vm: VMTable {
                base: std::ptr::null_mut(),
                length: 0,
            },
            ty,
            elements,
            limit_elements: u64::MAX,
        });
        t.sync();
        Ok(t)
    }

    fn sync(&mut self) {
        let (base, len) = match &mut self.elements {
            Elements::Func(v) => (v.as_mut_ptr() as *mut u8, v.len()),
            Elements::Extern(v) => (v.as_mut_ptr() as *mut u8, v.len()),
        };
        self.vm.base = base;
        self.vm.length = len as u64;
    }

    pub fn len(&self) -> usize {
        self.vm.length as usize
    }

    /// The values of elements `start..start + len` (funcref addresses or
    /// externref values), or `None` past the end.
    pub fn get_range(&self, start: usize, len: usize) -> Option<Vec<usize>> {
        let end = start.checked_add(len)?;
        match &self.elements {
            Elements::Func(v) => Some(v.get(start..end)?.iter().map(|e| e.funcref).collect()),
            Elements::Extern(v) => Some(v.get(start..end)?.to_vec()),
        }
    }

    /// Store `values` from element `dst` on; `false`, storing nothing, if
    /// they do not fit.
    pub fn set_range(&mut self, dst: usize, values: &[usize]) -> bool {
        self.set_from(dst, values.iter().copied())
    }

    /// As `set_range`, with the values an iterator gives.
    pub fn set_from(&mut self, dst: usize, values: impl ExactSizeIterator<Item = usize>) -> bool {
        let Some(end) = dst.checked_add(values.len()) else {
            return false;
        };
        match &mut self.elements {
            Elements::Func(v) => match v.get_mut(dst..end) {
                Some(s) => s
                    .iter_mut()
                    .zip(values)
                    .for_each(|(e, x)| *e = func_element(x)),
                None => return false,
            },
            Elements::Extern(v) => match v.get_mut(dst..end) {
                Some(s) => s.iter_mut().zip(values).for_each(|(e, x)| *e = x),
                None => return false,
            },
        }
        true
    }

    /// Set `len` elements from `dst` on to `value`; `false` if they do not fit.
    pub fn fill(&mut self, dst: usize, len: usize, value: usize) -> bool {
        let Some(end) = dst.checked_add(len) else {
            return false;
        };
        match &mut self.elements {
            Elements::Func(v) => match v.get_mut(dst..end) {
                Some(s) => s.fill(func_element(value)),
                None => return false,
            },
            Elements::Extern(v) => match v.get_mut(dst..end) {
                Some(s) => s.fill(value),
                None => return false,
            },
        }
        true
    }

    pub fn grow(&mut self, delta: u32, init: usize) -> Option<u32> {
        let old = self.len() as u64;
        let new = old + delta as u64;
        let max = self
            .ty
            .maximum
            .unwrap_or(u32::MAX as u64)
            .min(10_000_000)
            .min(self.limit_elements);
        if new > max {
            return None;
        }
        match &mut self.elements {
            Elements::Func(v) => v.resize(new as usize, func_element(init)),
            Elements::Extern(v) => v.resize(new as usize, init),
        }
        self.sync();
        Some(old as u32)
    }
}

pub struct Global {
    pub vm: VMGlobal,
    pub ty: GlobalType,
}

impl Global {
    pub fn get(&self) -> Val {
        Val::from_bits(
            self.ty.content,
            u64::from_ne_bytes(self.vm.bytes[..8].try_into().unwrap()),
        )
    }
    pub fn set_bits(&mut self, bits: u64) {
        self.vm.bytes = [0; 16];
        self.vm.bytes[..8].copy_from_slice(&bits.to_ne_bytes());
    }
}

/// A callable function: its funcref, and the trampoline the host calls it
/// through (0 for a bare host function that no module has imported).
#[derive(Clone, Copy, Debug)]
pub struct Func {
    /// Never null, so that an `Option<Func>` takes no more room.
    pub funcref: std::ptr::NonNull<VMFuncRef>,
    pub trampoline: usize,
}

impl Func {
    pub fn ty(&self) -> FuncType {
        // SAFETY: funcrefs handed out by a store live as long as the store.
        crate::sig::func_type(unsafe { self.funcref.as_ref().sig_id })
            .expect("registered signature")
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Extern {
    Func(Func),
    Memory(*mut Memory),
    Table(*mut Table),
    Global(*mut Global),
}

/// What a store lets its instances have and do; `None` is the engine's
/// own bound. As wasmtime spells them on its command line.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Limits {
    /// `--max-memory-size`: bytes a linear memory may reach.
    pub max_memory_size: Option<u64>,
    /// `--max-table-elements`: elements a table may reach.
    pub max_table_elements: Option<u64>,
    /// `--max-wasm-stack`: bytes of stack a call from the host may use.
    pub max_wasm_stack: Option<usize>,
}

impl Limits {
    /// The stack limit for a call from the host made here: the thread's
    /// own limit, or `max_wasm_stack` below this frame if that is higher.
    pub fn stack_limit_from_here(&self, thread_limit: usize) -> usize {
        let here = 0u8;
        let here = &here as *const u8 as usize;
        match self.max_wasm_stack {
            Some(max) => thread_limit.max(here.saturating_sub(max)),
            None => thread_limit,
        }
    }
}

pub struct Store {
    pub(crate) instances: Vec<Box<Instance>>,
    pub(crate) memories: Vec<Box<Memory>>,
    pub(crate) tables: Vec<Box<Table>>,
    /// A large program defines hundreds of globals, and a component
    /// binds as many host functions: one allocation each showed in
    /// start-up, and in a served request's instance.
    globals: Chunks<Global>,
    host_funcs: Chunks<VMFuncRef>,
    pub(crate) depth: u32,
    /// State host functions reach through the instances they are called
    /// from (the WASI context); boxed, so it stays put when the store moves.
    pub(crate) limits: Limits,
    /// Fuel left, for code compiled to consume it, which reads and writes
    /// it through the pointer in every vmctx (boxed, so that the address
    /// stays valid when the store moves; atomic, so that Rust never holds
    /// a plain reference to what compiled code writes).
    fuel: Box<std::sync::atomic::AtomicI64>,
    /// Non-zero: code compiled to be interruptible calls the runtime at
    /// its next function entry or loop iteration, which traps (`STOP`) or
    /// lets other work run first (`YIELD`). Shared with watchdogs.
    interrupt: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Default for Store {
    fn default() -> Store {
        Store {
            instances: Vec::new(),
            memories: Vec::new(),
            tables: Vec::new(),
            globals: Chunks::default(),
            host_funcs: Chunks::default(),
            depth: 0,
            limits: Limits::default(),
            fuel: Box::new(std::sync::atomic::AtomicI64::new(i64::MAX)),
            interrupt: Default::default(),
        }
    }
}

/// The interrupt flag's bits: stop (trap); yield the thread, then go on.
pub(crate) const STOP: u64 = 1;
const YIELD: u64 = 2;

/// What interruptible code does once it finds its store's interrupt flag
/// raised: a trap code to stop with (`Interrupted`), or 0 to go on, after
/// letting other work run if it was asked to and can.
pub(crate) fn interrupted(flag: &std::sync::atomic::AtomicU64) -> u32 {
    use std::sync::atomic::Ordering::SeqCst;
    let raised = flag.load(SeqCst);
    if raised & STOP != 0 {
        return kiln_abi::TrapCode::Interrupted as u32;
    }
    if raised & YIELD != 0 {
        flag.fetch_and(!YIELD, SeqCst);
        crate::component::concurrent::preempt();
        // Stopped meanwhile: stop now.
        if flag.load(SeqCst) & STOP != 0 {
            return kiln_abi::TrapCode::Interrupted as u32;
        }
    }
    0
}

/// Sets a store's interrupt flag from any thread (`Store::interrupt_handle`).
#[derive(Clone, Default)]
pub struct InterruptHandle(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl InterruptHandle {
    /// A flag no store uses yet ([`Store::share_interrupt`]).
    pub fn new() -> InterruptHandle {
        InterruptHandle::default()
    }

    pub fn interrupt(&self) {
        self.0.fetch_or(STOP, std::sync::atomic::Ordering::SeqCst);
    }

    /// Ask interruptible code running in the store to let other work run
    /// on its thread: at its next function entry or loop iteration it
    /// suspends, if it runs where it can be resumed later (a served
    /// guest's poll, `concurrent::preemptible`), and goes on otherwise.
    pub fn ask_to_yield(&self) {
        self.0.fetch_or(YIELD, std::sync::atomic::Ordering::SeqCst);
    }

    /// Withdraw a request to yield not acted on yet.
    pub fn cancel_yield(&self) {
        if self.0.load(std::sync::atomic::Ordering::Relaxed) & YIELD != 0 {
            self.0
                .fetch_and(!YIELD, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// A reference to the flag that does not keep it alive: whoever
    /// watches a deadline can tell whether anyone still uses it.
    pub(crate) fn downgrade(&self) -> std::sync::Weak<std::sync::atomic::AtomicU64> {
        std::sync::Arc::downgrade(&self.0)
    }
}

impl Store {
    pub fn new() -> Store {
        Store::default()
    }

    /// Bound what instances created from now on may have and do.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Give code compiled to consume fuel `fuel` units to use from now on.
    pub fn set_fuel(&mut self, fuel: u64) {
        let fuel = fuel.min(i64::MAX as u64) as i64;
        self.fuel.store(fuel, std::sync::atomic::Ordering::Relaxed);
    }

    /// Fuel left (negative once code ran out of it).
    pub fn fuel(&self) -> i64 {
        self.fuel.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A handle another thread may use to stop interruptible code running
    /// in this store: it traps ("interrupt") at its next function entry or
    /// loop iteration. The flag stays set until `clear_interrupt`.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle(self.interrupt.clone())
    }

    /// Make `handle` this store's interrupt flag, before anything is
    /// instantiated in it: a server can then stop a request's guest
    /// without waiting for the store to exist.
    pub fn share_interrupt(&mut self, handle: &InterruptHandle) {
        assert!(
            self.instances.is_empty(),
            "the interrupt flag changed after instantiation"
        );
        self.interrupt = handle.0.clone();
    }

    /// The flag itself, for host code that waits (it stops waiting when
    /// the flag rises).
    pub(crate) fn interrupt_flag(&self) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
        self.interrupt.clone()
    }

    pub fn clear_interrupt(&self) {
        self.interrupt.store(0, std::sync::atomic::Ordering::SeqCst);
    }

    pub(crate) fn fuel_ptr(&self) -> usize {
        self.fuel.as_ptr() as usize
    }

    pub(crate) fn interrupt_flag_ptr(&self) -> usize {
        self.interrupt.as_ptr() as usize
    }

    /// A host function with the native signature of `ty`:
    /// `extern "C" fn(vmctx, params...) -> result`. `vmctx` is the
    /// importing instance's, so the function can reach its memory.
    pub fn host_func(&mut self, ty: &FuncType, code: usize) -> Func {
        self.host_func_with_context(ty, code, 0)
    }

    /// A host function that runs against `context` (passed where compiled
    /// code passes a vmctx) rather than against its importer; 0 for the
    /// importer's.
    pub fn host_func_with_context(&mut self, ty: &FuncType, code: usize, context: usize) -> Func {
        self.host_func_with_sig_id(crate::sig::sig_id(ty), code, context)
    }

    /// As `host_func_with_context`, for the signature whose id is `sig_id`.
    pub fn host_func_with_sig_id(&mut self, sig_id: u32, code: usize, context: usize) -> Func {
        let f = VMFuncRef {
            func_ptr: code,
            vmctx: context,
            sig_id,
            _pad: 0,
        };
        let p = self.host_funcs.push(f);
        Func {
            funcref: std::ptr::NonNull::new(p as *mut VMFuncRef).expect("a live funcref"),
            trampoline: 0,
        }
    }

    /// A memory of type `ty`, holding `image` at its offset if given.
    pub fn memory(
        &mut self,
        ty: MemoryType,
        image: Option<(u64, &'static [u8])>,
    ) -> Result<*mut Memory, ResourceError> {
        let limit_pages = self
            .limits
            .max_memory_size
            .map_or(u64::MAX, |b| b / WASM_PAGE_SIZE);
        if ty.initial > limit_pages {
            return Err(ResourceError::MemoryLimit {
                bytes: ty.initial * WASM_PAGE_SIZE,
                limit: self.limits.max_memory_size.unwrap_or(0),
            });
        }
        let mut m = Memory::new(ty, image)?;
        m.limit_pages = limit_pages;
        let p = &mut *m as *mut Memory;
        self.memories.push(m);
        Ok(p)
    }

    pub fn table(&mut self, ty: TableType, init: usize) -> Result<*mut Table, ResourceError> {
        let limit = self.limits.max_table_elements.unwrap_or(u64::MAX);
        if ty.initial > limit {
            return Err(ResourceError::TableLimit {
                elements: ty.initial,
                limit,
            });
        }
        let mut t = Table::new(ty, init)?;
        t.limit_elements = limit;
        let p = &mut *t as *mut Table;
        self.tables.push(t);
        Ok(p)
    }

    pub fn global(&mut self, ty: GlobalType, value: Val) -> *mut Global {
        let mut g = Global {
            vm: VMGlobal::default(),
            ty,
        };
        g.set_bits(value.to_bits());
        self.globals.push(g)
    }
}

/// Values kept in chunks that never reallocate, so that each stays where
/// `push` put it, without an allocation of its own.
pub(crate) struct Chunks<T> {
    chunks: Vec<Vec<T>>,
}

impl<T> Default for Chunks<T> {
    fn default() -> Chunks<T> {
        Chunks { chunks: Vec::new() }
    }
}

impl<T> Chunks<T> {
    const CHUNK: usize = 64;

    /// Keep `value`; where it is kept, for as long as `self` lives.
    pub(crate) fn push(&mut self, value: T) -> *mut T {
        if self.chunks.last().is_none_or(|c| c.len() == c.capacity()) {
            self.chunks.push(Vec::with_capacity(Self::CHUNK));
        }
        let chunk = self.chunks.last_mut().expect("a chunk with room");
        chunk.push(value);
        // SAFETY: the value just pushed is at `len - 1`. Through
        // `as_mut_ptr`, which makes no reference to the chunk's elements,
        // so the pointers handed out before stay valid.
        unsafe { chunk.as_mut_ptr().add(chunk.len() - 1) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory_type(initial: u64, maximum: Option<u64>) -> MemoryType {
        MemoryType {
            memory64: false,
            shared: false,
            initial,
            maximum,
            page_size_log2: None,
        }
    }

    fn memory(initial: u64, maximum: Option<u64>) -> Box<Memory> {
        Memory::new(memory_type(initial, maximum), None).unwrap()
    }

    /// An image as the compiler lays one out: whole pages, no zero byte.
    static IMAGE: [u8; 1 << 16] = {
        let mut bytes = [0u8; 1 << 16];
        let mut i = 0;
        while i < bytes.len() {
            bytes[i] = (i % 251) as u8 + 1;
            i += 1;
        }
        bytes
    };

    /// What a new memory of three pages holds with `IMAGE` at page 1.
    fn as_new(data: &[u8]) -> bool {
        let page = WASM_PAGE_SIZE as usize;
        data.len() == 3 * page
            && data[..page].iter().all(|&b| b == 0)
            && data[page..2 * page] == IMAGE
            && data[2 * page..].iter().all(|&b| b == 0)
    }

    #[test]
    fn a_memory_comes_back_as_new_after_an_instance_wrote_and_grew_it() {
        let image = Some((WASM_PAGE_SIZE, &IMAGE[..]));
        let ty = memory_type(3, None);
        let mut m = Memory::new(ty, image).unwrap();
        assert!(as_new(m.data()));
        let base = m.vm.base;
        let _ = m.data()[10_000]; // read only: the zero page
        m.data_mut()[5] = 1;
        m.data_mut()[70_000] = 0;
        m.data_mut()[3 * 65536 - 1] = 9;
        assert_eq!(m.grow(2), Some(3));
        m.data_mut()[4 * 65536 + 17] = 3;
        drop(m);
        let mut again = Memory::new(ty, image).unwrap();
        if crate::sys::mmap::keeps_memories() {
            assert_eq!(again.vm.base, base, "the memory was kept");
        }
        assert!(as_new(again.data()));
        // Its growth starts from zero again.
        assert_eq!(again.grow(2), Some(3));
        assert!(again.data()[3 * 65536..].iter().all(|&b| b == 0));
    }

    #[test]
    fn a_kept_memory_serves_only_the_same_image_and_size() {
        // Sizes no other test uses: kept memories are shared by the tests
        // running beside this one.
        let image = Some((WASM_PAGE_SIZE, &IMAGE[..]));
        let mut m = Memory::new(memory_type(5, None), image).unwrap();
        m.data_mut()[70_000] = 0;
        let base = m.vm.base;
        drop(m);
        let other = Memory::new(memory_type(6, None), image).unwrap();
        assert_ne!(other.vm.base, base);
        let plain = Memory::new(memory_type(5, None), None).unwrap();
        assert_ne!(plain.vm.base, base);
        assert!(plain.data().iter().all(|&b| b == 0));
    }

    // The compiler relies on this (ABI's MEMORY32_GROWTH_LIMIT_PAGES).
    #[test]
    fn growth_stops_one_page_short_of_4gib() {
        let mut m = memory(65534, None);
        assert_eq!(m.grow(1), Some(65534));
        assert_eq!(m.grow(1), None);
        let mut m = memory(65534, Some(65536));
        assert_eq!(m.grow(2), None);
        assert_eq!(m.grow(1), Some(65534));
    }

    #[test]
    fn a_memory_that_starts_at_4gib_keeps_it() {
        let mut m = memory(65536, None);
        assert_eq!(m.pages(), 65536);
        assert_eq!(m.grow(0), Some(65536));
        assert_eq!(m.grow(1), None);
    }
}
