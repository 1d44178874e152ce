//! WASI preview1 (`wasi_snapshot_preview1`) as a layer over the WASI 0.2
//! host, as wasmtime builds it: a table of descriptors holding the 0.2
//! host's files and directories (opened, resolved and stat'ed by its
//! code, so both ABIs share one sandbox), the process's standard streams
//! and sockets, and one `extern "C"` function per import with the
//! flattened core signature, reading and writing the caller's memory 0.

mod descriptors;
mod files;
mod misc;
mod paths;

pub use descriptors::P1;

use crate::traps::{raise_host, TrapKind};
use kiln_abi::module::{FuncType, ValType};

pub struct HostFunction {
    pub name: &'static str,
    pub params: &'static [ValType],
    pub results: &'static [ValType],
    pub code: Code,
}

impl HostFunction {
    pub fn ty(&self) -> FuncType {
        FuncType::new(self.params, self.results)
    }
}

/// Address of a host function (a plain code pointer, safe to share).
pub struct Code(pub *const ());
// SAFETY: a code address is immutable data.
unsafe impl Sync for Code {}

/// `fdflags` bits.
const FDFLAGS_APPEND: u16 = 1;
const FDFLAGS_NONBLOCK: u16 = 4;
/// DSYNC, RSYNC and SYNC, which neither wasmtime nor kiln supports.
const FDFLAGS_SYNCS: u16 = 2 | 8 | 16;

/// Rights bits (`fs_rights_base`).
const RIGHT_FD_READ: u64 = 1 << 1;
const RIGHT_FD_WRITE: u64 = 1 << 6;

/// A preview1 error number (`errno`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub u16);

#[allow(dead_code)]
impl Errno {
    pub const TOOBIG: Errno = Errno(1);
    pub const ACCES: Errno = Errno(2);
    pub const ADDRINUSE: Errno = Errno(3);
    pub const ADDRNOTAVAIL: Errno = Errno(4);
    pub const AFNOSUPPORT: Errno = Errno(5);
    pub const AGAIN: Errno = Errno(6);
    pub const ALREADY: Errno = Errno(7);
    pub const BADF: Errno = Errno(8);
    pub const BUSY: Errno = Errno(10);
    pub const CONNABORTED: Errno = Errno(13);
    pub const CONNREFUSED: Errno = Errno(14);
    pub const CONNRESET: Errno = Errno(15);
    pub const DEADLK: Errno = Errno(16);
    pub const DQUOT: Errno = Errno(19);
    pub const EXIST: Errno = Errno(20);
    pub const FAULT: Errno = Errno(21);
    pub const FBIG: Errno = Errno(22);
    pub const HOSTUNREACH: Errno = Errno(23);
    pub const ILSEQ: Errno = Errno(25);
    pub const INPROGRESS: Errno = Errno(26);
    pub const INTR: Errno = Errno(27);
    pub const INVAL: Errno = Errno(28);
    pub const IO: Errno = Errno(29);
    pub const ISDIR: Errno = Errno(31);
    pub const LOOP: Errno = Errno(32);
    pub const MLINK: Errno = Errno(34);
    pub const MSGSIZE: Errno = Errno(35);
    pub const NAMETOOLONG: Errno = Errno(37);
    pub const NETDOWN: Errno = Errno(38);
    pub const NETRESET: Errno = Errno(39);
    pub const NETUNREACH: Errno = Errno(40);
    pub const NODEV: Errno = Errno(43);
    pub const NOENT: Errno = Errno(44);
    pub const NOLCK: Errno = Errno(46);
    pub const NOMEM: Errno = Errno(48);
    pub const NOSPC: Errno = Errno(51);
    pub const NOSYS: Errno = Errno(52);
    pub const NOTCONN: Errno = Errno(53);
    pub const NOTDIR: Errno = Errno(54);
    pub const NOTEMPTY: Errno = Errno(55);
    pub const NOTRECOVERABLE: Errno = Errno(56);
    pub const NOTSOCK: Errno = Errno(57);
    pub const NOTSUP: Errno = Errno(58);
    pub const NOTTY: Errno = Errno(59);
    pub const NXIO: Errno = Errno(60);
    pub const OVERFLOW: Errno = Errno(61);
    pub const PERM: Errno = Errno(63);
    pub const PIPE: Errno = Errno(64);
    pub const ROFS: Errno = Errno(69);
    pub const SPIPE: Errno = Errno(70);
    pub const TIMEDOUT: Errno = Errno(73);
    pub const TXTBSY: Errno = Errno(74);
    pub const XDEV: Errno = Errno(75);
    pub const NOTCAPABLE: Errno = Errno(76);
}

