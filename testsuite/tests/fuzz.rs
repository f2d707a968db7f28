//! Property tests for the front end: random text over a KRL-ish alphabet, random token
//! sequences, and mutations (delete, duplicate, swap, insert, truncate) of every case file
//! under `cases/`, including repeated runs of lines. For every input `parse_ruleset` (and `parse_expression`) must:
//!
//! - not panic, and finish within [`HANG_LIMIT`] (inputs are under 4 KB; the limit is a
//!   generous guard that only catches hangs, speed is measured by `cargo bench`);
//! - satisfy the span invariants of `testsuite::spans`;
//! - report an error whenever the input is certainly not a valid ruleset: it does not start
//!   with `ruleset`, holds an invalid token, or its brackets do not balance.
//!
//! `PROPTEST_CASES` (default [`DEFAULT_CASES`]) sets the number of inputs of each random
//! generator; every case file gets `PROPTEST_CASES / 64` mutants (at least 2). The default
//! keeps the whole test suite well under 30 s in a debug build on two cores.
//! `PROPTEST_RNG_SEED` fixes the seed. Each test prints how many inputs it ran and how long
//! it took, and appends the same line to `fuzz-stats.txt` in Cargo's test temp directory.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use krl_diagnostics::FileId;
use krl_syntax::lexer::lex;
use krl_syntax::token::{Kw, Tok};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Inputs per random generator when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 512;

/// A parse taking this long is taken to be a hang.
const HANG_LIMIT: Duration = Duration::from_secs(2);

/// Inputs larger than this are cut, so the hang limit stays meaningful.
const MAX_INPUT: usize = 4000;

/// Stack of the thread that parses and checks fuzz inputs.
const CHECKER_STACK: usize = 64 << 20;

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// `PROPTEST_CASES`, or the default.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

// ---------------------------------------------------------------------------------------
// Running one input under a watchdog

/// Parses inputs on a worker thread so that a hang can be detected: the test thread waits
/// at most [`HANG_LIMIT`] for each answer.
struct Worker {
    inputs: Sender<String>,
    answers: Receiver<Result<Vec<String>, String>>,
}

impl Worker {
    fn spawn() -> Worker {
        let (inputs, input_rx) = channel::<String>();
        let (answer_tx, answers) = channel();
        // The span checker serializes the tree with serde, which recurses once per level of
        // nesting; a big stack keeps a deep (but legal) input from crashing the checker.
        let worker = std::thread::Builder::new()
            .name("parser".into())
            .stack_size(CHECKER_STACK);
        let spawned = worker.spawn(move || {
            for input in input_rx {
                let answer = catch_unwind(AssertUnwindSafe(|| problems(&input))).map_err(|payload| {
                    payload
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "a panic without a message".into())
                });
                if answer_tx.send(answer).is_err() {
                    break;
                }
            }
        });
        spawned.expect("the parser worker thread starts");
        Worker { inputs, answers }
    }

    /// Checks one input; a hang aborts the process, since the stuck thread cannot be stopped
    /// and shrinking would only hang again.
    fn check(&self, input: &str) -> Result<(), TestCaseError> {
        self.inputs
            .send(input.to_string())
            .map_err(|_| TestCaseError::fail("the parser worker died"))?;
        match self.answers.recv_timeout(HANG_LIMIT) {
            Ok(Ok(problems)) if problems.is_empty() => Ok(()),
            Ok(Ok(problems)) => Err(TestCaseError::fail(format!(
                "input {input:?}:\n  {}",
                problems.join("\n  ")
            ))),
            Ok(Err(panic)) => Err(TestCaseError::fail(format!("input {input:?}: panicked: {panic}"))),
            Err(RecvTimeoutError::Timeout) => {
                eprintln!("the parser took more than {HANG_LIMIT:?} on input {input:?}");
                std::process::abort();
            }
            Err(RecvTimeoutError::Disconnected) => Err(TestCaseError::fail("the parser worker died")),
        }
    }
}

