//! The structural changes of one transaction (`ctx:newPico`, `delPico`, `newChannel`,
//! `putChannel`, `delChannel`, `install`, `uninstall`) until it commits.
//!
//! Their store writes go into the transaction's own batch ([`Staged::batch`]), which joins
//! its group's batch only when the transaction succeeded, so a crash can never store a
//! structural change without the rest of its transaction or the other way round. Their
//! effects on memory happen at once, because later rules of the same event (and wrangler's
//! `ctx:eventQuery` to a child it just made) must see them, and each one leaves an undo
//! record here:
//!
//! * the transaction's own pico (its children, channels and installs) is changed in place;
//! * channels by ECI (new, changed and deleted ones, a new child's link channels, a deleted
//!   pico's self channel) are staged in the channel cache's `pending` overlay, which other
//!   picos' lookups see before the store (`residency.rs`);
//! * a new child is resident, pinned by the cell held here so it is not evicted before its
//!   records are stored; a deleted pico is `hidden`: lookups answer "not found" until the
//!   commit removes it from the store and memory (or the abort makes it findable again).
//!
//! Events for other engines (`event:send` with a host) are staged here too: their outbox
//! entries are in the batch, and only the commit hands them to the outbox's senders.
//!
//! After the group commit, [`EngineInner::settle`] drops the overlay entries (the store
//! now says the same), lets new children leave memory and dispatches the outbox entries. If the transaction fails, or the
//! group commit does, [`EngineInner::abort`] replays the undo records backwards.
//!
//! Deleting a busy pico: `delPico` runs in its parent's transaction, which holds the
//! parent's state, so it never waits for a descendant's state lock (a job of the
//! descendant's own may hold it for as long as its rules run). A descendant whose lock is
//! free is read from memory, a busy one from the store's indexes. Once the deletion has
//! committed, each deleted pico in memory is marked deleted under its commit gate
//! (`PicoCell::deleted`): a job of its own still running then stores nothing at its
//! commit (its caller still gets its answer, as if it had finished before the deletion),
//! jobs queued behind it are refused, and what such a job committed between the
//! deletion's reading and its commit is found in the store again and deleted too.

use super::*;
use crate::engine::outbox::{Outbox, OutboxRecord, Outgoing};
use crate::engine::select::RuleState;

/// The structural changes of one transaction: their store writes and how to take back
/// their effects on memory.
#[derive(Default)]
pub(crate) struct Staged {
    /// Store writes, committed with the transaction's group.
    pub(crate) batch: WriteBatch,
    undo: Vec<Undo>,
    /// Events for other engines, stored in `batch` and sent once it committed.
    outgoing: Vec<Outgoing>,
}

/// One memory change of a staged operation, with what it replaced.
enum Undo {
    /// The transaction's pico got a child: `eci` in its children, `link` in its channels.
    ChildAdded {
        eci: String,
        link: String,
        next_child_seq: u64,
    },
    /// The transaction's pico lost the child `eci` at `position` (and its link channel).
    ChildRemoved {
        position: usize,
        eci: String,
        link: Option<Channel>,
    },
    /// A channel of the transaction's pico was set or removed; `previous` is what it was.
    Channel { eci: String, previous: Option<Channel> },
    /// A ruleset of the transaction's pico was installed or uninstalled.
    Ruleset(RulesetSnapshot),
    /// The overlay entry of `eci` was replaced; `previous` is the entry before (`None`: none).
    Pending {
        eci: String,
        previous: Option<Option<Arc<Channel>>>,
    },
    /// A new pico, resident before its records are stored.
    NewPico(String, Arc<PicoCell>),
    /// A deleted pico was hidden.
    Hidden { id: String, was_hidden: bool },
}

/// An entity variable's key: (rid, name).
type EntKey = (Arc<str>, Arc<str>);

/// A ruleset's install and its variables and rule states on one pico, as they were.
struct RulesetSnapshot {
    rid: Arc<str>,
    slot: Option<(usize, Installed)>,
    ent: Vec<(EntKey, Value)>,
    rule_states: Vec<((Arc<str>, usize), RuleState)>,
}

