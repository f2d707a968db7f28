//! The engine: picos, their queues and transactions, the ruleset registry and installs.
//!
//! Concurrency: each pico has a FIFO of jobs (events and queries) and at most one job runs
//! per pico at a time; a pool of worker threads drains the picos that have work, so many
//! picos run in parallel. An event transaction offers the event to every installed ruleset,
//! then every raised event, breadth first; its entity-variable and rule-state writes go to
//! an overlay that is applied only when the whole transaction succeeded, so a failing rule
//! leaves no partial writes behind.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, RwLock};

use super::backend::{Backend, RulesetInstance};
use super::channel::{self, Channel, EventPolicy, QueryPolicy};
use super::error::EngineError;
use super::event::{Event, Query};
use super::ids::new_id;
use super::modules::schedule::SCHEDULE_VAR;
use super::persist::{self, InboxRecord, InstallRecord, PicoRecord};
use super::pico::{Installed, PicoState, RulesetCode};
use super::select::{self, SelectEvent, WhereEval};
use crate::RuntimeError;
use crate::limits::ValueLimits;
use crate::storage::{MemoryStorage, Storage, StorageError, WriteBatch, key};
use crate::value::{Map, Value};
use context::{LogEntry, TxnContext};

mod adopt;
mod clock;
pub mod context;
mod dead_letters;
mod facade;
mod idempotency;
mod load;
mod logs;
mod oneshot;
mod primitives;
mod registry;
mod residency;
mod scratch;
mod secret_store;
mod staged;
mod submit;
mod summaries;
mod txn;

use clock::Clock;
pub use dead_letters::{DeadLetter, MAX_EVENT_RUNS};
pub use idempotency::{Claim, Idempotent, RETENTION_MS as IDEMPOTENCY_RETENTION_MS};
pub(crate) use staged::Staged;
pub use submit::{Arrival, Submitted};

/// What an event-wait caller gets back.
#[derive(Clone, Debug, PartialEq)]
pub struct EventResponse {
    pub eid: String,
    pub directives: Vec<Value>,
}

impl EventResponse {
    /// `{"eid": ..., "directives": [...]}` as the HTTP API answers.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("eid", Value::string(self.eid.as_str()));
        map.insert("directives", Value::array(self.directives.clone()));
        Value::map(map)
    }
}

type EventReply = oneshot::Sender<Result<EventResponse, RuntimeError>>;

enum Job {
    /// `inbox`: the event was stored in the pico's inbox when it was accepted, and its
    /// transaction removes it.
    Event {
        eid: String,
        event: Event,
        reply: Option<EventReply>,
        inbox: bool,
        /// The `Idempotency-Key` the event runs under: its answer commits with the event.
        claim: Option<Claim>,
    },
    Query {
        qid: String,
        query: Query,
        reply: oneshot::Sender<Result<Value, RuntimeError>>,
    },
    /// Re-initialise a flushed ruleset on this pico, which was busy at the flush: a flush
    /// never waits for a busy pico (see `reinstall_on_resident`). Runs alone, between groups.
    Reinstall(Arc<RulesetCode>),
}

#[derive(Default)]
struct PicoQueue {
    jobs: VecDeque<Job>,
    drainer: Drainer,
}

/// Who runs a pico's queue. Only one thread drains it at a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Drainer {
    /// Nobody: the queue is empty or about to get a drainer.
    #[default]
    Idle,
    /// Handed to the worker threads, not yet picked up. A caller that waits for the pico
    /// takes it over, so a worker blocked in `ctx:query` never waits for another worker.
    Scheduled,
    /// A thread is running it.
    Draining,
}

pub(crate) struct PicoCell {
    queue: Mutex<PicoQueue>,
    state: Mutex<PicoState>,
    /// When it was last looked up, on the engine's logical clock (for eviction).
    last_used: AtomicU64,
    /// Set once the deletion of this pico committed. Held around each commit of the pico's
    /// own jobs: a job that was running when its pico was deleted stores nothing
    /// (`staged.rs`, "Deleting a busy pico").
    deleted: Mutex<bool>,
}