/// Why a call did not succeed: an errno for the program, or a trap (an
/// exit) that ends it.
pub enum Fail {
    Errno(Errno),
    Trap(TrapKind),
}

impl From<Errno> for Fail {
    fn from(e: Errno) -> Fail {
        Fail::Errno(e)
    }
}

pub type Outcome<T = ()> = Result<T, Fail>;

/// What a call works with: the program's descriptors and its memory.
pub struct Cx<'a> {
    pub p1: &'a mut P1,
    pub mem: &'a mut [u8],
}

/// A pointer the program gave that does not fit its memory: a trap, as
/// under wasmtime.
fn out_of_bounds() -> Fail {
    Fail::Trap(TrapKind::Host(
        "WASI: pointer out of bounds of memory".into(),
    ))
}

impl Cx<'_> {
    /// `len` bytes at `ptr`.
    pub fn bytes(&mut self, ptr: u32, len: u32) -> Result<&mut [u8], Fail> {
        let (start, end) = (ptr as usize, ptr as usize + len as usize);
        self.mem.get_mut(start..end).ok_or_else(out_of_bounds)
    }

    pub fn read_u32(&mut self, ptr: u32) -> Result<u32, Fail> {
        Ok(u32::from_le_bytes(
            self.bytes(ptr, 4)?.try_into().expect("4 bytes"),
        ))
    }

    pub fn read_u64(&mut self, ptr: u32) -> Result<u64, Fail> {
        Ok(u64::from_le_bytes(
            self.bytes(ptr, 8)?.try_into().expect("8 bytes"),
        ))
    }

    pub fn write(&mut self, ptr: u32, data: &[u8]) -> Result<(), Fail> {
        self.bytes(ptr, data.len() as u32)?.copy_from_slice(data);
        Ok(())
    }

    pub fn write_u32(&mut self, ptr: u32, v: u32) -> Result<(), Fail> {
        self.write(ptr, &v.to_le_bytes())
    }

    pub fn write_u64(&mut self, ptr: u32, v: u64) -> Result<(), Fail> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// A path or other string argument: EILSEQ if it is not UTF-8.
    pub fn string(&mut self, ptr: u32, len: u32) -> Result<String, Fail> {
        let bytes = self.bytes(ptr, len)?;
        Ok(std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| Errno::ILSEQ)?)
    }

    /// The first buffer of an iovec array that is not empty, as wasmtime
    /// reads and writes one buffer a call: `(pointer, length)`, `(0, 0)`
    /// if all are.
    pub fn first_iovec(&mut self, ptr: u32, count: u32) -> Result<(u32, u32), Fail> {
        for i in 0..count {
            let at = i
                .checked_mul(8)
                .and_then(|o| ptr.checked_add(o))
                .ok_or_else(out_of_bounds)?;
            let (buf, len) = (self.read_u32(at)?, self.read_u32(at + 4)?);
            if len != 0 {
                self.bytes(buf, len)?;
                return Ok((buf, len));
            }
        }
        Ok((0, 0))
    }
}

