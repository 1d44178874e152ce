//! The Canonical ABI's layout of component values: size and alignment in
//! linear memory, and flattening into core values (CanonicalABI.md,
//! "Alignment", "Element Size", "Flattening").

use super::{FuncType, TypeIndex, ValueType};
use crate::module::ValType;
use alloc::vec::Vec;

/// Flat parameters beyond this travel in memory, behind one pointer.
pub const MAX_FLAT_PARAMS: usize = 16;
/// Flat results beyond this travel in memory, behind one pointer.
pub const MAX_FLAT_RESULTS: usize = 1;
/// Parameters an async-lowered call passes flat; more go through memory.
pub const MAX_FLAT_ASYNC_PARAMS: usize = 4;

/// A core value type a component value flattens to.
pub type Flat = ValType;

/// Where a function's flattened parameters and results go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlatSignature {
    pub params: Vec<Flat>,
    pub results: Vec<Flat>,
    /// The parameters are spilled: one pointer to them in memory.
    pub params_in_memory: bool,
    /// The results are spilled: a return pointer (the last parameter when
    /// lowered, the one result when lifted).
    pub results_in_memory: bool,
}

/// The layout rules over one description's interned types.
#[derive(Clone, Copy)]
pub struct Layout<'a> {
    types: &'a [ValueType],
}

/// Size in bytes of a variant's discriminant for `cases` cases.
pub fn discriminant_size(cases: usize) -> u32 {
    match cases {
        0..=0x100 => 1,
        0x101..=0x1_0000 => 2,
        _ => 4,
    }
}

/// Size in bytes of a `flags` value of `n` labels.
pub fn flags_size(n: usize) -> u32 {
    match n {
        0..=8 => 1,
        9..=16 => 2,
        _ => 4 * n.div_ceil(32) as u32,
    }
}

fn align_to(offset: u32, align: u32) -> u32 {
    offset.div_ceil(align) * align
}

fn join(a: Flat, b: Flat) -> Flat {
    match (a, b) {
        _ if a == b => a,
        (ValType::I32, ValType::F32) | (ValType::F32, ValType::I32) => ValType::I32,
        _ => ValType::I64,
    }
}

impl<'a> Layout<'a> {
    pub fn new(types: &'a [ValueType]) -> Layout<'a> {
        Layout { types }
    }

    pub fn ty(&self, t: TypeIndex) -> &'a ValueType {
        &self.types[t as usize]
    }

    /// The payload types of a variant-like type's cases, in order, or
    /// `None` for a type that is not one.
    pub fn cases(&self, t: TypeIndex) -> Option<Vec<Option<TypeIndex>>> {
        Some(match self.ty(t) {
            ValueType::Variant(cases) => cases.iter().map(|(_, p)| *p).collect(),
            ValueType::Enum(names) => names.iter().map(|_| None).collect(),
            ValueType::Option(p) => alloc::vec![None, Some(*p)],
            ValueType::Result { ok, err } => alloc::vec![*ok, *err],
            _ => return None,
        })
    }

    /// Whether a value of type `t` may hold a handle: a resource's, a
    /// stream's or future's end, or an error context. Such a value means
    /// something only in the table of the instance that holds it.
    pub fn holds_handles(&self, t: TypeIndex) -> bool {
        use ValueType::*;
        self.holds(t, |t| {
            matches!(t, Own(_) | Borrow(_) | Stream(_) | Future(_) | ErrorContext)
        })
    }

    /// Whether a value of type `t` may hold a value of a type that is `is`.
    pub fn holds(&self, t: TypeIndex, is: impl Fn(&ValueType) -> bool + Copy) -> bool {
        use ValueType::*;
        let ty = self.ty(t);
        is(ty)
            || match ty {
                List(e) | Option(e) => self.holds(*e, is),
                Record(fields) => fields.iter().any(|(_, f)| self.holds(*f, is)),
                Tuple(items) => items.iter().any(|i| self.holds(*i, is)),
                Variant(cases) => cases
                    .iter()
                    .any(|(_, p)| p.is_some_and(|p| self.holds(p, is))),
                Result { ok, err } => [ok, err]
                    .iter()
                    .any(|p| p.is_some_and(|p| self.holds(p, is))),
                _ => false,
            }
    }

