//! The `fd_*` functions: reading, writing, seeking and describing what a
//! descriptor holds. Files read and write at the position preview1 keeps,
//! through the file the 0.2 host opened; the standard streams are the
//! process's own.

use super::descriptors::{Fd, File};
use super::{io_errno, Cx, Errno, Fail, Outcome};
use super::{FDFLAGS_APPEND, FDFLAGS_NONBLOCK, FDFLAGS_SYNCS, RIGHT_FD_READ, RIGHT_FD_WRITE};
use crate::wasi::p2::bindings::wasi_filesystem_types::{DescriptorStat, DescriptorType};
use crate::wasi::p2::host::wasi_filesystem_types::{self as fs, Descriptor};
use cap_std::fs::FileExt;
use std::io::{Read, Write};

pub const FILETYPE_UNKNOWN: u8 = 0;
pub const FILETYPE_CHARACTER_DEVICE: u8 = 2;
pub const FILETYPE_DIRECTORY: u8 = 3;
pub const FILETYPE_SOCKET_STREAM: u8 = 6;

const RIGHT_FD_SEEK: u64 = 1 << 2;
const RIGHT_FD_READDIR: u64 = 1 << 14;
const RIGHT_PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
const RIGHT_FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
const ALL_RIGHTS: u64 = (1 << 30) - 1;
/// What wasmtime reports for a preopened directory.
const PREOPEN_RIGHTS: (u64, u64) = (0x07B7_FE00, 0x0FF7_FFFF);

pub fn filetype(t: &DescriptorType) -> u8 {
    match t {
        DescriptorType::BlockDevice => 1,
        DescriptorType::CharacterDevice => FILETYPE_CHARACTER_DEVICE,
        DescriptorType::Directory => FILETYPE_DIRECTORY,
        DescriptorType::RegularFile => 4,
        DescriptorType::SymbolicLink => 7,
        DescriptorType::Socket => FILETYPE_SOCKET_STREAM,
        DescriptorType::Fifo | DescriptorType::Unknown => FILETYPE_UNKNOWN,
    }
}

use crate::wasi::p2::host::cli::is_terminal;

fn stdio_type(fd: i32) -> u8 {
    if is_terminal(fd) {
        FILETYPE_CHARACTER_DEVICE
    } else {
        FILETYPE_UNKNOWN
    }
}

