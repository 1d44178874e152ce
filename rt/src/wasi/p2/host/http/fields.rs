//! `fields`: HTTP headers and trailers, kept as an `http::HeaderMap`, so
//! names are lowercase and entries come grouped by name in the order each
//! name was first added, as under wasmtime. Headers obtained from a
//! request or response are immutable copies.

use crate::component::abi::{Borrow, Bytes, Cx, Own};
use crate::traps::Trap;
use crate::wasi::p2::bindings::wasi_http_types::HeaderError;
use http::{HeaderMap, HeaderName, HeaderValue};

pub struct Fields {
    pub map: HeaderMap,
    pub immutable: bool,
}

impl Fields {
    pub fn mutable(map: HeaderMap) -> Fields {
        Fields {
            map,
            immutable: false,
        }
    }

    pub fn immutable(map: HeaderMap) -> Fields {
        Fields {
            map,
            immutable: true,
        }
    }

    fn changeable(&mut self) -> Result<&mut HeaderMap, HeaderError> {
        if self.immutable {
            return Err(HeaderError::Immutable);
        }
        Ok(&mut self.map)
    }
}

/// Headers a guest may not set: the host manages the connection, its
/// framing and the `host` header (wasmtime's list).
const FORBIDDEN: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
    "host",
    "http2-settings",
];

/// `map` without the headers a guest may not set, removed one name after
/// another as wasmtime removes them from what it receives (a removal moves
/// the last entry into the hole, which orders what `entries` returns).
pub fn without_forbidden(mut map: HeaderMap) -> HeaderMap {
    for name in FORBIDDEN {
        map.remove(name);
    }
    map
}

/// A name the guest may set.
fn settable(name: &str) -> Result<HeaderName, HeaderError> {
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| HeaderError::InvalidSyntax)?;
    if FORBIDDEN.contains(&name.as_str()) {
        return Err(HeaderError::Forbidden);
    }
    Ok(name)
}

fn value(bytes: &[u8]) -> Result<HeaderValue, HeaderError> {
    HeaderValue::from_bytes(bytes).map_err(|_| HeaderError::InvalidSyntax)
}

type Changed = Result<Result<(), HeaderError>, Trap>;

pub fn fields_new(_: &mut Cx) -> Result<Own<Fields>, Trap> {
    Ok(Own(Fields::mutable(HeaderMap::new())))
}

pub fn fields_from_list(
    _: &mut Cx,
    entries: Vec<(String, Bytes)>,
) -> Result<Result<Own<Fields>, HeaderError>, Trap> {
    let mut map = HeaderMap::new();
    for (name, bytes) in entries {
        let (name, value) = match settable(&name).and_then(|n| Ok((n, value(&bytes.0)?))) {
            Ok(entry) => entry,
            Err(e) => return Ok(Err(e)),
        };
        map.append(name, value);
    }
    Ok(Ok(Own(Fields::mutable(map))))
}

pub fn fields_get(cx: &mut Cx, this: Borrow<Fields>, name: String) -> Result<Vec<Bytes>, Trap> {
    let fields = cx.get(&this)?;
    Ok(fields
        .map
        .get_all(name.as_str())
        .iter()
        .map(|v| Bytes(v.as_bytes().to_vec()))
        .collect())
}

pub fn fields_has(cx: &mut Cx, this: Borrow<Fields>, name: String) -> Result<bool, Trap> {
    Ok(cx.get(&this)?.map.contains_key(name.as_str()))
}

pub fn fields_set(cx: &mut Cx, this: Borrow<Fields>, name: String, values: Vec<Bytes>) -> Changed {
    let fields = cx.get(&this)?;
    Ok((|| {
        let map = fields.changeable()?;
        let name = settable(&name)?;
        let values = values
            .iter()
            .map(|v| value(&v.0))
            .collect::<Result<Vec<_>, _>>()?;
        map.remove(&name);
        for v in values {
            map.append(name.clone(), v);
        }
        Ok(())
    })())
}

pub fn fields_delete(cx: &mut Cx, this: Borrow<Fields>, name: String) -> Changed {
    let fields = cx.get(&this)?;
    Ok((|| {
        let map = fields.changeable()?;
        map.remove(settable(&name)?);
        Ok(())
    })())
}

pub fn fields_append(cx: &mut Cx, this: Borrow<Fields>, name: String, v: Bytes) -> Changed {
    let fields = cx.get(&this)?;
    Ok((|| {
        let map = fields.changeable()?;
        let name = settable(&name)?;
        map.append(name, value(&v.0)?);
        Ok(())
    })())
}

pub fn fields_entries(cx: &mut Cx, this: Borrow<Fields>) -> Result<Vec<(String, Bytes)>, Trap> {
    Ok(cx
        .get(&this)?
        .map
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), Bytes(v.as_bytes().to_vec())))
        .collect())
}

pub fn fields_clone(cx: &mut Cx, this: Borrow<Fields>) -> Result<Own<Fields>, Trap> {
    Ok(Own(Fields::mutable(cx.get(&this)?.map.clone())))
}
