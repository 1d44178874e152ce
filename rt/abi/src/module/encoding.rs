//! The module description's encoding (see `codec` for its rules).

use super::*;
use crate::codec::{DecodeError, Read, Reader, Writer};
use alloc::vec::Vec;

impl<'a> ModuleDescription<'a> {
    pub fn encode(&self, out: &mut Vec<u8>) {
        let w = &mut Writer(out);
        w.list(&self.types, |w, t| {
            w.list(&t.params, |w, v| w.val_type(*v));
            w.list(&t.results, |w, v| w.val_type(*v));
        });
        w.list(&self.imports, |w, i| {
            w.str(&i.module);
            w.str(&i.name);
            match &i.kind {
                ImportKind::Func(t) => {
                    w.byte(0);
                    w.u(*t as u64);
                }
                ImportKind::Table(t) => {
                    w.byte(1);
                    w.table_type(t);
                }
                ImportKind::Memory(m) => {
                    w.byte(2);
                    w.memory_type(m);
                }
                ImportKind::Global(g) => {
                    w.byte(3);
                    w.global_type(g);
                }
            }
        });
        w.list(&self.funcs, |w, t| w.u(*t as u64));
        w.list(&self.tables, |w, (t, init)| {
            w.table_type(t);
            w.option(init.as_ref(), |w, e| w.expr(e));
        });
        w.list(&self.memories, |w, m| w.memory_type(m));
        w.list(&self.globals, |w, (g, init)| {
            w.global_type(g);
            w.expr(init);
        });
        w.list(&self.exports, |w, e| {
            w.str(&e.name);
            w.byte(e.kind as u8);
            w.u(e.index as u64);
        });
        w.option(self.start.as_ref(), |w, s| w.u(*s as u64));
        w.list(&self.elems, |w, s| {
            w.val_type(s.element);
            w.mode(&s.mode);
            w.list(&s.items, |w, item| match item {
                ElemItem::Func(f) => {
                    w.byte(0);
                    w.u(*f as u64);
                }
                ElemItem::Null => w.byte(1),
                ElemItem::Expr(e) => {
                    w.byte(2);
                    w.expr(e);
                }
            });
        });
        w.list(&self.datas, |w, d| {
            w.mode(&d.mode);
            w.bytes(d.bytes);
        });
        w.bytes(self.names.encoded());
    }

    /// Read what `encode` wrote; an error for anything else.
    pub fn decode(bytes: &'a [u8]) -> Result<ModuleDescription<'a>, DecodeError> {
        Self::decode_with(bytes, false, |s| Name::Owned(s.into()))
    }

    /// As `decode`, for a description in loaded code: the names borrowed
    /// from `bytes`, and not checked as UTF-8 again.
    ///
    /// # Safety
    /// `bytes` were written by `encode` (kiln's compiler, into the object
    /// whose code is loaded with them).
    #[allow(unsafe_code)]
    pub unsafe fn decode_static(
        bytes: &'static [u8],
    ) -> Result<ModuleDescription<'static>, DecodeError> {
        ModuleDescription::decode_with(bytes, true, Name::Borrowed)
    }

