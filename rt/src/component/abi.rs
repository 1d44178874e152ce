//! Typed lifting and lowering for host functions a component imports: each
//! WIT type is a Rust type implementing [`Lift`] and [`Lower`], so that a
//! generated shim is specialized for its function's type at compile time
//! (the host side's counterpart of compiled adapters; no value-by-value
//! interpretation). Flat values travel as `u64` bits: the Canonical ABI's
//! joins of variant payloads (i32 in i64, f32 in i32) are then no-ops.

use super::handles::Handle;
use super::HostContext;
use crate::store::Memory;
use crate::traps::{ComponentTrap, Region, Trap, TrapKind};
use crate::vm::ValRaw;
use kiln_abi::component::StringEncoding;

pub(crate) fn trap(t: ComponentTrap) -> Trap {
    Trap {
        kind: TrapKind::Component(t),
        backtrace: vec![],
    }
}

/// What a host function call sees: its lowering's options, the calling
/// component's memory and handle table.
pub struct Cx<'a> {
    pub ctx: &'a HostContext,
    /// Bytes of strings and lists lifted so far (see `charge`).
    lifted: u64,
}

impl<'a> Cx<'a> {
    pub fn new(ctx: &'a HostContext) -> Cx<'a> {
        Cx { ctx, lifted: 0 }
    }
}

impl Cx<'_> {
    /// Count `bytes` more of strings and lists lifted. They may overlap,
    /// as the Canonical ABI allows, so a small memory can name far more
    /// than it holds: lifting more than the memory's size (or a floor)
    /// traps before the host's own memory runs out.
    fn charge(&mut self, bytes: u64) -> Result<(), Trap> {
        let len = self.bytes().len();
        super::values::charge_lift(&mut self.lifted, bytes, len)
    }

    fn memory(&mut self) -> &mut Memory {
        // SAFETY: store-owned memory, alive as long as the store; validation
        // requires the option wherever a type needs memory.
        unsafe {
            &mut *self
                .ctx
                .reach()
                .memory
                .expect("validation requires a memory here")
        }
    }

    pub fn bytes(&mut self) -> &mut [u8] {
        self.memory().data_mut()
    }

    /// `ptr`, checked to hold `bytes` aligned to `align` for `what`.
    pub fn range(&mut self, ptr: u32, bytes: u64, align: u32, what: Region) -> Result<usize, Trap> {
        if ptr % align != 0 {
            return Err(trap(ComponentTrap::Unaligned(what)));
        }
        if ptr as u64 + bytes > self.bytes().len() as u64 {
            return Err(trap(ComponentTrap::OutOfBounds(what)));
        }
        Ok(ptr as usize)
    }

    /// Room for `size` bytes aligned to `align`, from the caller's realloc.
    pub fn alloc(&mut self, align: u32, size: u32) -> Result<u32, Trap> {
        let f = self
            .ctx
            .reach()
            .realloc
            .expect("validation requires realloc here");
        let mut slots = [
            ValRaw::from_u64(0),
            ValRaw::from_u64(0),
            ValRaw::from_u64(align as u64),
            ValRaw::from_u64(size as u64),
        ];
        // The guest may not call out of its instance from `realloc`: the
        // host is in the middle of a call it made.
        {
            // SAFETY: store-owned flags, alive as long as the store.
            let _barred = unsafe { LeaveBarred::new(self.ctx.reach().flags) };
            crate::instance::call_slots(f, &mut slots)?;
        }
        let ptr = slots[0].u64() as u32;
        self.range(ptr, size as u64, align, Region::Realloc)?;
        Ok(ptr)
    }

    /// A trap if the calling instance may not call out now (its
    /// post-return is running).
    pub fn check_may_leave(&self) -> Result<(), Trap> {
        // SAFETY: store-owned, alive as long as the store.
        if unsafe { (*self.ctx.reach().flags).get() }.to_bits() == 0 {
            return Err(trap(ComponentTrap::CannotLeave));
        }
        Ok(())
    }

