//! Infix operators as functions: arithmetic, equality, ordering, `><`, `like`, `cmp`.
//!
//! `&&`, `||` and `not` are not here: they short-circuit, so the interpreter evaluates them
//! (using [`Value::truthy`]).

use std::cmp::Ordering;

use super::{Operator, OperatorKind, arg};
use crate::error::RuntimeError;
use crate::host::{Host, LogLevel};
use crate::value::number::format_number;
use crate::value::{Regex, Value, compare_as_strings, compare_krl};

const LR: &[&str] = &["left", "right"];

pub(super) const OPERATORS: &[Operator] = &[
    function!("+", LR, plus),
    function!("-", LR, minus),
    function!("*", LR, times),
    function!("/", LR, divide),
    function!("%", LR, modulo),
    function!("==", LR, |_, a| Ok(Value::Boolean(arg(a, 0) == arg(a, 1)))),
    function!("!=", LR, |_, a| Ok(Value::Boolean(arg(a, 0) != arg(a, 1)))),
    function!("<=>", LR, |_, a| Ok(ordering_value(compare_krl(
        arg(a, 0),
        arg(a, 1)
    )))),
    function!("<", LR, |_, a| Ok(Value::Boolean(
        compare_krl(arg(a, 0), arg(a, 1)).is_lt()
    ))),
    function!(">", LR, |_, a| Ok(Value::Boolean(
        compare_krl(arg(a, 0), arg(a, 1)).is_gt()
    ))),
    function!("<=", LR, |_, a| Ok(Value::Boolean(
        compare_krl(arg(a, 0), arg(a, 1)).is_le()
    ))),
    function!(">=", LR, |_, a| Ok(Value::Boolean(
        compare_krl(arg(a, 0), arg(a, 1)).is_ge()
    ))),
    function!("><", LR, |_, a| Ok(Value::Boolean(contains(
        arg(a, 0),
        arg(a, 1)
    )))),
    function!("like", &["val", "regex"], like),
    function!("cmp", LR, |_, a| Ok(ordering_value(compare_as_strings(
        arg(a, 0),
        arg(a, 1)
    )))),
];

/// -1, 0 or 1.
pub(crate) fn ordering_value(ordering: Ordering) -> Value {
    Value::from(ordering as i32)
}

/// Numeric sum when both are numbers, string concatenation otherwise; one argument is
/// unary plus (the value unchanged).
pub fn plus(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (left, right) = (arg(args, 0), arg(args, 1));
    if args.len() < 2 {
        return Ok(left.clone());
    }
    if let (Some(a), Some(b)) = (left.as_number(), right.as_number()) {
        return Ok(Value::number(a + b));
    }
    let (left, right) = (left.to_krl_string(), right.to_krl_string());
    crate::limits::string(left.len() + right.len())?;
    let mut out = String::with_capacity(left.len() + right.len());
    out.push_str(&left);
    out.push_str(&right);
    Ok(Value::from(out))
}

fn minus(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (left, right) = (arg(args, 0), arg(args, 1));
    let left_number = left.to_number_or_null();
    if args.len() < 2 {
        return match left_number {
            Some(n) => Ok(Value::number(-n)),
            None => Err(cannot_negate(left)),
        };
    }
    match (left_number, right.to_number_or_null()) {
        (Some(a), Some(b)) => Ok(Value::number(a - b)),
        _ => Err(binary_error(right, " cannot be subtracted from ", left)),
    }
}

fn times(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (left, right) = (arg(args, 0), arg(args, 1));
    match (left.to_number_or_null(), right.to_number_or_null()) {
        (Some(a), Some(b)) => Ok(Value::number(a * b)),
        _ => Err(binary_error(left, " cannot be multiplied by ", right)),
    }
}

fn divide(host: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (left, right) = (arg(args, 0), arg(args, 1));
    match (left.to_number_or_null(), right.to_number_or_null()) {
        (Some(a), Some(b)) => {
            if b == 0.0 {
                // Matches pico-engine: division by zero is 0 plus a debug line, not Infinity.
                let message = format!("[DIVISION BY ZERO] {} / 0", format_number(a));
                host.log(LogLevel::Debug, &message, None);
                return Ok(Value::from(0));
            }
            Ok(Value::number(a / b))
        }
        _ => Err(binary_error(left, " cannot be divided by ", right)),
    }
}

fn modulo(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (left, right) = (arg(args, 0), arg(args, 1));
    match (left.to_number_or_null(), right.to_number_or_null()) {
        (Some(a), Some(b)) => {
            if b == 0.0 {
                // Matches pico-engine: modulo by zero is 0 (silently).
                return Ok(Value::from(0));
            }
            Ok(Value::number(crate::value::number::js_remainder(a, b)))
        }
        _ => Err(RuntimeError::type_error(format!(
            "Cannot calculate {} modulo {}",
            left.to_krl_string(),
            right.to_krl_string()
        ))),
    }
}

/// `left >< right`: Array membership by deep equality, Map own-key test, else false.
fn contains(left: &Value, right: &Value) -> bool {
    match left {
        Value::Array(items) => items.iter().any(|item| item == right),
        Value::Map(_) => super::maps::has_path(left, right),
        _ => false,
    }
}

fn like(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (val, regex) = (arg(args, 0), arg(args, 1));
    let text = val.to_krl_string();
    let matched = match regex {
        Value::RegExp(re) => re.is_match(&text),
        other => Regex::new(&other.to_krl_string(), "")?.is_match(&text),
    };
    Ok(Value::Boolean(matched))
}

#[cold]
fn cannot_negate(value: &Value) -> RuntimeError {
    RuntimeError::type_error(format!("Cannot negate {}", value.to_krl_string()))
}

#[cold]
fn binary_error(first: &Value, middle: &str, second: &Value) -> RuntimeError {
    RuntimeError::type_error(format!(
        "{}{middle}{}",
        first.to_krl_string(),
        second.to_krl_string()
    ))
}
