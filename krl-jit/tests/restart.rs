//! The engine on a durable store: stopping and starting again brings back picos, channels,
//! rulesets, entity variables and partially matched event expressions.

#[path = "support/store.rs"]
mod store;

use std::ops::Deref;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::storage::Storage;
use krl_runtime::value::Map;
use store::{StoreHome, homes, open_store};

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

/// An engine and a weak handle on its store, so that a restart can wait until the engine is
/// gone.
struct Opened {
    engine: Engine,
    store: Weak<dyn Storage>,
}

impl Deref for Opened {
    type Target = Engine;

    fn deref(&self) -> &Engine {
        &self.engine
    }
}

impl Opened {
    /// Drops the engine and waits until its workers let go of the store, as when its process
    /// ends. A worker finishes the slice it is in after the handle is dropped; a second engine
    /// opened meanwhile would run the same inbox (on SQLite the store's exclusive lock makes
    /// the next open wait; a PostgreSQL store has no such lock outside `krl run`'s lease).
    fn stop(self) {
        drop(self.engine);
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.store.upgrade().is_some() {
            assert!(Instant::now() < deadline, "the engine's workers never stopped");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn open_engine(dir: &StoreHome) -> Opened {
    let store = open_store(dir);
    let weak = Arc::downgrade(&store);
    let engine = Engine::open(Arc::new(InterpreterBackend), EngineOptions::default(), store)
        .expect("the engine opens");
    Opened { engine, store: weak }
}

/// Installs the test ruleset on the root pico: the root's id and a new channel to it.
fn durable_pico(engine: &Engine) -> (String, String) {
    engine.register("file:///durable.krl", RULESET).expect("compiles");
    let root = engine.root_pico().to_string();
    engine
        .install(&root, "file:///durable.krl", Map::new())
        .expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("channel")
        .id;
    (root, eci)
}

#[test]
fn state_survives_a_restart() {
    for dir in homes("state_survives_a_restart") {
        let (root, eci) = {
            let engine = open_engine(&dir);
            let (root, eci) = durable_pico(&engine);
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
}

#[test]
fn accepted_events_are_processed_after_a_restart() {
    for dir in homes("accepted_events_are_processed_after_a_restart") {
        let eci = {
            let engine = open_engine(&dir);
            let (_, eci) = durable_pico(&engine);
            for _ in 0..50 {
                engine.event(&eci, "t", "inc", Value::Null).expect("accepted");
            }
            engine.stop();
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
}

/// A value nested 30,000 deep (`reduce` wrapping an array in an array) is stored, encoded,
/// compared and dropped without overflowing the stack, and loads again after a restart.
/// (Storing went through a JSON round trip that turned anything nested beyond 128 levels
/// into null.) Runs on a 2 MiB thread, the
/// stack of the engine's server threads.
#[test]
fn a_deeply_nested_value_is_stored_and_loads_again() {
    const DEEP: &str = r#"
ruleset test.deep {
  meta { shares size }
  global {
    size = function() { ent:v.encode().length() }
  }
  rule build {
    select when t build
    pre { v = 1.range(30000).reduce(function(acc, n) { [acc, {"n": n}] }, 0) }
    always { ent:v := v; ent:w := [v, v] }
  }
}
"#;
    for dir in homes("a_deeply_nested_value_is_stored_and_loads_again") {
        let run = move || {
            let eci = {
                let engine = open_engine(&dir);
                engine.register("file:///deep.krl", DEEP).expect("compiles");
                let root = engine.root_pico().to_string();
                engine
                    .install(&root, "file:///deep.krl", Map::new())
                    .expect("installs");
                let eci = engine
                    .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
                    .expect("channel")
                    .id;
                engine.event_wait(&eci, "t", "build", Value::Null).expect("runs");
                eci
            };
            let engine = open_engine(&dir);
            let size = engine
                .query(&eci, "test.deep", "size", Value::Null)
                .expect("query");
            // `[[[0,{"n":1}],{"n":2}], ...`: more than ten bytes a level.
            assert!(size.as_number().is_some_and(|n| n > 30_000.0 * 10.0), "{size:?}");
        };
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(run)
            .expect("the thread starts")
            .join()
            .expect("no panic");
    }
}
