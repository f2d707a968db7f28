//! Number operators: `chr`, `range` and the 32-bit bitwise operators.

use super::{Operator, OperatorKind, arg};
use crate::error::RuntimeError;
use crate::host::Host;
use crate::value::Value;
use crate::value::number::{to_int32, to_uint16, to_uint32};

const LR: &[&str] = &["left", "right"];

/// Longest array `range` builds. JavaScript's limit is 2^32−1 elements, which would not fit
/// in memory here; past this we raise the error JavaScript raises past its own limit.
const MAX_RANGE_LEN: f64 = 50_000_000.0;

pub(super) const OPERATORS: &[Operator] = &[
    function!("chr", &["val"], chr),
    function!("range", &["val", "end"], range),
    function!("shiftLeft", LR, |_, a| {
        bitwise(a, " cannot be shifted by ", |l, r| {
            to_int32(l).wrapping_shl(to_uint32(r) & 31)
        })
    }),
    function!("shiftRight", LR, |_, a| {
        bitwise(a, " cannot be shifted by ", |l, r| {
            to_int32(l).wrapping_shr(to_uint32(r) & 31)
        })
    }),
    // Matches pico-engine: all three say "anded" in their error.
    function!("band", LR, |_, a| bitwise(
        a,
        " cannot be bitwise anded ",
        |l, r| to_int32(l) & to_int32(r)
    )),
    function!("bor", LR, |_, a| bitwise(
        a,
        " cannot be bitwise anded ",
        |l, r| to_int32(l) | to_int32(r)
    )),
    function!("bxor", LR, |_, a| bitwise(
        a,
        " cannot be bitwise anded ",
        |l, r| to_int32(l) ^ to_int32(r)
    )),
    function!("bnot", &["left"], bnot),
];

fn chr(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let Some(code) = arg(args, 0).to_number_or_null() else {
        return Ok(Value::Null);
    };
    // A lone surrogate cannot live in a Rust string; it becomes U+FFFD.
    let text = String::from_utf16_lossy(&[to_uint16(code)]);
    Ok(Value::from(text))
}

fn range(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    if args.len() < 2 {
        return Ok(Value::array(Vec::new()));
    }
    let (Some(start), Some(end)) = (arg(args, 0).to_number_or_null(), arg(args, 1).to_number_or_null())
    else {
        return Ok(Value::array(Vec::new()));
    };
    // lodash `_.range(start, end ± 1)` with a step of ±1 and finite bounds.
    let (stop, step) = if start < end {
        (end + 1.0, 1.0)
    } else {
        (end - 1.0, -1.0)
    };
    let start = start.clamp(f64::MIN, f64::MAX);
    let stop = stop.clamp(f64::MIN, f64::MAX);
    let len = ((stop - start) / step).ceil().max(0.0);
    if len > MAX_RANGE_LEN {
        return Err(RuntimeError::range_error("Invalid array length"));
    }
    crate::limits::items(len as usize)?;
    let mut items = Vec::with_capacity(len as usize);
    let mut current = start;
    for _ in 0..len as usize {
        items.push(Value::number(current));
        current += step;
    }
    Ok(Value::array(items))
}

fn bitwise(args: &[Value], middle: &str, op: fn(f64, f64) -> i32) -> Result<Value, RuntimeError> {
    let (left, right) = (arg(args, 0), arg(args, 1));
    match (left.to_number_or_null(), right.to_number_or_null()) {
        (Some(l), Some(r)) => Ok(Value::from(op(l, r))),
        _ => Err(RuntimeError::type_error(format!(
            "{}{middle}{}",
            left.to_krl_string(),
            right.to_krl_string()
        ))),
    }
}

fn bnot(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let left = arg(args, 0);
    match left.to_number_or_null() {
        Some(n) => Ok(Value::from(!to_int32(n))),
        // Matches pico-engine: the message ends with a space.
        None => Err(RuntimeError::type_error(format!(
            "{} cannot be inverted ",
            left.to_krl_string()
        ))),
    }
}
