//! The encoding of kiln's plain-data descriptions, private to one kiln
//! version (the descriptor's ABI version guards it): unsigned LEB128
//! numbers, signed LEB128 for signed ones, length-prefixed strings and byte
//! strings, a one-byte tag before each variant. Decoding never panics: what
//! `Writer` did not write is a `DecodeError`.

use alloc::string::String;
use alloc::vec::Vec;

/// The description's bytes are not what `encode` writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
    pub what: &'static str,
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} at byte {}", self.what, self.offset)
    }
}

pub(crate) struct Writer<'o>(pub &'o mut Vec<u8>);

impl Writer<'_> {
    pub fn byte(&mut self, b: u8) {
        self.0.push(b);
    }

    pub fn u(&mut self, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(b);
                return;
            }
            self.0.push(b | 0x80);
        }
    }

    pub fn s(&mut self, mut v: i64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            let done = (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0);
            if done {
                self.0.push(b);
                return;
            }
            self.0.push(b | 0x80);
        }
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.u(b.len() as u64);
        self.0.extend_from_slice(b);
    }

    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    pub fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        self.u(items.len() as u64);
        for item in items {
            each(self, item);
        }
    }

    pub fn option<T>(&mut self, item: Option<&T>, each: impl FnOnce(&mut Self, &T)) {
        match item {
            None => self.byte(0),
            Some(t) => {
                self.byte(1);
                each(self, t);
            }
        }
    }
}

pub(crate) struct Reader<'a> {
    pub bytes: &'a [u8],
    pub at: usize,
    /// The bytes are a description in loaded code, which kiln's compiler
    /// wrote: its names are not checked as UTF-8 again (`name_str`). Set
    /// only by the `unsafe` decoders, whose callers promise it.
    pub loaded: bool,
}

pub(crate) type Read<T> = Result<T, DecodeError>;

impl<'a> Reader<'a> {
    pub fn fail<T>(&self, what: &'static str) -> Read<T> {
        Err(DecodeError {
            offset: self.at,
            what,
        })
    }

    pub fn byte(&mut self) -> Read<u8> {
        match self.bytes.get(self.at) {
            Some(&b) => {
                self.at += 1;
                Ok(b)
            }
            None => self.fail("unexpected end"),
        }
    }

    pub fn u(&mut self) -> Read<u64> {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let b = self.byte()?;
            if shift > 63 || (shift == 63 && b & 0x7e != 0) {
                return self.fail("number too large");
            }
            v |= ((b & 0x7f) as u64) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
    }

    pub fn s(&mut self) -> Read<i64> {
        let (mut v, mut shift) = (0i64, 0);
        loop {
            let b = self.byte()?;
            if shift > 63 {
                return self.fail("number too large");
            }
            v |= ((b & 0x7f) as i64) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    v |= -1i64 << shift;
                }
                return Ok(v);
            }
        }
    }

    pub fn u32(&mut self) -> Read<u32> {
        let v = self.u()?;
        u32::try_from(v).or_else(|_| self.fail("number too large"))
    }

    pub fn bytes(&mut self) -> Read<&'a [u8]> {
        let len = self.u()?;
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| self.at.checked_add(l))
            .filter(|&e| e <= self.bytes.len());
        match end {
            Some(end) => {
                let b = &self.bytes[self.at..end];
                self.at = end;
                Ok(b)
            }
            None => self.fail("length past the end"),
        }
    }

    /// A name, borrowed from the bytes read, checked as UTF-8 unless the
    /// bytes are loaded code's: a Python hello reads eight thousand names
    /// as it starts, and checking them took a tenth of its start-up.
    pub fn name_str(&mut self) -> Read<&'a str> {
        if !self.loaded {
            return self.str();
        }
        let b = self.bytes()?;
        #[allow(unsafe_code)]
        // SAFETY: `loaded` is set only by the unsafe decoders, whose
        // callers promise bytes that `Writer::str` wrote from a `&str`.
        Ok(unsafe { core::str::from_utf8_unchecked(b) })
    }

    /// A name, borrowed from the bytes read.
    pub fn str(&mut self) -> Read<&'a str> {
        let b = self.bytes()?;
        match core::str::from_utf8(b) {
            Ok(s) => Ok(s),
            Err(_) => self.fail("a name is not UTF-8"),
        }
    }

    pub fn string(&mut self) -> Read<String> {
        let b = self.bytes()?;
        match core::str::from_utf8(b) {
            Ok(s) => Ok(String::from(s)),
            Err(_) => self.fail("a name is not UTF-8"),
        }
    }

    pub fn list<T>(&mut self, mut each: impl FnMut(&mut Self) -> Read<T>) -> Read<Vec<T>> {
        let n = self.u()?;
        // Every item takes a byte at least: a count past the end is corrupt,
        // and must not reserve memory for it.
        if n > (self.bytes.len() - self.at) as u64 {
            return self.fail("count past the end");
        }
        let mut out = Vec::with_capacity(n as usize);
        for _ in 0..n {
            out.push(each(self)?);
        }
        Ok(out)
    }

    /// A list as [`Reader::list`] reads it, kept inline up to `N` items.
    pub fn small_list<T, const N: usize>(
        &mut self,
        mut each: impl FnMut(&mut Self) -> Read<T>,
    ) -> Read<smallvec::SmallVec<[T; N]>> {
        let n = self.u()?;
        if n > (self.bytes.len() - self.at) as u64 {
            return self.fail("count past the end");
        }
        let mut out = smallvec::SmallVec::with_capacity(n as usize);
        for _ in 0..n {
            out.push(each(self)?);
        }
        Ok(out)
    }

    pub fn option<T>(&mut self, each: impl FnOnce(&mut Self) -> Read<T>) -> Read<Option<T>> {
        match self.byte()? {
            0 => Ok(None),
            1 => Ok(Some(each(self)?)),
            _ => self.fail("bad option tag"),
        }
    }

    pub fn bool(&mut self) -> Read<bool> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => self.fail("bad flag"),
        }
    }
}
