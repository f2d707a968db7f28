//! The formatter's three promises, checked on every ruleset we have and on generated ones:
//! formatting is idempotent, the output parses to the same tree as the input (spans aside),
//! and every comment survives, in order.
//!
//! Corpora: `testsuite/cases/parse/ok/`, `testsuite/cases/fmt/`, `examples/`, the benchmark
//! data, and, when the `KRL_FMT_CORPUS` environment variable names a folder, every `.krl`
//! file below it.

use std::path::{Path, PathBuf};

use krl_diagnostics::FileId;
use krl_syntax::fmt::{FormatOptions, format_source};
use krl_syntax::trivia::CommentKind;
use proptest::prelude::*;
use serde_json::Value;

/// The tree as JSON with every span removed.
fn shape(src: &str) -> Value {
    let parse = krl_syntax::parse_ruleset(FileId(0), src);
    let mut json = serde_json::to_value(&parse.ruleset).expect("the AST serialises");
    strip_spans(&mut json);
    json
}

fn strip_spans(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|key, _| !key.ends_with("span"));
            for child in map.values_mut() {
                strip_spans(child);
            }
        }
        Value::Array(items) => {
            // `Rule::state` is a `(state, span)` pair.
            items.retain(|item| !is_span(item));
            for item in items {
                strip_spans(item);
            }
        }
        _ => {}
    }
}

fn is_span(value: &Value) -> bool {
    matches!(value, Value::Object(map) if map.len() == 2 && map.contains_key("start") && map.contains_key("end"))
}

/// Comment texts in source order (line comments without trailing blanks).
fn comments(src: &str) -> Vec<String> {
    let parse = krl_syntax::parse_ruleset(FileId(0), src);
    parse
        .trivia
        .comments
        .iter()
        .map(|c| {
            let text = &src[c.span.start as usize..c.span.end as usize];
            match c.kind {
                CommentKind::Line => text.trim_end().to_string(),
                CommentKind::Block => text.to_string(),
            }
        })
        .collect()
}

/// Checks the three promises for one source; `Err` explains the first broken one.
fn check(name: &str, src: &str, width: usize) -> Result<(), String> {
    let options = FormatOptions { width };
    let once = format_source(FileId(0), src, &options).map_err(|err| format!("{name}: {err}"))?;
    let reparsed = krl_syntax::parse_ruleset(FileId(0), &once);
    if reparsed.has_errors() {
        return Err(format!("{name}: the output does not parse:\n{once}"));
    }
    if shape(src) != shape(&once) {
        return Err(format!("{name}: the output means something else:\n{once}"));
    }
    if comments(src) != comments(&once) {
        return Err(format!(
            "{name}: comments changed: {:?} became {:?}\n{once}",
            comments(src),
            comments(&once)
        ));
    }
    let twice =
        format_source(FileId(0), &once, &options).map_err(|err| format!("{name} (second pass): {err}"))?;
    if once != twice {
        let diff = similar_lines(&once, &twice);
        return Err(format!("{name}: not idempotent:\n{diff}"));
    }
    Ok(())
}

fn similar_lines(a: &str, b: &str) -> String {
    let mut out = String::new();
    for (idx, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            out.push_str(&format!("line {}:\n- {x}\n+ {y}\n", idx + 1));
        }
    }
    if out.is_empty() {
        out = format!("{a}\n----\n{b}");
    }
    out
}

fn krl_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            krl_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "krl") {
            files.push(path);
        }
    }
}

fn check_dir(dir: &Path) -> (usize, Vec<String>) {
    let mut files = Vec::new();
    krl_files(dir, &mut files);
    files.sort();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &files {
        let src = std::fs::read_to_string(path).expect("corpus files are readable");
        if krl_syntax::parse_ruleset(FileId(0), &src).has_errors() {
            continue;
        }
        checked += 1;
        for width in [100, 40] {
            if let Err(err) = check(&path.display().to_string(), &src, width) {
                failures.push(err);
            }
        }
    }
    (checked, failures)
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate is in the workspace")
        .to_path_buf()
}

