//! The outbox: events this engine sends to other engines (`event:send` and `ctx:event` with a
//! `host`), delivered in order, durably, after their transaction committed.
//!
//! A send does not go out from inside the rule. It becomes an [`OutboxRecord`] under the key
//! `outbox, <sending pico>, <sequence>` in the transaction's staged batch (`kernel/staged.rs`), so it is stored
//! in the same `WriteBatch` as the transaction's other writes, or not at all: a failed
//! transaction, or a failed group commit, sends nothing. Once the group committed,
//! [`EngineInner::settle`] hands the entries to [`Outbox::dispatch`].
//!
//! Each destination (the `host`, without a trailing `/`) has one queue and at most one sender
//! thread, which posts its entries one at a time in sequence order, so two events from one
//! pico to another engine arrive in the order they were sent. An entry leaves the store only
//! when the destination acknowledged it (a 2xx answer without an `error` key) or refused it
//! for good (an `error` answer such as an unknown ECI, or a 4xx status other than 408 and
//! 429): both of those are final, and a refusal goes to the sending pico's log as before.
//! Anything else (no connection, a timeout, 408, 429, 5xx) is retried after a wait that
//! starts at [`OutboxOptions::first_retry`] and doubles up to [`OutboxOptions::max_retry`];
//! the first failure of an entry is logged on the sending pico. Once a destination has been
//! failing for [`OutboxOptions::give_up_after`] (one hour by default) its entries are given
//! up one attempt each: logged on the sending pico, and dropped.
//!
//! At startup ([`Outbox::resume`]) the stored entries are queued again before any new
//! transaction runs. A graceful stop ([`Outbox::stop`], `krl run` on SIGTERM) starts no new
//! attempt and lets those under way finish, so their entries are removed. Delivery is at
//! least once: an event the destination took just before a crash, whose entry was not yet
//! removed, is sent again after the restart (pico engines do not recognise a repeated event).
//! The reference posts in the background from inside the rule, once, in no guaranteed order,
//! and loses the event on any failure.

use std::collections::{HashMap, VecDeque, hash_map};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::error::EngineError;
use super::kernel::EngineInner;
use super::modules::http::{Delivery, deliver_event};
use super::persist;
use crate::storage::{Storage, WriteBatch, key};

/// How the outbox retries events another engine did not take (see the module header).
#[derive(Clone, Debug)]
pub struct OutboxOptions {
    /// The wait after an entry's first failed attempt (default 250 ms).
    pub first_retry: Duration,
    /// The longest wait between two attempts; the wait doubles up to it (default 30 s).
    pub max_retry: Duration,
    /// How long a destination may keep failing before its events are dropped, each after
    /// one more attempt (default one hour).
    pub give_up_after: Duration,
}

impl Default for OutboxOptions {
    fn default() -> Self {
        OutboxOptions {
            first_retry: Duration::from_millis(250),
            max_retry: Duration::from_secs(30),
            give_up_after: Duration::from_secs(60 * 60),
        }
    }
}

/// One event to post to another engine: `POST <host>/c/<eci>/event/<domain>/<name>`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct OutboxRecord {
    /// The sending pico, whose log gets the failures.
    pub pico_id: String,
    pub host: String,
    pub eci: String,
    pub domain: String,
    pub name: String,
    /// The attributes as the JSON text to post, encoded when the rule sent them.
    pub body: String,
}

impl OutboxRecord {
    fn destination(&self) -> &str {
        self.host.trim_end_matches('/')
    }
}

/// A stored outbox entry: its place in the sequence and what to send.
#[derive(Debug)]
pub(crate) struct Outgoing {
    seq: u64,
    record: OutboxRecord,
}

impl Outgoing {
    fn key(&self) -> Vec<u8> {
        outbox_key(&self.record.pico_id, self.seq)
    }
}

/// The key of the sending pico's entry `seq`: zero-padded so that key order is sequence
/// order. Under the sending pico, so that an engine taking a pico over on a shared store
/// finds its entries, and engines numbering their entries each on their own never write
/// the same key (a pico is run by one engine at a time).
fn outbox_key(pico: &str, seq: u64) -> Vec<u8> {
    key::encode(&[OUTBOX_AREA, pico, &format!("{seq:020}")])
}

/// The sequence number of an entry's key parts (`outbox, pico, seq`).
fn sequence_of(parts: &[String]) -> Option<u64> {
    match parts {
        [_, _, seq] => seq.parse().ok(),
        _ => None,
    }
}

/// Moves entries stored as `outbox, <sequence>` (before the sending pico was part of the
/// key) under their pico, in one batch.
fn migrate_unkeyed(storage: &dyn Storage) -> Result<(), EngineError> {
    let mut batch = WriteBatch::new();
    for (entry_key, bytes) in storage.scan_prefix(&key::prefix(&[OUTBOX_AREA]))? {
        let Ok(Ok([_, seq])) = key::decode(&entry_key).map(<[String; 2]>::try_from) else {
            continue;
        };
        let Ok(seq) = seq.parse::<u64>() else { continue };
        let record: OutboxRecord = persist::from_bytes(&entry_key, &bytes)?;
        batch.put(outbox_key(&record.pico_id, seq), bytes);
        batch.delete(entry_key);
    }
    if !batch.is_empty() {
        storage.commit(batch)?;
    }
    Ok(())
}

