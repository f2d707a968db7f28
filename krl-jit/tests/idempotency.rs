//! `Idempotency-Key` in the engine: a claimed event's answer is stored in the batch that
//! acknowledges it, so a repeat of the key gets that answer and raises nothing, after a
//! restart and from another engine on the same store too; a different event under the key
//! is a mismatch; a key is running until its event's commit; a failed event stores nothing;
//! an answer lost after its commit is found by the repeat; records are kept for a day and
//! then pruned. The HTTP side is `krl-cli/tests/idempotency_http.rs`.

#[path = "support/hooks.rs"]
mod hooks;
#[path = "support/store.rs"]
mod store;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{
    Arrival, Claim, Engine, EngineOptions, EventResponse, IDEMPOTENCY_RETENTION_MS, Idempotent,
};
use krl_runtime::storage::{Durability, Entry, MemoryStorage, Storage, StorageError, WriteBatch, key};
use krl_runtime::value::Map;
use store::{homes, open_store};

const URL: &str = "file:///once.krl";

/// `t:inc` counts; `t:fail` fails (calling `true` is a runtime error); `t:slow` waits at
/// the test's gate (a `block` rule of the hook backend) and then counts.
const RULESET: &str = r#"
ruleset test.once {
  meta { shares total }
  global { total = function() { ent:n.defaultsTo(0) } }
  rule inc {
    select when t inc
    send_directive("counted", {"n": total() + 1})
    always { ent:n := total() + 1 }
  }
  rule fail { select when t fail  always { ent:n := true() } }
  rule block_then_count { select when t slow  always { ent:n := total() + 1 } }
}
"#;

/// Installs the ruleset on the root pico and opens a channel for it.
fn set_up(engine: &Engine) -> String {
    engine.register(URL, RULESET).expect("compiles");
    let root = engine.root_pico().to_string();
    engine.install(&root, URL, Map::new()).expect("installs");
    engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id
}

fn total(engine: &Engine, eci: &str) -> f64 {
    engine
        .query(eci, "test.once", "total", Value::Null)
        .expect("the query runs")
        .as_number()
        .expect("a number")
}

fn claimed(engine: &Engine, eci: &str, key: &str, fingerprint: &str) -> Claim {
    match engine
        .claim_idempotency(eci, key, fingerprint)
        .expect("the store reads")
    {
        Idempotent::Claimed(claim) => claim,
        Idempotent::Replay(answer) => panic!("key {key} was answered before: {answer:?}"),
        Idempotent::Mismatch => panic!("key {key} was used for another event"),
        Idempotent::Running => panic!("key {key} is running"),
    }
}

fn replayed(engine: &Engine, eci: &str, key: &str, fingerprint: &str) -> Value {
    match engine
        .claim_idempotency(eci, key, fingerprint)
        .expect("the store reads")
    {
        Idempotent::Replay(answer) => answer,
        Idempotent::Claimed(_) => panic!("key {key} has no stored answer"),
        Idempotent::Mismatch => panic!("key {key} was used for another event"),
        Idempotent::Running => panic!("key {key} is running"),
    }
}

fn inc(engine: &Engine, eci: &str, claim: Claim) -> Result<EventResponse, String> {
    let arrival = Arrival {
        time: None,
        claim: Some(claim),
    };
    engine
        .submit_event_wait(eci, ("t", "inc"), Value::Null, arrival)
        .and_then(|submitted| submitted.wait())
        .map_err(|err| err.to_string())
}