/// A `filestat` at `out`, as wasmtime fills it: device 1, the inode from
/// the metadata hash, missing times as 0.
pub fn write_filestat(cx: &mut Cx, out: u32, stat: &DescriptorStat, ino: u64) -> Outcome {
    let ns = |t: &Option<crate::wasi::p2::bindings::wasi_clocks_wall_clock::Datetime>| {
        t.as_ref().map_or(Ok(0), |d| {
            d.seconds
                .checked_mul(1_000_000_000)
                .and_then(|s| s.checked_add(d.nanoseconds as u64))
                .ok_or(Errno::OVERFLOW)
        })
    };
    let mut b = [0u8; 64];
    b[0..8].copy_from_slice(&1u64.to_le_bytes());
    b[8..16].copy_from_slice(&ino.to_le_bytes());
    b[16] = filetype(&stat.r#type);
    b[24..32].copy_from_slice(&stat.link_count.to_le_bytes());
    b[32..40].copy_from_slice(&stat.size.to_le_bytes());
    b[40..48].copy_from_slice(&ns(&stat.data_access_timestamp)?.to_le_bytes());
    b[48..56].copy_from_slice(&ns(&stat.data_modification_timestamp)?.to_le_bytes());
    b[56..64].copy_from_slice(&ns(&stat.status_change_timestamp)?.to_le_bytes());
    cx.write(out, &b)
}

/// The stat and inode of a file or directory.
pub fn stat(d: &Descriptor) -> Result<(DescriptorStat, u64), Errno> {
    let m = fs::metadata(d).map_err(|e| io_errno(&e))?;
    let ino = fs::hash(&m).lower;
    Ok((fs::stat_of(m), ino))
}

pub fn fd_fdstat_get(cx: &mut Cx, fd: u32, out: u32) -> Outcome {
    let (kind, flags, base, inheriting) = match cx.p1.get(fd)? {
        Fd::Stdin => (stdio_type(0), 0, RIGHT_FD_READ, RIGHT_FD_READ),
        Fd::Stdout => (stdio_type(1), 0, RIGHT_FD_WRITE, RIGHT_FD_WRITE),
        Fd::Stderr => (stdio_type(2), 0, RIGHT_FD_WRITE, RIGHT_FD_WRITE),
        Fd::Dir {
            preopen: Some(_), ..
        } => (FILETYPE_DIRECTORY, 0, PREOPEN_RIGHTS.0, PREOPEN_RIGHTS.1),
        Fd::Dir { desc, .. } => {
            let read = match desc {
                Descriptor::Dir { flags, .. } | Descriptor::File { flags, .. } => {
                    *flags & crate::wasi::p2::bindings::wasi_filesystem_types::DescriptorFlags::READ
                        != 0
                }
            };
            let mut rights = ALL_RIGHTS
                & !(RIGHT_FD_SEEK | RIGHT_FD_FILESTAT_SET_SIZE | RIGHT_PATH_FILESTAT_SET_SIZE);
            if !read {
                rights &= !(RIGHT_FD_READ | RIGHT_FD_READDIR);
            }
            rights &= !RIGHT_FD_WRITE;
            (FILETYPE_DIRECTORY, 0, rights, rights)
        }
        Fd::File(f) => {
            let t = f
                .file
                .metadata()
                .map(|m| filetype(&fs::kind(m.file_type())))
                .map_err(|e| io_errno(&e))?;
            let mut rights = ALL_RIGHTS;
            if !f.read {
                rights &= !(RIGHT_FD_READ | RIGHT_FD_READDIR);
            }
            if !f.write {
                rights &= !RIGHT_FD_WRITE;
            }
            let flags = f.fdflags & (FDFLAGS_APPEND | FDFLAGS_NONBLOCK);
            (t, flags, rights, rights)
        }
        Fd::Listener(_) | Fd::Stream(_) => {
            let rights = RIGHT_FD_READ | RIGHT_FD_WRITE | (1 << 27) | (1 << 28) | (1 << 29);
            (FILETYPE_SOCKET_STREAM, 0, rights, rights)
        }
    };
    let mut b = [0u8; 24];
    b[0] = kind;
    b[2..4].copy_from_slice(&flags.to_le_bytes());
    b[8..16].copy_from_slice(&base.to_le_bytes());
    b[16..24].copy_from_slice(&inheriting.to_le_bytes());
    cx.write(out, &b)
}

pub fn fd_fdstat_set_flags(cx: &mut Cx, fd: u32, flags: u32) -> Outcome {
    let flags = flags as u16;
    match cx.p1.get(fd)? {
        Fd::File(f) => {
            if flags & FDFLAGS_SYNCS != 0 {
                return Err(Errno::INVAL.into());
            }
            f.append = flags & FDFLAGS_APPEND != 0;
            f.fdflags = flags & (FDFLAGS_APPEND | FDFLAGS_NONBLOCK);
            Ok(())
        }
        // Sockets honour non-blocking mode (wasmtime has no sockets here).
        Fd::Stream(s) => s
            .set_nonblocking(flags & FDFLAGS_NONBLOCK != 0)
            .map_err(|e| Fail::from(io_errno(&e))),
        Fd::Listener(l) => l
            .set_nonblocking(flags & FDFLAGS_NONBLOCK != 0)
            .map_err(|e| Fail::from(io_errno(&e))),
        _ => Err(Errno::BADF.into()),
    }
}

pub fn fd_fdstat_set_rights(cx: &mut Cx, fd: u32, _base: u64, _inheriting: u64) -> Outcome {
    match cx.p1.get(fd)? {
        Fd::File(_) | Fd::Dir { .. } => Err(Errno::NOTSUP.into()),
        _ => Err(Errno::BADF.into()),
    }
}

pub fn fd_filestat_get(cx: &mut Cx, fd: u32, out: u32) -> Outcome {
    let stdio = |fd: i32| DescriptorStat {
        r#type: if is_terminal(fd) {
            DescriptorType::CharacterDevice
        } else {
            DescriptorType::Unknown
        },
        link_count: 0,
        size: 0,
        data_access_timestamp: None,
        data_modification_timestamp: None,
        status_change_timestamp: None,
    };
    let (stat, ino) = match cx.p1.get(fd)? {
        Fd::Stdin => (stdio(0), 0),
        Fd::Stdout => (stdio(1), 0),
        Fd::Stderr => (stdio(2), 0),
        Fd::Listener(_) | Fd::Stream(_) => (
            DescriptorStat {
                r#type: DescriptorType::Socket,
                ..stdio(-1)
            },
            0,
        ),
        _ => stat(&cx.p1.descriptor(fd)?)?,
    };
    write_filestat(cx, out, &stat, ino)
}