impl Staged {
    /// Whether nothing was staged (most transactions): settling it does nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.undo.is_empty() && self.batch.is_empty() && self.outgoing.is_empty()
    }

    /// Appends `later`, staged after this (a group's jobs, an install's initialisation).
    pub(crate) fn append(&mut self, later: Staged) {
        if later.is_empty() {
            return;
        }
        self.batch.append(later.batch);
        self.undo.extend(later.undo);
        self.outgoing.extend(later.outgoing);
    }

    /// An event for another engine (`event:send` with a host): stored with the transaction,
    /// posted by the outbox once it committed (`engine/outbox.rs`).
    pub(crate) fn send_elsewhere(&mut self, outbox: &Outbox, record: OutboxRecord) {
        let outgoing = outbox.stage(&mut self.batch, record);
        self.outgoing.push(outgoing);
    }

    /// Appends what was staged on another pico that is new in this transaction: only its
    /// effects outside that pico need undoing, since an abort discards the whole pico.
    pub(crate) fn append_for_new_pico(&mut self, later: Staged) {
        self.batch.append(later.batch);
        self.outgoing.extend(later.outgoing);
        self.undo.extend(later.undo.into_iter().filter(|undo| {
            matches!(
                undo,
                Undo::Pending { .. } | Undo::NewPico(..) | Undo::Hidden { .. }
            )
        }));
    }

    /// Remembers a ruleset's install, variables and rule states before they change.
    pub(crate) fn snapshot_ruleset(&mut self, state: &PicoState, rid: &str) {
        let rid: Arc<str> = Arc::from(rid);
        let slot = state
            .rulesets
            .iter()
            .position(|r| r.rid == rid)
            .map(|idx| (idx, state.rulesets[idx].clone()));
        let ent = state
            .ent
            .iter()
            .filter(|((owner, _), _)| *owner == rid)
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        let rule_states = state
            .rule_states
            .iter()
            .filter(|((owner, _), _)| *owner == rid)
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        self.undo.push(Undo::Ruleset(RulesetSnapshot {
            rid,
            slot,
            ent,
            rule_states,
        }));
    }

    /// Records a child added to the transaction's pico (already in its state).
    pub(crate) fn child_added(&mut self, eci: String, link: String, next_child_seq: u64) {
        self.undo.push(Undo::ChildAdded {
            eci,
            link,
            next_child_seq,
        });
    }

    /// Records a child removed from the transaction's pico (already gone from its state).
    pub(crate) fn child_removed(&mut self, position: usize, eci: String, link: Option<Channel>) {
        self.undo.push(Undo::ChildRemoved { position, eci, link });
    }
}

impl EngineInner {
    /// Sets a channel of `state` (the transaction's pico): stored with the transaction,
    /// seen by lookups at once.
    pub(crate) fn stage_channel(&self, staged: &mut Staged, state: &mut PicoState, channel: Channel) {
        persist::put_channel(&mut staged.batch, &channel);
        let eci = channel.id.clone();
        self.stage_lookup(staged, &eci, Some(Arc::new(channel.clone())));
        let previous = state.channels.insert(eci.clone(), channel);
        staged.undo.push(Undo::Channel { eci, previous });
    }

    /// Deletes a channel of `state` (the transaction's pico), with its index entry.
    pub(crate) fn stage_channel_removal(&self, staged: &mut Staged, state: &mut PicoState, eci: &str) {
        staged.batch.delete(persist::channel_key(eci));
        staged.batch.delete(persist::channel_index_key(&state.id, eci));
        self.stage_lookup(staged, eci, None);
        let previous = state.channels.remove(eci);
        staged.undo.push(Undo::Channel {
            eci: eci.to_string(),
            previous,
        });
    }

    /// What lookups of `eci` answer until the commit (`None`: not found).
    pub(crate) fn stage_lookup(&self, staged: &mut Staged, eci: &str, channel: Option<Arc<Channel>>) {
        let previous = self.residency.set_pending_channel(eci, Some(channel));
        staged.undo.push(Undo::Pending {
            eci: eci.to_string(),
            previous,
        });
    }

    /// Makes a new pico resident until its transaction settles.
    pub(crate) fn stage_new_pico(&self, staged: &mut Staged, state: PicoState) -> Arc<PicoCell> {
        let id = state.id.clone();
        let cell = self.residency.add(state);
        staged.undo.push(Undo::NewPico(id, Arc::clone(&cell)));
        cell
    }

    /// Hides deleted picos from lookups until the commit removes them.
    pub(crate) fn stage_hidden_picos(&self, staged: &mut Staged, ids: &[String]) {
        for (id, was_hidden) in ids.iter().zip(self.residency.hide_picos(ids)) {
            staged.undo.push(Undo::Hidden {
                id: id.clone(),
                was_hidden,
            });
        }
    }

