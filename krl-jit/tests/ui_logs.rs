//! The engine log as the pico-engine UI's Logging tab reads it: `logs()` of
//! io.picolabs.pico-engine-ui groups the pico's lines into one episode per transaction,
//! newest first, each with a header from its `txnQueued` line and its lines in order (the
//! engine's own lines and every `klog`), as pico-engine does (engine.md §11.3).

use std::sync::Arc;

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions, system};
use krl_runtime::value::Map;

const UI: &str = "io.picolabs.pico-engine-ui";

/// 2023-11-14T22:13:20.000Z
const NOW: f64 = 1_700_000_000_000.0;

const TALLY: &str = r#"ruleset test.episodes {
  meta {
    shares total
  }
  global {
    total = function() {
      ent:total.defaultsTo(0).klog("total is")
    }
  }
  rule count {
    select when tally add
    pre {
      n = event:attrs{"n"}.klog("n")
    }
    if n > 0 then noop()
    fired {
      ent:total := total() + n
    }
  }
  rule guard {
    select when tally add
    if false then noop()
  }
}
"#;

fn json(text: &str) -> Value {
    Value::decode(text).expect("valid JSON")
}

/// A booted engine on a manual clock with `test.episodes` on the root, and the root's UI ECI
/// and a channel that lets every event and query in.
fn engine_with_tally() -> (Engine, String, String) {
    let options = EngineOptions {
        manual_clock: Some(NOW),
        ..EngineOptions::default()
    };
    let engine = Engine::new(Arc::new(InterpreterBackend), options);
    let ui_eci = system::boot(&engine).expect("the system rulesets boot");
    system::started_wait(&engine, &ui_eci).expect("engine:started runs");
    let root = engine.root_pico().to_string();
    engine.register("test:episodes", TALLY).expect("compiles");
    engine
        .install(&root, "test:episodes", Map::new())
        .expect("installs");
    let allow_all = json(r#"{"allow": [{"domain": "*", "name": "*"}], "deny": []}"#);
    let allow_queries = json(r#"{"allow": [{"rid": "*", "name": "*"}], "deny": []}"#);
    let channel = engine
        .new_channel(&root, &json(r#"["tally"]"#), &allow_all, &allow_queries)
        .expect("a channel");
    (engine, ui_eci, channel.id)
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| format!("{value:?}"))
}

fn field<'v>(value: &'v Value, key: &str) -> &'v Value {
    static NULL: Value = Value::Null;
    value.as_map().and_then(|m| m.get(key)).unwrap_or(&NULL)
}

/// An episode's time, header and entries (its transaction id is random).
fn episode(value: &Value) -> (String, String, Vec<String>) {
    assert!(field(value, "txnId").as_str().is_some(), "{value:?}");
    let entries = field(value, "entries")
        .as_array()
        .unwrap_or(&[])
        .iter()
        .map(text)
        .collect();
    (text(field(value, "time")), text(field(value, "header")), entries)
}

#[test]
fn logs_are_one_episode_per_transaction_with_the_engine_lines_and_klogs() {
    let (engine, ui_eci, eci) = engine_with_tally();
    engine
        .event_wait(&eci, "tally", "add", json(r#"{"n": 2}"#))
        .expect("the event runs");
    let total = engine
        .query(&eci, "test.episodes", "total", json("{}"))
        .expect("the query answers");
    assert_eq!(total, Value::from(2.0));

    let episodes = engine
        .query(&ui_eci, UI, "logs", json("{}"))
        .expect("logs answers");
    let episodes = episodes.as_array().expect("an array of episodes");
    // The UI's own queries (this `logs` one included) are not episodes.
    assert!(
        episodes.iter().all(|e| !text(field(e, "header")).contains(UI)),
        "{episodes:?}"
    );
    let [query, event, ..] = episodes else {
        panic!("at least two episodes: {episodes:?}");
    };
    assert_eq!(
        episode(query),
        (
            "2023-11-14T22:13:20.000Z".to_string(),
            format!("QUERY {eci} test.episodes/total {{}}"),
            vec![
                format!("22:13:20.000Z [DEBUG] txnQueued QUERY {eci} test.episodes/total {{}}"),
                "22:13:20.000Z [DEBUG] txnStart {}".to_string(),
                "22:13:20.000Z [KLOG] total is 2".to_string(),
                "22:13:20.000Z [DEBUG] txnDone {}".to_string(),
            ],
        )
    );
    let scheduled = format!(
        r#"{{"eci":"{eci}","domain":"tally","name":"add","data":{{"attrs":{{"n":2}}}},"time":1700000000000}}"#
    );
    let line = |text: &str| format!("22:13:20.000Z {text}");
    assert_eq!(
        episode(event),
        (
            "2023-11-14T22:13:20.000Z".to_string(),
            format!(r#"EVENT {eci} tally:add {{"n":2}}"#),
            vec![
                line(&format!(r#"[DEBUG] txnQueued EVENT {eci} tally:add {{"n":2}}"#)),
                line("[DEBUG] txnStart {}"),
                // One line per installed ruleset, the repeats left out.
                line(&format!("[DEBUG] event added to schedule {scheduled}")),
                line("[DEBUG] rule selected test.episodes : count"),
                line("[KLOG] n 2"),
                line("[DEBUG] fired "),
                line("[KLOG] total is 0"),
                line("[DEBUG] rule selected test.episodes : guard"),
                line("[DEBUG] not fired "),
                line("[DEBUG] txnDone {}"),
            ],
        )
    );
    // In the raw log, the event's lines carry its eid.
    let root = engine.root_pico().to_string();
    let selected: Vec<_> = engine
        .logs(&root)
        .into_iter()
        .filter(|line| line.message == "rule selected")
        .collect();
    let [.., count, guard] = selected.as_slice() else {
        panic!("two rules were selected");
    };
    assert!(count.txn_id.is_some());
    assert_eq!(count.txn_id, guard.txn_id);
    assert_eq!(count.txn_id.as_deref(), field(event, "txnId").as_str());
}

#[test]
fn a_failed_query_ends_its_episode_with_txn_error() {
    let (engine, ui_eci, eci) = engine_with_tally();
    let failed = engine.query(&eci, "test.nothing", "total", json("{}"));
    assert!(failed.is_err());
    let episodes = engine
        .query(&ui_eci, UI, "logs", json("{}"))
        .expect("logs answers");
    let first = episodes.as_array().and_then(|e| e.first()).expect("an episode");
    assert_eq!(
        episode(first).2,
        [
            format!("22:13:20.000Z [DEBUG] txnQueued QUERY {eci} test.nothing/total {{}}"),
            "22:13:20.000Z [DEBUG] txnStart {}".to_string(),
            "22:13:20.000Z [ERROR] query failed: Error: Pico doesn't have test.nothing installed. {}"
                .to_string(),
            r#"22:13:20.000Z [DEBUG] txnError {"error":"Error: Pico doesn't have test.nothing installed."}"#
                .to_string(),
        ]
    );
}
