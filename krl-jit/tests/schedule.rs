//! Scheduled events driven by the engine's manual clock: `schedule ... at`, `repeat` with a
//! cron spec, the `schedule` module (`list`, `get`, `remove`, `clear`), and re-arming
//! stored schedules after a restart.

use std::sync::Arc;

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::storage::{MemoryStorage, Storage};
use krl_runtime::value::Map;

/// 2020-01-01T00:00:00Z, a whole minute.
const START: f64 = 1_577_836_800_000.0;
const MINUTE: f64 = 60_000.0;

const URL: &str = "file:///schedule.krl";

const SRC: &str = r#"
ruleset test.schedule {
  meta { shares fired, list, get }
  global {
    fired = function() { ent:fired.defaultsTo([]) }
    list = function() { schedule:list() }
    get = function(id) { schedule:get(id) }
  }
  rule at {
    select when t at
    always {
      schedule t event "tick" at event:attrs{"when"} attributes {"n": event:attrs{"n"}} setting(rec);
      ent:last := rec
    }
  }
  rule dynamic {
    select when t dynamic
    always { schedule event "t:tick" at event:attrs{"when"} attributes {"n": "dynamic"} }
  }
  rule repeat {
    select when t repeat
    always { schedule t event "tick" repeat "* * * * *" attributes {"n": "every minute"} setting(rec); ent:last := rec }
  }
  rule plain {
    select when t plain
    always { schedule t event "tock" at event:attrs{"when"} }
  }
  rule tick {
    select when t tick or t tock
    always {
      ent:fired := fired().append({"n": event:attrs{"n"}, "attrs": event:attrs, "time": event:time, "type": event:type})
    }
  }
  rule remove {
    select when t remove
    schedule:remove(event:attrs{"id"})
  }
  rule clear {
    select when t clear
    schedule:clear()
  }
}
"#;

fn open(storage: Arc<dyn Storage>) -> Engine {
    let options = EngineOptions {
        manual_clock: Some(START),
        ..EngineOptions::default()
    };
    Engine::open(Arc::new(InterpreterBackend), options, storage).expect("the engine opens")
}

/// An engine with the ruleset on the root pico and an allow-all channel.
fn setup() -> (Engine, String, Arc<dyn Storage>) {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let engine = open(Arc::clone(&storage));
    engine.register(URL, SRC).expect("the ruleset compiles");
    let root = engine.root_pico().to_string();
    engine.install(&root, URL, Map::new()).expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    (engine, eci, storage)
}

fn json(text: &str) -> Value {
    Value::decode(text).expect("valid JSON")
}

fn send(engine: &Engine, eci: &str, name: &str, attrs: &str) {
    engine
        .event_wait(eci, "t", name, json(attrs))
        .expect("the event runs");
}

fn query(engine: &Engine, eci: &str, name: &str, args: &str) -> Value {
    engine
        .query(eci, "test.schedule", name, json(args))
        .expect("the query runs")
}

/// The `n` attribute of every delivered event, in order.
fn fired(engine: &Engine, eci: &str) -> Vec<String> {
    let fired = query(engine, eci, "fired", "{}");
    fired
        .as_array()
        .expect("an array")
        .iter()
        .map(|f| {
            f.as_map()
                .and_then(|m| m.get("n"))
                .map(|n| n.to_krl_string().into_owned())
                .unwrap_or_default()
        })
        .collect()
}

fn ids(engine: &Engine, eci: &str) -> Vec<String> {
    let list = query(engine, eci, "list", "{}");
    list.as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            r.as_map()
                .and_then(|m| m.get("id"))
                .expect("id")
                .to_krl_string()
                .into_owned()
        })
        .collect()
}

