//! wasi:cli: arguments and environment, exit, the standard streams and
//! whether they are terminals.

use super::wasi_io_streams::{InputStream, OutputStream};
use crate::component::abi::{Cx, Own};
use crate::traps::{Trap, TrapKind};
use crate::wasi::p2::WasiP2;

pub(crate) fn is_terminal(fd: i32) -> bool {
    // SAFETY: isatty only reads the descriptor's state.
    unsafe { libc::isatty(fd) == 1 }
}

pub mod wasi_cli_environment {
    use super::*;

    pub fn get_environment(cx: &mut Cx) -> Result<Vec<(String, String)>, Trap> {
        Ok(cx.host::<WasiP2>()?.env.clone())
    }

    pub fn get_arguments(cx: &mut Cx) -> Result<Vec<String>, Trap> {
        Ok(cx.host::<WasiP2>()?.args.clone())
    }

    /// As wasmtime: no initial directory is given.
    pub fn initial_cwd(_: &mut Cx) -> Result<Option<String>, Trap> {
        Ok(None)
    }
}

pub mod wasi_cli_exit {
    use super::*;

    pub fn exit(_: &mut Cx, status: Result<(), ()>) -> Result<(), Trap> {
        Err(Trap {
            kind: TrapKind::Exit(if status.is_ok() { 0 } else { 1 }),
            backtrace: vec![],
        })
    }

    pub fn exit_with_code(_: &mut Cx, code: u8) -> Result<(), Trap> {
        Err(Trap {
            kind: TrapKind::Exit(code as i32),
            backtrace: vec![],
        })
    }
}

pub mod wasi_cli_stdin {
    use super::*;

    pub fn get_stdin(_: &mut Cx) -> Result<Own<InputStream>, Trap> {
        Ok(Own(InputStream::Stdin))
    }
}

pub mod wasi_cli_stdout {
    use super::*;

    pub fn get_stdout(_: &mut Cx) -> Result<Own<OutputStream>, Trap> {
        Ok(Own(OutputStream::Stdout))
    }
}

pub mod wasi_cli_stderr {
    use super::*;

    pub fn get_stderr(_: &mut Cx) -> Result<Own<OutputStream>, Trap> {
        Ok(Own(OutputStream::Stderr))
    }
}

pub mod wasi_cli_terminal_input {
    /// A terminal the program reads from.
    pub struct TerminalInput;
}

pub mod wasi_cli_terminal_output {
    /// A terminal the program writes to.
    pub struct TerminalOutput;
}

pub mod wasi_cli_terminal_stdin {
    use super::wasi_cli_terminal_input::TerminalInput;
    use super::*;

    pub fn get_terminal_stdin(_: &mut Cx) -> Result<Option<Own<TerminalInput>>, Trap> {
        Ok(is_terminal(0).then_some(Own(TerminalInput)))
    }
}

pub mod wasi_cli_terminal_stdout {
    use super::wasi_cli_terminal_output::TerminalOutput;
    use super::*;

    pub fn get_terminal_stdout(_: &mut Cx) -> Result<Option<Own<TerminalOutput>>, Trap> {
        Ok(is_terminal(1).then_some(Own(TerminalOutput)))
    }
}

pub mod wasi_cli_terminal_stderr {
    use super::wasi_cli_terminal_output::TerminalOutput;
    use super::*;

    pub fn get_terminal_stderr(_: &mut Cx) -> Result<Option<Own<TerminalOutput>>, Trap> {
        Ok(is_terminal(2).then_some(Own(TerminalOutput)))
    }
}
