//! What the engine needs from a compiler: the runtime runs rulesets it cannot compile itself
//! (it never depends on krl-syntax) through these traits, which krl-jit implements. Compiled
//! code gets the engine as a [`RuleHost`], never as its concrete transaction type.

use std::sync::Arc;

use krl_diagnostics::{Diagnostic, Span};

use super::rule_host::RuleHost;
use super::select::EventExpr;
use crate::RuntimeError;
use crate::value::{Map, Value};

/// Turns ruleset source into something the engine can install and run.
pub trait Backend: Send + Sync {
    fn compile(&self, url: &str, src: &str) -> Result<Arc<dyn CompiledRuleset>, CompileError>;

    /// The compiler's warnings about a source that compiles, for `/api/flush`. Kept apart
    /// from `compile` so that starting an engine never pays for them.
    fn warnings(&self, _url: &str, _src: &str) -> Vec<CompileWarning> {
        Vec::new()
    }
}

/// One compiler warning, located as pico-engine's compiler locates them: 1-based lines,
/// 0-based columns.
#[derive(Clone, Debug, PartialEq)]
pub struct CompileWarning {
    pub message: String,
    /// (line, column) where the warned-about code starts and ends.
    pub start: (u32, u32),
    pub end: (u32, u32),
}

/// Why a ruleset did not compile: a one-line message as the HTTP API reports it, plus the
/// diagnostics for tools that can show them.
#[derive(Clone, Debug)]
pub struct CompileError {
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A `use module` clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleUse {
    pub rid: String,
    /// The alias, or the rid when none was given.
    pub alias: String,
}

/// Facts from the `meta` block that the engine uses.
#[derive(Clone, Debug, Default)]
pub struct RulesetMeta {
    pub name: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub version: Option<String>,
    pub shares: Vec<String>,
    pub provides: Vec<String>,
    pub uses: Vec<ModuleUse>,
    pub configure: Vec<String>,
}

/// How a rule selects events.
#[derive(Clone, Debug)]
pub enum RuleSelect {
    /// `select when`: the automaton input; `within` is evaluated by the instance.
    When(EventExpr),
    /// `select where <expr>`: salient for every event, fires when the expression is `true`.
    Where,
}

#[derive(Clone, Debug)]
pub struct RuleSpec {
    pub name: String,
    pub select: RuleSelect,
    /// The rule's name in the ruleset's source (byte offsets), where rule traces point.
    pub span: Span,
}

/// A compiled ruleset, shared by every pico that installs it.
pub trait CompiledRuleset: Send + Sync {
    fn rid(&self) -> &str;
    fn meta(&self) -> &RulesetMeta;
    /// Active rules in declaration order (inactive rules are dropped by the compiler).
    fn rules(&self) -> &[RuleSpec];
    /// The rules written `is inactive`, by name and the span of the name, in source order
    /// (rule traces list them as never selected).
    fn inactive_rules(&self) -> &[(String, Span)] {
        &[]
    }
    /// Runs the ruleset's initialisation on a pico: `configure using` defaults (overridden
    /// by `config`), module uses, then the `global` block.
    fn instantiate(
        &self,
        cx: &mut dyn RuleHost,
        config: &Map,
    ) -> Result<Arc<dyn RulesetInstance>, RuntimeError>;
}

/// A module a ruleset uses: its alias, its rid, and the instance made for this use.
#[derive(Clone)]
pub struct ModuleBinding {
    pub alias: Arc<str>,
    pub rid: Arc<str>,
    pub instance: Arc<dyn RulesetInstance>,
}

impl std::fmt::Debug for ModuleBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleBinding")
            .field("alias", &self.alias)
            .field("rid", &self.rid)
            .finish_non_exhaustive()
    }
}

/// What a rule's body did that the engine must know.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuleOutcome {
    /// `last` ran: no further rules of this ruleset see this event.
    pub last: bool,
}

/// One ruleset initialised on one pico (or one module use).
pub trait RulesetInstance: Send + Sync {
    /// The `within` limit of rule `rule`, in milliseconds.
    fn within_ms(&self, rule: usize) -> Option<f64>;
    /// Evaluates the `where` condition `where_id` of rule `rule` with the captured bindings:
    /// one per `setting` name of its leaf, in the order written.
    fn eval_where(
        &self,
        cx: &mut dyn RuleHost,
        rule: usize,
        where_id: u32,
        bindings: &[Value],
    ) -> Result<bool, RuntimeError>;
    /// Evaluates a `select where` rule's condition; it selects only on exactly `true`.
    fn select_where(&self, cx: &mut dyn RuleHost, rule: usize) -> Result<bool, RuntimeError>;
    /// Runs a selected rule's body with the bindings its event expression captured: one per
    /// name of [`select::setting_names`](super::select::setting_names) of the rule's
    /// expression, in that order (empty for `select where`), so that a compiler that gives
    /// those names consecutive slots in that order stores them without looking names up.
    fn run_rule(
        &self,
        cx: &mut dyn RuleHost,
        rule: usize,
        bindings: Vec<Value>,
    ) -> Result<RuleOutcome, RuntimeError>;
    /// Answers a query of a shared name.
    fn query(&self, cx: &mut dyn RuleHost, name: &str, args: &Map) -> Result<Value, RuntimeError>;
    /// A value this ruleset provides to users of it as a module.
    fn provided(&self, name: &str) -> Option<Value>;
    /// The modules this instance uses (`use module`), made when it was initialised.
    fn modules(&self) -> &[ModuleBinding] {
        &[]
    }
}
