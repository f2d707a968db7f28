//! What a running rule, query or ruleset initialisation sees: the pico, the current event,
//! entity variables (through a write overlay, so a failed transaction leaves nothing behind),
//! raised events, directives, logs and the execution state of its KRL code (`crate::exec`,
//! one per transaction). Implements the runtime [`Host`] so stdlib operators
//! and module members work from any KRL code.

use std::collections::HashMap;
use std::sync::Arc;

use super::{EngineInner, Staged};
use crate::engine::backend::{ModuleBinding, RulesetInstance};
use crate::engine::ent;
use crate::engine::event::Event;
use crate::engine::pico::PicoState;
use crate::engine::rule_host::RuleHost;
use crate::engine::trace::{PostludeBranch, TraceEvent};
use crate::exec::{DEFAULT_MAX_DEPTH, ExecState};
use crate::host::{LogLevel, unknown_module};
use crate::value::{Map, Value};
use crate::{Host, RuntimeError};

use crate::engine::log::LogDetail;
pub use crate::engine::log::LogEntry;

/// The state of one transaction on one pico.
pub struct TxnContext<'a> {
    pub(super) engine: &'a EngineInner,
    pub(super) pico: &'a mut PicoState,
    /// Entity-variable writes not yet committed: `None` deletes.
    pub(super) ent_writes: HashMap<(Arc<str>, Arc<str>), Option<Value>>,
    pub(super) rid: Arc<str>,
    pub(super) rule_name: Option<Arc<str>>,
    /// The postlude branch the running rule took last, for rule traces (`why.rs`).
    pub(super) postlude: Option<PostludeBranch>,
    pub(super) event: Option<Arc<Event>>,
    pub(super) txn_id: Arc<str>,
    pub(super) in_query: bool,
    /// The channel a query came in through (`meta:eci` during queries).
    pub(super) query_eci: Option<Arc<str>>,
    pub(super) directives: Vec<Value>,
    /// Events raised by the current ruleset, to append to the transaction's schedule.
    /// With a rid for events offered to that ruleset only (`system:error`).
    pub(super) raised: Vec<(Event, Option<Arc<str>>)>,
    /// Set by `error error`: the rest of the transaction's schedule is dropped.
    pub(super) clear_schedule: bool,
    pub(super) logs: Vec<LogEntry>,
    /// The modules of the ruleset whose code is running, by alias.
    pub(super) modules: Vec<ModuleBinding>,
    /// Rids being initialised as modules, to report dependency cycles.
    pub(super) initialising: Vec<Arc<str>>,
    /// Structural changes (picos, channels, installs) not yet committed (`kernel/staged.rs`).
    pub(super) staged: Staged,
    /// The transaction's call depth, step budget and error place (`crate::exec`).
    pub(super) exec: ExecState,
}

