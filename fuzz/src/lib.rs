//! Differential fuzzing: random valid modules (wasm-smith, restricted to
//! what kiln supports) run on kiln, compiled at several -O levels in both
//! bounds modes, and on the wasmi interpreter, an independent engine used
//! as a library. Each export is called with several argument sets; after
//! every call the results (bits, NaNs alike), the trap kind and the final
//! state (memories, globals, tables) must agree.
//!
//! Also the front end's side: broken modules (mutations of real ones) given
//! to the `kiln` CLI must end in a clear error, never a crash (`parse`).

pub mod generate;
pub mod kiln_side;
pub mod outcome;
pub mod parse;
pub mod reduce;
pub mod reference;
pub mod scenario;

pub use outcome::{Outcome, Step};
pub use scenario::{differ, Config, Scenario};
