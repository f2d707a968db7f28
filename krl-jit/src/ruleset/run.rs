//! Running a lowered ruleset in the engine: initialisation, `where` conditions, rule
//! bodies (foreach, prelude, actions, postlude) and queries.

use std::sync::Arc;

use krl_builtins::TESTING;
use krl_runtime::engine::trace::PostludeBranch;
use krl_runtime::engine::{
    CompiledRuleset, ModuleBinding, RuleHost, RuleOutcome, RuleSpec, RulesetInstance, RulesetMeta, TxnContext,
};
use krl_runtime::value::{Map, Value};
use krl_runtime::{Host, RuntimeError};

use super::code::{Unit, UnitTier};
use super::ir::{EventTarget, Guard, RuleIr, RulesetIr, ScheduleWhen, StmtIr, StmtKind};
use super::sources::{self, RulesetSource};
use crate::interp::{self, Frame};
use crate::interp::{ActionArgs, ActionValues};
use crate::ir::{ActionIr, Decl, Node};

/// A compiled ruleset: its IR, shared by every pico that installs it.
pub struct CompiledKrl {
    pub(crate) ir: Arc<RulesetIr>,
    /// Its text, registered under the file id its IR's spans point into.
    pub(crate) source: Arc<RulesetSource>,
}

/// Runs one entry point into a ruleset's code (a rule, a condition, a query, the
/// initialisation) and gives an error leaving it the place where it was raised: the
/// innermost failing node and function, recorded by the interpreter as the error unwound.
fn located<H: Host + ?Sized, T>(
    cx: &mut H,
    source: &RulesetSource,
    rule: Option<&str>,
    body: impl FnOnce(&mut H) -> Result<T, RuntimeError>,
) -> Result<T, RuntimeError> {
    // A place left over from an error something swallowed must not be taken for ours.
    cx.exec().take_error_place();
    let previous_file = cx.exec().replace_file(source.file());
    let result = body(cx);
    cx.exec().replace_file(previous_file);
    result.map_err(|error| {
        let (span, function) = cx.exec().take_error_place();
        error.with_location(|| sources::locate(span?, rule, function.as_deref()))
    })
}

/// Stores the engine's bindings, which come in the order of `slots` (lowering ordered a
/// rule's by `select::setting_names`, a `where`'s as its leaf's `setting`); a binding the
/// engine did not send is null.
fn bind_in_order(frame: &Frame, slots: &[(String, u16)], mut values: impl Iterator<Item = Value>) {
    for (_, slot) in slots {
        frame.set(*slot, values.next().unwrap_or_default());
    }
}

impl CompiledRuleset for CompiledKrl {
    fn rid(&self) -> &str {
        &self.ir.rid
    }

    fn meta(&self) -> &RulesetMeta {
        &self.ir.meta
    }

    fn rules(&self) -> &[RuleSpec] {
        &self.ir.specs
    }

    fn inactive_rules(&self) -> &[(String, krl_diagnostics::Span)] {
        &self.ir.inactive
    }

    fn instantiate(
        &self,
        cx: &mut dyn RuleHost,
        config: &Map,
    ) -> Result<Arc<dyn RulesetInstance>, RuntimeError> {
        located(cx, &self.source, None, |cx| self.initialise(cx, config))
    }
}