impl<'a> TxnContext<'a> {
    pub(crate) fn new(engine: &'a EngineInner, pico: &'a mut PicoState, txn_id: Arc<str>) -> TxnContext<'a> {
        TxnContext {
            engine,
            pico,
            ent_writes: HashMap::new(),
            rid: Arc::from(""),
            rule_name: None,
            postlude: None,
            event: None,
            txn_id,
            in_query: false,
            query_eci: None,
            directives: Vec::new(),
            raised: Vec::new(),
            clear_schedule: false,
            logs: Vec::new(),
            modules: Vec::new(),
            initialising: Vec::new(),
            staged: Staged::default(),
            exec: ExecState::new(DEFAULT_MAX_DEPTH, engine.step_budget),
        }
    }

    /// Makes the instance of module `rid` for a `use module` of the ruleset being initialised.
    /// Matches pico-engine: the module must be installed on the same pico; its installed
    /// config is overridden by the `with` values; it runs as its own rid with no event.
    pub fn use_module(&mut self, rid: &str, with: &Map) -> Result<Arc<dyn RulesetInstance>, RuntimeError> {
        // The ruleset running this `use module` is being initialised.
        self.instantiate_module(rid, with, true)
    }

    /// The instance of module `rid` (see `use_module`). `caller_initialising` says whether the
    /// running ruleset is being initialised, so that a module using it back is a cycle; a
    /// rule or query calling a provided function (`call_provided`) is not, as in the
    /// reference, whose stack holds only the modules being initialised.
    fn instantiate_module(
        &mut self,
        rid: &str,
        with: &Map,
        caller_initialising: bool,
    ) -> Result<Arc<dyn RulesetInstance>, RuntimeError> {
        let installed = self
            .pico
            .installed(rid)
            .ok_or_else(|| RuntimeError::error(format!("Module not found: {rid}")))?;
        let code = Arc::clone(&installed.code);
        let mut config = installed.config.clone();
        for (key, value) in with.iter() {
            config.insert(Arc::clone(key), value.clone());
        }
        if self.initialising.iter().any(|r| &**r == rid) {
            let mut cycle: Vec<&str> = self.initialising.iter().map(|r| &**r).collect();
            cycle.push(rid);
            return Err(RuntimeError::error(format!(
                "Dependency Cycle Found: {}",
                cycle.join(" -> ")
            )));
        }
        let saved_rid = std::mem::replace(&mut self.rid, Arc::from(rid));
        let saved_event = self.event.take();
        let saved_modules = std::mem::take(&mut self.modules);
        if caller_initialising {
            self.initialising.push(Arc::clone(&saved_rid));
        }
        let instance = code.compiled.instantiate(self, &config);
        if caller_initialising {
            self.initialising.pop();
        }
        self.rid = saved_rid;
        self.event = saved_event;
        self.modules = saved_modules;
        instance
    }

    /// Calls `alias:name(args)` on a used module, running as the module's rid with no event.
    fn call_module(
        &mut self,
        binding: &ModuleBinding,
        name: &str,
        positional: Vec<Value>,
        named: Vec<(Arc<str>, Value)>,
    ) -> Result<Value, RuntimeError> {
        let value = binding.instance.provided(name).ok_or_else(|| {
            RuntimeError::error(format!("Module {} does not provide `{name}`", binding.rid))
        })?;
        let callable = match value.as_callable() {
            Some(callable) => Arc::clone(callable),
            None => return Ok(value),
        };
        let args = crate::args::bind(&callable.param_names(), positional, named);
        // FIXME(#4): the reference runs a module defaction's actions in the caller's context.
        let saved_rid = std::mem::replace(&mut self.rid, Arc::clone(&binding.rid));
        let saved_event = self.event.take();
        let saved_modules = std::mem::replace(&mut self.modules, binding.instance.modules().to_vec());
        let result = callable.call(self, args);
        self.rid = saved_rid;
        self.event = saved_event;
        self.modules = saved_modules;
        result
    }

    /// Calls `name`, provided by ruleset `rid` (installed on this pico), as `use module rid`
    /// code would: for built-ins the reference writes with `useModule` (`event:send` with a
    /// `did`, `dido:prepareQuery`, the queries `dido:route` answers). Positional arguments
    /// from an array, named ones from a map.
    pub(crate) fn call_provided(
        &mut self,
        rid: &str,
        name: &str,
        args: Value,
    ) -> Result<Value, RuntimeError> {
        let instance = self.instantiate_module(rid, &Map::new(), false)?;
        let binding = ModuleBinding {
            alias: Arc::from(rid),
            rid: Arc::from(rid),
            instance,
        };
        let (positional, named) = match &args {
            Value::Array(items) => (items.to_vec(), Vec::new()),
            Value::Map(map) => (
                Vec::new(),
                map.iter()
                    .map(|(key, value)| (Arc::clone(key), value.clone()))
                    .collect(),
            ),
            _ => (Vec::new(), Vec::new()),
        };
        self.call_module(&binding, name, positional, named)
    }

    /// The modules in scope for the code running now (set while a ruleset initialises).
    pub fn modules_mut(&mut self) -> &mut Vec<ModuleBinding> {
        &mut self.modules
    }

    /// The rid whose code is running.
    pub fn rid(&self) -> &str {
        &self.rid
    }

    pub fn pico_id(&self) -> &str {
        &self.pico.id
    }

    /// The current event, if any (none in queries and module code).
    pub fn event(&self) -> Option<&Event> {
        self.event.as_deref()
    }

    /// Names the rule being run, for directives, `meta:ruleName` and logs.
    pub fn set_rule_name(&mut self, name: Option<&str>) {
        self.rule_name = name.map(Arc::from);
    }

    /// Reads `ent:name` of the running ruleset (null when unset).
    pub fn ent_get(&self, name: &str) -> Value {
        let key = (Arc::clone(&self.rid), Arc::from(name));
        match self.ent_writes.get(&key) {
            Some(written) => written.clone().unwrap_or_default(),
            None => self.pico.ent.get(&key).cloned().unwrap_or_default(),
        }
    }

    /// `ent:name := value` or `ent:name{path} := value`. Matches pico-engine: assigning null
    /// deletes the variable.
    pub fn ent_put(&mut self, name: &str, path: Option<&Value>, value: Value) -> Result<(), RuntimeError> {
        let value = match path {
            None => value,
            Some(path) => ent::set_path(self.ent_get(name), path, value)?,
        };
        let stored = if value.is_null() {
            None
        } else {
            Some(to_json_value(&value)?)
        };
        self.ent_writes
            .insert((Arc::clone(&self.rid), Arc::from(name)), stored);
        Ok(())
    }

    /// `clear ent:name` or `clear ent:name{path}`.
    pub fn ent_clear(&mut self, name: &str, path: Option<&Value>) {
        let value = match path {
            None => Value::Null,
            Some(path) => ent::clear_path(&self.ent_get(name), path),
        };
        let stored = if value.is_null() { None } else { Some(value) };
        self.ent_writes
            .insert((Arc::clone(&self.rid), Arc::from(name)), stored);
    }

    /// `raise domain event name attributes attrs`. Matches pico-engine: the raised event keeps
    /// the current event's eci, gets the current time, and is offered to every ruleset after
    /// the current event (breadth first). Raises during a query are discarded.
    pub fn raise(&mut self, domain: &Value, name: &Value, attrs: Value) -> Result<(), RuntimeError> {
        if self.in_query {
            return Ok(());
        }
        let time = self.engine.now();
        let event = Event::clean(
            &self.raise_eci(),
            &domain.to_krl_string(),
            &name.to_krl_string(),
            attrs,
            time,
        )?;
        self.push_raised(event, None);
        Ok(())
    }

    /// Matches pico-engine: a raised event keeps the current event's eci.
    fn raise_eci(&self) -> String {
        self.event
            .as_ref()
            .map_or_else(|| "[raise]".to_string(), |e| e.eci.to_string())
    }

    /// Schedules a raised event (for ruleset `only`, or for all) and tells the trace sink.
    fn push_raised(&mut self, event: Event, only: Option<Arc<str>>) {
        if let Some(sink) = &self.engine.trace {
            sink.record(TraceEvent::Raised {
                pico_id: self.pico.id.clone(),
                rid: Arc::clone(&self.rid),
                rule: self.rule_name.as_deref().map(str::to_string),
                domain: Arc::clone(&event.domain),
                name: Arc::clone(&event.name),
                attrs: event.attrs.clone(),
            });
        }
        self.raised.push((event, only));
    }

    /// `raise event "domain:name"`: whitespace removed, split at the first `:`.
    pub fn raise_dynamic(&mut self, domain_and_type: &Value, attrs: Value) -> Result<(), RuntimeError> {
        let (domain, name) = Self::split_event_type(domain_and_type);
        self.raise(&domain, &name, attrs)
    }

    /// Logs `rule selected` and tells the trace sink (if any) that rule `rule` of the running
    /// ruleset was selected.
    pub(crate) fn trace_rule_selected(&mut self, rule: &Arc<str>, event: &Event) {
        self.push_line(
            "debug",
            "rule selected".to_string(),
            None,
            LogDetail::Rule(Arc::clone(rule)),
        );
        if let Some(sink) = &self.engine.trace {
            sink.record(TraceEvent::RuleSelected {
                pico_id: self.pico.id.clone(),
                rid: Arc::clone(&self.rid),
                rule: rule.to_string(),
                domain: Arc::clone(&event.domain),
                name: Arc::clone(&event.name),
            });
        }
    }

    /// Logs `fired` or `not fired` and tells the trace sink (if any) which postlude branch the
    /// running rule takes. Called by the backend once the action block has run.
    pub fn trace_postlude(&mut self, branch: PostludeBranch) {
        let message = match branch {
            PostludeBranch::Fired => "fired",
            PostludeBranch::NotFired => "not fired",
        };
        self.push_log("debug", message.to_string(), None);
        self.postlude = Some(branch);
        if let Some(sink) = &self.engine.trace {
            sink.record(TraceEvent::Postlude {
                pico_id: self.pico.id.clone(),
                rid: Arc::clone(&self.rid),
                rule: self.rule_name.as_deref().unwrap_or_default().to_string(),
                branch,
            });
        }
    }

    /// A `log level message` statement.
    pub fn log_statement(&mut self, level: &'static str, message: &Value) {
        let message = message.to_krl_string().into_owned();
        self.push_log(level, message, None);
    }

    /// `error level data`: raises `system:error` for this ruleset only; level `error` also
    /// drops the rest of the transaction's schedule (the caller then stops the rule).
    pub fn error_statement(&mut self, level: &'static str, data: Value) -> Result<(), RuntimeError> {
        let mut attrs = Map::new();
        attrs.insert("level", Value::string(level));
        attrs.insert("data", data);
        attrs.insert("rid", Value::string(&*self.rid));
        attrs.insert(
            "rule_name",
            self.rule_name.as_deref().map(Value::string).unwrap_or_default(),
        );
        attrs.insert("genus", Value::string("user"));
        if level == "error" {
            // Matches pico-engine: the whole schedule goes, events this rule raised earlier
            // included.
            self.clear_schedule = true;
            self.raised.clear();
        }
        if self.in_query {
            return Ok(());
        }
        let event = Event::clean(
            &self.raise_eci(),
            "system",
            "error",
            Value::map(attrs),
            self.engine.now(),
        )?;
        // Matches pico-engine: offered to this ruleset only.
        self.push_raised(event, Some(Arc::clone(&self.rid)));
        Ok(())
    }

    fn push_log(&mut self, level: &'static str, message: String, data: Option<Value>) {
        self.push_line(level, message, data, LogDetail::None);
    }

    /// A line of this transaction for the running ruleset.
    fn push_line(&mut self, level: &'static str, message: String, data: Option<Value>, detail: LogDetail) {
        let time = self.engine.now();
        self.logs.push(LogEntry {
            time,
            level,
            rid: Some(Arc::clone(&self.rid)),
            message,
            data,
            txn_id: Some(Arc::clone(&self.txn_id)),
            detail,
        });
    }

    /// One of the engine's own lines of this transaction (level debug, no rid unless given).
    pub(crate) fn engine_line(&mut self, message: &str, rid: Option<Arc<str>>, detail: LogDetail) {
        let mut line = LogEntry::new(self.engine.now(), "debug", message);
        line.rid = rid;
        line.txn_id = Some(Arc::clone(&self.txn_id));
        line.detail = detail;
        self.logs.push(line);
    }

    fn event_member(&self, name: &str) -> Result<Value, RuntimeError> {
        let Some(event) = &self.event else {
            return Ok(Value::Null);
        };
        Ok(match name {
            "attrs" => event.attrs.clone(),
            "domain" => Value::string(&*event.domain),
            "name" | "type" => Value::string(&*event.name),
            "eci" => Value::string(&*event.eci),
            "eid" => Value::string(&*self.txn_id),
            "time" => Value::number(event.time),
            _ => return Err(unknown_module(name)),
        })
    }

    fn meta_member(&self, name: &str) -> Result<Value, RuntimeError> {
        Ok(match name {
            "rid" => Value::string(&*self.rid),
            "picoId" => Value::string(&*self.pico.id),
            "inEvent" => Value::Boolean(self.event.is_some() && !self.in_query),
            "inQuery" => Value::Boolean(self.in_query),
            "ruleName" => self.rule_name.as_deref().map(Value::string).unwrap_or_default(),
            "txnId" => Value::string(&*self.txn_id),
            "eci" => self
                .event
                .as_ref()
                .map(|e| Arc::clone(&e.eci))
                .or_else(|| self.query_eci.clone())
                .map(Value::String)
                .unwrap_or_default(),
            "host" => Value::string(self.engine.base_url()),
            "rid_url" | "rulesetURI" => self.installed_url(),
            "rulesetConfig" => self.installed_config(),
            _ => return Err(unknown_module(name)),
        })
    }

    fn ctx_member(&self, name: &str) -> Result<Value, RuntimeError> {
        Ok(match name {
            "picoId" => Value::string(&*self.pico.id),
            "rid" => Value::string(&*self.rid),
            "parent" => self.pico.parent.as_deref().map(Value::string).unwrap_or_default(),
            "children" => Value::array(
                self.pico
                    .children
                    .iter()
                    .map(|c| Value::string(c.as_str()))
                    .collect(),
            ),
            "channels" => {
                // Matches pico-engine: the implicit self channel is listed too, all sorted by id.
                let own = crate::engine::channel::Channel::self_channel(&self.pico.id);
                let mut channels: Vec<&crate::engine::channel::Channel> =
                    self.pico.channels.values().collect();
                channels.push(&own);
                channels.sort_by(|a, b| a.id.cmp(&b.id));
                Value::array(channels.into_iter().map(|c| c.to_value()).collect())
            }
            "rid_url" => self.installed_url(),
            "rid_config" => self.installed_config(),
            "rid_name" | "rid_description" | "rid_author" | "rid_version" => {
                let meta = self
                    .pico
                    .installed(&self.rid)
                    .map(|r| r.code.compiled.meta().clone())
                    .unwrap_or_default();
                let value = match name {
                    "rid_name" => meta.name,
                    "rid_description" => meta.description,
                    "rid_author" => meta.author,
                    _ => meta.version,
                };
                value.map(Value::string).unwrap_or_default()
            }
            _ => return Err(unknown_module(name)),
        })
    }

    fn installed_url(&self) -> Value {
        self.pico
            .installed(&self.rid)
            .map(|r| Value::string(r.url.as_str()))
            .unwrap_or_default()
    }

    fn installed_config(&self) -> Value {
        self.pico
            .installed(&self.rid)
            .map(|r| Value::map(r.config.clone()))
            .unwrap_or_default()
    }
}

