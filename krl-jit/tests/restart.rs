//! The engine on a durable store: stopping and starting again brings back picos, channels,
//! rulesets, entity variables and partially matched event expressions.

#[path = "support/store.rs"]
mod store;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::value::Map;
use store::{open_store, scratch};

const RULESET: &str = r#"
ruleset test.durable {
  meta { shares total, pairs }
  global {
    total = function() { ent:total.defaultsTo(0) }
    pairs = function() { ent:pairs.defaultsTo(0) }
  }
  rule increment { select when t inc  always { ent:total := total() + 1 } }
  rule pair { select when t a before t b  always { ent:pairs := pairs() + 1 } }
}
"#;

fn open_engine(dir: &Path) -> Engine {
    Engine::open(
        Arc::new(InterpreterBackend),
        EngineOptions::default(),
        open_store(dir),
    )
    .expect("the engine opens")
}

#[test]
fn state_survives_a_restart() {
    let dir = scratch("state_survives_a_restart");
    let (root, eci) = {
        let engine = open_engine(&dir);
        engine.register("file:///durable.krl", RULESET).expect("compiles");
        let root = engine.root_pico().to_string();
        engine
            .install(&root, "file:///durable.krl", Map::new())
            .expect("installs");
        let eci = engine
            .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
            .expect("channel")
            .id;
        for _ in 0..3 {
            engine.event_wait(&eci, "t", "inc", Value::Null).expect("runs");
        }
        // Half of `a before b`: the rest must still be waited for after the restart.
        engine.event_wait(&eci, "t", "a", Value::Null).expect("runs");
        (root, eci)
    };
    let engine = open_engine(&dir);
    assert_eq!(engine.root_pico(), root, "the same root pico comes back");
    assert_eq!(
        engine
            .query(&eci, "test.durable", "total", Value::Null)
            .expect("query"),
        Value::from(3)
    );
    assert_eq!(
        engine
            .query(&eci, "test.durable", "pairs", Value::Null)
            .expect("query"),
        Value::from(0)
    );
    engine.event_wait(&eci, "t", "b", Value::Null).expect("runs");
    assert_eq!(
        engine
            .query(&eci, "test.durable", "pairs", Value::Null)
            .expect("query"),
        Value::from(1)
    );
}

#[test]
fn accepted_events_are_processed_after_a_restart() {
    let dir = scratch("accepted_events_are_processed_after_a_restart");
    let eci = {
        let engine = open_engine(&dir);
        engine.register("file:///durable.krl", RULESET).expect("compiles");
        let root = engine.root_pico().to_string();
        engine
            .install(&root, "file:///durable.krl", Map::new())
            .expect("installs");
        let eci = engine
            .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
            .expect("channel")
            .id;
        for _ in 0..50 {
            engine.event(&eci, "t", "inc", Value::Null).expect("accepted");
        }
        eci
    };
    // Whatever the first engine did not get to runs now, exactly once.
    let engine = open_engine(&dir);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let total = engine
            .query(&eci, "test.durable", "total", Value::Null)
            .expect("query");
        if total == Value::from(50) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of 50 events ran",
            total.to_krl_string()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
