//! Structural changes (`ctx:newPico`, `delPico`, `newChannel`, `putChannel`, `delChannel`,
//! `install`, `uninstall`) belong to their transaction: when it fails, or its commit does,
//! none of them remains, in memory or in the store (issue #4 items 8 and 9).

#[path = "support/extra_ruleset.rs"]
mod extra_ruleset;
#[path = "support/flaky.rs"]
mod flaky;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use extra_ruleset::EXTRA;
use flaky::FlakyStorage;
use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::storage::{Storage, key};
use krl_runtime::value::Map;

const URL: &str = "file:///atomic.krl";
const EXTRA_URL: &str = "file:///extra.krl";

/// Each rule does one structural operation, logs what it made, then fails when the event
/// says `fail`: calling `true` as a function is a runtime error.
const RULESET: &str = r#"
ruleset test.atomic {
  meta { shares children, rulesets, seen, dues }
  global {
    children = function() { ctx:children }
    rulesets = function() { ctx:rulesets.map(function(r) { r{"rid"} }) }
    fail_if = function(flag) { flag => flag() | null }
    seen = function() { ent:seen }
    dues = function() { ent:dues.defaultsTo(0) }
  }
  rule new_pico {
    select when t new_pico
    ctx:newPico([]) setting(eci)
    always {
      log info eci
      ent:child := eci
      ent:after := fail_if(event:attrs{"fail"})
    }
  }
  // Later rules of the same event see the new child (and its creator's channels).
  rule sees_the_child {
    select when t new_pico
    always { ent:seen := {"children": ctx:children.length(), "channels": ctx:channels.length()} }
  }
  // As wrangler does: the new child runs an event and answers a query before its creator's
  // transaction ends.
  rule new_pico_and_ask {
    select when t new_pico_and_ask
    every {
      ctx:newPico([{"url": "file:///extra.krl"}]) setting(eci)
      ctx:eventQuery(eci = eci, domain = "extra", name = "set", attrs = {"value": "child"},
        rid = "test.extra", queryName = "value") setting(answer)
    }
    always {
      log info eci
      ent:answer := answer
      ent:after := fail_if(event:attrs{"fail"})
    }
  }
  rule del_pico {
    select when t del_pico
    ctx:delPico(event:attrs{"eci"})
    always { ent:after := fail_if(event:attrs{"fail"}) }
  }
  rule new_channel {
    select when t new_channel
    ctx:newChannel(["made"], null, null) setting(channel)
    always {
      log info channel{"id"}
      ent:made := channel{"id"}
      raise t event "explode" attributes event:attrs
    }
  }
  rule put_channel {
    select when t put_channel
    ctx:putChannel(event:attrs{"eci"}, ["changed"], null, null)
    always { ent:after := fail_if(event:attrs{"fail"}) }
  }
  rule del_channel {
    select when t del_channel
    ctx:delChannel(event:attrs{"eci"})
    always { ent:after := fail_if(event:attrs{"fail"}) }
  }
  rule install {
    select when t install
    ctx:install(url = event:attrs{"url"})
    always { ent:after := fail_if(event:attrs{"fail"}) }
  }
  rule uninstall {
    select when t uninstall
    ctx:uninstall(rid = event:attrs{"rid"})
    always { ent:after := fail_if(event:attrs{"fail"}) }
  }
  rule schedule_then_fail {
    select when t schedule
    always {
      schedule t event "due" at event:attrs{"at"}
      ent:after := fail_if(event:attrs{"fail"})
    }
  }
  rule due {
    select when t due
    always { ent:dues := dues() + 1 }
  }
  // A later part of the same event: a raised event's rule.
  rule explode {
    select when t explode
    always { ent:after := fail_if(event:attrs{"fail"}) }
  }
}
"#;

fn open(store: &Arc<FlakyStorage>) -> Engine {
    let options = EngineOptions {
        manual_clock: Some(1_000_000.0),
        ..EngineOptions::default()
    };
    let storage: Arc<dyn Storage> = store.clone();
    Engine::open(Arc::new(InterpreterBackend), options, storage).expect("the engine opens")
}

/// A store with the test ruleset installed on the root pico (and `test.extra` registered).
fn setup() -> (Arc<FlakyStorage>, Engine) {
    let store = Arc::new(FlakyStorage::failing_on("entvar"));
    let engine = open(&store);
    engine.register(URL, RULESET).expect("the ruleset compiles");
    engine
        .register(EXTRA_URL, EXTRA)
        .expect("the extra ruleset compiles");
    let root = engine.root_pico().to_string();
    engine.install(&root, URL, Map::new()).expect("installs");
    let tags = Value::array(vec![Value::string("test")]);
    engine
        .new_channel(&root, &tags, &Value::Null, &Value::Null)
        .expect("a channel for the test");
    (store, engine)
}