/// Matches pico-engine: values are stored as JSON, so regexes become `{}` and functions vanish.
/// A value nested too deeply to be read back is an error, not a silent null.
fn to_json_value(value: &Value) -> Result<Value, RuntimeError> {
    match value {
        Value::Null | Value::Boolean(_) | Value::Number(_) | Value::String(_) => Ok(value.clone()),
        other => match other.encode(0) {
            Some(json) => Value::decode(&json).map_err(|err| RuntimeError::range_error(err.to_string())),
            None => Ok(Value::Null),
        },
    }
}

impl Host for TxnContext<'_> {
    fn exec(&self) -> &ExecState {
        &self.exec
    }

    fn call(&mut self, callee: &Value, args: Vec<Value>) -> Result<Value, RuntimeError> {
        match callee.as_callable() {
            Some(callable) => Arc::clone(callable).call(self, args),
            None => Err(crate::host::not_a_function(callee)),
        }
    }

    fn log(&mut self, level: LogLevel, message: &str, data: Option<&Value>) {
        let level = match level {
            LogLevel::Klog => "klog",
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        };
        self.push_log(level, message.to_string(), data.cloned());
    }

    fn add_directive(&mut self, name: Value, options: Value) -> Result<Value, RuntimeError> {
        // One shared empty map for every directive sent without options (maps are never
        // mutated once shared), instead of an allocation per directive.
        static NO_OPTIONS: std::sync::LazyLock<Value> = std::sync::LazyLock::new(|| Value::map(Map::new()));
        let options = if options.is_null() {
            NO_OPTIONS.clone()
        } else {
            options
        };
        // Keys shared by every directive, made once: a directive is built per rule that
        // sends one, and allocating each key showed up in profiles.
        static KEYS: std::sync::LazyLock<[Arc<str>; 8]> = std::sync::LazyLock::new(|| {
            [
                "rid",
                "rule_name",
                "txnId",
                "type",
                "name",
                "options",
                "meta",
                "directive",
            ]
            .map(Arc::from)
        });
        let [
            rid,
            rule_name,
            txn_id,
            kind,
            name_key,
            options_key,
            meta_key,
            directive_word,
        ] = &*KEYS;
        let mut meta = Map::with_capacity(3);
        meta.insert(Arc::clone(rid), Value::String(Arc::clone(&self.rid)));
        meta.insert(
            Arc::clone(rule_name),
            self.rule_name.clone().map(Value::String).unwrap_or_default(),
        );
        meta.insert(Arc::clone(txn_id), Value::String(Arc::clone(&self.txn_id)));
        let mut directive = Map::with_capacity(4);
        directive.insert(Arc::clone(kind), Value::String(Arc::clone(directive_word)));
        directive.insert(Arc::clone(name_key), name);
        directive.insert(Arc::clone(options_key), options);
        directive.insert(Arc::clone(meta_key), Value::map(meta));
        let directive = Value::map(directive);
        self.directives.push(directive.clone());
        Ok(directive)
    }

    fn module_get(&mut self, domain: &str, name: &str) -> Result<Value, RuntimeError> {
        match domain {
            "ent" => Ok(self.ent_get(name)),
            "event" => self.event_member(name),
            "meta" => self.meta_member(name),
            // `ctx:rulesets` and `ctx:logs` are answered by the `ctx` module.
            "ctx" if crate::engine::modules::ctx::answers(name) => {
                crate::engine::modules::call(self, domain, name, Vec::new(), Vec::new())
            }
            "ctx" => self.ctx_member(name),
            // Matches pico-engine: a module function referenced without parentheses is
            // called with no arguments (`time:now` is `time:now()`).
            _ => self.module_call(domain, name, Vec::new(), Vec::new()),
        }
    }

    fn module_call(
        &mut self,
        domain: &str,
        name: &str,
        positional: Vec<Value>,
        named: Vec<(Arc<str>, Value)>,
    ) -> Result<Value, RuntimeError> {
        // Matches pico-engine: a used module's alias wins over a built-in module's name.
        if let Some(binding) = self.modules.iter().find(|m| &*m.alias == domain).cloned() {
            return self.call_module(&binding, name, positional, named);
        }
        crate::engine::modules::call(self, domain, name, positional, named)
    }
}

