//! Running a command and measuring it: wall time, CPU time and peak
//! resident memory of the child, from wait4's rusage.

use anyhow::{bail, Context, Result};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Measured {
    pub wall: Duration,
    /// User plus system time of the child.
    pub cpu: Duration,
    /// Peak resident set of the child (not its own children), in KiB.
    pub peak_rss_kib: u64,
    #[allow(dead_code)]
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

fn duration(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

/// Run `cmd` to completion, output captured; fail if it exits non-zero.
pub fn measure(cmd: &mut Command) -> Result<Measured> {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    // Read both pipes on threads so a chatty child cannot block on a full one.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).map(|_| v)
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut v).map(|_| v)
    });
    let mut status: libc::c_int = 0;
    // wait4 fills `status` and `usage` for the child we spawned and reaps
    // it; std's Child is not waited on afterwards.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let rc = loop {
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if rc == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        break rc;
    };
    let wall = start.elapsed();
    if rc != pid {
        bail!("wait4 on {cmd:?}: {}", std::io::Error::last_os_error());
    }
    let stdout = out_t.join().unwrap()?;
    let stderr = err_t.join().unwrap()?;
    let exit = std::process::ExitStatus::from_raw(status);
    if !exit.success() {
        bail!(
            "{cmd:?} failed ({exit}): {}",
            String::from_utf8_lossy(&stderr)
        );
    }
    Ok(Measured {
        wall,
        cpu: duration(usage.ru_utime) + duration(usage.ru_stime),
        peak_rss_kib: usage.ru_maxrss as u64,
        stdout,
        stderr,
    })
}

/// The linker's peak memory in MiB from `kiln --timings` output (an upper
/// bound, see `src/timings.rs`), or 0 if the output has none.
pub fn kiln_linker_peak_mib(stderr: &str) -> u64 {
    stderr
        .split("(linker at most ")
        .nth(1)
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
