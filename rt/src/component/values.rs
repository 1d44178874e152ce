//! Component values the host holds, and their lowering into a component
//! and lifting out of it, by the Canonical ABI's rules. This is for the
//! host calling an export with values it only knows at run time (tests,
//! `--invoke`); calls between compiled code and WASI use code specialized
//! per function type instead.

use super::{Call, Lift};
use crate::store::{Func, Global, Memory, Store, Val};
use crate::traps::{ComponentTrap, Region, Trap, TrapKind};
use kiln_abi::component::{Layout, StringEncoding, TypeIndex, ValueType};

/// A component value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    S8(i8),
    U8(u8),
    S16(i16),
    U16(u16),
    S32(i32),
    U32(u32),
    S64(i64),
    U64(u64),
    /// Bits: NaN payloads cross boundaries unchanged.
    F32(u32),
    F64(u64),
    Char(char),
    String(String),
    List(Vec<Value>),
    Record(Vec<(String, Value)>),
    Tuple(Vec<Value>),
    Variant(String, Option<Box<Value>>),
    Enum(String),
    Option(Option<Box<Value>>),
    Result(Result<Option<Box<Value>>, Option<Box<Value>>>),
    Flags(Vec<String>),
    /// An owning handle: one the host put in the table of the instance it
    /// calls ([`super::ComponentInstance::own`]), an `own<T>` argument; or
    /// one a result names in the table of the instance that returned it,
    /// for the host to take.
    Handle(u32),
}

/// A value of the wrong shape for its type.
#[derive(Debug, thiserror::Error)]
#[error("a value does not have the type the function expects: {0}")]
pub struct TypeMismatch(pub String);

pub(crate) fn trap(t: ComponentTrap) -> Trap {
    Trap {
        kind: TrapKind::Component(t),
        backtrace: vec![],
    }
}

/// The length's top bit marks a `latin1+utf16` string as UTF-16.
const UTF16_TAG: u32 = 1 << 31;

/// Why lowering stopped: the host's value did not fit, or the component
/// trapped (in `realloc`, or breaking a rule).
#[derive(Debug)]
pub enum LowerError {
    Type(TypeMismatch),
    Trap(Trap),
}

impl From<Trap> for LowerError {
    fn from(t: Trap) -> Self {
        LowerError::Trap(t)
    }
}

fn mismatch(what: &str, v: &Value) -> LowerError {
    LowerError::Type(TypeMismatch(format!("expected {what}, found {v:?}")))
}

/// Who lowers a value, and so how the receiving instance's `realloc` is
/// called: the host, from outside wasm, through its store; or a built-in
/// running inside a call (a stream's copy between instances), directly,
/// as a host function calls it, with the receiver's options.
pub(crate) enum Caller<'s> {
    Host {
        store: &'s mut Store,
        realloc: Option<Func>,
        /// The receiver's flags, lowered while its `realloc` runs: it may
        /// not leave its instance then.
        flags: *mut Global,
    },
    Guest(&'s super::HostContext),
}

