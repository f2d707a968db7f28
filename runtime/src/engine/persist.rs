//! How the engine's state maps onto the store, and loading it back at startup.
//!
//! Keys follow the reference's layout (engine.md §1.5) with three additions: `rulestate`
//! (partially matched event expressions survive a restart), `inbox` (events accepted on the
//! asynchronous route before they ran) and `ruleset` (the registry, with source text, so
//! code can be recompiled without re-fetching).
//!
//! | key | value |
//! |---|---|
//! | `root-pico` | the root pico id |
//! | `pico, id` | `{id, parent, children}` |
//! | `pico-channel, eci` | the channel record |
//! | `pico-ruleset, pico, rid` | `{rid, url, config, seq}`; `seq` keeps install order |
//! | `ruleset, url` | `{url, src, hash}` |
//! | `entvar, pico, rid, name` | the value as JSON |
//! | `rulestate, pico, rid, rule` | the automaton state of a rule |
//! | `inbox, pico, eid` | an accepted event not yet processed |

use serde::{Deserialize, Serialize};

use super::channel::Channel;
use super::core::EngineError;
use super::select::RuleState;
use crate::storage::{WriteBatch, key};
use crate::value::{Map, Value};

pub(crate) fn root_key() -> Vec<u8> {
    key::encode(&["root-pico"])
}

pub(crate) fn pico_key(id: &str) -> Vec<u8> {
    key::encode(&["pico", id])
}

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

pub(crate) fn rule_state_key(pico: &str, rid: &str, rule: &str) -> Vec<u8> {
    key::encode(&["rulestate", pico, rid, rule])
}

pub(crate) fn rule_state_prefix(pico: &str, rid: &str) -> Vec<u8> {
    key::prefix(&["rulestate", pico, rid])
}

pub(crate) fn inbox_key(pico: &str, eid: &str) -> Vec<u8> {
    key::encode(&["inbox", pico, eid])
}

#[derive(Serialize, Deserialize)]
pub(crate) struct PicoRecord {
    pub id: String,
    pub parent: Option<String>,
    pub children: Vec<String>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct InstallRecord {
    pub rid: String,
    pub url: String,
    pub config: Value,
    pub seq: u64,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct RulesetRecord {
    pub url: String,
    pub src: String,
    pub hash: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct InboxRecord {
    pub eid: String,
    pub eci: String,
    pub domain: String,
    pub name: String,
    pub attrs: Value,
    pub time: f64,
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
        }
    }
}

pub(crate) fn to_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("engine records always serialise")
}

pub(crate) fn from_bytes<T: for<'de> Deserialize<'de>>(key: &[u8], bytes: &[u8]) -> Result<T, EngineError> {
    serde_json::from_slice(bytes).map_err(|err| EngineError::Corrupt {
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

pub(crate) fn put_rule_state(batch: &mut WriteBatch, key: Vec<u8>, state: Option<&RuleState>) {
    match state {
        Some(state) => batch.put(key, to_bytes(state)),
        None => batch.delete(key),
    };
}

pub(crate) fn put_channel(batch: &mut WriteBatch, channel: &Channel) {
    batch.put(channel_key(&channel.id), to_bytes(channel));
}

pub(crate) fn config_map(value: &Value) -> Map {
    value.as_map().cloned().unwrap_or_default()
}
