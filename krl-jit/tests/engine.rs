//! The engine running rulesets through the interpreter backend, for what an engine case
//! (`testsuite/cases/run/`) cannot script: concurrent events and queries, channel policies,
//! modules installed in a chosen order, `meta:eci`, and `ctx:query` between picos.

use std::sync::Arc;

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::Engine;
use krl_runtime::engine::EngineOptions;
use krl_runtime::value::Map;

fn engine() -> Engine {
    Engine::new(
        Arc::new(InterpreterBackend),
        EngineOptions {
            manual_clock: Some(1_000_000.0),
            ..EngineOptions::default()
        },
    )
}

fn json(text: &str) -> Value {
    Value::decode(text).expect("valid JSON")
}

/// Installs `src` on the root pico and returns (engine, eci of an allow-all channel).
fn with_ruleset(src: &str) -> (Engine, String) {
    let engine = engine();
    let url = "file:///test.krl";
    engine.register(url, src).expect("the ruleset compiles");
    let root = engine.root_pico().to_string();
    engine
        .install(&root, url, Map::new())
        .expect("the ruleset installs");
    let channel = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel");
    (engine, channel.id)
}

const LAST_NOTE: &str = r#"
ruleset test.note {
  meta { shares last }
  global { last = function() { ent:last } }
  rule remember {
    select when note set
    always { ent:last := event:attrs{"v"} }
  }
}
"#;

