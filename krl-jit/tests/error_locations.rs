//! Runtime errors leave the engine with where they were raised: the rid, the rule or
//! function, the file, line and column and the source line (issue #20, item 1), in the
//! caller's error and in the pico's log.

use std::sync::Arc;

use krl_jit::InterpreterBackend;
use krl_runtime::engine::{Engine, EngineError, EngineOptions};
use krl_runtime::value::Map;
use krl_runtime::{ErrorLocation, RuntimeError, Value};

const APP_URL: &str = "file:///work/app.krl";

const APP: &str = r#"ruleset app.broken {
  meta {
    shares shout, cube
    use module lib.helpers alias helpers
  }
  global {
    shout = function(x) {
      x.uc() + math:nope(1)
    }
    cube = function(n) { helpers:triple(n) }
  }
  rule greet {
    select when app greet
    pre {
      loud = shout(event:attrs{"name"})
    }
    send_directive("hi", {"loud": loud})
  }
  rule typed {
    select when app typed
    pre {
      n = "abc" * {}
    }
  }
  rule via_module {
    select when app module
    send_directive("x", {"y": helpers:triple("three")})
  }
}
"#;

const LIB_URL: &str = "file:///work/lib.krl";

const LIB: &str = r#"ruleset lib.helpers {
  meta { provides triple }
  global {
    triple = function(n) {
      n.as("Number") * 3 + n * {}
    }
  }
}
"#;

fn engine() -> Engine {
    Engine::new(
        Arc::new(InterpreterBackend),
        EngineOptions {
            manual_clock: Some(1_000_000.0),
            ..EngineOptions::default()
        },
    )
}

/// The app and its module installed on the root pico; returns an allow-all channel.
fn installed() -> (Engine, String) {
    let engine = engine();
    engine.register(LIB_URL, LIB).expect("the module compiles");
    engine.register(APP_URL, APP).expect("the app compiles");
    let root = engine.root_pico().to_string();
    engine
        .install(&root, LIB_URL, Map::new())
        .expect("the module installs");
    engine
        .install(&root, APP_URL, Map::new())
        .expect("the app installs");
    let channel = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel");
    (engine, channel.id)
}

fn runtime_error(result: Result<impl std::fmt::Debug, EngineError>) -> RuntimeError {
    match result {
        Err(EngineError::Runtime(err)) => err,
        other => panic!("expected a runtime error, got {other:?}"),
    }
}

fn location(err: &RuntimeError) -> &ErrorLocation {
    err.location()
        .unwrap_or_else(|| panic!("`{err}` has no location"))
}

