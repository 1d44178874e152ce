//! wasi:filesystem 0.3: the 0.2 host's descriptors and operations, with
//! 0.3's types, and files read and written as streams of the async ABI:
//! a read stream the host writes from the file as the program reads, a
//! write stream the host writes to the file as the program writes, each
//! with a future that resolves at its end. Every operation completes
//! before its call returns.

use crate::component::abi::{Borrow, Cx, Own};
use crate::component::abi::{Lower, Typed};
use crate::component::concurrent::{Concurrency, Ended, FutureReader, FutureWriter, Sink, Source};
use crate::component::concurrent::{StreamReader, StreamWriter};
use crate::traps::Trap;
use crate::wasi::p2::bindings::wasi_filesystem_types as v2;
use crate::wasi::p2::host::wasi_filesystem_types as p2;
use crate::wasi::p3::bindings::wasi_clocks_system_clock::Instant;
use crate::wasi::p3::bindings::wasi_filesystem_types::{
    Advice, DescriptorFlags, DescriptorStat, DescriptorType, DirectoryEntry, ErrorCode,
    MetadataHashValue, NewTimestamp, OpenFlags, PathFlags,
};
use cap_std::fs::{File, FileExt};
use std::sync::Arc;

pub use p2::Descriptor;

type Fs<T> = Result<Result<T, ErrorCode>, Trap>;

fn error(e: v2::ErrorCode) -> ErrorCode {
    use v2::ErrorCode as A;
    use ErrorCode as B;
    match e {
        A::Access => B::Access,
        A::WouldBlock => B::Other(Some("would block".into())),
        A::Already => B::Already,
        A::BadDescriptor => B::BadDescriptor,
        A::Busy => B::Busy,
        A::Deadlock => B::Deadlock,
        A::Quota => B::Quota,
        A::Exist => B::Exist,
        A::FileTooLarge => B::FileTooLarge,
        A::IllegalByteSequence => B::IllegalByteSequence,
        A::InProgress => B::InProgress,
        A::Interrupted => B::Interrupted,
        A::Invalid => B::Invalid,
        A::Io => B::Io,
        A::IsDirectory => B::IsDirectory,
        A::Loop => B::Loop,
        A::TooManyLinks => B::TooManyLinks,
        A::MessageSize => B::MessageSize,
        A::NameTooLong => B::NameTooLong,
        A::NoDevice => B::NoDevice,
        A::NoEntry => B::NoEntry,
        A::NoLock => B::NoLock,
        A::InsufficientMemory => B::InsufficientMemory,
        A::InsufficientSpace => B::InsufficientSpace,
        A::NotDirectory => B::NotDirectory,
        A::NotEmpty => B::NotEmpty,
        A::NotRecoverable => B::NotRecoverable,
        A::Unsupported => B::Unsupported,
        A::NoTty => B::NoTty,
        A::NoSuchDevice => B::NoSuchDevice,
        A::Overflow => B::Overflow,
        A::NotPermitted => B::NotPermitted,
        A::Pipe => B::Pipe,
        A::ReadOnly => B::ReadOnly,
        A::InvalidSeek => B::InvalidSeek,
        A::TextFileBusy => B::TextFileBusy,
        A::CrossDevice => B::CrossDevice,
    }
}

/// A 0.2 operation's outcome with 0.3's error codes, its value converted
/// by `f`.
fn fs<T, U>(r: Result<Result<T, v2::ErrorCode>, Trap>, f: impl FnOnce(T) -> U) -> Fs<U> {
    Ok(r?.map(f).map_err(error))
}

fn kind(t: v2::DescriptorType) -> DescriptorType {
    use v2::DescriptorType as A;
    use DescriptorType as B;
    match t {
        A::Unknown => B::Other(None),
        A::BlockDevice => B::BlockDevice,
        A::CharacterDevice => B::CharacterDevice,
        A::Directory => B::Directory,
        A::Fifo => B::Fifo,
        A::SymbolicLink => B::SymbolicLink,
        A::RegularFile => B::RegularFile,
        A::Socket => B::Socket,
    }
}

fn instant(d: crate::wasi::p2::bindings::wasi_clocks_wall_clock::Datetime) -> Instant {
    Instant {
        seconds: d.seconds as i64,
        nanoseconds: d.nanoseconds,
    }
}