impl CompiledKrl {
    fn initialise(
        &self,
        cx: &mut dyn RuleHost,
        config: &Map,
    ) -> Result<Arc<dyn RulesetInstance>, RuntimeError> {
        let globals = Frame::new(self.ir.n_global_slots, None);
        for decl in &self.ir.configure {
            // Matches pico-engine: a configured value replaces the default expression.
            let value = match config.get(&decl.name) {
                Some(value) => value.clone(),
                None => interp::eval(&decl.value, &globals, cx)?,
            };
            globals.set(decl.slot, value);
        }
        let mut modules = Vec::with_capacity(self.ir.uses.len());
        for module in &self.ir.uses {
            let mut with = Map::new();
            for (name, node) in &module.with {
                with.insert(Arc::clone(name), interp::eval(node, &globals, cx)?);
            }
            let instance = cx.use_module(&module.rid, &with)?;
            modules.push(ModuleBinding {
                alias: Arc::clone(&module.alias),
                rid: Arc::clone(&module.rid),
                instance,
            });
        }
        // Globals can call the modules they use.
        let saved = std::mem::replace(cx.modules_mut(), modules.clone());
        let result = interp::run_block(&self.ir.globals, &globals, cx);
        *cx.modules_mut() = saved;
        result?;
        let mut within = Vec::with_capacity(self.ir.rules.len());
        for rule in &self.ir.rules {
            within.push(match &rule.within {
                Some((amount, unit)) => {
                    let amount = interp::eval(amount, &Frame::new(0, Some(Arc::clone(&globals))), cx)?;
                    Some(amount.to_number_or_null().unwrap_or(f64::NAN) * unit)
                }
                None => None,
            });
        }
        Ok(Arc::new(KrlInstance {
            ir: Arc::clone(&self.ir),
            source: Arc::clone(&self.source),
            globals,
            within,
            modules,
        }))
    }
}

/// A unit of a rule's code that lowering did not make: an IR out of step with itself.
fn missing_unit(index: usize) -> RuntimeError {
    RuntimeError::error(format!("no compiled unit number {index} in this rule"))
}

/// A rule's action block values, each a unit of the rule's code.
struct RuleValues<'a> {
    instance: &'a KrlInstance,
    rule: &'a RuleIr,
    frame: &'a Arc<Frame>,
}

impl ActionValues for RuleValues<'_> {
    fn discriminant(&mut self, node: &Node, host: &mut dyn Host) -> Result<Value, RuntimeError> {
        let unit = &self.rule.code.choose;
        self.instance
            .run_unit(host, self.rule, unit, (&[], node), self.frame)
    }

    fn args(
        &mut self,
        action: &ActionIr,
        idx: usize,
        host: &mut dyn Host,
    ) -> Result<ActionArgs, RuntimeError> {
        self.instance
            .action_args(host, self.rule, (action, idx), self.frame)
    }
}

/// A ruleset initialised on a pico: its global frame and evaluated `within` limits.
struct KrlInstance {
    ir: Arc<RulesetIr>,
    /// Its text, registered for locating errors (and kept so while the instance can run).
    source: Arc<RulesetSource>,
    globals: Arc<Frame>,
    within: Vec<Option<f64>>,
    modules: Vec<ModuleBinding>,
}

/// Whether the body keeps going after a statement.
#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Last,
}

impl KrlInstance {
    fn rule_name(&self, idx: usize) -> Option<&str> {
        self.ir.specs.get(idx).map(|spec| spec.name.as_str())
    }

    fn rule(&self, idx: usize) -> Result<&RuleIr, RuntimeError> {
        self.ir
            .rules
            .get(idx)
            .ok_or_else(|| RuntimeError::error(format!("no rule number {idx}")))
    }