#[test]
fn at_fires_once_when_its_time_comes_with_time_zero() {
    let (engine, eci, _) = setup();
    send(
        &engine,
        &eci,
        "at",
        &format!(r#"{{"when": {}, "n": "one"}}"#, START + 5000.0),
    );
    let record = query(&engine, &eci, "list", "{}");
    let record = &record.as_array().expect("array")[0];
    let map = record.as_map().expect("a record");
    assert_eq!(map.get("type"), Some(&Value::from("at")));
    assert_eq!(map.get("time"), Some(&Value::from(START + 5000.0)));
    let event = map.get("event").and_then(Value::as_map).expect("event");
    assert_eq!(event.get("eci"), Some(&Value::from(eci.as_str())));
    assert_eq!(event.get("domain"), Some(&Value::from("t")));
    assert_eq!(event.get("name"), Some(&Value::from("tick")));
    assert_eq!(event.get("time"), Some(&Value::from(0)));
    // `setting(rec)` bound the same record.
    let root = engine.root_pico().to_string();
    assert_eq!(&engine.ent(&root, "test.schedule", "last").expect("ent"), record);

    engine.set_time(START + 4999.0);
    assert!(fired(&engine, &eci).is_empty());
    engine.set_time(START + 5000.0);
    assert_eq!(fired(&engine, &eci), ["one"]);
    let delivered = query(&engine, &eci, "fired", "{}");
    let delivered = delivered.as_array().expect("array")[0]
        .as_map()
        .expect("map")
        .clone();
    assert_eq!(delivered.get("time"), Some(&Value::from(0)));
    // Delivered `at` records leave the schedule.
    assert!(ids(&engine, &eci).is_empty());
    engine.set_time(START + 60_000.0);
    assert_eq!(fired(&engine, &eci), ["one"]);
}

#[test]
fn at_accepts_date_strings_and_rejects_other_values() {
    let (engine, eci, _) = setup();
    send(
        &engine,
        &eci,
        "at",
        r#"{"when": "2020-01-01T00:00:02Z", "n": "iso"}"#,
    );
    let err = engine
        .event_wait(&eci, "t", "at", json(r#"{"when": [1], "n": "x"}"#))
        .expect_err("not a time");
    assert_eq!(
        err.to_string(),
        "TypeError: schedule .. at expected a timestamp but got Array"
    );
    let err = engine
        .event_wait(&eci, "t", "at", json(r#"{"when": "soon", "n": "x"}"#))
        .expect_err("not a time");
    assert_eq!(
        err.to_string(),
        "TypeError: schedule .. at expected a timestamp but got String"
    );
    // The failed transactions stored nothing.
    assert_eq!(ids(&engine, &eci).len(), 1);
    engine.set_time(START + 2000.0);
    assert_eq!(fired(&engine, &eci), ["iso"]);
}

#[test]
fn times_already_past_fire_on_the_next_clock_step() {
    let (engine, eci, _) = setup();
    send(
        &engine,
        &eci,
        "at",
        &format!(r#"{{"when": {}, "n": "late"}}"#, START - 1000.0),
    );
    engine.set_time(START);
    assert_eq!(fired(&engine, &eci), ["late"]);
}

#[test]
fn events_without_attributes_have_null_attrs() {
    let (engine, eci, _) = setup();
    send(
        &engine,
        &eci,
        "plain",
        &format!(r#"{{"when": {}}}"#, START + 10.0),
    );
    engine.set_time(START + 10.0);
    let fired = query(&engine, &eci, "fired", "{}");
    let first = fired.as_array().expect("array")[0].as_map().expect("map").clone();
    assert_eq!(first.get("attrs"), Some(&Value::Null));
    assert_eq!(first.get("type"), Some(&Value::from("tock")));
}

#[test]
fn the_dynamic_form_keeps_domain_and_type() {
    let (engine, eci, _) = setup();
    send(
        &engine,
        &eci,
        "dynamic",
        &format!(r#"{{"when": {}}}"#, START + 1.0),
    );
    engine.set_time(START + 1.0);
    assert_eq!(fired(&engine, &eci), ["dynamic"]);
}

#[test]
fn repeat_fires_every_minute_until_removed() {
    let (engine, eci, _) = setup();
    send(&engine, &eci, "repeat", "{}");
    let record = query(&engine, &eci, "list", "{}");
    let record = record.as_array().expect("array")[0]
        .as_map()
        .expect("map")
        .clone();
    assert_eq!(record.get("type"), Some(&Value::from("repeat")));
    assert_eq!(record.get("timespec"), Some(&Value::from("* * * * *")));
    let id = record.get("id").expect("id").to_krl_string().into_owned();
    for minute in 1..=3 {
        engine.set_time(START + minute as f64 * MINUTE);
        assert_eq!(fired(&engine, &eci).len(), minute);
    }
    // The record stays while it repeats.
    assert_eq!(ids(&engine, &eci), std::slice::from_ref(&id));
    send(&engine, &eci, "remove", &format!(r#"{{"id": "{id}"}}"#));
    engine.set_time(START + 10.0 * MINUTE);
    assert_eq!(fired(&engine, &eci).len(), 3);
}

#[test]
fn a_clock_jump_replays_each_repeat_tick_in_order() {
    let (engine, eci, _) = setup();
    send(&engine, &eci, "repeat", "{}");
    send(
        &engine,
        &eci,
        "at",
        &format!(r#"{{"when": {}, "n": "between"}}"#, START + 1.5 * MINUTE),
    );
    engine.set_time(START + 3.0 * MINUTE);
    assert_eq!(
        fired(&engine, &eci),
        ["every minute", "between", "every minute", "every minute"]
    );
}

#[test]
fn remove_takes_out_only_that_schedule() {
    let (engine, eci, _) = setup();
    send(
        &engine,
        &eci,
        "at",
        &format!(r#"{{"when": {}, "n": "first"}}"#, START + 1000.0),
    );
    send(
        &engine,
        &eci,
        "at",
        &format!(r#"{{"when": {}, "n": "second"}}"#, START + 2000.0),
    );
    let both = ids(&engine, &eci);
    assert_eq!(both.len(), 2);
    let got = query(&engine, &eci, "get", &format!(r#"{{"id": "{}"}}"#, both[0]));
    assert_eq!(
        got.as_map().and_then(|m| m.get("id")),
        Some(&Value::from(both[0].as_str()))
    );
    assert_eq!(query(&engine, &eci, "get", r#"{"id": "nope"}"#), Value::Null);
    // The reference empties the whole schedule here; krl removes one record.
    send(&engine, &eci, "remove", &format!(r#"{{"id": "{}"}}"#, both[0]));
    assert_eq!(ids(&engine, &eci), [both[1].clone()]);
    engine.set_time(START + 5000.0);
    assert_eq!(fired(&engine, &eci), ["second"]);
}

#[test]
fn clear_cancels_everything() {
    let (engine, eci, _) = setup();
    send(
        &engine,
        &eci,
        "at",
        &format!(r#"{{"when": {}, "n": "first"}}"#, START + 1000.0),
    );
    send(&engine, &eci, "repeat", "{}");
    send(&engine, &eci, "clear", "{}");
    assert!(ids(&engine, &eci).is_empty());
    engine.set_time(START + 5.0 * MINUTE);
    assert!(fired(&engine, &eci).is_empty());
}

#[test]
fn a_restart_rearms_stored_schedules() {
    let (engine, eci, storage) = setup();
    send(
        &engine,
        &eci,
        "at",
        &format!(r#"{{"when": {}, "n": "after restart"}}"#, START + 1000.0),
    );
    send(&engine, &eci, "repeat", "{}");
    drop(engine);
    let engine = open(storage);
    assert_eq!(ids(&engine, &eci).len(), 2);
    engine.set_time(START + MINUTE);
    assert_eq!(fired(&engine, &eci), ["after restart", "every minute"]);
}

#[test]
fn uninstalled_rulesets_and_deleted_picos_stop_receiving() {
    let (engine, eci, _) = setup();
    let root = engine.root_pico().to_string();
    send(&engine, &eci, "repeat", "{}");
    engine.set_time(START + MINUTE);
    assert_eq!(fired(&engine, &eci).len(), 1);
    engine.uninstall(&root, "test.schedule").expect("uninstalls");
    // The timer comes due, finds no record and is dropped; nothing crashes.
    engine.set_time(START + 5.0 * MINUTE);
    engine.install(&root, URL, Map::new()).expect("installs again");
    engine.set_time(START + 10.0 * MINUTE);
    assert!(fired(&engine, &eci).is_empty());
}
