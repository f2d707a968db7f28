//! A newcomer's first hour, end to end, with the commands the README gives: `krl run` on a
//! home of their own, `krl install` of a ruleset they wrote, an event with `krl event`, its
//! state through `krl query` and, once the engine stopped, `krl eval --home`; then a mistake
//! in the ruleset, and the runtime error with its file and line in `krl logs`.
//!
//! The client commands find the engine as a newcomer's would: from the home's `run.json`
//! (`PICO_ENGINE_HOME`), with no `KRL_URL` or `KRL_TOKEN`.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::path::Path;
use std::process::{Command, Output};

use krl_run::{KrlRun, temp_dir};

/// A counter of the newcomer's own. `count` is a common name: as in pico-engine, it may name
/// a shared function (an operator word is no callee, so the rule reads the variable itself).
const COUNTER: &str = r#"ruleset newcomer.counter {
  meta {
    shares count
  }
  global {
    count = function() {
      ent:count.defaultsTo(0)
    }
  }
  rule tally {
    select when visit arrived
    pre {
      step = event:attrs{"step"}.as("Number").defaultsTo(1)
    }
    send_directive("counted", {"count": ent:count.defaultsTo(0) + step})
    fired {
      ent:count := ent:count.defaultsTo(0) + step
    }
  }
}
"#;

/// The mistake: a function the `math` module does not have.
const BROKEN_LINE: &str = r#"      step = event:attrs{"step"}.as("Number") + math:nope(1)"#;

/// `krl ARGS` as a newcomer runs it: the engine is found through the home alone.
fn krl(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_krl"))
        .args(args)
        .env("PICO_ENGINE_HOME", home)
        .env_remove("KRL_URL")
        .env_remove("KRL_TOKEN")
        .output()
        .expect("krl runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a command that must succeed; answers its standard output.
fn ok(home: &Path, args: &[&str]) -> String {
    let output = krl(home, args);
    assert!(
        output.status.success(),
        "krl {args:?} failed: {}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

#[test]
fn a_newcomer_installs_sends_reads_breaks_and_finds_the_error() {
    let home = temp_dir("newcomer");
    let file = home.join("counter.krl");
    std::fs::write(&file, COUNTER).expect("write the ruleset");
    let path = file.to_str().expect("a UTF-8 path");
    let home_arg = home.to_str().expect("a UTF-8 path");

    // A free port, so the engine is not on pico-engine's 3000: clients still find it.
    let engine = KrlRun::start(0, &["--home", home_arg]);
    let installed = ok(&home, &["install", path]);
    assert!(installed.starts_with("installed newcomer.counter"), "{installed}");

    let counted = ok(&home, &["event", &engine.eci, "visit:arrived", "step=2"]);
    assert!(counted.contains("counted"), "{counted}");
    assert!(counted.contains('2'), "{counted}");
    let count = ok(&home, &["query", &engine.eci, "newcomer.counter/count"]);
    assert_eq!(count.trim(), "2");

    // The mistake, flushed: the event fails, and the error says where.
    let broken = COUNTER.replace(
        r#"      step = event:attrs{"step"}.as("Number").defaultsTo(1)"#,
        BROKEN_LINE,
    );
    std::fs::write(&file, broken).expect("break the ruleset");
    ok(&home, &["flush", "newcomer.counter"]);
    let failed = krl(&home, &["event", &engine.eci, "visit:arrived", "step=3"]);
    assert!(!failed.status.success(), "{}", text(&failed.stdout));
    let canonical = std::fs::canonicalize(&file).expect("the file exists");
    let place = format!("{}:13:", canonical.display());
    let error = text(&failed.stderr);
    assert!(error.contains(&place), "{error}");
    let logs = ok(&home, &["logs"]);
    let failure = logs
        .lines()
        .find(|line| line.contains("event failed"))
        .unwrap_or_else(|| panic!("no failure in the log: {logs}"));
    assert!(failure.contains(&place), "{failure}");
    assert!(failure.contains("rule `tally`"), "{failure}");
    assert!(logs.contains(BROKEN_LINE.trim()), "{logs}");

    // The failed event changed nothing; the engine stopped, the home still holds the count.
    let (status, _) = engine.stop();
    assert!(status.success());
    let kept = ok(
        &home,
        &[
            "eval",
            "--home",
            home_arg,
            "--rid",
            "newcomer.counter",
            "ent:count",
        ],
    );
    assert_eq!(kept.trim(), "2");
    let _ = std::fs::remove_dir_all(&home);
}