    fn decode_with(
        bytes: &'a [u8],
        loaded: bool,
        to_name: impl Fn(&'a str) -> Name,
    ) -> Result<ModuleDescription<'a>, DecodeError> {
        let r = &mut Reader {
            bytes,
            at: 0,
            loaded,
        };
        let d = ModuleDescription {
            types: r.list(|r| {
                Ok(FuncType {
                    params: r.small_list(Reader::val_type)?,
                    results: r.small_list(Reader::val_type)?,
                })
            })?,
            imports: r.list(|r| {
                let module = to_name(r.name_str()?);
                let name = to_name(r.name_str()?);
                let kind = match r.byte()? {
                    0 => ImportKind::Func(r.u32()?),
                    1 => ImportKind::Table(r.table_type()?),
                    2 => ImportKind::Memory(r.memory_type()?),
                    3 => ImportKind::Global(r.global_type()?),
                    _ => return r.fail("bad import kind"),
                };
                Ok(Import { module, name, kind })
            })?,
            funcs: r.list(Reader::u32)?,
            tables: r.list(|r| Ok((r.table_type()?, r.option(Reader::expr)?)))?,
            memories: r.list(Reader::memory_type)?,
            globals: r.list(|r| Ok((r.global_type()?, r.expr()?)))?,
            exports: r.list(|r| {
                let name = to_name(r.name_str()?);
                let kind = match r.byte()? {
                    0 => ExportKind::Func,
                    1 => ExportKind::Table,
                    2 => ExportKind::Memory,
                    3 => ExportKind::Global,
                    _ => return r.fail("bad export kind"),
                };
                let index = r.u32()?;
                Ok(Export { name, kind, index })
            })?,
            start: r.option(Reader::u32)?,
            elems: r.list(|r| {
                let element = r.val_type()?;
                let mode = r.mode()?;
                let items = r.list(|r| match r.byte()? {
                    0 => Ok(ElemItem::Func(r.u32()?)),
                    1 => Ok(ElemItem::Null),
                    2 => Ok(ElemItem::Expr(r.expr()?)),
                    _ => r.fail("bad element item"),
                })?;
                Ok(ElemSegment {
                    element,
                    mode,
                    items,
                })
            })?,
            datas: r.list(|r| {
                let mode = r.mode()?;
                let bytes = r.bytes()?;
                Ok(DataSegment { mode, bytes })
            })?,
            names: Names::borrowed(r.bytes()?),
        };
        if r.at != bytes.len() {
            return r.fail("trailing bytes");
        }
        d.check_indices().or_else(|what| r.fail(what))?;
        Ok(d)
    }

    /// Every index names something that exists, so that instantiation can
    /// trust them: a description that decodes but does not hold together is
    /// an error too.
    fn check_indices(&self) -> Result<(), &'static str> {
        let imported = self.import_counts();
        let types = self.types.len();
        let funcs = self.funcs.len();
        let tables = imported.tables + self.tables.len();
        let memories = imported.memories + self.memories.len();
        let imported_globals = imported.globals;
        let globals = imported_globals + self.globals.len();
        let below = |i: u32, n: usize, what| if (i as usize) < n { Ok(()) } else { Err(what) };
        // An initializer may read the globals before it; others, any.
        let expr = |e: &ConstExpr, globals: usize| -> Result<(), &'static str> {
            e.0.iter().try_for_each(|op| match *op {
                ConstOp::RefFunc(f) => below(f, funcs, "a reference to no function"),
                ConstOp::GlobalGet(g) => below(g, globals, "a read of no global"),
                _ => Ok(()),
            })
        };
        for &t in &self.funcs {
            below(t, types, "a function of no type")?;
        }
        if imported.funcs > funcs {
            return Err("more imported functions than functions");
        }
        for (_, init) in &self.tables {
            init.as_ref().map_or(Ok(()), |e| expr(e, globals))?;
        }
        for (i, (_, init)) in self.globals.iter().enumerate() {
            expr(init, imported_globals + i)?;
        }
        for e in &self.exports {
            let n = match e.kind {
                ExportKind::Func => funcs,
                ExportKind::Table => tables,
                ExportKind::Memory => memories,
                ExportKind::Global => globals,
            };
            below(e.index, n, "an export of nothing")?;
        }
        if self.exports.windows(2).any(|w| w[0].name >= w[1].name) {
            return Err("exports not sorted by name");
        }
        if let Some(s) = self.start {
            below(s, funcs, "a start function that does not exist")?;
        }
        for s in &self.elems {
            if let Mode::Active { index, offset } = &s.mode {
                below(*index, tables, "a segment for no table")?;
                expr(offset, globals)?;
            }
            for item in &s.items {
                match item {
                    ElemItem::Func(f) => below(*f, funcs, "an element of no function")?,
                    ElemItem::Null => {}
                    ElemItem::Expr(e) => expr(e, globals)?,
                }
            }
        }
        for s in &self.datas {
            if let Mode::Active { index, offset } = &s.mode {
                below(*index, memories, "a segment for no memory")?;
                expr(offset, globals)?;
            }
        }
        Ok(())
    }
}

