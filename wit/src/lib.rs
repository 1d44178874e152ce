//! WIT packages and component-level tooling: what a component is made of
//! and what it imports and exports (`inspect`). Composition comes with the
//! `compose` work.
#![deny(unsafe_code)]

mod inspect;

pub use inspect::{inspect, is_component, InspectError};
