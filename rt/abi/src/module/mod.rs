//! The module description: everything the runtime needs to instantiate a
//! compiled module, as plain data. The compiler writes it (`encode`) into
//! the object beside the code, and the runtime reads it (`decode`) without
//! a wasm parser: types, imports, exports, memories, tables, globals with
//! their initializers, element segments with their functions resolved, and
//! data segments as the bytes to copy.
//!
//! Its encoding is `encoding.rs`.

mod encoding;

pub use crate::codec::DecodeError;

use alloc::string::String;
use alloc::vec::Vec;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
}

impl ValType {
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }
}

impl core::fmt::Display for ValType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FuncType {
    pub params: ValTypes,
    pub results: ValTypes,
}

/// The parameters or results of a function type: most fit inline.
pub type ValTypes = smallvec::SmallVec<[ValType; 8]>;

impl FuncType {
    pub fn new(params: &[ValType], results: &[ValType]) -> FuncType {
        FuncType {
            params: params.into(),
            results: results.into(),
        }
    }
}

/// In the text format's words: `(func (param i32) (result i64))`.
impl core::fmt::Display for FuncType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("(func")?;
        for (word, types) in [("param", &self.params), ("result", &self.results)] {
            if !types.is_empty() {
                write!(f, " ({word}")?;
                for t in types {
                    write!(f, " {t}")?;
                }
                f.write_str(")")?;
            }
        }
        f.write_str(")")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryType {
    /// In pages.
    pub initial: u64,
    pub maximum: Option<u64>,
    pub memory64: bool,
    pub shared: bool,
    /// None for the default 64 KiB pages.
    pub page_size_log2: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableType {
    /// `FuncRef` or `ExternRef`.
    pub element: ValType,
    pub initial: u64,
    pub maximum: Option<u64>,
    pub table64: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalType {
    pub content: ValType,
    pub mutable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportKind {
    /// A function of this type index.
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

/// An import's or export's name: borrowed from the description when the
/// runtime reads one out of loaded code (a large module has thousands,
/// and start-up pays for each allocation), owned when the compiler makes it.
pub type Name = alloc::borrow::Cow<'static, str>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub module: Name,
    pub name: Name,
    pub kind: ImportKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    Func,
    Table,
    Memory,
    Global,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub name: Name,
    pub kind: ExportKind,
    pub index: u32,
}

/// One step of a constant expression, evaluated on a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstOp {
    I32(i32),
    I64(i64),
    /// The bits of an f32.
    F32(u32),
    /// The bits of an f64.
    F64(u64),
    RefNull,
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

impl ConstOp {
    /// For the arithmetic steps: the result on the bits of the operands
    /// (`a` pushed first), as wasm computes it (wrapping); None for the
    /// other steps.
    pub fn arithmetic(self, a: u64, b: u64) -> Option<u64> {
        let (a32, b32) = (a as u32, b as u32);
        Some(match self {
            ConstOp::I32Add => a32.wrapping_add(b32) as u64,
            ConstOp::I32Sub => a32.wrapping_sub(b32) as u64,
            ConstOp::I32Mul => a32.wrapping_mul(b32) as u64,
            ConstOp::I64Add => a.wrapping_add(b),
            ConstOp::I64Sub => a.wrapping_sub(b),
            ConstOp::I64Mul => a.wrapping_mul(b),
            _ => return None,
        })
    }
}

/// A constant expression: one value when the compiler could evaluate it,
/// else the steps over imported globals the runtime evaluates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstExpr(pub ConstOps);

/// A constant expression's steps: almost always one, kept inline.
pub type ConstOps = smallvec::SmallVec<[ConstOp; 1]>;

impl ConstExpr {
    /// The value of an `i32.const k` expression (as the compiler leaves any
    /// expression it could evaluate to an i32).
    pub fn as_i32(&self) -> Option<i32> {
        match self.0[..] {
            [ConstOp::I32(k)] => Some(k),
            _ => None,
        }
    }

    /// The functions whose reference the expression takes.
    pub fn functions(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().filter_map(|op| match *op {
            ConstOp::RefFunc(f) => Some(f),
            _ => None,
        })
    }
}

/// Where a segment goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Into table or memory `index` at `offset`, at instantiation.
    Active { index: u32, offset: ConstExpr },
    /// Kept for `table.init` / `memory.init`.
    Passive,
    /// Only declares references (element segments).
    Declared,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElemItem {
    Func(u32),
    Null,
    Expr(ConstExpr),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElemSegment {
    /// `FuncRef` or `ExternRef`.
    pub element: ValType,
    pub mode: Mode,
    pub items: Vec<ElemItem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataSegment<'a> {
    pub mode: Mode,
    /// Empty for an active segment of memory 0 that the memory image
    /// already holds.
    pub bytes: &'a [u8],
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleDescription<'a> {
    pub types: Vec<FuncType>,
    pub imports: Vec<Import>,
    /// The type index of every function, imported ones first.
    pub funcs: Vec<u32>,
    /// Defined tables, with their initializer (None: null).
    pub tables: Vec<(TableType, Option<ConstExpr>)>,
    /// Defined memories.
    pub memories: Vec<MemoryType>,
    /// Defined globals, with their initializer.
    pub globals: Vec<(GlobalType, ConstExpr)>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment<'a>>,
    /// Function names (from the name section), by function index.
    pub names: Names<'a>,
}

/// Function names by function index, kept encoded (each an unsigned
/// LEB128 index, then the name as length and UTF-8 bytes, by increasing
/// index): a module may name tens of thousands of functions, and a name is
/// read only when a backtrace shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names<'a> {
    encoded: alloc::borrow::Cow<'a, [u8]>,
}

impl<'a> Names<'a> {
    /// `names`, sorted by index.
    pub fn new(names: &[(u32, String)]) -> Names<'static> {
        let mut out = Vec::new();
        let w = &mut crate::codec::Writer(&mut out);
        for (index, name) in names {
            w.u(u64::from(*index));
            w.str(name);
        }
        Names {
            encoded: alloc::borrow::Cow::Owned(out),
        }
    }

    pub(crate) fn encoded(&self) -> &[u8] {
        &self.encoded
    }

    pub(crate) fn borrowed(encoded: &'a [u8]) -> Names<'a> {
        Names {
            encoded: alloc::borrow::Cow::Borrowed(encoded),
        }
    }

    /// The name of function `index`, if it has one (and the encoding is
    /// sound up to it).
    pub fn get(&self, index: u32) -> Option<&str> {
        let mut r = crate::codec::Reader {
            bytes: &self.encoded,
            at: 0,
            loaded: false,
        };
        while r.at < self.encoded.len() {
            let i = r.u32().ok()?;
            let name = r.bytes().ok()?;
            if i == index {
                return core::str::from_utf8(name).ok();
            }
            if i > index {
                return None;
            }
        }
        None
    }
}

/// How many of each kind a module imports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub funcs: usize,
    pub tables: usize,
    pub memories: usize,
    pub globals: usize,
}

impl ModuleDescription<'_> {
    pub fn import_counts(&self) -> ImportCounts {
        let mut n = ImportCounts::default();
        for i in &self.imports {
            match i.kind {
                ImportKind::Func(_) => n.funcs += 1,
                ImportKind::Table(_) => n.tables += 1,
                ImportKind::Memory(_) => n.memories += 1,
                ImportKind::Global(_) => n.globals += 1,
            }
        }
        n
    }

    /// The slot of each function's `VMFuncRef` in the vmctx (by function
    /// index), `NO_FUNCREF` for one that has none. Imported functions
    /// have one each, in order (calls to them go through it); a defined
    /// function has one only if a reference to it can be taken: it is
    /// exported, the start function, or named outside function bodies (in
    /// an element segment, a global's or a table's initializer), which is
    /// every function a body's `ref.func` may name. Most of a large
    /// module's functions are only called directly, and an instance need
    /// not fill a funcref for each.
    pub fn funcref_slots(&self) -> FuncrefSlots {
        let imported = self.import_counts().funcs;
        let mut escapes = alloc::vec![false; self.funcs.len()];
        let mut mark = |f: u32| {
            if let Some(e) = escapes.get_mut(f as usize) {
                *e = true;
            }
        };
        for e in &self.exports {
            if e.kind == ExportKind::Func {
                mark(e.index);
            }
        }
        if let Some(s) = self.start {
            mark(s);
        }
        for seg in &self.elems {
            for item in &seg.items {
                match item {
                    ElemItem::Func(f) => mark(*f),
                    ElemItem::Null => {}
                    ElemItem::Expr(e) => e.functions().for_each(&mut mark),
                }
            }
        }
        let inits = self.globals.iter().map(|(_, init)| Some(init));
        let table_inits = self.tables.iter().map(|(_, init)| init.as_ref());
        for init in inits.chain(table_inits).flatten() {
            init.functions().for_each(&mut mark);
        }
        let mut count = 0;
        let slots = (escapes.iter().enumerate())
            .map(|(f, &escapes)| match f < imported || escapes {
                true => {
                    count += 1;
                    count - 1
                }
                false => NO_FUNCREF,
            })
            .collect();
        FuncrefSlots { slots, count }
    }
}

/// The slot of a function that has no `VMFuncRef`.
pub const NO_FUNCREF: u32 = u32::MAX;

/// Where each function's `VMFuncRef` lies among the vmctx's funcrefs
/// (`ModuleDescription::funcref_slots`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuncrefSlots {
    /// By function index; `NO_FUNCREF` for none.
    pub slots: Vec<u32>,
    /// How many slots there are.
    pub count: u32,
}

