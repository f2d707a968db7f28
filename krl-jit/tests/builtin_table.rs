//! The built-in modules answer every member of the builtin table (`krl_builtins::MODULES`):
//! each function and action is reached by `domain:name(...)` and each property by
//! `domain:name`, in a running engine. (The closed modules also refuse any name the table
//! lacks before dispatching, so an implementation without an entry is unreachable; the stdlib
//! side is checked exactly by a unit test in `runtime/src/stdlib/mod.rs`.)

use std::sync::Arc;

use krl_builtins::{Kind, MODULES};
use krl_jit::InterpreterBackend;
use krl_runtime::engine::{Engine, EngineOptions, Event};
use krl_runtime::{Host, RuntimeError, Value};

/// The errors a member that the runtime does not know gets.
fn is_missing(err: &RuntimeError, domain: &str, name: &str) -> bool {
    let text = err.to_string();
    text.contains(&format!("{domain}:{name} is not a function"))
        || text.contains(&format!("(reading '{name}')"))
}

#[test]
fn every_table_member_is_implemented() {
    let engine = Engine::new(Arc::new(InterpreterBackend), EngineOptions::default());
    let root = engine.root_pico().to_string();
    let event = Event::clean("eci1", "test", "ping", Value::Null, 0.0).expect("a valid event");
    let mut missing = Vec::new();
    let mut reached = 0;
    let _ = engine.evaluate(&root, "test.builtins", Some(Arc::new(event)), |cx| {
        for module in MODULES {
            for member in module.members {
                // Network members would wait for a connection: a null url fails first, which
                // still proves the member is dispatched.
                let result = match member.kind {
                    Kind::Property => cx.module_get(module.name, member.name),
                    _ => cx.module_call(module.name, member.name, Vec::new(), Vec::new()),
                };
                reached += 1;
                if let Err(err) = &result
                    && is_missing(err, module.name, member.name)
                {
                    missing.push(format!("{}:{} ({err})", module.name, member.name));
                }
            }
        }
        // Nothing of this transaction is kept.
        Err::<(), _>(RuntimeError::error("roll back"))
    });
    assert!(
        missing.is_empty(),
        "table members the runtime does not answer: {missing:?}"
    );
    assert!(reached > 60, "reached only {reached} members");
    // The check itself notices a member that is not there.
    let err = engine
        .evaluate(&root, "test.builtins", None, |cx| {
            cx.module_call("math", "nope", Vec::new(), Vec::new())
        })
        .expect_err("math:nope fails");
    assert!(err.to_string().contains("math:nope is not a function"), "{err}");
}