const OUTBOX_AREA: &str = "outbox";

/// The queues of the events waiting for other engines.
pub(crate) struct Outbox {
    next_seq: AtomicU64,
    /// Destination → its entries not yet acknowledged, oldest first. A destination is listed
    /// exactly while its sender thread runs; the sender removes it when the queue is empty.
    queues: Mutex<HashMap<String, VecDeque<Arc<Outgoing>>>>,
    options: OutboxOptions,
    /// Attempts under way, and whether the engine is stopping (no new attempt starts then),
    /// so that a stop can let them finish and remove their entries ([`Outbox::stop`]).
    attempts: Mutex<Attempts>,
    attempt_done: Condvar,
}

#[derive(Default)]
struct Attempts {
    under_way: usize,
    stopping: bool,
}

impl Outbox {
    pub(crate) fn new(options: OutboxOptions) -> Outbox {
        Outbox {
            next_seq: AtomicU64::new(0),
            queues: Mutex::new(HashMap::new()),
            options,
            attempts: Mutex::new(Attempts::default()),
            attempt_done: Condvar::new(),
        }
    }

    /// Stops sending: no new attempt starts, and this waits (up to `timeout`) for those under
    /// way, so that an event the other engine took is not sent again after the next start.
    /// What is left stays stored and goes out after the next start.
    pub(crate) fn stop(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let mut attempts = lock(&self.attempts);
        attempts.stopping = true;
        while attempts.under_way > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            attempts = match self.attempt_done.wait_timeout(attempts, left) {
                Ok((attempts, _)) => attempts,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Counts an attempt that is about to start; false once the engine is stopping.
    fn start_attempt(&self) -> bool {
        let mut attempts = lock(&self.attempts);
        if attempts.stopping {
            return false;
        }
        attempts.under_way += 1;
        true
    }

    /// An attempt is over (its entry removed, or kept for a retry).
    fn end_attempt(&self) {
        let mut attempts = lock(&self.attempts);
        attempts.under_way = attempts.under_way.saturating_sub(1);
        self.attempt_done.notify_all();
    }

    /// Stages an event for another engine: its entry goes into `batch` (stored with the
    /// transaction) and is returned, to dispatch once that batch committed.
    pub(crate) fn stage(&self, batch: &mut WriteBatch, record: OutboxRecord) -> Outgoing {
        let outgoing = Outgoing {
            seq: self.next_seq.fetch_add(1, Ordering::Relaxed),
            record,
        };
        batch.put(outgoing.key(), persist::to_bytes(&outgoing.record));
        outgoing
    }

    /// Reads the entries a previous run left (of one pico, or of all), makes new entries
    /// number after them, and queues those of the picos this engine runs for sending (on a
    /// shared store, an engine that takes a pico over sends its entries: `kernel/adopt.rs`).
    /// Entries stored before the pico was part of the key (`outbox, <sequence>`) are moved under their sending
    /// pico first.
    pub(crate) fn resume(
        &self,
        engine: &Weak<EngineInner>,
        storage: &dyn Storage,
        only: Option<&str>,
    ) -> Result<(), EngineError> {
        if only.is_none() {
            migrate_unkeyed(storage)?;
        }
        let prefix = match only {
            Some(pico) => key::prefix(&[OUTBOX_AREA, pico]),
            None => key::prefix(&[OUTBOX_AREA]),
        };
        let inner = engine.upgrade();
        let mut stored = Vec::new();
        for (entry_key, bytes) in storage.scan_prefix(&prefix)? {
            let Some(seq) = key::decode(&entry_key).ok().and_then(|parts| sequence_of(&parts)) else {
                continue;
            };
            let record: OutboxRecord = persist::from_bytes(&entry_key, &bytes)?;
            self.next_seq.fetch_max(seq + 1, Ordering::Relaxed);
            if inner
                .as_ref()
                .is_some_and(|inner| inner.runs_here(&record.pico_id))
            {
                stored.push(Outgoing { seq, record });
            }
        }
        stored.sort_by_key(|outgoing| outgoing.seq);
        self.dispatch(engine, stored);
        Ok(())
    }

    /// Queues committed entries, each behind its destination's earlier ones, and starts a
    /// sender for each destination that has none.
    pub(crate) fn dispatch(&self, engine: &Weak<EngineInner>, entries: Vec<Outgoing>) {
        // Once stopping, entries stay stored for the next start.
        if entries.is_empty() || lock(&self.attempts).stopping {
            return;
        }
        let mut queues = lock(&self.queues);
        for outgoing in entries {
            let destination = outgoing.record.destination().to_string();
            match queues.entry(destination) {
                hash_map::Entry::Occupied(mut queue) => queue.get_mut().push_back(Arc::new(outgoing)),
                hash_map::Entry::Vacant(slot) => {
                    let destination = slot.key().clone();
                    slot.insert(VecDeque::from([Arc::new(outgoing)]));
                    let sender_engine = Weak::clone(engine);
                    let spawned = std::thread::Builder::new()
                        .name("outbox-sender".to_string())
                        .spawn(move || send_all(sender_engine, destination));
                    if let (Err(err), Some(inner)) = (spawned, engine.upgrade()) {
                        // The entries stay stored and are sent after the next start.
                        inner.engine_log_error(format!("cannot start an outbox sender: {err}"));
                    }
                }
            }
        }
    }

    /// The oldest entry waiting for `destination`; `None` (and the destination unlisted, so
    /// the next dispatch starts a new sender) when there is none.
    fn next(&self, destination: &str) -> Option<Arc<Outgoing>> {
        let mut queues = lock(&self.queues);
        let next = queues.get(destination).and_then(|queue| queue.front().cloned());
        if next.is_none() {
            queues.remove(destination);
        }
        next
    }

    /// Removes the oldest entry of `destination`, sent or given up.
    fn finish(&self, destination: &str) {
        if let Some(queue) = lock(&self.queues).get_mut(destination) {
            queue.pop_front();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The sender of one destination: posts its entries in order until its queue is empty. It
/// holds the engine only between waits, and stops when the engine is gone.
fn send_all(engine: Weak<EngineInner>, destination: String) {
    let mut failing_since: Option<Instant> = None;
    let mut attempts: u32 = 0;
    let mut wait = Duration::ZERO;
    loop {
        let (outgoing, options) = {
            let Some(inner) = engine.upgrade() else { return };
            let Some(outgoing) = inner.outbox.next(&destination) else {
                return;
            };
            if !inner.outbox.start_attempt() {
                return;
            }
            (outgoing, inner.outbox.options.clone())
        };
        let record = &outgoing.record;
        let url = super::modules::http::event_url(&record.host, &record.eci, &record.domain, &record.name);
        attempts += 1;
        let delivery = deliver_event(&url, &record.body);
        let Some(inner) = engine.upgrade() else { return };
        let retry = settle_attempt(
            &inner,
            &destination,
            &outgoing,
            &url,
            delivery,
            attempts,
            &mut failing_since,
        );
        inner.outbox.end_attempt();
        match retry {
            Retry::No => (failing_since, attempts, wait) = (None, 0, Duration::ZERO),
            Retry::Next => attempts = 0,
            Retry::Later => {
                drop(inner);
                wait = if wait.is_zero() {
                    options.first_retry
                } else {
                    (wait * 2).min(options.max_retry)
                };
                std::thread::sleep(wait);
            }
        }
    }
}

/// What the sender does after an attempt.
enum Retry {
    /// The entry is done with and the destination answers: go on with the next one.
    No,
    /// The entry was given up and the destination is still failing: the next one gets one
    /// attempt.
    Next,
    /// Try the same entry again after a wait.
    Later,
}

/// Removes the entry of a finished attempt (delivered, refused or given up), with the log
/// lines the sending pico gets, or keeps it for a retry.
fn settle_attempt(
    inner: &EngineInner,
    destination: &str,
    outgoing: &Outgoing,
    url: &str,
    delivery: Delivery,
    attempts: u32,
    failing_since: &mut Option<Instant>,
) -> Retry {
    let record = &outgoing.record;
    let failure = match delivery {
        Delivery::Accepted => None,
        Delivery::Refused(why) => {
            inner.pico_log_error(&record.pico_id, format!("event to {url} failed: {why}"));
            None
        }
        Delivery::Failed(why) => Some(why),
    };
    let Some(why) = failure else {
        remove(inner, destination, outgoing);
        return Retry::No;
    };
    let since = *failing_since.get_or_insert_with(Instant::now);
    if since.elapsed() >= inner.outbox.options.give_up_after {
        let message = format!(
            "event to {url} given up after {attempts} attempts over {} s: {why}",
            since.elapsed().as_secs()
        );
        inner.pico_log_error(&record.pico_id, message);
        remove(inner, destination, outgoing);
        return Retry::Next;
    }
    if attempts == 1 {
        inner.pico_log_error(
            &record.pico_id,
            format!("event to {url} failed: {why} (retrying)"),
        );
    }
    Retry::Later
}

/// Removes a sent (or given-up) entry from the store, then from its queue. If the store
/// cannot remove it, it is logged and sent again after the next start (at least once).
fn remove(inner: &EngineInner, destination: &str, outgoing: &Outgoing) {
    let mut batch = WriteBatch::new();
    batch.delete(outgoing.key());
    if let Err(err) = inner.storage.commit(batch) {
        inner.engine_log_error(format!(
            "a delivered outbox entry could not be removed and will be sent again: {err}"
        ));
    }
    inner.outbox.finish(destination);
}