pub fn fd_filestat_set_size(cx: &mut Cx, fd: u32, size: u64) -> Outcome {
    let f = file_only(cx, fd)?;
    f.file.set_len(size).map_err(|e| io_errno(&e).into())
}

/// `fstflags` as the 0.2 host's timestamps: given, now, or unchanged.
pub fn new_times(
    atim: u64,
    mtim: u64,
    flags: u32,
) -> Result<
    (
        Option<fs_set_times::SystemTimeSpec>,
        Option<fs_set_times::SystemTimeSpec>,
    ),
    Errno,
> {
    let one = |t: u64, given: u32, now: u32| {
        if flags & given != 0 && flags & now != 0 {
            return Err(Errno::INVAL);
        }
        Ok(if flags & given != 0 {
            Some(fs_set_times::SystemTimeSpec::Absolute(
                std::time::UNIX_EPOCH + std::time::Duration::from_nanos(t),
            ))
        } else if flags & now != 0 {
            Some(fs_set_times::SystemTimeSpec::SymbolicNow)
        } else {
            None
        })
    };
    Ok((one(atim, 1, 2)?, one(mtim, 4, 8)?))
}

pub fn fd_filestat_set_times(cx: &mut Cx, fd: u32, atim: u64, mtim: u64, flags: u32) -> Outcome {
    use fs_set_times::SetTimes;
    let (a, m) = new_times(atim, mtim, flags)?;
    let done = match cx.p1.descriptor(fd)? {
        Descriptor::File { file, .. } => file.set_times(a, m),
        Descriptor::Dir { dir, .. } => dir.set_times(a, m),
    };
    done.map_err(|e| io_errno(&e).into())
}

/// The file `fd` is: anything else is EBADF.
fn file_only<'c>(cx: &'c mut Cx, fd: u32) -> Result<&'c mut File, Errno> {
    match cx.p1.get(fd)? {
        Fd::File(f) => Ok(f),
        _ => Err(Errno::BADF),
    }
}

pub fn fd_advise(cx: &mut Cx, fd: u32, _offset: u64, _len: u64, advice: u32) -> Outcome {
    if advice > 5 {
        return Err(Errno::INVAL.into());
    }
    file_only(cx, fd)?;
    Ok(())
}

pub fn fd_allocate(cx: &mut Cx, fd: u32, _offset: u64, _len: u64) -> Outcome {
    file_only(cx, fd)?;
    Err(Errno::NOTSUP.into())
}

pub fn fd_datasync(cx: &mut Cx, fd: u32) -> Outcome {
    let f = file_only(cx, fd)?;
    f.file.sync_data().map_err(|e| io_errno(&e).into())
}

pub fn fd_sync(cx: &mut Cx, fd: u32) -> Outcome {
    let f = file_only(cx, fd)?;
    f.file.sync_all().map_err(|e| io_errno(&e).into())
}

