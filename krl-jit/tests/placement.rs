//! Engines sharing one store, each running the picos its placement gives it
//! (`runtime/src/engine/placement.rs`, `kernel/adopt.rs`): a new pico belongs to its creator;
//! a pico another engine holds is answered with that engine's base URL; a pico whose engine
//! died is taken over by a sweep, which runs the events its inbox still holds exactly once
//! and re-arms its timers on the new owner, while the old owner's timers stay quiet. The
//! placement here is a table in memory standing in for the PostgreSQL leases (whose fencing
//! `runtime/tests/pico_lease.rs` and `krl-cli/tests/shared_store.rs` test); both engines use
//! one memory store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::placement::{Claim, Placement, Route};
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::storage::{MemoryStorage, Storage, WriteBatch, key};
use krl_runtime::value::Map;

const URL: &str = "file:///placed.krl";
const RID: &str = "test.placed";
const START: f64 = 1_700_000_000_000.0;

const SRC: &str = r#"
ruleset test.placed {
  meta { shares total }
  global { total = function() { ent:n.defaultsTo(0) } }
  rule count { select when t inc  always { ent:n := total() + 1 } }
  rule plan {
    select when t plan
    always { schedule t event "inc" at time:add(time:now(), {"seconds": 10}) }
  }
}
"#;

/// Pico → (owning engine, epoch, live).
type Leases = Arc<Mutex<HashMap<String, (String, i64, bool)>>>;

/// One engine's view of the shared lease table; an engine's base URL is its name.
struct TablePlacement {
    engine: String,
    leases: Leases,
}

impl Placement for TablePlacement {
    fn claim(&self, pico: &str) -> Result<Claim, String> {
        let mut leases = self.leases.lock().expect("no test thread panicked");
        let row = leases
            .entry(pico.to_owned())
            .or_insert_with(|| (self.engine.clone(), 1, true));
        match row {
            (owner, epoch, true) if *owner == self.engine => Ok(Claim::Here { epoch: *epoch }),
            (owner, _, true) => Ok(Claim::Elsewhere {
                base_url: owner.clone(),
            }),
            (owner, epoch, live) => {
                (*owner, *epoch, *live) = (self.engine.clone(), *epoch + 1, true);
                Ok(Claim::Here { epoch: *epoch })
            }
        }
    }

    fn holds(&self, pico: &str) -> bool {
        let leases = self.leases.lock().expect("no test thread panicked");
        leases
            .get(pico)
            .is_some_and(|(owner, _, live)| *live && *owner == self.engine)
    }

    fn orphans(&self, limit: usize) -> Result<Vec<String>, String> {
        let leases = self.leases.lock().expect("no test thread panicked");
        let orphans = leases.iter().filter(|(_, (_, _, live))| !live);
        Ok(orphans.map(|(pico, _)| pico.clone()).take(limit).collect())
    }

    fn forget(&self, pico: &str) {
        self.leases.lock().expect("no test thread panicked").remove(pico);
    }
}

/// The leases of `engine` run out, as when it dies.
fn expire(leases: &Leases, engine: &str) {
    for (owner, _, live) in leases.lock().expect("no test thread panicked").values_mut() {
        if owner == engine {
            *live = false;
        }
    }
}

fn open(name: &str, leases: &Leases, storage: &Arc<dyn Storage>) -> Engine {
    let options = EngineOptions {
        manual_clock: Some(START),
        base_url: name.to_owned(),
        placement: Some(Arc::new(TablePlacement {
            engine: name.to_owned(),
            leases: Arc::clone(leases),
        })),
        ..EngineOptions::default()
    };
    Engine::open(Arc::new(InterpreterBackend), options, Arc::clone(storage)).expect("the engine opens")
}

fn total(engine: &Engine, eci: &str) -> Value {
    engine
        .query(eci, RID, "total", Value::Null)
        .expect("the query runs")
}

