//! Built-in modules reachable as `domain:name(...)`: `ctx`, `event`, `http`, `schedule`,
//! `time`, `math` and `random`, one file each, with the reference's parameter names, results and
//! error texts (engine.md §7). Properties answered from the transaction itself (`event:attrs`,
//! `ctx:picoId`, `meta:*`, ...) live in `context.rs`; this module takes every call.
//!
//! Calling convention (engine.md §7.1): arguments bind to the declared parameter names as for
//! any KRL callee (`crate::args`); unknown names are ignored, missing arguments are null.

mod cron;
pub(crate) mod ctx;
mod event;
pub(crate) mod http;
pub(crate) mod schedule;
mod time;

mod math;
mod random;

use super::context::TxnContext;
use crate::RuntimeError;
use crate::args::{self, NamedArgs};
use crate::host::unknown_module;
use crate::value::Value;

pub(crate) use self::time::iso8601;

/// A module call's arguments, arranged by the member's parameter names.
pub(crate) struct Args {
    values: Vec<Value>,
}

impl Args {
    /// The arguments bound to `params` ([`args::bind`]).
    pub(crate) fn new(params: &[&str], positional: Vec<Value>, named: NamedArgs) -> Args {
        Args {
            values: args::bind(params, positional, named),
        }
    }

    /// The argument at `idx`, null when missing.
    pub(crate) fn get(&self, idx: usize) -> &Value {
        static NULL: Value = Value::Null;
        self.values.get(idx).unwrap_or(&NULL)
    }

    /// Takes the argument at `idx` out (null when missing).
    pub(crate) fn take(&mut self, idx: usize) -> Value {
        self.values.get_mut(idx).map(std::mem::take).unwrap_or_default()
    }
}

/// Dispatches `domain:name(...)` to the module that owns `domain`.
pub(crate) fn call(
    cx: &mut TxnContext<'_>,
    domain: &str,
    name: &str,
    positional: Vec<Value>,
    named: NamedArgs,
) -> Result<Value, RuntimeError> {
    match domain {
        "ctx" => ctx::call(cx, name, positional, named),
        "event" => event::call(cx, name, positional, named),
        "http" => http::call(cx, name, positional, named),
        "schedule" => schedule::call(cx, name, positional, named),
        "time" => time::call(cx, name, positional, named),
        "math" => math::call(cx, name, positional, named),
        "random" => random::call(name, positional, named),
        _ => Err(unknown_module(name)),
    }
}

/// A member a built-in module does not have. The reference reads `undefined` there and
/// fails when calling it; this names the member instead.
#[cold]
pub(crate) fn no_member(domain: &str, name: &str) -> RuntimeError {
    RuntimeError::type_error(format!("{domain}:{name} is not a function"))
}