    /// The calling instance's handles.
    pub fn handles(&mut self) -> super::handles::Handles<'_> {
        // SAFETY: the state outlives every call into its instance, and a
        // host function is the only code using it while it runs.
        unsafe { &mut (*self.ctx.reach().state).tables }.of(self.ctx.instance)
    }

    /// The host's state for the calling component (its WASI context).
    pub fn host<T: 'static>(&mut self) -> Result<&mut T, Trap> {
        // SAFETY: as `handles`.
        unsafe { (*self.ctx.reach().state).host.as_mut() }
            .and_then(|h| h.downcast_mut::<T>())
            .ok_or_else(|| Trap {
                kind: TrapKind::Host("a host function without its host's state".into()),
                backtrace: vec![],
            })
    }

    /// The host value a borrowed handle names.
    pub fn get<T: 'static>(&mut self, b: &Borrow<T>) -> Result<&mut T, Trap> {
        self.handles().get::<T>(b.handle)
    }

    fn write(&mut self, at: u32, bytes: &[u8]) {
        let at = at as usize;
        self.bytes()[at..at + bytes.len()].copy_from_slice(bytes);
    }

    fn read<const N: usize>(&mut self, at: u32) -> [u8; N] {
        let at = at as usize;
        self.bytes()[at..at + N].try_into().expect("N bytes")
    }
}

/// An instance's flags lowered while the host is in the middle of a call
/// into it (its `realloc`): it may not leave its instance until this is
/// dropped, which restores them, on a trap too.
pub(crate) struct LeaveBarred {
    flags: *mut crate::store::Global,
    before: u64,
}

impl LeaveBarred {
    /// # Safety
    /// `flags` is store-owned and outlives the guard.
    pub(crate) unsafe fn new(flags: *mut crate::store::Global) -> Self {
        // SAFETY: the caller's promise.
        let before = unsafe { (*flags).get() }.to_bits();
        unsafe { (*flags).set_bits(0) };
        LeaveBarred { flags, before }
    }
}

impl Drop for LeaveBarred {
    fn drop(&mut self) {
        // SAFETY: as in `new`.
        unsafe { (*self.flags).set_bits(self.before) };
    }
}

/// A type's canonical-ABI layout.
pub trait Typed {
    const SIZE: u32;
    const ALIGN: u32;
    /// Number of flat values.
    const FLAT: usize;
}

pub trait Lift: Typed + Sized {
    /// From exactly `FLAT` flat values.
    fn lift_flat(cx: &mut Cx, flat: &[u64]) -> Result<Self, Trap>;
    /// From memory at `ptr`, whose range the caller checked.
    fn load(cx: &mut Cx, ptr: u32) -> Result<Self, Trap>;
    /// `n` values stored one after another from `ptr` (checked).
    fn load_many(cx: &mut Cx, ptr: u32, n: u32) -> Result<Vec<Self>, Trap> {
        (0..n)
            .map(|i| Self::load(cx, ptr + i * Self::SIZE))
            .collect()
    }
}

pub trait Lower: Typed + Sized {
    /// Into exactly `FLAT` flat values (a shorter payload leaves zeros).
    fn lower_flat(self, cx: &mut Cx, flat: &mut [u64]) -> Result<(), Trap>;
    /// Into memory at `ptr`, which has room.
    fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap>;
    fn store_many(items: Vec<Self>, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
        for (i, v) in items.into_iter().enumerate() {
            v.store(cx, ptr + i as u32 * Self::SIZE)?;
        }
        Ok(())
    }
}

pub const fn align_to(n: u32, align: u32) -> u32 {
    n.div_ceil(align) * align
}

pub const fn max(a: u32, b: u32) -> u32 {
    if a > b {
        a
    } else {
        b
    }
}

impl Typed for () {
    const SIZE: u32 = 0;
    const ALIGN: u32 = 1;
    const FLAT: usize = 0;
}

impl Lift for () {
    fn lift_flat(_: &mut Cx, _: &[u64]) -> Result<(), Trap> {
        Ok(())
    }
    fn load(_: &mut Cx, _: u32) -> Result<(), Trap> {
        Ok(())
    }
}

impl Lower for () {
    fn lower_flat(self, _: &mut Cx, _: &mut [u64]) -> Result<(), Trap> {
        Ok(())
    }
    fn store(self, _: &mut Cx, _: u32) -> Result<(), Trap> {
        Ok(())
    }
}