pub(crate) struct EngineInner {
    /// URL → the ruleset version flushed from it, and the backend compiling them.
    registry: registry::Registry,
    /// The picos in memory and the channels by ECI in front of storage.
    residency: residency::Residency,
    /// Most jobs waiting on one pico before callers get [`EngineError::Busy`].
    max_queued: usize,
    /// What ruleset URLs may read.
    sources: super::source::SourcePolicy,
    /// Pico → the pico its running job waits for (a `ctx:query`), to refuse a query that
    /// would close a cycle of waits instead of deadlocking.
    waits_for: Mutex<HashMap<String, String>>,
    root_id: String,
    clock: Clock,
    base_url: String,
    logs: logs::Logs,
    /// Event transactions finished so far (`Engine::events_finished`, the UI's live updates).
    events_finished: AtomicU64,
    /// `Idempotency-Key`s being processed, and how far old ones are pruned.
    idempotency: idempotency::Idempotency,
    work: Mutex<Sender<Arc<PicoCell>>>,
    pub(crate) storage: Arc<dyn Storage>,
    /// Events waiting to be posted to other engines (`outbox.rs`).
    pub(crate) outbox: super::outbox::Outbox,
    /// Orders installs so a restart keeps each pico's ruleset order.
    install_seq: AtomicU64,
    /// Timers of scheduled events (built-in modules, see `modules/schedule.rs`).
    scheduler: super::modules::schedule::Scheduler,
    /// Where tools observe rule selection (see `trace.rs`).
    pub(crate) trace: super::trace::Trace,
    /// Calls and loop iterations one transaction may make.
    step_budget: u64,
    /// Caps on the values one transaction may build.
    value_limits: ValueLimits,
    /// This engine, for work a module finishes after its transaction (`http` autosend).
    this: std::sync::Weak<EngineInner>,
    /// Which engine runs each pico when several share the store (`placement.rs`); `None`:
    /// this one runs them all.
    placement: Option<Arc<dyn super::placement::Placement>>,
    /// Pico → the epoch it was adopted at (`kernel/adopt.rs`), so that each acquisition
    /// picks up the pico's inbox, timers and outbox once.
    adopted: Mutex<HashMap<String, i64>>,
}

/// One registered ruleset version (see [`Engine::registered_version`]).
#[derive(Clone, Debug, PartialEq)]
pub struct RulesetVersion {
    pub rid: String,
    /// SHA-256 of the source, in hex.
    pub hash: String,
    /// When the source was compiled, as an ISO 8601 time.
    pub flushed: String,
}

/// A pico engine. Cheap to clone; all clones share one engine.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

/// How an engine is set up.
pub struct EngineOptions {
    /// Worker threads draining pico queues (default: the number of cores, at least 2).
    pub workers: usize,
    /// Start the clock at this time and advance it only through [`Engine::set_time`].
    pub manual_clock: Option<f64>,
    /// What `meta:host` answers.
    pub base_url: String,
    /// Observes which rules ran (`krl test` coverage); see `trace.rs`.
    pub trace: super::trace::Trace,
    /// How many picos stay in memory; past this the least recently used idle ones are
    /// dropped (they load again from storage on their next use). Default 10,000.
    pub max_resident_picos: usize,
    /// How events sent to other engines are retried (`event:send` with a host).
    pub outbox: super::outbox::OutboxOptions,
    /// Most jobs (events and queries) waiting on one pico; a caller that would queue more
    /// gets [`EngineError::Busy`] (the HTTP API answers 503). Events a pico's rules send to
    /// other picos are not limited. Default 1,000.
    pub max_queued_per_pico: usize,
    /// What ruleset URLs may read: folders, hosts, size (docs/security.md). The default
    /// allows any readable file and any host.
    pub sources: super::source::SourcePolicy,
    /// Calls and loop iterations one transaction (an event with everything it raises, a
    /// query, a ruleset's initialisation) may make before it fails with "step budget of N
    /// exceeded". Default [`DEFAULT_STEP_BUDGET`] (100 million: seconds of work).
    pub step_budget: u64,
    /// Caps on the values one transaction may build (see `crate::limits`): strings of at
    /// most 32 MiB, arrays and maps of at most 4 million items, and a memory budget of
    /// 512 MiB of grown values per transaction. Past a cap the transaction fails with a
    /// KRL error ("string longer than N bytes", "memory budget of N bytes exceeded").
    pub value_limits: ValueLimits,
    /// Keep rule traces: why each rule did or did not fire, per event transaction
    /// (`why.rs`; read with [`Engine::why`]). Off by default; `krl run` turns it on.
    pub why: bool,
    /// Which engine runs each pico when several engines share the store (`placement.rs`):
    /// with one, this engine runs only the picos it claims and forwards the others. `None`
    /// (the default): this engine runs every pico of its store.
    pub placement: Option<Arc<dyn super::placement::Placement>>,
}