/// Polls until `engine` answers `expected` for the pico's total, or panics after 5 s.
fn wait_for_total(engine: &Engine, eci: &str, expected: f64) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while total(engine, eci) != Value::from(expected) {
        assert!(Instant::now() < deadline, "the total never reached {expected}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// An event `engine` accepted into the pico's inbox and died before running: its inbox
/// record, written as the engine writes one.
fn left_in_inbox(storage: &Arc<dyn Storage>, pico: &str, eci: &str) {
    let record = serde_json::json!({
        "eid": "left-behind", "eci": eci, "domain": "t", "name": "inc", "attrs": {}, "time": START,
    });
    let mut batch = WriteBatch::new();
    batch.put(
        key::encode(&["inbox", pico, "left-behind"]),
        serde_json::to_vec(&record).expect("JSON"),
    );
    storage.commit(batch).expect("the memory store commits");
}

#[test]
fn a_pico_taken_over_runs_its_inbox_once_and_its_timers_fire_on_the_new_owner() {
    let leases: Leases = Arc::default();
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let first = open("first", &leases, &storage);
    first.register(URL, SRC).expect("the ruleset compiles");
    let family = first.new_pico(first.root_pico()).expect("a child");
    let pico = first.pico_of(&family).expect("the child's id");
    first.install(&pico, URL, Map::new()).expect("installs");
    let eci = first
        .new_channel(&pico, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    assert!(first.runs_pico(&pico), "a new pico belongs to its creator");
    first.event_wait(&eci, "t", "plan", Value::Null).expect("runs");
    first.event_wait(&eci, "t", "inc", Value::Null).expect("runs");

    let second = open("second", &leases, &storage);
    second.register(URL, SRC).expect("the ruleset compiles");
    assert_eq!(
        second.route(&eci).expect("routed"),
        Route::Forward("first".to_owned())
    );
    assert_eq!(
        second.take_over_orphans(10).expect("swept"),
        0,
        "nothing is orphaned"
    );

    left_in_inbox(&storage, &pico, &eci);
    expire(&leases, "first");
    assert_eq!(
        second.take_over_orphans(10).expect("swept"),
        2,
        "the root and the child"
    );
    assert!(second.runs_pico(&pico) && !first.runs_pico(&pico));
    wait_for_total(&second, &eci, 2.0);
    // Routing to a pico adopted already picks nothing up again.
    assert_eq!(second.route(&eci).expect("routed"), Route::Here);
    assert_eq!(
        first.route(&eci).expect("routed"),
        Route::Forward("second".to_owned())
    );

    // The timer armed on the first engine fires on the second only.
    second.set_time(START + 11_000.0);
    wait_for_total(&second, &eci, 3.0);
    first.set_time(START + 11_000.0);
    second.set_time(START + 60_000.0);
    second.evict_idle_picos();
    assert_eq!(
        total(&second, &eci),
        Value::from(3.0),
        "each event ran once, on the owner"
    );
}

const PARENT: &str = r#"
ruleset test.parent {
  rule del { select when t del  ctx:delPico(event:attrs{"eci"}) }
}
"#;

#[test]
fn a_child_made_on_an_engine_belongs_to_it_and_deleting_it_forgets_its_lease() {
    let leases: Leases = Arc::default();
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let first = open("first", &leases, &storage);
    let root = first.root_pico().to_owned();
    first.register("file:///parent.krl", PARENT).expect("compiles");
    first
        .install(&root, "file:///parent.krl", Map::new())
        .expect("installs");
    let root_eci = first
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    let eci = first.new_pico(&root).expect("a child");
    let pico = first.pico_of(&eci).expect("the child's id");
    let owner = leases
        .lock()
        .expect("no test thread panicked")
        .get(&pico)
        .cloned();
    assert_eq!(owner, Some(("first".to_owned(), 1, true)));
    let mut attrs = Map::new();
    attrs.insert("eci", Value::string(eci.as_str()));
    first
        .event_wait(&root_eci, "t", "del", Value::map(attrs))
        .expect("deleted");
    assert!(
        !leases
            .lock()
            .expect("no test thread panicked")
            .contains_key(&pico),
        "the deleted pico's lease is gone"
    );
}

#[test]
fn outbox_entries_of_the_earlier_layout_move_under_their_pico() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    drop(
        Engine::open(
            Arc::new(InterpreterBackend),
            EngineOptions::default(),
            Arc::clone(&storage),
        )
        .expect("opens"),
    );
    let record = serde_json::json!({
        "pico_id": "p1", "host": "http://127.0.0.1:9", "eci": "e", "domain": "t", "name": "n", "body": "{}",
    });
    let mut batch = WriteBatch::new();
    batch.put(
        key::encode(&["outbox", "00000000000000000007"]),
        serde_json::to_vec(&record).expect("JSON"),
    );
    storage.commit(batch).expect("the memory store commits");
    let engine = Engine::open(
        Arc::new(InterpreterBackend),
        EngineOptions::default(),
        Arc::clone(&storage),
    )
    .expect("opens");
    engine.stop_sending(Duration::from_millis(10));
    let keys: Vec<Vec<String>> = storage
        .scan_prefix(&key::prefix(&["outbox"]))
        .expect("scans")
        .into_iter()
        .map(|(k, _)| key::decode(&k).expect("a key"))
        .collect();
    assert_eq!(keys, [["outbox", "p1", "00000000000000000007"]]);
}