/// Run one call against the caller's descriptors and memory; an error is
/// its errno, a trap (an exit) ends the program.
fn call(vmctx: usize, f: impl FnOnce(&mut Cx) -> Outcome) -> i32 {
    let outcome = {
        // SAFETY: compiled code passes its own live vmctx.
        let inst = unsafe { crate::builtins::instance_of(vmctx) };
        let memory = inst.memory(0);
        match (inst.state::<P1>(), memory) {
            (Some(p1), Some(mem)) => {
                // SAFETY: the memory belongs to the calling instance's store
                // and nothing else touches it while the host function runs.
                let mem = unsafe { (*mem).data_mut() };
                f(&mut Cx { p1, mem })
            }
            (None, _) => Err(Fail::Trap(TrapKind::Host(
                "WASI call without a WASI context".into(),
            ))),
            (_, None) => Err(Fail::Trap(TrapKind::Host(
                "WASI call from a module without memory".into(),
            ))),
        }
    };
    match outcome {
        Ok(()) => 0,
        Err(Fail::Errno(e)) => e.0 as i32,
        // Nothing owned is left in this frame when the trap unwinds past it.
        Err(Fail::Trap(kind)) => raise_host(kind),
    }
}

macro_rules! val_type {
    (u32) => {
        ValType::I32
    };
    (u64) => {
        ValType::I64
    };
}

macro_rules! preview1 {
    ($($module:ident::$name:ident($($arg:ident: $ty:ident),*);)*) => {
        $(
            unsafe extern "C" fn $name(vmctx: usize, $($arg: $ty),*) -> i32 {
                call(vmctx, |cx| $module::$name(cx, $($arg),*))
            }
        )*
        pub static FUNCTIONS: &[HostFunction] = &[
            $(HostFunction {
                name: stringify!($name),
                params: &[$(val_type!($ty)),*],
                results: &[ValType::I32],
                code: Code($name as *const ()),
            },)*
            HostFunction {
                name: "proc_exit",
                params: &[ValType::I32],
                results: &[],
                code: Code(proc_exit as *const ()),
            },
        ];
    };
}

preview1! {
    misc::args_get(argv: u32, buf: u32);
    misc::args_sizes_get(count: u32, size: u32);
    misc::environ_get(environ: u32, buf: u32);
    misc::environ_sizes_get(count: u32, size: u32);
    misc::clock_res_get(id: u32, out: u32);
    misc::clock_time_get(id: u32, precision: u64, out: u32);
    files::fd_advise(fd: u32, offset: u64, len: u64, advice: u32);
    files::fd_allocate(fd: u32, offset: u64, len: u64);
    files::fd_close(fd: u32);
    files::fd_datasync(fd: u32);
    files::fd_fdstat_get(fd: u32, out: u32);
    files::fd_fdstat_set_flags(fd: u32, flags: u32);
    files::fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64);
    files::fd_filestat_get(fd: u32, out: u32);
    files::fd_filestat_set_size(fd: u32, size: u64);
    files::fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, flags: u32);
    files::fd_pread(fd: u32, iovs: u32, count: u32, offset: u64, out: u32);
    files::fd_prestat_get(fd: u32, out: u32);
    files::fd_prestat_dir_name(fd: u32, buf: u32, len: u32);
    files::fd_pwrite(fd: u32, iovs: u32, count: u32, offset: u64, out: u32);
    files::fd_read(fd: u32, iovs: u32, count: u32, out: u32);
    files::fd_readdir(fd: u32, buf: u32, len: u32, cookie: u64, out: u32);
    files::fd_renumber(from: u32, to: u32);
    files::fd_seek(fd: u32, offset: u64, whence: u32, out: u32);
    files::fd_sync(fd: u32);
    files::fd_tell(fd: u32, out: u32);
    files::fd_write(fd: u32, iovs: u32, count: u32, out: u32);
    paths::path_create_directory(fd: u32, path: u32, len: u32);
    paths::path_filestat_get(fd: u32, flags: u32, path: u32, len: u32, out: u32);
    paths::path_filestat_set_times(fd: u32, flags: u32, path: u32, len: u32, atim: u64, mtim: u64, fst: u32);
    paths::path_link(fd: u32, flags: u32, old: u32, old_len: u32, new_fd: u32, new: u32, new_len: u32);
    paths::path_open(fd: u32, dirflags: u32, path: u32, len: u32, oflags: u32, base: u64, inheriting: u64, fdflags: u32, out: u32);
    paths::path_readlink(fd: u32, path: u32, len: u32, buf: u32, buf_len: u32, out: u32);
    paths::path_remove_directory(fd: u32, path: u32, len: u32);
    paths::path_rename(fd: u32, old: u32, old_len: u32, new_fd: u32, new: u32, new_len: u32);
    paths::path_symlink(old: u32, old_len: u32, fd: u32, new: u32, new_len: u32);
    paths::path_unlink_file(fd: u32, path: u32, len: u32);
    misc::poll_oneoff(subs: u32, events: u32, count: u32, out: u32);
    misc::proc_raise(signal: u32);
    misc::sched_yield();
    misc::random_get(buf: u32, len: u32);
    misc::sock_accept(fd: u32, flags: u32, out: u32);
    misc::sock_recv(fd: u32, iovs: u32, count: u32, flags: u32, out_len: u32, out_flags: u32);
    misc::sock_send(fd: u32, iovs: u32, count: u32, flags: u32, out: u32);
    misc::sock_shutdown(fd: u32, how: u32);
}

