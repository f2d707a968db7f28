//! The IR of a whole ruleset: its global frame, and per rule the event expression, the
//! frames of its body and its postlude statements.

use std::sync::Arc;

use krl_diagnostics::Span;
use krl_runtime::engine::{RuleSpec, RulesetMeta};
use krl_runtime::value::Value;

use super::code::{RuleCode, StmtCode};
use crate::ir::{ActionBlockIr, Decl, Node};

#[derive(Debug)]
pub struct RulesetIr {
    pub rid: String,
    pub meta: RulesetMeta,
    /// Slots of the global frame: `configure using` names first, then globals.
    pub n_global_slots: u16,
    /// `configure using` defaults, overridable by the install config.
    pub configure: Vec<Decl>,
    /// `use module` clauses with their `with` values, evaluated after `configure`.
    pub uses: Vec<UseIr>,
    pub globals: Vec<Decl>,
    pub specs: Vec<RuleSpec>,
    /// Rules written `is inactive`: their names and name spans, for rule traces.
    pub inactive: Vec<(String, Span)>,
    pub rules: Vec<RuleIr>,
    /// Shared and provided names with their global slots.
    pub exports: Vec<(String, u16)>,
    /// Shared and provided stdlib operators, with their values.
    pub builtin_exports: Vec<(String, Value)>,
    /// The generated `__testing` map.
    pub testing: Value,
    /// The global slot of the ruleset's own `__testing`, when `global` declares one.
    pub testing_slot: Option<u16>,
}

#[derive(Debug)]
pub struct UseIr {
    pub rid: Arc<str>,
    pub alias: Arc<str>,
    pub with: Vec<(Arc<str>, Node)>,
}

#[derive(Debug)]
pub struct WhereIr {
    pub n_slots: u16,
    /// The leaf's `setting` names, bound from the captures.
    pub bindings: Vec<(String, u16)>,
    pub condition: Node,
}

#[derive(Debug)]
pub struct ForeachIr {
    pub collection: Node,
    pub n_slots: u16,
    pub value_slot: Option<u16>,
    pub key_slot: Option<u16>,
}

#[derive(Debug)]
pub struct RuleIr {
    /// The rule frame holds the selected bindings (and the body when there is no foreach).
    pub n_slots: u16,
    pub bindings: Vec<(String, u16)>,
    pub select_where: Option<Node>,
    pub wheres: Vec<WhereIr>,
    /// The `within` amount and the unit in milliseconds.
    pub within: Option<(Node, f64)>,
    /// Nested loops, outermost first; the body lives in the innermost loop's frame.
    pub foreach: Vec<ForeachIr>,
    pub pre: Vec<Decl>,
    pub actions: Option<ActionBlockIr>,
    pub fired: Vec<StmtIr>,
    pub notfired: Vec<StmtIr>,
    pub always: Vec<StmtIr>,
    /// Which of its units run compiled (`code.rs`).
    pub code: RuleCode,
}

#[derive(Debug)]
pub enum Guard {
    OnFinal,
    If(Node),
}

#[derive(Debug)]
pub enum EventTarget {
    Static { domain: Arc<str>, name: Node },
    Dynamic(Node),
}

/// When a scheduled event fires: `at` a time, or `repeat` on a cron timespec.
#[derive(Debug)]
pub enum ScheduleWhen {
    At(Node),
    Repeat(Node),
}

#[derive(Debug)]
pub enum StmtKind {
    EntSet {
        name: Arc<str>,
        path: Option<Node>,
        value: Node,
    },
    EntClear {
        name: Arc<str>,
        path: Option<Node>,
    },
    Raise {
        target: EventTarget,
        attrs: Option<Node>,
    },
    /// `schedule <event> at|repeat <time> attributes <attrs> setting(x)`.
    Schedule {
        target: EventTarget,
        time: ScheduleWhen,
        attrs: Option<Node>,
        setting: Option<u16>,
    },
    Log {
        level: &'static str,
        message: Node,
    },
    Error {
        level: &'static str,
        message: Node,
    },
    Last,
    Decl(Decl),
}

#[derive(Debug)]
pub struct StmtIr {
    pub kind: StmtKind,
    pub guard: Option<Guard>,
    pub span: Span,
    /// Which of its units run compiled (`code.rs`).
    pub code: StmtCode,
}
