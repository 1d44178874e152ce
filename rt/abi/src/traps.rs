/// Why compiled code stopped. The compiler passes the number to the trap
/// builtin; the runtime prints [`TrapCode::message`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum TrapCode {
    Unreachable = 1,
    MemoryOutOfBounds = 2,
    TableOutOfBounds = 3,
    /// `call_indirect` index past the table's end.
    UndefinedElement = 4,
    /// `call_indirect` through a null entry.
    UninitializedElement = 5,
    IndirectCallTypeMismatch = 6,
    IntegerDivideByZero = 7,
    IntegerOverflow = 8,
    InvalidConversionToInteger = 9,
    CallStackExhausted = 10,
    NullReference = 11,
    /// A data or element segment access past its end (`memory.init`, `table.init`).
    OutOfBoundsSegmentAccess = 12,
    /// `--fuel`: the program used up what it was given.
    OutOfFuel = 13,
    /// `--timeout`: the deadline passed (or the host asked it to stop).
    Interrupted = 14,
}

impl TrapCode {
    pub const ALL: [TrapCode; 14] = [
        TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds,
        TrapCode::UndefinedElement,
        TrapCode::UninitializedElement,
        TrapCode::IndirectCallTypeMismatch,
        TrapCode::IntegerDivideByZero,
        TrapCode::IntegerOverflow,
        TrapCode::InvalidConversionToInteger,
        TrapCode::CallStackExhausted,
        TrapCode::NullReference,
        TrapCode::OutOfBoundsSegmentAccess,
        TrapCode::OutOfFuel,
        TrapCode::Interrupted,
    ];

    pub fn from_u32(n: u32) -> Option<TrapCode> {
        TrapCode::ALL.iter().copied().find(|c| *c as u32 == n)
    }

    /// The wording of the WebAssembly spec testsuite.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::IntegerDivideByZero => "integer divide by zero",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::InvalidConversionToInteger => "invalid conversion to integer",
            TrapCode::CallStackExhausted => "call stack exhausted",
            TrapCode::NullReference => "null reference",
            TrapCode::OutOfBoundsSegmentAccess => "out of bounds memory access",
            // wasmtime's words for the same two.
            TrapCode::OutOfFuel => "all fuel consumed by WebAssembly",
            TrapCode::Interrupted => "interrupt",
        }
    }
}

/// A trap raised by an instruction instead of a call, on x86_64: `ud2`,
/// then the trap code in one byte and the wasm function index in four
/// (little-endian). The bytes after `ud2` never run: the signal handler
/// reads them, records the trap and resumes at the catching frame. Unlike
/// a call to the trap builtin it needs no vmctx and no stack, so it works
/// even when the stack is exhausted.
pub mod trap_instruction {
    /// Bytes from the start of the `ud2` to the end of the function index.
    pub const LEN: usize = 7;

    /// `ud2`.
    pub const X86_64_OPCODE: [u8; 2] = [0x0f, 0x0b];

    /// (trap code, function index) of the trap instruction in `bytes`.
    pub fn x86_64_decode(bytes: &[u8; LEN]) -> Option<(u32, u32)> {
        if bytes[..2] != X86_64_OPCODE {
            return None;
        }
        let index = u32::from_le_bytes([bytes[3], bytes[4], bytes[5], bytes[6]]);
        Some((bytes[2] as u32, index))
    }
}