#[test]
fn a_repeat_gets_the_first_answer_after_a_restart_and_from_another_engine() {
    for home in homes("idempotency-repeat") {
        let open = || {
            Engine::open(
                Arc::new(InterpreterBackend),
                EngineOptions::default(),
                open_store(&home),
            )
        };
        let engine = open().expect("the engine opens");
        let eci = set_up(&engine);
        let first = inc(&engine, &eci, claimed(&engine, &eci, "k1", "fp")).expect("runs");
        assert_eq!(
            replayed(&engine, &eci, "k1", "fp"),
            first.to_value(),
            "{}",
            home.kind()
        );
        // The key is the ECI's: the same key on another channel is another event.
        let other = engine
            .new_channel(engine.root_pico(), &Value::Null, &Value::Null, &Value::Null)
            .expect("a channel")
            .id;
        drop(claimed(&engine, &other, "k1", "fp"));
        assert_eq!(total(&engine, &eci), 1.0);

        if home.url().is_some() {
            // A second engine on the same store answers from the store.
            let second = open().expect("a second engine opens");
            assert_eq!(replayed(&second, &eci, "k1", "fp"), first.to_value());
        }
        drop(engine);
        let restarted = open().expect("the engine opens again");
        assert_eq!(
            replayed(&restarted, &eci, "k1", "fp"),
            first.to_value(),
            "{}",
            home.kind()
        );
        assert_eq!(total(&restarted, &eci), 1.0, "{}", home.kind());
    }
}

#[test]
fn a_different_event_under_the_same_key_is_a_mismatch() {
    let engine = Engine::new(Arc::new(InterpreterBackend), EngineOptions::default());
    let eci = set_up(&engine);
    inc(&engine, &eci, claimed(&engine, &eci, "k", "first")).expect("runs");
    assert!(matches!(
        engine.claim_idempotency(&eci, "k", "second").expect("reads"),
        Idempotent::Mismatch
    ));
    assert_eq!(total(&engine, &eci), 1.0);
}

#[test]
fn accepted_events_store_their_eid_with_the_inbox_entry() {
    let engine = Engine::new(Arc::new(InterpreterBackend), EngineOptions::default());
    let eci = set_up(&engine);
    let arrival = Arrival {
        time: None,
        claim: Some(claimed(&engine, &eci, "a", "fp")),
    };
    let eid = engine
        .event_at(&eci, "t", "inc", Value::Null, arrival)
        .expect("accepted");
    assert_eq!(replayed(&engine, &eci, "a", "fp"), Value::string(eid.as_str()));
    // Queued behind the accepted event: it has run by the time the query does.
    assert_eq!(total(&engine, &eci), 1.0);
}

#[test]
fn a_failed_event_stores_no_answer() {
    let engine = Engine::new(Arc::new(InterpreterBackend), EngineOptions::default());
    let eci = set_up(&engine);
    let arrival = Arrival {
        time: None,
        claim: Some(claimed(&engine, &eci, "f", "fp")),
    };
    let failed = engine
        .submit_event_wait(&eci, ("t", "fail"), Value::Null, arrival)
        .and_then(|submitted| submitted.wait());
    assert!(failed.is_err(), "calling `true` fails the event");
    // Nothing of it was stored, so the key runs again.
    inc(&engine, &eci, claimed(&engine, &eci, "f", "fp")).expect("runs");
    assert_eq!(total(&engine, &eci), 1.0);
}

#[test]
fn a_key_is_running_until_its_event_committed() {
    let (backend, gate) = hooks::HookBackend::new();
    let engine = Engine::new(backend, EngineOptions::default());
    let eci = set_up(&engine);
    let arrival = Arrival {
        time: None,
        claim: Some(claimed(&engine, &eci, "s", "fp")),
    };
    let submitted = engine
        .submit_event_wait(&eci, ("t", "slow"), Value::Null, arrival)
        .expect("queued");
    let waiter = std::thread::spawn(move || submitted.wait());
    gate.wait_entered(1);
    assert!(matches!(
        engine.claim_idempotency(&eci, "s", "fp").expect("reads"),
        Idempotent::Running
    ));
    gate.open();
    let answer = waiter.join().expect("no panic").expect("runs");
    assert_eq!(replayed(&engine, &eci, "s", "fp"), answer.to_value());
    assert_eq!(total(&engine, &eci), 1.0);
}

