//! The engine's trace hook (`runtime/src/engine/trace.rs`): which rules an event selected,
//! which postlude branch each ran, and which events were raised, in order.

use std::sync::{Arc, Mutex};

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::trace::{PostludeBranch, TraceEvent, TraceSink};
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::value::Map;

#[derive(Default)]
struct Recorder(Mutex<Vec<TraceEvent>>);

impl TraceSink for Recorder {
    fn record(&self, event: TraceEvent) {
        self.0.lock().expect("not poisoned").push(event);
    }
}

const SRC: &str = r#"
ruleset test.trace {
  rule check {
    select when t go
    if event:attrs{"ok"} then noop()
    fired { raise t event "done" attributes {"n": 1} }
    else { log info "not ok" }
  }
  rule done {
    select when t done
    noop()
  }
  rule never {
    select when t never
    noop()
  }
}
"#;

/// A compact view of the facts: `selected check`, `fired check`, `raised t:done`, ...
fn describe(events: &[TraceEvent]) -> Vec<String> {
    events
        .iter()
        .map(|event| match event {
            TraceEvent::RuleSelected {
                rule, domain, name, ..
            } => format!("selected {rule} by {domain}:{name}"),
            TraceEvent::Postlude { rule, branch, .. } => match branch {
                PostludeBranch::Fired => format!("fired {rule}"),
                PostludeBranch::NotFired => format!("notfired {rule}"),
            },
            TraceEvent::Raised {
                rule,
                domain,
                name,
                attrs,
                ..
            } => format!(
                "raised {domain}:{name} by {} with {}",
                rule.as_deref().unwrap_or("-"),
                attrs.encode(0).unwrap_or_default()
            ),
        })
        .collect()
}

#[test]
fn the_trace_reports_selection_branches_and_raises_in_order() {
    let recorder = Arc::new(Recorder::default());
    let engine = Engine::new(
        Arc::new(InterpreterBackend),
        EngineOptions {
            workers: 1,
            manual_clock: Some(0.0),
            trace: Some(Arc::clone(&recorder) as Arc<dyn TraceSink>),
            ..EngineOptions::default()
        },
    );
    let root = engine.root_pico().to_string();
    engine.register("file:///trace.krl", SRC).expect("compiles");
    engine
        .install(&root, "file:///trace.krl", Map::new())
        .expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    let mut attrs = Map::new();
    attrs.insert("ok", Value::Boolean(true));
    engine
        .event_wait(&eci, "t", "go", Value::map(attrs))
        .expect("runs");
    engine.event_wait(&eci, "t", "go", Value::Null).expect("runs");
    let events = recorder.0.lock().expect("not poisoned").clone();
    assert_eq!(
        describe(&events),
        [
            "selected check by t:go",
            "fired check",
            "raised t:done by check with {\"n\":1}",
            "selected done by t:done",
            "fired done",
            "selected check by t:go",
            "notfired check",
        ]
    );
}