/// Compiled ruleset code runs against this narrow interface; each method is the transaction's
/// own, above.
impl RuleHost for TxnContext<'_> {
    fn ent_put(&mut self, name: &str, path: Option<&Value>, value: Value) -> Result<(), RuntimeError> {
        TxnContext::ent_put(self, name, path, value)
    }

    fn ent_clear(&mut self, name: &str, path: Option<&Value>) {
        TxnContext::ent_clear(self, name, path)
    }

    fn raise(&mut self, domain: &Value, name: &Value, attrs: Value) -> Result<(), RuntimeError> {
        TxnContext::raise(self, domain, name, attrs)
    }

    fn raise_dynamic(&mut self, domain_and_type: &Value, attrs: Value) -> Result<(), RuntimeError> {
        TxnContext::raise_dynamic(self, domain_and_type, attrs)
    }

    fn schedule_at(
        &mut self,
        domain: &Value,
        name: &Value,
        time: &Value,
        attrs: Value,
    ) -> Result<Value, RuntimeError> {
        TxnContext::schedule_at(self, domain, name, time, attrs)
    }

    fn schedule_repeat(
        &mut self,
        domain: &Value,
        name: &Value,
        timespec: &Value,
        attrs: Value,
    ) -> Result<Value, RuntimeError> {
        TxnContext::schedule_repeat(self, domain, name, timespec, attrs)
    }

    fn log_statement(&mut self, level: &'static str, message: &Value) {
        TxnContext::log_statement(self, level, message)
    }

    fn error_statement(&mut self, level: &'static str, data: Value) -> Result<(), RuntimeError> {
        TxnContext::error_statement(self, level, data)
    }

    fn trace_postlude(&mut self, branch: PostludeBranch) {
        TxnContext::trace_postlude(self, branch)
    }

    fn use_module(&mut self, rid: &str, with: &Map) -> Result<Arc<dyn RulesetInstance>, RuntimeError> {
        TxnContext::use_module(self, rid, with)
    }

    fn modules_mut(&mut self) -> &mut Vec<ModuleBinding> {
        TxnContext::modules_mut(self)
    }
}
