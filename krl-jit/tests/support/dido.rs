//! What the `dido` engine tests (`dido.rs`, `dido_manage.rs`, `dido_routes.rs`) share: JSON
//! in and out of an engine, a `test:<name>` event's answer, and a pico's error log lines.

#![allow(dead_code)] // each test file uses its own part

use krl_runtime::Value;
use krl_runtime::engine::Engine;
use serde_json::Value as Json;

pub fn value(json: Json) -> Value {
    Value::from(&json)
}

/// The first directive's options of a `test:<name>` event, as JSON.
pub fn event(engine: &Engine, eci: &str, name: &str, attrs: Json) -> Json {
    let response = engine
        .event_wait(eci, "test", name, value(attrs))
        .expect("the event runs");
    response
        .directives
        .first()
        .map(|directive| directive.to_json()["options"].clone())
        .unwrap_or(Json::Null)
}

/// The pico's `error` log lines: message and data.
pub fn error_lines(engine: &Engine, pico: &str) -> Vec<(String, Json)> {
    engine
        .logs(pico)
        .iter()
        .filter(|line| line.level == "error")
        .map(|line| {
            let data = line.data.as_ref().map(Value::to_json).unwrap_or(Json::Null);
            (line.message.clone(), data)
        })
        .collect()
}
