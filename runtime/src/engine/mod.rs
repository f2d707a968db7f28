//! The pico engine: picos with channels and installed rulesets, per-pico transactions for
//! events and queries, event selection, and the built-in modules rules see.
//!
//! Code map: `event` (events and queries as they enter), `ids` (identifiers), `channel`
//! (tags, policies and their checks), `backend` (the traits krl-jit implements to run
//! rulesets), `rule_host` (the interface compiled ruleset code runs against), `context` (what a running rule sees; it lives in `kernel/`, which alone
//! sees its fields, and the built-in modules act through `kernel/facade.rs`), `log` (the pico log), `ent`
//! (entity-variable paths), `pico` (one pico's state), `error` (`EngineError`), `kernel` (the engine and its
//! transactions), `outbox` (events for other engines, posted in order once their transaction
//! committed), `placement` (which engine runs each pico of a shared store), `select` (event
//! expressions),
//! `source` (where a ruleset URL's text comes from), `system` (the built-in system rulesets
//! and the boot sequence), `trace` (what tools may observe of running rules).

pub mod backend;
pub mod channel;
pub mod ent;
mod error;
pub mod event;
pub mod ids;
mod kernel;
pub mod log;
mod modules;
pub mod outbox;
mod persist;
mod pico;
pub mod placement;
pub mod rule_host;
pub mod select;
mod source;
pub mod system;
pub mod trace;
pub mod why;

pub use backend::{
    Backend, CompileError, CompileWarning, CompiledRuleset, ModuleBinding, RuleOutcome, RuleSelect, RuleSpec,
    RulesetInstance, RulesetMeta,
};
pub use error::EngineError;
pub use event::{Event, Query};
pub use kernel::context::{self, TxnContext};
pub use kernel::{
    Arrival, Claim, DEFAULT_STEP_BUDGET, DeadLetter, Engine, EngineOptions, EntVar, EventResponse,
    IDEMPOTENCY_RETENTION_MS, Idempotent, MAX_EVENT_RUNS, RulesetVersion, Submitted,
};
pub use modules::http::trust_root_certificates;
pub use outbox::OutboxOptions;
pub use rule_host::RuleHost;
pub use source::SourcePolicy;
