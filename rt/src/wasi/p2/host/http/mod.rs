//! wasi:http: the types of requests and responses, and the outgoing
//! handler, which sends requests with hyper on an event loop
//! ([`client`]) while the guest goes on. Requests need the `-S http` grant,
//! as under wasmtime; without it `handle` answers `HTTP-request-denied`.
//! `https:` goes over rustls, trusting Mozilla's roots as wasmtime does,
//! and also the certificates of the file `SSL_CERT_FILE` names.

mod bodies;
pub mod client;
mod fields;
mod messages;
pub mod server;

pub use bodies::{BodyReader, BodyWriter, OutgoingBodyStream, Sender};
pub use messages::{IncomingRequest, OutgoingResponse, ResponseOutparam};

pub mod wasi_http_types {
    pub use super::bodies::*;
    pub use super::fields::*;
    pub use super::messages::*;
    use crate::component::abi::{Borrow, Cx};
    use crate::traps::Trap;
    use crate::wasi::p2::bindings::wasi_http_types::ErrorCode;
    use crate::wasi::p2::host::wasi_io_error::Error;

    /// The HTTP failure behind a stream's error, if one is.
    pub fn http_error_code(cx: &mut Cx, err: Borrow<Error>) -> Result<Option<ErrorCode>, Trap> {
        let error = &cx.get(&err)?.0;
        Ok(error
            .get_ref()
            .and_then(|e| e.downcast_ref::<HttpFailure>())
            .map(|f| f.0.clone()))
    }
}

pub mod wasi_http_outgoing_handler {
    pub use super::messages::handle;
}
