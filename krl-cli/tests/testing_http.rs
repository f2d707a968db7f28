//! `__testing` over HTTP through `krl run`: `GET /c/<eci>/query/<rid>/__testing` answers the
//! generated map, or the ruleset's own `__testing` when `global` declares one (which reads the
//! generated map under the same name), as the UI's Testing tab asks for it.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use krl_run::{KrlRun, temp_dir};
use serde_json::{Value, json};

fn testsuite_ruleset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testsuite/rulesets")
        .join(name)
}

fn get_testing(engine: &KrlRun, rid: &str) -> Value {
    let url = format!("{}/c/{}/query/{rid}/__testing", engine.url, engine.eci);
    let response = ureq::get(&url)
        .timeout(Duration::from_secs(20))
        .call()
        .unwrap_or_else(|err| panic!("GET {url}: {err}"));
    let text = response.into_string().expect("a text answer");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

#[test]
fn testing_query_answers_the_own_or_the_generated_map() {
    let home = temp_dir("testing-http");
    let own = testsuite_ruleset("testing_own.krl");
    let generated = testsuite_ruleset("testing.krl");
    let args: Vec<&OsStr> = vec![
        OsStr::new("--home"),
        home.as_os_str(),
        own.as_os_str(),
        generated.as_os_str(),
    ];
    let engine = KrlRun::start(0, &args);

    assert_eq!(
        get_testing(&engine, "test.testing.own"),
        json!({
            "queries": [{"name": "joke", "args": ["topic"]}, {"name": "riddle"}],
            "events": [{"domain": "joke", "name": "told", "attrs": ["punchline"]}],
            "generated_queries": [{"name": "joke", "args": ["topic"]}],
        })
    );
    let generated = get_testing(&engine, "test.testing.generated");
    assert_eq!(
        generated["queries"],
        json!([
            {"name": "double", "args": ["n"]},
            {"name": "greeting", "args": []},
            {"name": "sum_alias", "args": ["a", "b"]},
        ])
    );
    assert_eq!(
        generated["events"][0],
        json!({"domain": "thermo", "name": "reading", "attrs": ["temp", "place", "unit", "sensor"]})
    );

    let (status, stderr) = engine.stop();
    assert!(status.success(), "krl run stops cleanly: {status}\n{stderr}");
}
