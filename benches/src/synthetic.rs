//! Synthetic modules for the compile-scaling benchmark: N ordinary
//! functions that call each other directly and through a table, with data
//! segments that grow with N, or one function of about a million
//! instructions. Deterministic: the same arguments give the same bytes.

use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataSection, ElementSection, Elements, ExportKind,
    ExportSection, Function, FunctionSection, Instruction as I, MemArg, MemArgTarget,
    MemorySection, MemoryType, Module, RefType, TableSection, TableType, TypeSection, ValType,
};

/// Bytes of data segment per ordinary function.
const DATA_PER_FUNC: usize = 64;

fn mem(offset: u64) -> MemArg {
    MemArg {
        offset,
        align: 2,
        target: MemArgTarget::Memory(0),
        ordering: None,
    }
}

/// Type 0: (i32 x, i32 depth) -> i32, every generated function.
/// Type 1: () -> (), `_start`.
fn types() -> TypeSection {
    let mut t = TypeSection::new();
    t.ty()
        .function([ValType::I32, ValType::I32], [ValType::I32]);
    t.ty().function([], []);
    t
}

/// One ordinary function: a loop over memory, arithmetic, a direct call
/// and an indirect call guarded by `depth`, about 90 instructions.
fn ordinary(i: u32, n: u32) -> Function {
    let mut f = Function::new([(2, ValType::I32)]);
    let callee = (i.wrapping_mul(7919) + 1) % n;
    let slot = (i.wrapping_mul(104729) + 3) % n;
    let base = (i as u64 % 1024) * 4;
    let body = [
        // acc = x ^ i; k = x & 15
        I::LocalGet(0),
        I::I32Const(i as i32),
        I::I32Xor,
        I::LocalSet(2),
        I::LocalGet(0),
        I::I32Const(15),
        I::I32And,
        I::LocalSet(3),
        I::Block(BlockType::Empty),
        I::Loop(BlockType::Empty),
        I::LocalGet(3),
        I::I32Eqz,
        I::BrIf(1),
        // acc = rotl(acc * 31 + mem[k*4 + base], 5)
        I::LocalGet(2),
        I::I32Const(31),
        I::I32Mul,
        I::LocalGet(3),
        I::I32Const(2),
        I::I32Shl,
        I::I32Load(mem(base)),
        I::I32Add,
        I::I32Const(5),
        I::I32Rotl,
        I::LocalSet(2),
        // mem[k*4 + base + 64] = acc
        I::LocalGet(3),
        I::I32Const(2),
        I::I32Shl,
        I::LocalGet(2),
        I::I32Store(mem(base + 64)),
        I::LocalGet(3),
        I::I32Const(1),
        I::I32Sub,
        I::LocalSet(3),
        I::Br(0),
        I::End,
        I::End,
        // if depth > 0: acc += callee(acc, depth-1) + table[slot](acc, depth-1)
        I::LocalGet(1),
        I::I32Const(0),
        I::I32GtS,
        I::If(BlockType::Empty),
        I::LocalGet(2),
        I::LocalGet(2),
        I::LocalGet(1),
        I::I32Const(1),
        I::I32Sub,
        I::Call(callee),
        I::I32Add,
        I::LocalGet(2),
        I::LocalGet(1),
        I::I32Const(1),
        I::I32Sub,
        I::I32Const(slot as i32),
        I::CallIndirect {
            type_index: 0,
            table_index: 0,
        },
        I::I32Add,
        I::LocalSet(2),
        I::End,
        // acc = select(acc / 3, acc - 7, acc & 1)  (unsigned, never by zero)
        I::LocalGet(2),
        I::I32Const(3),
        I::I32DivU,
        I::LocalGet(2),
        I::I32Const(7),
        I::I32Sub,
        I::LocalGet(2),
        I::I32Const(1),
        I::I32And,
        I::Select,
        I::LocalGet(2),
        I::I64ExtendI32U,
        I::I64Const(0x9e37_79b9_7f4a_7c15u64 as i64),
        I::I64Mul,
        I::I64Const(29),
        I::I64ShrU,
        I::I32WrapI64,
        I::I32Xor,
        I::End,
    ];
    for ins in &body {
        f.instruction(ins);
    }
    f
}