#[test]
fn event_then_query_runs_the_query_right_behind_its_event() {
    let (engine, eci) = with_ruleset(LAST_NOTE);
    // Other senders overwrite the note all the time; the query of each pair must still see
    // the note its own event wrote, so nothing ran between the two.
    let senders: Vec<_> = (0..4)
        .map(|sender| {
            let (engine, eci) = (engine.clone(), eci.clone());
            std::thread::spawn(move || {
                for idx in 0..100 {
                    let attrs = json(&format!(r#"{{"v": "other {sender}.{idx}"}}"#));
                    engine
                        .event_wait(&eci, "note", "set", attrs)
                        .expect("the event runs");
                }
            })
        })
        .collect();
    for idx in 0..100 {
        let mine = format!("mine {idx}");
        let attrs = json(&format!(r#"{{"v": "{mine}"}}"#));
        let last = engine
            .event_query_at(
                &eci,
                ("note", "set"),
                attrs,
                None,
                ("test.note", "last"),
                Value::Null,
            )
            .expect("the event and the query run");
        assert_eq!(last, Value::string(mine));
    }
    for sender in senders {
        sender.join().expect("a sender");
    }
    // A query the channel may not make is refused before the event runs.
    let closed = engine
        .new_channel(
            engine.root_pico(),
            &Value::Null,
            &Value::Null,
            &json(r#"{"allow": [], "deny": [{"rid": "*", "name": "*"}]}"#),
        )
        .expect("a channel")
        .id;
    let before = engine
        .query(&eci, "test.note", "last", Value::Null)
        .expect("a query");
    let attrs = json(r#"{"v": "refused"}"#);
    let refused = engine.event_query_at(
        &closed,
        ("note", "set"),
        attrs,
        None,
        ("test.note", "last"),
        Value::Null,
    );
    assert!(refused.is_err());
    assert_eq!(
        engine
            .query(&eci, "test.note", "last", Value::Null)
            .expect("a query"),
        before
    );
}

#[test]
fn channel_policies_are_enforced() {
    let engine = engine();
    let root = engine.root_pico().to_string();
    let policy = json(r#"{"allow": [{"domain": "*", "name": "foo"}], "deny": []}"#);
    let channel = engine
        .new_channel(&root, &Value::Null, &policy, &Value::Null)
        .expect("a channel");
    assert!(engine.event_wait(&channel.id, "any", "foo", Value::Null).is_ok());
    let err = engine
        .event_wait(&channel.id, "any", "bar", Value::Null)
        .expect_err("denied");
    assert_eq!(err.to_string(), "Error: Not allowed by channel policy");
    let err = engine
        .event_wait("nope", "any", "foo", Value::Null)
        .expect_err("unknown eci");
    assert_eq!(err.to_string(), "Error: ECI not found nope");
    let err = engine
        .event_wait(&root, "any", "foo", Value::Null)
        .expect_err("family channel");
    assert_eq!(
        err.to_string(),
        "Error: This is a family channel and only the owner can use it."
    );
}

#[test]
fn modules_provide_functions_with_their_own_configuration() {
    let module = r#"
    ruleset test.greeting {
      meta { configure using greeting = "Hello" provides greet }
      global { greet = function(name) { greeting + ", " + name + (ent:suffix || "") } }
    }"#;
    let user = r#"
    ruleset test.user {
      meta {
        use module test.greeting alias plain
        use module test.greeting alias french with greeting = "Bonjour"
        shares both
      }
      global { both = function() { [plain:greet("Ada"), french:greet(name = "Ada")] } }
    }"#;
    let engine = engine();
    let root = engine.root_pico().to_string();
    engine
        .register("file:///greeting.krl", module)
        .expect("the module compiles");
    engine
        .register("file:///user.krl", user)
        .expect("the user compiles");
    let err = engine
        .install(&root, "file:///user.krl", Map::new())
        .expect_err("the module is not installed yet");
    assert_eq!(err.to_string(), "Error: Module not found: test.greeting");
    engine
        .install(&root, "file:///greeting.krl", Map::new())
        .expect("the module installs");
    engine
        .install(&root, "file:///user.krl", Map::new())
        .expect("the user installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    let both = engine
        .query(&eci, "test.user", "both", Value::Null)
        .expect("the query runs");
    assert_eq!(
        both.encode(0).as_deref(),
        Some(r#"["Hello, Ada","Bonjour, Ada"]"#)
    );
}

#[test]
fn meta_eci_is_the_channel_of_the_event_or_the_query() {
    let (engine, eci) = with_ruleset(
        r#"ruleset t.meta_eci {
          meta { shares asked }
          global { asked = function() { meta:eci } }
          rule told { select when t tell  send_directive("told", {"eci": meta:eci}) }
        }"#,
    );
    assert_eq!(
        engine
            .query(&eci, "t.meta_eci", "asked", Value::Null)
            .expect("answers"),
        Value::string(eci.as_str())
    );
    let answer = engine.event_wait(&eci, "t", "tell", Value::Null).expect("runs");
    let options = answer.directives[0]
        .as_map()
        .and_then(|d| d.get("options").cloned());
    assert_eq!(options, Some(json(&format!(r#"{{"eci": "{eci}"}}"#))));
}

const ASKER: &str = r#"
ruleset test.asker {
  meta { shares seen, total }
  global {
    seen = function() { ent:seen }
    total = function() { ent:count.defaultsTo(0) }
  }
  rule bump {
    select when tally bump
    always { ent:count := total() + 1 }
  }
  rule ask {
    select when asker go
    pre { other = event:attrs{"other"} }
    event:send({"eci": other, "domain": "tally", "type": "bump"})
    always { ent:seen := ctx:query(other, "test.asker", "total") }
  }
}
"#;

#[test]
fn a_worker_waiting_in_ctx_query_runs_the_queue_it_waits_for() {
    // One worker: it runs `ask` on pico A, which queues an event on B (handed to the
    // workers) and then queries B. The query must not wait for a free worker.
    let engine = Engine::new(
        Arc::new(InterpreterBackend),
        EngineOptions {
            workers: 1,
            manual_clock: Some(1_000_000.0),
            ..EngineOptions::default()
        },
    );
    engine
        .register("file:///asker.krl", ASKER)
        .expect("the ruleset compiles");
    let root = engine.root_pico().to_string();
    let child_link = engine.new_pico(&root).expect("a child pico");
    let other = engine.pico_of(&child_link).expect("the child's id");
    let mut ecis = Vec::new();
    for pico in [&root, &other] {
        engine
            .install(pico, "file:///asker.krl", Map::new())
            .expect("installs");
        let channel = engine
            .new_channel(pico, &Value::Null, &Value::Null, &Value::Null)
            .expect("a channel");
        ecis.push(channel.id);
    }
    let attrs = json(&format!(r#"{{"other": "{}"}}"#, ecis[1]));
    engine.event(&ecis[0], "asker", "go", attrs).expect("accepted");
    // Reading the pico blocks while its transaction is stuck, so read on another thread.
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        loop {
            let seen = engine.ent(&root, "test.asker", "seen").expect("readable");
            if !seen.is_null() {
                let _ = done.send(seen);
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    });
    let seen = result
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the engine stalled: the worker waits for itself");
    assert_eq!(seen, Value::from(1));
}

#[test]
fn a_ruleset_using_itself_as_a_module_is_a_dependency_cycle() {
    let engine = engine();
    let root = engine.root_pico().to_string();
    let first = r#"ruleset test.selfish { meta { provides f } global { f = function() { 1 } } }"#;
    engine.register("file:///selfish.krl", first).expect("compiles");
    engine
        .install(&root, "file:///selfish.krl", Map::new())
        .expect("installs");
    let selfish = r#"ruleset test.selfish {
      meta { use module test.selfish alias me provides f }
      global { f = function() { 1 } }
    }"#;
    engine.register("file:///selfish.krl", selfish).expect("compiles");
    let err = engine
        .install(&root, "file:///selfish.krl", Map::new())
        .expect_err("a cycle");
    assert_eq!(
        err.to_string(),
        "Error: Dependency Cycle Found: test.selfish -> test.selfish"
    );
}
