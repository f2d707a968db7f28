//! The `error` statement raises `system:error` for its own ruleset only (engine.md §3.11.1,
//! §3.14); level `error` also drops the rest of the transaction's schedule, earlier raises
//! included, while other levels keep the order of raises.

use std::sync::Arc;

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::value::Map;

const FAILING: &str = r#"
ruleset test.failing {
  rule fail {
    select when t fail
    always {
      raise t event "before";
      error error "boom"
    }
  }
  rule note {
    select when t note
    always {
      raise t event "first";
      error info "fyi";
      raise t event "second"
    }
  }
  rule caught {
    select when system error
    send_directive("caught", {"rid": event:attrs{"rid"}, "level": event:attrs{"level"}, "data": event:attrs{"data"}})
  }
  rule seen { select when t first or t second or t before  send_directive(event:type) }
}
"#;

const BYSTANDER: &str = r#"
ruleset test.bystander {
  rule caught { select when system error  send_directive("bystander caught") }
  rule late { select when t fail or t note  send_directive("bystander ran " + event:type) }
}
"#;

/// The directive names and, for `caught`, its level and data, in order.
fn run(event: &str) -> Vec<String> {
    let engine = Engine::new(Arc::new(InterpreterBackend), EngineOptions::default());
    let root = engine.root_pico().to_string();
    for (url, src) in [
        ("file:///failing.krl", FAILING),
        ("file:///bystander.krl", BYSTANDER),
    ] {
        engine.register(url, src).expect("compiles");
        engine.install(&root, url, Map::new()).expect("installs");
    }
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("channel")
        .id;
    let answer = engine.event_wait(&eci, "t", event, Value::Null).expect("runs");
    answer
        .directives
        .iter()
        .map(|directive| {
            let map = directive.as_map().expect("a map");
            let name = map
                .get("name")
                .map(|n| n.to_krl_string().into_owned())
                .unwrap_or_default();
            let options = map.get("options").and_then(Value::as_map);
            match options.and_then(|o| o.get("level")) {
                Some(level) => {
                    let get = |key: &str| {
                        options
                            .and_then(|o| o.get(key))
                            .map(|v| v.to_krl_string().into_owned())
                            .unwrap_or_default()
                    };
                    format!("{name} {} {} {}", get("rid"), level.to_krl_string(), get("data"))
                }
                None => name,
            }
        })
        .collect()
}

#[test]
fn level_error_reaches_only_its_ruleset_and_clears_the_schedule() {
    // The bystander neither catches the error nor sees `t:fail` (its turn was dropped), and
    // the earlier raise of `t:before` is gone with the schedule.
    assert_eq!(run("fail"), ["caught test.failing error boom"]);
}

#[test]
fn other_levels_keep_the_schedule_and_the_order_of_raises() {
    assert_eq!(
        run("note"),
        [
            "bystander ran note",
            "first",
            "caught test.failing info fyi",
            "second",
        ]
    );
}