impl<'a> Call<'a> {
    fn layout(&self) -> Layout<'a> {
        Layout::new(self.types)
    }

    fn memory(&mut self) -> &mut Memory {
        // SAFETY: store-owned memory, alive as long as the store; the
        // validator required a memory wherever one is used.
        unsafe { &mut *self.memory.expect("validation requires a memory here") }
    }

    pub(super) fn realloc(
        &mut self,
        caller: &mut Caller<'_>,
        align: u32,
        size: u32,
    ) -> Result<u32, Trap> {
        let (store, realloc, flags) = match caller {
            Caller::Host {
                store,
                realloc,
                flags,
            } => (store, realloc, *flags),
            Caller::Guest(ctx) => return super::abi::Cx::new(ctx).alloc(align, size),
        };
        let f = realloc.expect("validation requires realloc here");
        let r = {
            // SAFETY: store-owned flags, alive as long as the store.
            let _barred = unsafe { super::abi::LeaveBarred::new(flags) };
            store.call(
                f,
                &[
                    Val::I32(0),
                    Val::I32(0),
                    Val::I32(align as i32),
                    Val::I32(size as i32),
                ],
            )
        };
        let r = r?;
        let ptr = match r.first() {
            Some(Val::I32(p)) => *p as u32,
            _ => unreachable!("realloc's type is checked by validation"),
        };
        if ptr % align != 0 {
            return Err(trap(ComponentTrap::Unaligned(Region::Realloc)));
        }
        if ptr as u64 + size as u64 > self.memory().data().len() as u64 {
            return Err(trap(ComponentTrap::OutOfBounds(Region::Realloc)));
        }
        Ok(ptr)
    }

    fn write(&mut self, at: u32, bytes: &[u8]) {
        let at = at as usize;
        self.memory().data_mut()[at..at + bytes.len()].copy_from_slice(bytes);
    }

    /// Lower `v` of type `t` into flat values (`out`, as bits).
    pub(super) fn lower_flat(
        &mut self,
        caller: &mut Caller<'_>,
        t: TypeIndex,
        v: &Value,
        out: &mut Vec<u64>,
    ) -> Result<(), LowerError> {
        let ty = self.layout().ty(t);
        match (ty, v) {
            (ValueType::Bool, Value::Bool(b)) => out.push(*b as u64),
            (ValueType::S8, Value::S8(x)) => out.push(*x as i32 as u32 as u64),
            (ValueType::U8, Value::U8(x)) => out.push(*x as u64),
            (ValueType::S16, Value::S16(x)) => out.push(*x as i32 as u32 as u64),
            (ValueType::U16, Value::U16(x)) => out.push(*x as u64),
            (ValueType::S32, Value::S32(x)) => out.push(*x as u32 as u64),
            (ValueType::U32, Value::U32(x)) => out.push(*x as u64),
            (ValueType::S64, Value::S64(x)) => out.push(*x as u64),
            (ValueType::U64, Value::U64(x)) => out.push(*x),
            (ValueType::F32, Value::F32(x)) => out.push(*x as u64),
            (ValueType::F64, Value::F64(x)) => out.push(*x),
            (ValueType::Char, Value::Char(c)) => out.push(*c as u64),
            (ValueType::String, Value::String(s)) => {
                let (ptr, len) = self.store_string(caller, s)?;
                out.extend([ptr as u64, len as u64]);
            }
            (ValueType::List(e), Value::List(items)) => {
                let (ptr, len) = self.store_list(caller, *e, items)?;
                out.extend([ptr as u64, len as u64]);
            }
            (ValueType::Flags(names), Value::Flags(set)) => {
                let bits = flag_bits(names, set, v)?;
                out.extend(bits.iter().map(|w| *w as u64));
            }
            (ValueType::Record(_) | ValueType::Tuple(_), _) => {
                let fields = self.layout().fields(t).expect("a record-like type");
                let values = record_values(&ty, v)?;
                for (f, v) in fields.iter().zip(values) {
                    self.lower_flat(caller, *f, v, out)?;
                }
            }
            (ValueType::Own(_), Value::Handle(h)) => out.push(u64::from(*h)),
            (ValueType::Own(_) | ValueType::Borrow(_), _) => {
                return Err(mismatch("an owning handle the host made", v))
            }
            _ => {
                let cases = self
                    .layout()
                    .cases(t)
                    .ok_or_else(|| mismatch("this type", v))?;
                let (case, payload) = variant_case(ty, v)?;
                out.push(case as u64);
                let start = out.len();
                if let (Some(pt), Some(p)) = (cases[case as usize], payload) {
                    self.lower_flat(caller, pt, p, out)?;
                }
                // Unused positions of the joined payload are zero.
                out.resize(start + self.layout().flat_count(t) - 1, 0);
            }
        }
        Ok(())
    }

    /// Store `v` of type `t` at `ptr` in the callee's memory.
    pub(super) fn store(
        &mut self,
        caller: &mut Caller<'_>,
        t: TypeIndex,
        v: &Value,
        ptr: u32,
    ) -> Result<(), LowerError> {
        let ty = self.layout().ty(t);
        match (ty, v) {
            (ValueType::Bool, Value::Bool(b)) => self.write(ptr, &[*b as u8]),
            (ValueType::S8, Value::S8(x)) => self.write(ptr, &x.to_le_bytes()),
            (ValueType::U8, Value::U8(x)) => self.write(ptr, &x.to_le_bytes()),
            (ValueType::S16, Value::S16(x)) => self.write(ptr, &x.to_le_bytes()),
            (ValueType::U16, Value::U16(x)) => self.write(ptr, &x.to_le_bytes()),
            (ValueType::S32, Value::S32(x)) => self.write(ptr, &x.to_le_bytes()),
            (ValueType::U32, Value::U32(x)) => self.write(ptr, &x.to_le_bytes()),
            (ValueType::S64, Value::S64(x)) => self.write(ptr, &x.to_le_bytes()),
            (ValueType::U64, Value::U64(x)) => self.write(ptr, &x.to_le_bytes()),
            (ValueType::F32, Value::F32(x)) => self.write(ptr, &x.to_le_bytes()),
            (ValueType::F64, Value::F64(x)) => self.write(ptr, &x.to_le_bytes()),
            (ValueType::Char, Value::Char(c)) => self.write(ptr, &(*c as u32).to_le_bytes()),
            (ValueType::String, Value::String(s)) => {
                let (p, len) = self.store_string(caller, s)?;
                self.write(ptr, &p.to_le_bytes());
                self.write(ptr + 4, &len.to_le_bytes());
            }
            (ValueType::List(e), Value::List(items)) => {
                let (p, len) = self.store_list(caller, *e, items)?;
                self.write(ptr, &p.to_le_bytes());
                self.write(ptr + 4, &len.to_le_bytes());
            }
            (ValueType::Flags(names), Value::Flags(set)) => {
                let bits = flag_bits(names, set, v)?;
                let size = kiln_abi::component::flags_size(names.len()) as usize;
                let bytes: Vec<u8> = bits.iter().flat_map(|w| w.to_le_bytes()).collect();
                self.write(ptr, &bytes[..size]);
            }
            (ValueType::Record(_) | ValueType::Tuple(_), _) => {
                let fields = self.layout().fields(t).expect("a record-like type");
                let offsets = self.layout().field_offsets(&fields);
                let values = record_values(&ty, v)?;
                for ((f, off), v) in fields.iter().zip(offsets).zip(values) {
                    self.store(caller, *f, v, ptr + off)?;
                }
            }
            (ValueType::Own(_), Value::Handle(h)) => self.write(ptr, &h.to_le_bytes()),
            (
                ValueType::Stream(_) | ValueType::Future(_) | ValueType::ErrorContext,
                Value::Handle(h),
            ) if self.channels => self.write(ptr, &h.to_le_bytes()),
            (ValueType::Own(_) | ValueType::Borrow(_), _) => {
                return Err(mismatch("an owning handle the host made", v))
            }
            _ => {
                let cases = self
                    .layout()
                    .cases(t)
                    .ok_or_else(|| mismatch("this type", v))?;
                let (case, payload) = variant_case(&ty, v)?;
                let disc = kiln_abi::component::discriminant_size(cases.len()) as usize;
                self.write(ptr, &case.to_le_bytes()[..disc]);
                if let (Some(pt), Some(p)) = (cases[case as usize], payload) {
                    let at = ptr + self.layout().payload_offset(&cases);
                    self.store(caller, pt, p, at)?;
                }
            }
        }
        Ok(())
    }

    fn store_string(&mut self, caller: &mut Caller<'_>, s: &str) -> Result<(u32, u32), LowerError> {
        let latin1 = s.chars().all(|c| (c as u32) < 0x100);
        let (bytes, align, len): (Vec<u8>, u32, u32) = match self.encoding {
            StringEncoding::Utf8 => (s.as_bytes().to_vec(), 1, s.len() as u32),
            StringEncoding::CompactUtf16 if latin1 => {
                let b: Vec<u8> = s.chars().map(|c| c as u8).collect();
                let n = b.len() as u32;
                (b, 2, n)
            }
            StringEncoding::Utf16 | StringEncoding::CompactUtf16 => {
                let units: Vec<u16> = s.encode_utf16().collect();
                let n = units.len() as u32;
                let tag = if self.encoding == StringEncoding::CompactUtf16 {
                    UTF16_TAG
                } else {
                    0
                };
                (
                    units.iter().flat_map(|u| u.to_le_bytes()).collect(),
                    2,
                    n | tag,
                )
            }
        };
        let ptr = self.realloc(caller, align, bytes.len() as u32)?;
        self.write(ptr, &bytes);
        Ok((ptr, len))
    }

    fn store_list(
        &mut self,
        caller: &mut Caller<'_>,
        elem: TypeIndex,
        items: &[Value],
    ) -> Result<(u32, u32), LowerError> {
        let (size, align) = self.layout().size_align(elem);
        let total = size
            .checked_mul(items.len() as u32)
            .ok_or_else(|| mismatch("a list that fits in memory", &Value::List(vec![])))?;
        let ptr = self.realloc(caller, align, total)?;
        for (i, item) in items.iter().enumerate() {
            self.store(caller, elem, item, ptr + i as u32 * size)?;
        }
        Ok((ptr, items.len() as u32))
    }
}

