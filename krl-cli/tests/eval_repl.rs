//! `krl eval` and `krl repl` end to end, on the built binary: values as JSON or KRL, errors
//! with a snippet and exit code 1, runaway recursion, and the REPL fed through a pipe (stdin
//! is not a terminal, so it reads plain lines without rustyline).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn krl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_krl"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run krl")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A folder under the target directory, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("eval_repl")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

/// Runs `krl repl` with `input` on stdin and HOME in a scratch folder (no history file is
/// touched when stdin is not a terminal, but a stray one must not land in the real HOME).
fn repl(name: &str, input: &str) -> Output {
    let home = scratch(name);
    let mut child = Command::new(env!("CARGO_BIN_EXE_krl"))
        .arg("repl")
        .env("NO_COLOR", "1")
        .env("HOME", &home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start krl repl");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes())
        .expect("write to the repl");
    let output = child.wait_with_output().expect("wait for krl repl");
    assert!(
        !home.join(".krl_history").exists(),
        "piped input must not be written to the history"
    );
    output
}

#[test]
fn eval_prints_json() {
    let output = krl(&["eval", "[1, 2].map(function(x) { x * 2 })"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "[\n  2,\n  4\n]\n");
}

#[test]
fn eval_prints_krl_literals() {
    let output = krl(&["eval", "--krl", "{\"a\": [1, \"x\", null]}"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "{\"a\": [1, \"x\", null]}\n");
}

#[test]
fn eval_runtime_error_shows_a_snippet_and_exits_1() {
    let output = krl(&["eval", "\"abc\" * 2"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    let err = stderr(&output);
    assert!(err.contains("TypeError: abc cannot be multiplied by 2"), "{err}");
    assert!(err.contains("<expr>:1:1"), "{err}");
    assert!(
        err.contains("\"abc\" * 2"),
        "the snippet repeats the input: {err}"
    );
}

#[test]
fn eval_syntax_error_shows_a_snippet_and_exits_1() {
    let output = krl(&["eval", "[1, 2"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("E0101"), "{err}");
    assert!(err.contains("[1, 2"), "{err}");
}

#[test]
fn eval_in_a_ruleset_scope_points_into_the_ruleset() {
    let dir = scratch("ruleset_scope");
    let path = dir.join("r.krl");
    std::fs::write(
        &path,
        "ruleset r {\n  global {\n    half = function(x) { x / \"two\" }\n  }\n}\n",
    )
    .expect("write ruleset");
    let path = path.to_string_lossy().into_owned();
    let output = krl(&["eval", "-f", &path, "half(4)"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("TypeError: 4 cannot be divided by two"), "{err}");
    assert!(
        err.contains("r.krl:3:26"),
        "the error points at the division: {err}"
    );
}

#[test]
fn runaway_recursion_is_a_range_error_not_a_crash() {
    let dir = scratch("recursion");
    let path = dir.join("r.krl");
    std::fs::write(&path, "ruleset r { global { f = function(n) { f(n + 1) } } }\n").expect("write ruleset");
    let path = path.to_string_lossy().into_owned();
    let started = Instant::now();
    let output = krl(&["eval", "-f", &path, "f(0)"]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("RangeError: Maximum call stack size exceeded"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn repl_keeps_declarations_and_evaluates_lines() {
    let output = repl(
        "declarations",
        "x = 5\nx * 2\ndouble = function(v) { v * 2 }\nx.double()\n",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "5\n10\n<function double(v)>\n10\n");
}

#[test]
fn repl_type_and_help_commands() {
    let output = repl("commands", ":type 1\n:type \"0x1F\"\n:t [1]\n:help\n");
    let out = stdout(&output);
    assert!(out.starts_with("Number\nHex\nArray\n"), "{out}");
    assert!(out.contains(":type EXPR"), "{out}");
    assert!(out.contains(":quit"), "{out}");
}

#[test]
fn repl_joins_unfinished_lines() {
    let output = repl(
        "multiline",
        "[1,\n 2,\n 3]\n<<a\nb>>\nf = function(x) {\n  x + 1\n}\nf(1)\n",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "[1, 2, 3]\n\"a\nb\"\n<function f(x)>\n2\n");
}

#[test]
fn repl_reports_errors_and_continues() {
    let output = repl(
        "errors",
        "nosuch\n1 / \"x\"\n:bogus\n\"after\"\n:quit\n\"not reached\"\n",
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "\"after\"\n");
    let err = stderr(&output);
    assert!(err.contains("Undefined id: nosuch"), "{err}");
    assert!(err.contains("TypeError: 1 cannot be divided by x"), "{err}");
    assert!(err.contains("unknown command `:bogus`"), "{err}");
}

#[test]
fn repl_json_flag() {
    let output = repl("json", "{\"a\": 1}\n");
    assert_eq!(stdout(&output), "{\"a\": 1}\n");
    let home = scratch("json_flag");
    let mut child = Command::new(env!("CARGO_BIN_EXE_krl"))
        .args(["repl", "--json"])
        .env("HOME", &home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start krl repl");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(b"{\"a\": 1}\n")
        .expect("write");
    let output = child.wait_with_output().expect("wait");
    assert_eq!(stdout(&output), "{\n  \"a\": 1\n}\n");
}

#[test]
fn eval_knows_the_built_in_modules() {
    let now = krl(&["eval", "time:now()"]);
    assert_eq!(now.status.code(), Some(0), "{}", stderr(&now));
    let text = stdout(&now);
    assert!(
        text.starts_with("\"20") && text.trim_end().ends_with("Z\""),
        "{text}"
    );
    let abs = krl(&["eval", "math:abs(-4) + math:int(\"3\")"]);
    assert_eq!(stdout(&abs), "7\n", "{}", stderr(&abs));
    let random = krl(&["eval", "random:integer(5)"]);
    let drawn: f64 = stdout(&random).trim().parse().expect("a number");
    assert!((0.0..=5.0).contains(&drawn), "{drawn}");
    let pico = krl(&["eval", "ctx:picoId.length() > 0"]);
    assert_eq!(stdout(&pico), "true\n", "{}", stderr(&pico));
    let unknown = krl(&["eval", "math:nope(1)"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("TypeError: math:nope is not a function"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn eval_home_keeps_entity_variables_and_says_when_the_home_is_in_use() {
    let dir = scratch("eval-home");
    let home = dir.join("home");
    let home_arg = home.to_str().expect("utf-8 path");
    let write = krl(&["eval", "--home", home_arg, "ent:visits := 41"]);
    assert_eq!(stdout(&write), "41\n", "{}", stderr(&write));
    let read = krl(&["eval", "--home", home_arg, "ent:visits + 1"]);
    assert_eq!(stdout(&read), "42\n", "{}", stderr(&read));
    let kept = krl(&["eval", "--home", home_arg, "ent:visits"]);
    assert_eq!(stdout(&kept), "41\n", "an expression writes nothing");
    let in_memory = krl(&["eval", "ent:visits"]);
    assert_eq!(stdout(&in_memory), "null\n", "in memory by default");

    // A REPL holding the home open stands in for a running engine.
    let mut holder = Command::new(env!("CARGO_BIN_EXE_krl"))
        .args(["repl", "--home", home_arg])
        .env("HOME", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start krl repl");
    let mut holder_in = holder.stdin.take().expect("stdin is piped");
    writeln!(holder_in, "ent:visits").expect("write to the repl");
    // Its answer shows that it has the home open.
    let mut holder_out = std::io::BufReader::new(holder.stdout.take().expect("stdout is piped"));
    let mut answer = String::new();
    std::io::BufRead::read_line(&mut holder_out, &mut answer).expect("the repl answers");
    assert_eq!(answer, "41\n");
    let busy = krl(&["eval", "--home", home_arg, "ent:visits"]);
    drop(holder_in);
    assert!(holder.wait().expect("the repl ends at end of input").success());
    assert_eq!(busy.status.code(), Some(2), "{}", stderr(&busy));
    assert!(
        stderr(&busy).contains("is in use by a running engine"),
        "{}",
        stderr(&busy)
    );
}

const COUNTER: &str = r#"ruleset app.counter {
  meta { shares total }
  global { total = function() { ent:total.defaultsTo(0) } }
  rule bump {
    select when counter bump
    send_directive("bumped", {"by": event:attrs{"by"}})
    fired { ent:total := total() + event:attrs{"by"}.as("Number") }
  }
}
"#;

#[test]
fn repl_loads_a_ruleset_sends_events_and_reads_its_state() {
    let dir = scratch("repl-engine");
    let file = dir.join("counter.krl");
    std::fs::write(&file, COUNTER).expect("write the ruleset");
    let input = format!(
        ":load {}\n:event counter:bump by=3\n:event counter bump by=4\nent:total\ntotal()\n\
         event:attrs{{\"by\"}}\nent:total := 10\ntotal()\n:help\n",
        file.display()
    );
    let output = repl("repl-engine-home", &input);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("loaded ") && lines[0].ends_with("(app.counter)"),
        "{out}"
    );
    assert!(
        lines[1].contains("\"bumped\"") && lines[1].contains("\"by\": 3"),
        "{out}"
    );
    assert!(lines[2].contains("\"by\": 4"), "{out}");
    assert_eq!(&lines[3..7], ["7", "7", "4", "10"], "{out}");
    assert_eq!(lines[7], "10", "{out}");
    assert!(out.contains(":event DOMAIN:TYPE"), "help lists :event: {out}");
    assert!(
        out.contains("ent:NAME := EXPR"),
        "help lists entity writes: {out}"
    );
    assert_eq!(stderr(&output), "");
}

#[test]
fn eval_dump_ir_prints_an_expression_and_a_whole_ruleset() {
    let output = krl(&["eval", "--dump-ir", "x = 2; x * 3"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let output = krl(&["eval", "--dump-ir", "function(n) { n + 1 }"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "function function frame=stack slots=1 @0..21\n  param s0 n\n  result: binary + fast=Add @14..19\n    stack s0\n    const 1\n"
    );
    let dir = scratch("dump_ir");
    let file = dir.join("r.krl");
    std::fs::write(
        &file,
        "ruleset r { global { k = 2 } rule go { select when t go pre { v = k } } }",
    )
    .expect("write the ruleset");
    let path = file.to_string_lossy().into_owned();
    let output = krl(&["eval", "--dump-ir", "-f", &path]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("ruleset r globals=1\n"), "{text}");
    assert!(text.contains("  rule go slots=1\n"), "{text}");
    assert!(text.contains("      local d1 s0 k @"), "{text}");
    // In the scope of the file's globals, an expression reads them one frame up.
    let output = krl(&["eval", "--dump-ir", "-f", &path, "k + 1"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("local d1 s0 k @0..1"),
        "{}",
        stdout(&output)
    );
}
