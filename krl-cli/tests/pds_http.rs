//! The pico data store (`io.picolabs.pds`) through `krl run` over HTTP: an application that
//! uses it as a module (testsuite/rulesets/address_book.krl) installs on the root pico and
//! keeps its data there across a restart, and a child made by wrangler gets the store with a
//! `pds` channel of its own that takes `pds` events and queries only.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

use krl_run::{KrlRun, temp_dir};
use serde_json::{Value, json};

const UI: &str = "io.picolabs.pico-engine-ui";
const PDS: &str = "io.picolabs.pds";
const APP: &str = "test.address_book";

fn start(home: &Path) -> KrlRun {
    let app = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testsuite/rulesets/address_book.krl"
    );
    let args: Vec<&OsStr> = vec![OsStr::new("--home"), home.as_os_str(), OsStr::new(app)];
    KrlRun::start(0, &args)
}

/// `POST <url>` with a JSON body; the answer's JSON, whatever the status.
fn post(url: &str, body: Value) -> Value {
    let text = krl_run::post_json(url, &body);
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

fn event(engine: &KrlRun, eci: &str, domain: &str, name: &str, attrs: Value) -> Value {
    post(
        &format!("{}/c/{eci}/event-wait/{domain}/{name}", engine.url),
        attrs,
    )
}

fn query(engine: &KrlRun, eci: &str, rid: &str, name: &str, args: Value) -> Value {
    post(&format!("{}/c/{eci}/query/{rid}/{name}", engine.url), args)
}

fn rids(engine: &KrlRun, ui_eci: &str) -> Vec<String> {
    let pico = query(engine, ui_eci, UI, "pico", json!({}));
    pico["rulesets"]
        .as_array()
        .expect("the pico's rulesets")
        .iter()
        .map(|r| r["rid"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Polls `check` until it gives a value (20 s at most: the machine may be busy).
fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_application_keeps_its_data_in_the_pds_across_a_restart() {
    let home = temp_dir("pds-app");
    let engine = start(&home);
    let eci = engine.eci.clone();
    assert_eq!(
        rids(&engine, &engine.ui_eci),
        [
            UI,
            "io.picolabs.wrangler",
            "io.picolabs.subscription",
            "io.picolabs.did-o",
            PDS,
            APP
        ],
        "the root has the store before the application"
    );
    let answer = event(
        &engine,
        &eci,
        "address_book",
        "add",
        json!({"name": "Ada", "phone": "555-0100"}),
    );
    assert_eq!(answer["directives"][0]["name"], json!("adding"), "{answer}");
    event(&engine, &eci, "address_book", "sign", json!({"owner": "Grace"}));
    assert_eq!(
        query(&engine, &eci, APP, "contact", json!({"name": "Ada"})),
        json!({"phone": "555-0100"})
    );
    assert_eq!(query(&engine, &eci, APP, "saved", json!({})), json!(1));
    engine.stop();

    let engine = start(&home);
    let eci = engine.eci.clone();
    assert_eq!(query(&engine, &eci, APP, "contacts", json!({})), json!(["Ada"]));
    assert_eq!(query(&engine, &eci, APP, "owner", json!({})), json!("Grace"));
    let stored = query(&engine, &eci, PDS, "items", json!({"namespace": "address_book"}));
    assert_eq!(
        stored,
        json!({"status": "success", "general": {"Ada": {"phone": "555-0100"}}})
    );
    assert_eq!(
        rids(&engine, &engine.ui_eci)
            .iter()
            .filter(|rid| *rid == PDS)
            .count(),
        1
    );
    engine.stop();
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn a_child_made_by_wrangler_has_the_store_behind_its_own_channel() {
    let home = temp_dir("pds-child");
    let engine = start(&home);
    event(
        &engine,
        &engine.ui_eci,
        "engine_ui",
        "new",
        json!({"name": "kitchen"}),
    );
    let boxed = query(&engine, &engine.ui_eci, UI, "box", json!({}));
    let child_ui = boxed["children"][0]
        .as_str()
        .expect("the child's UI channel")
        .to_string();
    eventually("the child's store", || {
        let installed = rids(&engine, &child_ui);
        installed.iter().any(|rid| rid == PDS).then_some(())
    });
    let pds_eci = eventually("the child's pds channel", || {
        let pico = query(&engine, &child_ui, UI, "pico", json!({}));
        let channels = pico["channels"].as_array().cloned().unwrap_or_default();
        channels
            .iter()
            .find(|c| c["tags"] == json!(["pds"]))
            .and_then(|c| c["id"].as_str().map(str::to_string))
    });
    let eci_answer = query(&engine, &pds_eci, PDS, "getChannelEci", json!({}));
    assert_eq!(eci_answer, json!(pds_eci));
    let profile = query(&engine, &pds_eci, PDS, "profile", json!({"key": "name"}));
    assert_eq!(profile, json!({"status": "success", "profile": "kitchen"}));

    let attrs = json!({"namespace": "readings", "key": "last", "value": 21.5});
    event(&engine, &pds_eci, "pds", "new_data_available", attrs);
    let stored = query(
        &engine,
        &pds_eci,
        PDS,
        "items",
        json!({"namespace": "readings", "key": "last"}),
    );
    assert_eq!(stored, json!({"status": "success", "general": 21.5}));

    let refused = event(
        &engine,
        &pds_eci,
        "wrangler",
        "new_child_request",
        json!({"name": "x"}),
    );
    assert_eq!(refused["error"], json!("Error: Not allowed by channel policy"));
    let refused = query(&engine, &pds_eci, "io.picolabs.wrangler", "children", json!({}));
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.contains("Not allowed")),
        "{refused}"
    );
    engine.stop();
    let _ = std::fs::remove_dir_all(&home);
}