fn record_values<'v>(ty: &ValueType, v: &'v Value) -> Result<Vec<&'v Value>, LowerError> {
    match (ty, v) {
        (ValueType::Record(fields), Value::Record(values)) if fields.len() == values.len() => {
            fields
                .iter()
                .zip(values)
                .map(|((name, _), (n, v))| {
                    if name == n {
                        Ok(v)
                    } else {
                        Err(mismatch(&format!("field `{name}`"), v))
                    }
                })
                .collect()
        }
        (ValueType::Tuple(items), Value::Tuple(values)) if items.len() == values.len() => {
            Ok(values.iter().collect())
        }
        _ => Err(mismatch(&format!("{ty:?}"), v)),
    }
}

/// A variant-like value's case number and payload.
fn variant_case<'v>(ty: &ValueType, v: &'v Value) -> Result<(u32, Option<&'v Value>), LowerError> {
    fn position<'a>(
        mut names: impl Iterator<Item = &'a String>,
        name: &str,
        ty: &ValueType,
        v: &Value,
    ) -> Result<u32, LowerError> {
        names
            .position(|n| n == name)
            .map(|i| i as u32)
            .ok_or_else(|| mismatch(&format!("a case of {ty:?}"), v))
    }
    Ok(match (ty, v) {
        (ValueType::Variant(cases), Value::Variant(name, payload)) => (
            position(cases.iter().map(|c| &c.0), name, ty, v)?,
            payload.as_deref(),
        ),
        (ValueType::Enum(names), Value::Enum(name)) => (position(names.iter(), name, ty, v)?, None),
        (ValueType::Option(_), Value::Option(None)) => (0, None),
        (ValueType::Option(_), Value::Option(Some(p))) => (1, Some(&**p)),
        (ValueType::Result { .. }, Value::Result(Ok(p))) => (0, p.as_deref()),
        (ValueType::Result { .. }, Value::Result(Err(p))) => (1, p.as_deref()),
        _ => return Err(mismatch(&format!("{ty:?}"), v)),
    })
}

