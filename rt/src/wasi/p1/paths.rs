//! The `path_*` functions: each resolves its path beneath a directory
//! descriptor through the 0.2 host's code (cap-std), so nothing outside a
//! granted directory is reachable.

use super::descriptors::{Fd, File};
use super::files::{new_times, write_filestat};
use super::{errno, io_errno, Cx, Errno, Outcome};
use super::{FDFLAGS_APPEND, FDFLAGS_NONBLOCK, FDFLAGS_SYNCS, RIGHT_FD_READ, RIGHT_FD_WRITE};
use crate::wasi::p2::bindings::wasi_filesystem_types::{DescriptorFlags, OpenFlags, PathFlags};
use crate::wasi::p2::host::wasi_filesystem_types::{self as fs, Descriptor};
use std::sync::Arc;

const LOOKUP_SYMLINK_FOLLOW: u32 = 1;

fn path_flags(lookup: u32) -> PathFlags {
    PathFlags(if lookup & LOOKUP_SYMLINK_FOLLOW != 0 {
        PathFlags::SYMLINK_FOLLOW
    } else {
        0
    })
}

/// The directory `fd` names; EBADF for anything else, as wasmtime.
fn dir(cx: &mut Cx, fd: u32) -> Result<Arc<cap_std::fs::Dir>, Errno> {
    cx.p1.dir(fd).map_err(|_| Errno::BADF)
}

fn done(r: std::io::Result<()>) -> Outcome {
    r.map_err(|e| io_errno(&e).into())
}

#[allow(clippy::too_many_arguments)]
pub fn path_open(
    cx: &mut Cx,
    fd: u32,
    dirflags: u32,
    path: u32,
    len: u32,
    oflags: u32,
    base: u64,
    _inheriting: u64,
    fdflags: u32,
    out: u32,
) -> Outcome {
    let path = cx.string(path, len)?;
    let dir = match cx.p1.get(fd)? {
        Fd::Dir { .. } => cx.p1.dir(fd)?,
        Fd::File(_) => return Err(Errno::NOTDIR.into()),
        _ => return Err(Errno::BADF.into()),
    };
    let fdflags = fdflags as u16;
    if fdflags & FDFLAGS_SYNCS != 0 {
        return Err(Errno::NOTSUP.into());
    }
    if oflags > 0xf {
        return Err(Errno::INVAL.into());
    }
    let (read, write) = (base & RIGHT_FD_READ != 0, base & RIGHT_FD_WRITE != 0);
    let mut flags = 0;
    if read {
        flags |= DescriptorFlags::READ;
    }
    if write {
        flags |= DescriptorFlags::WRITE;
    }
    let mut open = 0;
    for (p1, p2) in [
        (1, OpenFlags::CREATE),
        (2, OpenFlags::DIRECTORY),
        (4, OpenFlags::EXCLUSIVE),
        (8, OpenFlags::TRUNCATE),
    ] {
        if oflags & p1 != 0 {
            open |= p2;
        }
    }
    let opened = fs::open_at(
        &dir,
        path_flags(dirflags),
        &path,
        OpenFlags(open),
        DescriptorFlags(flags),
    )
    .map_err(errno)?;
    let new = match opened {
        d @ Descriptor::Dir { .. } => Fd::Dir {
            desc: d,
            preopen: None,
        },
        Descriptor::File { file, .. } => Fd::File(File {
            file,
            position: 0,
            append: fdflags & FDFLAGS_APPEND != 0,
            read: read || !write,
            write,
            fdflags: fdflags & (FDFLAGS_APPEND | FDFLAGS_NONBLOCK),
        }),
    };
    let n = cx.p1.push(new);
    cx.write_u32(out, n)
}

pub fn path_create_directory(cx: &mut Cx, fd: u32, path: u32, len: u32) -> Outcome {
    let dir = dir(cx, fd)?;
    let path = cx.string(path, len)?;
    done(dir.create_dir(path))
}

pub fn path_filestat_get(
    cx: &mut Cx,
    fd: u32,
    flags: u32,
    path: u32,
    len: u32,
    out: u32,
) -> Outcome {
    let dir = dir(cx, fd)?;
    let path = cx.string(path, len)?;
    let m = fs::metadata_at(&dir, path_flags(flags), &path).map_err(|e| io_errno(&e))?;
    let ino = fs::hash(&m).lower;
    write_filestat(cx, out, &fs::stat_of(m), ino)
}

#[allow(clippy::too_many_arguments)]
pub fn path_filestat_set_times(
    cx: &mut Cx,
    fd: u32,
    flags: u32,
    path: u32,
    len: u32,
    atim: u64,
    mtim: u64,
    fst: u32,
) -> Outcome {
    use cap_fs_ext::DirExt;
    let (a, m) = new_times(atim, mtim, fst)?;
    let dir = dir(cx, fd)?;
    let path = cx.string(path, len)?;
    let to = |t: Option<fs_set_times::SystemTimeSpec>| t.map(cap_fs_ext::SystemTimeSpec::from_std);
    if flags & LOOKUP_SYMLINK_FOLLOW != 0 {
        done(dir.set_times(path, to(a), to(m)))
    } else {
        done(dir.set_symlink_times(path, to(a), to(m)))
    }
}

#[allow(clippy::too_many_arguments)]
pub fn path_link(
    cx: &mut Cx,
    fd: u32,
    _flags: u32,
    old: u32,
    old_len: u32,
    new_fd: u32,
    new: u32,
    new_len: u32,
) -> Outcome {
    let (from, to) = (dir(cx, fd)?, dir(cx, new_fd)?);
    let (old, new) = (cx.string(old, old_len)?, cx.string(new, new_len)?);
    done(from.hard_link(old, &to, new))
}

pub fn path_readlink(
    cx: &mut Cx,
    fd: u32,
    path: u32,
    len: u32,
    buf: u32,
    buf_len: u32,
    out: u32,
) -> Outcome {
    let dir = dir(cx, fd)?;
    let path = cx.string(path, len)?;
    let target = dir.read_link(path).map_err(|e| io_errno(&e))?;
    let target = target
        .into_os_string()
        .into_string()
        .map_err(|_| Errno::ILSEQ)?;
    // Cut to the buffer, as wasmtime does, without an error.
    let bytes = &target.as_bytes()[..target.len().min(buf_len as usize)];
    cx.write(buf, bytes)?;
    cx.write_u32(out, bytes.len() as u32)
}

pub fn path_remove_directory(cx: &mut Cx, fd: u32, path: u32, len: u32) -> Outcome {
    let dir = dir(cx, fd)?;
    let path = cx.string(path, len)?;
    done(dir.remove_dir(path))
}

pub fn path_rename(
    cx: &mut Cx,
    fd: u32,
    old: u32,
    old_len: u32,
    new_fd: u32,
    new: u32,
    new_len: u32,
) -> Outcome {
    let (from, to) = (dir(cx, fd)?, dir(cx, new_fd)?);
    let (old, new) = (cx.string(old, old_len)?, cx.string(new, new_len)?);
    done(from.rename(old, &to, new))
}

pub fn path_symlink(
    cx: &mut Cx,
    old: u32,
    old_len: u32,
    fd: u32,
    new: u32,
    new_len: u32,
) -> Outcome {
    let dir = dir(cx, fd)?;
    let (old, new) = (cx.string(old, old_len)?, cx.string(new, new_len)?);
    done(dir.symlink(old, new))
}

pub fn path_unlink_file(cx: &mut Cx, fd: u32, path: u32, len: u32) -> Outcome {
    let dir = dir(cx, fd)?;
    let path = cx.string(path, len)?;
    done(dir.remove_file(path))
}