/// One entity variable of a pico: `(rid, name, value)` ([`Engine::ent_vars`]).
pub type EntVar = (Arc<str>, Arc<str>, Value);

/// The default of [`EngineOptions::step_budget`].
pub const DEFAULT_STEP_BUDGET: u64 = 100_000_000;

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
            manual_clock: None,
            base_url: "http://localhost:3000".to_string(),
            trace: None,
            max_resident_picos: 10_000,
            outbox: super::outbox::OutboxOptions::default(),
            max_queued_per_pico: 1_000,
            sources: super::source::SourcePolicy::default(),
            step_budget: DEFAULT_STEP_BUDGET,
            value_limits: ValueLimits::default(),
            why: false,
            placement: None,
        }
    }
}

impl Engine {
    /// A new in-memory engine with one root pico.
    pub fn new(backend: Arc<dyn Backend>, options: EngineOptions) -> Engine {
        Engine::open(backend, options, Arc::new(MemoryStorage::new()))
            .expect("an empty memory store always opens")
    }

    /// An engine on `storage`: the rulesets stored there are compiled, accepted events not
    /// yet processed are queued and timers re-armed; each pico (with its channels, installs,
    /// entity variables and rule states) loads on first use. An empty store gets a root pico.
    pub fn open(
        backend: Arc<dyn Backend>,
        options: EngineOptions,
        storage: Arc<dyn Storage>,
    ) -> Result<Engine, EngineError> {
        let (sender, receiver) = mpsc::channel::<Arc<PicoCell>>();
        let stored_root = match storage.get(&persist::root_key())? {
            Some(bytes) => Some(persist::from_bytes::<String>(&persist::root_key(), &bytes)?),
            None => None,
        };
        let root_id = stored_root.clone().unwrap_or_else(new_id);
        let inner = Arc::new_cyclic(|this| EngineInner {
            registry: registry::Registry::new(backend),
            residency: residency::Residency::new(options.max_resident_picos),
            max_queued: options.max_queued_per_pico.max(1),
            sources: options.sources,
            waits_for: Mutex::new(HashMap::new()),
            root_id: root_id.clone(),
            clock: Clock::new(options.manual_clock),
            base_url: options.base_url,
            logs: logs::Logs::new(options.why),
            events_finished: AtomicU64::new(0),
            idempotency: idempotency::Idempotency::new(),
            work: Mutex::new(sender),
            storage,
            outbox: super::outbox::Outbox::new(options.outbox),
            install_seq: AtomicU64::new(0),
            scheduler: super::modules::schedule::Scheduler::default(),
            trace: options.trace,
            step_budget: options.step_budget,
            value_limits: options.value_limits,
            this: this.clone(),
            placement: options.placement,
            adopted: Mutex::new(HashMap::new()),
        });
        let receiver = Arc::new(Mutex::new(receiver));
        for idx in 0..options.workers.max(1) {
            let receiver = Arc::clone(&receiver);
            let weak = Arc::downgrade(&inner);
            std::thread::Builder::new()
                .name(format!("pico-worker-{idx}"))
                .spawn(move || worker(receiver, weak))
                .expect("the engine can start its worker threads");
        }
        // Events a previous run committed for other engines go out before any new ones.
        inner.outbox.resume(&inner.this, &*inner.storage, None)?;
        match stored_root {
            Some(_) => inner.load()?,
            None => {
                // On a shared store the root belongs to the engine that creates it.
                inner.claim_new(&root_id)?;
                let mut batch = WriteBatch::new();
                batch.put(persist::root_key(), persist::to_bytes(&root_id));
                batch.put(persist::layout_key(), persist::to_bytes(&persist::LAYOUT_VERSION));
                let root = PicoState::new(root_id, None);
                batch.put(
                    persist::pico_key(&root.id),
                    persist::to_bytes(&pico_record(&root)),
                );
                inner.storage.commit(batch)?;
                inner.residency.add(root);
            }
        }
        // Scheduled events: re-arm stored schedules; the system clock gets a timer thread.
        super::modules::schedule::rearm(&inner, None);
        if !inner.has_manual_clock() {
            inner.scheduler.start(Arc::downgrade(&inner));
        }
        Ok(Engine { inner })
    }

