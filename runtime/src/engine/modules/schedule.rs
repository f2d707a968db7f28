//! Scheduled events: the `schedule ... at|repeat` statement, the `schedule` module
//! (`list`, `get`, `remove`, `clear`; engine.md §3.12, §7.4) and the engine's timers.
//!
//! The records live in the ruleset's `_schedule` entity variable (a map id → record), so they
//! commit with the transaction that made them and survive restarts; timers are only a cache
//! of when to look again. A timer that fires re-reads `_schedule` under the pico's lock and
//! delivers only what is still there, which makes cancelling lazy and safe: `remove`,
//! `clear`, a failed transaction, an uninstalled ruleset or a deleted pico all simply leave
//! nothing to deliver, and the timer is dropped when it comes due.
//!
//! Timers are kept in one ordered queue per engine. With the system clock a thread sleeps
//! until the earliest one; with a manual clock [`fire_due`] runs from `Engine::set_time` and
//! delivers everything due, in time order, each event's transaction finished before the next
//! timer fires.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::Duration;

use super::cron::Cron;
use super::time::parse_iso;
use super::{Args, no_member};
use crate::RuntimeError;
use crate::engine::context::TxnContext;
use crate::engine::event::Event;
use crate::engine::ids::new_id;
use crate::engine::kernel::EngineInner;
use crate::engine::persist;
use crate::storage::key;
use crate::value::{Map, Value};

/// The entity variable holding a ruleset's schedule on a pico.
pub(crate) const SCHEDULE_VAR: &str = "_schedule";

/// How many timers one `set_time` may fire; a rule that keeps scheduling itself "now" would
/// otherwise never let the call return.
const MAX_FIRES_PER_CALL: usize = 100_000;

#[derive(Clone, Debug)]
enum When {
    At,
    Repeat(Cron),
}

#[derive(Clone, Debug)]
struct Timer {
    id: String,
    pico_id: String,
    rid: Arc<str>,
    when: When,
}