#[test]
fn a_type_error_in_pre_points_at_its_expression() {
    let (engine, eci) = installed();
    let err = runtime_error(engine.event_wait(&eci, "app", "typed", Value::Null));
    assert_eq!(err.to_string(), "TypeError: abc cannot be multiplied by [Map]");
    let at = location(&err);
    assert_eq!(at.rid, "app.broken");
    assert_eq!(at.rule.as_deref(), Some("typed"));
    assert_eq!(at.function, None);
    assert_eq!(at.file, APP_URL);
    assert_eq!((at.line, at.column, at.width), (22, 11, 10));
    assert_eq!(at.source, r#"      n = "abc" * {}"#);
}

#[test]
fn an_unknown_module_member_in_a_function_names_the_function_and_the_rule() {
    let (engine, eci) = installed();
    let mut attrs = Map::new();
    attrs.insert("name", Value::string("ada"));
    let err = runtime_error(engine.event_wait(&eci, "app", "greet", Value::map(attrs)));
    assert_eq!(err.to_string(), "TypeError: math:nope is not a function");
    let at = location(&err);
    assert_eq!(at.rule.as_deref(), Some("greet"));
    assert_eq!(at.function.as_deref(), Some("shout"));
    assert_eq!((at.line, at.column), (8, 16));
    assert_eq!(at.source.trim(), "x.uc() + math:nope(1)");
    assert_eq!(
        err.render(),
        "TypeError: math:nope is not a function\n \
         --> /work/app.krl:8:16 (rule `greet` of app.broken, function `shout`)\n  |\n\
         8 |       x.uc() + math:nope(1)\n  |                ^^^^^^^^^^^^"
    );
}

#[test]
fn an_error_in_a_module_function_points_into_the_module() {
    let (engine, eci) = installed();
    let err = runtime_error(engine.event_wait(&eci, "app", "module", Value::Null));
    let at = location(&err);
    assert_eq!(at.rid, "lib.helpers", "the code that failed is the module's");
    assert_eq!(at.file, LIB_URL);
    assert_eq!(at.function.as_deref(), Some("triple"));
    assert_eq!(at.rule.as_deref(), Some("via_module"), "the rule that called it");
    assert_eq!(at.line, 5);
}

#[test]
fn a_failed_query_is_located_and_logged() {
    let (engine, eci) = installed();
    let err = runtime_error(engine.query(&eci, "app.broken", "shout", Value::Null));
    let at = location(&err);
    assert_eq!(
        (at.rule.as_deref(), at.function.as_deref()),
        (None, Some("shout"))
    );
    assert_eq!(at.line, 8);
    let logs = engine.logs(engine.root_pico());
    let entry = logs
        .iter()
        .find(|entry| entry.message.starts_with("query failed"))
        .expect("the failure is in the pico's log");
    assert_eq!(entry.level, "error");
    assert_eq!(entry.rid.as_deref(), Some("app.broken"));
    assert!(entry.message.contains("/work/app.krl:8:16"), "{}", entry.message);
    let logged = entry
        .data
        .as_ref()
        .and_then(|data| data.as_map())
        .and_then(|data| data.get("location"))
        .and_then(|location| location.as_map())
        .expect("the location as data");
    assert_eq!(logged.get("line").and_then(Value::as_number), Some(8.0));
    assert_eq!(
        logged.get("source").and_then(Value::as_str).map(str::trim),
        Some("x.uc() + math:nope(1)")
    );
}

#[test]
fn a_failed_event_is_logged_with_its_location() {
    let (engine, eci) = installed();
    runtime_error(engine.event_wait(&eci, "app", "typed", Value::Null));
    let logs = engine.logs(engine.root_pico());
    let entry = logs
        .iter()
        .find(|entry| entry.message.starts_with("event failed"))
        .expect("the failure is in the pico's log");
    assert_eq!(
        entry.message,
        "event failed: TypeError: abc cannot be multiplied by [Map] \
         (/work/app.krl:22:11, rule `typed` of app.broken)"
    );
}

#[test]
fn an_error_in_global_fails_the_install_with_its_location() {
    let engine = engine();
    let url = "file:///work/init.krl";
    engine
        .register(
            url,
            "ruleset app.init {\n  global {\n    x = 1\n    y = \"x\" * {}\n  }\n}\n",
        )
        .expect("compiles");
    let err = runtime_error(engine.install(engine.root_pico(), url, Map::new()));
    let at = location(&err);
    assert_eq!((at.rid.as_str(), at.rule.as_deref()), ("app.init", None));
    assert_eq!((at.line, at.column), (4, 9));
}

#[test]
fn compile_errors_name_the_file_and_say_error_once() {
    let engine = engine();
    let broken = "ruleset app.typo {\n  global {\n    name = 1\n    x = nmae\n  }\n}\n";
    let err = engine
        .register("file:///work/typo.krl", broken)
        .expect_err("an undefined name does not compile");
    let message = err.to_string();
    assert!(message.starts_with("Error: "), "{message}");
    assert!(!message.starts_with("Error: Error:"), "{message}");
    assert!(message.ends_with("[at /work/typo.krl:4:9]"), "{message}");

    // Installed from KRL (as the UI and wrangler do), the class is not repeated either.
    let dir = std::env::temp_dir().join(format!("krl-error-locations-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let file = dir.join("typo.krl");
    std::fs::write(&file, broken).expect("write");
    let installer = format!(
        "ruleset app.installer {{\n  rule go {{\n    select when app install\n    \
         ctx:install(url = \"file://{}\")\n  }}\n}}\n",
        file.display()
    );
    engine
        .register("file:///work/installer.krl", &installer)
        .expect("compiles");
    let root = engine.root_pico().to_string();
    engine
        .install(&root, "file:///work/installer.krl", Map::new())
        .expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    let err = runtime_error(engine.event_wait(&eci, "app", "install", Value::Null));
    let text = err.to_string();
    assert!(
        text.starts_with("Error: ") && !text.starts_with("Error: Error:"),
        "{text}"
    );
    assert!(text.contains("typo.krl:4:9]"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_http_request_points_at_the_call() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let engine = engine();
    let url = "file:///work/fetch.krl";
    let src = format!(
        "ruleset app.fetch {{\n  rule fetch {{\n    select when app fetch\n    pre {{\n      \
         answer = http:get(\"http://127.0.0.1:{port}/\")\n    }}\n  }}\n}}\n"
    );
    engine.register(url, &src).expect("compiles");
    let root = engine.root_pico().to_string();
    engine.install(&root, url, Map::new()).expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    let err = runtime_error(engine.event_wait(&eci, "app", "fetch", Value::Null));
    assert!(err.to_string().contains("failed"), "{err}");
    let at = location(&err);
    assert_eq!((at.rule.as_deref(), at.line, at.column), (Some("fetch"), 5, 16));
    assert!(
        at.source.trim().starts_with("answer = http:get("),
        "{}",
        at.source
    );
}