    /// Stops posting events to other engines, for a graceful stop: attempts under way finish
    /// (waiting up to `timeout`), so an event another engine took is not sent again after
    /// the next start; entries not yet sent stay stored and go out after it.
    pub fn stop_sending(&self, timeout: std::time::Duration) {
        self.inner.outbox.stop(timeout);
    }

    /// The root pico's id (which is also the ECI of its self channel).
    pub fn root_pico(&self) -> &str {
        &self.inner.root_id
    }

    /// Sets the test clock (epoch milliseconds), then fires every scheduled event now due, in
    /// time order, each one's transaction finished before this returns. Has no effect on a
    /// system clock.
    pub fn set_time(&self, millis: f64) {
        if self.inner.clock.set(millis) {
            super::modules::schedule::fire_due(&self.inner);
        }
    }

    /// Compiles `src` as the ruleset at `url` and makes it available for installs. An
    /// unchanged source (same hash) keeps the current version. Returns the rid.
    pub fn register(&self, url: &str, src: &str) -> Result<String, EngineError> {
        let (code, changed) = self.inner.register_source(url, src.to_string())?;
        if changed {
            self.inner.reinstall_everywhere(&code);
        }
        Ok(code.rid().to_string())
    }

    /// Re-reads a URL (`file://` or a plain path, `http(s)://`, or a system ruleset's) and
    /// registers it.
    pub fn flush(&self, url: &str) -> Result<String, EngineError> {
        let src = super::source::fetch(url, &self.inner.sources)?;
        self.register(url, &src)
    }

    /// What the registry holds for `url`: its rid, the hash of its source and when it was
    /// compiled (what `/api/flush` answers).
    pub fn registered_version(&self, url: &str) -> Option<RulesetVersion> {
        let code = self.inner.registered(url)?;
        Some(RulesetVersion {
            rid: code.rid().to_string(),
            hash: code.hash.clone(),
            flushed: super::modules::iso8601(code.flushed),
        })
    }

    /// The compiler's warnings about the source registered at `url` (empty when none is).
    pub fn compiler_warnings(&self, url: &str) -> Vec<super::CompileWarning> {
        self.inner.registry.warnings(url)
    }

    /// Installs the ruleset registered at `url` on a pico (re-initialising it if already
    /// installed, keeping its position and entity variables). Returns the rid.
    pub fn install(&self, pico_id: &str, url: &str, config: Map) -> Result<String, EngineError> {
        let code = match self.inner.registry.get(url) {
            Some(code) => code,
            None => return Err(RuntimeError::error(format!("Ruleset not found for url {url}")).into()),
        };
        let rid = code.rid().to_string();
        let cell = self.inner.pico(pico_id)?;
        let mut state = lock(&cell.state);
        self.inner.install_on(&mut state, code, url, config, None)?;
        Ok(rid)
    }

    /// Removes a ruleset and its entity variables from a pico.
    pub fn uninstall(&self, pico_id: &str, rid: &str) -> Result<(), EngineError> {
        let cell = self.inner.pico(pico_id)?;
        let mut state = lock(&cell.state);
        let mut batch = WriteBatch::new();
        batch.delete(persist::install_key(pico_id, rid));
        batch.delete_prefix(persist::ent_prefix(pico_id, rid));
        batch.delete_prefix(persist::rule_state_prefix(pico_id, rid));
        self.inner.storage.commit(batch)?;
        state.rulesets.retain(|r| &*r.rid != rid);
        state.ent.retain(|(owner, _), _| &**owner != rid);
        state.rule_states.retain(|(owner, _), _| &**owner != rid);
        Ok(())
    }

