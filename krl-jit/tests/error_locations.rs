//! Runtime errors leave the engine with where they were raised (issue #20, item 1): the
//! cases that need more than an engine case (`testsuite/cases/run/error_locations.krl` and
//! `global_error.krl` cover rules, functions, modules, queries, logs and installs).

use std::sync::Arc;

use krl_jit::InterpreterBackend;
use krl_runtime::engine::{Engine, EngineError, EngineOptions};
use krl_runtime::value::Map;
use krl_runtime::{ErrorLocation, RuntimeError, Value};

fn engine() -> Engine {
    Engine::new(
        Arc::new(InterpreterBackend),
        EngineOptions {
            manual_clock: Some(1_000_000.0),
            ..EngineOptions::default()
        },
    )
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