    fn run_loops(
        &self,
        cx: &mut dyn RuleHost,
        rule: &RuleIr,
        level: usize,
        frame: &Arc<Frame>,
        on_final: bool,
    ) -> Result<Flow, RuntimeError> {
        let Some(loop_) = rule.foreach.get(level) else {
            return self.run_body(cx, rule, frame, on_final);
        };
        let unit = rule.code.foreach.get(level).ok_or_else(|| missing_unit(level))?;
        let collection = self.run_unit(cx, rule, unit, (&[], &loop_.collection), frame)?;
        // Matches pico-engine: arrays give (value, index), maps (value, key), strings their
        // characters; anything else runs the body zero times.
        let pairs: Vec<(Value, Value)> = match &collection {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (v.clone(), Value::number(i as f64)))
                .collect(),
            Value::Map(map) => map
                .iter()
                .map(|(k, v)| (v.clone(), Value::string(k.as_ref())))
                .collect(),
            Value::String(text) => text
                .chars()
                .enumerate()
                .map(|(i, c)| (Value::string(c.to_string()), Value::string(i.to_string())))
                .collect(),
            _ => Vec::new(),
        };
        let count = pairs.len();
        for (idx, (value, key)) in pairs.into_iter().enumerate() {
            cx.exec().step()?;
            let inner = Frame::new(loop_.n_slots, Some(Arc::clone(frame)));
            if let Some(slot) = loop_.value_slot {
                inner.set(slot, value);
            }
            if let Some(slot) = loop_.key_slot {
                inner.set(slot, key);
            }
            if self.run_loops(cx, rule, level + 1, &inner, on_final && idx + 1 == count)? == Flow::Last {
                return Ok(Flow::Last);
            }
        }
        Ok(Flow::Continue)
    }

    fn run_body(
        &self,
        cx: &mut dyn RuleHost,
        rule: &RuleIr,
        frame: &Arc<Frame>,
        on_final: bool,
    ) -> Result<Flow, RuntimeError> {
        // The prelude: `pre`, then the action block's condition, as one unit.
        let condition = match &rule.actions {
            Some(block) => block.condition.as_ref().unwrap_or(&rule.code.always),
            None => &rule.code.always,
        };
        let prelude = (rule.pre.as_slice(), condition);
        let holds = self
            .run_unit(cx, rule, &rule.code.prelude, prelude, frame)?
            .truthy();
        let fired = match &rule.actions {
            Some(block) if holds => {
                let mut values = RuleValues {
                    instance: self,
                    rule,
                    frame,
                };
                interp::run_chosen_actions(block, frame, cx, &mut values)?;
                true
            }
            Some(_) => false,
            None => true,
        };
        cx.trace_postlude(if fired {
            PostludeBranch::Fired
        } else {
            PostludeBranch::NotFired
        });
        let branch = if fired { &rule.fired } else { &rule.notfired };
        for stmt in branch.iter().chain(&rule.always) {
            // Errors of the engine's own (`ent:` writes, `raise`) point at their statement.
            if interp::at(self.run_statement(cx, rule, stmt, frame, on_final), stmt.span, cx)? == Flow::Last {
                return Ok(Flow::Last);
            }
        }
        Ok(Flow::Continue)
    }

    /// Runs one unit of the rule's code in `frame`, compiled when its tier says so.
    fn run_unit(
        &self,
        cx: &mut dyn Host,
        rule: &RuleIr,
        tier: &UnitTier,
        (decls, result): (&[Decl], &Node),
        frame: &Arc<Frame>,
    ) -> Result<Value, RuntimeError> {
        let unit = Unit {
            rule: &rule.code,
            file: self.source.file(),
            decls,
            result,
        };
        tier.run(&unit, frame, cx)
    }

    /// The arguments of the action at `idx` of the rule's action block, each a unit.
    fn action_args(
        &self,
        host: &mut dyn Host,
        rule: &RuleIr,
        (action, idx): (&ActionIr, usize),
        frame: &Arc<Frame>,
    ) -> Result<ActionArgs, RuntimeError> {
        let units = rule.code.action_args.get(idx).ok_or_else(|| missing_unit(idx))?;
        let mut units = units.iter();
        let mut next = |node: &Node, host: &mut dyn Host| {
            let unit = units.next().ok_or_else(|| missing_unit(idx))?;
            self.run_unit(host, rule, unit, (&[], node), frame)
        };
        let mut positional = Vec::with_capacity(action.args.positional.len());
        for node in &action.args.positional {
            positional.push(next(node, host)?);
        }
        let mut named = Vec::with_capacity(action.args.named.len());
        for (name, node) in &action.args.named {
            named.push((Arc::clone(name), next(node, host)?));
        }
        Ok((positional, named))
    }

    /// The value of a statement's expression, its unit `part` (see `StmtCode`).
    fn part(
        &self,
        cx: &mut dyn Host,
        (rule, stmt): (&RuleIr, &StmtIr),
        part: usize,
        node: &Node,
        frame: &Arc<Frame>,
    ) -> Result<Value, RuntimeError> {
        let unit = stmt.code.parts.get(part).ok_or_else(|| missing_unit(part))?;
        self.run_unit(cx, rule, unit, (&[], node), frame)
    }

    fn run_statement(
        &self,
        cx: &mut dyn RuleHost,
        rule: &RuleIr,
        stmt: &StmtIr,
        frame: &Arc<Frame>,
        on_final: bool,
    ) -> Result<Flow, RuntimeError> {
        // Each expression is a unit of its own (`StmtCode`), numbered in evaluation order.
        let eval =
            |cx: &mut dyn RuleHost, part: usize, node: &Node| self.part(cx, (rule, stmt), part, node, frame);
        match &stmt.guard {
            Some(Guard::OnFinal) if !on_final => return Ok(Flow::Continue),
            Some(Guard::If(condition))
                if !self
                    .run_unit(cx, rule, &stmt.code.guard, (&[], condition), frame)?
                    .truthy() =>
            {
                return Ok(Flow::Continue);
            }
            _ => {}
        }
        match &stmt.kind {
            StmtKind::EntSet { name, path, value } => {
                let path = path.as_ref().map(|p| eval(cx, 0, p)).transpose()?;
                let value = eval(cx, 1, value)?;
                cx.ent_put(name, path.as_ref(), value)?;
            }
            StmtKind::EntClear { name, path } => {
                let path = path.as_ref().map(|p| eval(cx, 0, p)).transpose()?;
                cx.ent_clear(name, path.as_ref());
            }
            StmtKind::Raise { target, attrs } => {
                let attrs = match attrs {
                    Some(attrs) => eval(cx, 0, attrs)?,
                    None => Value::Null,
                };
                match target {
                    EventTarget::Static { domain, name } => {
                        let name = eval(cx, 1, name)?;
                        cx.raise(&Value::string(&**domain), &name, attrs)?;
                    }
                    EventTarget::Dynamic(expr) => {
                        let domain_and_type = eval(cx, 1, expr)?;
                        cx.raise_dynamic(&domain_and_type, attrs)?;
                    }
                }
            }
            StmtKind::Schedule {
                target,
                time,
                attrs,
                setting,
            } => {
                // Evaluated in the reference's order: attributes, event, time.
                let attrs = match attrs {
                    Some(attrs) => eval(cx, 0, attrs)?,
                    None => Value::Null,
                };
                let (domain, name) = match target {
                    EventTarget::Static { domain, name } => (Value::string(&**domain), eval(cx, 1, name)?),
                    EventTarget::Dynamic(expr) => TxnContext::split_event_type(&eval(cx, 1, expr)?),
                };
                let scheduled = match time {
                    ScheduleWhen::At(time) => {
                        let time = eval(cx, 2, time)?;
                        cx.schedule_at(&domain, &name, &time, attrs)
                    }
                    ScheduleWhen::Repeat(timespec) => {
                        let timespec = eval(cx, 2, timespec)?;
                        cx.schedule_repeat(&domain, &name, &timespec, attrs)
                    }
                };
                let record = interp::at(scheduled, stmt.span, cx)?;
                if let Some(slot) = setting {
                    frame.set(*slot, record);
                }
            }
            StmtKind::Log { level, message } => {
                let message = eval(cx, 0, message)?;
                cx.log_statement(level, &message);
            }
            StmtKind::Error { level, message } => {
                let data = eval(cx, 0, message)?;
                cx.error_statement(level, data)?;
                if *level == "error" {
                    return Ok(Flow::Last);
                }
            }
            StmtKind::Last => return Ok(Flow::Last),
            StmtKind::Decl(decl) => {
                // A unit that binds the declaration (its value is the rule's `true`).
                let decls = std::slice::from_ref(decl);
                self.run_unit(cx, rule, &stmt.code.parts[0], (decls, &rule.code.always), frame)?;
            }
        }
        Ok(Flow::Continue)
    }

    fn export(&self, name: &str) -> Option<Value> {
        let Some(&(_, slot)) = self.ir.exports.iter().find(|(n, _)| n == name) else {
            let builtin = self.ir.builtin_exports.iter().find(|(n, _)| n == name);
            return builtin.map(|(_, value)| value.clone());
        };
        self.globals.get(slot, name).ok().cloned()
    }
}