fn flag_bits(names: &[String], set: &[String], v: &Value) -> Result<Vec<u32>, LowerError> {
    let mut bits = vec![0u32; names.len().div_ceil(32).max(1)];
    for name in set {
        let i = names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| mismatch(&format!("one of the flags {names:?}"), v))?;
        bits[i / 32] |= 1 << (i % 32);
    }
    Ok(bits)
}

/// What a lift may copy out of a memory smaller than this, overlapping
/// strings and lists counted each time.
const LIFT_FLOOR: u64 = 256 << 20;

/// Count `bytes` more in `lifted`, the bytes a lift from a memory of
/// `memory_len` bytes has copied out: a trap past the memory's size, or
/// `LIFT_FLOOR` if that is more.
pub(super) fn charge_lift(lifted: &mut u64, bytes: u64, memory_len: usize) -> Result<(), Trap> {
    *lifted += bytes;
    if *lifted > (memory_len as u64).max(LIFT_FLOOR) {
        return Err(Trap {
            kind: TrapKind::Host(
                "the values lifted hold more bytes than the memory they come from: their strings or lists overlap".into(),
            ),
            backtrace: vec![],
        });
    }
    Ok(())
}

impl<'a> Lift<'a> {
    pub(crate) fn new(
        types: &'a [ValueType],
        encoding: StringEncoding,
        memory: &'a [u8],
    ) -> Lift<'a> {
        Lift {
            types,
            encoding,
            memory,
            lifted: 0,
            channels: false,
        }
    }

    /// Count `bytes` more lifted. Strings and lists may overlap, as the
    /// Canonical ABI allows, so a small memory can name far more than it
    /// holds: lifting more than the memory's size, or `LIFT_FLOOR` if
    /// that is more, traps before the host's own memory runs out.
    fn charge(&mut self, bytes: u64) -> Result<(), Trap> {
        charge_lift(&mut self.lifted, bytes, self.memory.len())
    }

    /// Lift a value of type `t` from flat values (bits), consuming them.
    pub(super) fn lift_flat(
        &mut self,
        t: TypeIndex,
        flat: &mut std::slice::Iter<'_, u64>,
    ) -> Result<Value, Trap> {
        let layout = Layout::new(self.types);
        fn take(flat: &mut std::slice::Iter<'_, u64>) -> u64 {
            *flat.next().expect("as many flat values as the type has")
        }
        let ty = layout.ty(t);
        Ok(match ty {
            ValueType::Bool => Value::Bool(take(flat) as u32 != 0),
            ValueType::S8 => Value::S8(take(flat) as i8),
            ValueType::U8 => Value::U8(take(flat) as u8),
            ValueType::S16 => Value::S16(take(flat) as i16),
            ValueType::U16 => Value::U16(take(flat) as u16),
            ValueType::S32 => Value::S32(take(flat) as i32),
            ValueType::U32 => Value::U32(take(flat) as u32),
            ValueType::S64 => Value::S64(take(flat) as i64),
            ValueType::U64 => Value::U64(take(flat)),
            ValueType::F32 => Value::F32(take(flat) as u32),
            ValueType::F64 => Value::F64(take(flat)),
            ValueType::Char => Value::Char(char_of(take(flat) as u32)?),
            ValueType::String => {
                let (ptr, len) = (take(flat) as u32, take(flat) as u32);
                Value::String(self.load_string(ptr, len)?)
            }
            ValueType::List(e) => {
                let (ptr, len) = (take(flat) as u32, take(flat) as u32);
                Value::List(self.load_list(*e, ptr, len)?)
            }
            ValueType::Flags(names) => {
                let words: Vec<u32> = (0..names.len().div_ceil(32))
                    .map(|_| take(flat) as u32)
                    .collect();
                flags_of(names, &words)
            }
            ValueType::Record(_) | ValueType::Tuple(_) => {
                let fields = layout.fields(t).expect("a record-like type");
                let values = fields
                    .iter()
                    .map(|f| self.lift_flat(*f, flat))
                    .collect::<Result<Vec<_>, _>>()?;
                record_of(ty, values)
            }
            // An owning handle the host takes from the lifting instance's
            // table itself (`ComponentInstance::take`).
            ValueType::Own(_) => Value::Handle(take(flat) as u32),
            ValueType::Borrow(_) => return Err(unsupported_handle()),
            ValueType::Stream(_) | ValueType::Future(_) | ValueType::ErrorContext => {
                return Err(unsupported_handle())
            }
            _ => {
                let cases = layout.cases(t).expect("a variant-like type");
                let width = layout.flat_count(t) - 1;
                let case = take(flat) as u32;
                let payload_flat: Vec<u64> = (0..width).map(|_| take(flat)).collect();
                if case as usize >= cases.len() {
                    return Err(trap(ComponentTrap::InvalidDiscriminant));
                }
                let payload = match cases[case as usize] {
                    Some(pt) => Some(Box::new(self.lift_flat(pt, &mut payload_flat.iter())?)),
                    None => None,
                };
                variant_of(ty, case, payload)
            }
        })
    }

    /// Load a value of type `t` from `ptr` in the callee's memory (the
    /// caller checked its range and alignment).
    pub(super) fn load(&mut self, t: TypeIndex, ptr: u32) -> Result<Value, Trap> {
        let layout = Layout::new(self.types);
        let ty = layout.ty(t);
        let p = ptr as usize;
        let mem = self.memory;
        let b = |n: usize| &mem[p..p + n];
        let u32_at = |at: usize| u32::from_le_bytes(mem[at..at + 4].try_into().expect("4"));
        Ok(match ty {
            ValueType::Bool => Value::Bool(b(1)[0] != 0),
            ValueType::S8 => Value::S8(b(1)[0] as i8),
            ValueType::U8 => Value::U8(b(1)[0]),
            ValueType::S16 => Value::S16(i16::from_le_bytes(b(2).try_into().expect("2"))),
            ValueType::U16 => Value::U16(u16::from_le_bytes(b(2).try_into().expect("2"))),
            ValueType::S32 => Value::S32(u32_at(p) as i32),
            ValueType::U32 => Value::U32(u32_at(p)),
            ValueType::S64 => Value::S64(i64::from_le_bytes(b(8).try_into().expect("8"))),
            ValueType::U64 => Value::U64(u64::from_le_bytes(b(8).try_into().expect("8"))),
            ValueType::F32 => Value::F32(u32_at(p)),
            ValueType::F64 => Value::F64(u64::from_le_bytes(b(8).try_into().expect("8"))),
            ValueType::Char => Value::Char(char_of(u32_at(p))?),
            ValueType::String => Value::String(self.load_string(u32_at(p), u32_at(p + 4))?),
            ValueType::List(e) => Value::List(self.load_list(*e, u32_at(p), u32_at(p + 4))?),
            ValueType::Flags(names) => {
                let size = kiln_abi::component::flags_size(names.len()) as usize;
                let mut bytes = b(size).to_vec();
                bytes.resize(size.max(4), 0);
                let words: Vec<u32> = bytes
                    .chunks(4)
                    .map(|c| u32::from_le_bytes(c.try_into().expect("4")))
                    .collect();
                flags_of(names, &words)
            }
            ValueType::Record(_) | ValueType::Tuple(_) => {
                let fields = layout.fields(t).expect("a record-like type");
                let offsets = layout.field_offsets(&fields);
                let values = fields
                    .iter()
                    .zip(offsets)
                    .map(|(f, off)| self.load(*f, ptr + off))
                    .collect::<Result<Vec<_>, _>>()?;
                record_of(ty, values)
            }
            ValueType::Own(_) => Value::Handle(u32_at(p)),
            ValueType::Stream(_) | ValueType::Future(_) | ValueType::ErrorContext
                if self.channels =>
            {
                Value::Handle(u32_at(p))
            }
            ValueType::Borrow(_) => return Err(unsupported_handle()),
            ValueType::Stream(_) | ValueType::Future(_) | ValueType::ErrorContext => {
                return Err(unsupported_handle())
            }
            _ => {
                let cases = layout.cases(t).expect("a variant-like type");
                let disc = kiln_abi::component::discriminant_size(cases.len()) as usize;
                let mut word = [0u8; 4];
                word[..disc].copy_from_slice(b(disc));
                let case = u32::from_le_bytes(word);
                if case as usize >= cases.len() {
                    return Err(trap(ComponentTrap::InvalidDiscriminant));
                }
                let payload = match cases[case as usize] {
                    Some(pt) => {
                        let at = ptr + layout.payload_offset(&cases);
                        Some(Box::new(self.load(pt, at)?))
                    }
                    None => None,
                };
                variant_of(ty, case, payload)
            }
        })
    }

    /// `ptr`, checked to hold `bytes` aligned to `align` for `what`.
    pub(super) fn range(
        &self,
        ptr: u32,
        bytes: u64,
        align: u32,
        what: Region,
    ) -> Result<usize, Trap> {
        if ptr % align != 0 {
            return Err(trap(ComponentTrap::Unaligned(what)));
        }
        if ptr as u64 + bytes > self.memory.len() as u64 {
            return Err(trap(ComponentTrap::OutOfBounds(what)));
        }
        Ok(ptr as usize)
    }

    fn load_string(&mut self, ptr: u32, len: u32) -> Result<String, Trap> {
        let utf16 = |this: &mut Self, units: u32| -> Result<String, Trap> {
            let at = this.range(ptr, 2 * units as u64, 2, Region::String)?;
            this.charge(2 * units as u64)?;
            let units: Vec<u16> = this.memory[at..at + 2 * units as usize]
                .chunks(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).map_err(|_| trap(ComponentTrap::InvalidUtf16))
        };
        match self.encoding {
            StringEncoding::Utf8 => {
                let at = self.range(ptr, len as u64, 1, Region::String)?;
                self.charge(len as u64)?;
                let bytes = &self.memory[at..at + len as usize];
                std::str::from_utf8(bytes)
                    .map(str::to_string)
                    .map_err(|_| trap(ComponentTrap::InvalidUtf8))
            }
            StringEncoding::Utf16 => utf16(self, len),
            StringEncoding::CompactUtf16 if len & UTF16_TAG != 0 => utf16(self, len & !UTF16_TAG),
            StringEncoding::CompactUtf16 => {
                let at = self.range(ptr, len as u64, 2, Region::String)?;
                self.charge(len as u64)?;
                Ok(self.memory[at..at + len as usize]
                    .iter()
                    .map(|&b| b as char)
                    .collect())
            }
        }
    }

    fn load_list(&mut self, elem: TypeIndex, ptr: u32, len: u32) -> Result<Vec<Value>, Trap> {
        let (size, align) = Layout::new(self.types).size_align(elem);
        self.range(ptr, size as u64 * len as u64, align, Region::List)?;
        // Each element counts as at least a byte: a list of empty values
        // takes room on the host too.
        self.charge(size.max(1) as u64 * len as u64)?;
        (0..len).map(|i| self.load(elem, ptr + i * size)).collect()
    }
}