    /// The field types of a record-like type, in order.
    pub fn fields(&self, t: TypeIndex) -> Option<Vec<TypeIndex>> {
        match self.ty(t) {
            ValueType::Record(fields) => Some(fields.iter().map(|(_, f)| *f).collect()),
            ValueType::Tuple(items) => Some(items.clone()),
            _ => None,
        }
    }

    pub fn align(&self, t: TypeIndex) -> u32 {
        self.size_align(t).1
    }

    pub fn size(&self, t: TypeIndex) -> u32 {
        self.size_align(t).0
    }

    /// Size and alignment in linear memory.
    pub fn size_align(&self, t: TypeIndex) -> (u32, u32) {
        use ValueType::*;
        match self.ty(t) {
            Bool | S8 | U8 => (1, 1),
            S16 | U16 => (2, 2),
            S32 | U32 | F32 | Char | Own(_) | Borrow(_) | Stream(_) | Future(_) | ErrorContext => {
                (4, 4)
            }
            S64 | U64 | F64 => (8, 8),
            String | List(_) => (8, 4),
            Flags(names) => {
                let size = flags_size(names.len());
                (size, size.min(4))
            }
            _ => {
                if let Some(fields) = self.fields(t) {
                    return self.record_size_align(&fields);
                }
                let cases = self.cases(t).expect("every other type is a variant");
                self.variant_size_align(&cases)
            }
        }
    }

    fn record_size_align(&self, fields: &[TypeIndex]) -> (u32, u32) {
        let (mut size, mut align) = (0, 1);
        for &f in fields {
            let (s, a) = self.size_align(f);
            size = align_to(size, a) + s;
            align = align.max(a);
        }
        (align_to(size, align), align)
    }

    fn variant_size_align(&self, cases: &[Option<TypeIndex>]) -> (u32, u32) {
        let disc = discriminant_size(cases.len());
        let (mut payload, mut payload_align) = (0, 1);
        for p in cases.iter().flatten() {
            let (s, a) = self.size_align(*p);
            payload = payload.max(s);
            payload_align = payload_align.max(a);
        }
        let align = disc.max(payload_align);
        let size = align_to(disc, payload_align) + payload;
        (align_to(size, align), align)
    }

    /// Offset of each field of a record-like type.
    pub fn field_offsets(&self, fields: &[TypeIndex]) -> Vec<u32> {
        let mut offset = 0;
        fields
            .iter()
            .map(|&f| {
                let (s, a) = self.size_align(f);
                let at = align_to(offset, a);
                offset = at + s;
                at
            })
            .collect()
    }

    /// Offset of a variant's payload from its start.
    pub fn payload_offset(&self, cases: &[Option<TypeIndex>]) -> u32 {
        let payload_align = cases
            .iter()
            .flatten()
            .map(|p| self.align(*p))
            .max()
            .unwrap_or(1);
        align_to(discriminant_size(cases.len()), payload_align)
    }

    /// Append the core values `t` flattens to.
    pub fn flatten(&self, t: TypeIndex, out: &mut Vec<Flat>) {
        use ValueType::*;
        match self.ty(t) {
            S64 | U64 => out.push(ValType::I64),
            F32 => out.push(ValType::F32),
            F64 => out.push(ValType::F64),
            String | List(_) => out.extend([ValType::I32, ValType::I32]),
            Flags(names) => out.extend((0..names.len().div_ceil(32)).map(|_| ValType::I32)),
            Bool | S8 | U8 | S16 | U16 | S32 | U32 | Char | Own(_) | Borrow(_) | Stream(_)
            | Future(_) | ErrorContext => out.push(ValType::I32),
            _ => {
                if let Some(fields) = self.fields(t) {
                    for f in fields {
                        self.flatten(f, out);
                    }
                    return;
                }
                let cases = self.cases(t).expect("every other type is a variant");
                out.extend(self.flatten_variant(&cases));
            }
        }
    }