/// Everything wrong with how the front end handles `input`.
fn problems(input: &str) -> Vec<String> {
    let parse = krl_syntax::parse_ruleset(FileId(0), input);
    let mut problems = testsuite::spans::check_parse(input, &parse);
    if let Some(reason) = certainly_invalid(input)
        && !parse.has_errors()
    {
        problems.push(format!("no error reported, but {reason}"));
    }
    let (expr, diagnostics) = krl_syntax::parse_expression(FileId(0), input);
    if let Some(expr) = expr {
        let end = expr.span.end as usize;
        if expr.span.start > expr.span.end || end > input.len() {
            problems.push(format!("parse_expression: span {:?} out of range", expr.span));
        }
    }
    for diagnostic in &diagnostics {
        if diagnostic.primary.at.span.end as usize > input.len() {
            problems.push(format!(
                "parse_expression: diagnostic span {:?} out of range",
                diagnostic.primary.at.span
            ));
        }
    }
    problems
}

/// Why `input` cannot be a valid ruleset, when that is easy to tell for certain.
fn certainly_invalid(input: &str) -> Option<String> {
    let lexed = lex(FileId(0), input);
    if !lexed.diagnostics.is_empty() {
        return Some("the lexer reported a problem".into());
    }
    match lexed.tokens.first() {
        Some(first) if first.tok == Tok::Kw(Kw::Ruleset) => {}
        // Only comments or whitespace: a valid, empty file.
        None => {}
        Some(_) => return Some("the input does not start with `ruleset`".into()),
    }
    let mut stack = Vec::new();
    for token in &lexed.tokens {
        let close = match token.tok {
            Tok::LParen | Tok::LBracket | Tok::LBrace | Tok::BeestingOpen | Tok::ChevronOpen => {
                stack.push(token.tok);
                continue;
            }
            Tok::RParen => Tok::LParen,
            Tok::RBracket => Tok::LBracket,
            Tok::RBrace => Tok::LBrace,
            Tok::BeestingClose => Tok::BeestingOpen,
            Tok::ChevronClose => Tok::ChevronOpen,
            _ => continue,
        };
        if stack.pop() != Some(close) {
            return Some(format!("brackets do not balance at byte {}", token.span.start));
        }
    }
    (!stack.is_empty()).then(|| "a bracket is never closed".to_string())
}

/// Runs `strategy` under a worker, counting inputs, and prints and records the statistics.
fn run<S>(name: &str, config: Config, strategy: S) -> (usize, Duration)
where
    S: Strategy,
    S::Value: AsRef<str>,
{
    let worker = Mutex::new(Worker::spawn());
    let count = AtomicUsize::new(0);
    let started = Instant::now();
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |input| {
        count.fetch_add(1, Ordering::Relaxed);
        let input = cut(input.as_ref());
        worker
            .lock()
            .expect("the worker lock is never poisoned")
            .check(input)
    });
    let stats = (count.load(Ordering::Relaxed), started.elapsed());
    if let Err(err) = result {
        panic!("{name}: {err}");
    }
    stats
}

fn report(name: &str, (inputs, elapsed): (usize, Duration)) {
    let line = format!("fuzz {name}: {inputs} inputs in {:.2} s", elapsed.as_secs_f64());
    eprintln!("{line}");
    let stats = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-stats.txt");
    let _ = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(stats)
        .and_then(|mut file| std::io::Write::write_all(&mut file, format!("{line}\n").as_bytes()));
}

/// `input` cut to [`MAX_INPUT`] bytes at a character boundary.
fn cut(input: &str) -> &str {
    let mut end = input.len().min(MAX_INPUT);
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    &input[..end]
}

// ---------------------------------------------------------------------------------------
// Random text

/// Characters that matter to the lexer, plus some that it must reject.
const ALPHABET: &[char] = &[
    'a', 'e', 'i', 'l', 'n', 'o', 'r', 's', 't', 'u', 'w', 'x', 'A', 'Z', '_', '$', '0', '1', '9', ' ', ' ',
    ' ', '\n', '\t', '{', '}', '(', ')', '[', ']', '<', '>', '#', '"', '\\', '/', '*', ':', ';', '=', '.',
    ',', '|', '&', '!', '+', '-', '%', '\'', '?', '@', 'é', '😀', '\u{a0}', '\u{2028}', '\r',
];