pub fn fd_close(cx: &mut Cx, fd: u32) -> Outcome {
    cx.p1.remove(fd)?;
    Ok(())
}

pub fn fd_renumber(cx: &mut Cx, from: u32, to: u32) -> Outcome {
    cx.p1.renumber(from, to)?;
    Ok(())
}

pub fn fd_prestat_get(cx: &mut Cx, fd: u32, out: u32) -> Outcome {
    let len = match cx.p1.get(fd)? {
        Fd::Dir {
            preopen: Some(name),
            ..
        } => name.len() as u32,
        _ => return Err(Errno::BADF.into()),
    };
    cx.write_u32(out, 0)?;
    cx.write_u32(out + 4, len)
}

pub fn fd_prestat_dir_name(cx: &mut Cx, fd: u32, buf: u32, len: u32) -> Outcome {
    let name = match cx.p1.get(fd)? {
        Fd::Dir {
            preopen: Some(name),
            ..
        } => name.clone(),
        _ => return Err(Errno::NOTDIR.into()),
    };
    if name.len() > len as usize {
        return Err(Errno::NAMETOOLONG.into());
    }
    cx.write(buf, name.as_bytes())
}

pub fn fd_read(cx: &mut Cx, fd: u32, iovs: u32, count: u32, out: u32) -> Outcome {
    let (buf, len) = cx.first_iovec(iovs, count)?;
    let mut data = vec![0u8; len as usize];
    let n = match cx.p1.get(fd)? {
        Fd::File(f) => {
            let n = f
                .file
                .read_at(&mut data, f.position)
                .map_err(|e| io_errno(&e))?;
            f.position += n as u64;
            n
        }
        Fd::Stdin => match std::io::stdin().lock().read(&mut data) {
            Ok(0) if len > 0 => 0,
            Ok(0) => return Err(Errno::INTR.into()),
            Ok(n) => n,
            Err(e) => return Err(io_errno(&e).into()),
        },
        Fd::Stream(s) => s.read(&mut data).map_err(|e| io_errno(&e))?,
        _ => return Err(Errno::BADF.into()),
    };
    cx.write(buf, &data[..n])?;
    cx.write_u32(out, n as u32)
}

pub fn fd_pread(cx: &mut Cx, fd: u32, iovs: u32, count: u32, offset: u64, out: u32) -> Outcome {
    let (buf, len) = cx.first_iovec(iovs, count)?;
    let mut data = vec![0u8; len as usize];
    let n = match cx.p1.get(fd)? {
        Fd::File(f) => f
            .file
            .read_at(&mut data, offset)
            .map_err(|e| io_errno(&e))?,
        Fd::Stdin | Fd::Stdout | Fd::Stderr => return Err(Errno::SPIPE.into()),
        _ => return Err(Errno::BADF.into()),
    };
    cx.write(buf, &data[..n])?;
    cx.write_u32(out, n as u32)
}

/// Write `data` to a file: at its end in append mode, else at `at` (the
/// position, or `fd_pwrite`'s offset).
fn write_file(f: &File, data: &[u8], at: u64) -> Result<usize, Errno> {
    let at = if f.append {
        f.file.metadata().map_err(|e| io_errno(&e))?.len()
    } else {
        at
    };
    f.file.write_at(data, at).map_err(|e| io_errno(&e))
}

fn stdio_write(mut w: impl Write, data: &[u8]) -> Result<usize, Errno> {
    w.write_all(data)
        .and_then(|()| w.flush())
        .map_err(|_| Errno::IO)?;
    Ok(data.len())
}

