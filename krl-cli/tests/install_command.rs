//! `krl install`, `uninstall`, `flush`, `pico new` and `pico ls` against a `krl run` child
//! process: rulesets of the test's own put on the root pico and on a child, configured,
//! reflushed after an edit and removed, with the errors a newcomer meets on the way.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::path::Path;
use std::process::Output;

use krl_run::{KrlRun, temp_dir};

const GREETER: &str = r#"ruleset test.greeter {
  meta {
    configure using greeting = "Hello"
    shares hello
  }
  global {
    hello = function(name) { greeting + ", " + name }
  }
}
"#;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a client command that must succeed; answers its standard output.
fn ok(engine: &KrlRun, args: &[&str]) -> String {
    let output = engine.krl(args);
    assert!(
        output.status.success(),
        "krl {args:?} failed: {}{}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// An engine whose home is `dir`, where the tests keep their rulesets: an engine reads
/// `file://` URLs from its home (and the folders `krl run` was given, which it installs at
/// start, so the tests do not name theirs).
fn start_engine(dir: &Path) -> KrlRun {
    KrlRun::start(0, &["--home", path_str(dir)])
}

#[test]
fn installs_flushes_and_uninstalls_on_the_root_pico() {
    let dir = temp_dir("install-root");
    let file = dir.join("greeter.krl");
    std::fs::write(&file, GREETER).expect("write the ruleset");
    let engine = start_engine(&dir);

    let url = format!(
        "file://{}",
        path_str(&std::fs::canonicalize(&file).expect("canonical"))
    );
    let installed = ok(&engine, &["install", path_str(&file)]);
    assert_eq!(installed.trim(), format!("installed test.greeter ({url})"));
    let hello = ok(&engine, &["query", &engine.eci, "test.greeter/hello", "name=Ada"]);
    assert_eq!(hello.trim(), "Hello, Ada");

    // An edit runs once flushed, by rid.
    std::fs::write(&file, GREETER.replace("\", \" + name", "\"! \" + name")).expect("edit");
    let flushed = ok(&engine, &["flush", "test.greeter"]);
    assert!(
        flushed.starts_with(&format!("flushed test.greeter ({url}) hash ")),
        "{flushed}"
    );
    let hello = ok(&engine, &["query", &engine.eci, "test.greeter/hello", "name=Ada"]);
    assert_eq!(hello.trim(), "Hello! Ada");

    let uninstalled = ok(&engine, &["uninstall", "test.greeter"]);
    assert_eq!(uninstalled.trim(), "uninstalled test.greeter");
    let gone = engine.krl(&["query", &engine.eci, "test.greeter/hello", "name=Ada"]);
    assert!(!gone.status.success(), "{}", stdout(&gone));
    let again = engine.krl(&["uninstall", "test.greeter"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("`test.greeter` is not installed on this pico"),
        "{}",
        stderr(&again)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_child_pico_gets_a_configured_ruleset_and_ls_shows_ids_and_names() {
    let dir = temp_dir("install-child");
    let file = dir.join("greeter.krl");
    std::fs::write(&file, GREETER).expect("write the ruleset");
    let engine = start_engine(&dir);

    let created = ok(&engine, &["pico", "new", "kitchen"]);
    let words: Vec<&str> = created.split_whitespace().collect();
    let (id, ui_eci) = match words.as_slice() {
        ["created", "pico", id, "\"kitchen\"", "(UI", "channel", eci] => {
            (id.to_string(), eci.trim_end_matches(')').to_string())
        }
        _ => panic!("unexpected `pico new` output: {created}"),
    };

    let listing = ok(&engine, &["pico", "ls"]);
    let root_line = listing.lines().next().expect("the root first");
    let root_id = root_line.split_whitespace().nth(1).expect("the root's id");
    assert!(root_line.ends_with("(root)"), "{listing}");
    // The child's line names its parent by pico id, not by the family channel.
    assert!(
        listing.contains(&format!("pico {id} \"kitchen\" (child of {root_id})")),
        "{listing}"
    );

    let installed = ok(
        &engine,
        &[
            "install",
            path_str(&file),
            "--pico",
            &id,
            "--config",
            r#"{"greeting": "Hi"}"#,
        ],
    );
    assert!(
        installed.starts_with("installed test.greeter (file://"),
        "{installed}"
    );
    // The UI ruleset's `pico` query shows the child's rulesets with their configuration.
    let pico = ok(
        &engine,
        &["query", &ui_eci, "io.picolabs.pico-engine-ui/pico", "--json"],
    );
    let pico: serde_json::Value = serde_json::from_str(&pico).expect("JSON");
    let greeter = pico["rulesets"]
        .as_array()
        .and_then(|rulesets| rulesets.iter().find(|r| r["rid"] == "test.greeter"))
        .unwrap_or_else(|| panic!("no test.greeter on the child: {pico}"));
    assert_eq!(greeter["config"], serde_json::json!({"greeting": "Hi"}));
    // The root did not get it.
    let root_rulesets = listing.split("\npico ").next().expect("the root's block");
    assert!(!root_rulesets.contains("test.greeter"), "{listing}");

    let unknown = engine.krl(&["install", path_str(&file), "--pico", "nope"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("no pico `nope`"),
        "{}",
        stderr(&unknown)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn install_errors_name_the_file() {
    let dir = temp_dir("install-errors");
    let broken = dir.join("broken.krl");
    std::fs::write(&broken, "ruleset test.broken {\n  global { x = nmae }\n}\n").expect("write");
    let engine = start_engine(&dir);

    let output = engine.krl(&["install", path_str(&broken)]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains(&format!("cannot install `{}`", path_str(&broken))),
        "{text}"
    );
    assert!(text.contains("nmae"), "{text}");

    let missing = engine.krl(&["install", path_str(&dir.join("missing.krl"))]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read"), "{}", stderr(&missing));

    let config = engine.krl(&["install", path_str(&broken), "--config", "[1]"]);
    assert_eq!(config.status.code(), Some(2));
    assert!(
        stderr(&config).contains("`--config` must be a JSON object"),
        "{}",
        stderr(&config)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
