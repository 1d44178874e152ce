//! wasi:clocks 0.3: the 0.2 host's clocks, and waits on the event loop's
//! timer, which other work goes on beside.

use crate::component::abi::Cx;
use crate::component::concurrent::{Async, Later};
use crate::traps::Trap;
use crate::wasi::p2::host as p2;

pub mod wasi_clocks_monotonic_clock {
    use super::*;

    pub fn now(cx: &mut Cx) -> Result<u64, Trap> {
        p2::wasi_clocks_monotonic_clock::now(cx)
    }

    pub fn get_resolution(cx: &mut Cx) -> Result<u64, Trap> {
        p2::wasi_clocks_monotonic_clock::resolution(cx)
    }

    pub fn wait_until(cx: &mut Cx, when: u64) -> Result<Async<()>, Trap> {
        let now = now(cx)?;
        wait_for(cx, when.saturating_sub(now))
    }

    pub fn wait_for(_: &mut Cx, how_long: u64) -> Result<Async<()>, Trap> {
        if how_long == 0 {
            return Ok(Async::Ready(()));
        }
        // Made on the event loop, whose timer it uses.
        let sleep =
            async move { tokio::time::sleep(std::time::Duration::from_nanos(how_long)).await };
        Ok(Async::Later(Later::new(sleep, |(), _| Ok(()))))
    }
}

pub mod wasi_clocks_system_clock {
    use super::*;
    use crate::wasi::p3::bindings::wasi_clocks_system_clock::Instant;

    pub fn now(cx: &mut Cx) -> Result<Instant, Trap> {
        let d = p2::wasi_clocks_wall_clock::now(cx)?;
        Ok(Instant {
            seconds: d.seconds as i64,
            nanoseconds: d.nanoseconds,
        })
    }

    pub fn get_resolution(_: &mut Cx) -> Result<u64, Trap> {
        Ok(1)
    }
}

/// The host's zone (`crate::wasi::timezone`), in nanoseconds.
pub mod wasi_clocks_timezone {
    use super::*;
    use crate::wasi::p3::bindings::wasi_clocks_system_clock::Instant;
    use crate::wasi::timezone;

    pub fn iana_id(_: &mut Cx) -> Result<Option<String>, Trap> {
        Ok(timezone::iana_id())
    }

    pub fn utc_offset(_: &mut Cx, when: Instant) -> Result<Option<i64>, Trap> {
        Ok(timezone::at(when.seconds).map(|l| l.offset as i64 * 1_000_000_000))
    }

    pub fn to_debug_string(cx: &mut Cx) -> Result<String, Trap> {
        if let Some(id) = timezone::iana_id() {
            return Ok(id);
        }
        let now = wasi_clocks_system_clock::now(cx)?;
        Ok(match timezone::at(now.seconds) {
            Some(l) => timezone::written(l.offset),
            None => "UTC".into(),
        })
    }
}