macro_rules! integer {
    ($t:ty, $size:literal, $from:expr, $to:expr) => {
        impl Typed for $t {
            const SIZE: u32 = $size;
            const ALIGN: u32 = $size;
            const FLAT: usize = 1;
        }
        impl Lift for $t {
            fn lift_flat(_: &mut Cx, flat: &[u64]) -> Result<$t, Trap> {
                let from: fn(u64) -> $t = $from;
                Ok(from(flat[0]))
            }
            fn load(cx: &mut Cx, ptr: u32) -> Result<$t, Trap> {
                Ok(<$t>::from_le_bytes(cx.read::<$size>(ptr)))
            }
        }
        impl Lower for $t {
            fn lower_flat(self, _: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {
                let to: fn($t) -> u64 = $to;
                flat[0] = to(self);
                Ok(())
            }
            fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
                cx.write(ptr, &self.to_le_bytes());
                Ok(())
            }
        }
    };
}

integer!(u8, 1, |v| v as u8, |v| v as u64);
integer!(i8, 1, |v| v as i8, |v| v as i32 as u32 as u64);
integer!(u16, 2, |v| v as u16, |v| v as u64);
integer!(i16, 2, |v| v as i16, |v| v as i32 as u32 as u64);
integer!(u32, 4, |v| v as u32, |v| v as u64);
integer!(i32, 4, |v| v as i32, |v| v as u32 as u64);
integer!(u64, 8, |v| v, |v| v);
integer!(i64, 8, |v| v as i64, |v| v as u64);
integer!(f32, 4, |v| f32::from_bits(v as u32), |v| v.to_bits() as u64);
integer!(f64, 8, f64::from_bits, f64::to_bits);

impl Typed for bool {
    const SIZE: u32 = 1;
    const ALIGN: u32 = 1;
    const FLAT: usize = 1;
}

impl Lift for bool {
    fn lift_flat(_: &mut Cx, flat: &[u64]) -> Result<bool, Trap> {
        Ok(flat[0] as u32 != 0)
    }
    fn load(cx: &mut Cx, ptr: u32) -> Result<bool, Trap> {
        Ok(cx.read::<1>(ptr)[0] != 0)
    }
}

impl Lower for bool {
    fn lower_flat(self, _: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {
        flat[0] = self as u64;
        Ok(())
    }
    fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
        cx.write(ptr, &[self as u8]);
        Ok(())
    }
}

impl Typed for char {
    const SIZE: u32 = 4;
    const ALIGN: u32 = 4;
    const FLAT: usize = 1;
}

impl Lift for char {
    fn lift_flat(_: &mut Cx, flat: &[u64]) -> Result<char, Trap> {
        char::from_u32(flat[0] as u32).ok_or_else(|| trap(ComponentTrap::InvalidChar))
    }
    fn load(cx: &mut Cx, ptr: u32) -> Result<char, Trap> {
        char::from_u32(u32::from_le_bytes(cx.read::<4>(ptr)))
            .ok_or_else(|| trap(ComponentTrap::InvalidChar))
    }
}

impl Lower for char {
    fn lower_flat(self, _: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {
        flat[0] = self as u64;
        Ok(())
    }
    fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
        cx.write(ptr, &(self as u32).to_le_bytes());
        Ok(())
    }
}

/// The length's top bit marks a `latin1+utf16` string as UTF-16.
const UTF16_TAG: u32 = 1 << 31;

fn load_string(cx: &mut Cx, ptr: u32, len: u32) -> Result<String, Trap> {
    let utf16 = |cx: &mut Cx, units: u32| -> Result<String, Trap> {
        let at = cx.range(ptr, 2 * units as u64, 2, Region::String)?;
        cx.charge(2 * units as u64)?;
        let units: Vec<u16> = cx.bytes()[at..at + 2 * units as usize]
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).map_err(|_| trap(ComponentTrap::InvalidUtf16))
    };
    match cx.ctx.encoding {
        StringEncoding::Utf8 => {
            let at = cx.range(ptr, len as u64, 1, Region::String)?;
            cx.charge(len as u64)?;
            std::str::from_utf8(&cx.bytes()[at..at + len as usize])
                .map(str::to_string)
                .map_err(|_| trap(ComponentTrap::InvalidUtf8))
        }
        StringEncoding::Utf16 => utf16(cx, len),
        StringEncoding::CompactUtf16 if len & UTF16_TAG != 0 => utf16(cx, len & !UTF16_TAG),
        StringEncoding::CompactUtf16 => {
            let at = cx.range(ptr, len as u64, 2, Region::String)?;
            cx.charge(len as u64)?;
            Ok(cx.bytes()[at..at + len as usize]
                .iter()
                .map(|&b| b as char)
                .collect())
        }
    }
}

