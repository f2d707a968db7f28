//! Built-in modules reachable as `domain:name(...)`: `event`, `time`, `random`, `math`, and
//! the module aliases of the running ruleset. Properties (`event:attrs`, `ctx:picoId`, ...)
//! are answered by the context itself.

use std::sync::Arc;

use super::context::TxnContext;
use super::ids;
use crate::host::unknown_module;
use crate::value::Value;
use crate::{Host, RuntimeError};

type Named = Vec<(Arc<str>, Value)>;

/// Arranges positional and named arguments by parameter names, as KRL calls do.
fn arrange(params: &[&str], positional: Vec<Value>, named: Named) -> Vec<Value> {
    let mut args = positional;
    for (name, value) in named {
        if let Some(idx) = params.iter().position(|p| **p == *name) {
            if args.len() <= idx {
                args.resize(idx + 1, Value::Null);
            }
            args[idx] = value;
        }
    }
    args
}

fn arg(args: &[Value], idx: usize) -> &Value {
    static NULL: Value = Value::Null;
    args.get(idx).unwrap_or(&NULL)
}

pub(crate) fn call(
    cx: &mut TxnContext<'_>,
    domain: &str,
    name: &str,
    positional: Vec<Value>,
    named: Named,
) -> Result<Value, RuntimeError> {
    match (domain, name) {
        ("event", "attr") => {
            let args = arrange(&["name"], positional, named);
            let key = arg(&args, 0).to_krl_string().into_owned();
            Ok(cx.module_get("event", "attrs")?.as_map().and_then(|m| m.get(&key).cloned()).unwrap_or_default())
        }
        ("time", "now") => Ok(Value::string(iso8601(cx.engine.now()))),
        ("random", "uuid") => Ok(Value::string(ids::new_id())),
        ("random", "integer" | "number") => {
            let args = arrange(&["upper", "lower"], positional, named);
            let bound = |v: &Value, default: f64| v.to_number_or_null().unwrap_or(default);
            let (a, b) = (bound(arg(&args, 0), 1.0), bound(arg(&args, 1), 0.0));
            let (low, high) = if a < b { (a, b) } else { (b, a) };
            if name == "integer" {
                let (low, high) = (low.round() as i64, high.round() as i64);
                Ok(Value::number(fastrand::i64(low..=high) as f64))
            } else {
                Ok(Value::number(low + fastrand::f64() * (high - low)))
            }
        }
        ("math", "abs" | "int") => {
            let args = arrange(&["number"], positional, named);
            let n = arg(&args, 0).to_number_or_null().unwrap_or(f64::NAN);
            Ok(Value::number(if name == "abs" { n.abs() } else { n.trunc() }))
        }
        _ => Err(unknown_module(name)),
    }
}

/// Epoch milliseconds as an ISO-8601 UTC string with milliseconds (`2010-08-08T00:00:00.000Z`).
pub fn iso8601(millis: f64) -> String {
    let millis = millis as i64;
    let (days, ms_of_day) = (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000));
    let (year, month, day) = civil_from_days(days);
    let (h, m, s, ms) = (ms_of_day / 3_600_000, ms_of_day / 60_000 % 60, ms_of_day / 1000 % 60, ms_of_day % 1000);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_281_225_600_000.0), "2010-08-08T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_123.0), "2000-02-29T00:00:00.123Z");
        assert_eq!(iso8601(-1.0), "1969-12-31T23:59:59.999Z");
    }
}
