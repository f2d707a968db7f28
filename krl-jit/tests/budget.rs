//! Bounded work per transaction: every event and query runs under the engine's step budget
//! and value limits (`EngineOptions::step_budget`, `value_limits`), a runaway rule fails
//! with a clear KRL error that reaches the caller and the pico's log, and the pico answers
//! its next job. A `ctx:query` runs another pico's transaction nested on the caller's
//! thread with a budget of its own; the caller's continues afterwards.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::limits::ValueLimits;
use krl_runtime::value::Map;

const URL: &str = "file:///budget.krl";

/// `exp(n)` calls itself twice per level: 2^100 calls never end without a budget.
const RULESET: &str = r#"
ruleset test.budget {
  meta { shares spend, ok, peer_spend, fetch }
  global {
    exp = function(n) { n <= 0 => 1 | exp(n - 1) + exp(n - 1) }
    spend = function(n) { exp(n) }
    ok = function() { "still here" }
    fetch = function(url) { http:get(url){"content"}.length() }
    peer_spend = function(peer, n) { ctx:query(peer, "test.budget", "spend", {"n": n}) + spend(n) }
  }
  rule runaway {
    select when test runaway
    send_directive("result", {"value": exp(100)})
  }
  rule doubling {
    select when test doubling
    always {
      ent:text := 0.range(100).reduce(function(text, i) { text + text }, "ab")
    }
  }
  rule growing {
    select when test growing
    always {
      ent:list := 0.range(100).reduce(function(list, i) { list.append(list) }, [1])
    }
  }
}
"#;

fn engine_with(step_budget: u64, value_limits: ValueLimits) -> (Engine, String) {
    let options = EngineOptions {
        step_budget,
        value_limits,
        ..EngineOptions::default()
    };
    let engine = Engine::new(Arc::new(InterpreterBackend), options);
    engine.register(URL, RULESET).expect("compiles");
    let root = engine.root_pico().to_string();
    engine.install(&root, URL, Map::new()).expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    (engine, eci)
}

/// Runs `work` on its own thread and fails the test if it takes more than 60 s (without
/// the budget, the runaway rule never ends).
fn bounded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(work());
    });
    receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("the transaction ended within 60 s")
}

fn error_text(engine: &Engine, eci: &str, name: &str) -> String {
    let (engine, eci, name) = (engine.clone(), eci.to_string(), name.to_string());
    bounded(move || engine.event_wait(&eci, "test", &name, Value::Null))
        .expect_err("the transaction fails")
        .to_string()
}

fn assert_answers(engine: &Engine, eci: &str) {
    let answer = engine
        .query(eci, "test.budget", "ok", Value::Null)
        .expect("answers");
    assert_eq!(answer, Value::string("still here"));
}

#[test]
fn a_runaway_recursion_ends_at_the_step_budget() {
    let (engine, eci) = engine_with(100_000, ValueLimits::default());
    let text = error_text(&engine, &eci, "runaway");
    assert!(text.contains("step budget of 100000 exceeded"), "{text}");
    let logged = engine.logs(engine.root_pico());
    assert!(
        logged
            .iter()
            .any(|entry| entry.level == "error" && entry.message.contains("step budget of 100000 exceeded")),
        "{logged:?}"
    );
    assert_answers(&engine, &eci);
    // A query gets the whole budget too: 2^10 calls fit, 2^20 do not.
    let mut args = Map::new();
    args.insert("n", Value::from(10));
    engine
        .query(&eci, "test.budget", "spend", Value::map(args.clone()))
        .expect("fits");
    args.insert("n", Value::from(20));
    let err = engine
        .query(&eci, "test.budget", "spend", Value::map(args))
        .expect_err("past the budget");
    assert!(
        err.to_string().contains("step budget of 100000 exceeded"),
        "{err}"
    );
}

#[test]
fn a_doubled_string_stops_at_the_string_cap() {
    let limits = ValueLimits {
        max_string_bytes: 1 << 20,
        ..ValueLimits::default()
    };
    let (engine, eci) = engine_with(1_000_000, limits);
    let text = error_text(&engine, &eci, "doubling");
    assert!(text.contains("string longer than 1048576 bytes"), "{text}");
    assert_eq!(
        engine
            .ent(engine.root_pico(), "test.budget", "text")
            .expect("reads"),
        Value::Null
    );
    assert_answers(&engine, &eci);
}

#[test]
fn a_doubled_array_stops_at_the_item_cap_and_the_memory_budget() {
    let limits = ValueLimits {
        max_items: 100_000,
        ..ValueLimits::default()
    };
    let (engine, eci) = engine_with(1_000_000, limits);
    let text = error_text(&engine, &eci, "growing");
    assert!(text.contains("array or map larger than 100000 items"), "{text}");

    let limits = ValueLimits {
        memory_budget: 1 << 20,
        ..ValueLimits::default()
    };
    let (engine, eci) = engine_with(1_000_000, limits);
    let text = error_text(&engine, &eci, "growing");
    assert!(text.contains("memory budget of 1048576 bytes exceeded"), "{text}");
    assert_answers(&engine, &eci);
}

/// A nested `ctx:query` gets a budget of its own, and the asking transaction's budget
/// continues where it was: 2^12 calls on each side fit a budget of 6,000 steps each, though
/// not both in one budget.
#[test]
fn a_nested_query_has_its_own_budget_and_restores_the_callers() {
    let (engine, eci) = engine_with(6_000, ValueLimits::default());
    let root = engine.root_pico().to_string();
    let child = engine.new_pico(&root).expect("a child");
    let child_pico = engine.pico_of(&child).expect("exists");
    engine.install(&child_pico, URL, Map::new()).expect("installs");
    let peer = engine
        .new_channel(&child_pico, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    let mut args = Map::new();
    args.insert("peer", Value::string(peer.as_str()));
    args.insert("n", Value::from(11));
    let answer = engine
        .query(&eci, "test.budget", "peer_spend", Value::map(args.clone()))
        .expect("each side fits its own budget");
    assert_eq!(answer, Value::from(4096));
    // 2^11 + 2^11
    args.insert("n", Value::from(12));
    let err = engine
        .query(&eci, "test.budget", "peer_spend", Value::map(args))
        .expect_err("the peer's side alone is past its budget");
    assert!(err.to_string().contains("step budget of 6000 exceeded"), "{err}");
}

/// Answers every request on a local port with a body of `bytes` bytes; returns its URL.
fn big_body_server(bytes: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}/big", listener.local_addr().expect("an address"));
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {bytes}\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&vec![b'x'; bytes]);
        }
    });
    url
}

/// An `http` response body counts as a string: one past the cap fails the request.
#[test]
fn an_http_body_past_the_string_cap_fails_the_request() {
    let limits = ValueLimits {
        max_string_bytes: 1 << 20,
        ..ValueLimits::default()
    };
    let (engine, eci) = engine_with(1_000_000, limits);
    let fetch = |bytes: usize| {
        let mut args = Map::new();
        args.insert("url", Value::string(big_body_server(bytes)));
        engine.query(&eci, "test.budget", "fetch", Value::map(args))
    };
    assert_eq!(fetch(1000).expect("a small body"), Value::from(1000));
    let err = fetch(2 << 20).expect_err("past the cap");
    assert!(
        err.to_string().contains("string longer than 1048576 bytes"),
        "{err}"
    );
}