fn store_string(cx: &mut Cx, s: &str) -> Result<(u32, u32), Trap> {
    let encoding = cx.ctx.encoding;
    let latin1 = s.chars().all(|c| (c as u32) < 0x100);
    let (bytes, align, len): (std::borrow::Cow<[u8]>, u32, u32) = match encoding {
        StringEncoding::Utf8 => (s.as_bytes().into(), 1, s.len() as u32),
        StringEncoding::CompactUtf16 if latin1 => {
            let b: Vec<u8> = s.chars().map(|c| c as u8).collect();
            let n = b.len() as u32;
            (b.into(), 2, n)
        }
        StringEncoding::Utf16 | StringEncoding::CompactUtf16 => {
            let units: Vec<u16> = s.encode_utf16().collect();
            let tag = if encoding == StringEncoding::CompactUtf16 {
                UTF16_TAG
            } else {
                0
            };
            let n = units.len() as u32 | tag;
            let b: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
            (b.into(), 2, n)
        }
    };
    let ptr = cx.alloc(align, bytes.len() as u32)?;
    cx.write(ptr, &bytes);
    Ok((ptr, len))
}

impl Typed for String {
    const SIZE: u32 = 8;
    const ALIGN: u32 = 4;
    const FLAT: usize = 2;
}

impl Lift for String {
    fn lift_flat(cx: &mut Cx, flat: &[u64]) -> Result<String, Trap> {
        load_string(cx, flat[0] as u32, flat[1] as u32)
    }
    fn load(cx: &mut Cx, ptr: u32) -> Result<String, Trap> {
        let (p, len) = (u32::load(cx, ptr)?, u32::load(cx, ptr + 4)?);
        load_string(cx, p, len)
    }
}

impl Lower for String {
    fn lower_flat(self, cx: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {
        let (p, len) = store_string(cx, &self)?;
        flat[0] = p as u64;
        flat[1] = len as u64;
        Ok(())
    }
    fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
        let (p, len) = store_string(cx, &self)?;
        p.store(cx, ptr)?;
        len.store(cx, ptr + 4)
    }
}

fn load_list<T: Lift>(cx: &mut Cx, ptr: u32, n: u32) -> Result<Vec<T>, Trap> {
    cx.range(ptr, T::SIZE as u64 * n as u64, T::ALIGN, Region::List)?;
    cx.charge(T::SIZE as u64 * n as u64)?;
    T::load_many(cx, ptr, n)
}

fn store_list<T: Lower>(cx: &mut Cx, items: Vec<T>) -> Result<(u32, u32), Trap> {
    let n = items.len() as u32;
    let ptr = cx.alloc(T::ALIGN, T::SIZE * n)?;
    T::store_many(items, cx, ptr)?;
    Ok((ptr, n))
}

impl<T> Typed for Vec<T> {
    const SIZE: u32 = 8;
    const ALIGN: u32 = 4;
    const FLAT: usize = 2;
}

impl<T: Lift> Lift for Vec<T> {
    fn lift_flat(cx: &mut Cx, flat: &[u64]) -> Result<Vec<T>, Trap> {
        load_list(cx, flat[0] as u32, flat[1] as u32)
    }
    fn load(cx: &mut Cx, ptr: u32) -> Result<Vec<T>, Trap> {
        let (p, n) = (u32::load(cx, ptr)?, u32::load(cx, ptr + 4)?);
        load_list(cx, p, n)
    }
}

impl<T: Lower> Lower for Vec<T> {
    fn lower_flat(self, cx: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {
        let (p, n) = store_list(cx, self)?;
        flat[0] = p as u64;
        flat[1] = n as u64;
        Ok(())
    }
    fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
        let (p, n) = store_list(cx, self)?;
        p.store(cx, ptr)?;
        n.store(cx, ptr + 4)
    }
}

