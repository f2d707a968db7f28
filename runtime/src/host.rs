//! The [`Host`] trait: what stdlib operators and both tiers need from whoever runs them
//! (the execution state, calling back into KRL, logging, directives, modules), plus
//! [`TestHost`], a minimal host for tests.

use std::sync::Arc;

use crate::engine::ModuleBinding;
use crate::engine::trace::PostludeBranch;
use crate::error::RuntimeError;
use crate::exec::ExecState;
use crate::value::{Map, Value};

/// Log levels the stdlib writes at (`klog`, `[DIVISION BY ZERO]`, `[DEFAULTSTO]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogLevel {
    /// `x.klog(message)`.
    Klog,
    Debug,
    Info,
    Warn,
    Error,
}

/// The environment stdlib operators run in. The interpreter and the engine implement it.
pub trait Host {
    /// The execution state of the code running on this host (depth, step budget, error
    /// place): one per transaction, so a nested transaction never shares the caller's.
    fn exec(&self) -> &ExecState;

    /// Calls a function or action value with positional arguments. Operators check that
    /// `callee` is callable before calling (and raise their own error texts), so hosts
    /// only see functions, action-functions and actions here.
    fn call(&mut self, callee: &Value, args: Vec<Value>) -> Result<Value, RuntimeError>;

    /// Writes a log line; `data` is the value `klog` was given.
    fn log(&mut self, level: LogLevel, message: &str, data: Option<&Value>);

    /// `send_directive(name, options)`: records a directive for the current event and
    /// returns it (`{"type": "directive", "name", "options", "meta": {...}}`).
    fn add_directive(&mut self, name: Value, options: Value) -> Result<Value, RuntimeError>;

    /// Reads `domain:name`: a module property such as `event:attrs`, or a module function
    /// referenced without parentheses (which the reference calls with no arguments). A host
    /// without modules answers as the reference does for an unknown domain.
    fn module_get(&mut self, domain: &str, name: &str) -> Result<Value, RuntimeError> {
        let _ = domain;
        Err(unknown_module(name))
    }

    /// Calls `domain:name(args)` with positional and named arguments.
    fn module_call(
        &mut self,
        domain: &str,
        name: &str,
        positional: Vec<Value>,
        named: Vec<(Arc<str>, Value)>,
    ) -> Result<Value, RuntimeError> {
        let _ = (domain, positional, named);
        Err(unknown_module(name))
    }
}

/// Matches pico-engine: an unknown module domain fails with JavaScript's null-property error.
#[cold]
pub fn unknown_module(name: &str) -> RuntimeError {
    RuntimeError::type_error(format!("Cannot read properties of null (reading '{name}')"))
}

/// One line a [`TestHost`] logged.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub level: LogLevel,
    pub message: String,
    pub data: Option<Value>,
}

/// A host that calls callables directly and records logs, directives and (as a `RuleHost`,
/// `engine/rule_host.rs`) what ruleset code did.
#[derive(Debug, Default)]
pub struct TestHost {
    /// The execution state: the default depth limit and no step budget.
    pub exec: ExecState,
    /// Every log line, in order.
    pub logs: Vec<LogLine>,
    /// Every directive, in order.
    pub directives: Vec<Value>,
    /// Entity variables written by ruleset code run on this host (`RuleHost`), by name.
    pub ents: Map,
    /// Events raised (`raise`, and `error` statements as `system:error`), each
    /// `{"domain", "name", "attrs"}`, in order.
    pub raised: Vec<Value>,
    /// The postlude branches rules took, in order.
    pub postludes: Vec<PostludeBranch>,
    /// The modules the running ruleset uses (none without an engine).
    pub modules: Vec<ModuleBinding>,
}

impl TestHost {
    /// An empty test host.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Host for TestHost {
    fn exec(&self) -> &ExecState {
        &self.exec
    }

    fn call(&mut self, callee: &Value, args: Vec<Value>) -> Result<Value, RuntimeError> {
        match callee.as_callable() {
            Some(callable) => Arc::clone(callable).call(self, args),
            None => Err(not_a_function(callee)),
        }
    }

    fn log(&mut self, level: LogLevel, message: &str, data: Option<&Value>) {
        self.logs.push(LogLine {
            level,
            message: message.to_owned(),
            data: data.cloned(),
        });
    }

    fn add_directive(&mut self, name: Value, options: Value) -> Result<Value, RuntimeError> {
        let options = if options.is_null() {
            Value::map(Map::new())
        } else {
            options
        };
        let meta: Map = [
            ("rid", Value::from("test")),
            ("rule_name", Value::Null),
            ("txnId", Value::Null),
        ]
        .into_iter()
        .collect();
        let directive: Map = [
            ("type", Value::from("directive")),
            ("name", name),
            ("options", options),
            ("meta", Value::map(meta)),
        ]
        .into_iter()
        .collect();
        let directive = Value::map(directive);
        self.directives.push(directive.clone());
        Ok(directive)
    }
}

/// `V is not a function`, the reference's error for calling a non-callable.
#[cold]
pub fn not_a_function(value: &Value) -> RuntimeError {
    RuntimeError::type_error(format!("{} is not a function", value.to_krl_string()))
}
