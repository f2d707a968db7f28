//! `krl run` as a child process, with the `krl` client commands against it: startup
//! banner, cold start, `--watch`, data kept across a restart, SIGTERM shutdown.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use krl_run::{KrlRun, temp_dir};

const COUNTER: &str = r#"ruleset test.counter {
  meta {
    shares total
  }
  global {
    total = function() { ent:total.defaultsTo(0) }
  }
  rule bump {
    select when counter bump
    send_directive("bumped", {"by": event:attrs{"by"}})
    fired { ent:total := total() + event:attrs{"by"}.as("Number") }
  }
}
"#;

fn query_total(engine: &KrlRun) -> String {
    let output = engine.krl(&["query", &engine.eci, "test.counter/total"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write a ruleset");
}

#[test]
fn serves_clients_and_keeps_data_across_restarts() {
    let dir = temp_dir("run-restart");
    let rulesets = dir.join("rulesets");
    std::fs::create_dir_all(&rulesets).expect("a rulesets dir");
    write(&rulesets.join("counter.krl"), COUNTER);
    let home = dir.join("home");
    let args = [
        rulesets.to_str().expect("utf-8 path"),
        "--home",
        home.to_str().expect("utf-8 path"),
    ];

    let engine = KrlRun::start(0, &args);
    let first = query_total(&engine);
    // Process start to first answered query (reported, not asserted: speed targets belong
    // in benchmarks).
    eprintln!(
        "cold start to first answered query: {:?} (debug build)",
        engine.started.elapsed()
    );
    assert_eq!(first, "0");

    let output = engine.krl(&["event", &engine.eci, "counter:bump", "by=5"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && text.contains("bumped {\"by\":5}"),
        "{text}"
    );
    let output = engine.krl(&["event", &engine.eci, "counter:bump", "by=2", "--json"]);
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(answer["directives"][0]["name"], "bumped");
    assert_eq!(query_total(&engine), "7");

    let output = engine.krl(&["pico", "ls"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("(root)") && text.contains("test.counter") && text.contains("[engine, ui]"),
        "{text}"
    );
    let output = engine.krl(&["logs"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The engine's own lines, a transaction at a time.
    let text = String::from_utf8_lossy(&output.stdout);
    let bump = text
        .split("\n\n")
        .find(|txn| txn.contains("counter:bump {\"by\":2}"))
        .unwrap_or_else(|| panic!("no counter:bump transaction in\n{text}"));
    for line in [
        &format!("[DEBUG] - txnQueued EVENT {} counter:bump", engine.eci),
        "[DEBUG] - txnStart",
        "[DEBUG] test.counter event added to schedule counter:bump",
        "[DEBUG] test.counter rule selected bump",
        "[DEBUG] test.counter fired",
        "[DEBUG] - txnDone",
    ] {
        assert!(bump.contains(line), "{line:?} in\n{bump}");
    }

    let output = engine.krl(&["query", "nope", "test.counter/total"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Error: ECI not found nope"));
    let eci = engine.eci.clone();

    let (status, _) = engine.stop();
    assert!(status.success(), "{status}");

    // Same home: same channel, same entity variables.
    let engine = KrlRun::start(0, &args);
    assert_eq!(engine.eci, eci);
    assert_eq!(query_total(&engine), "7");
    drop(engine);

    let output = Command::new(env!("CARGO_BIN_EXE_krl"))
        .args(["query", &eci, "test.counter/total", "--url", "http://127.0.0.1:9"])
        .output()
        .expect("krl runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot reach the engine"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn watch_reflushes_and_survives_broken_rulesets() {
    let dir = temp_dir("run-watch");
    let file = dir.join("counter.krl");
    write(&file, COUNTER);
    let engine = KrlRun::start(0, &[dir.to_str().expect("utf-8 path"), "--memory", "--watch"]);
    assert_eq!(query_total(&engine), "0");

    // Broken: diagnostics are printed, the old version keeps answering.
    std::thread::sleep(Duration::from_millis(20));
    write(&file, "ruleset test.counter {\n  global {\n    total = \n}\n");
    engine.wait_for_line("changed");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(query_total(&engine), "0");

    // Fixed, with a new shared function.
    write(
        &file,
        &COUNTER.replace("shares total", "shares total, twice").replace(
            "total = function() { ent:total.defaultsTo(0) }",
            "total = function() { ent:total.defaultsTo(0) }\n    twice = function() { total() * 2 + 1 }",
        ),
    );
    engine.wait_for_line("is up to date");
    let output = engine.krl(&["query", &engine.eci, "test.counter/twice"]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "1",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let (status, stderr) = engine.stop();
    assert!(status.success());
    assert!(stderr.contains("keeps the previous version"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