    /// After the commit stored everything staged: lookups read the store again, hidden
    /// picos are gone from it, and new children may leave memory (creating is not using).
    pub(super) fn settle(&self, staged: Staged) {
        self.outbox.dispatch(&self.this, staged.outgoing);
        if staged.undo.is_empty() {
            return;
        }
        let mut new_picos = Vec::new();
        let mut settled = Vec::new();
        let mut deleted = Vec::new();
        for undo in staged.undo {
            match undo {
                Undo::Pending { eci, .. } => settled.push(eci),
                Undo::Hidden { id, .. } => deleted.push(id),
                Undo::NewPico(id, cell) => new_picos.push((id, cell)),
                Undo::ChildAdded { .. }
                | Undo::ChildRemoved { .. }
                | Undo::Channel { .. }
                | Undo::Ruleset(_) => {}
            }
        }
        if !settled.is_empty() {
            self.residency.settle_pending_channels(&settled);
        }
        if !deleted.is_empty() {
            let cells = self.residency.cells_of(&deleted);
            // Out of memory first, then findable again: the store no longer has them.
            self.remove_picos(&deleted, &[]);
            for id in &deleted {
                self.residency.unhide_pico(id);
            }
            self.close_deleted(cells);
            self.forget_placed(&deleted);
        }
        for (id, cell) in new_picos {
            drop(cell);
            self.residency.evict_if_idle(&id);
        }
    }

    /// Takes back the memory effects of a failed transaction (or of every transaction of a
    /// failed group commit, last first); `state` is the transaction's pico. Its store writes
    /// are simply never committed.
    pub(super) fn abort(&self, state: &mut PicoState, staged: Staged) {
        for undo in staged.undo.into_iter().rev() {
            match undo {
                Undo::ChildAdded {
                    eci,
                    link,
                    next_child_seq,
                } => {
                    state.children.retain(|c| *c != eci);
                    state.channels.remove(&link);
                    state.next_child_seq = next_child_seq;
                }
                Undo::ChildRemoved { position, eci, link } => {
                    state.children.insert(position.min(state.children.len()), eci);
                    if let Some(link) = link {
                        state.channels.insert(link.id.clone(), link);
                    }
                }
                Undo::Channel { eci, previous } => match previous {
                    Some(channel) => {
                        state.channels.insert(eci, channel);
                    }
                    None => {
                        state.channels.remove(&eci);
                    }
                },
                Undo::Ruleset(snapshot) => restore_ruleset(state, snapshot),
                Undo::Pending { eci, previous } => {
                    self.residency.set_pending_channel(&eci, previous);
                }
                Undo::NewPico(id, cell) => self.discard_new_pico(&id, cell),
                Undo::Hidden { id, was_hidden } => {
                    if !was_hidden {
                        self.residency.unhide_pico(&id);
                    }
                }
            }
        }
    }

    /// Removes a child whose creation failed. Its records were never stored, but jobs it
    /// ran meanwhile (a `ctx:eventQuery` from its creator) committed their own writes, and
    /// maybe children of their own: those are found through the store's indexes (without
    /// locking the child, which a job of its own may hold) and deleted, as `delPico` would.
    fn discard_new_pico(&self, id: &str, cell: Arc<PicoCell>) {
        let mut batch = WriteBatch::new();
        let (doomed, channels) = match self.stored_subtree_deletion(id, &mut batch) {
            Ok(found) => found,
            Err(err) => {
                self.engine_log(format!(
                    "pico {id} of a failed transaction could not be read: {err}"
                ));
                (vec![id.to_string()], Vec::new())
            }
        };
        if let Err(err) = self.storage.commit(batch) {
            self.engine_log(format!(
                "what pico {id} of a failed transaction stored could not be deleted: {err}"
            ));
        }
        drop(cell);
        self.remove_picos(&doomed, &channels);
    }

    /// Marks deleted picos that were in memory as deleted (see the module header), then
    /// deletes whatever a job of theirs committed after the deletion read them.
    fn close_deleted(&self, cells: Vec<(String, Arc<PicoCell>)>) {
        let mut batch = WriteBatch::new();
        let (mut doomed, mut channels) = (Vec::new(), Vec::new());
        for (id, cell) in cells {
            // After this no job of the pico commits: whatever the scan below does not
            // find will never be stored.
            *lock(&cell.deleted) = true;
            match self.stored_subtree_deletion(&id, &mut batch) {
                Ok((found, ecis)) => {
                    doomed.extend(found.into_iter().filter(|found| *found != id));
                    channels.extend(ecis);
                }
                Err(err) => self.engine_log(format!("deleted pico {id} could not be read back: {err}")),
            }
        }
        if let Err(err) = self.storage.commit(batch) {
            self.engine_log(format!(
                "what deleted picos stored late could not be deleted: {err}"
            ));
        }
        self.remove_picos(&doomed, &channels);
    }

