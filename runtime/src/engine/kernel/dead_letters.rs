//! The dead letters: inboxed events moved aside because they never finish, so that one
//! poisoned event cannot hold its pico in a crash loop.
//!
//! An event accepted without waiting sits in its pico's inbox until its transaction has
//! run; a restart runs what it finds there again. A KRL error is a final outcome (the
//! event is done with, as in pico-engine), and the step budget and value limits turn a
//! runaway rule into such an error. What is left is an event whose run the process does
//! not survive (killed for memory, a crash, a stop in the middle) or that panics the
//! engine. So:
//!
//! - each replay is counted in the inbox record (`replays`) and committed *before* the
//!   events run, so a run the process does not survive is counted too;
//! - a restart that finds an event already started [`MAX_EVENT_RUNS`] times (its first run
//!   plus its replays, every one of them unfinished) moves it to the `dead-letter` key
//!   area instead of running it again;
//! - an event whose transaction panicked is moved there at once (`txn.rs`).
//!
//! Either way the move is logged (the pico's log and the engine's), the pico goes on with
//! its next events, and [`Engine::dead_letters`] lists them (`GET /api/dead-letters`,
//! `krl logs --dead-letters`).

use super::*;
use crate::engine::persist::DeadLetterRecord;

/// How many runs of an inboxed event may end unfinished before it is moved aside. A
/// restart cannot tell an event that was running from one still waiting in its queue, so
/// each one it finds counts as a run; an event thus gets at least two full tries.
pub const MAX_EVENT_RUNS: u32 = 3;

/// An event moved aside (see [`Engine::dead_letters`]).
#[derive(Clone, Debug, PartialEq)]
pub struct DeadLetter {
    pub pico_id: String,
    pub eid: String,
    pub eci: String,
    pub domain: String,
    pub name: String,
    pub attrs: Value,
    /// The event's time (epoch ms).
    pub time: f64,
    /// How many times a restart ran it again.
    pub replays: u32,
    /// Why it was moved aside.
    pub reason: String,
    /// When it was moved aside (epoch ms).
    pub moved: f64,
}

impl DeadLetter {
    /// The JSON object `GET /api/dead-letters` lists.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("pico", Value::string(self.pico_id.as_str()));
        map.insert("eid", Value::string(self.eid.as_str()));
        map.insert("eci", Value::string(self.eci.as_str()));
        map.insert("domain", Value::string(self.domain.as_str()));
        map.insert("name", Value::string(self.name.as_str()));
        map.insert("attrs", self.attrs.clone());
        map.insert("time", Value::number(self.time));
        map.insert("replays", Value::number(f64::from(self.replays)));
        map.insert("reason", Value::string(self.reason.as_str()));
        map.insert("moved", Value::number(self.moved));
        Value::map(map)
    }
}

impl Engine {
    /// Every event moved to the dead letters, oldest move first.
    pub fn dead_letters(&self) -> Result<Vec<DeadLetter>, EngineError> {
        let mut letters = Vec::new();
        for (k, v) in self.inner.storage.scan_prefix(&key::prefix(&["dead-letter"]))? {
            let record: DeadLetterRecord = persist::from_bytes(&k, &v)?;
            letters.push(DeadLetter {
                pico_id: record.pico,
                eid: record.event.eid,
                eci: record.event.eci,
                domain: record.event.domain,
                name: record.event.name,
                attrs: record.event.attrs,
                time: record.event.time,
                replays: record.event.replays,
                reason: record.reason,
                moved: record.moved,
            });
        }
        letters.sort_by(|a, b| a.moved.total_cmp(&b.moved));
        Ok(letters)
    }
}

impl EngineInner {
    /// A restart found `record` in `pico`'s inbox: counts this replay into `batch` and
    /// returns the record to run, or moves the event aside when it has had its runs.
    pub(super) fn count_replay(
        &self,
        batch: &mut WriteBatch,
        pico: &str,
        mut record: InboxRecord,
    ) -> Option<InboxRecord> {
        // The first run, then every replay so far: none of them finished.
        let unfinished = record.replays.saturating_add(1);
        if unfinished >= MAX_EVENT_RUNS {
            let reason = format!(
                "it did not finish in {unfinished} runs (the engine stopped or was killed while it ran)"
            );
            self.dead_letter(batch, pico, record, reason);
            return None;
        }
        record.replays = unfinished;
        batch.put(persist::inbox_key(pico, &record.eid), persist::to_bytes(&record));
        Some(record)
    }

    /// Moves an inboxed event to the dead letters in `batch`, and logs it.
    pub(super) fn dead_letter(&self, batch: &mut WriteBatch, pico: &str, event: InboxRecord, reason: String) {
        let message = format!(
            "event {}:{} ({}) moved to the dead letters: {reason}",
            event.domain, event.name, event.eid
        );
        batch.delete(persist::inbox_key(pico, &event.eid));
        let key = persist::dead_letter_key(pico, &event.eid);
        let record = DeadLetterRecord {
            event,
            pico: pico.to_string(),
            reason,
            moved: self.now(),
        };
        batch.put(key, persist::to_bytes(&record));
        self.pico_log_error(pico, message.clone());
        if pico != self.root_id {
            self.engine_log(format!("pico {pico}: {message}"));
        }
    }
}