/// A store whose commit of a batch with an idempotency record, while `losing` is set,
/// applies the batch and then reports a failure: the answer is lost after the commit, as
/// when the engine dies between its commit and its answer.
struct LostAnswer {
    inner: MemoryStorage,
    losing: AtomicBool,
}

impl Storage for LostAnswer {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        self.inner.get(key)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StorageError> {
        self.inner.scan_prefix(prefix)
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        let area = key::prefix(&["idempotency"]);
        let recorded = batch.ops().iter().any(|op| op.key().starts_with(&area));
        self.inner.commit(batch)?;
        match recorded && self.losing.load(Ordering::SeqCst) {
            true => Err(StorageError::WriterPanicked),
            false => Ok(()),
        }
    }

    fn durability(&self) -> Durability {
        Durability::None
    }
}

#[test]
fn an_answer_lost_after_the_commit_is_given_to_the_repeat_and_the_event_applies_once() {
    let store = Arc::new(LostAnswer {
        inner: MemoryStorage::new(),
        losing: AtomicBool::new(false),
    });
    let engine = Engine::open(
        Arc::new(InterpreterBackend),
        EngineOptions::default(),
        store.clone(),
    )
    .expect("the engine opens");
    let eci = set_up(&engine);
    store.losing.store(true, Ordering::SeqCst);
    let lost = inc(&engine, &eci, claimed(&engine, &eci, "l", "fp"));
    assert!(lost.is_err(), "the caller got no answer: {lost:?}");
    store.losing.store(false, Ordering::SeqCst);
    let answer = replayed(&engine, &eci, "l", "fp");
    let directives = answer.as_map().and_then(|map| map.get("directives")).cloned();
    assert!(format!("{directives:?}").contains("counted"), "{answer:?}");
    assert_eq!(total(&engine, &eci), 1.0);
}

#[test]
fn answers_are_kept_for_a_day_and_then_pruned() {
    let store = Arc::new(MemoryStorage::new());
    let day = IDEMPOTENCY_RETENTION_MS;
    let start = 1000.0 * day;
    let options = EngineOptions {
        manual_clock: Some(start),
        ..EngineOptions::default()
    };
    let engine = Engine::open(Arc::new(InterpreterBackend), options, store.clone()).expect("opens");
    let eci = set_up(&engine);
    let first = inc(&engine, &eci, claimed(&engine, &eci, "old", "fp")).expect("runs");
    engine.set_time(start + day - 1000.0);
    assert_eq!(
        replayed(&engine, &eci, "old", "fp"),
        first.to_value(),
        "kept for a day"
    );
    engine.set_time(start + day + 1000.0);
    drop(claimed(&engine, &eci, "old", "fp"));
    let records = || {
        store
            .scan_prefix(&key::prefix(&["idempotency"]))
            .expect("scans")
            .len()
    };
    assert_eq!(records(), 1, "past the day, not yet pruned");
    // Two windows later, the next record's commit deletes the old window.
    engine.set_time(start + 2.0 * day + 1000.0);
    inc(&engine, &eci, claimed(&engine, &eci, "new", "fp")).expect("runs");
    assert_eq!(records(), 1, "only the new record is left");
    assert_eq!(total(&engine, &eci), 2.0);
    // A restarted engine starts from the mark the first one stored.
    drop(engine);
    std::thread::sleep(Duration::from_millis(50));
    let options = EngineOptions {
        manual_clock: Some(start + 5.0 * day),
        ..EngineOptions::default()
    };
    let engine = Engine::open(Arc::new(InterpreterBackend), options, store.clone()).expect("opens");
    inc(&engine, &eci, claimed(&engine, &eci, "newest", "fp")).expect("runs");
    assert_eq!(
        records(),
        1,
        "the restarted engine pruned the windows since the mark"
    );
}