    /// How many core values `t` flattens to: `flatten`'s length, counted
    /// without building the list (a call's result type, lifted on every
    /// call, can be a variant of dozens of cases).
    pub fn flat_count(&self, t: TypeIndex) -> usize {
        use ValueType::*;
        match self.ty(t) {
            String | List(_) => 2,
            Flags(names) => names.len().div_ceil(32),
            Record(fields) => fields.iter().map(|(_, f)| self.flat_count(*f)).sum(),
            Tuple(items) => items.iter().map(|i| self.flat_count(*i)).sum(),
            Variant(cases) => 1 + self.widest(cases.iter().map(|(_, p)| *p)),
            Enum(_) => 1,
            Option(p) => 1 + self.flat_count(*p),
            Result { ok, err } => 1 + self.widest([*ok, *err].into_iter()),
            _ => 1,
        }
    }

    /// The most core values any of `payloads` flattens to.
    fn widest(&self, payloads: impl Iterator<Item = Option<TypeIndex>>) -> usize {
        payloads
            .flatten()
            .map(|p| self.flat_count(p))
            .max()
            .unwrap_or(0)
    }

    /// The first type that is `t` but perhaps for the resources its
    /// handles are to: what `task.return` and the call it returns from
    /// compare. Each component numbers a resource type its own way (the
    /// one that defines it, the one that exports it, each that imports
    /// it), so the same function type has several numberings. Comparing
    /// shapes lets through a handle of another resource, which is caught
    /// later: when the returner moves it to a calling instance, or when
    /// the host takes it as its own resource's type. (Mapping each side's
    /// numbers to the resources they stand for would catch it at once.)
    pub fn shape(&self, t: TypeIndex) -> TypeIndex {
        (0..t).find(|&u| self.same_but_resources(u, t)).unwrap_or(t)
    }

    fn same_but_resources(&self, a: TypeIndex, b: TypeIndex) -> bool {
        use ValueType::*;
        let same = |x: TypeIndex, y: TypeIndex| x == y || self.same_but_resources(x, y);
        let same_option = |x: core::option::Option<TypeIndex>, y| match (x, y) {
            (None, None) => true,
            (Some(x), Some(y)) => same(x, y),
            _ => false,
        };
        match (self.ty(a), self.ty(b)) {
            (Own(_), Own(_)) | (Borrow(_), Borrow(_)) => true,
            (List(x), List(y)) | (Option(x), Option(y)) => same(*x, *y),
            (Tuple(x), Tuple(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(*x, *y))
            }
            (Record(x), Record(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| x.0 == y.0 && same(x.1, y.1))
            }
            (Variant(x), Variant(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|(x, y)| x.0 == y.0 && same_option(x.1, y.1))
            }
            (Result { ok, err }, Result { ok: ok2, err: err2 }) => {
                same_option(*ok, *ok2) && same_option(*err, *err2)
            }
            (Stream(x), Stream(y)) | (Future(x), Future(y)) => same_option(*x, *y),
            // The rest hold no other type.
            (x, y) => x == y,
        }
    }

    /// A variant's flat values: the discriminant, then each position the
    /// widest any case needs there.
    pub fn flatten_variant(&self, cases: &[Option<TypeIndex>]) -> Vec<Flat> {
        let mut joined: Vec<Flat> = Vec::new();
        for p in cases.iter().flatten() {
            let mut case = Vec::new();
            self.flatten(*p, &mut case);
            for (i, f) in case.into_iter().enumerate() {
                match joined.get_mut(i) {
                    Some(j) => *j = join(*j, f),
                    None => joined.push(f),
                }
            }
        }
        let mut flat = alloc::vec![ValType::I32];
        flat.extend(joined);
        flat
    }

    /// How `f` passes as a core function: `lift` for the callee's side
    /// (a `canon lift`), otherwise the caller's (a `canon lower`).
    pub fn signature(&self, f: &FuncType, lift: bool) -> FlatSignature {
        let mut params = Vec::new();
        for (_, p) in &f.params {
            self.flatten(*p, &mut params);
        }
        let mut results = Vec::new();
        if let Some(r) = f.result {
            self.flatten(r, &mut results);
        }
        let params_in_memory = params.len() > MAX_FLAT_PARAMS;
        if params_in_memory {
            params = alloc::vec![ValType::I32];
        }
        let results_in_memory = results.len() > MAX_FLAT_RESULTS;
        if results_in_memory {
            results.clear();
            if lift {
                results.push(ValType::I32);
            } else {
                params.push(ValType::I32);
            }
        }
        FlatSignature {
            params,
            results,
            params_in_memory,
            results_in_memory,
        }
    }

