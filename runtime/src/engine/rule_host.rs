//! [`RuleHost`]: the narrow interface compiled ruleset code runs against, instead of the
//! engine's concrete transaction (`TxnContext`). A [`Host`] (execution state, calls back into
//! KRL, logs, directives, module members and event attributes) plus the statements only
//! rules and ruleset initialisation make: entity-variable writes, raised and scheduled
//! events, `log` and `error` statements, postlude traces and `use module`.
//!
//! The engine's `TxnContext` implements it for real transactions; [`TestHost`] implements it
//! without an engine, recording what the code did, so a compiled ruleset can be run and
//! inspected on its own.

use std::sync::Arc;

use super::backend::{ModuleBinding, RulesetInstance};
use super::ent;
use super::trace::PostludeBranch;
use crate::host::{LogLevel, TestHost};
use crate::value::{Map, Value};
use crate::{Host, RuntimeError};

/// What ruleset code needs from whoever runs it (see the module documentation).
pub trait RuleHost: Host {
    /// `ent:name{path} := value` (the whole variable when `path` is `None`).
    fn ent_put(&mut self, name: &str, path: Option<&Value>, value: Value) -> Result<(), RuntimeError>;
    /// `clear ent:name{path}`.
    fn ent_clear(&mut self, name: &str, path: Option<&Value>);
    /// `raise domain event name attributes attrs`.
    fn raise(&mut self, domain: &Value, name: &Value, attrs: Value) -> Result<(), RuntimeError>;
    /// `raise event "domain:name"`: the type is split at its first colon.
    fn raise_dynamic(&mut self, domain_and_type: &Value, attrs: Value) -> Result<(), RuntimeError>;
    /// `schedule domain event name at time`; answers the schedule record.
    fn schedule_at(
        &mut self,
        domain: &Value,
        name: &Value,
        time: &Value,
        attrs: Value,
    ) -> Result<Value, RuntimeError>;
    /// `schedule domain event name repeat timespec`; answers the schedule record.
    fn schedule_repeat(
        &mut self,
        domain: &Value,
        name: &Value,
        timespec: &Value,
        attrs: Value,
    ) -> Result<Value, RuntimeError>;
    /// `log level message`.
    fn log_statement(&mut self, level: &'static str, message: &Value);
    /// `error level data`.
    fn error_statement(&mut self, level: &'static str, data: Value) -> Result<(), RuntimeError>;
    /// The postlude branch a rule took, for logs and traces.
    fn trace_postlude(&mut self, branch: PostludeBranch);
    /// The instance of module `rid` for a `use module` of the ruleset being initialised.
    fn use_module(&mut self, rid: &str, with: &Map) -> Result<Arc<dyn RulesetInstance>, RuntimeError>;
    /// The modules the running code's ruleset uses, by alias (swapped while globals run).
    fn modules_mut(&mut self) -> &mut Vec<ModuleBinding>;
}

/// Without an engine: entity variables live in [`TestHost::ents`], raised events and `error`
/// statements are recorded in [`TestHost::raised`], and what needs an engine (scheduling,
/// modules) fails with an error saying so.
impl RuleHost for TestHost {
    fn ent_put(&mut self, name: &str, path: Option<&Value>, value: Value) -> Result<(), RuntimeError> {
        let value = match path {
            None => value,
            Some(path) => ent::set_path(self.ents.get(name).cloned().unwrap_or_default(), path, value)?,
        };
        self.ents.insert(name, value);
        Ok(())
    }

    fn ent_clear(&mut self, name: &str, path: Option<&Value>) {
        match path {
            None => {
                self.ents.remove(name);
            }
            Some(path) => {
                let current = self.ents.get(name).cloned().unwrap_or_default();
                self.ents.insert(name, ent::clear_path(&current, path));
            }
        }
    }

    fn raise(&mut self, domain: &Value, name: &Value, attrs: Value) -> Result<(), RuntimeError> {
        let event: Map = [
            ("domain", Value::string(domain.to_krl_string())),
            ("name", Value::string(name.to_krl_string())),
            ("attrs", attrs),
        ]
        .into_iter()
        .collect();
        self.raised.push(Value::map(event));
        Ok(())
    }

    fn raise_dynamic(&mut self, domain_and_type: &Value, attrs: Value) -> Result<(), RuntimeError> {
        let (domain, name) = super::TxnContext::split_event_type(domain_and_type);
        self.raise(&domain, &name, attrs)
    }

    fn schedule_at(&mut self, _: &Value, _: &Value, _: &Value, _: Value) -> Result<Value, RuntimeError> {
        Err(needs_engine("schedule"))
    }

    fn schedule_repeat(&mut self, _: &Value, _: &Value, _: &Value, _: Value) -> Result<Value, RuntimeError> {
        Err(needs_engine("schedule"))
    }

    fn log_statement(&mut self, level: &'static str, message: &Value) {
        let level = match level {
            "error" => LogLevel::Error,
            "warn" => LogLevel::Warn,
            "debug" => LogLevel::Debug,
            _ => LogLevel::Info,
        };
        self.log(level, &message.to_krl_string(), None);
    }

    fn error_statement(&mut self, level: &'static str, data: Value) -> Result<(), RuntimeError> {
        let attrs: Map = [("level", Value::string(level)), ("data", data)]
            .into_iter()
            .collect();
        self.raise(
            &Value::string("system"),
            &Value::string("error"),
            Value::map(attrs),
        )
    }

    fn trace_postlude(&mut self, branch: PostludeBranch) {
        self.postludes.push(branch);
    }

    fn use_module(&mut self, _: &str, _: &Map) -> Result<Arc<dyn RulesetInstance>, RuntimeError> {
        Err(needs_engine("use module"))
    }

    fn modules_mut(&mut self) -> &mut Vec<ModuleBinding> {
        &mut self.modules
    }
}

fn needs_engine(what: &str) -> RuntimeError {
    RuntimeError::error(format!("{what} needs an engine (this is a test host)"))
}
