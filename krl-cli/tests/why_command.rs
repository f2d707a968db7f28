//! `krl why ECI EVENT-ID` and `/api/why` against a real `krl run`: an event that fires one
//! rule and not others, then each rule's verdict, reason and place on the command line and
//! as JSON; the route's guard (admin token) and its answers for an unknown transaction and
//! for an engine started with `--no-why`.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::process::Output;

use krl_run::{KrlRun, temp_dir};
use serde_json::Value as Json;

const RULESET: &str = r#"ruleset why.demo {
  rule greet {
    select when demo hello
    send_directive("hello")
  }
  rule guarded {
    select when demo hello
    if event:attrs{"loud"} then send_directive("HELLO")
  }
  rule pair {
    select when demo hello before demo bye
    send_directive("pair")
  }
}
"#;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(engine: &KrlRun, args: &[&str]) -> String {
    let output: Output = engine.krl(args);
    assert!(
        output.status.success(),
        "krl {args:?} failed: {}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// Starts an engine with the demo ruleset installed; `extra` are more `krl run` flags.
fn engine_with_demo(name: &str, extra: &[&str]) -> KrlRun {
    let home = temp_dir(name);
    let file = home.join("demo.krl");
    std::fs::write(&file, RULESET).expect("write the ruleset");
    let mut args = vec!["--home", home.to_str().expect("a UTF-8 path")];
    args.extend_from_slice(extra);
    let engine = KrlRun::start(0, &args);
    ok(&engine, &["install", file.to_str().expect("a UTF-8 path")]);
    engine
}

/// Sends `demo:hello` and answers its event id (`eid ID: ...`).
fn hello(engine: &KrlRun) -> String {
    let sent = ok(engine, &["event", &engine.eci, "demo:hello"]);
    sent.strip_prefix("eid ")
        .and_then(|rest| rest.split(':').next())
        .unwrap_or_else(|| panic!("no event id in {sent}"))
        .to_string()
}

#[test]
fn why_tells_each_rules_verdict_reason_and_place() {
    let engine = engine_with_demo("why-command", &[]);
    let eid = hello(&engine);
    let why = ok(&engine, &["why", &engine.eci, &eid]);
    assert!(why.contains("event demo:hello"), "{why}");
    assert!(why.contains("fired: rule `greet` of why.demo: selected"), "{why}");
    assert!(
        why.contains("not fired: rule `guarded` of why.demo: selected, but its action guard was false"),
        "{why}"
    );
    assert!(
        why.contains(
            "not selected: rule `pair` of why.demo: its pattern is not complete: waiting for `demo:bye`"
        ),
        "{why}"
    );
    assert!(why.contains("demo.krl:10:8"), "{why}");
    // The system rulesets' rules, which never select `demo:hello`, in one line.
    assert!(
        why.contains("not selected, no event pattern matches `demo:hello`"),
        "{why}"
    );
    assert!(why.contains("io.picolabs.wrangler: "), "{why}");
    assert!(why.contains("10 |   rule pair {"), "{why}");
    assert!(
        why.contains("state: at start -> waiting for `demo:bye` (1 of 2 events seen)"),
        "{why}"
    );

    let json: Json = serde_json::from_str(&ok(&engine, &["why", &engine.eci, &eid, "--json"]))
        .expect("`--json` prints JSON");
    assert_eq!(json["txnId"], Json::String(eid.clone()));
    let rules: Vec<&Json> = json["events"][0]["rules"]
        .as_array()
        .expect("a list of rules")
        .iter()
        .filter(|rule| rule["rid"] == "why.demo")
        .collect();
    let verdicts: Vec<&str> = rules
        .iter()
        .map(|r| r["verdict"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(verdicts, ["fired", "not_fired", "not_selected"]);
    assert_eq!(rules[2]["site"]["line"], Json::from(10));
    assert_eq!(rules[1]["postlude"], Json::from("notfired"));

    // The route is an `/api` route: no token, no traces.
    let url = format!("{}/api/why?eci={}&txn={eid}", engine.url, engine.eci);
    match ureq::get(&url).call() {
        Err(ureq::Error::Status(code, _)) => assert_eq!(code, 401),
        other => panic!(
            "expected 401 without the token, got {:?}",
            other.map(|r| r.status())
        ),
    }

    let unknown = engine.krl(&["why", &engine.eci, "no-such-event"]);
    assert!(!unknown.status.success());
    let error = text(&unknown.stderr);
    assert!(
        error.contains("no rule trace of transaction `no-such-event`"),
        "{error}"
    );
}

#[test]
fn an_engine_started_with_no_why_keeps_no_traces() {
    let engine = engine_with_demo("why-off", &["--no-why"]);
    let eid = hello(&engine);
    let output = engine.krl(&["why", &engine.eci, &eid]);
    assert!(!output.status.success(), "{}", text(&output.stdout));
    assert!(
        text(&output.stderr).contains("no rule trace"),
        "{}",
        text(&output.stderr)
    );
}