    /// Creates a channel on a pico, validating tags and policies as `ctx:newChannel` does.
    pub fn new_channel(
        &self,
        pico_id: &str,
        tags: &Value,
        event_policy: &Value,
        query_policy: &Value,
    ) -> Result<Channel, EngineError> {
        let cell = self.inner.pico(pico_id)?;
        let channel = Channel {
            id: new_id(),
            pico_id: pico_id.to_string(),
            tags: channel::clean_tags(tags)?,
            event_policy: channel::event_policy(event_policy)?,
            query_policy: channel::query_policy(query_policy)?,
            family_channel_pico_id: None,
        };
        let mut batch = WriteBatch::new();
        persist::put_channel(&mut batch, &channel);
        self.inner.storage.commit(batch)?;
        lock(&cell.state)
            .channels
            .insert(channel.id.clone(), channel.clone());
        Ok(channel)
    }

    /// Creates a child of `parent_id` as `ctx:newPico` does: a parent-link channel on the
    /// parent (only the child may use it) and a child-link channel on the child (only the
    /// parent may use it). Returns the child-link ECI, by which the parent reaches the child.
    pub fn new_pico(&self, parent_id: &str) -> Result<String, EngineError> {
        let parent_cell = self.inner.pico(parent_id)?;
        let mut parent = lock(&parent_cell.state);
        let mut staged = Staged::default();
        let eci = self.inner.new_child(&mut staged, &mut parent, Vec::new())?;
        self.inner.commit_staged(&mut parent, staged)?;
        Ok(eci)
    }

    /// The pico that owns a channel.
    pub fn pico_of(&self, eci: &str) -> Result<String, EngineError> {
        Ok(self.inner.channel(eci)?.pico_id.clone())
    }

    /// Queues an event and returns its eid at once.
    pub fn event(&self, eci: &str, domain: &str, name: &str, attrs: Value) -> Result<String, EngineError> {
        self.event_at(eci, domain, name, attrs, Arrival::default())
    }

    /// [`Engine::event`] as it arrived: with the event's time given by the caller (epoch ms)
    /// instead of the engine clock when set (`krl run --trust-event-time`, the reference's
    /// `useEventInputTime`), and under an `Idempotency-Key` when claimed (its answer, the
    /// eid, is stored with the inbox entry).
    pub fn event_at(
        &self,
        eci: &str,
        domain: &str,
        name: &str,
        attrs: Value,
        arrival: Arrival,
    ) -> Result<String, EngineError> {
        let (cell, mut event) = self.inner.admit_event(eci, domain, name, attrs, None)?;
        self.inner.check_queue_room(&cell, 1)?;
        event.time = arrival.time.unwrap_or(event.time);
        self.inner.inbox_and_queue(&cell, event, arrival.claim)
    }

    /// Sends an event and waits for its transaction: the directives of every rule it ran.
    pub fn event_wait(
        &self,
        eci: &str,
        domain: &str,
        name: &str,
        attrs: Value,
    ) -> Result<EventResponse, EngineError> {
        self.event_wait_at(eci, domain, name, attrs, None)
    }

    /// [`Engine::event_wait`] with the event's time given by the caller, as [`Engine::event_at`].
    pub fn event_wait_at(
        &self,
        eci: &str,
        domain: &str,
        name: &str,
        attrs: Value,
        time: Option<f64>,
    ) -> Result<EventResponse, EngineError> {
        self.submit_event_wait(eci, (domain, name), attrs, Arrival::at(time))?
            .wait()
    }

    /// An event and then a query on the same pico, queued together so that no other job runs
    /// between them (pico-engine's `eventQuery`, the `/c/:eci/event/.../query/...` route).
    /// Answers the query's result, or the event's error.
    pub fn event_query_at(
        &self,
        eci: &str,
        (domain, name): (&str, &str),
        attrs: Value,
        time: Option<f64>,
        (rid, query_name): (&str, &str),
        args: Value,
    ) -> Result<Value, EngineError> {
        self.submit_event_query(
            eci,
            (domain, name),
            attrs,
            Arrival::at(time),
            (rid, query_name),
            args,
        )?
        .wait()
    }

    /// Calls a shared function (or reads a shared value) of a ruleset on a pico.
    pub fn query(&self, eci: &str, rid: &str, name: &str, args: Value) -> Result<Value, EngineError> {
        self.submit_query(eci, rid, name, args)?.wait()
    }

    /// The log lines of a pico, oldest first.
    pub fn logs(&self, pico_id: &str) -> Vec<LogEntry> {
        self.inner.pico_logs(pico_id)
    }

