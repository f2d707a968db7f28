//! `ctx:query` between picos: a chain of queries answers, and a cycle of picos waiting for
//! each other is refused with a clear error instead of deadlocking them.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::value::Map;

const URL: &str = "file:///asker.krl";

/// `ask` passes the question on to the peer, if there is one, and adds its own name.
const RULESET: &str = r#"
ruleset test.asker {
  meta { shares ask }
  global {
    ask = function() {
      answer = ent:peer => ctx:query(ent:peer, "test.asker", "ask") | "";
      answer + ent:name
    }
  }
  rule setup {
    select when t setup
    always {
      ent:name := event:attrs{"name"};
      ent:peer := event:attrs{"peer"}
    }
  }
}
"#;

/// Picos named `names`, each with the ruleset and an open channel; returns the channels.
fn picos(engine: &Engine, names: &[&str]) -> Vec<String> {
    engine.register(URL, RULESET).expect("compiles");
    let root = engine.root_pico().to_string();
    names
        .iter()
        .map(|_| {
            let child = engine.new_pico(&root).expect("a child");
            let pico = engine.pico_of(&child).expect("exists");
            engine.install(&pico, URL, Map::new()).expect("installs");
            engine
                .new_channel(&pico, &Value::Null, &Value::Null, &Value::Null)
                .expect("channel")
                .id
        })
        .collect()
}

fn setup(engine: &Engine, eci: &str, name: &str, peer: Option<&str>) {
    let mut attrs = Map::new();
    attrs.insert("name", Value::string(name));
    attrs.insert("peer", peer.map_or(Value::Null, Value::string));
    engine
        .event_wait(eci, "t", "setup", Value::map(attrs))
        .expect("runs");
}

/// The answer of `ask` on `eci`, failing the test instead of hanging on a deadlock.
fn ask(engine: &Engine, eci: &str) -> Result<Value, String> {
    let (done, answer) = mpsc::channel();
    let engine = engine.clone();
    let eci = eci.to_string();
    std::thread::spawn(move || {
        let result = engine.query(&eci, "test.asker", "ask", Value::Null);
        let _ = done.send(result.map_err(|err| err.to_string()));
    });
    answer
        .recv_timeout(Duration::from_secs(20))
        .expect("the query answers instead of deadlocking")
}

fn engine() -> Engine {
    Engine::new(Arc::new(InterpreterBackend), EngineOptions::default())
}

#[test]
fn a_chain_of_queries_answers() {
    let engine = engine();
    let ecis = picos(&engine, &["a", "b", "c"]);
    setup(&engine, &ecis[0], "a", Some(&ecis[1]));
    setup(&engine, &ecis[1], "b", Some(&ecis[2]));
    setup(&engine, &ecis[2], "c", None);
    assert_eq!(ask(&engine, &ecis[0]), Ok(Value::string("cba")));
}

#[test]
fn a_cycle_of_queries_is_refused() {
    let engine = engine();
    let ecis = picos(&engine, &["a", "b", "c"]);
    setup(&engine, &ecis[0], "a", Some(&ecis[1]));
    setup(&engine, &ecis[1], "b", Some(&ecis[2]));
    setup(&engine, &ecis[2], "c", Some(&ecis[0]));
    let err = ask(&engine, &ecis[0]).expect_err("a -> b -> c -> a cannot answer");
    assert!(
        err.contains("ctx:query would wait for a pico that is waiting for it"),
        "{err}"
    );
    // The picos are not stuck: each answers once the cycle is broken.
    setup(&engine, &ecis[2], "c", None);
    assert_eq!(ask(&engine, &ecis[0]), Ok(Value::string("cba")));
}
