//! Exactly-once event submission: an `Idempotency-Key` (IETF httpapi draft) on an event
//! request is remembered with the answer, so that a client that never got its answer
//! (a timeout, a crash of the engine between the commit and the answer) can send the same
//! request again and gets the first answer instead of a second event.
//!
//! A claim goes through three steps:
//!
//! 1. [`Engine::claim_idempotency`] marks `(eci, key)` as running on this engine (a second
//!    request with it meanwhile is told so, [`Idempotent::Running`]), then reads the store:
//!    a stored answer is [`Idempotent::Replay`]ed (or refused as
//!    [`Idempotent::Mismatch`] when the request differs from the first), otherwise the
//!    caller holds a [`Claim`].
//! 2. The claim travels with the event. The record (the request's fingerprint and its
//!    answer) joins the batch that makes the event acknowledged: the inbox entry of an
//!    event accepted on the asynchronous route, the transaction's commit of an event whose
//!    caller waits. So the record is stored exactly when the event is, in every store.
//! 3. The claim is dropped once that batch committed (or failed: then nothing of the event
//!    is stored either, and a repeat runs it).
//!
//! Only the engine running a pico runs its events (other engines forward to it), so the
//! running mark needs no store; after a crash, the store's record answers.
//!
//! Records live under `idempotency, bucket, eci, key`, where `bucket` numbers the
//! [`RETENTION_MS`]-long window the record was written in: a lookup reads the current and
//! the previous window and ignores records older than [`RETENTION_MS`], and pruning deletes
//! whole older windows with one prefix delete each, remembering the last one it deleted
//! under `idempotency-pruned` (so a store is never scanned for old records).

use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value as Json;

use super::{Engine, EngineError, EngineInner, lock};
use crate::storage::{WriteBatch, key};
use crate::value::Value;

/// How long an answer is kept for a repeat: 24 hours. A record is answered for this long
/// after its event was acknowledged and deleted at most two windows later.
pub const RETENTION_MS: f64 = 24.0 * 3600.0 * 1000.0;

/// Where an `Idempotency-Key` stands.
pub enum Idempotent {
    /// Not seen: run the event with this claim.
    Claimed(Claim),
    /// Seen with the same request: its answer, as first given.
    Replay(Value),
    /// Seen with a different request (domain, type or attributes).
    Mismatch,
    /// A request with this key is still being processed on this engine.
    Running,
}

/// The keys whose requests are being processed on this engine.
type Running = Arc<Mutex<HashSet<(String, String)>>>;

/// The right to run one event under an `Idempotency-Key`; dropped once the event's batch
/// committed (or failed), which frees the key for repeats.
pub struct Claim {
    running: Running,
    eci: String,
    key: String,
    fingerprint: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        lock(&self.running).remove(&(std::mem::take(&mut self.eci), std::mem::take(&mut self.key)));
    }
}

/// The engine's part: the running keys and how far this engine knows the store is pruned.
#[derive(Default)]
pub(super) struct Idempotency {
    running: Running,
    /// The last window known deleted (`i64::MIN`: not read yet).
    pruned_through: AtomicI64,
}

impl Idempotency {
    pub(super) fn new() -> Idempotency {
        Idempotency {
            running: Running::default(),
            pruned_through: AtomicI64::new(i64::MIN),
        }
    }
}

/// The window a time (epoch ms) falls in.
fn window(time: f64) -> i64 {
    (time / RETENTION_MS).floor() as i64
}

/// Windows as key elements: zero-padded, so that key order is time order.
fn window_name(window: i64) -> String {
    format!("{:012}", window.max(0))
}

fn record_key(window: i64, eci: &str, idempotency_key: &str) -> Vec<u8> {
    key::encode(&["idempotency", &window_name(window), eci, idempotency_key])
}

fn pruned_key() -> Vec<u8> {
    key::encode(&["idempotency-pruned"])
}

impl Engine {
    /// Claims `key` for an event request on `eci` whose domain, type and attributes hash to
    /// `fingerprint` (the HTTP API computes it). Reads the store; call it where blocking is
    /// allowed.
    pub fn claim_idempotency(
        &self,
        eci: &str,
        key: &str,
        fingerprint: &str,
    ) -> Result<Idempotent, EngineError> {
        let inner = &self.inner;
        let running = &inner.idempotency.running;
        if !lock(running).insert((eci.to_string(), key.to_string())) {
            return Ok(Idempotent::Running);
        }
        // From here on the claim owns the running mark: every return below drops it.
        let claim = Claim {
            running: Arc::clone(running),
            eci: eci.to_string(),
            key: key.to_string(),
            fingerprint: fingerprint.to_string(),
        };
        let now = inner.now();
        for window in [window(now), window(now) - 1] {
            let Some(bytes) = inner.storage.get(&record_key(window, eci, key))? else {
                continue;
            };
            let Some(record) = serde_json::from_slice::<Json>(&bytes).ok() else {
                continue;
            };
            let at = record
                .get("at")
                .and_then(Json::as_f64)
                .unwrap_or(f64::NEG_INFINITY);
            if now - at > RETENTION_MS {
                continue;
            }
            if record.get("fingerprint").and_then(Json::as_str) != Some(fingerprint) {
                return Ok(Idempotent::Mismatch);
            }
            let answer = record.get("answer").cloned().unwrap_or(Json::Null);
            return Ok(Idempotent::Replay(Value::from(answer)));
        }
        Ok(Idempotent::Claimed(claim))
    }
}

impl EngineInner {
    /// Adds the record of `claim` with its `answer` to `batch`, the batch that makes the
    /// event acknowledged, and the deletion of windows past their retention.
    pub(super) fn record_idempotent(&self, batch: &mut WriteBatch, claim: &Claim, answer: &Value) {
        let now = self.now();
        let answer: Json = answer
            .encode(0)
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Json::Null);
        let record = serde_json::json!({ "fingerprint": claim.fingerprint, "at": now, "answer": answer });
        batch.put(
            record_key(window(now), &claim.eci, &claim.key),
            record.to_string(),
        );
        self.prune_idempotency(batch, window(now) - 2);
    }

    /// Deletes every window up to `through` not deleted yet, once per window and engine.
    /// A store that has no `idempotency-pruned` mark has no records older than this run
    /// of the engine, so the mark just starts at `through`.
    fn prune_idempotency(&self, batch: &mut WriteBatch, through: i64) {
        let pruned = &self.idempotency.pruned_through;
        let known = pruned.load(Ordering::Acquire);
        if known >= through {
            return;
        }
        let stored = if known == i64::MIN {
            let mark = self.storage.get(&pruned_key()).ok().flatten();
            mark.and_then(|bytes| String::from_utf8(bytes).ok()?.parse::<i64>().ok())
        } else {
            Some(known)
        };
        if let Some(stored) = stored {
            for old in stored.saturating_add(1)..=through {
                batch.delete_prefix(key::prefix(&["idempotency", &window_name(old)]));
            }
        }
        batch.put(pruned_key(), through.to_string());
        // Set before the commit: windows a failed commit did not delete are deleted by the
        // engine's next run, which starts from the stored mark.
        pruned.store(through, Ordering::Release);
    }
}
