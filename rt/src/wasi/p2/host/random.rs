//! wasi:random: the system's random source, and a fast generator seeded
//! from it for the insecure interfaces.

use crate::component::abi::{Bytes, Cx};
use crate::traps::Trap;

pub(crate) fn system_random(buf: &mut [u8]) {
    let mut filled = 0;
    while filled < buf.len() {
        // SAFETY: writes at most the rest of `buf`.
        let n = unsafe {
            libc::getrandom(
                buf[filled..].as_mut_ptr() as *mut libc::c_void,
                buf.len() - filled,
                0,
            )
        };
        if n > 0 {
            filled += n as usize;
        }
    }
}

fn system_u64() -> u64 {
    let mut b = [0u8; 8];
    system_random(&mut b);
    u64::from_le_bytes(b)
}

/// How many bytes one call may ask for: a guest asking for more gets a
/// trap, not an allocation that exhausts the host.
const MAX_LEN: u64 = 64 << 20;

fn too_long(len: u64) -> Result<(), Trap> {
    if len > MAX_LEN {
        return Err(Trap {
            kind: crate::traps::TrapKind::Host(format!(
                "wasi:random: {len} bytes asked for at once (at most {MAX_LEN})"
            )),
            backtrace: vec![],
        });
    }
    Ok(())
}

pub mod wasi_random_random {
    use super::*;

    pub fn get_random_bytes(_: &mut Cx, len: u64) -> Result<Bytes, Trap> {
        too_long(len)?;
        let mut b = vec![0u8; len as usize];
        system_random(&mut b);
        Ok(Bytes(b))
    }

    pub fn get_random_u64(_: &mut Cx) -> Result<u64, Trap> {
        Ok(system_u64())
    }
}

/// xorshift64*, per thread, seeded once from the system.
fn insecure_u64() -> u64 {
    thread_local!(static STATE: std::cell::Cell<u64> = std::cell::Cell::new(system_u64() | 1));
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    })
}

pub mod wasi_random_insecure {
    use super::*;

    pub fn get_insecure_random_bytes(_: &mut Cx, len: u64) -> Result<Bytes, Trap> {
        too_long(len)?;
        let b = (0..len.div_ceil(8))
            .flat_map(|_| insecure_u64().to_le_bytes())
            .take(len as usize)
            .collect();
        Ok(Bytes(b))
    }

    pub fn get_insecure_random_u64(_: &mut Cx) -> Result<u64, Trap> {
        Ok(insecure_u64())
    }
}

pub mod wasi_random_insecure_seed {
    use super::*;

    pub fn insecure_seed(_: &mut Cx) -> Result<(u64, u64), Trap> {
        Ok((system_u64(), system_u64()))
    }
}