/// One function of about `instructions` instructions: a chain of small
/// conditional blocks updating four locals, like generated code.
fn huge(instructions: usize) -> Function {
    let mut f = Function::new([(4, ValType::I32)]);
    const PER_BLOCK: usize = 40;
    for b in 0..instructions / PER_BLOCK {
        let c = b as i32;
        let l = 2 + (b % 4) as u32;
        let m = 2 + ((b + 1) % 4) as u32;
        let block = [
            I::LocalGet(0),
            I::I32Const(c & 31),
            I::I32ShrU,
            I::I32Const(1),
            I::I32And,
            I::If(BlockType::Empty),
            I::LocalGet(l),
            I::I32Const(c.wrapping_mul(2654435761u32 as i32)),
            I::I32Add,
            I::I32Const(c % 13 + 1),
            I::I32Rotl,
            I::LocalSet(l),
            I::Else,
            I::LocalGet(m),
            I::LocalGet(l),
            I::I32Xor,
            I::I32Const(c % 29 + 3),
            I::I32Mul,
            I::LocalSet(m),
            I::End,
            I::LocalGet(l),
            I::I32Const((c % 256) * 4),
            I::I32Load(mem(0)),
            I::I32Add,
            I::LocalSet(l),
            I::LocalGet(m),
            I::LocalGet(l),
            I::I32Const(3),
            I::I32ShrU,
            I::I32Sub,
            I::LocalSet(m),
            I::I32Const((c % 256) * 4 + 1024),
            I::LocalGet(m),
            I::I32Store(mem(0)),
            I::LocalGet(0),
            I::LocalGet(l),
            I::I32Add,
            I::LocalSet(0),
            I::Nop,
            I::Nop,
        ];
        debug_assert_eq!(block.len(), PER_BLOCK);
        for ins in &block {
            f.instruction(ins);
        }
    }
    for ins in [
        I::LocalGet(2),
        I::LocalGet(3),
        I::I32Add,
        I::LocalGet(4),
        I::I32Add,
        I::LocalGet(5),
        I::I32Add,
        I::End,
    ] {
        f.instruction(&ins);
    }
    f
}

pub enum Shape {
    /// This many ordinary functions.
    Functions(u32),
    /// One function of about this many instructions.
    OneHugeFunction(usize),
}

/// The module: memory 0 with data, table 0 holding every generated
/// function, `_start` calling function 0.
pub fn module(shape: &Shape) -> Vec<u8> {
    let n = match shape {
        Shape::Functions(n) => *n,
        Shape::OneHugeFunction(_) => 1,
    };
    let mut m = Module::new();
    m.section(&types());
    let mut funcs = FunctionSection::new();
    for _ in 0..n {
        funcs.function(0);
    }
    funcs.function(1);
    m.section(&funcs);
    let mut tables = TableSection::new();
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        table64: false,
        minimum: n as u64,
        maximum: Some(n as u64),
        shared: false,
    });
    m.section(&tables);
    let data_bytes = 8192 + n as usize * DATA_PER_FUNC;
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: (data_bytes as u64).div_ceil(65536) + 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    m.section(&memories);
    let mut exports = ExportSection::new();
    exports.export("_start", ExportKind::Func, n);
    exports.export("memory", ExportKind::Memory, 0);
    m.section(&exports);
    let mut elements = ElementSection::new();
    let all: Vec<u32> = (0..n).collect();
    elements.active(
        Some(0),
        &ConstExpr::i32_const(0),
        Elements::Functions(all.into()),
    );
    m.section(&elements);
    let mut code = CodeSection::new();
    match shape {
        Shape::Functions(n) => {
            for i in 0..*n {
                code.function(&ordinary(i, *n));
            }
        }
        Shape::OneHugeFunction(size) => {
            code.function(&huge(*size));
        }
    }
    let mut start = Function::new([]);
    for ins in [
        I::I32Const(1000),
        I::I32Const(3),
        I::Call(0),
        I::Drop,
        I::End,
    ] {
        start.instruction(&ins);
    }
    code.function(&start);
    m.section(&code);
    // Data in 4 KiB segments, each a deterministic byte pattern.
    let mut data = DataSection::new();
    let mut offset = 0usize;
    while offset < data_bytes {
        let len = 4096.min(data_bytes - offset);
        let bytes: Vec<u8> = (0..len)
            .map(|k| ((offset + k).wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        data.active(0, &ConstExpr::i32_const(offset as i32), bytes);
        offset += len;
    }
    m.section(&data);
    m.finish()
}