#[test]
fn random_text() {
    let strategy = proptest::collection::vec(proptest::sample::select(ALPHABET), 0..600)
        .prop_map(|chars| chars.into_iter().collect::<String>());
    report("random_text", run("random_text", config(cases()), strategy));
}

#[test]
fn random_text_inside_a_ruleset() {
    let strategy = proptest::collection::vec(proptest::sample::select(ALPHABET), 0..600).prop_map(|chars| {
        format!(
            "ruleset t.fuzz {{\n{}\n}}\n",
            chars.into_iter().collect::<String>()
        )
    });
    report(
        "random_text_inside_a_ruleset",
        run("random_text_inside_a_ruleset", config(cases()), strategy),
    );
}

// ---------------------------------------------------------------------------------------
// Random token sequences

/// Token texts, several of them deliberately broken or half-finished.
const TOKENS: &[&str] = &[
    "ruleset",
    "meta",
    "global",
    "rule",
    "select",
    "when",
    "where",
    "within",
    "minutes",
    "foreach",
    "setting",
    "pre",
    "if",
    "then",
    "every",
    "sample",
    "choose",
    "fired",
    "notfired",
    "else",
    "finally",
    "always",
    "raise",
    "event",
    "schedule",
    "at",
    "repeat",
    "attributes",
    "for",
    "log",
    "error",
    "info",
    "last",
    "on",
    "final",
    "clear",
    "function",
    "defaction",
    "return",
    "returns",
    "not",
    "and",
    "or",
    "before",
    "after",
    "between",
    "any",
    "count",
    "max",
    "push",
    "use",
    "module",
    "alias",
    "with",
    "shares",
    "provides",
    "configure",
    "using",
    "name",
    "is",
    "inactive",
    "null",
    "true",
    "false",
    "like",
    "cmp",
    "version",
    "a",
    "b",
    "x",
    "ent",
    "http",
    "send_directive",
    "noop",
    "t.x",
    "io.example-app",
    "ent:v",
    "event:attrs",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "<<",
    ">>",
    "#{",
    ":",
    ":=",
    "=",
    "==",
    "=>",
    "|",
    "||",
    "&&",
    ",",
    ";",
    ".",
    "+",
    "-",
    "*",
    "/",
    "%",
    "<",
    "<=",
    ">",
    ">=",
    "<=>",
    "><",
    "!=",
    "1",
    "2.5",
    ".5",
    "007",
    "\"s\"",
    "\"",
    "\"a\\\"b\"",
    "re#a#",
    "re#^x$#gi",
    "re#",
    "re#[#",
    "<<a #{x} b>>",
    "<<x",
    "/* c */",
    "/*",
    "// c\n",
    "\n",
    "!",
    "é",
    "#",
];

#[test]
fn random_tokens() {
    let token = proptest::sample::select(TOKENS);
    let separator = proptest::sample::select(&[" ", " ", " ", "", "\n"][..]);
    let strategy = (
        any::<bool>(),
        proptest::collection::vec((token, separator), 0..160),
    )
        .prop_map(|(wrap, tokens)| {
            let body: String = tokens.into_iter().flat_map(|(tok, sep)| [tok, sep]).collect();
            if wrap {
                format!("ruleset t.fuzz {{ {body} }}")
            } else {
                body
            }
        });
    report("random_tokens", run("random_tokens", config(cases()), strategy));
}

// ---------------------------------------------------------------------------------------
// Mutated case files

/// An edit of a case file. Numbers pick a token (or a byte) modulo how many there are.
#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Insert(usize, &'static str),
    TruncateAfterToken(usize),
    TruncateAtByte(usize),
    /// Repeats a run of whole lines (up to 8) right after itself.
    DuplicateLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => any::<usize>().prop_map(Mutation::Delete),
        2 => any::<usize>().prop_map(Mutation::Duplicate),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        2 => (any::<usize>(), proptest::sample::select(TOKENS)).prop_map(|(a, tok)| Mutation::Insert(a, tok)),
        1 => any::<usize>().prop_map(Mutation::TruncateAfterToken),
        1 => any::<usize>().prop_map(Mutation::TruncateAtByte),
        2 => (any::<usize>(), 1..8usize).prop_map(|(a, n)| Mutation::DuplicateLines(a, n)),
    ]
}