/// Bytes move as one copy, not byte by byte.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Typed for Bytes {
    const SIZE: u32 = 8;
    const ALIGN: u32 = 4;
    const FLAT: usize = 2;
}

fn load_bytes(cx: &mut Cx, ptr: u32, n: u32) -> Result<Bytes, Trap> {
    let at = cx.range(ptr, n as u64, 1, Region::List)?;
    cx.charge(n as u64)?;
    Ok(Bytes(cx.bytes()[at..at + n as usize].to_vec()))
}

fn store_bytes(cx: &mut Cx, b: &[u8]) -> Result<(u32, u32), Trap> {
    let ptr = cx.alloc(1, b.len() as u32)?;
    cx.write(ptr, b);
    Ok((ptr, b.len() as u32))
}

impl Lift for Bytes {
    fn lift_flat(cx: &mut Cx, flat: &[u64]) -> Result<Bytes, Trap> {
        load_bytes(cx, flat[0] as u32, flat[1] as u32)
    }
    fn load(cx: &mut Cx, ptr: u32) -> Result<Bytes, Trap> {
        let (p, n) = (u32::load(cx, ptr)?, u32::load(cx, ptr + 4)?);
        load_bytes(cx, p, n)
    }
}

impl Lower for Bytes {
    fn lower_flat(self, cx: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {
        let (p, n) = store_bytes(cx, &self.0)?;
        flat[0] = p as u64;
        flat[1] = n as u64;
        Ok(())
    }
    fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
        let (p, n) = store_bytes(cx, &self.0)?;
        p.store(cx, ptr)?;
        n.store(cx, ptr + 4)
    }
}

/// Layout of a two-case variant with payloads `A` and `B` (option and
/// result): a one-byte discriminant, then the payload.
pub const fn variant2_align(a: u32, b: u32) -> u32 {
    max(1, max(a, b))
}

pub const fn variant2_payload(a: u32, b: u32) -> u32 {
    align_to(1, max(a, b))
}

pub const fn variant2_size(a_size: u32, a_align: u32, b_size: u32, b_align: u32) -> u32 {
    let align = variant2_align(a_align, b_align);
    align_to(
        variant2_payload(a_align, b_align) + max(a_size, b_size),
        align,
    )
}

pub const fn flat_max(a: usize, b: usize) -> usize {
    if a > b {
        a
    } else {
        b
    }
}

fn discriminant(cx: &mut Cx, ptr: u32, cases: u32) -> Result<u32, Trap> {
    let d = u8::load(cx, ptr)? as u32;
    if d >= cases {
        return Err(trap(ComponentTrap::InvalidDiscriminant));
    }
    Ok(d)
}

impl<T: Typed> Typed for Option<T> {
    const SIZE: u32 = variant2_size(0, 1, T::SIZE, T::ALIGN);
    const ALIGN: u32 = variant2_align(1, T::ALIGN);
    const FLAT: usize = 1 + T::FLAT;
}

impl<T: Lift> Lift for Option<T> {
    fn lift_flat(cx: &mut Cx, flat: &[u64]) -> Result<Option<T>, Trap> {
        match flat[0] as u32 {
            0 => Ok(None),
            1 => Ok(Some(T::lift_flat(cx, &flat[1..1 + T::FLAT])?)),
            _ => Err(trap(ComponentTrap::InvalidDiscriminant)),
        }
    }
    fn load(cx: &mut Cx, ptr: u32) -> Result<Option<T>, Trap> {
        match discriminant(cx, ptr, 2)? {
            0 => Ok(None),
            _ => Ok(Some(T::load(cx, ptr + variant2_payload(1, T::ALIGN))?)),
        }
    }
}

impl<T: Lower> Lower for Option<T> {
    fn lower_flat(self, cx: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {
        match self {
            None => flat[0] = 0,
            Some(v) => {
                flat[0] = 1;
                v.lower_flat(cx, &mut flat[1..1 + T::FLAT])?;
            }
        }
        Ok(())
    }
    fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
        match self {
            None => 0u8.store(cx, ptr),
            Some(v) => {
                1u8.store(cx, ptr)?;
                v.store(cx, ptr + variant2_payload(1, T::ALIGN))
            }
        }
    }
}