#[derive(Default)]
struct Queue {
    /// (due time in epoch ms, arming order) → timer.
    timers: BTreeMap<(i64, u64), Timer>,
    seq: u64,
    stopped: bool,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

/// The engine's timers. Dropping it stops its thread.
#[derive(Default)]
pub(crate) struct Scheduler {
    shared: Arc<Shared>,
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        lock(&self.shared.queue).stopped = true;
        self.shared.wake.notify_all();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Scheduler {
    fn arm(&self, due: i64, timer: Timer) {
        let mut queue = lock(&self.shared.queue);
        queue.seq += 1;
        let seq = queue.seq;
        queue.timers.insert((due, seq), timer);
        drop(queue);
        self.shared.wake.notify_all();
    }

    /// Drops the timers of a pico this engine no longer runs, or is about to re-arm from
    /// the store (`kernel/adopt.rs`), so that none fires twice.
    pub(crate) fn forget_pico(&self, pico: &str) {
        lock(&self.shared.queue)
            .timers
            .retain(|_, timer| timer.pico_id != pico);
    }

    /// The earliest timer due at `now`, taken out of the queue.
    fn pop_due(&self, now: i64) -> Option<(i64, Timer)> {
        let mut queue = lock(&self.shared.queue);
        let (&key, _) = queue.timers.iter().next().filter(|((due, _), _)| *due <= now)?;
        queue.timers.remove(&key).map(|timer| (key.0, timer))
    }

    /// Starts the thread that fires timers on the system clock. It holds the engine weakly
    /// and ends when the engine is dropped.
    pub(crate) fn start(&self, engine: Weak<EngineInner>) {
        let shared = Arc::clone(&self.shared);
        std::thread::Builder::new()
            .name("pico-scheduler".into())
            .spawn(move || timer_thread(&shared, &engine))
            .expect("the engine can start its scheduler thread");
    }
}

fn timer_thread(shared: &Shared, engine: &Weak<EngineInner>) {
    loop {
        let Some(inner) = engine.upgrade() else { return };
        let now = inner.now() as i64;
        let next = {
            let queue = lock(&shared.queue);
            if queue.stopped {
                return;
            }
            queue.timers.keys().next().map(|(due, _)| *due)
        };
        match next {
            Some(due) if due <= now => {
                fire_due(&inner);
                continue;
            }
            _ => {}
        }
        drop(inner);
        // Sleep until the earliest timer, a new timer, or a second at most (so a dropped
        // engine or a clock jump is noticed).
        let wait = next.map_or(1000, |due| (due - now).clamp(1, 1000)) as u64;
        let queue = lock(&shared.queue);
        if queue.stopped {
            return;
        }
        let _ = shared.wake.wait_timeout(queue, Duration::from_millis(wait));
    }
}

/// Fires every timer due at the engine's current time, earliest first. With a manual clock
/// each delivered event's transaction has finished before the next timer fires.
pub(crate) fn fire_due(engine: &EngineInner) {
    let wait = engine.has_manual_clock();
    for _ in 0..MAX_FIRES_PER_CALL {
        let now = engine.now() as i64;
        let Some((due, timer)) = engine.scheduler().pop_due(now) else {
            return;
        };
        fire(engine, due, timer, wait);
    }
    engine.engine_log_error(format!(
        "more than {MAX_FIRES_PER_CALL} scheduled events were due at once; the rest wait"
    ));
}

/// Delivers one timer's event if its record is still in `_schedule`; re-arms repeats.
fn fire(engine: &EngineInner, due: i64, timer: Timer, wait: bool) {
    // Lost to another engine meanwhile: it re-armed the pico's timers when it took it.
    if !engine.runs_here(&timer.pico_id) {
        return;
    }
    let outcome = engine.with_pico(&timer.pico_id, |state| {
        let key = (Arc::clone(&timer.rid), Arc::<str>::from(SCHEDULE_VAR));
        let schedule = state
            .ent
            .get(&key)
            .and_then(Value::as_map)
            .cloned()
            .unwrap_or_default();
        let record = schedule.get(&timer.id)?.clone();
        let event = record_event(&record)?;
        // Matches pico-engine: the event's eci must still lead to the pico.
        if engine.lookup_channel(&event.eci).ok()?.pico_id != state.id {
            return None;
        }
        let mut writes = Vec::new();
        if matches!(timer.when, When::At) {
            let mut rest = schedule.clone();
            rest.remove(&timer.id);
            writes.push((
                Arc::clone(&timer.rid),
                Arc::<str>::from(SCHEDULE_VAR),
                Some(Value::map(rest)),
            ));
        }
        match engine.queue_event(state, event, writes, wait) {
            Ok(answer) => Some(answer),
            Err(err) => {
                engine.pico_log_error(
                    &state.id,
                    format!("scheduled event {} could not be queued: {err}", timer.id),
                );
                None
            }
        }
    });
    let delivered = matches!(outcome, Ok(Some(_)));
    if let Ok(Some(Some(answer))) = outcome {
        // A failed transaction is logged by the engine like any other.
        let _ = answer.recv();
    }
    if let When::Repeat(cron) = &timer.when
        && delivered
        && let Some(next) = cron.next_after(due)
    {
        engine.scheduler().arm(next, timer.clone());
    }
}

/// The event a stored record delivers: `time` 0, attrs as given (null when none were).
fn record_event(record: &Value) -> Option<Event> {
    let event = record.as_map()?.get("event")?.as_map()?;
    let text = |key: &str| event.get(key).and_then(Value::as_str).map(Arc::<str>::from);
    let attrs = event
        .get("data")
        .and_then(Value::as_map)
        .and_then(|d| d.get("attrs"))
        .cloned()
        .unwrap_or_default();
    Some(Event {
        eci: text("eci")?,
        domain: text("domain")?,
        name: text("name")?,
        attrs,
        time: 0.0,
    })
}

/// Arms a timer for a stored record.
fn arm_record(engine: &EngineInner, pico_id: &str, rid: &Arc<str>, record: &Value, now: i64) {
    let Some(map) = record.as_map() else { return };
    let Some(id) = map.get("id").and_then(Value::as_str) else {
        return;
    };
    let timer = |when| Timer {
        id: id.to_string(),
        pico_id: pico_id.to_string(),
        rid: Arc::clone(rid),
        when,
    };
    match map.get("type").and_then(Value::as_str) {
        Some("at") => {
            if let Some(time) = map.get("time").and_then(Value::as_number) {
                engine.scheduler().arm(time as i64, timer(When::At));
            }
        }
        Some("repeat") => {
            let cron = map.get("timespec").and_then(Value::as_str).and_then(Cron::parse);
            if let Some(cron) = cron
                && let Some(next) = cron.next_after(now)
            {
                engine.scheduler().arm(next, timer(When::Repeat(cron)));
            }
        }
        _ => {}
    }
}

/// Startup (all picos) or a pico's adoption (`only`, `kernel/adopt.rs`): arms every record
/// of its `_schedule` variables, found through the timer index (`persist`), so no pico is
/// loaded for it. Missed repeats are not replayed; `at` times already past fire at once.
pub(crate) fn rearm(engine: &EngineInner, only: Option<&str>) {
    let now = engine.now() as i64;
    let storage = engine.storage();
    let prefix = match only {
        Some(pico) => key::prefix(&["timer-index", pico]),
        None => key::prefix(&["timer-index"]),
    };
    let indexed = match storage.scan_prefix(&prefix) {
        Ok(indexed) => indexed,
        Err(err) => {
            engine.engine_log_error(format!("scheduled events could not be read: {err}"));
            return;
        }
    };
    for (index_key, _) in indexed {
        let Ok(Ok([_, pico_id, rid])) = key::decode(&index_key).map(<[String; 3]>::try_from) else {
            continue;
        };
        // On a shared store, the engine holding the pico keeps its timers.
        if !engine.runs_here(&pico_id) {
            continue;
        }
        let stored = storage.get(&persist::ent_key(&pico_id, &rid, SCHEDULE_VAR));
        let Some(schedule) = stored
            .ok()
            .flatten()
            .and_then(|bytes| Value::decode(&String::from_utf8_lossy(&bytes)).ok())
        else {
            continue;
        };
        let rid: Arc<str> = Arc::from(rid.as_str());
        for record in schedule.as_map().into_iter().flat_map(|m| m.values()) {
            arm_record(engine, &pico_id, &rid, record, now);
        }
    }
}

/// The `schedule` module's members.
pub(super) fn call(cx: &mut TxnContext<'_>, name: &str, args: Args) -> Result<Value, RuntimeError> {
    let schedule = cx.ent_get(SCHEDULE_VAR);
    let records = schedule.as_map().cloned().unwrap_or_default();
    match name {
        "list" => Ok(Value::array(records.values().cloned().collect())),
        "get" => Ok(records
            .get(&args.get(0).to_krl_string())
            .cloned()
            .unwrap_or_default()),
        "remove" => {
            // Deliberately not the reference's behaviour, which empties the whole
            // `_schedule` (engine.md §12 item 9): only this record goes.
            let mut rest = records;
            if rest.remove(&args.get(0).to_krl_string()).is_some() {
                cx.ent_put(SCHEDULE_VAR, None, Value::map(rest))?;
            }
            Ok(Value::Null)
        }
        "clear" => {
            cx.ent_clear(SCHEDULE_VAR, None);
            Ok(Value::Null)
        }
        _ => Err(no_member("schedule", name)),
    }
}

/// The `schedule` statement.
impl TxnContext<'_> {
    /// `schedule <domain> event <name> at <time> attributes <attrs>`: stores the record in
    /// `_schedule`, arms its timer and returns it (for `setting(x)`). `time` is epoch ms or
    /// an ISO-8601 string.
    pub fn schedule_at(
        &mut self,
        domain: &Value,
        name: &Value,
        time: &Value,
        attrs: Value,
    ) -> Result<Value, RuntimeError> {
        let millis = match time {
            Value::Number(n) if n.is_finite() => Some(*n),
            Value::String(text) => parse_iso(text).map(|ms| ms as f64),
            _ => None,
        };
        let Some(millis) = millis else {
            let type_name = time.krl_type().name();
            return Err(RuntimeError::type_error(format!(
                "schedule .. at expected a timestamp but got {type_name}"
            )));
        };
        let (id, record) =
            self.schedule_record(domain, name, ("at", "time", Value::number(millis)), attrs)?;
        let timer = Timer {
            id,
            pico_id: self.pico_id().to_string(),
            rid: self.running_rid(),
            when: When::At,
        };
        self.scheduler().arm(millis as i64, timer);
        Ok(record)
    }

