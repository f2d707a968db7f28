//! The expression harness: every file in `cases/eval` is a list of KRL inputs evaluated in
//! one `krl_jit::Session`, and the snapshot shows each input with its value or error.
//!
//! # Case format
//!
//! ```text
//! //> mode = "eval"
//! //> setup = ["double = function(x) { x * 2 }"]
//! // Comments and blank lines are copied to the snapshot as they are.
//! 5.double()
//! x = [1, 2, 3]
//! x.map(function(v) { \
//!   v + 1 })
//! ```
//!
//! - The header is TOML in `//>` lines: `mode = "eval"` and, optionally, `setup`, a list of
//!   declarations run first (their values are not shown).
//! - Every other line that is not blank and does not start with `//` is one input: an
//!   expression, or a declaration `name = value` that stays in scope for the lines below it
//!   (its value is shown like an expression's). A line ending in `\` continues on the next
//!   line; the backslash is dropped and the newline kept.
//! - The snapshot repeats each input and puts its result on the next line: `=> JSON` (the
//!   value's `encode()`, compact) or `!! ERROR`, where a runtime error prints as the reference
//!   prints it (`TypeError: abc cannot be multiplied by 2`) and a parse or compile error as
//!   `error[CODE]: message`.
//!
//! Evaluation has a step budget, so a runaway case fails instead of hanging the suite.
//! Snapshots live in `tests/snapshots/eval/` with their own orphan check below.

use std::fmt::Write as _;
use std::path::Path;

use krl_diagnostics::FileId;
use krl_jit::{EvalError, Session, Tier};
use krl_runtime::{TestHost, Value};
use serde::Deserialize;

const SNAPSHOTS: &str = "snapshots/eval";
const CASES: &str = "cases/eval";
const STEP_BUDGET: u64 = 50_000_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    mode: String,
    #[serde(default)]
    setup: Vec<String>,
}

/// One line of the case body: something to copy, or an input to evaluate.
enum Line {
    Text(String),
    Input(String),
}

fn parse_case(name: &str, source: &str) -> (Header, Vec<Line>) {
    let header_text: String = source
        .lines()
        .map_while(|line| line.strip_prefix("//>"))
        .map(|rest| format!("{}\n", rest.trim_start()))
        .collect();
    let header: Header =
        toml::from_str(&header_text).unwrap_or_else(|err| panic!("{name}: bad `//>` header: {err}"));
    assert_eq!(
        header.mode, "eval",
        "{name}: an eval case starts with `//> mode = \"eval\"`"
    );
    let mut lines = Vec::new();
    let mut pending: Option<String> = None;
    for line in source.lines().skip_while(|line| line.starts_with("//>")) {
        if let Some(mut input) = pending.take() {
            input.push('\n');
            push_input_line(&mut input, line, &mut pending, &mut lines);
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("//") {
            lines.push(Line::Text(line.to_string()));
            continue;
        }
        push_input_line(&mut String::new(), line, &mut pending, &mut lines);
    }
    assert!(
        pending.is_none(),
        "{name}: the last input ends with a continuation `\\`"
    );
    (header, lines)
}

fn push_input_line(input: &mut String, line: &str, pending: &mut Option<String>, lines: &mut Vec<Line>) {
    match line.trim_end().strip_suffix('\\') {
        Some(head) => {
            input.push_str(head.trim_end());
            *pending = Some(std::mem::take(input));
        }
        None => {
            input.push_str(line.trim_end());
            lines.push(Line::Input(std::mem::take(input)));
        }
    }
}

fn show(result: &Result<Value, EvalError>) -> String {
    match result {
        Ok(value) => format!("=> {}", value.encode(0).unwrap_or_else(|| "undefined".into())),
        Err(EvalError::Runtime { error, .. }) => format!("!! {error}"),
        Err(EvalError::Compile(diagnostics)) => {
            let shown: Vec<String> = diagnostics
                .iter()
                .map(|d| format!("error[{}]: {}", d.code.id, d.message))
                .collect();
            format!("!! {}", shown.join("; "))
        }
    }
}

/// Runs one case and returns its snapshot text.
fn run_case(name: &str, source: &str) -> String {
    let (header, lines) = parse_case(name, source);
    let mut session = Session::new().with_limits(krl_jit::interp::limits::DEFAULT_MAX_DEPTH, STEP_BUDGET);
    let mut host = TestHost::new();
    for decl in &header.setup {
        if let Err(err) = session.eval_input(FileId(0), decl, &mut host) {
            panic!("{name}: setup `{decl}` failed: {}", show(&Err(err)));
        }
    }
    let mut out = String::new();
    for decl in &header.setup {
        let _ = writeln!(out, "// setup: {decl}");
    }
    for line in lines {
        match line {
            Line::Text(text) => {
                let _ = writeln!(out, "{text}");
            }
            Line::Input(input) => {
                let result = session.eval_input(FileId(0), &input, &mut host);
                let _ = writeln!(out, "{input}\n{}", show(&result));
            }
        }
    }
    out
}

#[test]
fn eval_cases() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(SNAPSHOTS);
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../cases/eval", "*.krl", |path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let source = std::fs::read_to_string(path)
                .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
            insta::assert_snapshot!(run_case(&name, &source));
        });
    });
}

/// Differential test of the tiers: every case gives the same text under `jit` and `auto`
/// as under the interpreter (whose text the snapshots hold).
#[test]
fn eval_cases_are_the_same_under_every_tier() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES);
    let mut entries: Vec<_> = std::fs::read_dir(&cases)
        .unwrap_or_else(|err| panic!("cannot list {}: {err}", cases.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "krl"))
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "no eval cases found");
    let compiled_before = krl_jit::tier::compiled_functions();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        let interp = krl_jit::with_tier(Tier::Interp, || run_case(&name, &source));
        for tier in [Tier::Jit, Tier::Auto] {
            let other = krl_jit::with_tier(tier, || run_case(&name, &source));
            similar_asserts(&name, tier, &interp, &other);
        }
    }
    // The cases call dozens of functions with stack frames: `jit` compiled them.
    assert!(
        krl_jit::tier::compiled_functions() >= compiled_before + 20,
        "the jit tier compiled too few functions to compare anything"
    );
}

fn similar_asserts(name: &str, tier: Tier, interp: &str, other: &str) {
    if interp == other {
        return;
    }
    let first = interp
        .lines()
        .zip(other.lines())
        .find(|(a, b)| a != b)
        .map(|(a, b)| format!("interp: {a}\n{tier:>6}: {b}"))
        .unwrap_or_else(|| "the outputs differ in length".into());
    panic!("{name}: `{tier}` differs from `interp`:\n{first}");
}

#[test]
fn every_eval_snapshot_has_a_case_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(entries) = std::fs::read_dir(root.join("tests").join(SNAPSHOTS)) else {
        return;
    };
    let mut orphans = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".snap") else {
            continue;
        };
        let case_file = stem.strip_prefix("eval_cases@");
        if !case_file.is_some_and(|file| root.join(CASES).join(file).is_file()) {
            orphans.push(name);
        }
    }
    assert!(orphans.is_empty(), "orphaned eval snapshots: {orphans:?}");
}

#[test]
fn case_format() {
    let source = "//> mode = \"eval\"\n// note\n\n1 + \\\n  2\nx = 3\nx * 2\n";
    let snapshot = run_case("inline.krl", source);
    assert_eq!(snapshot, "// note\n\n1 +\n  2\n=> 3\nx = 3\n=> 3\nx * 2\n=> 6\n");
}
