//! wasmparser's view of a module's parts, turned into the plain data of
//! the runtime's module description (`kiln_abi::module`). Constant
//! expressions are evaluated here when they read no imported global.

use kiln_abi::module as abi;
use wasmparser::{Operator, RefType};

/// What the description cannot say: a type or operator of a proposal kiln
/// does not compile.
pub struct NotDescribable {
    pub feature: &'static str,
    pub what: String,
}

type Described<T> = std::result::Result<T, NotDescribable>;

fn not(feature: &'static str, what: impl Into<String>) -> NotDescribable {
    NotDescribable {
        feature,
        what: what.into(),
    }
}

pub fn val_type(v: wasmparser::ValType) -> Described<abi::ValType> {
    use wasmparser::ValType as V;
    Ok(match v {
        V::I32 => abi::ValType::I32,
        V::I64 => abi::ValType::I64,
        V::F32 => abi::ValType::F32,
        V::F64 => abi::ValType::F64,
        V::V128 => abi::ValType::V128,
        V::Ref(r) => ref_type(r)?,
    })
}

fn ref_type(r: RefType) -> Described<abi::ValType> {
    if r == RefType::FUNCREF {
        Ok(abi::ValType::FuncRef)
    } else if r == RefType::EXTERNREF {
        Ok(abi::ValType::ExternRef)
    } else {
        Err(not("typed function references and gc", format!("{r}")))
    }
}

pub fn func_type(t: &wasmparser::FuncType) -> Described<abi::FuncType> {
    Ok(abi::FuncType {
        params: t
            .params()
            .iter()
            .map(|v| val_type(*v))
            .collect::<Described<_>>()?,
        results: t
            .results()
            .iter()
            .map(|v| val_type(*v))
            .collect::<Described<_>>()?,
    })
}

pub fn table_type(t: &wasmparser::TableType) -> Described<abi::TableType> {
    Ok(abi::TableType {
        element: ref_type(t.element_type)?,
        initial: t.initial,
        maximum: t.maximum,
        table64: t.table64,
    })
}

pub fn memory_type(m: &wasmparser::MemoryType) -> abi::MemoryType {
    abi::MemoryType {
        initial: m.initial,
        maximum: m.maximum,
        memory64: m.memory64,
        shared: m.shared,
        page_size_log2: m.page_size_log2,
    }
}

pub fn global_type(g: &wasmparser::GlobalType) -> Described<abi::GlobalType> {
    Ok(abi::GlobalType {
        content: val_type(g.content_type)?,
        mutable: g.mutable,
    })
}

/// A constant expression, evaluated to one value when it reads no global.
pub fn const_expr(e: &wasmparser::ConstExpr) -> Described<abi::ConstExpr> {
    use abi::ConstOp as C;
    let mut ops = Vec::new();
    for op in e.get_operators_reader() {
        let op = op.map_err(|e| not("constant expressions", e.to_string()))?;
        ops.push(match op {
            Operator::I32Const { value } => C::I32(value),
            Operator::I64Const { value } => C::I64(value),
            Operator::F32Const { value } => C::F32(value.bits()),
            Operator::F64Const { value } => C::F64(value.bits()),
            Operator::RefNull { .. } => C::RefNull,
            Operator::RefFunc { function_index } => C::RefFunc(function_index),
            Operator::GlobalGet { global_index } => C::GlobalGet(global_index),
            Operator::I32Add => C::I32Add,
            Operator::I32Sub => C::I32Sub,
            Operator::I32Mul => C::I32Mul,
            Operator::I64Add => C::I64Add,
            Operator::I64Sub => C::I64Sub,
            Operator::I64Mul => C::I64Mul,
            Operator::End => continue,
            other => {
                let feature = super::features::feature_of(&other).unwrap_or("mvp");
                return Err(not(feature, format!("{other:?} in a constant expression")));
            }
        });
    }
    Ok(abi::ConstExpr(
        evaluate(&ops).map_or_else(|| ops.into(), |v| [v].into()),
    ))
}

/// The value of `ops` if they compute a number from numbers alone, as the
/// one step that pushes it.
fn evaluate(ops: &[abi::ConstOp]) -> Option<abi::ConstOp> {
    use abi::ConstOp as C;
    let mut stack: Vec<C> = Vec::new();
    for &op in ops {
        let v = match op {
            C::GlobalGet(_) => return None,
            C::I32(_) | C::I64(_) | C::F32(_) | C::F64(_) | C::RefNull | C::RefFunc(_) => op,
            _ => {
                let bits = |v: C| match v {
                    C::I32(x) => Some(x as u32 as u64),
                    C::I64(x) => Some(x as u64),
                    _ => None,
                };
                let (b, a) = (bits(stack.pop()?)?, bits(stack.pop()?)?);
                let r = op.arithmetic(a, b)?;
                match op {
                    C::I32Add | C::I32Sub | C::I32Mul => C::I32(r as u32 as i32),
                    _ => C::I64(r as i64),
                }
            }
        };
        stack.push(v);
    }
    match stack[..] {
        [v] => Some(v),
        _ => None,
    }
}

pub fn element(e: &wasmparser::Element) -> Described<abi::ElemSegment> {
    use wasmparser::{ElementItems, ElementKind};
    let bad = |e: wasmparser::BinaryReaderError| not("element segments", e.to_string());
    let (element, items) = match &e.items {
        ElementItems::Functions(r) => {
            let mut items = Vec::new();
            for f in r.clone() {
                items.push(abi::ElemItem::Func(f.map_err(bad)?));
            }
            (abi::ValType::FuncRef, items)
        }
        ElementItems::Expressions(ty, r) => {
            let mut items = Vec::new();
            for expr in r.clone() {
                let expr = const_expr(&expr.map_err(bad)?)?;
                items.push(match expr.0[..] {
                    [abi::ConstOp::RefFunc(f)] => abi::ElemItem::Func(f),
                    [abi::ConstOp::RefNull] => abi::ElemItem::Null,
                    _ => abi::ElemItem::Expr(expr),
                });
            }
            (ref_type(*ty)?, items)
        }
    };
    let mode = match &e.kind {
        ElementKind::Active {
            table_index,
            offset_expr,
        } => abi::Mode::Active {
            index: table_index.unwrap_or(0),
            offset: const_expr(offset_expr)?,
        },
        ElementKind::Passive => abi::Mode::Passive,
        ElementKind::Declared => abi::Mode::Declared,
    };
    Ok(abi::ElemSegment {
        element,
        mode,
        items,
    })
}

pub fn data<'a>(d: &wasmparser::Data<'a>) -> Described<abi::DataSegment<'a>> {
    let mode = match &d.kind {
        wasmparser::DataKind::Active {
            memory_index,
            offset_expr,
        } => abi::Mode::Active {
            index: *memory_index,
            offset: const_expr(offset_expr)?,
        },
        wasmparser::DataKind::Passive => abi::Mode::Passive,
    };
    Ok(abi::DataSegment {
        mode,
        bytes: d.data,
    })
}
