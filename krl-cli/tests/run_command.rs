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
    let reloaded = engine.wait_for_line("reloaded");
    assert_eq!(
        reloaded,
        "krl run: test.counter reloaded: meta changed, global changed"
    );
    let output = engine.krl(&["query", &engine.eci, "test.counter/twice"]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "1",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let (status, stderr) = engine.stop();
    assert!(status.success());
    assert!(
        stderr.contains("not reloaded; the root pico keeps running the version flushed before"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_ruleset_broken_at_first_start_is_not_installed_until_it_compiles() {
    let dir = temp_dir("run-broken-start");
    let file = dir.join("counter.krl");
    write(
        &file,
        &COUNTER.replace("ent:total.defaultsTo(0)", "ent:total.defaultsTo(0) +"),
    );
    let engine = KrlRun::start(0, &[dir.to_str().expect("utf-8 path"), "--memory", "--watch"]);
    // Not the default port: the banner says what to export for the client commands.
    let export = engine.wait_for_line("KRL_URL=");
    assert!(
        export.contains(&format!("export KRL_URL={}", engine.url)),
        "{export}"
    );

    std::thread::sleep(Duration::from_millis(20));
    write(&file, COUNTER);
    let installed = engine.wait_for_line("test.counter");
    assert_eq!(installed, "krl run: test.counter installed on the root pico");
    assert_eq!(query_total(&engine), "0");

    let (status, stderr) = engine.stop();
    assert!(status.success());
    assert!(stderr.contains("counter.krl` was not installed"), "{stderr}");
    assert!(!stderr.contains("previous version"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The counter a newcomer writes first names its function `count` (pico-engine accepts it
/// everywhere but as a value); a placeholder file of only comments sits next to it.
#[test]
fn a_count_counter_and_a_placeholder_file_run_end_to_end() {
    let dir = temp_dir("run-count");
    write(
        &dir.join("counter.krl"),
        "ruleset test.count {\n  meta {\n    shares count\n  }\n  global {\n    count = function() { ent:count.defaultsTo(0) }\n  }\n  rule inc {\n    select when counter inc\n    fired { ent:count := ent:count.defaultsTo(0) + 1 }\n  }\n}\n",
    );
    write(&dir.join("placeholder.krl"), "// the sensor ruleset goes here\n");
    let engine = KrlRun::start(0, &[dir.to_str().expect("utf-8 path"), "--memory"]);
    let query = |engine: &KrlRun| {
        let output = engine.krl(&["query", &engine.eci, "test.count/count"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    };
    assert_eq!(query(&engine), "0");
    for _ in 0..2 {
        let output = engine.krl(&["event", &engine.eci, "counter:inc"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(query(&engine), "2");
    let output = engine.krl(&["pico", "ls"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("test.count") && !text.contains("placeholder"),
        "{text}"
    );
    let (status, stderr) = engine.stop();
    assert!(status.success(), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
