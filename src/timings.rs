//! `--timings`: how long each step of a compilation took and how much
//! memory the process held at its peak, printed to stderr at the end.

use std::time::{Duration, Instant};

pub struct Timings {
    enabled: bool,
    start: Instant,
    last: Instant,
    phases: Vec<(String, Duration)>,
}

impl Timings {
    pub fn new(enabled: bool) -> Timings {
        let now = Instant::now();
        Timings {
            enabled,
            start: now,
            last: now,
            phases: Vec::new(),
        }
    }

    /// Record the compiler's own steps, which ran since the last lap.
    pub fn compiled(&mut self, phases: &[(String, Duration)]) {
        self.phases.extend(phases.iter().cloned());
        self.last = Instant::now();
    }

    pub fn lap(&mut self, name: &str) {
        let now = Instant::now();
        self.phases.push((name.to_string(), now - self.last));
        self.last = now;
    }

    pub fn print(&self) {
        if !self.enabled {
            return;
        }
        for (name, d) in &self.phases {
            eprintln!("kiln: timings: {:>9.3} s  {name}", d.as_secs_f64());
        }
        eprintln!(
            // A child's figure starts from its parent's when it is spawned
            // (the kernel carries it over exec), so it is an upper bound.
            "kiln: timings: {:>9.3} s  total; peak RSS {} MiB (linker at most {} MiB)",
            self.start.elapsed().as_secs_f64(),
            peak_rss_kib(libc::RUSAGE_SELF) / 1024,
            peak_rss_kib(libc::RUSAGE_CHILDREN) / 1024,
        );
    }
}

/// Peak resident set of this process (`RUSAGE_SELF`) or of its largest
/// finished child (`RUSAGE_CHILDREN`), in KiB.
fn peak_rss_kib(who: libc::c_int) -> u64 {
    // getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(who, &mut usage) };
    if rc == 0 {
        usage.ru_maxrss as u64
    } else {
        0
    }
}
