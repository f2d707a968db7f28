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

const BROKEN: &str = r#"ruleset test.broken {
  meta {
    shares shout
  }
  global {
    shout = function(x) {
      x.uc() + math:nope(1)
    }
  }
  rule greet {
    select when app greet
    pre {
      loud = shout(event:attrs{"name"})
    }
    send_directive("hi", {"loud": loud})
  }
}
"#;

#[test]
fn runtime_errors_say_where_in_answers_and_logs() {
    let dir = temp_dir("run-error-location");
    let file = dir.join("broken.krl");
    write(&file, BROKEN);
    let init = dir.join("init.krl");
    write(
        &init,
        "ruleset test.init {\n  global {\n    n = \"abc\" * {}\n  }\n}\n",
    );
    let engine = KrlRun::start(
        0,
        &[
            file.to_str().expect("utf-8 path"),
            init.to_str().expect("utf-8 path"),
            "--memory",
        ],
    );
    let path = std::fs::canonicalize(&file).expect("the file exists");
    let where_ = format!("{}:7:16", path.display());

    // The HTTP answer: the reference's `error` text, plus the location.
    let body = ureq::get(&format!(
        "{}/c/{}/event-wait/app/greet?name=ada",
        engine.url, engine.eci
    ))
    .call()
    .expect("an answer")
    .into_string()
    .expect("a body");
    let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        answer["error"], "TypeError: math:nope is not a function",
        "{answer}"
    );
    let location = &answer["location"];
    assert_eq!(location["file"], format!("file://{}", path.display()), "{answer}");
    assert_eq!(
        (location["line"].as_u64(), location["column"].as_u64()),
        (Some(7), Some(16))
    );
    assert_eq!(location["rid"], "test.broken");
    assert_eq!(location["rule"], "greet");
    assert_eq!(location["function"], "shout");

    // `krl event`: the message, where, and the source line with a caret.
    let output = engine.krl(&["event", &engine.eci, "app:greet", "name=ada"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("TypeError: math:nope is not a function"),
        "{stderr}"
    );
    assert!(stderr.contains(&where_), "{stderr}");
    assert!(stderr.contains("7 |       x.uc() + math:nope(1)"), "{stderr}");
    assert!(stderr.contains("^^^^^^^^^^^^"), "{stderr}");

    // `krl query` too, and `krl logs` shows both failures with their place.
    let output = engine.krl(&["query", &engine.eci, "test.broken/shout", "x=1"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains(&where_));
    let output = engine.krl(&["logs"]);
    let logs = String::from_utf8_lossy(&output.stdout);
    let failures: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("failed: TypeError"))
        .collect();
    assert_eq!(failures.len(), 3, "{logs}");
    assert!(failures.iter().all(|line| line.contains(&where_)), "{logs}");
    assert!(logs.contains("7 |       x.uc() + math:nope(1)"), "{logs}");

    // A ruleset whose `global` fails does not install, and `krl run` says where.
    let (_, stderr) = engine.stop();
    let init_path = std::fs::canonicalize(&init).expect("the file exists");
    assert!(
        stderr.contains(&format!("{}:3:9", init_path.display())),
        "{stderr}"
    );
    assert!(stderr.contains(r#"3 |     n = "abc" * {}"#), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_reads_the_state_krl_run_keeps_in_its_home() {
    let dir = temp_dir("run-eval-home");
    let file = dir.join("counter.krl");
    write(&file, COUNTER);
    let home = dir.join("home");
    let home_arg = home.to_str().expect("utf-8 path");
    let file_arg = file.to_str().expect("utf-8 path");
    let eval = |expr: &str| {
        Command::new(env!("CARGO_BIN_EXE_krl"))
            .args(["eval", "--home", home_arg, "-f", file_arg, expr])
            .output()
            .expect("krl runs")
    };

    let engine = KrlRun::start(0, &[file_arg, "--home", home_arg]);
    let output = engine.krl(&["event", &engine.eci, "counter:bump", "by=5"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // While the engine runs, its home is its own.
    let busy = eval("ent:total");
    assert_eq!(busy.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&busy.stderr).contains("is in use by a running engine"),
        "{}",
        String::from_utf8_lossy(&busy.stderr)
    );
    let (status, _) = engine.stop();
    assert!(status.success());

    // Stopped, its state is there to read (and to change, for the next start).
    let read = eval("total() + ent:total");
    assert_eq!(
        String::from_utf8_lossy(&read.stdout).trim(),
        "10",
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let write_back = eval("ent:total := 7");
    assert!(write_back.status.success());
    let engine = KrlRun::start(0, &[file_arg, "--home", home_arg]);
    assert_eq!(query_total(&engine), "7");
    drop(engine);
    let _ = std::fs::remove_dir_all(&dir);
}
