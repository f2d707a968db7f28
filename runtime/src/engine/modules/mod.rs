//! Built-in modules reachable as `domain:name(...)`: `ctx`, `event`, `http`, `schedule`,
//! `time`, `math`, `random` and `dido`, one file each, with the reference's parameter names, results and
//! error texts (engine.md §7). Properties answered from the transaction itself (`event:attrs`,
//! `ctx:picoId`, `meta:*`, ...) live in `context.rs`; this module takes every call.
//!
//! Calling convention (engine.md §7.1): arguments bind to the parameter names of the builtin
//! table (`krl_builtins::MODULES`) as for any KRL callee (`crate::args`); unknown names are
//! ignored, missing arguments are null. A closed module (`math`, `http`, ...) answers exactly
//! the table's members: any other name fails here before reaching the module.

mod cron;
pub(crate) mod ctx;
mod dido;
mod event;
pub(crate) mod http;
mod remote;
pub(crate) mod schedule;
mod time;

mod math;
mod random;

use super::context::TxnContext;
use krl_builtins::Builtin;

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
    /// The arguments bound to `member`'s parameters in the builtin table ([`args::bind`]); a
    /// member the table does not list takes its positional arguments as given.
    pub(crate) fn new(member: Option<&Builtin>, positional: Vec<Value>, named: NamedArgs) -> Args {
        let values = match member {
            Some(member) => {
                let params: Vec<&str> = member.params.iter().map(|param| param.name).collect();
                args::bind(&params, positional, named)
            }
            None => positional,
        };
        Args { values }
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
    let module = krl_builtins::module(domain);
    let member = module.and_then(|module| module.member(name));
    if member.is_none() && module.is_some_and(|module| module.closed) {
        return Err(match (domain, name) {
            // Matches pico-engine: the statement's internals are not callable from KRL.
            ("schedule", "at" | "repeat") => RuntimeError::type_error("[JSObject] is not a function"),
            _ => no_member(domain, name),
        });
    }
    let args = Args::new(member, positional, named);
    match domain {
        "ctx" => ctx::call(cx, name, args),
        "event" => event::call(cx, name, args),
        "http" => http::call(cx, name, args),
        "schedule" => schedule::call(cx, name, args),
        "time" => time::call(cx, name, args),
        "math" => math::call(cx, name, args),
        "random" => random::call(name, args),
        "dido" => dido::call(cx, name, args),
        _ => Err(unknown_module(name)),
    }
}

/// A member a built-in module does not have. The reference reads `undefined` there and
/// fails when calling it; this names the member instead.
#[cold]
pub(crate) fn no_member(domain: &str, name: &str) -> RuntimeError {
    RuntimeError::type_error(format!("{domain}:{name} is not a function"))
}