/// Handles do not cross to a host caller that holds values yet.
fn unsupported_handle() -> Trap {
    Trap {
        kind: TrapKind::Host("unsupported: a handle (a resource, a stream, a future or an error context) returned to the host's caller".into()),
        backtrace: vec![],
    }
}

fn char_of(v: u32) -> Result<char, Trap> {
    char::from_u32(v).ok_or_else(|| trap(ComponentTrap::InvalidChar))
}

fn flags_of(names: &[String], words: &[u32]) -> Value {
    Value::Flags(
        names
            .iter()
            .enumerate()
            .filter(|(i, _)| words[i / 32] & (1 << (i % 32)) != 0)
            .map(|(_, n)| n.clone())
            .collect(),
    )
}

fn record_of(ty: &ValueType, values: Vec<Value>) -> Value {
    match ty {
        ValueType::Record(fields) => {
            Value::Record(fields.iter().map(|(n, _)| n.clone()).zip(values).collect())
        }
        _ => Value::Tuple(values),
    }
}

fn variant_of(ty: &ValueType, case: u32, payload: Option<Box<Value>>) -> Value {
    match ty {
        ValueType::Variant(cases) => Value::Variant(cases[case as usize].0.clone(), payload),
        ValueType::Enum(names) => Value::Enum(names[case as usize].clone()),
        ValueType::Option(_) => Value::Option(if case == 0 { None } else { payload }),
        _ => Value::Result(if case == 0 { Ok(payload) } else { Err(payload) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list whose strings all name the same bytes may hold more than
    /// its memory, up to a bound; past it, lifting traps instead of
    /// filling the host's memory.
    #[test]
    fn overlapping_strings_past_the_bound_trap() {
        let types = [ValueType::String, ValueType::List(0)];
        let mut memory = vec![b'a'; 1 << 20];
        // Strings at 0, each (ptr 1 << 19, len 1 << 19): half a MiB.
        for i in 0..1000usize {
            let at = i * 8;
            memory[at..at + 4].copy_from_slice(&(1u32 << 19).to_le_bytes());
            memory[at + 4..at + 8].copy_from_slice(&(1u32 << 19).to_le_bytes());
        }
        memory[8000..8004].copy_from_slice(&0u32.to_le_bytes());
        let list = |n: u32| {
            let mut m = memory.clone();
            m[8004..8008].copy_from_slice(&n.to_le_bytes());
            m
        };
        // 100 strings, 50 MiB from a 1 MiB memory: within the bound.
        let fits = list(100);
        let mut lift = Lift::new(&types, StringEncoding::Utf8, &fits);
        match lift.load(1, 8000) {
            Ok(Value::List(items)) => assert_eq!(items.len(), 100),
            other => panic!("expected the list, got {other:?}"),
        }
        // 1000 strings, 500 MiB.
        let overlapping = list(1000);
        let mut lift = Lift::new(&types, StringEncoding::Utf8, &overlapping);
        let trap = lift
            .load(1, 8000)
            .expect_err("the strings overlap past the bound");
        assert!(trap.to_string().contains("overlap"), "{trap}");
    }
}
