//! One `extern "C"` function per preview1 import, generated from a table of
//! flattened signatures; each forwards to wasi-common's implementation with
//! the caller's memory and the store's `WasiCtx`.

use crate::traps::{raise_host, TrapKind};
use kiln_abi::module::{FuncType, ValType};
use wasi_common::snapshots::preview_1::wasi_snapshot_preview1 as p1;
use wasi_common::WasiCtx;

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

enum Outcome {
    Errno(i32),
    Trap(TrapKind),
}

/// Run one call against the caller's context and memory; a WASI error is an
/// errno, anything worse (exit, a bad pointer) ends the program.
fn call(
    vmctx: usize,
    f: impl FnOnce(&mut WasiCtx, &mut wiggle::GuestMemory<'_>) -> wiggle::error::Result<i32>,
) -> i32 {
    let outcome = {
        // SAFETY: compiled code passes its own live vmctx.
        let inst = unsafe { crate::builtins::instance_of(vmctx) };
        let memory = inst.memory(0);
        match (inst.state::<WasiCtx>(), memory) {
            (Some(ctx), Some(mem)) => {
                // SAFETY: the memory belongs to the calling instance's store and
                // nothing else touches it while the host function runs.
                let bytes = unsafe { (*mem).data_mut() };
                let mut memory = wiggle::GuestMemory::Unshared(bytes);
                match f(ctx, &mut memory) {
                    Ok(errno) => Outcome::Errno(errno),
                    Err(e) => match e.downcast_ref::<wasi_common::I32Exit>() {
                        Some(exit) => Outcome::Trap(TrapKind::Exit(exit.0)),
                        None => Outcome::Trap(TrapKind::Host(format!("WASI: {e:#}"))),
                    },
                }
            }
            (None, _) => Outcome::Trap(TrapKind::Host("WASI call without a WASI context".into())),
            (_, None) => Outcome::Trap(TrapKind::Host(
                "WASI call from a module without memory".into(),
            )),
        }
    };
    match outcome {
        Outcome::Errno(e) => e,
        // Nothing owned is left in this frame when the trap unwinds past it.
        Outcome::Trap(kind) => raise_host(kind),
    }
}

fn block_on<T>(
    f: impl std::future::Future<Output = wiggle::error::Result<T>>,
) -> wiggle::error::Result<T> {
    wiggle::run_in_dummy_executor(f)?
}

macro_rules! val_type {
    (i32) => {
        ValType::I32
    };
    (i64) => {
        ValType::I64
    };
}

macro_rules! preview1 {
    ($($name:ident($($arg:ident: $ty:ident),*);)*) => {
        $(
            unsafe extern "C" fn $name(vmctx: usize, $($arg: $ty),*) -> i32 {
                call(vmctx, |ctx, mem| block_on(p1::$name(ctx, mem, $($arg),*)))
            }
        )*
        pub static FUNCTIONS: &[HostFunction] = &[
            $(HostFunction {
                name: stringify!($name),
                params: &[$(val_type!($ty)),*],
                results: &[ValType::I32],
                code: Code($name as *const ()),
            },)*
            HostFunction { name: "proc_exit", params: &[ValType::I32], results: &[], code: Code(proc_exit as *const ()) },
        ];
    };
}

preview1! {
    args_get(a: i32, b: i32);
    args_sizes_get(a: i32, b: i32);
    environ_get(a: i32, b: i32);
    environ_sizes_get(a: i32, b: i32);
    clock_res_get(a: i32, b: i32);
    clock_time_get(a: i32, b: i64, c: i32);
    fd_advise(a: i32, b: i64, c: i64, d: i32);
    fd_allocate(a: i32, b: i64, c: i64);
    fd_close(a: i32);
    fd_datasync(a: i32);
    fd_fdstat_get(a: i32, b: i32);
    fd_fdstat_set_flags(a: i32, b: i32);
    fd_fdstat_set_rights(a: i32, b: i64, c: i64);
    fd_filestat_get(a: i32, b: i32);
    fd_filestat_set_size(a: i32, b: i64);
    fd_filestat_set_times(a: i32, b: i64, c: i64, d: i32);
    fd_pread(a: i32, b: i32, c: i32, d: i64, e: i32);
    fd_prestat_get(a: i32, b: i32);
    fd_prestat_dir_name(a: i32, b: i32, c: i32);
    fd_pwrite(a: i32, b: i32, c: i32, d: i64, e: i32);
    fd_read(a: i32, b: i32, c: i32, d: i32);
    fd_readdir(a: i32, b: i32, c: i32, d: i64, e: i32);
    fd_renumber(a: i32, b: i32);
    fd_seek(a: i32, b: i64, c: i32, d: i32);
    fd_sync(a: i32);
    fd_tell(a: i32, b: i32);
    fd_write(a: i32, b: i32, c: i32, d: i32);
    path_create_directory(a: i32, b: i32, c: i32);
    path_filestat_get(a: i32, b: i32, c: i32, d: i32, e: i32);
    path_filestat_set_times(a: i32, b: i32, c: i32, d: i32, e: i64, f: i64, g: i32);
    path_link(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32, g: i32);
    path_open(a: i32, b: i32, c: i32, d: i32, e: i32, f: i64, g: i64, h: i32, i: i32);
    path_readlink(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32);
    path_remove_directory(a: i32, b: i32, c: i32);
    path_rename(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32);
    path_symlink(a: i32, b: i32, c: i32, d: i32, e: i32);
    path_unlink_file(a: i32, b: i32, c: i32);
    poll_oneoff(a: i32, b: i32, c: i32, d: i32);
    proc_raise(a: i32);
    sched_yield();
    random_get(a: i32, b: i32);
    sock_accept(a: i32, b: i32, c: i32);
    sock_recv(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32);
    sock_send(a: i32, b: i32, c: i32, d: i32, e: i32);
    sock_shutdown(a: i32, b: i32);
}

/// `proc_exit(code)`: never returns; the exit reaches the embedder as
/// `TrapKind::Exit`.
unsafe extern "C" fn proc_exit(vmctx: usize, code: i32) {
    call(vmctx, |ctx, mem| {
        block_on(p1::proc_exit(ctx, mem, code)).map(|()| 0)
    });
}
