//! An observation hook for tools: the engine reports which rules an event selected, which
//! postlude branch each one ran and which events were raised, to a [`TraceSink`] given in
//! `EngineOptions::trace`.
//!
//! `krl test` uses it for rule coverage and to point a failure at the rule that produced
//! the output. The hook sees facts only (names, not values it could change), is called on
//! the pico's transaction thread, and costs one `Option` check per fact when no sink is set.
//! Facts are reported as they happen, also for transactions that later fail and roll back.

use std::sync::Arc;

use crate::value::Value;

/// Which postlude branch of a rule ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PostludeBranch {
    /// The action block fired (or there was none): `fired { }`.
    Fired,
    /// A conditional action block did not fire: `notfired { }` / `else { }`.
    NotFired,
}

/// One fact about a running transaction.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceEvent {
    /// A rule was selected by an event and its body is about to run.
    RuleSelected {
        pico_id: String,
        rid: Arc<str>,
        rule: String,
        domain: Arc<str>,
        name: Arc<str>,
    },
    /// The body of a selected rule reached its postlude: which branch runs (statements of
    /// `always`/`finally` run after either one).
    Postlude {
        pico_id: String,
        rid: Arc<str>,
        rule: String,
        branch: PostludeBranch,
    },
    /// A rule raised an event (including `system:error` from an `error` statement).
    Raised {
        pico_id: String,
        rid: Arc<str>,
        rule: Option<String>,
        domain: Arc<str>,
        name: Arc<str>,
        attrs: Value,
    },
}

/// Receives [`TraceEvent`]s. Must be cheap and must not call back into the engine.
pub trait TraceSink: Send + Sync {
    fn record(&self, event: TraceEvent);
}

/// A sink in `EngineOptions`: none by default.
pub type Trace = Option<Arc<dyn TraceSink>>;
