//! The parse harness: every file in `cases/parse/ok` must parse without diagnostics and is
//! snapshotted as an S-expression; every file in `cases/parse/err` must produce exactly the
//! diagnostics its caret comments announce and is snapshotted with the rendered
//! diagnostics. Both check the span invariants of `testsuite::spans`. The case format and
//! the caret rule are documented in `testsuite::case`.

use krl_diagnostics::{FileId, SourceDb, render};
use krl_syntax::Parse;
use krl_syntax::ast::{DeclItem, MetaItem, RuleItem, Ruleset};
use testsuite::case::Case;
use testsuite::{sexp, spans};

/// A case with its parse; the source is registered in `db` under the case's name.
struct Parsed {
    case: Case,
    parse: Parse,
    db: SourceDb,
}

fn parse_case(path: &std::path::Path) -> Parsed {
    let case = Case::load(path);
    let mut db = SourceDb::new();
    let file: FileId = db.add(case.name.clone(), case.source.clone());
    let parse = krl_syntax::parse_ruleset(file, &case.source);
    Parsed { case, parse, db }
}

/// Problems every case can have: broken span invariants and rules that did not survive.
fn common_problems(parsed: &Parsed) -> Vec<String> {
    let mut problems = spans::check_parse(&parsed.case.source, &parsed.parse);
    for name in &parsed.case.header.intact_rules {
        if !parsed.parse.ruleset.rules().any(|rule| rule.name.name == name) {
            problems.push(format!(
                "rule `{name}` is listed in `intact_rules` but is not in the tree"
            ));
        }
    }
    problems
}

fn rendered_diagnostics(parsed: &Parsed) -> String {
    parsed
        .parse
        .diagnostics
        .iter()
        .map(|d| render::to_terminal(d, &parsed.db, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Records problems and prints them at once, so they show even when a snapshot assertion
/// later fails the whole glob. A case with a `fixme` header keeps its known problems in the
/// snapshot instead (the returned section); it fails only when they are gone.
fn report(failures: &mut Vec<String>, case: &Case, problems: Vec<String>) -> String {
    let mut problems = problems;
    let mut known = String::new();
    if let Some(fixme) = &case.header.fixme {
        if problems.is_empty() {
            problems.push(format!(
                "no problems left: remove `fixme = {fixme:?}` and update the snapshot"
            ));
        } else {
            known = format!("--- known problems ---\n{fixme}\n{}\n", problems.join("\n"));
            problems.clear();
        }
    }
    for problem in problems {
        let line = format!("{}: {problem}", case.name);
        eprintln!("{line}");
        failures.push(line);
    }
    known
}

#[test]
fn ok_cases() {
    let mut failures = Vec::new();
    insta::glob!("../cases/parse/ok", "*.krl", |path| {
        let parsed = parse_case(path);
        let mut problems = common_problems(&parsed);
        if !parsed.parse.diagnostics.is_empty() {
            problems.push(format!(
                "expected no diagnostics, got:\n{}",
                rendered_diagnostics(&parsed)
            ));
        }
        if !parsed.case.carets.is_empty() {
            problems.push("an ok case has no caret comments; move it to cases/parse/err".into());
        }
        let known = report(&mut failures, &parsed.case, problems);
        let snapshot = format!(
            "--- source ---\n{}\n--- ast ---\n{}\n{known}",
            parsed.case.source.trim_end(),
            sexp::ruleset_to_string(&parsed.parse.ruleset)
        );
        insta::assert_snapshot!(snapshot);
    });
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn err_cases() {
    let mut failures = Vec::new();
    insta::glob!("../cases/parse/err", "*.krl", |path| {
        let parsed = parse_case(path);
        let mut problems = common_problems(&parsed);
        if parsed.case.carets.is_empty() {
            problems.push("an err case needs at least one caret comment".into());
        }
        if let Err(mismatch) = parsed.case.match_carets(&parsed.parse.diagnostics) {
            problems.push(mismatch);
        }
        let known = report(&mut failures, &parsed.case, problems);
        let snapshot = format!(
            "--- source ---\n{}\n--- diagnostics ---\n{}--- recovered ---\n{}{known}",
            parsed.case.source.trim_end(),
            rendered_diagnostics(&parsed),
            outline(&parsed.parse.ruleset)
        );
        insta::assert_snapshot!(snapshot);
    });
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What error recovery kept, one line per section: meta keys, global names, rule names,
/// with `<error>` where input was skipped.
fn outline(ruleset: &Ruleset) -> String {
    let mut out = format!("rid: {}\n", ruleset.rid.name);
    if let Some(meta) = &ruleset.meta {
        let keys: Vec<&str> = meta
            .props
            .iter()
            .map(|item| match item {
                MetaItem::Prop(prop) => prop.key.name.as_str(),
                MetaItem::Error { .. } => "<error>",
            })
            .collect();
        out.push_str(&format!("meta: {}\n", keys.join(", ")));
    }
    if let Some(global) = &ruleset.global {
        let names: Vec<&str> = global
            .decls
            .iter()
            .map(|item| match item {
                DeclItem::Declaration(decl) => decl.name.name.as_str(),
                DeclItem::Error { .. } => "<error>",
            })
            .collect();
        out.push_str(&format!("global: {}\n", names.join(", ")));
    }
    let rules: Vec<&str> = ruleset
        .rules
        .iter()
        .map(|item| match item {
            RuleItem::Rule(rule) => rule.name.name.as_str(),
            RuleItem::Error { .. } => "<error>",
        })
        .collect();
    out.push_str(&format!("rules: {}\n", rules.join(", ")));
    out
}
