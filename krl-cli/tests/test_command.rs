//! `krl test` end to end: the bundled tests pass, and the fixtures under `fixtures/test/`
//! give the snapshot output for failures, broken files, coverage and each `--format`, with
//! the exit codes; `--accept`, `--filter`, `--fail-fast` and `--watch` on scratch copies.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/test")
}

fn krl_test(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_krl"))
        .arg("test")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run krl")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The output with the run time taken out of the summary line.
fn stable(output: &Output) -> String {
    stdout(output)
        .lines()
        .map(
            |line| match line.strip_prefix("test result:").and_then(|_| line.rfind(" in ")) {
                Some(idx) => format!("{} in [time]", &line[..idx]),
                None => line.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
}

/// A folder under the target directory, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("test-command")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

#[test]
fn bundled_examples_testsuite_rulesets_and_system_tests_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = krl_test(&root, &["examples", "testsuite/rulesets", "testsuite/system"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("examples/sensors/sensors.test.toml"), "{text}");
    assert!(text.contains("testsuite/rulesets/within.test.toml"), "{text}");
    assert!(text.contains("testsuite/system/wrangler.test.toml"), "{text}");
    assert!(text.contains(" 0 failed"), "{text}");
}

/// Differential test of the tiers: every `krl test` file in the repository (the bundled
/// ones and the fixtures, failing and broken ones included) reports the same under `jit`
/// and `auto` as under `interp`.
#[test]
fn every_test_file_reports_the_same_under_every_tier() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let runs: [(PathBuf, &[&str]); 4] = [
        (
            root.clone(),
            &["examples", "testsuite/rulesets", "testsuite/system"],
        ),
        (fixtures(), &["passing", "--coverage"]),
        (fixtures(), &["failing"]),
        (fixtures(), &["broken"]),
    ];
    for (dir, args) in runs {
        let with_tier = |tier: &str| {
            let mut all = args.to_vec();
            all.extend(["--tier", tier]);
            let output = krl_test(&dir, &all);
            (output.status.code(), stable(&output))
        };
        let interp = with_tier("interp");
        for tier in ["jit", "auto"] {
            assert_eq!(with_tier(tier), interp, "`krl test {args:?}` under `{tier}`");
        }
    }
}

#[test]
fn wrong_expectations_fail_with_a_diff_and_the_rule_location() {
    let output = krl_test(&fixtures(), &["failing"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stable(&output));
}

#[test]
fn broken_test_files_and_rulesets_point_at_the_line() {
    let output = krl_test(&fixtures(), &["broken"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stable(&output));
}

#[test]
fn passing_tests_with_coverage() {
    let output = krl_test(&fixtures(), &["passing", "--coverage"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    insta::assert_snapshot!(stable(&output));
}

#[test]
fn json_format() {
    let output = krl_test(
        &fixtures(),
        &["failing", "--format", "json", "--filter", "wrong directive"],
    );
    assert_eq!(output.status.code(), Some(1));
    let mut doc: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json output");
    // Times vary from run to run.
    doc["summary"]["duration_ms"] = serde_json::Value::Null;
    for test in doc["tests"].as_array_mut().expect("a test list") {
        test["duration_ms"] = serde_json::Value::Null;
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&doc).expect("json"));
}

#[test]
fn junit_format() {
    let output = krl_test(
        &fixtures(),
        &["failing", "--format", "junit", "--filter", "wrong"],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    // Times vary from run to run: `time="0.001"` becomes `time="[t]"`.
    let mut stable = String::new();
    let mut rest = text.as_str();
    while let Some(idx) = rest.find("time=\"") {
        stable.push_str(&rest[..idx + 6]);
        rest = &rest[idx + 6..];
        rest = &rest[rest.find('"').expect("closing quote")..];
        stable.push_str("[t]");
    }
    stable.push_str(rest);
    insta::assert_snapshot!(stable);
}

#[test]
fn junit_format_keeps_the_coverage() {
    let output = krl_test(&fixtures(), &["passing", "--coverage", "--format", "junit"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = stdout(&output);
    let coverage = &text[text
        .find("<testsuite name=\"coverage\"")
        .expect("a coverage suite")..];
    insta::assert_snapshot!(coverage);
}

#[test]
fn filter_selects_tests_by_file_and_name() {
    let output = krl_test(&fixtures(), &["failing", "--filter", "this one passes"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stable(&output).contains("1 passed, 0 failed, 9 skipped"),
        "{}",
        stable(&output)
    );
}

#[test]
fn fail_fast_stops_starting_tests() {
    let dir = scratch("fail-fast");
    std::fs::copy(fixtures().join("passing/greeter.krl"), dir.join("greeter.krl")).expect("copy");
    let mut file = String::from("rulesets = [\"greeter.krl\"]\n");
    for n in 0..200 {
        file.push_str(&format!(
            "\n[[test]]\nname = \"wrong {n}\"\n\n[[test.step]]\nevent = \"greet:hello\"\ndirectives = []\n"
        ));
    }
    std::fs::write(dir.join("many.test.toml"), file).expect("write");
    let all = krl_test(&dir, &[]);
    assert!(stable(&all).contains("0 passed, 200 failed"), "{}", stable(&all));
    let fast = krl_test(&dir, &["--fail-fast"]);
    assert_eq!(fast.status.code(), Some(1));
    let summary = stable(&fast);
    assert!(summary.contains("skipped"), "{summary}");
}

#[test]
fn accept_records_snapshots_and_later_runs_compare() {
    let dir = scratch("accept");
    for name in ["greeter.krl", "greeter.test.toml"] {
        std::fs::copy(fixtures().join("passing").join(name), dir.join(name)).expect("copy");
    }
    let first = krl_test(&dir, &[]);
    assert_eq!(first.status.code(), Some(1));
    assert!(
        stdout(&first).contains("no snapshot `hello Lin` is stored yet"),
        "{}",
        stdout(&first)
    );

    let accept = krl_test(&dir, &["--accept"]);
    assert_eq!(accept.status.code(), Some(0), "{}", stdout(&accept));
    let stored_path = dir.join("greeter.test.snap.json");
    let stored = std::fs::read_to_string(&stored_path).expect("snapshot file written");
    assert!(stored.contains("\"Hi, Lin\""), "{stored}");
    assert_eq!(krl_test(&dir, &[]).status.code(), Some(0));

    std::fs::write(&stored_path, stored.replace("Hi, Lin", "Hello, Lin")).expect("edit snapshot");
    let changed = krl_test(&dir, &[]);
    assert_eq!(changed.status.code(), Some(1));
    let text = stdout(&changed);
    assert!(text.contains("differ from snapshot `hello Lin`"), "{text}");
    assert!(text.contains("-       \"text\": \"Hello, Lin\""), "{text}");
    assert!(text.contains("+       \"text\": \"Hi, Lin\""), "{text}");
}

#[test]
fn no_test_files_is_a_usage_error() {
    let dir = scratch("empty");
    let output = krl_test(&dir, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no test files"));
}

#[test]
fn watch_runs_again_after_a_change() {
    let dir = scratch("watch");
    for name in ["greeter.krl", "greeter.test.toml", "greeter.test.snap.json"] {
        std::fs::copy(fixtures().join("passing").join(name), dir.join(name)).expect("copy");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_krl"))
        .args(["test", "--watch"])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start krl test --watch");
    let (lines, receive) = mpsc::channel();
    let out = child.stdout.take().expect("piped stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    let wait_for_summary = || loop {
        match receive.recv_timeout(Duration::from_secs(30)) {
            Ok(line) if line.starts_with("test result:") => return line,
            Ok(_) => {}
            Err(_) => return String::from("timed out"),
        }
    };
    let first = wait_for_summary();
    // Break a test; the watcher polls modification times.
    std::thread::sleep(Duration::from_millis(1100));
    let test_file = dir.join("greeter.test.toml");
    let text = std::fs::read_to_string(&test_file).expect("read");
    std::fs::write(
        &test_file,
        text.replace("text = \"Hi, Ada\"", "text = \"Yo, Ada\""),
    )
    .expect("write");
    let second = wait_for_summary();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.contains("3 passed, 0 failed"), "{first}");
    assert!(second.contains("2 passed, 1 failed"), "{second}");
}
