//! `krl run` under a memory limit (`prlimit --as`): a runaway recursion and a string
//! doubled in a loop fail as KRL errors and the engine serves on; an accepted event whose
//! run the process never survives is replayed at each restart until it has had its runs,
//! then moved to the dead letters (`krl logs --dead-letters`), and its pico answers again.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use krl_run::{KrlRun, limited_krl, temp_dir};
use krl_runtime::engine::MAX_EVENT_RUNS;

/// The address space `krl run` gets: an idle debug build reserves about 1.4 GiB (thread
/// stacks, allocator arenas); the rest is what a rule can take before allocations fail.
const ADDRESS_SPACE: u64 = 2560 * 1024 * 1024;

const RULESET: &str = r#"ruleset test.runaway {
  meta {
    shares ok
  }
  global {
    ok = function() { "ok" }
    exp = function(n) { n <= 0 => 1 | exp(n - 1) + exp(n - 1) }
  }
  rule runaway {
    select when test runaway
    send_directive("result", {"value": exp(100)})
  }
  rule doubling {
    select when test doubling
    always {
      ent:text := 0.range(100).reduce(function(text, i) { text + text }, "ab")
    }
  }
}
"#;

fn rulesets(dir: &Path) -> PathBuf {
    let rulesets = dir.join("rulesets");
    std::fs::create_dir_all(&rulesets).expect("a rulesets dir");
    std::fs::write(rulesets.join("runaway.krl"), RULESET).expect("writes");
    rulesets
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_answers(engine: &KrlRun) {
    let output = engine.krl(&["query", &engine.eci, "test.runaway/ok"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout).trim(), "ok");
}

#[test]
fn runaway_rules_fail_cleanly_under_a_memory_limit() {
    let dir = temp_dir("budget-limits");
    let rulesets = rulesets(&dir);
    let args = [
        rulesets.to_str().expect("utf-8 path"),
        "--memory",
        "--step-budget",
        "2000000",
    ];
    let engine = KrlRun::start_limited(ADDRESS_SPACE, 0, &args);

    let output = engine.krl(&["event", &engine.eci, "test:doubling"]);
    let stderr = text(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains("string longer than 33554432 bytes"),
        "{stderr}"
    );
    let output = engine.krl(&["event", &engine.eci, "test:runaway"]);
    let stderr = text(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains("step budget of 2000000 exceeded"),
        "{stderr}"
    );
    assert_answers(&engine);
    let output = engine.krl(&["logs"]);
    let logs = text(&output.stdout);
    assert!(
        logs.lines()
            .any(|line| line.contains("event failed") && line.contains("string longer than 33554432 bytes")),
        "the failure is in the pico's log: {logs}"
    );
    let (status, stderr) = engine.stop();
    assert!(status.success(), "{stderr}");
}

/// Runs `krl run ARGS` under the memory limit until it exits on its own (at most 120 s).
fn run_until_exit(args: &[&str]) -> ExitStatus {
    let mut child = limited_krl(ADDRESS_SPACE)
        .arg("run")
        .args(["--port", "0"])
        .args(args)
        .env_remove("PORT")
        .env_remove("PICO_ENGINE_HOME")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("krl starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("krl run did not stop on its own within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_event_that_kills_the_engine_is_dead_lettered_after_its_runs() {
    let dir = temp_dir("budget-dead-letters");
    let rulesets = rulesets(&dir);
    let home = dir.join("home");
    // Caps far above the memory limit: the doubling string kills the process.
    let args = [
        rulesets.to_str().expect("utf-8 path"),
        "--home",
        home.to_str().expect("utf-8 path"),
        "--max-string",
        "100000000000",
        "--memory-budget",
        "1000000000000",
    ];
    let engine = KrlRun::start_limited(ADDRESS_SPACE, 0, &args);
    let output = engine.krl(&["event", "--no-wait", &engine.eci, "test:doubling"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let eid = text(&output.stdout).trim().to_string();
    let eci = engine.eci.clone();
    drop(engine);

    // Each restart replays the event, which kills the process again.
    for replay in 1..MAX_EVENT_RUNS {
        let status = run_until_exit(&args);
        assert!(!status.success(), "replay {replay} ended the process: {status}");
    }

    let engine = KrlRun::start_limited(ADDRESS_SPACE, 0, &args);
    assert_eq!(engine.eci, eci);
    assert_answers(&engine);
    let output = engine.krl(&["logs", "--dead-letters"]);
    let listed = text(&output.stdout);
    assert!(
        listed.contains(&eid) && listed.contains(&format!("did not finish in {MAX_EVENT_RUNS} runs")),
        "{listed}"
    );
    let (status, stderr) = engine.stop();
    assert!(status.success(), "{stderr}");
}