/// The channel events and queries of the test come in through (the root pico's own
/// channel only accepts events from the pico itself).
fn test_eci(engine: &Engine) -> String {
    let root = engine.root_pico().to_string();
    let channels = engine.channels(&root).expect("channels");
    let test = channels.into_iter().find(|c| c.tags == ["test"]);
    test.expect("the test channel").id
}

fn attrs(pairs: &[(&str, Value)]) -> Value {
    let mut map = Map::new();
    for (name, value) in pairs {
        map.insert(*name, value.clone());
    }
    Value::map(map)
}

fn failing(pairs: &[(&str, Value)]) -> Value {
    let mut all = pairs.to_vec();
    all.push(("fail", Value::Boolean(true)));
    attrs(&all)
}

/// Sends `t:name` to the root pico and returns whether it succeeded.
fn send(engine: &Engine, name: &str, attrs: Value) -> Result<(), String> {
    engine
        .event_wait(&test_eci(engine), "t", name, attrs)
        .map(|_| ())
        .map_err(|err| err.to_string())
}

/// What the root pico looks like: its children, channels (id and tags) and rulesets, as
/// the engine answers (from memory when resident), plus the number of stored picos.
#[derive(Debug, PartialEq)]
struct Observed {
    children: Vec<String>,
    channels: Vec<(String, Vec<String>)>,
    rulesets: Vec<String>,
    picos: usize,
}

fn observe(engine: &Engine) -> Observed {
    let root = engine.root_pico().to_string();
    let eci = test_eci(engine);
    let strings = |value: Value| -> Vec<String> {
        value
            .as_array()
            .expect("an array")
            .iter()
            .map(|v| v.to_krl_string().into_owned())
            .collect()
    };
    let children = engine
        .query(&eci, "test.atomic", "children", Value::Null)
        .expect("children");
    let rulesets = engine
        .query(&eci, "test.atomic", "rulesets", Value::Null)
        .expect("rulesets");
    let channels = engine
        .channels(&root)
        .expect("channels")
        .into_iter()
        .map(|c| (c.id, c.tags))
        .collect();
    Observed {
        children: strings(children),
        channels,
        rulesets: strings(rulesets),
        picos: engine.pico_summaries().len(),
    }
}

/// The last line the root pico logged (what a rule made).
fn last_log(engine: &Engine) -> String {
    let logs = engine.logs(engine.root_pico());
    logs.iter()
        .rev()
        .find(|entry| entry.level == "info")
        .map(|entry| entry.message.clone())
        .expect("a logged line")
}

/// Checks the root looks as `before` in this engine and in a fresh engine on its store.
fn assert_unchanged(store: &Arc<FlakyStorage>, engine: Engine, before: &Observed) {
    assert_eq!(&observe(&engine), before, "in memory");
    drop(engine);
    let reopened = open(store);
    assert_eq!(&observe(&reopened), before, "after reopening the store");
}

#[test]
fn failed_new_pico_leaves_no_child() {
    let (store, engine) = setup();
    let before = observe(&engine);
    let resident = engine.resident_picos();
    assert!(send(&engine, "new_pico", failing(&[])).is_err());
    let child_eci = last_log(&engine);
    assert!(engine.pico_of(&child_eci).is_err(), "the child's channel is gone");
    assert_eq!(engine.resident_picos(), resident, "the child left memory");
    assert_unchanged(&store, engine, &before);
    let reopened = open(&store);
    assert!(reopened.pico_of(&child_eci).is_err());
}

#[test]
fn successful_new_pico_is_usable_and_stored() {
    let (store, engine) = setup();
    send(&engine, "new_pico", attrs(&[])).expect("the event runs");
    let child_eci = last_log(&engine);
    let child = engine.pico_of(&child_eci).expect("the child exists");
    assert_eq!(observe(&engine).children, std::slice::from_ref(&child_eci));
    drop(engine);
    let reopened = open(&store);
    assert_eq!(reopened.pico_of(&child_eci).expect("stored"), child);
    assert_eq!(observe(&reopened).picos, 2);
}