impl Writer<'_> {
    fn val_type(&mut self, v: ValType) {
        self.byte(v as u8);
    }

    fn limits(&mut self, initial: u64, maximum: Option<u64>) {
        self.u(initial);
        self.option(maximum.as_ref(), |w, m| w.u(*m));
    }

    fn table_type(&mut self, t: &TableType) {
        self.val_type(t.element);
        self.limits(t.initial, t.maximum);
        self.byte(t.table64 as u8);
    }

    fn memory_type(&mut self, m: &MemoryType) {
        self.limits(m.initial, m.maximum);
        self.byte(m.memory64 as u8 | (m.shared as u8) << 1);
        self.option(m.page_size_log2.as_ref(), |w, p| w.u(*p as u64));
    }

    fn global_type(&mut self, g: &GlobalType) {
        self.val_type(g.content);
        self.byte(g.mutable as u8);
    }

    fn expr(&mut self, e: &ConstExpr) {
        self.list(&e.0, |w, op| match *op {
            ConstOp::I32(v) => {
                w.byte(0);
                w.s(v as i64);
            }
            ConstOp::I64(v) => {
                w.byte(1);
                w.s(v);
            }
            ConstOp::F32(bits) => {
                w.byte(2);
                w.u(bits as u64);
            }
            ConstOp::F64(bits) => {
                w.byte(3);
                w.u(bits);
            }
            ConstOp::RefNull => w.byte(4),
            ConstOp::RefFunc(f) => {
                w.byte(5);
                w.u(f as u64);
            }
            ConstOp::GlobalGet(g) => {
                w.byte(6);
                w.u(g as u64);
            }
            ConstOp::I32Add => w.byte(7),
            ConstOp::I32Sub => w.byte(8),
            ConstOp::I32Mul => w.byte(9),
            ConstOp::I64Add => w.byte(10),
            ConstOp::I64Sub => w.byte(11),
            ConstOp::I64Mul => w.byte(12),
        });
    }

    fn mode(&mut self, m: &Mode) {
        match m {
            Mode::Active { index, offset } => {
                self.byte(0);
                self.u(*index as u64);
                self.expr(offset);
            }
            Mode::Passive => self.byte(1),
            Mode::Declared => self.byte(2),
        }
    }
}

impl<'a> Reader<'a> {
    fn val_type(&mut self) -> Read<ValType> {
        Ok(match self.byte()? {
            0 => ValType::I32,
            1 => ValType::I64,
            2 => ValType::F32,
            3 => ValType::F64,
            4 => ValType::V128,
            5 => ValType::FuncRef,
            6 => ValType::ExternRef,
            _ => return self.fail("bad value type"),
        })
    }

    fn table_type(&mut self) -> Read<TableType> {
        let element = self.val_type()?;
        if !element.is_ref() {
            return self.fail("a table of numbers");
        }
        Ok(TableType {
            element,
            initial: self.u()?,
            maximum: self.option(Reader::u)?,
            table64: self.bool()?,
        })
    }

    fn memory_type(&mut self) -> Read<MemoryType> {
        let initial = self.u()?;
        let maximum = self.option(Reader::u)?;
        let flags = self.byte()?;
        if flags > 3 {
            return self.fail("bad memory flags");
        }
        Ok(MemoryType {
            initial,
            maximum,
            memory64: flags & 1 != 0,
            shared: flags & 2 != 0,
            page_size_log2: self.option(Reader::u32)?,
        })
    }

    fn global_type(&mut self) -> Read<GlobalType> {
        Ok(GlobalType {
            content: self.val_type()?,
            mutable: self.bool()?,
        })
    }

    fn expr(&mut self) -> Read<ConstExpr> {
        Ok(ConstExpr(self.small_list(|r| {
            Ok(match r.byte()? {
                0 => ConstOp::I32(r.s()? as i32),
                1 => ConstOp::I64(r.s()?),
                2 => ConstOp::F32(r.u32()?),
                3 => ConstOp::F64(r.u()?),
                4 => ConstOp::RefNull,
                5 => ConstOp::RefFunc(r.u32()?),
                6 => ConstOp::GlobalGet(r.u32()?),
                7 => ConstOp::I32Add,
                8 => ConstOp::I32Sub,
                9 => ConstOp::I32Mul,
                10 => ConstOp::I64Add,
                11 => ConstOp::I64Sub,
                12 => ConstOp::I64Mul,
                _ => return r.fail("bad constant operator"),
            })
        })?))
    }

