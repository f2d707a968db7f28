//! What a built-in module may do to the transaction it runs in: the narrow face of
//! [`TxnContext`] for `modules/` (`ctx`, `event`, `http`, `schedule`, `time`), whose fields
//! are private to the kernel.
//!
//! A module reads the pico (its id, channels, children, installed rulesets), the clock, the
//! registry and the pico's log; it stages changes (channels, installs, children, an
//! uninstall, an event for another engine) into the transaction, which commits them with
//! the rest of its writes or undoes them (`staged.rs`); and it sends events and queries to
//! other picos with the running pico as the sender. Anything else a module needs is a new
//! method here, so the kernel keeps every invariant of the transaction in one place.

use std::sync::Arc;

use super::EngineInner;
use super::context::{LogEntry, TxnContext};
use crate::RuntimeError;
use crate::engine::channel::Channel;
use crate::engine::error::EngineError;
use crate::engine::event::Query;
use crate::engine::modules::schedule::Scheduler;
use crate::engine::outbox::OutboxRecord;
use crate::engine::persist;
use crate::engine::pico::{PicoState, RulesetCode};
use crate::value::{Map, Value};

impl TxnContext<'_> {
    /// The running pico, read-only: its channels, children and installed rulesets.
    pub(crate) fn pico_state(&self) -> &PicoState {
        self.pico
    }

    /// The rid whose code is running, shared (for records that outlive the transaction).
    pub(crate) fn running_rid(&self) -> Arc<str> {
        Arc::clone(&self.rid)
    }

    /// This engine's base URL (`meta:host`).
    pub(crate) fn base_url(&self) -> &str {
        self.engine.base_url()
    }

    /// An error line of the running ruleset in this transaction's log, with what failed.
    pub(crate) fn error_line(&mut self, message: &str, data: Value) {
        let mut line = LogEntry::new(self.engine.now(), "error", message);
        line.rid = Some(Arc::clone(&self.rid));
        line.txn_id = Some(Arc::clone(&self.txn_id));
        line.data = Some(data);
        self.logs.push(line);
    }

    /// The engine's "now" in epoch milliseconds (the test clock under `krl test`).
    pub(crate) fn now(&self) -> f64 {
        self.engine.now()
    }

    /// The timers of scheduled events.
    pub(crate) fn scheduler(&self) -> &Scheduler {
        self.engine.scheduler()
    }

    /// A handle on the engine that does not keep it alive, for work a module finishes after
    /// its transaction (`http` autosend).
    pub(crate) fn engine_handle(&self) -> std::sync::Weak<EngineInner> {
        self.engine.weak()
    }

    /// A channel of any pico of this engine, by ECI (pending changes of running
    /// transactions included).
    pub(crate) fn lookup_channel(&self, eci: &str) -> Result<Channel, RuntimeError> {
        self.engine.lookup_channel(eci)
    }

    /// Where the pico behind `eci` runs, claiming it if no engine does (`kernel/adopt.rs`):
    /// always here without a placement, and for an unknown ECI.
    pub(crate) fn route(&self, eci: &str) -> Result<crate::engine::placement::Route, RuntimeError> {
        self.engine.route_eci(eci)
    }

    /// The ruleset version registered at `url`.
    pub(crate) fn registered(&self, url: &str) -> Option<Arc<RulesetCode>> {
        self.engine.registered(url)
    }

    /// The code registered at `url`, fetched and compiled the first time.
    pub(crate) fn load_code(&self, url: &str) -> Result<Arc<RulesetCode>, EngineError> {
        self.engine.load_code(url)
    }

    /// The pico's log lines: those committed, then this transaction's so far.
    pub(crate) fn log_lines(&self) -> Vec<LogEntry> {
        let mut lines = self.engine.pico_logs(&self.pico.id);
        lines.extend(self.logs.iter().cloned());
        lines
    }

    /// Sends an event through a channel with this pico as the sender (so family channels
    /// work); answers its eid.
    pub(crate) fn send_event(
        &self,
        eci: &str,
        domain: &str,
        name: &str,
        attrs: Value,
    ) -> Result<String, RuntimeError> {
        self.engine.send_event(&self.pico.id, eci, domain, name, attrs)
    }

    /// Queries another pico with this pico as the sender, waiting for the answer.
    pub(crate) fn query_other(&self, query: Query) -> Result<Value, RuntimeError> {
        self.engine.query_from(&self.pico.id, query)
    }

    /// Re-reads `url` and re-initialises its rid on every pico that has it, this one
    /// included; answers the rid.
    pub(crate) fn flush(&mut self, url: &str) -> Result<String, EngineError> {
        self.engine.flush_locked(url, self.pico)
    }

    /// Installs `code` on this pico with the transaction.
    pub(crate) fn stage_install(
        &mut self,
        code: Arc<RulesetCode>,
        url: &str,
        config: Map,
    ) -> Result<(), EngineError> {
        let engine = self.engine;
        engine.stage_install(&mut self.staged, self.pico, code, url, config, None)
    }

    /// Creates a child pico with these installs; answers the ECI of its parent channel.
    pub(crate) fn stage_child(
        &mut self,
        installs: Vec<(Arc<RulesetCode>, String, Map)>,
    ) -> Result<String, RuntimeError> {
        let engine = self.engine;
        engine.new_child(&mut self.staged, self.pico, installs)
    }

    /// Deletes the child whose pico is `child_id`, reached through the child channel `eci`,
    /// with all its descendants, their channels and the family link.
    pub(crate) fn stage_child_deletion(&mut self, eci: &str, child_id: &str) -> Result<(), RuntimeError> {
        let engine = self.engine;
        let staged = &mut self.staged;
        let (doomed, dead_channels) = engine.subtree_deletion(child_id, &mut staged.batch)?;
        let parent = &mut *self.pico;
        let link: Option<String> = parent
            .channels
            .values()
            .find(|c| c.family_channel_pico_id.as_deref() == Some(child_id))
            .map(|c| c.id.clone());
        let batch = &mut staged.batch;
        if let Some(link) = &link {
            batch.delete(persist::channel_key(link));
            batch.delete(persist::channel_index_key(&parent.id, link));
        }
        batch.delete(persist::child_key(&parent.id, eci));
        let position = parent.children.iter().position(|c| c == eci);
        if let Some(position) = position {
            parent.children.remove(position);
            let link = link.as_ref().and_then(|link| parent.channels.remove(link));
            staged.child_removed(position, eci.to_string(), link);
        }
        // Until the commit the deleted picos' channels (self channels included) answer "not
        // found"; their timers find no pico when they come due and are dropped then.
        for dead in dead_channels.iter().chain(&link).chain(&doomed) {
            engine.stage_lookup(staged, dead, None);
        }
        engine.stage_hidden_picos(staged, &doomed);
        Ok(())
    }

    /// Creates or replaces a channel of this pico.
    pub(crate) fn stage_channel(&mut self, channel: Channel) {
        let engine = self.engine;
        engine.stage_channel(&mut self.staged, self.pico, channel);
    }

    /// Deletes a channel of this pico.
    pub(crate) fn stage_channel_removal(&mut self, eci: &str) {
        let engine = self.engine;
        engine.stage_channel_removal(&mut self.staged, self.pico, eci);
    }

    /// Removes the installed ruleset `rid` from this pico with its entity variables and rule
    /// states, including this transaction's writes to them.
    pub(crate) fn stage_uninstall(&mut self, rid: &str) {
        let pico: &mut PicoState = self.pico;
        let batch = &mut self.staged.batch;
        batch.delete(persist::install_key(&pico.id, rid));
        batch.delete_prefix(persist::ent_prefix(&pico.id, rid));
        batch.delete_prefix(persist::rule_state_prefix(&pico.id, rid));
        self.staged.snapshot_ruleset(pico, rid);
        pico.rulesets.retain(|r| &*r.rid != rid);
        pico.ent.retain(|(owner, _), _| &**owner != rid);
        pico.rule_states.retain(|(owner, _), _| &**owner != rid);
        // Writes of this transaction to the gone ruleset's variables must not bring them back.
        self.ent_writes.retain(|(owner, _), _| &**owner != rid);
    }

    /// Posts an event to another engine once the transaction commits (the outbox).
    pub(crate) fn stage_send_elsewhere(&mut self, record: OutboxRecord) {
        self.staged.send_elsewhere(&self.engine.outbox, record);
    }
}