#[test]
fn later_rules_see_a_new_child() {
    let (_store, engine) = setup();
    let channels = observe(&engine).channels.len();
    send(&engine, "new_pico", attrs(&[])).expect("the event runs");
    let seen = engine
        .query(&test_eci(&engine), "test.atomic", "seen", Value::Null)
        .expect("the query runs");
    // The self channel is listed too, and the child's link channel is one more.
    let expected = format!("{{\"children\":1,\"channels\":{}}}", channels + 2);
    assert_eq!(seen.encode(0), Some(expected));
}

#[test]
fn a_failed_creator_leaves_nothing_of_what_its_new_child_stored() {
    let (store, engine) = setup();
    let before = observe(&engine);
    let root = engine.root_pico().to_string();
    let variables_outside_root = |store: &FlakyStorage| {
        let all = store.scan_prefix(&key::prefix(&["entvar"])).expect("readable");
        let root_prefix = key::prefix(&["entvar", root.as_str()]);
        all.iter().filter(|(k, _)| !k.starts_with(&root_prefix)).count()
    };
    send(&engine, "new_pico_and_ask", attrs(&[])).expect("the child answers");
    assert_eq!(variables_outside_root(&store), 1, "the child stored its variable");
    assert!(send(&engine, "new_pico_and_ask", failing(&[])).is_err());
    let child_eci = last_log(&engine);
    assert!(engine.pico_of(&child_eci).is_err(), "the second child is gone");
    assert_eq!(variables_outside_root(&store), 1, "and so is what it stored");
    assert_eq!(observe(&engine).children.len(), before.children.len() + 1);
    drop(engine);
    let reopened = open(&store);
    assert!(reopened.pico_of(&child_eci).is_err());
    assert_eq!(observe(&reopened).picos, 2);
}

#[test]
fn failed_del_pico_keeps_the_child() {
    let (store, engine) = setup();
    let root = engine.root_pico().to_string();
    let child_eci = engine.new_pico(&root).expect("a child");
    let child = engine.pico_of(&child_eci).expect("the child");
    let before = observe(&engine);
    assert!(
        send(
            &engine,
            "del_pico",
            failing(&[("eci", Value::string(&*child_eci))])
        )
        .is_err()
    );
    assert_eq!(engine.pico_of(&child_eci).expect("still reachable"), child);
    assert!(engine.channels(&child).is_ok(), "the child still loads");
    assert_unchanged(&store, engine, &before);
    let reopened = open(&store);
    assert_eq!(reopened.pico_of(&child_eci).expect("still stored"), child);
}

#[test]
fn successful_del_pico_is_stored() {
    let (store, engine) = setup();
    let root = engine.root_pico().to_string();
    let child_eci = engine.new_pico(&root).expect("a child");
    send(&engine, "del_pico", attrs(&[("eci", Value::string(&*child_eci))])).expect("runs");
    assert!(engine.pico_of(&child_eci).is_err());
    assert!(observe(&engine).children.is_empty());
    drop(engine);
    let reopened = open(&store);
    assert!(reopened.pico_of(&child_eci).is_err());
    assert_eq!(observe(&reopened).picos, 1);
}

#[test]
fn failed_new_channel_leaves_no_channel_even_when_a_raised_event_fails() {
    let (store, engine) = setup();
    let before = observe(&engine);
    assert!(send(&engine, "new_channel", failing(&[])).is_err());
    let eci = last_log(&engine);
    assert!(engine.pico_of(&eci).is_err(), "the channel index forgot it");
    assert_unchanged(&store, engine, &before);
    assert!(open(&store).pico_of(&eci).is_err());
}

#[test]
fn failed_put_channel_keeps_the_old_channel() {
    let (store, engine) = setup();
    let root = engine.root_pico().to_string();
    let tags = Value::array(vec![Value::string("original")]);
    let channel = engine
        .new_channel(&root, &tags, &Value::Null, &Value::Null)
        .expect("a channel");
    let before = observe(&engine);
    assert!(
        before
            .channels
            .contains(&(channel.id.clone(), vec!["original".to_string()]))
    );
    let change = failing(&[("eci", Value::string(channel.id.as_str()))]);
    assert!(send(&engine, "put_channel", change).is_err());
    assert_unchanged(&store, engine, &before);
}

#[test]
fn failed_del_channel_keeps_the_channel() {
    let (store, engine) = setup();
    let root = engine.root_pico().to_string();
    let channel = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel");
    let before = observe(&engine);
    let doomed = failing(&[("eci", Value::string(channel.id.as_str()))]);
    assert!(send(&engine, "del_channel", doomed).is_err());
    assert_eq!(engine.pico_of(&channel.id).expect("still indexed"), root);
    assert_unchanged(&store, engine, &before);
    assert_eq!(open(&store).pico_of(&channel.id).expect("still stored"), root);
}