impl<T: Typed, E: Typed> Typed for Result<T, E> {
    const SIZE: u32 = variant2_size(T::SIZE, T::ALIGN, E::SIZE, E::ALIGN);
    const ALIGN: u32 = variant2_align(T::ALIGN, E::ALIGN);
    const FLAT: usize = 1 + flat_max(T::FLAT, E::FLAT);
}

impl<T: Lift, E: Lift> Lift for Result<T, E> {
    fn lift_flat(cx: &mut Cx, flat: &[u64]) -> Result<Result<T, E>, Trap> {
        match flat[0] as u32 {
            0 => Ok(Ok(T::lift_flat(cx, &flat[1..1 + T::FLAT])?)),
            1 => Ok(Err(E::lift_flat(cx, &flat[1..1 + E::FLAT])?)),
            _ => Err(trap(ComponentTrap::InvalidDiscriminant)),
        }
    }
    fn load(cx: &mut Cx, ptr: u32) -> Result<Result<T, E>, Trap> {
        let at = ptr + variant2_payload(T::ALIGN, E::ALIGN);
        match discriminant(cx, ptr, 2)? {
            0 => Ok(Ok(T::load(cx, at)?)),
            _ => Ok(Err(E::load(cx, at)?)),
        }
    }
}

impl<T: Lower, E: Lower> Lower for Result<T, E> {
    fn lower_flat(self, cx: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {
        match self {
            Ok(v) => {
                flat[0] = 0;
                v.lower_flat(cx, &mut flat[1..1 + T::FLAT])
            }
            Err(e) => {
                flat[0] = 1;
                e.lower_flat(cx, &mut flat[1..1 + E::FLAT])
            }
        }
    }
    fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
        let at = ptr + variant2_payload(T::ALIGN, E::ALIGN);
        match self {
            Ok(v) => {
                0u8.store(cx, ptr)?;
                v.store(cx, at)
            }
            Err(e) => {
                1u8.store(cx, ptr)?;
                e.store(cx, at)
            }
        }
    }
}

/// Tuples: fields in order, each at its alignment.
macro_rules! tuple {
    ($($t:ident $v:ident),+) => {
        impl<$($t: Typed),+> Typed for ($($t,)+) {
            const SIZE: u32 = {
                let (mut size, mut align) = (0, 1);
                $(
                    size = align_to(size, $t::ALIGN) + $t::SIZE;
                    align = max(align, $t::ALIGN);
                )+
                align_to(size, align)
            };
            const ALIGN: u32 = {
                let mut align = 1;
                $(align = max(align, $t::ALIGN);)+
                align
            };
            const FLAT: usize = 0 $(+ $t::FLAT)+;
        }

        impl<$($t: Lift),+> Lift for ($($t,)+) {
            fn lift_flat(cx: &mut Cx, flat: &[u64]) -> Result<Self, Trap> {
                let mut at = 0;
                $(
                    let $v = $t::lift_flat(cx, &flat[at..at + $t::FLAT])?;
                    at += $t::FLAT;
                )+
                let _ = at;
                Ok(($($v,)+))
            }
            fn load(cx: &mut Cx, ptr: u32) -> Result<Self, Trap> {
                let mut at = 0;
                $(
                    at = align_to(at, $t::ALIGN);
                    let $v = $t::load(cx, ptr + at)?;
                    at += $t::SIZE;
                )+
                let _ = at;
                Ok(($($v,)+))
            }
        }

        impl<$($t: Lower),+> Lower for ($($t,)+) {
            fn lower_flat(self, cx: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {
                let ($($v,)+) = self;
                let mut at = 0;
                $(
                    $v.lower_flat(cx, &mut flat[at..at + $t::FLAT])?;
                    at += $t::FLAT;
                )+
                let _ = at;
                Ok(())
            }
            fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
                let ($($v,)+) = self;
                let mut at = 0;
                $(
                    at = align_to(at, $t::ALIGN);
                    $v.store(cx, ptr + at)?;
                    at += $t::SIZE;
                )+
                let _ = at;
                Ok(())
            }
        }
    };
}

tuple!(A a);
tuple!(A a, B b);
tuple!(A a, B b, C c);
tuple!(A a, B b, C c, D d);
tuple!(A a, B b, C c, D d, E e);
tuple!(A a, B b, C c, D d, E e, F f);
tuple!(A a, B b, C c, D d, E e, F f, G g);
tuple!(A a, B b, C c, D d, E e, F f, G g, H h);

