//! Runtime functions that compiled code calls through the table at
//! [`crate::VMOffsets::builtins`], declared once: `for_each_builtin!` is the
//! one list, from which this crate makes the [`Builtin`] enum and each
//! builtin's [`Signature`] (which the compiler declares its calls with),
//! and the runtime makes the type of its table (so a runtime function of
//! another type does not compile).
//!
//! Every builtin gets the caller's vmctx first. Builtins that can fail
//! return a trap code (0 = no trap) so that the compiled caller raises the
//! trap itself and the backtrace starts in wasm.

/// Call `$m!` with the list of builtins, in table order: for each, its
/// name, its field in the runtime's table, its index, its parameters after
/// the vmctx (`u32`, `u64`, or `ptr` for a pointer-sized value) and its
/// result (`u32`, `u64`, `none` or `never`).
#[macro_export]
macro_rules! for_each_builtin {
    ($m:ident) => {
        $m! {
            /// Raise trap `code` for wasm function `func_index` (or
            /// [`TRAP_IN_CALLER`](crate::TRAP_IN_CALLER) from a trap stub),
            /// whose frame pointer is `frame_pointer`.
            Trap trap = 0 (code: u32, func_index: u32, frame_pointer: ptr) -> never;
            /// Grow `memory` by `delta_pages`: the old size in pages, or
            /// `u64::MAX`.
            MemoryGrow memory_grow = 1 (memory: u32, delta_pages: u64) -> u64;
            /// `memory.init`: a trap code.
            MemoryInit memory_init = 2 (memory: u32, segment: u32, dst: u64, src: u32, len: u32) -> u32;
            /// `data.drop`.
            DataDrop data_drop = 3 (segment: u32) -> none;
            /// Grow `table` by `delta` elements of `init`: the old size, or
            /// `u32::MAX`.
            TableGrow table_grow = 4 (table: u32, init: ptr, delta: u32) -> u32;
            /// `table.fill`: a trap code.
            TableFill table_fill = 5 (table: u32, dst: u32, value: ptr, len: u32) -> u32;
            /// `table.copy`: a trap code.
            TableCopy table_copy = 6 (dst_table: u32, src_table: u32, dst: u32, src: u32, len: u32) -> u32;
            /// `table.init`: a trap code.
            TableInit table_init = 7 (table: u32, segment: u32, dst: u32, src: u32, len: u32) -> u32;
            /// `elem.drop`.
            ElemDrop elem_drop = 8 (segment: u32) -> none;
            /// The store's interrupt flag is raised: a trap code
            /// (`Interrupted`) if the code is to stop; 0 once it may go
            /// on (it was asked to yield its thread, and did if it could).
            Interrupted interrupted = 9 () -> u32;
        }
    };
}

/// The types a builtin's signature is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbiType {
    I32,
    I64,
    /// A pointer-sized value (a reference, a frame pointer).
    Ptr,
}

/// A builtin's signature after its vmctx.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    pub params: &'static [AbiType],
    /// None for no result.
    pub result: Option<AbiType>,
    /// False for a builtin that never returns.
    pub returns: bool,
}

macro_rules! abi_type {
    (u32) => {
        AbiType::I32
    };
    (u64) => {
        AbiType::I64
    };
    (ptr) => {
        AbiType::Ptr
    };
}

macro_rules! result_of {
    (none) => {
        (None, true)
    };
    (never) => {
        (None, false)
    };
    ($t:ident) => {
        (Some(abi_type!($t)), true)
    };
}

macro_rules! define_builtins {
    ($( $(#[$doc:meta])* $name:ident $field:ident = $index:literal
        ( $($param:ident: $ty:ident),* ) -> $result:ident; )*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub enum Builtin {
            $( $(#[$doc])* $name = $index, )*
        }

        impl Builtin {
            /// Every builtin, in table order.
            pub const ALL: &'static [Builtin] = &[$(Builtin::$name),*];
            pub const COUNT: u32 = Self::ALL.len() as u32;

            pub fn signature(self) -> Signature {
                match self {
                    $(Builtin::$name => {
                        let (result, returns) = result_of!($result);
                        Signature {
                            params: &[$(abi_type!($ty)),*],
                            result,
                            returns,
                        }
                    })*
                }
            }
        }

        // The indices are the table order.
        const _: () = {
            let mut i = 0;
            while i < Builtin::ALL.len() {
                assert!(Builtin::ALL[i] as usize == i, "builtins out of order");
                i += 1;
            }
        };
    };
}

for_each_builtin!(define_builtins);

/// The trap builtin's `func_index` from a trap stub: code that belongs to no
/// wasm function (a frozen table's signature-mismatch and null entries)
/// and traps on behalf of the wasm function that called it.
pub const TRAP_IN_CALLER: u32 = u32::MAX;

/// A trap instruction's `func_index` in code inlined from another core
/// module of the component (whose function indices mean nothing here):
/// the trap is reported in the function the instruction is in.
pub const TRAP_AT_PC: u32 = u32::MAX - 1;
