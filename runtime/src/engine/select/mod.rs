//! Event expressions as state machines (pico-engine's select-when): which rules an event is
//! salient for, and whether it completes a rule's pattern.
//!
//! The backend (krl-jit) builds an [`EventExpr`] per rule from the syntax tree; the engine
//! builds its [`Automaton`] once per ruleset instance and keeps one [`RuleState`] per (pico,
//! rid, rule). Rule states are plain data (serde), so the engine stores them with the rest of
//! a transaction's writes and partially matched patterns survive a restart.

mod aggregate;
mod automaton;
mod explain;
mod step;

use serde::{Deserialize, Serialize};

pub use self::automaton::{Automaton, setting_names};
pub use self::explain::{Check, describe_state};
pub use self::step::{StepResult, step, step_checked};
use crate::value::{Regex, Value};

/// An event expression, as written, with leaves ready to match.
#[derive(Clone, Debug)]
pub enum EventExpr {
    Leaf(Leaf),
    /// `a or b` and `or(a, b, ...)`.
    Or(Vec<EventExpr>),
    /// `a and b` and `and(...)`: all of them, in any order.
    And(Vec<EventExpr>),
    /// `a before b`: in written order, other salient events ignored.
    Before(Vec<EventExpr>),
    /// `a then b`: in written order with no other salient event in between.
    Then(Vec<EventExpr>),
    /// `a after b`: in reverse written order.
    After(Vec<EventExpr>),
    /// `a between(b, c)`.
    Between(Box<EventExpr>, Box<EventExpr>, Box<EventExpr>),
    /// `a not between(b, c)`.
    NotBetween(Box<EventExpr>, Box<EventExpr>, Box<EventExpr>),
    /// `any n (a, b, ...)`.
    Any(u32, Vec<EventExpr>),
    /// `count n (leaf) agg(vars)`.
    Count(u32, Leaf, Option<Aggregator>),
    /// `repeat n (leaf) agg(vars)`.
    Repeat(u32, Leaf, Option<Aggregator>),
}

/// `domain type attr re#..# ... setting(a, b) where <cond>`.
#[derive(Clone, Debug)]
pub struct Leaf {
    pub domain: String,
    pub name: String,
    /// Attribute tests in written order; their capture groups feed `setting` and aggregators.
    pub attrs: Vec<(String, Regex)>,
    /// Names bound to the captures, in order.
    pub setting: Vec<String>,
    /// The `where` condition, evaluated through [`WhereEval`] with this id.
    pub where_id: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AggregatorOp {
    Max,
    Min,
    Sum,
    Avg,
    Push,
}

#[derive(Clone, Debug)]
pub struct Aggregator {
    pub op: AggregatorOp,
    pub vars: Vec<String>,
}

/// The event being matched.
#[derive(Clone, Copy, Debug)]
pub struct SelectEvent<'a> {
    pub domain: &'a str,
    pub name: &'a str,
    /// The attribute map (null when the event has no attributes).
    pub attrs: &'a Value,
    /// Epoch milliseconds (0 for scheduled events), used by `within`.
    pub time: f64,
}

/// Evaluates `where` conditions for the engine; `bindings` are the captures of the leaf's
/// `setting` names, one per name in the order written (null when not captured). They shadow
/// globals of the same names.
pub trait WhereEval {
    fn eval_where(&mut self, where_id: u32, bindings: &[Value]) -> Result<bool, crate::RuntimeError>;
}

/// One rule's progress through its pattern. Absent (`None` at the call site) means "at start".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleState {
    /// Current automaton states.
    pub states: Vec<u32>,
    /// Captured variables waiting for the rule body, in binding order.
    pub setting: Vec<(String, Value)>,
    /// Per aggregator variable, the values collected so far.
    pub aggregates: Vec<(String, Vec<Value>)>,
    /// With `within`: when the current attempt started (event time).
    pub starttime: Option<f64>,
}