impl FuncrefSlots {
    /// Function `index`'s slot, if it has one.
    #[inline]
    pub fn of(&self, index: u32) -> Option<u32> {
        self.slots
            .get(index as usize)
            .copied()
            .filter(|&s| s != NO_FUNCREF)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn only_functions_a_reference_can_be_taken_to_have_funcrefs() {
        let f = |i| ConstExpr(smallvec::smallvec![ConstOp::RefFunc(i)]);
        let ty = FuncType::default();
        let table = TableType {
            element: ValType::FuncRef,
            initial: 1,
            maximum: None,
            table64: false,
        };
        let global = GlobalType {
            content: ValType::FuncRef,
            mutable: false,
        };
        let d = ModuleDescription {
            types: vec![ty],
            imports: vec![Import {
                module: "m".into(),
                name: "f".into(),
                kind: ImportKind::Func(0),
            }],
            // Function 0 is imported; 1..=8 are defined.
            funcs: vec![0; 9],
            tables: vec![(table, Some(f(7)))],
            globals: vec![(global, f(6))],
            exports: vec![Export {
                name: "e".into(),
                kind: ExportKind::Func,
                index: 3,
            }],
            start: Some(8),
            elems: vec![ElemSegment {
                element: ValType::FuncRef,
                mode: Mode::Declared,
                items: vec![ElemItem::Func(5), ElemItem::Null, ElemItem::Expr(f(2))],
            }],
            ..Default::default()
        };
        let slots = d.funcref_slots();
        let none = NO_FUNCREF;
        assert_eq!(slots.slots, vec![0, none, 1, 2, none, 3, 4, 5, 6]);
        assert_eq!(slots.count, 7);
        assert_eq!(slots.of(4), None);
        assert_eq!(slots.of(5), Some(3));
    }
}
