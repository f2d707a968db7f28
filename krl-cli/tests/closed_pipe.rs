//! Output to a pipe nobody reads any more (`krl completions bash | head -1`) ends a command
//! quietly instead of panicking; `krl run` keeps serving.
//!
//! Each command gets a pipe whose read end is closed before it starts, so its first write
//! fails with EPIPE every time, however short the output.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `krl ARGS` with standard output on a pipe already closed for reading; answers its
/// standard error.
fn stderr_with_closed_stdout(args: &[&str]) -> String {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_krl"))
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("krl runs");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn commands_end_quietly_when_their_reader_is_gone() {
    let dir = krl_run::temp_dir("closed-pipe");
    let file = dir.join("a.krl");
    std::fs::write(&file, "ruleset a {\n  global { x = nmae }\n}\n").expect("write a ruleset");
    let file = file.to_str().expect("a UTF-8 path");
    for args in [
        &["completions", "bash"][..],
        &["--help"],
        &["explain", "E0102"],
        &["eval", "[1, 2, 3]"],
        &["check", file],
        &["parse", file, "--json"],
    ] {
        let stderr = stderr_with_closed_stdout(args);
        assert!(!stderr.contains("panicked"), "krl {args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "krl {args:?}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_keeps_serving_when_its_console_is_gone() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut child = Command::new(env!("CARGO_BIN_EXE_krl"))
        // `--no-token`: `pico ls` reads `/api/picos`, and `--memory` leaves no `run.json`
        // to find the token in.
        .args(["run", "--memory", "--no-token", "--port", &port.to_string()])
        .env_remove("PORT")
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("krl run starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    let answered = loop {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("krl run exited ({status}) when its console closed");
        }
        let answer = Command::new(env!("CARGO_BIN_EXE_krl"))
            .args(["pico", "ls", "--url", &format!("http://127.0.0.1:{port}")])
            .output()
            .expect("krl runs");
        if answer.status.success() {
            break String::from_utf8_lossy(&answer.stdout).into_owned();
        }
        assert!(Instant::now() < deadline, "krl run never answered");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(answered.contains("(root)"), "{answered}");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let output = child.wait_with_output().expect("krl run exits");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