/// `proc_exit(code)`: never returns; the exit reaches the embedder as
/// `TrapKind::Exit`. A status past 125 is refused, as wasmtime refuses it
/// (shells keep those for signals).
unsafe extern "C" fn proc_exit(_vmctx: usize, code: u32) {
    if code < 126 {
        raise_host(TrapKind::Exit(code as i32))
    }
    raise_host(TrapKind::Host(
        "exit with invalid exit status outside of [0..126)".into(),
    ))
}

/// The errno for a 0.2 filesystem error, as wasmtime's preview1 maps it.
pub fn errno(e: crate::wasi::p2::bindings::wasi_filesystem_types::ErrorCode) -> Errno {
    use crate::wasi::p2::bindings::wasi_filesystem_types::ErrorCode as E;
    match e {
        E::Access => Errno::ACCES,
        E::WouldBlock => Errno::AGAIN,
        E::Already => Errno::ALREADY,
        E::BadDescriptor => Errno::BADF,
        E::Busy => Errno::BUSY,
        E::Deadlock => Errno::DEADLK,
        E::Quota => Errno::DQUOT,
        E::Exist => Errno::EXIST,
        E::FileTooLarge => Errno::FBIG,
        E::IllegalByteSequence => Errno::ILSEQ,
        E::InProgress => Errno::INPROGRESS,
        E::Interrupted => Errno::INTR,
        E::Invalid => Errno::INVAL,
        E::Io => Errno::IO,
        E::IsDirectory => Errno::ISDIR,
        E::Loop => Errno::LOOP,
        E::TooManyLinks => Errno::MLINK,
        E::MessageSize => Errno::MSGSIZE,
        E::NameTooLong => Errno::NAMETOOLONG,
        E::NoDevice => Errno::NODEV,
        E::NoEntry => Errno::NOENT,
        E::NoLock => Errno::NOLCK,
        E::InsufficientMemory => Errno::NOMEM,
        E::InsufficientSpace => Errno::NOSPC,
        E::NotDirectory => Errno::NOTDIR,
        E::NotEmpty => Errno::NOTEMPTY,
        E::NotRecoverable => Errno::NOTRECOVERABLE,
        E::Unsupported => Errno::NOTSUP,
        E::NoTty => Errno::NOTTY,
        E::NoSuchDevice => Errno::NXIO,
        E::Overflow => Errno::OVERFLOW,
        E::NotPermitted => Errno::PERM,
        E::Pipe => Errno::PIPE,
        E::ReadOnly => Errno::ROFS,
        E::InvalidSeek => Errno::SPIPE,
        E::TextFileBusy => Errno::TXTBSY,
        E::CrossDevice => Errno::XDEV,
    }
}

/// The errno for a host I/O error, through the 0.2 host's mapping.
pub fn io_errno(e: &std::io::Error) -> Errno {
    errno(crate::wasi::p2::host::wasi_filesystem_types::code(e))
}
