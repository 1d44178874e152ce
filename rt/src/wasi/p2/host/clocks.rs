//! wasi:clocks: the monotonic clock (nanoseconds since the process began)
//! and the wall clock, with pollables that become ready at an instant.

use super::wasi_io_poll::Pollable;
use crate::component::abi::{Cx, Own};
use crate::traps::Trap;

/// The monotonic clock's zero.
fn epoch() -> std::time::Instant {
    static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(std::time::Instant::now)
}

pub(crate) fn now_ns() -> u64 {
    epoch().elapsed().as_nanos() as u64
}

pub mod wasi_clocks_monotonic_clock {
    use super::*;

    pub fn now(_: &mut Cx) -> Result<u64, Trap> {
        Ok(now_ns())
    }

    pub fn resolution(_: &mut Cx) -> Result<u64, Trap> {
        Ok(1)
    }

    pub fn subscribe_instant(_: &mut Cx, when: u64) -> Result<Own<Pollable>, Trap> {
        let at = epoch() + std::time::Duration::from_nanos(when);
        Ok(Own(Pollable::Until(at)))
    }

    pub fn subscribe_duration(_: &mut Cx, when: u64) -> Result<Own<Pollable>, Trap> {
        let now = std::time::Instant::now();
        Ok(Own(Pollable::Until(
            now.checked_add(std::time::Duration::from_nanos(when))
                .unwrap_or(now + std::time::Duration::from_secs(u32::MAX as u64)),
        )))
    }
}

pub mod wasi_clocks_wall_clock {
    use super::*;
    use crate::wasi::p2::bindings::wasi_clocks_wall_clock::Datetime;

    pub fn now(_: &mut Cx) -> Result<Datetime, Trap> {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Ok(Datetime {
            seconds: d.as_secs(),
            nanoseconds: d.subsec_nanos(),
        })
    }

    pub fn resolution(_: &mut Cx) -> Result<Datetime, Trap> {
        Ok(Datetime {
            seconds: 0,
            nanoseconds: 1,
        })
    }
}

/// The host's zone (`crate::wasi::timezone`); UTC for an instant the C
/// library cannot place, as the interface asks.
pub mod wasi_clocks_timezone {
    use super::*;
    use crate::wasi::p2::bindings::wasi_clocks_timezone::TimezoneDisplay;
    use crate::wasi::p2::bindings::wasi_clocks_wall_clock::Datetime;
    use crate::wasi::timezone;

    pub fn display(_: &mut Cx, when: Datetime) -> Result<TimezoneDisplay, Trap> {
        let local = i64::try_from(when.seconds).ok().and_then(timezone::at);
        Ok(match local {
            Some(l) => TimezoneDisplay {
                utc_offset: l.offset,
                name: l.name,
                in_daylight_saving_time: l.daylight_saving,
            },
            None => TimezoneDisplay {
                utc_offset: 0,
                name: "UTC".into(),
                in_daylight_saving_time: false,
            },
        })
    }

    pub fn utc_offset(cx: &mut Cx, when: Datetime) -> Result<i32, Trap> {
        Ok(display(cx, when)?.utc_offset)
    }
}