fn stat(s: v2::DescriptorStat) -> DescriptorStat {
    DescriptorStat {
        r#type: kind(s.r#type),
        link_count: s.link_count,
        size: s.size,
        data_access_timestamp: s.data_access_timestamp.map(instant),
        data_modification_timestamp: s.data_modification_timestamp.map(instant),
        status_change_timestamp: s.status_change_timestamp.map(instant),
    }
}

/// A new timestamp as 0.2 spells it; one before 1970 is left unchanged,
/// as 0.2 cannot say it.
fn timestamp(t: NewTimestamp) -> v2::NewTimestamp {
    match t {
        NewTimestamp::NoChange => v2::NewTimestamp::NoChange,
        NewTimestamp::Now => v2::NewTimestamp::Now,
        NewTimestamp::Timestamp(i) if i.seconds < 0 => v2::NewTimestamp::NoChange,
        NewTimestamp::Timestamp(i) => v2::NewTimestamp::Timestamp(
            crate::wasi::p2::bindings::wasi_clocks_wall_clock::Datetime {
                seconds: i.seconds as u64,
                nanoseconds: i.nanoseconds,
            },
        ),
    }
}

fn hash(h: v2::MetadataHashValue) -> MetadataHashValue {
    MetadataHashValue {
        lower: h.lower,
        upper: h.upper,
    }
}

fn path_flags(f: PathFlags) -> v2::PathFlags {
    v2::PathFlags(f.0)
}

/// The file a descriptor names, or the error for a directory.
fn file_of(cx: &mut Cx, this: &Borrow<Descriptor>) -> Result<Result<Arc<File>, ErrorCode>, Trap> {
    Ok(p2::file(cx.get(this)?).cloned().map_err(error))
}

/// A file read from `offset` as the program reads its stream.
struct FileReader {
    file: Arc<File>,
    offset: u64,
    done: FutureWriter<Result<(), ErrorCode>>,
    failed: Option<ErrorCode>,
}

impl Source for FileReader {
    fn read(&mut self, max: usize) -> Option<Vec<u8>> {
        let mut buf = vec![0; max.min(1 << 20)];
        match self.file.read_at(&mut buf, self.offset) {
            Ok(0) => None,
            Ok(n) => {
                self.offset += n as u64;
                buf.truncate(n);
                Some(buf)
            }
            Err(e) => {
                self.failed = Some(error(p2::code(&e)));
                None
            }
        }
    }

    fn end(self: Box<Self>, c: &mut Concurrency) {
        let outcome = self.failed.map_or(Ok(()), Err);
        let _ = self.done.write_in(c, outcome);
    }
}

/// A file written at `offset` (or appended to) as the program writes its
/// stream.
struct FileWriter {
    file: Arc<File>,
    /// `None`: appending.
    offset: Option<u64>,
    done: FutureWriter<Result<(), ErrorCode>>,
    failed: Option<ErrorCode>,
}

impl Sink for FileWriter {
    fn write(&mut self, bytes: &[u8]) -> bool {
        // Appending writes at the end as it is when each write comes.
        let at = match self.offset {
            Some(at) => Ok(at),
            None => self.file.metadata().map(|m| m.len()),
        };
        let written = at.and_then(|at| self.file.write_all_at(bytes, at));
        match written {
            Ok(()) => {
                if let Some(at) = &mut self.offset {
                    *at += bytes.len() as u64;
                }
                true
            }
            Err(e) => {
                self.failed = Some(error(p2::code(&e)));
                false
            }
        }
    }

    fn close(self: Box<Self>, c: &mut Concurrency) {
        let outcome = self.failed.map_or(Ok(()), Err);
        let _ = self.done.write_in(c, outcome);
    }
}

type Done = FutureReader<Result<(), ErrorCode>>;

/// A directory's entries, as the program reads their stream: each
/// lowered into its buffer (names through its `realloc`).
struct Entries {
    entries: std::vec::IntoIter<DirectoryEntry>,
    done: FutureWriter<Result<(), ErrorCode>>,
    failed: Option<ErrorCode>,
}

impl Source for Entries {
    /// Entries are lowered, never read as bytes.
    fn read(&mut self, _: usize) -> Option<Vec<u8>> {
        None
    }

    fn lower(&mut self, cx: &mut Cx, ptr: u32, max: u32, _: u32) -> Result<Option<u32>, Trap> {
        let mut n = 0;
        while n < max {
            let Some(e) = self.entries.next() else { break };
            e.store(cx, ptr + n * DirectoryEntry::SIZE)?;
            n += 1;
        }
        Ok((n > 0).then_some(n))
    }

