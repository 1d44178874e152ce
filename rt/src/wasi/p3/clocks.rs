//! wasi:clocks 0.3: the 0.2 host's clocks, and waits that complete before
//! their call returns.

use crate::component::abi::Cx;
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

    pub fn wait_until(cx: &mut Cx, when: u64) -> Result<(), Trap> {
        let now = now(cx)?;
        wait_for(cx, when.saturating_sub(now))
    }

    pub fn wait_for(_: &mut Cx, how_long: u64) -> Result<(), Trap> {
        std::thread::sleep(std::time::Duration::from_nanos(how_long));
        Ok(())
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