    /// Size and alignment of a parameter list spilled to memory: a tuple.
    pub fn params_size_align(&self, f: &FuncType) -> (u32, u32) {
        let fields: Vec<TypeIndex> = f.params.iter().map(|(_, p)| *p).collect();
        self.record_size_align(&fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use ValueType::*;

    /// Types the same but for their resources share a shape; types that
    /// differ otherwise do not.
    #[test]
    fn shapes_ignore_only_resources() {
        let types = alloc::vec![
            /* 0 */ U32,
            /* 1 */ Own(0),
            /* 2 */ Own(1),
            /* 3 */ Borrow(1),
            /* 4 */
            Result {
                ok: Some(1),
                err: Some(0)
            },
            /* 5 */
            Result {
                ok: Some(2),
                err: Some(0)
            },
            /* 6 */
            Result {
                ok: Some(3),
                err: Some(0)
            },
            /* 7 */ Record(alloc::vec![("a".into(), 2), ("b".into(), 5)]),
            /* 8 */ Record(alloc::vec![("a".into(), 1), ("b".into(), 4)]),
            /* 9 */ Record(alloc::vec![("c".into(), 1), ("b".into(), 4)]),
            /* 10 */ List(2),
            /* 11 */ List(3),
        ];
        let layout = Layout::new(&types);
        let shapes: Vec<TypeIndex> = (0..types.len() as TypeIndex)
            .map(|t| layout.shape(t))
            .collect();
        assert_eq!(shapes, [0, 1, 1, 3, 4, 4, 6, 7, 7, 9, 10, 11]);
    }

    /// Handles are found however deep they lie, and only where they are.
    #[test]
    fn handles_are_found_where_they_lie() {
        let types = alloc::vec![
            /* 0 */ String,
            /* 1 */ Own(0),
            /* 2 */ Record(alloc::vec![("a".into(), 0), ("b".into(), 1)]),
            /* 3 */ List(2),
            /* 4 */ Variant(alloc::vec![("x".into(), None), ("y".into(), Some(0))]),
            /* 5 */
            Result {
                ok: Some(4),
                err: Some(6)
            },
            /* 6 */ Stream(Some(0)),
            /* 7 */ Tuple(alloc::vec![0, 4]),
            /* 8 */ Option(7),
            /* 9 */ ErrorContext,
            /* 10 */
            Result {
                ok: Some(8),
                err: None
            },
        ];
        let layout = Layout::new(&types);
        let holding: Vec<bool> = (0..types.len() as TypeIndex)
            .map(|t| layout.holds_handles(t))
            .collect();
        let want = [
            false, true, true, true, false, true, true, false, false, true, false,
        ];
        assert_eq!(holding, want);
    }

    /// `flat_count` agrees with `flatten` for every kind of type,
    /// nested: the variants widest in different cases, flags over a word.
    #[test]
    fn flat_count_is_the_flattened_length() {
        let names = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
        let types = alloc::vec![
            /* 0 */ U8,
            /* 1 */ String,
            /* 2 */ F64,
            /* 3 */
            Record(alloc::vec![
                ("a".into(), 1),
                ("b".into(), 2),
                ("c".into(), 0)
            ]),
            /* 4 */
            Variant(alloc::vec![
                ("x".into(), None),
                ("y".into(), Some(3)),
                ("z".into(), Some(1))
            ]),
            /* 5 */ Option(4),
            /* 6 */
            Result {
                ok: Some(5),
                err: None
            },
            /* 7 */ Result {
                ok: None,
                err: None
            },
            /* 8 */ Flags(names(40)),
            /* 9 */ Tuple(alloc::vec![8, 6, 7, 0]),
            /* 10 */ Enum(names(3)),
            /* 11 */ List(9),
            /* 12 */ Own(0),
            /* 13 */ Stream(Some(0)),
        ];
        let layout = Layout::new(&types);
        for t in 0..types.len() as TypeIndex {
            let mut flat = Vec::new();
            layout.flatten(t, &mut flat);
            assert_eq!(
                layout.flat_count(t),
                flat.len(),
                "type {t}: {:?}",
                types[t as usize]
            );
        }
    }
}
