//! wasi:filesystem: descriptors for the directories the program was
//! granted (`--dir`) and what is opened beneath them, every path resolved
//! by cap-std inside its directory, so that nothing outside is reachable.

use super::wasi_io_error::Error;
use super::wasi_io_streams::{InputStream, OutputStream};
use crate::component::abi::{Borrow, Bytes, Cx, Own};
use crate::traps::Trap;
use crate::wasi::p2::bindings::wasi_clocks_wall_clock::Datetime;
use crate::wasi::p2::bindings::wasi_filesystem_types::{
    DescriptorFlags, DescriptorStat, DescriptorType, DirectoryEntry, ErrorCode, MetadataHashValue,
    NewTimestamp, OpenFlags, PathFlags,
};
use cap_std::fs::{Dir, File, MetadataExt};
use std::sync::Arc;

pub mod wasi_filesystem_types {
    pub use super::*;

    pub enum Descriptor {
        Dir { dir: Arc<Dir>, flags: u32 },
        File { file: Arc<File>, flags: u32 },
    }

    pub struct DirectoryEntryStream(std::vec::IntoIter<DirectoryEntry>);

    type Fs<T> = Result<Result<T, ErrorCode>, Trap>;

    pub(crate) fn code(e: &std::io::Error) -> ErrorCode {
        use ErrorCode as E;
        match e.raw_os_error() {
            Some(libc::EACCES) => E::Access,
            Some(libc::EAGAIN) => E::WouldBlock,
            Some(libc::EALREADY) => E::Already,
            Some(libc::EBADF) => E::BadDescriptor,
            Some(libc::EBUSY) => E::Busy,
            Some(libc::EDEADLK) => E::Deadlock,
            Some(libc::EDQUOT) => E::Quota,
            Some(libc::EEXIST) => E::Exist,
            Some(libc::EFBIG) => E::FileTooLarge,
            Some(libc::EILSEQ) => E::IllegalByteSequence,
            Some(libc::EINPROGRESS) => E::InProgress,
            Some(libc::EINTR) => E::Interrupted,
            Some(libc::EINVAL) => E::Invalid,
            Some(libc::EIO) => E::Io,
            Some(libc::EISDIR) => E::IsDirectory,
            Some(libc::ELOOP) => E::Loop,
            Some(libc::EMLINK) => E::TooManyLinks,
            Some(libc::EMSGSIZE) => E::MessageSize,
            Some(libc::ENAMETOOLONG) => E::NameTooLong,
            Some(libc::ENODEV) => E::NoDevice,
            Some(libc::ENOENT) => E::NoEntry,
            Some(libc::ENOLCK) => E::NoLock,
            Some(libc::ENOMEM) => E::InsufficientMemory,
            Some(libc::ENOSPC) => E::InsufficientSpace,
            Some(libc::ENOTDIR) => E::NotDirectory,
            Some(libc::ENOTEMPTY) => E::NotEmpty,
            Some(libc::ENOTRECOVERABLE) => E::NotRecoverable,
            Some(libc::ENOTSUP) => E::Unsupported,
            Some(libc::ENOTTY) => E::NoTty,
            Some(libc::ENXIO) => E::NoSuchDevice,
            Some(libc::EOVERFLOW) => E::Overflow,
            Some(libc::EPERM) => E::NotPermitted,
            Some(libc::EPIPE) => E::Pipe,
            Some(libc::EROFS) => E::ReadOnly,
            Some(libc::ESPIPE) => E::InvalidSeek,
            Some(libc::ETXTBSY) => E::TextFileBusy,
            Some(libc::EXDEV) => E::CrossDevice,
            _ => match e.kind() {
                std::io::ErrorKind::NotFound => E::NoEntry,
                std::io::ErrorKind::PermissionDenied => E::NotPermitted,
                std::io::ErrorKind::AlreadyExists => E::Exist,
                _ => E::Io,
            },
        }
    }

    pub(crate) fn fs<T>(r: std::io::Result<T>) -> Fs<T> {
        Ok(r.map_err(|e| code(&e)))
    }