    fn end(self: Box<Self>, c: &mut Concurrency) {
        let outcome = self.failed.map_or(Ok(()), Err);
        let _ = self.done.write_in(c, outcome);
    }
}

pub mod wasi_filesystem_types {
    use super::*;

    pub use super::Descriptor;

    pub fn descriptor_read_via_stream(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        offset: u64,
    ) -> Result<(StreamReader<u8>, Done), Trap> {
        let (data, writer): (StreamReader<u8>, StreamWriter<u8>) = cx.stream();
        let (reader, done) = cx.future();
        let (file, failed) = match file_of(cx, &this)? {
            Ok(f) => (Some(f), None),
            Err(e) => (None, Some(e)),
        };
        match file {
            Some(file) => {
                let source = FileReader {
                    file,
                    offset,
                    done,
                    failed,
                };
                writer.source(cx, Box::new(source));
            }
            None => {
                // Nothing to read: the stream ends at once, with the error.
                writer.source(cx, Box::new(Ended));
                done.write(Err(failed.expect("set above")))?;
            }
        }
        Ok((data, reader))
    }

    fn write_to(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        data: StreamReader<u8>,
        offset: Option<u64>,
    ) -> Result<Done, Trap> {
        let (reader, done) = cx.future();
        match file_of(cx, &this)? {
            Ok(file) => {
                let sink = FileWriter {
                    file,
                    offset,
                    done,
                    failed: None,
                };
                data.sink(cx, Box::new(sink));
            }
            Err(e) => {
                data.sink(cx, Box::new(Refused));
                done.write(Err(e))?;
            }
        }
        Ok(reader)
    }

    pub fn descriptor_write_via_stream(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        data: StreamReader<u8>,
        offset: u64,
    ) -> Result<Done, Trap> {
        write_to(cx, this, data, Some(offset))
    }

    pub fn descriptor_append_via_stream(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        data: StreamReader<u8>,
    ) -> Result<Done, Trap> {
        write_to(cx, this, data, None)
    }

    #[allow(clippy::type_complexity)]
    pub fn descriptor_read_directory(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
    ) -> Result<(StreamReader<DirectoryEntry>, Done), Trap> {
        let (data, writer): (StreamReader<DirectoryEntry>, StreamWriter<DirectoryEntry>) =
            cx.stream();
        let (reader, done) = cx.future();
        let listed = p2::dir(cx.get(&this)?).map_err(error).and_then(|d| {
            let list = p2::entries(d).map_err(error)?;
            Ok(list
                .into_iter()
                .map(|e| DirectoryEntry {
                    r#type: kind(e.r#type),
                    name: e.name,
                })
                .collect::<Vec<_>>())
        });
        let (entries, failed) = match listed {
            Ok(list) => (list, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        let source = Entries {
            entries: entries.into_iter(),
            done,
            failed,
        };
        writer.source(cx, Box::new(source));
        Ok((data, reader))
    }

    pub fn descriptor_advise(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        offset: u64,
        length: u64,
        _advice: Advice,
    ) -> Fs<()> {
        let advice = v2::Advice::Normal;
        fs(
            p2::descriptor_advise(cx, this, offset, length, advice),
            |x| x,
        )
    }

    pub fn descriptor_sync_data(cx: &mut Cx, this: Borrow<Descriptor>) -> Fs<()> {
        fs(p2::descriptor_sync_data(cx, this), |x| x)
    }

    pub fn descriptor_sync(cx: &mut Cx, this: Borrow<Descriptor>) -> Fs<()> {
        fs(p2::descriptor_sync(cx, this), |x| x)
    }

    pub fn descriptor_get_flags(cx: &mut Cx, this: Borrow<Descriptor>) -> Fs<DescriptorFlags> {
        fs(p2::descriptor_get_flags(cx, this), |f| DescriptorFlags(f.0))
    }

    pub fn descriptor_get_type(cx: &mut Cx, this: Borrow<Descriptor>) -> Fs<DescriptorType> {
        fs(p2::descriptor_get_type(cx, this), kind)
    }

    pub fn descriptor_set_size(cx: &mut Cx, this: Borrow<Descriptor>, size: u64) -> Fs<()> {
        fs(p2::descriptor_set_size(cx, this, size), |x| x)
    }

    pub fn descriptor_set_times(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        atime: NewTimestamp,
        mtime: NewTimestamp,
    ) -> Fs<()> {
        let r = p2::descriptor_set_times(cx, this, timestamp(atime), timestamp(mtime));
        fs(r, |x| x)
    }

    pub fn descriptor_create_directory_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        path: String,
    ) -> Fs<()> {
        fs(p2::descriptor_create_directory_at(cx, this, path), |x| x)
    }

    pub fn descriptor_stat(cx: &mut Cx, this: Borrow<Descriptor>) -> Fs<DescriptorStat> {
        fs(p2::descriptor_stat(cx, this), stat)
    }

    pub fn descriptor_stat_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        flags: PathFlags,
        path: String,
    ) -> Fs<DescriptorStat> {
        fs(
            p2::descriptor_stat_at(cx, this, path_flags(flags), path),
            stat,
        )
    }

