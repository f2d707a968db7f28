//! How the engine's state maps onto the store, and loading it back at startup.
//!
//! Keys follow the reference's layout (engine.md §1.5) with these additions: `rulestate`
//! (partially matched event expressions survive a restart), `inbox` (events accepted on the
//! asynchronous route before they ran), `ruleset` (the registry, with source text, so
//! code can be recompiled without re-fetching), and three indexes that let the engine load
//! one pico without reading the others (picos load on first use, see `kernel/residency.rs`):
//! `pico-eci-list` (a pico's channels, as in the reference), `pico-child` (a pico's
//! children, one key each, so creating a child writes a constant amount rather than the
//! parent's whole list) and `timer-index` (which picos have scheduled events, so timers are
//! re-armed at startup without loading every pico). Version 1 also kept one `rulestate` key
//! per rule (`rulestate, pico, rid, rule`); version 2 keeps one per ruleset, so an event
//! that advances several rules writes one key.
//!
//! | key | value |
//! |---|---|
//! | `root-pico` | the root pico id |
//! | `layout` | the version of this layout (absent: version 1, migrated at open) |
//! | `pico, id` | `{id, parent}` (version 1 also had `children`) |
//! | `pico-child, id, eci` | empty: `eci` is a child-link channel of one of `id`'s children |
//! | `pico-channel, eci` | the channel record |
//! | `pico-eci-list, id, eci` | empty: `eci` is a channel of `id` |
//! | `pico-ruleset, pico, rid` | `{rid, url, config, seq}`; `seq` keeps install order |
//! | `ruleset, url` | `{url, src, hash}` |
//! | `entvar, pico, rid, name` | the value as JSON |
//! | `rulestate, pico, rid` | `{rule name: automaton state}` of the rules not at their start |
//! | `inbox, pico, eid` | an accepted event not yet processed, with how often a restart replayed it |
//! | `dead-letter, pico, eid` | an inboxed event moved aside (`kernel/dead_letters.rs`), with why |
//! | `timer-index, pico, rid` | empty: the ruleset's `_schedule` variable is not empty |
//! | `did-secret, pico, kid` | a private key of one of the pico's DIDs (`modules/dido/secrets.rs`) |
//! | `outbox, seq` | an event for another engine, committed and not yet acknowledged (`outbox.rs`) |
//! | `idempotency, window, eci, key` | the answer to an event sent with an `Idempotency-Key` (`kernel/idempotency.rs`) |
//! | `idempotency-pruned` | the last window of those answers deleted |
//!
//! The `outbox` area is not a pico's: an event its transaction committed is still delivered
//! after the pico is deleted. Stores written before it existed simply have no such keys; the
//! same holds for the `idempotency` areas, which are no pico's either (keyed by ECI).
//!
//! The indexes may hold entries whose target is gone (a crash between deleting a channel and
//! cleaning its index entry); readers skip those.

use serde::{Deserialize, Serialize};

use super::channel::Channel;
use super::error::EngineError;
use super::select::RuleState;
use crate::storage::{WriteBatch, key};
use crate::value::{Map, Value};

pub(crate) fn root_key() -> Vec<u8> {
    key::encode(&["root-pico"])
}

/// The version of the key layout this engine writes; see the table above.
pub(crate) const LAYOUT_VERSION: u32 = 2;

pub(crate) fn layout_key() -> Vec<u8> {
    key::encode(&["layout"])
}

pub(crate) fn pico_key(id: &str) -> Vec<u8> {
    key::encode(&["pico", id])
}

pub(crate) fn child_key(parent: &str, child_eci: &str) -> Vec<u8> {
    key::encode(&["pico-child", parent, child_eci])
}

pub(crate) fn channel_index_key(pico: &str, eci: &str) -> Vec<u8> {
    key::encode(&["pico-eci-list", pico, eci])
}

pub(crate) fn timer_index_key(pico: &str, rid: &str) -> Vec<u8> {
    key::encode(&["timer-index", pico, rid])
}

