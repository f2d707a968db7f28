//! `krl run` as a child process, with the `krl` client commands against it: startup
//! banner, cold start, `--watch`, data kept across a restart, SIGTERM shutdown.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::{Duration, Instant};

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

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krl-run-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

/// A running `krl run`, stopped with SIGTERM when dropped.
struct Engine {
    child: Child,
    url: String,
    eci: String,
    started: Instant,
    /// The rest of stdout, for lines printed later (`--watch`).
    stdout: BufReader<ChildStdout>,
}

impl Engine {
    fn start(args: &[&str]) -> Engine {
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_krl"))
            .arg("run")
            .args(["--port", "0"])
            .args(args)
            .env_remove("PORT")
            .env_remove("PICO_ENGINE_HOME")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("krl starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let (mut url, mut eci) = (None, None);
        let mut line = String::new();
        while url.is_none() || eci.is_none() {
            line.clear();
            if stdout.read_line(&mut line).expect("read stdout") == 0 {
                let output = child.wait_with_output().expect("krl exits");
                panic!(
                    "krl run stopped early: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            if let Some(rest) = line.strip_prefix("krl run: listening on ") {
                url = Some(rest.trim().to_string());
            } else if let Some(rest) = line.trim_start().strip_prefix("channel ") {
                eci = rest.split_whitespace().next().map(str::to_string);
            }
        }
        Engine {
            child,
            url: url.expect("a URL"),
            eci: eci.expect("an ECI"),
            started,
            stdout,
        }
    }

    fn krl(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_krl"))
            .args(args)
            .env("KRL_URL", &self.url)
            .output()
            .expect("krl runs")
    }

    fn query_total(&self) -> String {
        let output = self.krl(&["query", &self.eci, "test.counter/total"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// Sends SIGTERM and waits; returns the exit status and everything printed on stderr.
    fn stop(mut self) -> (std::process::ExitStatus, String) {
        terminate(&self.child);
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut self.stdout, &mut rest);
        let output = self.child.wait_with_output_ref();
        assert!(rest.contains("krl run: stopped"), "graceful stop: {rest}");
        output
    }
}

trait WaitRef {
    fn wait_with_output_ref(&mut self) -> (std::process::ExitStatus, String);
}

impl WaitRef for Child {
    fn wait_with_output_ref(&mut self) -> (std::process::ExitStatus, String) {
        let mut stderr = String::new();
        if let Some(mut pipe) = self.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
        }
        (self.wait().expect("krl exits"), stderr)
    }
}

fn terminate(child: &Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            terminate(&self.child);
            let _ = self.child.wait();
        }
    }
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write a ruleset");
}

#[test]
fn serves_clients_and_keeps_data_across_restarts() {
    let dir = temp_dir("restart");
    let rulesets = dir.join("rulesets");
    std::fs::create_dir_all(&rulesets).expect("a rulesets dir");
    write(&rulesets.join("counter.krl"), COUNTER);
    let home = dir.join("home");
    let args = [
        rulesets.to_str().expect("utf-8 path"),
        "--home",
        home.to_str().expect("utf-8 path"),
    ];

    let engine = Engine::start(&args);
    let first = engine.query_total();
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
    assert_eq!(engine.query_total(), "7");

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
    let engine = Engine::start(&args);
    assert_eq!(engine.eci, eci);
    assert_eq!(engine.query_total(), "7");
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
    let dir = temp_dir("watch");
    let file = dir.join("counter.krl");
    write(&file, COUNTER);
    let mut engine = Engine::start(&[dir.to_str().expect("utf-8 path"), "--memory", "--watch"]);
    assert_eq!(engine.query_total(), "0");

    // Broken: diagnostics are printed, the old version keeps answering.
    std::thread::sleep(Duration::from_millis(20));
    write(&file, "ruleset test.counter {\n  global {\n    total = \n}\n");
    let mut line = String::new();
    while !line.contains("changed") {
        line.clear();
        assert!(
            engine.stdout.read_line(&mut line).expect("read") > 0,
            "krl run exited"
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(engine.query_total(), "0");

    // Fixed, with a new shared function.
    write(
        &file,
        &COUNTER.replace("shares total", "shares total, twice").replace(
            "total = function() { ent:total.defaultsTo(0) }",
            "total = function() { ent:total.defaultsTo(0) }\n    twice = function() { total() * 2 + 1 }",
        ),
    );
    line.clear();
    while !line.contains("is up to date") {
        line.clear();
        assert!(
            engine.stdout.read_line(&mut line).expect("read") > 0,
            "krl run exited"
        );
    }
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