/// Applies one mutation to `src`, working on the spans of its tokens.
fn mutate(src: &str, mutation: &Mutation) -> String {
    if let Mutation::DuplicateLines(first, count) = mutation {
        let lines: Vec<&str> = src.split_inclusive('\n').collect();
        let first = first % lines.len().max(1);
        let run: String = lines.iter().skip(first).take(*count).copied().collect();
        let before: String = lines.iter().take(first + count).copied().collect();
        let after: String = lines.iter().skip(first + count).copied().collect();
        return format!("{before}{run}{after}");
    }
    let tokens = lex(FileId(0), src).tokens;
    if tokens.is_empty() {
        return src.to_string();
    }
    let pick = |idx: &usize| tokens[idx % tokens.len()].span.range();
    match mutation {
        Mutation::Delete(idx) => {
            let range = pick(idx);
            format!("{}{}", &src[..range.start], &src[range.end..])
        }
        Mutation::Duplicate(idx) => {
            let range = pick(idx);
            format!(
                "{} {}{}",
                &src[..range.end],
                &src[range.clone()],
                &src[range.end..]
            )
        }
        Mutation::Swap(a, b) => {
            let (first, second) = {
                let (a, b) = (pick(a), pick(b));
                if a.start <= b.start { (a, b) } else { (b, a) }
            };
            if first == second {
                return src.to_string();
            }
            format!(
                "{}{}{}{}{}",
                &src[..first.start],
                &src[second.clone()],
                &src[first.end..second.start],
                &src[first.clone()],
                &src[second.end..]
            )
        }
        Mutation::Insert(idx, tok) => {
            let range = pick(idx);
            format!("{}{tok} {}", &src[..range.start], &src[range.start..])
        }
        Mutation::TruncateAfterToken(idx) => src[..pick(idx).end].to_string(),
        Mutation::TruncateAtByte(idx) => {
            let mut end = idx % (src.len() + 1);
            while !src.is_char_boundary(end) {
                end -= 1;
            }
            src[..end].to_string()
        }
        Mutation::DuplicateLines(..) => unreachable!("handled above"),
    }
}

#[test]
fn mutated_case_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
    let files = testsuite::fuzz::krl_files_below(&root);
    assert!(!files.is_empty(), "no case files under {}", root.display());
    let per_file = (cases() / 64).max(2);
    let mut total = (0, Duration::ZERO);
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let strategy = proptest::collection::vec(mutation(), 1..4)
            .prop_map(move |mutations| mutations.iter().fold(src.clone(), |text, m| mutate(&text, m)));
        let name = format!("mutations of {}", path.display());
        let (inputs, elapsed) = run(&name, config(per_file), strategy);
        total = (total.0 + inputs, total.1 + elapsed);
    }
    report(&format!("mutated_case_files ({} files)", files.len()), total);
}

#[test]
fn mutations_edit_the_source_as_described() {
    let src = "ruleset a { }";
    let (first, last) = (0, 3);
    assert_eq!(mutate(src, &Mutation::Delete(first)), " a { }");
    assert_eq!(mutate(src, &Mutation::Duplicate(last)), "ruleset a { } }");
    assert_eq!(mutate(src, &Mutation::Swap(first, last)), "} a { ruleset");
    assert_eq!(mutate(src, &Mutation::Insert(last, "rule")), "ruleset a { rule }");
    assert_eq!(mutate(src, &Mutation::TruncateAfterToken(first)), "ruleset");
    assert_eq!(
        certainly_invalid("ruleset a { ( }"),
        Some("brackets do not balance at byte 14".into())
    );
    assert_eq!(certainly_invalid("ruleset a { }"), None);
    assert_eq!(
        mutate("a\nb\nc\n", &Mutation::DuplicateLines(1, 1)),
        "a\nb\nb\nc\n"
    );
}
