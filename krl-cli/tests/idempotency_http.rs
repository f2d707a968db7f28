//! The `Idempotency-Key` header on the event routes, over HTTP: a repeat answers the first
//! answer (marked `Idempotent-Replayed: true`) and raises nothing on every route that
//! accepts events; a different event under the key is 422; a key still being processed is
//! 409; a malformed key is 400; without the header nothing changes; and `krl run` killed
//! with SIGKILL still answers a repeat from its store after a restart. The engine's side
//! is `krl-jit/tests/idempotency.rs`.

#[path = "support/http_server.rs"]
mod http_server;
#[path = "support/krl_run.rs"]
mod krl_run;

use std::sync::Arc;
use std::time::Duration;

use krl_run::{KrlRun, temp_dir};
use krl_runtime::engine::{Engine, EngineOptions, Idempotent};
use krl_runtime::http::HttpOptions;
use krl_runtime::{Map, Value};
use serde_json::Value as Json;

const COUNTER: &str = r#"ruleset test.count {
  meta { shares total }
  global { total = function() { ent:n.defaultsTo(0) } }
  rule inc {
    select when t inc
    send_directive("counted", {"n": total() + 1, "note": event:attrs{"note"}})
    always { ent:n := total() + 1 }
  }
}
"#;

struct Server {
    base: String,
    eci: String,
    engine: Engine,
}

fn start() -> Server {
    let engine = Engine::new(Arc::new(krl_jit::InterpreterBackend), EngineOptions::default());
    let root = engine.root_pico().to_string();
    engine.register("test://count.krl", COUNTER).expect("compiles");
    engine
        .install(&root, "test://count.krl", Map::new())
        .expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    let base = http_server::serve(engine.clone(), HttpOptions::default(), None);
    Server { base, eci, engine }
}

/// Status, `Idempotent-Replayed` header and body of an answer (4xx included).
struct Answer {
    status: u16,
    replayed: Option<String>,
    body: String,
}

/// `POST base + path` with a JSON body and, when given, an `Idempotency-Key`.
fn post(base: &str, path: &str, key: Option<&str>, body: &Json) -> Answer {
    let mut request = ureq::post(&format!("{base}{path}"))
        .timeout(Duration::from_secs(20))
        .set("Content-Type", "application/json");
    if let Some(key) = key {
        request = request.set("Idempotency-Key", key);
    }
    let response = match request.send_string(&body.to_string()) {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(err) => panic!("no answer: {err}"),
    };
    Answer {
        status: response.status(),
        replayed: response.header("idempotent-replayed").map(str::to_string),
        body: response.into_string().expect("a text body"),
    }
}

impl Server {
    fn post(&self, path: &str, key: Option<&str>, body: &Json) -> Answer {
        post(&self.base, path, key, body)
    }

    fn total(&self) -> f64 {
        let answer = self.post(
            &format!("/c/{}/query/test.count/total", self.eci),
            None,
            &serde_json::json!({}),
        );
        answer
            .body
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("a number: {}", answer.body))
    }
}

#[test]
fn a_repeat_answers_the_first_answer_on_every_event_route() {
    let server = start();
    let eci = &server.eci;
    let body = serde_json::json!({"note": "one"});
    let routes = [
        format!("/c/{eci}/event-wait/t/inc"),
        format!("/c/{eci}/event/t/inc"),
        format!("/sky/event/{eci}/e1/t/inc"),
        format!("/c/{eci}/event/t/inc/query/test.count/total"),
    ];
    for (count, route) in routes.iter().enumerate() {
        let key = format!("key-{count}");
        let first = server.post(route, Some(&key), &body);
        assert_eq!(first.status, 200, "{route}: {}", first.body);
        assert!(!first.body.contains("\"error\""), "{route}: {}", first.body);
        assert_eq!(first.replayed, None, "{route}");
        // Quoted as the draft sends it, or bare: the same key.
        let repeat = server.post(route, Some(&format!("\"{key}\"")), &body);
        assert_eq!(repeat.status, 200, "{route}: {}", repeat.body);
        assert_eq!(repeat.replayed.as_deref(), Some("true"), "{route}");
        assert_eq!(repeat.body, first.body, "{route}: the first answer");
        assert_eq!(server.total(), (count + 1) as f64, "{route}: the event ran once");
    }
}