    /// The log lines of a pico numbered `after` and up (numbers count the lines a full log
    /// dropped), and the number to ask from next; for followers such as `krl logs -f`.
    pub fn logs_since(&self, pico_id: &str, after: usize) -> (Vec<LogEntry>, usize) {
        self.inner.logs.since(pico_id, after)
    }

    /// The rule traces of transaction `txn_id` of a pico (the event id of the event that
    /// started it), if the engine keeps them (`EngineOptions::why`) and still has them.
    pub fn why(&self, pico_id: &str, txn_id: &str) -> Option<Arc<super::why::TxnWhy>> {
        self.inner.logs.why(pico_id, txn_id)
    }

    /// Reads an entity variable directly (for tests and tools).
    pub fn ent(&self, pico_id: &str, rid: &str, name: &str) -> Result<Value, EngineError> {
        let cell = self.inner.pico(pico_id)?;
        let state = lock(&cell.state);
        Ok(state
            .ent
            .get(&(Arc::from(rid), Arc::from(name)))
            .cloned()
            .unwrap_or_default())
    }

    /// Every entity variable of a pico, sorted by rid and name (for tools: the developer
    /// UI's State tab).
    pub fn ent_vars(&self, pico_id: &str) -> Result<Vec<EntVar>, EngineError> {
        let cell = self.inner.pico(pico_id)?;
        let state = lock(&cell.state);
        let mut vars: Vec<_> = state
            .ent
            .iter()
            .map(|((rid, name), value)| (Arc::clone(rid), Arc::clone(name), value.clone()))
            .collect();
        vars.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        Ok(vars)
    }

    /// The source text a registered URL was last compiled from (for tools: the developer
    /// UI's "view the source").
    pub fn registered_source(&self, url: &str) -> Option<Arc<str>> {
        self.inner.registered(url).map(|code| Arc::clone(&code.source))
    }

    /// How many event transactions have finished (committed or not) since the engine
    /// started: a tool that shows pico state looks again when this changes.
    pub fn events_finished(&self) -> u64 {
        self.inner.events_finished.load(Ordering::Acquire)
    }
}

impl Engine {
    /// How many picos are in memory now (the others are only in storage).
    pub fn resident_picos(&self) -> usize {
        self.inner.residency.count()
    }

    /// Drops every idle pico from memory now (they load again on their next use); returns
    /// how many left. The engine also does this on its own past
    /// [`EngineOptions::max_resident_picos`].
    pub fn evict_idle_picos(&self) -> usize {
        self.inner.residency.evict_all_idle()
    }
}

fn receive<T>(answer: oneshot::Receiver<Result<T, RuntimeError>>) -> Result<T, RuntimeError> {
    settle(answer.recv())
}

