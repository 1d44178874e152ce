/// Runtime functions that compiled code calls through the table at
/// [`crate::VMOffsets::builtins`]. The order here is the order of that table.
///
/// Signatures (`vmctx` first, integers as written, `ref` pointer-sized):
/// builtins that can fail return a trap code (0 = no trap) so that the
/// compiled caller raises the trap itself and the backtrace starts in wasm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Builtin {
    /// `(vmctx, code: u32, func_index: u32, frame_pointer: ptr) -> !`;
    /// `func_index` is [`TRAP_IN_CALLER`] when the frame is a trap stub's.
    Trap = 0,
    /// `(vmctx, memory: u32, delta_pages: u64) -> u64` old size in pages or `u64::MAX`.
    MemoryGrow = 1,
    /// `(vmctx, memory: u32, segment: u32, dst: u64, src: u32, len: u32) -> u32` trap code.
    MemoryInit = 2,
    /// `(vmctx, segment: u32)`
    DataDrop = 3,
    /// `(vmctx, table: u32, init: ref, delta: u32) -> u32` old size or `u32::MAX`.
    TableGrow = 4,
    /// `(vmctx, table: u32, dst: u32, val: ref, len: u32) -> u32` trap code.
    TableFill = 5,
    /// `(vmctx, dst_table: u32, src_table: u32, dst: u32, src: u32, len: u32) -> u32` trap code.
    TableCopy = 6,
    /// `(vmctx, table: u32, segment: u32, dst: u32, src: u32, len: u32) -> u32` trap code.
    TableInit = 7,
    /// `(vmctx, segment: u32)`
    ElemDrop = 8,
}

impl Builtin {
    pub const COUNT: u32 = 9;
}

/// The trap builtin's `func_index` from a trap stub: code that belongs to no
/// wasm function (a frozen table's signature-mismatch and null entries)
/// and traps on behalf of the wasm function that called it.
pub const TRAP_IN_CALLER: u32 = u32::MAX;
