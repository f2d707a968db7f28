//! Files that hold no ruleset (only comments or whitespace: placeholders, common in real
//! repositories) are no error for any command: pico-engine parses them to an empty program.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};
use support::lsp_client::Client;

/// (name, text): every shape of "nothing here".
const EMPTY_FILES: &[(&str, &str)] = &[
    (
        "line_comments",
        "// placeholder for the sensor ruleset\n// TODO\n",
    ),
    ("block_comment", "/*\n  nothing yet\n*/\n"),
    ("whitespace", "\n\n   \n\t\n"),
    ("zero_bytes", ""),
    ("comment_without_newline", "// no newline at the end"),
];

/// A folder of its own for each test (they run in parallel), emptied first.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("empty_files")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

fn write_all(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    EMPTY_FILES
        .iter()
        .map(|(name, text)| {
            let path = dir.join(format!("{name}.krl"));
            std::fs::write(&path, text).expect("write file");
            (path, *text)
        })
        .collect()
}

fn krl(args: &[&str], path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_krl"))
        .args(args)
        .arg(path)
        .env("NO_COLOR", "1")
        .output()
        .expect("run krl")
}

fn describe(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn parse_json_succeeds_with_no_diagnostics() {
    for (path, _) in write_all(&scratch("parse")) {
        let output = krl(&["parse", "--json"], &path);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            describe(&output)
        );
        let tree: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
        assert_eq!(tree["diagnostics"], json!([]), "{}", path.display());
        assert_eq!(tree["ruleset"]["rules"], json!([]), "{}", path.display());
    }
}

#[test]
fn check_reports_nothing_even_when_warnings_are_denied() {
    for (path, _) in write_all(&scratch("check")) {
        let output = krl(&["check", "--deny", "warnings", "--format", "json"], &path);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            describe(&output)
        );
        let report: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
        assert_eq!(report["diagnostics"], json!([]), "{}", path.display());
    }
}

#[test]
fn fmt_keeps_the_file_unchanged() {
    for (path, text) in write_all(&scratch("fmt")) {
        let check = krl(&["fmt", "--check"], &path);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            describe(&check)
        );
        let output = krl(&["fmt"], &path);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            describe(&output)
        );
        let after = std::fs::read_to_string(&path).expect("read back");
        assert_eq!(after, text, "{}", path.display());
    }
}

#[test]
fn the_language_server_publishes_no_diagnostics() {
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    for (version, (name, text)) in EMPTY_FILES.iter().enumerate() {
        let version = version as i64 + 1;
        let uri = format!("file:///tmp/krl-empty-files/{name}.krl");
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "krl", "version": version, "text": text}}),
        );
        let published = client.diagnostics(version);
        assert_eq!(published["uri"], json!(uri));
        assert_eq!(published["diagnostics"], json!([]), "{name}");
    }
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let _ = client.child.wait();
}
