//! Driving `io.picolabs.did-o` on a `krl run` engine over HTTP: events and queries on a
//! channel, picos made by wrangler (so they have did-o) with a test ruleset on them, the
//! invitation a ruleset makes, and the DID relationship a pico has.
//!
//! A test binary includes it next to support/krl_run.rs, as `mod krl_run;` and `mod did_o;`.

// Each test binary that includes this file uses only part of it.
#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::krl_run::{self, KrlRun};

pub const DID_O: &str = "io.picolabs.did-o";
pub const UI: &str = "io.picolabs.pico-engine-ui";

pub fn post(url: &str, body: Value) -> Value {
    let text = krl_run::post_json(url, &body);
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

/// Raises `domain:name` on the channel and answers the engine's response (directives).
pub fn event(engine: &KrlRun, eci: &str, domain: &str, name: &str, attrs: Value) -> Value {
    post(
        &format!("{}/c/{eci}/event-wait/{domain}/{name}", engine.url),
        attrs,
    )
}

pub fn query(engine: &KrlRun, eci: &str, rid: &str, name: &str, args: Value) -> Value {
    post(&format!("{}/c/{eci}/query/{rid}/{name}", engine.url), args)
}

/// Polls `check` until it gives a value (30 s at most: the machine may be busy, and DIDComm
/// answers arrive as events queued after the one that sent the message).
pub fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `krl ARGS` against the engine; its stdout, which must be a success.
pub fn krl_ok(engine: &KrlRun, args: &[&str]) -> String {
    let output = engine.krl(args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "krl {args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A pico made by wrangler (so it has did-o) with the ruleset file `app` installed after
/// did-o: its id and a channel open to every event and query.
pub fn did_pico(engine: &KrlRun, app: &Path, name: &str) -> (String, String) {
    let created = krl_ok(engine, &["pico", "new", name]);
    let words: Vec<&str> = created.split_whitespace().collect();
    let (id, ui_eci) = match words.as_slice() {
        ["created", "pico", id, _, "(UI", "channel", eci] => {
            (id.to_string(), eci.trim_end_matches(')').to_string())
        }
        _ => panic!("unexpected `pico new` output: {created}"),
    };
    eventually("wrangler's installs on the new pico", || {
        let pico = query(engine, &ui_eci, UI, "pico", json!({}));
        let rids = pico["rulesets"].to_string();
        rids.contains(DID_O).then_some(())
    });
    krl_ok(engine, &["install", &app.to_string_lossy(), "--pico", &id]);
    let open = json!({
        "tags": ["did-test"],
        "eventPolicy": {"allow": [{"domain": "*", "name": "*"}], "deny": []},
        "queryPolicy": {"allow": [{"rid": "*", "name": "*"}], "deny": []},
    });
    event(engine, &ui_eci, "engine_ui", "new_channel", open);
    let pico = query(engine, &ui_eci, UI, "pico", json!({}));
    let eci = pico["channels"]
        .as_array()
        .and_then(|channels| channels.iter().find(|c| c["tags"] == json!(["did-test"])))
        .and_then(|c| c["id"].as_str())
        .unwrap_or_else(|| panic!("the open channel: {pico}"))
        .to_string();
    (id, eci)
}

/// The pico's only DID relationship, `(their DID, my DID)`, once there is exactly one and
/// their DID is not `not_theirs`.
pub fn relationship(engine: &KrlRun, eci: &str, not_theirs: &str) -> Option<(String, String)> {
    let map = query(engine, eci, DID_O, "didMap", json!({}));
    let map = map.as_object()?;
    let (theirs, mine) = map.iter().next()?;
    (map.len() == 1 && theirs != not_theirs)
        .then(|| (theirs.clone(), mine.as_str().unwrap_or_default().to_string()))
}

/// An invitation URL made by the `invitation` function of the ruleset `rid` on the pico, and
/// its DID (the one DID the pico has so far).
pub fn invitation(engine: &KrlRun, eci: &str, rid: &str) -> (String, String) {
    let url = query(engine, eci, rid, "invitation", json!({"label": "Alice"}));
    let url = url.as_str().unwrap_or_else(|| panic!("an invitation URL: {url}"));
    assert!(url.contains("/invite?_oob="), "{url}");
    let docs = query(engine, eci, DID_O, "didDocs", json!({}));
    let dids: Vec<&String> = docs
        .as_object()
        .map(|docs| docs.keys().collect())
        .unwrap_or_default();
    let [invite_did] = dids[..] else {
        panic!("one DID document: {docs}");
    };
    (url.to_string(), invite_did.clone())
}
