//! wasi:cli and wasi:random 0.3. Most interfaces are the 0.2 host's with
//! new names; the standard streams are streams and futures of the async
//! ABI: a program's output is a stream the host reads as the program
//! writes, its end reported through a future.

use crate::component::abi::{Bytes, Cx, Own};
use crate::component::concurrent::{Concurrency, FutureReader, FutureWriter, Sink};
use crate::component::concurrent::{StreamReader, StreamWriter};
use crate::traps::Trap;
use crate::wasi::p2::host as p2;
use std::io::Write;

pub mod wasi_cli_environment {
    use super::*;

    pub fn get_environment(cx: &mut Cx) -> Result<Vec<(String, String)>, Trap> {
        p2::wasi_cli_environment::get_environment(cx)
    }

    pub fn get_arguments(cx: &mut Cx) -> Result<Vec<String>, Trap> {
        p2::wasi_cli_environment::get_arguments(cx)
    }

    pub fn get_initial_cwd(cx: &mut Cx) -> Result<Option<String>, Trap> {
        p2::wasi_cli_environment::initial_cwd(cx)
    }
}

pub mod wasi_cli_exit {
    use super::*;

    pub fn exit(cx: &mut Cx, status: Result<(), ()>) -> Result<(), Trap> {
        p2::wasi_cli_exit::exit(cx, status)
    }

    pub fn exit_with_code(cx: &mut Cx, code: u8) -> Result<(), Trap> {
        p2::wasi_cli_exit::exit_with_code(cx, code)
    }
}

type ErrorCode = crate::wasi::p3::bindings::wasi_cli_types::ErrorCode;

/// A standard output stream the host writes each write of the program's
/// stream to, as it comes; its end resolves the program's future.
struct StdWriter {
    err: bool,
    done: FutureWriter<Result<(), ErrorCode>>,
    failed: bool,
}

impl Sink for StdWriter {
    fn write(&mut self, bytes: &[u8]) -> bool {
        let ok = match self.err {
            true => std::io::stderr().write_all(bytes),
            false => std::io::stdout()
                .write_all(bytes)
                .and_then(|_| std::io::stdout().flush()),
        };
        self.failed |= ok.is_err();
        ok.is_ok()
    }

    fn close(self: Box<Self>, c: &mut Concurrency) {
        let outcome = match self.failed {
            true => Err(ErrorCode::Pipe),
            false => Ok(()),
        };
        // A guest that dropped the future's reader does not learn it.
        let _ = self.done.write_in(c, outcome);
    }
}

fn write_via_stream(
    cx: &mut Cx,
    data: StreamReader<u8>,
    err: bool,
) -> Result<FutureReader<Result<(), ErrorCode>>, Trap> {
    let (reader, done) = cx.future();
    let sink = StdWriter {
        err,
        done,
        failed: false,
    };
    data.sink(cx, Box::new(sink));
    Ok(reader)
}

pub mod wasi_cli_stdout {
    use super::*;

    pub fn write_via_stream(
        cx: &mut Cx,
        data: StreamReader<u8>,
    ) -> Result<FutureReader<Result<(), ErrorCode>>, Trap> {
        super::write_via_stream(cx, data, false)
    }
}

pub mod wasi_cli_stderr {
    use super::*;

    pub fn write_via_stream(
        cx: &mut Cx,
        data: StreamReader<u8>,
    ) -> Result<FutureReader<Result<(), ErrorCode>>, Trap> {
        super::write_via_stream(cx, data, true)
    }
}

pub mod wasi_cli_stdin {
    use super::*;

    #[allow(clippy::type_complexity)]
    pub fn read_via_stream(
        cx: &mut Cx,
    ) -> Result<(StreamReader<u8>, FutureReader<Result<(), ErrorCode>>), Trap> {
        let (data, writer): (StreamReader<u8>, StreamWriter<u8>) = cx.stream();
        let (reader, done) = cx.future();
        writer.source(cx, Box::new(super::super::stdin::Stdin::new(done)));
        Ok((data, reader))
    }
}

pub mod wasi_cli_terminal_input {
    pub use crate::wasi::p2::host::wasi_cli_terminal_input::TerminalInput;
}

pub mod wasi_cli_terminal_output {
    pub use crate::wasi::p2::host::wasi_cli_terminal_output::TerminalOutput;
}

pub mod wasi_cli_terminal_stdin {
    use super::*;
    use crate::wasi::p2::host::wasi_cli_terminal_input::TerminalInput;

    pub fn get_terminal_stdin(cx: &mut Cx) -> Result<Option<Own<TerminalInput>>, Trap> {
        p2::wasi_cli_terminal_stdin::get_terminal_stdin(cx)
    }
}

pub mod wasi_cli_terminal_stdout {
    use super::*;
    use crate::wasi::p2::host::wasi_cli_terminal_output::TerminalOutput;

    pub fn get_terminal_stdout(cx: &mut Cx) -> Result<Option<Own<TerminalOutput>>, Trap> {
        p2::wasi_cli_terminal_stdout::get_terminal_stdout(cx)
    }
}

pub mod wasi_cli_terminal_stderr {
    use super::*;
    use crate::wasi::p2::host::wasi_cli_terminal_output::TerminalOutput;

    pub fn get_terminal_stderr(cx: &mut Cx) -> Result<Option<Own<TerminalOutput>>, Trap> {
        p2::wasi_cli_terminal_stderr::get_terminal_stderr(cx)
    }
}

pub mod wasi_random_random {
    use super::*;

    pub fn get_random_bytes(cx: &mut Cx, len: u64) -> Result<Bytes, Trap> {
        p2::wasi_random_random::get_random_bytes(cx, len)
    }

    pub fn get_random_u64(cx: &mut Cx) -> Result<u64, Trap> {
        p2::wasi_random_random::get_random_u64(cx)
    }
}

pub mod wasi_random_insecure {
    use super::*;

    pub fn get_insecure_random_bytes(cx: &mut Cx, len: u64) -> Result<Bytes, Trap> {
        p2::wasi_random_insecure::get_insecure_random_bytes(cx, len)
    }

    pub fn get_insecure_random_u64(cx: &mut Cx) -> Result<u64, Trap> {
        p2::wasi_random_insecure::get_insecure_random_u64(cx)
    }
}

pub mod wasi_random_insecure_seed {
    use super::*;

    pub fn get_insecure_seed(cx: &mut Cx) -> Result<(u64, u64), Trap> {
        p2::wasi_random_insecure_seed::insecure_seed(cx)
    }
}
