//! No pico waits on another forever, and no bug of one transaction takes its pico down:
//!
//! - a parent deletes a child that is busy (its rule held by the test) without waiting for
//!   it; the child's running job is answered when it ends, but nothing of it, nor of an
//!   event queued behind it, is stored;
//! - a panic inside a transaction (injected by the test backend in `support/hooks.rs`) is
//!   that transaction's error, its structural changes are undone, an inboxed event that
//!   panicked is moved to the dead letters, and the pico goes on;
//! - an inboxed event that a restart finds unfinished again and again is moved to the dead
//!   letters after `MAX_EVENT_RUNS` runs, counted before each run.

#[path = "support/hooks.rs"]
mod hooks;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use hooks::HookBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions, MAX_EVENT_RUNS};
use krl_runtime::storage::{MemoryStorage, Storage};
use krl_runtime::value::Map;

const URL: &str = "file:///family.krl";

const RULESET: &str = r#"
ruleset test.family {
  meta { shares ok, made }
  global {
    ok = function() { "ok" }
    made = function() { ent:made }
  }
  rule block_work {
    select when test block
    ctx:newChannel(["late"], null, null) setting(channel)
    always { ent:made := channel{"id"} }
  }
  rule boom_after_a_channel {
    select when test boom
    ctx:newChannel(["boom"], null, null) setting(channel)
    always { ent:made := channel{"id"} }
  }
  rule remember {
    select when test remember
    always { ent:made := event:attrs{"value"} }
  }
  rule delete_child {
    select when test delete
    ctx:delPico(event:attrs{"eci"})
  }
}
"#;

fn open(storage: Arc<dyn Storage>) -> (Engine, Arc<hooks::Gate>) {
    let (backend, gate) = HookBackend::new();
    let engine = Engine::open(backend, EngineOptions::default(), storage).expect("opens");
    (engine, gate)
}

/// Installs the ruleset on `pico` and opens a channel to it.
fn install(engine: &Engine, pico: &str) -> String {
    engine.register(URL, RULESET).expect("compiles");
    engine.install(pico, URL, Map::new()).expect("installs");
    engine
        .new_channel(pico, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id
}

/// Runs `work` on its own thread; fails the test if it takes more than 20 s.
fn bounded<T: Send + 'static>(what: &str, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(work());
    });
    receiver
        .recv_timeout(Duration::from_secs(20))
        .unwrap_or_else(|_| panic!("{what} did not end within 20 s"))
}

fn attrs(pairs: &[(&str, &str)]) -> Value {
    let mut map = Map::new();
    for (key, value) in pairs {
        map.insert(*key, Value::string(*value));
    }
    Value::map(map)
}

#[test]
fn a_parent_deletes_a_busy_child_without_waiting_for_it() {
    let storage = Arc::new(MemoryStorage::new());
    let (engine, gate) = open(storage.clone());
    let root = engine.root_pico().to_string();
    let root_eci = install(&engine, &root);
    let child_eci = engine.new_pico(&root).expect("a child");
    let child = engine.pico_of(&child_eci).expect("exists");
    let child_channel = install(&engine, &child);

    // The child's job: held at the gate, then it makes a channel and writes a variable.
    let busy = {
        let (engine, eci) = (engine.clone(), child_channel.clone());
        std::thread::spawn(move || engine.event_wait(&eci, "test", "block", Value::Null))
    };
    gate.wait_entered(1);
    let queued = attrs(&[("value", "queued")]);
    engine
        .event(&child_channel, "test", "remember", queued)
        .expect("accepted behind the running job");

    let deletion = {
        let (engine, eci) = (engine.clone(), root_eci.clone());
        let attrs = attrs(&[("eci", &child_eci)]);
        bounded("deleting a busy child", move || {
            engine.event_wait(&eci, "test", "delete", attrs)
        })
    };
    deletion.expect("the deletion commits while the child is busy");
    let answer = bounded("a query to the parent", {
        let (engine, eci) = (engine.clone(), root_eci.clone());
        move || engine.query(&eci, "test.family", "ok", Value::Null)
    });
    assert_eq!(answer.expect("answers"), Value::string("ok"));
    assert!(engine.pico_of(&child_channel).is_err(), "the child is gone");

    gate.open();
    let late = busy.join().expect("the child's caller returns");
    late.expect("the running job is answered");
    let left: Vec<String> = storage
        .scan_prefix(&[])
        .expect("scans")
        .into_iter()
        .map(|(key, _)| String::from_utf8_lossy(&key).into_owned())
        .filter(|key| key.contains(&child))
        .collect();
    assert!(left.is_empty(), "records of the deleted child: {left:?}");
}