    /// `schedule <domain> event <name> repeat <timespec> attributes <attrs>` with a cron
    /// timespec of five or six fields.
    pub fn schedule_repeat(
        &mut self,
        domain: &Value,
        name: &Value,
        timespec: &Value,
        attrs: Value,
    ) -> Result<Value, RuntimeError> {
        let spec = timespec.to_krl_string().into_owned();
        let cron = timespec.as_str().and_then(Cron::parse).ok_or_else(|| {
            RuntimeError::error(format!(
                "schedule .. repeat expected a cron timespec but got {spec}"
            ))
        })?;
        let now = self.now() as i64;
        let (id, record) =
            self.schedule_record(domain, name, ("repeat", "timespec", Value::string(spec)), attrs)?;
        if let Some(next) = cron.next_after(now) {
            let timer = Timer {
                id,
                pico_id: self.pico_id().to_string(),
                rid: self.running_rid(),
                when: When::Repeat(cron),
            };
            self.scheduler().arm(next, timer);
        }
        Ok(record)
    }

    /// `"domain:type"` of the dynamic `schedule event <expr>` form, split like `raise event`:
    /// whitespace removed, split at the first `:`. Unlike the reference (engine.md §12 item
    /// 10), the scheduled event keeps both parts.
    pub fn split_event_type(domain_and_type: &Value) -> (Value, Value) {
        let text: String = domain_and_type
            .to_krl_string()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let (domain, name) = text.split_once(':').unwrap_or((text.as_str(), ""));
        (Value::string(domain), Value::string(name))
    }