impl RulesetInstance for KrlInstance {
    fn within_ms(&self, rule: usize) -> Option<f64> {
        self.within.get(rule).copied().flatten()
    }

    fn eval_where(
        &self,
        cx: &mut dyn RuleHost,
        rule: usize,
        where_id: u32,
        bindings: &[Value],
    ) -> Result<bool, RuntimeError> {
        let rule_name = self.rule_name(rule);
        let rule = self.rule(rule)?;
        let Some(ir) = rule.wheres.get(where_id as usize) else {
            return Ok(true);
        };
        let frame = Frame::new(ir.n_slots, Some(Arc::clone(&self.globals)));
        bind_in_order(&frame, &ir.bindings, bindings.iter().cloned());
        let unit = rule
            .code
            .wheres
            .get(where_id as usize)
            .ok_or_else(|| missing_unit(where_id as usize))?;
        located(cx, &self.source, rule_name, |cx| {
            Ok(self
                .run_unit(cx, rule, unit, (&[], &ir.condition), &frame)?
                .truthy())
        })
    }

    fn select_where(&self, cx: &mut dyn RuleHost, rule: usize) -> Result<bool, RuntimeError> {
        let rule_name = self.rule_name(rule);
        let rule = self.rule(rule)?;
        let Some(condition) = &rule.select_where else {
            return Ok(false);
        };
        let frame = Frame::new(0, Some(Arc::clone(&self.globals)));
        // Matches pico-engine: `select where` fires only on exactly `true`.
        located(cx, &self.source, rule_name, |cx| {
            Ok(matches!(
                self.run_unit(cx, rule, &rule.code.select_where, (&[], condition), &frame)?,
                Value::Boolean(true)
            ))
        })
    }