#[test]
fn parse_cases_format_soundly() {
    let (_, failures) = check_dir(&workspace().join("testsuite/cases/parse/ok"));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn fmt_cases_format_soundly() {
    let (checked, failures) = check_dir(&workspace().join("testsuite/cases/fmt"));
    assert!(checked > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn examples_format_soundly() {
    let (checked, failures) = check_dir(&workspace().join("examples"));
    assert!(checked > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn bench_data_formats_soundly() {
    let (_, failures) = check_dir(&workspace().join("krl-syntax/benches/data"));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn extra_corpus_formats_soundly() {
    let Some(dir) = std::env::var_os("KRL_FMT_CORPUS") else {
        return;
    };
    let (checked, failures) = check_dir(Path::new(&dir));
    eprintln!("checked {checked} files, {} failures", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn syntax_errors_are_refused() {
    let err = format_source(FileId(0), "ruleset a { rule }", &FormatOptions::default());
    assert!(err.is_err());
}

#[test]
fn semicolon_kept_where_the_result_would_continue_a_declaration() {
    let src = "ruleset a { global { f = function() { a = 1; [a] } g = function() { b = 2; -b } } }";
    let out = format_source(FileId(0), src, &FormatOptions::default()).expect("formats");
    assert!(out.contains("a = 1;\n"), "{out}");
    assert!(out.contains("b = 2;\n"), "{out}");
    check("semicolons", src, 100).unwrap();
}

// ---------------------------------------------------------------------------------------
// Generated rulesets: small token trees joined by random whitespace and comments.

/// A token sequence; `None` marks a place where whitespace or a comment may go.
type Tokens = Vec<String>;

fn join(tokens: &[&Tokens]) -> Tokens {
    tokens.iter().flat_map(|t| t.iter().cloned()).collect()
}

fn tok(text: &str) -> Tokens {
    vec![text.to_string()]
}

fn leaf() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        Just(tok("x")),
        Just(tok("ent:count")),
        Just(tok("event:attrs")),
        Just(tok("1")),
        Just(tok("2.50")),
        Just(tok("\"s\"")),
        Just(tok("\"two\nlines\"")),
        Just(tok("re#^a\\#b#gi")),
        Just(tok("<<hi #{x /* in beesting */} there>>")),
        Just(tok("true")),
        Just(tok("null")),
    ]
}

fn expr() -> impl Strategy<Value = Tokens> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        let op = prop_oneof![
            Just("+"),
            Just("-"),
            Just("*"),
            Just("=="),
            Just("&&"),
            Just("||"),
            Just("like"),
            Just("><")
        ];
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(l, op, r)| join(&[&l, &tok(op), &r])),
            inner.clone().prop_map(|e| join(&[&tok("("), &e, &tok(")")])),
            inner.clone().prop_map(|e| join(&[&tok("-"), &e])),
            inner.clone().prop_map(|e| join(&[&tok("not"), &e])),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|items| {
                let mut out = tok("[");
                for (idx, item) in items.iter().enumerate() {
                    if idx > 0 {
                        out.push(",".into());
                    }
                    out.extend(item.iter().cloned());
                }
                out.push("]".into());
                out
            }),
            proptest::collection::vec(inner.clone(), 0..3).prop_map(|items| {
                let mut out = tok("{");
                for (idx, item) in items.iter().enumerate() {
                    if idx > 0 {
                        out.push(",".into());
                    }
                    out.push(format!("\"k{idx}\""));
                    out.push(":".into());
                    out.extend(item.iter().cloned());
                }
                out.push("}".into());
                out
            }),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| join(&[
                &tok("("),
                &a,
                &tok("=>"),
                &b,
                &tok("|"),
                &c,
                &tok(")")
            ])),
            (inner.clone(), proptest::collection::vec(inner.clone(), 0..3)).prop_map(|(callee, args)| {
                let mut out = tok("(");
                out.extend(callee);
                out.push(")".into());
                out.push(".f(".into());
                for (idx, arg) in args.iter().enumerate() {
                    if idx > 0 {
                        out.push(",".into());
                    }
                    out.extend(arg.iter().cloned());
                }
                out.push(")".into());
                out
            }),
            (proptest::collection::vec(inner.clone(), 0..3), inner.clone()).prop_map(|(decls, result)| {
                let mut out = tok("function(a,");
                out.push("b = 2)".into());
                out.push("{".into());
                for (idx, decl) in decls.iter().enumerate() {
                    out.push(format!("d{idx}"));
                    out.push("=".into());
                    out.extend(decl.iter().cloned());
                    out.push(";".into());
                }
                out.extend(result);
                out.push("}".into());
                out
            }),
        ]
    })
}