    pub fn descriptor_set_times_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        flags: PathFlags,
        path: String,
        atime: NewTimestamp,
        mtime: NewTimestamp,
    ) -> Fs<()> {
        let (a, m) = (timestamp(atime), timestamp(mtime));
        let r = p2::descriptor_set_times_at(cx, this, path_flags(flags), path, a, m);
        fs(r, |x| x)
    }

    pub fn descriptor_link_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        flags: PathFlags,
        old_path: String,
        new_descriptor: Borrow<Descriptor>,
        new_path: String,
    ) -> Fs<()> {
        let f = path_flags(flags);
        let r = p2::descriptor_link_at(cx, this, f, old_path, new_descriptor, new_path);
        fs(r, |x| x)
    }

    pub fn descriptor_open_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        path_flags: PathFlags,
        path: String,
        open: OpenFlags,
        flags: DescriptorFlags,
    ) -> Fs<Own<Descriptor>> {
        let (p, o, d) = (
            super::path_flags(path_flags),
            v2::OpenFlags(open.0),
            v2::DescriptorFlags(flags.0),
        );
        fs(p2::descriptor_open_at(cx, this, p, path, o, d), |x| x)
    }

    pub fn descriptor_readlink_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        path: String,
    ) -> Fs<String> {
        fs(p2::descriptor_readlink_at(cx, this, path), |x| x)
    }

    pub fn descriptor_remove_directory_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        path: String,
    ) -> Fs<()> {
        fs(p2::descriptor_remove_directory_at(cx, this, path), |x| x)
    }

    pub fn descriptor_rename_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        old_path: String,
        new_descriptor: Borrow<Descriptor>,
        new_path: String,
    ) -> Fs<()> {
        let r = p2::descriptor_rename_at(cx, this, old_path, new_descriptor, new_path);
        fs(r, |x| x)
    }

    pub fn descriptor_symlink_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        old_path: String,
        new_path: String,
    ) -> Fs<()> {
        fs(
            p2::descriptor_symlink_at(cx, this, old_path, new_path),
            |x| x,
        )
    }

    pub fn descriptor_unlink_file_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        path: String,
    ) -> Fs<()> {
        fs(p2::descriptor_unlink_file_at(cx, this, path), |x| x)
    }

    pub fn descriptor_is_same_object(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        other: Borrow<Descriptor>,
    ) -> Result<bool, Trap> {
        p2::descriptor_is_same_object(cx, this, other)
    }

    pub fn descriptor_metadata_hash(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
    ) -> Fs<MetadataHashValue> {
        fs(p2::descriptor_metadata_hash(cx, this), hash)
    }

    pub fn descriptor_metadata_hash_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        flags: PathFlags,
        path: String,
    ) -> Fs<MetadataHashValue> {
        let r = p2::descriptor_metadata_hash_at(cx, this, path_flags(flags), path);
        fs(r, hash)
    }
}

/// A stream the host will not take: each write is told its reader is
/// gone.
struct Refused;

impl Sink for Refused {
    fn write(&mut self, _: &[u8]) -> bool {
        false
    }
    fn close(self: Box<Self>, _: &mut Concurrency) {}
}

pub mod wasi_filesystem_preopens {
    use super::*;

    pub fn get_directories(cx: &mut Cx) -> Result<Vec<(Own<Descriptor>, String)>, Trap> {
        crate::wasi::p2::host::wasi_filesystem_preopens::get_directories(cx)
    }
}