    fn mode(&mut self) -> Read<Mode> {
        Ok(match self.byte()? {
            0 => Mode::Active {
                index: self.u32()?,
                offset: self.expr()?,
            },
            1 => Mode::Passive,
            2 => Mode::Declared,
            _ => return self.fail("bad segment mode"),
        })
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn sample() -> ModuleDescription<'static> {
        let i32_to_i64 = FuncType::new(&[ValType::I32], &[ValType::I64]);
        ModuleDescription {
            types: vec![i32_to_i64, FuncType::default()],
            imports: vec![
                Import {
                    module: "wasi".into(),
                    name: "fd_write".into(),
                    kind: ImportKind::Func(0),
                },
                Import {
                    module: "env".into(),
                    name: "base".into(),
                    kind: ImportKind::Global(GlobalType {
                        content: ValType::I32,
                        mutable: false,
                    }),
                },
            ],
            funcs: vec![0, 1, 0],
            tables: vec![(
                TableType {
                    element: ValType::FuncRef,
                    initial: 3,
                    maximum: Some(3),
                    table64: false,
                },
                None,
            )],
            memories: vec![MemoryType {
                initial: 17,
                maximum: None,
                memory64: false,
                shared: false,
                page_size_log2: None,
            }],
            globals: vec![(
                GlobalType {
                    content: ValType::I64,
                    mutable: true,
                },
                ConstExpr(smallvec::smallvec![ConstOp::I64(-1 << 40)]),
            )],
            exports: vec![Export {
                name: "memory".into(),
                kind: ExportKind::Memory,
                index: 0,
            }],
            start: Some(2),
            elems: vec![ElemSegment {
                element: ValType::FuncRef,
                mode: Mode::Active {
                    index: 0,
                    offset: ConstExpr(smallvec::smallvec![
                        ConstOp::GlobalGet(0),
                        ConstOp::I32(i32::MIN),
                        ConstOp::I32Add,
                    ]),
                },
                items: vec![
                    ElemItem::Func(1),
                    ElemItem::Null,
                    ElemItem::Expr(ConstExpr(smallvec::smallvec![ConstOp::RefFunc(2)])),
                ],
            }],
            datas: vec![
                DataSegment {
                    mode: Mode::Passive,
                    bytes: b"hello",
                },
                DataSegment {
                    mode: Mode::Active {
                        index: 0,
                        offset: ConstExpr(smallvec::smallvec![ConstOp::I32(1024)]),
                    },
                    bytes: &[],
                },
            ],
            names: Names::new(&[(2, "main".to_string()), (5, "helper".to_string())]),
        }
    }

    #[test]
    fn names_are_found_by_index() {
        let d = sample();
        let mut bytes = Vec::new();
        d.encode(&mut bytes);
        let d = ModuleDescription::decode(&bytes).unwrap();
        assert_eq!(d.names.get(2), Some("main"));
        assert_eq!(d.names.get(5), Some("helper"));
        assert_eq!(d.names.get(3), None);
        assert_eq!(d.names.get(9), None);
    }

    #[test]
    fn what_is_encoded_decodes_the_same() {
        let d = sample();
        let mut bytes = Vec::new();
        d.encode(&mut bytes);
        assert_eq!(ModuleDescription::decode(&bytes), Ok(d));
    }

    #[test]
    fn every_truncation_and_extension_is_an_error() {
        let mut bytes = Vec::new();
        sample().encode(&mut bytes);
        for len in 0..bytes.len() {
            assert!(ModuleDescription::decode(&bytes[..len]).is_err(), "{len}");
        }
        bytes.push(0);
        assert!(ModuleDescription::decode(&bytes).is_err());
    }

    #[test]
    fn indices_that_name_nothing_are_errors() {
        let broken: [fn(&mut ModuleDescription); 4] = [
            |d| d.funcs.push(9),
            |d| d.start = Some(3),
            |d| d.elems[0].items.push(ElemItem::Func(3)),
            |d| d.globals[0].1 = ConstExpr(smallvec::smallvec![ConstOp::GlobalGet(1)]),
        ];
        for (i, breaks) in broken.iter().enumerate() {
            let mut d = sample();
            breaks(&mut d);
            let mut bytes = Vec::new();
            d.encode(&mut bytes);
            assert!(ModuleDescription::decode(&bytes).is_err(), "case {i}");
        }
    }

    #[test]
    fn corrupt_counts_are_errors_not_allocations() {
        // 2^63 types.
        let bytes = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
        let e = ModuleDescription::decode(&bytes).unwrap_err();
        assert_eq!(e.what, "count past the end");
    }
}