/// The key areas that hold one pico's data (kept with the key encoding, which the store's
/// per-pico fencing also reads).
pub(crate) use crate::storage::key::PICO_AREAS;

pub(crate) fn channel_key(eci: &str) -> Vec<u8> {
    key::encode(&["pico-channel", eci])
}

pub(crate) fn install_key(pico: &str, rid: &str) -> Vec<u8> {
    key::encode(&["pico-ruleset", pico, rid])
}

pub(crate) fn ruleset_key(url: &str) -> Vec<u8> {
    key::encode(&["ruleset", url])
}

pub(crate) fn ent_key(pico: &str, rid: &str, name: &str) -> Vec<u8> {
    key::encode(&["entvar", pico, rid, name])
}

pub(crate) fn ent_prefix(pico: &str, rid: &str) -> Vec<u8> {
    key::prefix(&["entvar", pico, rid])
}

/// A DID private key, kept outside `entvar` so that nothing that lists a pico's variables
/// (`/api/state`, `krl pico ls`, queries) can reach it.
pub(crate) fn did_secret_key(pico: &str, kid: &str) -> Vec<u8> {
    key::encode(&["did-secret", pico, kid])
}

/// The prefix of every private key of `did` on `pico`: the key ids are `did#<key>`, so this is
/// an open `did#` element (a DID never holds a `#`, so no other
/// DID's keys share it).
pub(crate) fn did_secrets_prefix(pico: &str, did: &str) -> Vec<u8> {
    key::prefix_with_start(&["did-secret", pico], &format!("{did}#"))
}

pub(crate) fn rule_states_key(pico: &str, rid: &str) -> Vec<u8> {
    key::encode(&["rulestate", pico, rid])
}

/// Every rule-state key of a ruleset on a pico (the one of layout version 2, and the
/// per-rule ones of version 1).
pub(crate) fn rule_state_prefix(pico: &str, rid: &str) -> Vec<u8> {
    key::prefix(&["rulestate", pico, rid])
}

pub(crate) fn inbox_key(pico: &str, eid: &str) -> Vec<u8> {
    key::encode(&["inbox", pico, eid])
}

pub(crate) fn dead_letter_key(pico: &str, eid: &str) -> Vec<u8> {
    key::encode(&["dead-letter", pico, eid])
}