    fn run_rule(
        &self,
        cx: &mut dyn RuleHost,
        rule_idx: usize,
        bindings: Vec<Value>,
    ) -> Result<RuleOutcome, RuntimeError> {
        let rule = self.rule(rule_idx)?;
        let frame = Frame::new(rule.n_slots, Some(Arc::clone(&self.globals)));
        bind_in_order(&frame, &rule.bindings, bindings.into_iter());
        let flow = located(cx, &self.source, self.rule_name(rule_idx), |cx| {
            self.run_loops(cx, rule, 0, &frame, true)
        })?;
        Ok(RuleOutcome {
            last: flow == Flow::Last,
        })
    }

    fn query(&self, cx: &mut dyn RuleHost, name: &str, args: &Map) -> Result<Value, RuntimeError> {
        if name == TESTING {
            // Matches pico-engine: the ruleset's own `__testing` if `global` declares one (its
            // value, never called), else the generated map.
            let declared = self
                .ir
                .testing_slot
                .and_then(|slot| self.globals.get(slot, name).ok());
            return Ok(declared.cloned().unwrap_or_else(|| self.ir.testing.clone()));
        }
        let value = match self.export(name) {
            Some(value) => value,
            None => {
                return Err(RuntimeError::error(format!(
                    "Ruleset {} does not have query function \"{name}\"",
                    self.ir.rid
                )));
            }
        };
        match &value {
            Value::Function(callable) => {
                let positional = krl_runtime::args::bind_map(&callable.param_names(), args);
                located(cx, &self.source, None, |cx| cx.call(&value, positional))
            }
            _ => Ok(value),
        }
    }

    fn provided(&self, name: &str) -> Option<Value> {
        self.ir
            .meta
            .provides
            .iter()
            .any(|p| p == name)
            .then(|| self.export(name))
            .flatten()
    }

    fn modules(&self) -> &[ModuleBinding] {
        &self.modules
    }
}