    pub(crate) fn dir(d: &Descriptor) -> Result<&Arc<Dir>, ErrorCode> {
        match d {
            Descriptor::Dir { dir, .. } => Ok(dir),
            Descriptor::File { .. } => Err(ErrorCode::NotDirectory),
        }
    }

    pub(crate) fn file(d: &Descriptor) -> Result<&Arc<File>, ErrorCode> {
        match d {
            Descriptor::File { file, .. } => Ok(file),
            Descriptor::Dir { .. } => Err(ErrorCode::IsDirectory),
        }
    }

    /// The directory a path operation starts from, or its error.
    macro_rules! dir_or {
        ($cx:expr, $this:expr) => {
            match dir($cx.get(&$this)?) {
                Ok(d) => d.clone(),
                Err(e) => return Ok(Err(e)),
            }
        };
    }
    macro_rules! file_or {
        ($cx:expr, $this:expr) => {
            match file($cx.get(&$this)?) {
                Ok(f) => f.clone(),
                Err(e) => return Ok(Err(e)),
            }
        };
    }

    pub(crate) fn kind(t: cap_std::fs::FileType) -> DescriptorType {
        use cap_std::fs::FileTypeExt;
        if t.is_dir() {
            DescriptorType::Directory
        } else if t.is_file() {
            DescriptorType::RegularFile
        } else if t.is_symlink() {
            DescriptorType::SymbolicLink
        } else if t.is_block_device() {
            DescriptorType::BlockDevice
        } else if t.is_char_device() {
            DescriptorType::CharacterDevice
        } else if t.is_fifo() {
            DescriptorType::Fifo
        } else if t.is_socket() {
            DescriptorType::Socket
        } else {
            DescriptorType::Unknown
        }
    }

    pub(crate) fn datetime(t: std::io::Result<cap_std::time::SystemTime>) -> Option<Datetime> {
        let d = t
            .ok()?
            .into_std()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(Datetime {
            seconds: d.as_secs(),
            nanoseconds: d.subsec_nanos(),
        })
    }

    pub(crate) fn stat_of(m: cap_std::fs::Metadata) -> DescriptorStat {
        DescriptorStat {
            r#type: kind(m.file_type()),
            link_count: m.nlink(),
            size: m.len(),
            data_access_timestamp: datetime(m.accessed()),
            data_modification_timestamp: datetime(m.modified()),
            status_change_timestamp: Some(Datetime {
                seconds: m.ctime() as u64,
                nanoseconds: m.ctime_nsec() as u32,
            }),
        }
    }

    pub(crate) fn metadata(d: &Descriptor) -> std::io::Result<cap_std::fs::Metadata> {
        match d {
            Descriptor::Dir { dir, .. } => dir.dir_metadata(),
            Descriptor::File { file, .. } => file.metadata(),
        }
    }

    pub(crate) fn hash(m: &cap_std::fs::Metadata) -> MetadataHashValue {
        MetadataHashValue {
            lower: m.ino(),
            upper: m.dev(),
        }
    }

    pub(crate) fn follows(flags: PathFlags) -> bool {
        flags.0 & PathFlags::SYMLINK_FOLLOW != 0
    }

    /// What `path` under `dir` is, following a last symlink if `flags` say.
    pub(crate) fn metadata_at(
        dir: &Dir,
        flags: PathFlags,
        path: &str,
    ) -> std::io::Result<cap_std::fs::Metadata> {
        if follows(flags) {
            dir.metadata(path)
        } else {
            dir.symlink_metadata(path)
        }
    }

    pub fn descriptor_read_via_stream(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        offset: u64,
    ) -> Fs<Own<InputStream>> {
        let file = file_or!(cx, this);
        Ok(Ok(Own(InputStream::File { file, offset })))
    }

    pub fn descriptor_write_via_stream(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        offset: u64,
    ) -> Fs<Own<OutputStream>> {
        let file = file_or!(cx, this);
        Ok(Ok(Own(OutputStream::File { file, offset })))
    }

    pub fn descriptor_append_via_stream(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
    ) -> Fs<Own<OutputStream>> {
        let file = file_or!(cx, this);
        Ok(Ok(Own(OutputStream::Append(file))))
    }

