//! Shrinking a finding with wasm-shrink: a candidate is kept while it
//! still fails the same way. Each candidate is checked in a child process
//! (`kiln-fuzz check`), since the finding may be a crash or a hang.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a module failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// kiln and the reference disagree (`check` exits 1).
    Divergence,
    /// The checking process died (a signal, a panic) or did not finish.
    Crash,
}

impl Failure {
    pub fn word(self) -> &'static str {
        match self {
            Failure::Divergence => "divergence",
            Failure::Crash => "crash",
        }
    }
}

/// A module that takes longer to check is stuck.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(60);

/// Run `exe check file`: `None` if kiln agrees with the reference.
pub fn check_in_child(exe: &Path, file: &Path, timeout: Duration) -> Option<Failure> {
    let mut child = Command::new(exe)
        .arg("check")
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    match wait_within(&mut child, timeout) {
        Ok(Some(status)) => match status.code() {
            Some(0) => None,
            Some(1) => Some(Failure::Divergence),
            _ => Some(Failure::Crash),
        },
        Ok(None) => Some(Failure::Crash),
        Err(_) => None,
    }
}

/// Wait for `child` at most `limit`: its status, or `None` after killing
/// it when it did not finish.
pub fn wait_within(
    child: &mut std::process::Child,
    limit: Duration,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if started.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The smallest module wasm-shrink finds that still fails as `wasm` does,
/// within `attempts` candidates.
pub fn reduce(exe: &Path, wasm: &[u8], failure: Failure, attempts: u32) -> Option<Vec<u8>> {
    let scratch = scratch_file();
    let info =
        wasm_shrink::WasmShrink::default()
            .attempts(attempts)
            .run(wasm.to_vec(), |candidate| {
                std::fs::write(&scratch, candidate)?;
                Ok(check_in_child(exe, &scratch, CHECK_TIMEOUT) == Some(failure))
            });
    let _ = std::fs::remove_file(&scratch);
    info.ok().map(|i| i.output)
}

/// A file of this reduction's own: the driver reduces on several threads.
fn scratch_file() -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("kiln-fuzz-reduce-{}-{n}.wasm", std::process::id()))
}
