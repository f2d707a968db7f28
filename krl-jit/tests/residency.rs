//! Picos load on first use and idle ones leave memory: after a restart only the picos that
//! were used are resident, an evicted pico comes back with all its state (entity variables,
//! partially matched event expressions, channels), timers fire for picos not in memory, and
//! a small residency limit under concurrent load loses no event and runs one job per pico
//! at a time.

#[path = "support/store.rs"]
mod store;

use std::sync::Arc;

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::storage::{MemoryStorage, Storage};
use krl_runtime::value::Map;
use store::{homes, open_store};

const URL: &str = "file:///resident.krl";

const RULESET: &str = r#"
ruleset test.resident {
  meta { shares total, pairs }
  global {
    total = function() { ent:total.defaultsTo(0) }
    pairs = function() { ent:pairs.defaultsTo(0) }
  }
  rule increment { select when t inc  always { ent:total := total() + 1 } }
  rule pair { select when t a before t b  always { ent:pairs := pairs() + 1 } }
  rule later { select when t later  always { schedule t event "inc" at event:attrs{"at"} } }
}
"#;

fn open_engine(storage: Arc<dyn Storage>, max_resident_picos: usize) -> Engine {
    let options = EngineOptions {
        manual_clock: Some(1_000_000.0),
        max_resident_picos,
        ..EngineOptions::default()
    };
    Engine::open(Arc::new(InterpreterBackend), options, storage).expect("the engine opens")
}

/// `n` children of the root, each with the test ruleset and a channel; returns the channels.
fn children(engine: &Engine, n: usize) -> Vec<String> {
    engine.register(URL, RULESET).expect("compiles");
    let root = engine.root_pico().to_string();
    (0..n)
        .map(|_| {
            let child_eci = engine.new_pico(&root).expect("a child");
            let pico = engine.pico_of(&child_eci).expect("the child exists");
            engine.install(&pico, URL, Map::new()).expect("installs");
            engine
                .new_channel(&pico, &Value::Null, &Value::Null, &Value::Null)
                .expect("channel")
                .id
        })
        .collect()
}

fn number(engine: &Engine, eci: &str, name: &str) -> f64 {
    engine
        .query(eci, "test.resident", name, Value::Null)
        .expect("the query runs")
        .as_number()
        .expect("a number")
}