    pub fn descriptor_advise(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        _offset: u64,
        _length: u64,
        _advice: crate::wasi::p2::bindings::wasi_filesystem_types::Advice,
    ) -> Fs<()> {
        file_or!(cx, this);
        Ok(Ok(()))
    }

    pub fn descriptor_sync_data(cx: &mut Cx, this: Borrow<Descriptor>) -> Fs<()> {
        let file = file_or!(cx, this);
        fs(file.sync_data())
    }

    pub fn descriptor_sync(cx: &mut Cx, this: Borrow<Descriptor>) -> Fs<()> {
        match cx.get(&this)? {
            Descriptor::File { file, .. } => fs(file.sync_all()),
            Descriptor::Dir { .. } => Ok(Ok(())),
        }
    }

    pub fn descriptor_get_flags(cx: &mut Cx, this: Borrow<Descriptor>) -> Fs<DescriptorFlags> {
        let flags = match cx.get(&this)? {
            Descriptor::Dir { flags, .. } | Descriptor::File { flags, .. } => *flags,
        };
        Ok(Ok(DescriptorFlags(flags)))
    }

    pub fn descriptor_get_type(cx: &mut Cx, this: Borrow<Descriptor>) -> Fs<DescriptorType> {
        Ok(metadata(cx.get(&this)?)
            .map(|m| kind(m.file_type()))
            .map_err(|e| code(&e)))
    }

    pub fn descriptor_set_size(cx: &mut Cx, this: Borrow<Descriptor>, size: u64) -> Fs<()> {
        let file = file_or!(cx, this);
        fs(file.set_len(size))
    }

    pub(crate) fn times(t: NewTimestamp) -> Option<fs_set_times::SystemTimeSpec> {
        match t {
            NewTimestamp::NoChange => None,
            NewTimestamp::Now => Some(fs_set_times::SystemTimeSpec::SymbolicNow),
            // A time past what the host can hold is left unchanged.
            NewTimestamp::Timestamp(d) => std::time::UNIX_EPOCH
                .checked_add(std::time::Duration::from_secs(d.seconds))
                .and_then(|t| t.checked_add(std::time::Duration::from_nanos(d.nanoseconds as u64)))
                .map(fs_set_times::SystemTimeSpec::Absolute),
        }
    }

    pub fn descriptor_set_times(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        atime: NewTimestamp,
        mtime: NewTimestamp,
    ) -> Fs<()> {
        use fs_set_times::SetTimes;
        let (a, m) = (times(atime), times(mtime));
        match cx.get(&this)? {
            Descriptor::File { file, .. } => fs(file.set_times(a, m)),
            Descriptor::Dir { dir, .. } => fs(dir.set_times(a, m)),
        }
    }

