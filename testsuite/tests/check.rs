//! The check harness: every file in `cases/check` is parsed (it must parse cleanly) and
//! checked with `krl_check::check`; the diagnostics must match its caret comments one to
//! one, and the source with the rendered diagnostics is snapshotted. The case format is
//! documented in `testsuite::case`. `use module RID` finds `cases/check/modules/RID.krl`, and
//! `// krl:allow(...)` comments apply as in `krl check`.
//!
//! FIXME(#7): `testsuite::case::Mode` has no `Check` variant yet and `GLOB_HARNESSES` does
//! not list this harness; until the owner of those files adds them, the header is read as a
//! parse header (same length, so offsets do not move) and the snapshots live in their own
//! folder with their own orphan check below.

use std::path::Path;

use krl_diagnostics::{FileId, SourceDb, render};
use testsuite::case::Case;

const SNAPSHOTS: &str = "snapshots/check";

/// Modules for the cases: `cases/check/modules/RID.krl`.
struct CaseModules;

impl krl_check::ModuleResolver for CaseModules {
    fn resolve(&self, rid: &str) -> Option<krl_check::ModuleInfo> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("cases/check/modules")
            .join(format!("{rid}.krl"));
        let text = std::fs::read_to_string(path).ok()?;
        let parse = krl_syntax::parse_ruleset(FileId(0), &text);
        Some(krl_check::ModuleInfo::of(&parse.ruleset))
    }
}

fn load(path: &Path) -> (Case, String) {
    let source =
        std::fs::read_to_string(path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let name = format!(
        "cases/check/{}",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
    );
    assert!(
        source.starts_with("//> mode = \"check\"\n"),
        "{name}: a check case starts with `//> mode = \"check\"`"
    );
    let as_parse = source.replacen("mode = \"check\"", "mode = \"parse\"", 1);
    let case = Case::from_source(&name, as_parse).unwrap_or_else(|err| panic!("{name}: {err}"));
    (case, source)
}

#[test]
fn check_cases() {
    let mut failures = Vec::new();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(SNAPSHOTS);
    settings.bind(|| {
        insta::glob!("../cases/check", "*.krl", |path| {
            let (case, source) = load(path);
            let mut db = SourceDb::new();
            let file: FileId = db.add(case.name.clone(), source.clone());
            let parse = krl_syntax::parse_ruleset(file, &source);
            let mut problems = Vec::new();
            if !parse.diagnostics.is_empty() {
                problems.push(format!(
                    "{}: a check case must parse without diagnostics",
                    case.name
                ));
            }
            let options = krl_check::Options {
                modules: Some(&CaseModules),
                ..Default::default()
            };
            let analysis = krl_check::check_with(file, Some(&source), &parse, &options);
            let mut diagnostics = parse.diagnostics.clone();
            diagnostics.extend(analysis.diagnostics);
            if let Err(mismatch) = case.match_carets(&diagnostics) {
                problems.push(mismatch);
            }
            for problem in problems {
                eprintln!("{problem}");
                failures.push(problem);
            }
            let rendered: Vec<String> = diagnostics
                .iter()
                .map(|d| render::to_terminal(d, &db, false))
                .collect();
            let snapshot = format!(
                "--- source ---\n{}\n--- diagnostics ---\n{}",
                source.trim_end(),
                rendered.join("\n")
            );
            insta::assert_snapshot!(snapshot);
        });
    });
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_check_snapshot_has_a_case_file() {
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
        let case_file = stem.strip_prefix("check__check_cases@");
        if !case_file.is_some_and(|file| root.join("cases/check").join(file).is_file()) {
            orphans.push(name);
        }
    }
    assert!(orphans.is_empty(), "orphaned check snapshots: {orphans:?}");
}