/// An owned handle: the host value itself, taken out of (or put into) the
/// calling component's handle table.
pub struct Own<T>(pub T);

/// A borrowed handle: valid for the call; read with [`Cx::get`].
pub struct Borrow<T> {
    pub handle: Handle,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T> Borrow<T> {
    /// Handle `handle` again, borrowed for the same call.
    pub fn new(handle: Handle) -> Borrow<T> {
        Borrow {
            handle,
            _t: std::marker::PhantomData,
        }
    }
}

impl<T> Typed for Own<T> {
    const SIZE: u32 = 4;
    const ALIGN: u32 = 4;
    const FLAT: usize = 1;
}

impl<T> Typed for Borrow<T> {
    const SIZE: u32 = 4;
    const ALIGN: u32 = 4;
    const FLAT: usize = 1;
}

impl<T: 'static> Lift for Own<T> {
    fn lift_flat(cx: &mut Cx, flat: &[u64]) -> Result<Own<T>, Trap> {
        cx.handles().take::<T>(flat[0] as u32).map(Own)
    }
    fn load(cx: &mut Cx, ptr: u32) -> Result<Own<T>, Trap> {
        let h = u32::load(cx, ptr)?;
        cx.handles().take::<T>(h).map(Own)
    }
}

impl<T: 'static> Lower for Own<T> {
    fn lower_flat(self, cx: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {
        flat[0] = cx.handles().insert(self.0) as u64;
        Ok(())
    }
    fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
        let h = cx.handles().insert(self.0);
        h.store(cx, ptr)
    }
}

impl<T: 'static> Lift for Borrow<T> {
    fn lift_flat(cx: &mut Cx, flat: &[u64]) -> Result<Borrow<T>, Trap> {
        let handle = cx.handles().check::<T>(flat[0] as u32)?;
        Ok(Borrow {
            handle,
            _t: std::marker::PhantomData,
        })
    }
    fn load(cx: &mut Cx, ptr: u32) -> Result<Borrow<T>, Trap> {
        let h = u32::load(cx, ptr)?;
        Borrow::lift_flat(cx, &[h as u64])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::component::{LoweringContext, Reach};
    use kiln_abi::module::MemoryType;

    /// The typed lifts of the host's bindings count what they copy out as
    /// the generic lifts do: strings that all name the same bytes may hold
    /// more than the memory, up to a bound; past it, lifting traps.
    #[test]
    fn overlapping_strings_past_the_bound_trap() {
        let ty = MemoryType {
            memory64: false,
            shared: false,
            initial: 16,
            maximum: None,
            page_size_log2: None,
        };
        let mut memory = Memory::new(ty, None).unwrap();
        let bytes = memory.data_mut();
        bytes[1 << 19..].fill(b'a');
        // Strings at 0, each (ptr 1 << 19, len 1 << 19): half a MiB.
        for i in 0..1000usize {
            bytes[i * 8..i * 8 + 4].copy_from_slice(&(1u32 << 19).to_le_bytes());
            bytes[i * 8 + 4..i * 8 + 8].copy_from_slice(&(1u32 << 19).to_le_bytes());
        }
        let lowering = Box::leak(Box::new(LoweringContext::blank(StringEncoding::Utf8, 0)));
        let reach = Box::leak(Box::new(Reach {
            memory: Some(&mut *memory as *mut Memory),
            ..Reach::NONE
        }));
        // SAFETY: leaked, so it lives as long as the context.
        let ctx = unsafe { HostContext::reaching(lowering, reach) };
        // 100 strings, 50 MiB from a 1 MiB memory: within the bound.
        let fits = <Vec<String>>::lift_flat(&mut Cx::new(&ctx), &[0, 100]);
        assert_eq!(fits.map(|l| l.len()).ok(), Some(100));
        // 1000 strings, 500 MiB.
        let trap = <Vec<String>>::lift_flat(&mut Cx::new(&ctx), &[0, 1000])
            .expect_err("the strings overlap past the bound");
        assert!(trap.to_string().contains("overlap"), "{trap}");
    }
}