/// A received answer; a job dropped unanswered means the engine is stopping.
fn settle<T>(answer: Result<Result<T, RuntimeError>, oneshot::Abandoned>) -> Result<T, RuntimeError> {
    answer.unwrap_or_else(|_| Err(RuntimeError::error("the engine stopped before answering")))
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: pico state is only
/// changed by whole-transaction commits, so it stays consistent.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// How long a worker runs one pico's queue before it puts the pico at the back of the line
/// and takes the next one, so a flooded pico cannot starve the others.
const WORKER_SLICE: std::time::Duration = std::time::Duration::from_millis(20);

fn worker(receiver: Arc<Mutex<Receiver<Arc<PicoCell>>>>, engine: std::sync::Weak<EngineInner>) {
    loop {
        let next = lock(&receiver).recv();
        let Ok(cell) = next else { return };
        let Some(engine) = engine.upgrade() else { return };
        if engine.claim_for_worker(&cell) {
            engine.drain(&cell, Some(WORKER_SLICE));
        }
    }
}

impl EngineInner {
    pub(crate) fn now(&self) -> f64 {
        self.clock.now()
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Runs `body`, one transaction's KRL code, under the engine's value limits on this
    /// thread, the previous ones restored afterwards (a `ctx:query` nests another pico's
    /// transaction on the caller's thread). The step budget and depth limit are the
    /// transaction's own, in its `TxnContext`'s execution state.
    pub(crate) fn budgeted<T>(&self, body: impl FnOnce() -> T) -> T {
        let _values = self.value_limits.apply();
        body()
    }

    /// A line in the engine's own log (the root pico's), for problems found while loading.
    fn engine_log(&self, message: String) {
        let entry = LogEntry::new(self.now(), "error", message);
        self.logs.push(&self.root_id, entry);
    }

    /// Cleans an event, resolves its channel and checks the policy.
    fn admit_event(
        &self,
        eci: &str,
        domain: &str,
        name: &str,
        attrs: Value,
        sender: Option<&str>,
    ) -> Result<(Arc<PicoCell>, Event), RuntimeError> {
        let event = Event::clean(eci, domain, name, attrs, self.now())?;
        let channel = self.channel(&event.eci)?;
        channel.check_event(&event.domain, &event.name, sender)?;
        Ok((self.pico(&channel.pico_id)?, event))
    }

    /// Queues a job nobody waits for; an idle pico is handed to the worker threads.
    fn push(&self, cell: &Arc<PicoCell>, job: Job) {
        let schedule = {
            let mut queue = lock(&cell.queue);
            queue.jobs.push_back(job);
            let idle = queue.drainer == Drainer::Idle;
            if idle {
                queue.drainer = Drainer::Scheduled;
            }
            idle
        };
        if schedule {
            // A send only fails once every worker is gone, i.e. the engine is shutting down.
            let _ = lock(&self.work).send(Arc::clone(cell));
        }
    }

    /// Queues a job for a caller that will wait for it anyway: unless a thread is already
    /// draining the pico, the caller's thread runs the queue itself. That saves two thread
    /// hand-offs per call, and a worker waiting in `ctx:query` never waits for a worker.
    fn push_and_wait(&self, cell: &Arc<PicoCell>, job: Job) {
        self.push_all_and_wait(cell, [job]);
    }

    /// [`Self::push_and_wait`] for jobs queued back to back, with nothing between them.
    fn push_all_and_wait<const N: usize>(&self, cell: &Arc<PicoCell>, jobs: [Job; N]) {
        let drain_here = {
            let mut queue = lock(&cell.queue);
            queue.jobs.extend(jobs);
            let free = queue.drainer != Drainer::Draining;
            if free {
                queue.drainer = Drainer::Draining;
            }
            free
        };
        if drain_here {
            self.drain(cell, None);
        }
    }

    /// A worker picked up `cell`: it drains it unless a waiting caller took it over.
    fn claim_for_worker(&self, cell: &Arc<PicoCell>) -> bool {
        let mut queue = lock(&cell.queue);
        let scheduled = queue.drainer == Drainer::Scheduled;
        if scheduled {
            queue.drainer = Drainer::Draining;
        }
        scheduled
    }

    /// Installs (or re-initialises) a ruleset on a pico and stores the install at once (a
    /// tool's install, a flush, a pico loading). `seq` is the stored install order when
    /// loading; a new install takes the next number.
    fn install_on(
        &self,
        state: &mut PicoState,
        code: Arc<RulesetCode>,
        url: &str,
        config: Map,
        seq: Option<u64>,
    ) -> Result<(), EngineError> {
        let mut staged = Staged::default();
        self.stage_install(&mut staged, state, code, url, config, seq)?;
        Ok(self.commit_staged(state, staged)?)
    }

    /// Commits what was staged outside any transaction, then settles it; if the commit
    /// fails, memory is brought back.
    fn commit_staged(&self, state: &mut PicoState, mut staged: Staged) -> Result<(), StorageError> {
        match self.storage.commit(std::mem::take(&mut staged.batch)) {
            Ok(()) => {
                self.settle(staged);
                Ok(())
            }
            Err(err) => {
                self.abort(state, staged);
                Err(err)
            }
        }
    }

    /// [`Self::install_on`] as part of a transaction: the install's writes go to `staged`,
    /// its effects on memory are undone if the transaction fails. A failed initialisation
    /// changes nothing. `ctx:install` calls it on the pico whose state its transaction holds.
    pub(crate) fn stage_install(
        &self,
        staged: &mut Staged,
        state: &mut PicoState,
        code: Arc<RulesetCode>,
        url: &str,
        config: Map,
        seq: Option<u64>,
    ) -> Result<(), EngineError> {
        let rid: Arc<str> = Arc::from(code.rid());
        let (instance, writes, init_staged) = {
            let mut cx = TxnContext::new(self, state, Arc::from(new_id().as_str()));
            cx.rid = Arc::clone(&rid);
            let instance = self.budgeted(|| code.compiled.instantiate(&mut cx, &config));
            let init_staged = std::mem::take(&mut cx.staged);
            (instance, std::mem::take(&mut cx.ent_writes), init_staged)
        };
        let instance = match instance {
            Ok(instance) => instance,
            Err(err) => {
                self.abort(state, init_staged);
                return Err(err.into());
            }
        };
        staged.append(init_staged);
        let seq = seq.unwrap_or_else(|| self.install_seq.fetch_add(1, Ordering::Relaxed));
        self.install_seq.fetch_max(seq + 1, Ordering::Relaxed);
        let record = InstallRecord {
            rid: rid.to_string(),
            url: url.to_string(),
            config: Value::map(config.clone()),
            seq,
            hash: Some(code.hash.clone()),
        };
        let batch = &mut staged.batch;
        batch.put(persist::install_key(&state.id, &rid), persist::to_bytes(&record));
        batch.delete_prefix(persist::rule_state_prefix(&state.id, &rid));
        add_ent_writes(batch, &state.id, &writes);
        staged.snapshot_ruleset(state, &rid);
        apply_ent_writes(state, writes);
        // Matches pico-engine: re-installing discards rule state but keeps the position.
        state.rule_states.retain(|(owner, _), _| *owner != rid);
        let installed = Installed {
            rid: Arc::clone(&rid),
            url: url.to_string(),
            config,
            code,
            instance: Some(instance),
        };
        match state.rulesets.iter_mut().find(|r| r.rid == rid) {
            Some(slot) => *slot = installed,
            None => state.rulesets.push(installed),
        }
        Ok(())
    }

    /// After a flush changed a ruleset's code, re-initialises it on every pico that has it.
    fn reinstall_everywhere(&self, code: &Arc<RulesetCode>) {
        // Picos not in memory are re-initialised when they load (`load.rs`).
        self.reinstall_on_resident(self.residency.cells(), code);
    }

    /// Re-initialises `code` on each of `cells` that has it: at once on an idle pico, as a
    /// job queued behind the running one on a busy pico. A flush thus never waits for a
    /// busy pico, and `ctx:flush` never waits for one while holding its own.
    fn reinstall_on_resident(&self, cells: Vec<Arc<PicoCell>>, code: &Arc<RulesetCode>) {
        for cell in cells {
            match cell.state.try_lock() {
                Ok(mut state) => self.reinstall_on(&mut state, code),
                Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                    self.reinstall_on(&mut poisoned.into_inner(), code)
                }
                Err(std::sync::TryLockError::WouldBlock) => {
                    self.push(&cell, Job::Reinstall(Arc::clone(code)))
                }
            }
        }
    }
}

fn storage_failure(err: StorageError) -> RuntimeError {
    RuntimeError::error(format!("the transaction could not be stored: {err}"))
}

fn pico_record(state: &PicoState) -> PicoRecord {
    PicoRecord {
        id: state.id.clone(),
        parent: state.parent.clone(),
        children: state.children.clone(),
    }
}

fn add_ent_writes(
    batch: &mut WriteBatch,
    pico_id: &str,
    writes: &HashMap<(Arc<str>, Arc<str>), Option<Value>>,
) {
    for ((rid, name), value) in writes {
        put_ent(batch, pico_id, rid, name, value.as_ref());
    }
}

/// One entity-variable write; a ruleset's `_schedule` also keeps its timer index entry.
fn put_ent(batch: &mut WriteBatch, pico_id: &str, rid: &str, name: &str, value: Option<&Value>) {
    persist::put_value(batch, persist::ent_key(pico_id, rid, name), value);
    if name == SCHEDULE_VAR {
        let scheduled = value.and_then(Value::as_map).is_some_and(|m| !m.is_empty());
        let index_key = persist::timer_index_key(pico_id, rid);
        if scheduled {
            batch.put(index_key, Vec::new());
        } else {
            batch.delete(index_key);
        }
    }
}

fn apply_ent_writes(state: &mut PicoState, writes: HashMap<(Arc<str>, Arc<str>), Option<Value>>) {
    for (key, value) in writes {
        match value {
            Some(value) => state.ent.insert(key, value),
            None => state.ent.remove(&key),
        };
    }
}

// Read-only views for tools (the HTTP API's `/api/picos`, `krl run`), added with #5.