#[test]
fn a_different_event_under_the_same_key_is_422() {
    let server = start();
    let route = format!("/c/{}/event-wait/t/inc", server.eci);
    let first = server.post(&route, Some("k"), &serde_json::json!({"note": "one"}));
    assert_eq!(first.status, 200, "{}", first.body);
    let other = server.post(&route, Some("k"), &serde_json::json!({"note": "two"}));
    assert_eq!(other.status, 422, "{}", other.body);
    assert!(
        other
            .body
            .contains("Idempotency-Key `k` was first used on this channel for a different event"),
        "{}",
        other.body
    );
    let other_type = server.post(
        &format!("/c/{}/event-wait/t/other", server.eci),
        Some("k"),
        &serde_json::json!({}),
    );
    assert_eq!(other_type.status, 422, "{}", other_type.body);
    assert_eq!(server.total(), 1.0);
}

#[test]
fn a_key_still_being_processed_is_409_with_retry_after() {
    let server = start();
    // Holds the key as a request in progress would.
    let held = server
        .engine
        .claim_idempotency(&server.eci, "busy", "any")
        .expect("reads");
    assert!(matches!(held, Idempotent::Claimed(_)));
    let route = format!("/c/{}/event-wait/t/inc", server.eci);
    let response = ureq::post(&format!("{}{route}", server.base))
        .set("Idempotency-Key", "busy")
        .call();
    let Err(ureq::Error::Status(409, response)) = response else {
        panic!("not 409: {response:?}");
    };
    assert_eq!(response.header("retry-after"), Some("1"));
    let body = response.into_string().expect("a body");
    assert!(body.contains("is still being processed"), "{body}");
    drop(held);
    let after = server.post(&route, Some("busy"), &serde_json::json!({}));
    assert_eq!((after.status, after.replayed), (200, None), "{}", after.body);
    assert_eq!(server.total(), 1.0);
}

#[test]
fn a_malformed_key_is_400_and_no_key_changes_nothing() {
    let server = start();
    let route = format!("/c/{}/event-wait/t/inc", server.eci);
    let long = "k".repeat(256);
    for bad in ["", "\"\"", long.as_str()] {
        let answer = server.post(&route, Some(bad), &serde_json::json!({}));
        assert_eq!(answer.status, 400, "{bad:?}: {}", answer.body);
        assert!(
            answer.body.contains("Idempotency-Key header must be"),
            "{}",
            answer.body
        );
    }
    assert_eq!(server.total(), 0.0, "a refused request raises nothing");
    for _ in 0..2 {
        let answer = server.post(&route, None, &serde_json::json!({}));
        assert_eq!((answer.status, answer.replayed), (200, None), "{}", answer.body);
    }
    assert_eq!(
        server.total(),
        2.0,
        "without the header every request is an event"
    );
}

#[test]
fn a_repeat_after_kill_9_and_a_restart_is_answered_from_the_store() {
    let dir = temp_dir("idempotency-kill");
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).expect("the rulesets folder is created");
    std::fs::write(rules.join("count.krl"), COUNTER).expect("count.krl is written");
    let args = [
        rules.display().to_string(),
        "--home".to_string(),
        dir.join("home").display().to_string(),
        "--no-token".to_string(),
    ];
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let engine = KrlRun::start(port, &args);
    let base = format!("http://127.0.0.1:{port}");
    let route = format!("/c/{}/event-wait/t/inc", engine.eci);
    let body = serde_json::json!({"note": "once"});
    let first = post(&base, &route, Some("k-kill"), &body);
    assert_eq!(first.status, 200, "{}", first.body);
    let eci = engine.eci.clone();
    engine.kill();
    let engine = KrlRun::start(port, &args);
    assert_eq!(engine.eci, eci, "the same installation");
    let repeat = post(&base, &route, Some("k-kill"), &body);
    assert_eq!(repeat.replayed.as_deref(), Some("true"), "{}", repeat.body);
    assert_eq!(repeat.body, first.body);
    let total = post(
        &base,
        &format!("/c/{eci}/query/test.count/total"),
        None,
        &serde_json::json!({}),
    );
    assert_eq!(total.body.trim(), "1", "applied once");
}