#[test]
fn after_a_restart_only_used_picos_are_resident() {
    for dir in homes("only_used_picos_are_resident") {
        let ecis = {
            let engine = open_engine(open_store(&dir), 10_000);
            let ecis = children(&engine, 60);
            for (idx, eci) in ecis.iter().enumerate() {
                for _ in 0..idx % 3 + 1 {
                    engine.event_wait(eci, "t", "inc", Value::Null).expect("runs");
                }
            }
            ecis
        };
        let engine = open_engine(open_store(&dir), 10_000);
        assert_eq!(engine.resident_picos(), 0, "opening reads no pico");
        for idx in [7, 21, 44] {
            assert_eq!(number(&engine, &ecis[idx], "total"), (idx % 3 + 1) as f64);
        }
        assert_eq!(engine.resident_picos(), 3, "only the queried picos loaded");
        let summaries = engine.pico_summaries();
        assert_eq!(summaries.len(), 61, "tools still see every stored pico");
        assert_eq!(engine.resident_picos(), 3, "listing the picos loads none of them");
        let field =
            |summary: &Value, name: &str| summary.as_map().and_then(|m| m.get(name).cloned()).expect(name);
        let root = engine.root_pico().to_string();
        assert_eq!(
            field(&summaries[0], "id"),
            Value::string(root.as_str()),
            "the root first"
        );
        let root_children = field(&summaries[0], "children");
        assert_eq!(root_children.as_array().map(|c| c.len()), Some(60));
        let child = engine.pico_of(&ecis[50]).expect("exists");
        let summary = summaries
            .iter()
            .find(|s| field(s, "id") == Value::string(child.as_str()))
            .expect("the child is listed");
        let channel_ids: Vec<Value> = field(summary, "channels")
            .as_array()
            .expect("channels")
            .iter()
            .map(|c| field(c, "id"))
            .collect();
        assert!(
            channel_ids.contains(&Value::string(ecis[50].as_str())),
            "{channel_ids:?}"
        );
        assert_eq!(
            channel_ids.len(),
            2,
            "its own channel and the link from its parent"
        );
        let rulesets = field(summary, "rulesets");
        assert_eq!(
            rulesets.encode(0).as_deref(),
            Some(r#"[{"rid":"test.resident","url":"file:///resident.krl"}]"#)
        );
        assert!(field(summary, "parent").as_str().is_some(), "it has a parent");
    }
}

#[test]
fn an_evicted_pico_comes_back_with_its_state() {
    let engine = open_engine(Arc::new(MemoryStorage::new()), 10_000);
    let ecis = children(&engine, 2);
    let eci = &ecis[0];
    let pico = engine.pico_of(eci).expect("exists");
    engine.event_wait(eci, "t", "inc", Value::Null).expect("runs");
    // Half of `a before b`: the automaton's state must survive eviction.
    engine.event_wait(eci, "t", "a", Value::Null).expect("runs");
    let extra = engine
        .new_channel(&pico, &Value::Null, &Value::Null, &Value::Null)
        .expect("channel")
        .id;
    assert!(engine.evict_idle_picos() >= 1);
    assert_eq!(engine.resident_picos(), 0);
    engine
        .event_wait(&extra, "t", "b", Value::Null)
        .expect("the new channel still leads to the pico");
    assert_eq!(
        number(&engine, eci, "pairs"),
        1.0,
        "a (before eviction) then b fired"
    );
    assert_eq!(number(&engine, eci, "total"), 1.0);
    assert_eq!(
        engine.ent(&pico, "test.resident", "total").expect("reads"),
        Value::number(1.0)
    );
    let root = engine.root_pico().to_string();
    let root_children = engine.pico_summaries()[0]
        .as_map()
        .and_then(|m| m.get("children").cloned())
        .expect("children");
    assert_eq!(root_children.as_array().map(|c| c.len()), Some(2));
    assert_eq!(
        engine.pico_summaries()[0]
            .as_map()
            .and_then(|m| m.get("id").cloned()),
        Some(Value::string(root.as_str()))
    );
}

#[test]
fn timers_fire_for_picos_not_in_memory() {
    for dir in homes("timers_fire_for_picos_not_in_memory") {
        let eci = {
            let engine = open_engine(open_store(&dir), 10_000);
            let eci = children(&engine, 1).remove(0);
            let mut attrs = Map::new();
            attrs.insert("at", Value::number(1_000_500.0));
            engine
                .event_wait(&eci, "t", "later", Value::map(attrs))
                .expect("runs");
            eci
        };
        let engine = open_engine(open_store(&dir), 10_000);
        assert_eq!(engine.resident_picos(), 0);
        engine.set_time(1_000_400.0);
        assert_eq!(engine.resident_picos(), 0, "nothing due yet, nothing loaded");
        engine.set_time(1_000_600.0);
        assert_eq!(
            number(&engine, &eci, "total"),
            1.0,
            "the timer re-armed from its index fired"
        );
    }
}

#[test]
fn a_small_residency_limit_loses_nothing_under_load() {
    let engine = open_engine(Arc::new(MemoryStorage::new()), 3);
    let ecis = children(&engine, 12);
    let senders = 6;
    let per_sender = 60;
    std::thread::scope(|scope| {
        for sender in 0..senders {
            let engine = engine.clone();
            let ecis = ecis.clone();
            scope.spawn(move || {
                for i in 0..per_sender {
                    let eci = &ecis[(sender * 7 + i) % ecis.len()];
                    engine.event_wait(eci, "t", "inc", Value::Null).expect("runs");
                }
            });
        }
    });
    // Two copies of a pico in memory at once (or a lost write at eviction) would lose
    // increments.
    let total: f64 = ecis.iter().map(|eci| number(&engine, eci, "total")).sum();
    assert_eq!(total, (senders * per_sender) as f64, "every event counted once");
    assert!(
        engine.resident_picos() <= 3 + senders,
        "the limit holds (busy picos aside)"
    );
}

#[test]
fn a_flush_reaches_picos_that_were_not_in_memory() {
    let engine = open_engine(Arc::new(MemoryStorage::new()), 10_000);
    let eci = children(&engine, 1).remove(0);
    engine.event_wait(&eci, "t", "a", Value::Null).expect("runs");
    engine.evict_idle_picos();
    let changed = RULESET.replace("ent:pairs := pairs() + 1", "ent:pairs := pairs() + 10");
    engine.register(URL, &changed).expect("compiles");
    engine.event_wait(&eci, "t", "b", Value::Null).expect("runs");
    // Matches a loaded pico: re-initialising discards the partial match of `a before b`.
    assert_eq!(number(&engine, &eci, "pairs"), 0.0);
    engine.event_wait(&eci, "t", "a", Value::Null).expect("runs");
    engine.event_wait(&eci, "t", "b", Value::Null).expect("runs");
    assert_eq!(number(&engine, &eci, "pairs"), 10.0, "the new code runs");
}

#[test]
fn a_store_of_layout_version_1_is_migrated() {
    use krl_runtime::storage::{WriteBatch, key};
    let store = Arc::new(MemoryStorage::new());
    let channel = |id: &str, pico: &str, family: Option<&str>| {
        let family = family.map_or("null".to_string(), |f| format!("\"{f}\""));
        format!(
            r#"{{"id":"{id}","picoId":"{pico}","tags":["t"],"eventPolicy":{{"allow":[{{"domain":"*","name":"*"}}],"deny":[]}},"queryPolicy":{{"allow":[{{"rid":"*","name":"*"}}],"deny":[]}},"familyChannelPicoID":{family}}}"#
        )
    };
    let mut batch = WriteBatch::new();
    let mut put = |parts: &[&str], value: String| {
        batch.put(key::encode(parts), value.into_bytes());
    };
    put(&["root-pico"], r#""root1""#.into());
    put(
        &["pico", "root1"],
        r#"{"id":"root1","parent":null,"children":["down1"]}"#.into(),
    );
    put(
        &["pico", "kid1"],
        r#"{"id":"kid1","parent":"up1","children":[]}"#.into(),
    );
    put(&["pico-channel", "up1"], channel("up1", "root1", Some("kid1")));
    put(
        &["pico-channel", "down1"],
        channel("down1", "kid1", Some("root1")),
    );
    put(&["pico-channel", "open1"], channel("open1", "kid1", None));
    let source = serde_json_string(RULESET);
    put(
        &["ruleset", URL],
        format!(r#"{{"url":"{URL}","src":{source},"hash":"old"}}"#),
    );
    put(
        &["pico-ruleset", "kid1", "test.resident"],
        format!(r#"{{"rid":"test.resident","url":"{URL}","config":{{}},"seq":0}}"#),
    );
    put(&["entvar", "kid1", "test.resident", "total"], "5".into());
    store.commit(batch).expect("stored");

    let engine = open_engine(store.clone(), 10_000);
    assert_eq!(
        number(&engine, "open1", "total"),
        5.0,
        "the channel index was built"
    );
    let root = &engine.pico_summaries()[0];
    let children = root.as_map().and_then(|m| m.get("children").cloned());
    assert_eq!(children, Some(Value::array(vec![Value::string("down1")])));
    assert!(store.get(&key::encode(&["layout"])).expect("reads").is_some());
    engine.event_wait("open1", "t", "inc", Value::Null).expect("runs");
    assert_eq!(number(&engine, "open1", "total"), 6.0);
}

/// `text` as a JSON string literal.
fn serde_json_string(text: &str) -> String {
    Value::string(text).encode(0).expect("a string encodes")
}

#[test]
fn per_rule_states_of_layout_version_1_are_migrated() {
    use krl_runtime::storage::{WriteBatch, key};
    let store = Arc::new(MemoryStorage::new());
    let (eci, pico) = {
        let engine = open_engine(store.clone(), 10_000);
        let eci = children(&engine, 1).remove(0);
        engine.event_wait(&eci, "t", "a", Value::Null).expect("runs");
        let pico = engine.pico_of(&eci).expect("exists");
        (eci, pico)
    };
    // Rewrite the ruleset's rule-state key as version 1 had it: one key per rule.
    let v2_key = key::encode(&["rulestate", pico.as_str(), "test.resident"]);
    let stored = store
        .get(&v2_key)
        .expect("reads")
        .expect("`a` left a partial match");
    let by_rule = Value::decode(std::str::from_utf8(&stored).expect("utf-8")).expect("json");
    let mut batch = WriteBatch::new();
    batch.delete(v2_key);
    batch.delete(key::encode(&["layout"]));
    for (rule, state) in by_rule.as_map().expect("a map").iter() {
        let v1_key = key::encode(&["rulestate", pico.as_str(), "test.resident", rule]);
        batch.put(v1_key, state.encode(0).expect("encodes").into_bytes());
    }
    store.commit(batch).expect("stored");

    let engine = open_engine(store.clone(), 10_000);
    engine.event_wait(&eci, "t", "b", Value::Null).expect("runs");
    assert_eq!(
        number(&engine, &eci, "pairs"),
        1.0,
        "the migrated partial match completed"
    );
}