pub fn fd_write(cx: &mut Cx, fd: u32, iovs: u32, count: u32, out: u32) -> Outcome {
    let (buf, len) = cx.first_iovec(iovs, count)?;
    let data = cx.bytes(buf, len)?.to_vec();
    let n = match cx.p1.get(fd)? {
        Fd::File(f) => {
            let n = write_file(f, &data, f.position)?;
            f.position = if f.append {
                f.file.metadata().map_err(|e| io_errno(&e))?.len()
            } else {
                f.position.checked_add(n as u64).ok_or(Errno::OVERFLOW)?
            };
            n
        }
        Fd::Stdout => stdio_write(std::io::stdout().lock(), &data)?,
        Fd::Stderr => stdio_write(std::io::stderr().lock(), &data)?,
        Fd::Stream(s) => s.write(&data).map_err(|e| io_errno(&e))?,
        _ => return Err(Errno::BADF.into()),
    };
    cx.write_u32(out, n as u32)
}

pub fn fd_pwrite(cx: &mut Cx, fd: u32, iovs: u32, count: u32, offset: u64, out: u32) -> Outcome {
    let (buf, len) = cx.first_iovec(iovs, count)?;
    let data = cx.bytes(buf, len)?.to_vec();
    let n = match cx.p1.get(fd)? {
        Fd::File(f) => write_file(f, &data, offset)?,
        Fd::Stdin | Fd::Stdout | Fd::Stderr => return Err(Errno::SPIPE.into()),
        _ => return Err(Errno::BADF.into()),
    };
    cx.write_u32(out, n as u32)
}

pub fn fd_seek(cx: &mut Cx, fd: u32, offset: u64, whence: u32, out: u32) -> Outcome {
    let offset = offset as i64;
    let f = match cx.p1.get(fd)? {
        Fd::File(f) => f,
        Fd::Stdin | Fd::Stdout | Fd::Stderr => return Err(Errno::SPIPE.into()),
        _ => return Err(Errno::BADF.into()),
    };
    let base = match whence {
        0 => 0,
        1 => f.position,
        2 => f.file.metadata().map_err(|e| io_errno(&e))?.len(),
        _ => return Err(Errno::INVAL.into()),
    };
    let to = i64::try_from(base)
        .ok()
        .and_then(|b| b.checked_add(offset))
        .filter(|p| *p >= 0)
        .ok_or(Errno::INVAL)?;
    f.position = to as u64;
    cx.write_u64(out, to as u64)
}

pub fn fd_tell(cx: &mut Cx, fd: u32, out: u32) -> Outcome {
    let position = match cx.p1.get(fd)? {
        Fd::File(f) => f.position,
        Fd::Stdin | Fd::Stdout | Fd::Stderr => return Err(Errno::SPIPE.into()),
        _ => return Err(Errno::BADF.into()),
    };
    cx.write_u64(out, position)
}

pub fn fd_readdir(cx: &mut Cx, fd: u32, buf: u32, len: u32, cookie: u64, out: u32) -> Outcome {
    let dir = match cx.p1.get(fd)? {
        Fd::Dir { .. } => cx.p1.dir(fd).map_err(|_| Errno::BADF)?,
        _ => return Err(Errno::BADF.into()),
    };
    let own = fs::hash(&dir.dir_metadata().map_err(|e| io_errno(&e))?).lower;
    let mut entries = vec![
        (own, FILETYPE_DIRECTORY, ".".to_string()),
        (own, FILETYPE_DIRECTORY, "..".to_string()),
    ];
    for e in fs::entries(&dir).map_err(super::errno)? {
        let m = dir.symlink_metadata(&e.name).map_err(|e| io_errno(&e))?;
        entries.push((fs::hash(&m).lower, filetype(&e.r#type), e.name));
    }
    let skip = usize::try_from(cookie).map_err(|_| Errno::OVERFLOW)?;
    let mut written = Vec::new();
    for (i, (ino, t, name)) in entries.into_iter().enumerate().skip(skip) {
        let mut header = [0u8; 24];
        header[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        header[8..16].copy_from_slice(&ino.to_le_bytes());
        header[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
        header[20] = t;
        written.extend_from_slice(&header);
        written.extend_from_slice(name.as_bytes());
        if written.len() >= len as usize {
            written.truncate(len as usize);
            break;
        }
    }
    cx.write(buf, &written)?;
    cx.write_u32(out, written.len() as u32)
}