    /// [`Self::subtree_deletion`] from the store's indexes alone (`pico-child`,
    /// `pico-eci-list`), loading no pico.
    fn stored_subtree_deletion(
        &self,
        id: &str,
        batch: &mut WriteBatch,
    ) -> Result<(Vec<String>, Vec<String>), StorageError> {
        let mut doomed = vec![id.to_string()];
        let mut dead_channels: Vec<String> = Vec::new();
        let mut idx = 0;
        while let Some(id) = doomed.get(idx).cloned() {
            idx += 1;
            let (children, channels) = self.stored_family(&id)?;
            for child_eci in children {
                if let Ok(channel) = self.lookup_channel(&child_eci) {
                    doomed.push(channel.pico_id);
                }
            }
            delete_pico_records(batch, &id, &channels, &mut dead_channels);
        }
        Ok((doomed, dead_channels))
    }

    /// A pico's children (their child-link ECIs) and channels as the store's indexes
    /// (`pico-child`, `pico-eci-list`) list them.
    fn stored_family(&self, id: &str) -> Result<(Vec<String>, Vec<String>), StorageError> {
        let last_part = |k: &[u8]| key::decode(k).ok().and_then(|mut parts| parts.pop());
        let listed = |area: &str| -> Result<Vec<String>, StorageError> {
            let found = self.storage.scan_prefix(&key::prefix(&[area, id]))?;
            Ok(found.iter().filter_map(|(k, _)| last_part(k)).collect())
        };
        Ok((listed("pico-child")?, listed("pico-eci-list")?))
    }

    /// Adds the deletion of pico `id` and all its descendants to `batch`: returns their
    /// ids (parents before children) and the ECIs of their channels.
    pub(crate) fn subtree_deletion(
        &self,
        id: &str,
        batch: &mut WriteBatch,
    ) -> Result<(Vec<String>, Vec<String>), RuntimeError> {
        let mut doomed = vec![id.to_string()];
        let mut dead_channels: Vec<String> = Vec::new();
        let mut idx = 0;
        while let Some(id) = doomed.get(idx).cloned() {
            idx += 1;
            // Never wait for a busy pico (see the module header): its memory may be ahead
            // of the store, but what it has not committed yet it never will.
            let cell = self.pico(&id)?;
            let family = match cell.state.try_lock() {
                Ok(state) => Some(memory_family(&state)),
                Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                    Some(memory_family(&poisoned.into_inner()))
                }
                Err(std::sync::TryLockError::WouldBlock) => None,
            };
            let (children, channels) = match family {
                Some(family) => family,
                None => self.stored_family(&id).map_err(|err| {
                    RuntimeError::error(format!("pico {id} could not be read for its deletion: {err}"))
                })?,
            };
            for child_eci in children {
                if let Ok(channel) = self.lookup_channel(&child_eci) {
                    doomed.push(channel.pico_id);
                }
            }
            delete_pico_records(batch, &id, &channels, &mut dead_channels);
        }
        Ok((doomed, dead_channels))
    }
}

/// A pico's children (their child-link ECIs) and channels as its memory has them.
fn memory_family(state: &PicoState) -> (Vec<String>, Vec<String>) {
    (state.children.clone(), state.channels.keys().cloned().collect())
}

/// Deletes a pico's records (its own, its channels', every per-pico area) in `batch`.
fn delete_pico_records(batch: &mut WriteBatch, id: &str, channels: &[String], dead: &mut Vec<String>) {
    batch.delete(persist::pico_key(id));
    for eci in channels {
        batch.delete(persist::channel_key(eci));
        dead.push(eci.clone());
    }
    for area in persist::PICO_AREAS {
        batch.delete_prefix(key::prefix(&[area, id]));
    }
}

fn restore_ruleset(state: &mut PicoState, snapshot: RulesetSnapshot) {
    let rid = snapshot.rid;
    state.ent.retain(|(owner, _), _| *owner != rid);
    state.ent.extend(snapshot.ent);
    state.rule_states.retain(|(owner, _), _| *owner != rid);
    state.rule_states.extend(snapshot.rule_states);
    let current = state.rulesets.iter().position(|r| r.rid == rid);
    match (current, snapshot.slot) {
        (Some(idx), Some((_, installed))) => state.rulesets[idx] = installed,
        (Some(idx), None) => {
            state.rulesets.remove(idx);
        }
        (None, Some((position, installed))) => {
            state
                .rulesets
                .insert(position.min(state.rulesets.len()), installed);
        }
        (None, None) => {}
    }
}