#[test]
fn a_panic_is_the_transactions_error_and_the_pico_goes_on() {
    let (engine, _gate) = open(Arc::new(MemoryStorage::new()));
    let root = engine.root_pico().to_string();
    let eci = install(&engine, &root);
    let channels_before = engine.channels(&root).expect("channels").len();

    let err = bounded("a panicking event", {
        let (engine, eci) = (engine.clone(), eci.clone());
        move || engine.event_wait(&eci, "test", "boom", Value::Null)
    })
    .expect_err("the panic is an error");
    assert!(
        err.to_string()
            .contains("the transaction panicked (injected panic in rule boom_after_a_channel)"),
        "{err}"
    );
    assert_eq!(engine.channels(&root).expect("channels").len(), channels_before);
    assert_eq!(
        engine
            .query(&eci, "test.family", "made", Value::Null)
            .expect("answers"),
        Value::Null
    );

    // An inboxed event that panics is moved aside; the next event runs.
    let eid = engine.event(&eci, "test", "boom", Value::Null).expect("accepted");
    engine
        .event_wait(&eci, "test", "remember", attrs(&[("value", "next")]))
        .expect("the next event runs");
    assert_eq!(
        engine
            .query(&eci, "test.family", "made", Value::Null)
            .expect("answers"),
        Value::string("next")
    );
    let letters = engine.dead_letters().expect("lists");
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!(
        (letters[0].eid.as_str(), letters[0].name.as_str()),
        (eid.as_str(), "boom")
    );
    assert!(letters[0].reason.contains("panicked"), "{}", letters[0].reason);
    let logged = engine.logs(&root);
    assert!(
        logged
            .iter()
            .any(|entry| entry.message.contains("moved to the dead letters")),
        "{logged:?}"
    );
}

/// Each engine runs the event, which never finishes (held at a gate that never opens);
/// the next engine opens on the same store, as a restart after a crash would.
#[test]
fn an_event_that_never_finishes_is_dead_lettered_after_its_runs() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let (engine, gate) = open(Arc::clone(&storage));
    let root = engine.root_pico().to_string();
    let eci = install(&engine, &root);
    let eid = engine
        .event(&eci, "test", "block", Value::Null)
        .expect("accepted");
    gate.wait_entered(1);
    let mut stuck = vec![(engine, gate)];
    for _replay in 1..MAX_EVENT_RUNS {
        let (engine, gate) = open(Arc::clone(&storage));
        gate.wait_entered(1);
        stuck.push((engine, gate));
    }
    let (engine, _gate) = open(Arc::clone(&storage));
    let letters = engine.dead_letters().expect("lists");
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!(letters[0].eid, eid);
    assert_eq!(letters[0].replays, MAX_EVENT_RUNS - 1);
    assert!(
        letters[0]
            .reason
            .contains(&format!("did not finish in {MAX_EVENT_RUNS} runs"))
    );
    engine
        .event_wait(&eci, "test", "remember", attrs(&[("value", "after")]))
        .expect("the pico goes on");
    assert_eq!(
        engine
            .query(&eci, "test.family", "made", Value::Null)
            .expect("answers"),
        Value::string("after")
    );
}

/// A flush that changes a ruleset re-initialises it on a busy pico after its running job,
/// instead of waiting for it (`ctx:flush` holds its own pico while it does this).
#[test]
fn a_flush_does_not_wait_for_a_busy_pico() {
    let (engine, gate) = open(Arc::new(MemoryStorage::new()));
    let root = engine.root_pico().to_string();
    let child_eci = engine.new_pico(&root).expect("a child");
    let child = engine.pico_of(&child_eci).expect("exists");
    let channel = install(&engine, &child);
    let busy = {
        let (engine, eci) = (engine.clone(), channel.clone());
        std::thread::spawn(move || engine.event_wait(&eci, "test", "block", Value::Null))
    };
    gate.wait_entered(1);

    let changed = RULESET
        .replace("shares ok, made", "shares ok, made, version")
        .replace(
            "ok = function() { \"ok\" }",
            "ok = function() { \"ok\" }\n    version = function() { 2 }",
        );
    bounded("a flush while a pico is busy", {
        let engine = engine.clone();
        move || engine.register(URL, &changed)
    })
    .expect("compiles");

    gate.open();
    busy.join().expect("returns").expect("the busy job commits");
    let version = engine.query(&channel, "test.family", "version", Value::Null);
    assert_eq!(version.expect("the new code runs"), Value::from(2));
}