fn event() -> impl Strategy<Value = Tokens> {
    let base = prop_oneof![
        Just(tok("a b")),
        Just(join(&[&tok("c:d"), &tok("attr"), &tok("re#(.*)#")])),
        expr().prop_map(|e| join(&[&tok("e f"), &tok("where"), &e])),
        Just(join(&[&tok("g h"), &tok("setting(x, y)")])),
    ];
    base.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(l, r)| join(&[&l, &tok("or"), &r])),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| join(&[&l, &tok("and"), &r])),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| join(&[&l, &tok("before"), &r])),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| join(&[
                &tok("any 1 ("),
                &l,
                &tok(","),
                &r,
                &tok(")")
            ])),
            inner.clone().prop_map(|e| join(&[&tok("("), &e, &tok(")")])),
            Just(join(&[&tok("count 2 ("), &tok("x y"), &tok(")"), &tok("max(m)")])),
        ]
    })
}

fn statement() -> impl Strategy<Value = Tokens> {
    prop_oneof![
        expr().prop_map(|e| join(&[&tok("ent:x"), &tok(":="), &e])),
        expr().prop_map(|e| join(&[&tok("v"), &tok("="), &e, &tok(";")])),
        expr().prop_map(|e| join(&[&tok("raise a event"), &tok("\"b\""), &tok("attributes"), &e])),
        expr().prop_map(|e| join(&[&tok("log info"), &e, &tok("if"), &tok("x")])),
        Just(tok("last")),
        Just(join(&[&tok("clear"), &tok("ent:m{\"k\"}"), &tok("on final")])),
    ]
}

fn rule() -> impl Strategy<Value = Tokens> {
    (
        event(),
        proptest::collection::vec(expr(), 0..3),
        proptest::collection::vec(expr(), 0..3),
        proptest::collection::vec(statement(), 0..4),
    )
        .prop_map(|(event, pre, args, stmts)| {
            let mut out = tok("rule r {");
            out.push("select when".into());
            out.extend(event);
            if !pre.is_empty() {
                out.push("pre {".into());
                for (idx, decl) in pre.iter().enumerate() {
                    out.push(format!("p{idx}"));
                    out.push("=".into());
                    out.extend(decl.iter().cloned());
                }
                out.push("}".into());
            }
            out.push("send_directive(".into());
            for (idx, arg) in args.iter().enumerate() {
                if idx > 0 {
                    out.push(",".into());
                }
                out.extend(arg.iter().cloned());
            }
            out.push(")".into());
            out.push("fired {".into());
            for stmt in stmts {
                out.extend(stmt);
            }
            out.push("}".into());
            out.push("}".into());
            out
        })
}

fn ruleset() -> impl Strategy<Value = Tokens> {
    (
        proptest::collection::vec(expr(), 0..3),
        proptest::collection::vec(rule(), 0..3),
    )
        .prop_map(|(globals, rules)| {
            let mut out = tok("ruleset gen.erated {");
            out.push("meta {".into());
            out.push("shares a, b".into());
            out.push("}".into());
            out.push("global {".into());
            for (idx, value) in globals.iter().enumerate() {
                out.push(format!("g{idx}"));
                out.push("=".into());
                out.extend(value.iter().cloned());
            }
            out.push("}".into());
            for rule in rules {
                out.extend(rule);
            }
            out.push("}".into());
            out
        })
}

fn separator() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(" ".to_string()),
        2 => Just("\n".to_string()),
        1 => Just("\n\n".to_string()),
        1 => Just(" /* block */ ".to_string()),
        1 => Just(" // line\n".to_string()),
        1 => Just("\n// own line\n".to_string()),
        1 => Just("\n\n/* own\n   block */\n".to_string()),
    ]
}

fn source() -> impl Strategy<Value = String> {
    ruleset()
        .prop_flat_map(|tokens| {
            let n = tokens.len() + 1;
            (Just(tokens), proptest::collection::vec(separator(), n))
        })
        .prop_map(|(tokens, seps)| {
            let mut out = seps[0].clone();
            for (token, sep) in tokens.iter().zip(&seps[1..]) {
                out.push_str(token);
                out.push_str(sep);
            }
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_rulesets_format_soundly(src in source(), width in prop_oneof![Just(100usize), Just(30usize)]) {
        prop_assume!(!krl_syntax::parse_ruleset(FileId(0), &src).has_errors());
        if let Err(err) = check("generated", &src, width) {
            return Err(TestCaseError::fail(format!("{err}\n--- input ---\n{src}")));
        }
    }
}