    pub fn descriptor_read(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        length: u64,
        offset: u64,
    ) -> Fs<(Bytes, bool)> {
        use cap_std::fs::FileExt;
        let file = file_or!(cx, this);
        let mut buf = vec![0u8; length.min(64 << 20) as usize];
        let mut n = 0;
        while n < buf.len() {
            match file.read_at(&mut buf[n..], offset + n as u64) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) => return Ok(Err(code(&e))),
            }
        }
        let end = n < buf.len() || length == 0;
        buf.truncate(n);
        Ok(Ok((Bytes(buf), end)))
    }

    pub fn descriptor_write(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        buffer: Bytes,
        offset: u64,
    ) -> Fs<u64> {
        use cap_std::fs::FileExt;
        let file = file_or!(cx, this);
        fs(file
            .write_all_at(&buffer.0, offset)
            .map(|_| buffer.0.len() as u64))
    }

    pub fn descriptor_read_directory(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
    ) -> Fs<Own<DirectoryEntryStream>> {
        let dir = dir_or!(cx, this);
        Ok(entries(&dir).map(|list| Own(DirectoryEntryStream(list.into_iter()))))
    }

    /// What `dir` holds, by name.
    pub(crate) fn entries(dir: &Dir) -> Result<Vec<DirectoryEntry>, ErrorCode> {
        let mut list = Vec::new();
        for entry in dir.entries().map_err(|e| code(&e))? {
            let entry = entry.map_err(|e| code(&e))?;
            let Ok(name) = entry.file_name().into_string() else {
                return Err(ErrorCode::IllegalByteSequence);
            };
            let t = entry
                .file_type()
                .map(kind)
                .unwrap_or(DescriptorType::Unknown);
            list.push(DirectoryEntry { r#type: t, name });
        }
        list.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(list)
    }

    pub fn directory_entry_stream_read_directory_entry(
        cx: &mut Cx,
        this: Borrow<DirectoryEntryStream>,
    ) -> Fs<Option<DirectoryEntry>> {
        Ok(Ok(cx.get(&this)?.0.next()))
    }

    pub fn descriptor_create_directory_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        path: String,
    ) -> Fs<()> {
        let dir = dir_or!(cx, this);
        fs(dir.create_dir(path))
    }

    pub fn descriptor_stat(cx: &mut Cx, this: Borrow<Descriptor>) -> Fs<DescriptorStat> {
        Ok(metadata(cx.get(&this)?).map(stat_of).map_err(|e| code(&e)))
    }

    pub fn descriptor_stat_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        flags: PathFlags,
        path: String,
    ) -> Fs<DescriptorStat> {
        let dir = dir_or!(cx, this);
        Ok(metadata_at(&dir, flags, &path)
            .map(stat_of)
            .map_err(|e| code(&e)))
    }

    pub fn descriptor_set_times_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        flags: PathFlags,
        path: String,
        atime: NewTimestamp,
        mtime: NewTimestamp,
    ) -> Fs<()> {
        use cap_fs_ext::DirExt;
        let dir = dir_or!(cx, this);
        let (a, m) = (times(atime), times(mtime));
        let to =
            |t: Option<fs_set_times::SystemTimeSpec>| t.map(cap_fs_ext::SystemTimeSpec::from_std);
        if follows(flags) {
            fs(dir.set_times(path, to(a), to(m)))
        } else {
            fs(dir.set_symlink_times(path, to(a), to(m)))
        }
    }

    pub fn descriptor_link_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        _flags: PathFlags,
        old_path: String,
        new_descriptor: Borrow<Descriptor>,
        new_path: String,
    ) -> Fs<()> {
        let dir = dir_or!(cx, this);
        let to = dir_or!(cx, new_descriptor);
        fs(dir.hard_link(old_path, &to, new_path))
    }

    pub fn descriptor_open_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        path_flags: PathFlags,
        path: String,
        open: OpenFlags,
        flags: DescriptorFlags,
    ) -> Fs<Own<Descriptor>> {
        let dir = dir_or!(cx, this);
        Ok(open_at(&dir, path_flags, &path, open, flags).map(Own))
    }

    /// `path` under `dir` opened: a directory or a file, by what it is.
    pub(crate) fn open_at(
        dir: &Dir,
        path_flags: PathFlags,
        path: &str,
        open: OpenFlags,
        flags: DescriptorFlags,
    ) -> Result<Descriptor, ErrorCode> {
        use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
        let has = |f: u32| open.0 & f != 0;
        let write = flags.0 & DescriptorFlags::WRITE != 0;
        let mut o = cap_std::fs::OpenOptions::new();
        o.read(flags.0 & DescriptorFlags::READ != 0 || !write);
        o.write(write);
        if has(OpenFlags::CREATE) {
            o.create(true);
        }
        if has(OpenFlags::EXCLUSIVE) {
            o.create_new(true);
        }
        if has(OpenFlags::TRUNCATE) {
            o.truncate(true);
        }
        o.follow(if follows(path_flags) {
            FollowSymlinks::Yes
        } else {
            FollowSymlinks::No
        });
        if has(OpenFlags::DIRECTORY) {
            if has(OpenFlags::CREATE) || has(OpenFlags::TRUNCATE) || write {
                return Err(ErrorCode::Invalid);
            }
            o.maybe_dir(true);
        }
        let file = match dir.open_with(path, &o) {
            Ok(f) => f,
            Err(e) if e.raw_os_error() == Some(libc::EISDIR) && !write => {
                return match dir.open_dir(path) {
                    Ok(d) => Ok(Descriptor::Dir {
                        dir: Arc::new(d),
                        flags: flags.0,
                    }),
                    Err(e) => Err(code(&e)),
                };
            }
            Err(e) => return Err(code(&e)),
        };
        let is_dir = file.metadata().map(|m| m.is_dir()).unwrap_or(false);
        if is_dir {
            return Ok(Descriptor::Dir {
                dir: Arc::new(Dir::from_std_file(file.into_std())),
                flags: flags.0,
            });
        }
        if has(OpenFlags::DIRECTORY) {
            return Err(ErrorCode::NotDirectory);
        }
        Ok(Descriptor::File {
            file: Arc::new(file),
            flags: flags.0,
        })
    }

    pub fn descriptor_readlink_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        path: String,
    ) -> Fs<String> {
        let dir = dir_or!(cx, this);
        Ok(match dir.read_link(path) {
            Ok(p) => p
                .into_os_string()
                .into_string()
                .map_err(|_| ErrorCode::IllegalByteSequence),
            Err(e) => Err(code(&e)),
        })
    }

    pub fn descriptor_remove_directory_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        path: String,
    ) -> Fs<()> {
        let dir = dir_or!(cx, this);
        fs(dir.remove_dir(path))
    }

    pub fn descriptor_rename_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        old_path: String,
        new_descriptor: Borrow<Descriptor>,
        new_path: String,
    ) -> Fs<()> {
        let dir = dir_or!(cx, this);
        let to = dir_or!(cx, new_descriptor);
        fs(dir.rename(old_path, &to, new_path))
    }

    pub fn descriptor_symlink_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        old_path: String,
        new_path: String,
    ) -> Fs<()> {
        let dir = dir_or!(cx, this);
        fs(dir.symlink(old_path, new_path))
    }

    pub fn descriptor_unlink_file_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        path: String,
    ) -> Fs<()> {
        let dir = dir_or!(cx, this);
        fs(dir.remove_file(path))
    }

    pub fn descriptor_is_same_object(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        other: Borrow<Descriptor>,
    ) -> Result<bool, Trap> {
        let a = metadata(cx.get(&this)?).map(|m| hash(&m)).ok();
        let b = metadata(cx.get(&other)?).map(|m| hash(&m)).ok();
        Ok(matches!((a, b), (Some(a), Some(b)) if a.lower == b.lower && a.upper == b.upper))
    }

    pub fn descriptor_metadata_hash(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
    ) -> Fs<MetadataHashValue> {
        Ok(metadata(cx.get(&this)?)
            .map(|m| hash(&m))
            .map_err(|e| code(&e)))
    }

    pub fn descriptor_metadata_hash_at(
        cx: &mut Cx,
        this: Borrow<Descriptor>,
        flags: PathFlags,
        path: String,
    ) -> Fs<MetadataHashValue> {
        let dir = dir_or!(cx, this);
        Ok(metadata_at(&dir, flags, &path)
            .map(|m| hash(&m))
            .map_err(|e| code(&e)))
    }

    pub fn filesystem_error_code(
        cx: &mut Cx,
        err: Borrow<Error>,
    ) -> Result<Option<ErrorCode>, Trap> {
        Ok(Some(code(&cx.get(&err)?.0)))
    }
}

pub mod wasi_filesystem_preopens {
    use super::wasi_filesystem_types::Descriptor;
    use super::*;
    use crate::wasi::p2::WasiP2;

    pub fn get_directories(cx: &mut Cx) -> Result<Vec<(Own<Descriptor>, String)>, Trap> {
        let preopens = cx.host::<WasiP2>()?.preopens.clone();
        let read_write =
            DescriptorFlags::READ | DescriptorFlags::WRITE | DescriptorFlags::MUTATE_DIRECTORY;
        Ok(preopens
            .into_iter()
            .map(|(dir, name)| {
                (
                    Own(Descriptor::Dir {
                        dir,
                        flags: read_write,
                    }),
                    name,
                )
            })
            .collect())
    }
}