#[derive(Serialize, Deserialize)]
pub(crate) struct PicoRecord {
    pub id: String,
    pub parent: Option<String>,
    /// Read from layout version 1 only (migrated to `pico-child` keys); never written, so
    /// that adding a child does not rewrite the parent's whole list.
    #[serde(default, skip_serializing)]
    pub children: Vec<String>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct InstallRecord {
    pub rid: String,
    pub url: String,
    pub config: Value,
    pub seq: u64,
    /// The content hash of the code it was initialised with; a pico that loads after a
    /// flush changed the code is re-initialised then (as resident picos are at the flush).
    #[serde(default)]
    pub hash: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct RulesetRecord {
    pub url: String,
    pub src: String,
    pub hash: String,
    /// When this text was compiled (epoch ms); 0 in stores written before it was kept.
    #[serde(default)]
    pub flushed: f64,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct InboxRecord {
    pub eid: String,
    pub eci: String,
    pub domain: String,
    pub name: String,
    pub attrs: Value,
    pub time: f64,
    /// How many times a restart found the event here and ran it again (absent in stores
    /// written before it was kept: none). Written before each such run, so a run the
    /// process does not survive is counted too.
    #[serde(default)]
    pub replays: u32,
}

/// An inboxed event moved aside: it never finished (see `kernel/dead_letters.rs`).
#[derive(Serialize, Deserialize)]
pub(crate) struct DeadLetterRecord {
    #[serde(flatten)]
    pub event: InboxRecord,
    pub pico: String,
    pub reason: String,
    /// When it was moved aside (epoch ms).
    pub moved: f64,
}

impl InboxRecord {
    /// The inbox entry of an accepted event.
    pub(crate) fn new(eid: &str, event: &super::event::Event) -> InboxRecord {
        InboxRecord {
            eid: eid.to_string(),
            eci: event.eci.to_string(),
            domain: event.domain.to_string(),
            name: event.name.to_string(),
            attrs: event.attrs.clone(),
            time: event.time,
            replays: 0,
        }
    }
}

pub(crate) fn to_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("engine records always serialise")
}

/// Reads a record. Without serde_json's recursion limit (128 levels): a value as deeply
/// nested as a rule could store must load again (values grow their stack as they go, see
/// `Value`'s `Deserialize`).
pub(crate) fn from_bytes<T: for<'de> Deserialize<'de>>(key: &[u8], bytes: &[u8]) -> Result<T, EngineError> {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    reader.disable_recursion_limit();
    T::deserialize(&mut reader)
        .and_then(|record| reader.end().map(|()| record))
        .map_err(|err| EngineError::Corrupt {
            what: describe(key),
            reason: err.to_string(),
        })
}

fn describe(key: &[u8]) -> String {
    key::decode(key)
        .map(|parts| parts.join("/"))
        .unwrap_or_else(|_| "<undecodable key>".to_string())
}

/// The writes of one transaction, gathered before the commit.
pub(crate) fn put_value(batch: &mut WriteBatch, key: Vec<u8>, value: Option<&Value>) {
    match value.and_then(|v| v.encode(0)) {
        Some(json) => {
            batch.put(key, json.into_bytes());
        }
        None => {
            batch.delete(key);
        }
    }
}

/// Stores a ruleset's rule states (by rule name), or deletes the key when every rule is
/// at its start.
pub(crate) fn put_rule_states(batch: &mut WriteBatch, key: Vec<u8>, states: &[(&str, &RuleState)]) {
    if states.is_empty() {
        batch.delete(key);
    } else {
        use serde::Serializer as _;
        // A JSON object with the names in order, written straight from a sorted copy of the
        // list: the same bytes as collecting into a `BTreeMap` (the last state of a repeated
        // name wins), without its nodes.
        let mut by_name = states.to_vec();
        by_name.reverse();
        by_name.sort_by_key(|(name, _)| *name);
        by_name.dedup_by_key(|(name, _)| *name);
        let mut bytes = Vec::with_capacity(64 * by_name.len());
        let mut out = serde_json::Serializer::new(&mut bytes);
        out.collect_map(by_name.iter().map(|(name, state)| (*name, *state)))
            .expect("rule states always serialise");
        batch.put(key, bytes);
    }
}

/// Stores a channel record and its entry in the owner's channel list.
pub(crate) fn put_channel(batch: &mut WriteBatch, channel: &Channel) {
    batch.put(channel_key(&channel.id), to_bytes(channel));
    batch.put(channel_index_key(&channel.pico_id, &channel.id), Vec::new());
}

pub(crate) fn config_map(value: &Value) -> Map {
    value.as_map().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::BatchOp;

    fn state(first: u32) -> RuleState {
        RuleState {
            states: vec![first],
            ..RuleState::default()
        }
    }

    /// The rule-states record is the JSON object a `BTreeMap` by name gives (names in
    /// order, the last of a repeated name winning), which stores already hold.
    #[test]
    fn rule_states_record_is_sorted_by_name() {
        let (b, a, b_again) = (state(2), state(1), state(3));
        let listed = [("b", &b), ("a", &a), ("b", &b_again)];
        let mut batch = WriteBatch::new();
        put_rule_states(&mut batch, b"k".to_vec(), &listed);
        let expected: std::collections::BTreeMap<&str, &RuleState> = listed.iter().copied().collect();
        let [BatchOp::Put { value, .. }] = batch.ops() else {
            panic!("one put expected, got {} ops", batch.ops().len());
        };
        assert_eq!(*value, to_bytes(&expected));
        let decoded: std::collections::BTreeMap<String, RuleState> =
            from_bytes(b"k", value).expect("decodes");
        assert_eq!(decoded["b"].states, vec![3]);
    }
}
