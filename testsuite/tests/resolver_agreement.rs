//! The checker and lowering resolve names with one resolver (`krl_check::NameResolver`), so
//! they must agree on every name error: for every ruleset in the repository that parses
//! (test cases, our rulesets, the examples, the system rulesets, fixtures), the unknown
//! names, duplicate declarations and parameters, and undefined exports `krl check` reports
//! are exactly the ones the engine's compiler reports, at the same places.

use std::path::{Path, PathBuf};

use krl_diagnostics::{Diagnostic, FileId, Span, codes};

/// What kind of name error a diagnostic is, in either consumer's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum NameError {
    Unknown,
    DuplicateDeclaration,
    DuplicateParameter,
    UndefinedExport,
}

fn checker_kind(diagnostic: &Diagnostic) -> Option<NameError> {
    let id = diagnostic.code.id;
    [
        (codes::UNKNOWN_NAME.id, NameError::Unknown),
        (codes::DUPLICATE_DECLARATION.id, NameError::DuplicateDeclaration),
        (codes::DUPLICATE_PARAMETER.id, NameError::DuplicateParameter),
        (codes::UNDEFINED_EXPORT.id, NameError::UndefinedExport),
    ]
    .into_iter()
    .find_map(|(code, kind)| (code == id).then_some(kind))
}

/// The reference's words, which the engine's compiler uses.
fn lowering_kind(diagnostic: &Diagnostic) -> Option<NameError> {
    let message = diagnostic.message.as_str();
    [
        ("Undefined id: ", NameError::Unknown),
        ("Duplicate declaration: ", NameError::DuplicateDeclaration),
        ("Duplicate parameter: ", NameError::DuplicateParameter),
        ("Trying to share: ", NameError::UndefinedExport),
        ("Trying to provide: ", NameError::UndefinedExport),
    ]
    .into_iter()
    .find_map(|(prefix, kind)| message.starts_with(prefix).then_some(kind))
}

fn krl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            krl_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "krl") {
            out.push(path);
        }
    }
}

/// The name errors of one ruleset by place, as `(start, end, kind)`, from each consumer.
type Found = Vec<(u32, u32, NameError)>;

fn name_errors(src: &str) -> Option<(Found, Found)> {
    let parse = krl_syntax::parse_ruleset(FileId(0), src);
    if parse.has_errors() {
        return None;
    }
    // Lowering compiles the active rules that have a `select`; the checker resolves a rule
    // without one too (and reports the missing `select`, as lowering does).
    let skipped: Vec<Span> = parse
        .ruleset
        .rules()
        .filter(|rule| rule.is_active() && rule.select.is_none())
        .map(|rule| rule.span)
        .collect();
    let compiled = |span: Span| {
        !skipped
            .iter()
            .any(|rule| rule.start <= span.start && span.end <= rule.end)
    };
    let place = |d: &Diagnostic, kind| (d.primary.at.span.start, d.primary.at.span.end, kind);
    let mut checked: Found = krl_check::check(FileId(0), &parse)
        .diagnostics
        .iter()
        .filter(|d| compiled(d.primary.at.span))
        .filter_map(|d| checker_kind(d).map(|kind| place(d, kind)))
        .collect();
    let lowering = krl_jit::ruleset::dump(FileId(0), src).err().unwrap_or_default();
    let mut lowered: Found = lowering
        .iter()
        .filter_map(|d| lowering_kind(d).map(|kind| place(d, kind)))
        .collect();
    checked.sort();
    lowered.sort();
    Some((checked, lowered))
}

#[test]
fn the_checker_and_lowering_report_the_same_name_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the testsuite crate lives in the workspace")
        .to_path_buf();
    let mut files = Vec::new();
    for dir in [
        "testsuite",
        "examples",
        "runtime/system",
        "krl-cli/tests",
        "bench",
    ] {
        krl_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut compared = 0;
    let mut with_errors = 0;
    let mut disagreements = Vec::new();
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let Some((checked, lowered)) = name_errors(&src) else {
            continue;
        };
        compared += 1;
        with_errors += usize::from(!checked.is_empty());
        if checked != lowered {
            let rel = path.strip_prefix(&root).unwrap_or(path).display().to_string();
            disagreements.push(format!(
                "{rel}:\n  checker:  {checked:?}\n  lowering: {lowered:?}"
            ));
        }
    }
    // The comparison means something only if it saw rulesets, and rulesets with name errors.
    assert!(compared > 200, "only {compared} rulesets parsed");
    assert!(with_errors > 5, "only {with_errors} rulesets have name errors");
    assert!(
        disagreements.is_empty(),
        "the checker and lowering disagree on {} rulesets:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
