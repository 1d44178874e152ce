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
}

impl TrapCode {
    pub const ALL: [TrapCode; 12] = [
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
        }
    }
}