#[test]
fn failed_install_installs_nothing() {
    let (store, engine) = setup();
    let before = observe(&engine);
    assert!(send(&engine, "install", failing(&[("url", Value::string(EXTRA_URL))])).is_err());
    assert!(
        engine
            .query(&test_eci(&engine), "test.extra", "value", Value::Null)
            .is_err()
    );
    assert_unchanged(&store, engine, &before);
}

#[test]
fn failed_uninstall_keeps_the_ruleset_and_its_variables() {
    let (store, engine) = setup();
    let root = engine.root_pico().to_string();
    engine.install(&root, EXTRA_URL, Map::new()).expect("installs");
    let value = attrs(&[("value", Value::string("kept"))]);
    engine
        .event_wait(&test_eci(&engine), "extra", "set", value)
        .expect("runs");
    let before = observe(&engine);
    assert!(
        send(
            &engine,
            "uninstall",
            failing(&[("rid", Value::string("test.extra"))])
        )
        .is_err()
    );
    let kept = engine
        .query(&test_eci(&engine), "test.extra", "value", Value::Null)
        .expect("still installed");
    assert_eq!(kept.to_krl_string(), "kept");
    assert_unchanged(&store, engine, &before);
    let reopened = open(&store);
    let kept = reopened
        .query(&test_eci(&reopened), "test.extra", "value", Value::Null)
        .expect("still stored");
    assert_eq!(kept.to_krl_string(), "kept");
}

#[test]
fn a_failed_job_does_not_undo_the_others_of_its_group() {
    let (store, engine) = setup();
    let root = engine.root_pico().to_string();
    // Queued back to back, so they are likely to share a group commit.
    for fail in [false, true, false, true, false] {
        let attrs = if fail { failing(&[]) } else { attrs(&[]) };
        engine
            .event(&test_eci(&engine), "t", "new_channel", attrs)
            .expect("queued");
    }
    send(&engine, "explode", attrs(&[])).expect("runs after the queued events");
    let made = |engine: &Engine| {
        let channels = engine.channels(&root).expect("channels");
        channels.iter().filter(|c| c.tags == ["made"]).count()
    };
    assert_eq!(made(&engine), 3);
    drop(engine);
    assert_eq!(made(&open(&store)), 3);
}

#[test]
fn a_failed_commit_takes_back_structural_changes() {
    let (store, engine) = setup();
    let before = observe(&engine);
    let resident = engine.resident_picos();
    store.failing.store(true, Ordering::SeqCst);
    let err = send(&engine, "new_pico", attrs(&[])).expect_err("the commit fails");
    assert!(err.contains("could not be stored"), "{err}");
    let child_eci = last_log(&engine);
    assert!(send(&engine, "new_channel", attrs(&[])).is_err());
    let channel_eci = last_log(&engine);
    store.failing.store(false, Ordering::SeqCst);
    assert!(engine.pico_of(&child_eci).is_err(), "the child's channel is gone");
    assert!(engine.pico_of(&channel_eci).is_err(), "the new channel is gone");
    assert_eq!(engine.resident_picos(), resident, "the child left memory");
    assert_eq!(observe(&engine), before);
    // The engine goes on working.
    send(&engine, "new_pico", attrs(&[])).expect("runs once the store works");
    let made = last_log(&engine);
    assert!(engine.pico_of(&made).is_ok());
    drop(engine);
    let reopened = open(&store);
    assert!(reopened.pico_of(&child_eci).is_err());
    assert!(reopened.pico_of(&channel_eci).is_err());
    assert_eq!(observe(&reopened).children, [made]);
}

#[test]
fn a_failed_transaction_schedules_nothing() {
    let (store, engine) = setup();
    let dues = |engine: &Engine| {
        let answer = engine.query(&test_eci(engine), "test.atomic", "dues", Value::Null);
        answer.expect("the query runs").as_number().expect("a number")
    };
    let at = |ms: f64| ("at", Value::number(ms));
    assert!(send(&engine, "schedule", failing(&[at(2_000_000.0)])).is_err());
    engine.set_time(3_000_000.0);
    assert_eq!(dues(&engine), 0.0, "the timer found no schedule to deliver");
    send(&engine, "schedule", attrs(&[at(4_000_000.0)])).expect("runs");
    engine.set_time(5_000_000.0);
    assert_eq!(dues(&engine), 1.0, "a committed schedule is delivered");
    drop(engine);
    let reopened = open(&store);
    reopened.set_time(9_000_000.0);
    assert_eq!(dues(&reopened), 1.0, "nothing was left to re-arm");
}