    fn schedule_record(
        &mut self,
        domain: &Value,
        name: &Value,
        when: (&str, &str, Value),
        attrs: Value,
    ) -> Result<(String, Value), RuntimeError> {
        let eci = self
            .event()
            .map_or_else(|| "[schedule]".to_string(), |e| e.eci.to_string());
        // Checked now rather than failing at delivery as the reference does.
        let cleaned = Event::clean(
            &eci,
            &domain.to_krl_string(),
            &name.to_krl_string(),
            attrs.clone(),
            0.0,
        )?;
        let id = new_id();
        let mut data = Map::new();
        if !attrs.is_null() {
            data.insert("attrs", cleaned.attrs);
        }
        let mut event = Map::new();
        event.insert("eci", Value::string(&*cleaned.eci));
        event.insert("domain", Value::string(&*cleaned.domain));
        event.insert("name", Value::string(&*cleaned.name));
        event.insert("data", Value::map(data));
        event.insert("time", Value::number(0.0));
        let mut record = Map::new();
        record.insert("id", Value::string(id.as_str()));
        record.insert("type", Value::string(when.0));
        record.insert(when.1, when.2);
        record.insert("event", Value::map(event));
        let record = Value::map(record);
        let mut schedule = self.ent_get(SCHEDULE_VAR).as_map().cloned().unwrap_or_default();
        schedule.insert(id.as_str(), record.clone());
        self.ent_put(SCHEDULE_VAR, None, Value::map(schedule))?;
        Ok((id, record))
    }
}
