//! Local acceptance: the checker reports no errors on the reference rulesets extracted to
//! `/tmp/refkrl/` (not committed; the test passes trivially when the folder is absent).
//! Set `KRL_REF_VERBOSE=1` to print every lint finding, not only the counts.

use std::collections::BTreeMap;
use std::path::Path;

use krl_diagnostics::{FileId, SourceDb, render};

#[test]
fn reference_rulesets_check_without_errors() {
    let dir = Path::new("/tmp/refkrl");
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("skipped: {} does not exist", dir.display());
        return;
    };
    let mut paths: Vec<_> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "krl"))
        .collect();
    paths.sort();
    let mut db = SourceDb::new();
    let mut errors = Vec::new();
    let mut lint_counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut checked = 0;
    let verbose = std::env::var_os("KRL_REF_VERBOSE").is_some();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("reference ruleset is readable");
        let file: FileId = db.add(path.display().to_string(), text);
        let parse = krl_syntax::parse_ruleset(file, db.text(file));
        if parse.has_errors() {
            // Syntax is the parse harness's business; `krl check` skips such files too.
            continue;
        }
        checked += 1;
        for diagnostic in krl_check::check(file, &parse).diagnostics {
            if diagnostic.is_error() {
                errors.push(render::to_terminal(&diagnostic, &db, false));
            } else {
                if verbose {
                    eprintln!("{}", render::to_short(&diagnostic, &db));
                }
                *lint_counts
                    .entry(format!("{} {}", diagnostic.code.id, diagnostic.code.name))
                    .or_default() += 1;
            }
        }
    }
    eprintln!(
        "checked {checked} of {} reference rulesets; lint counts:",
        paths.len()
    );
    for (code, count) in &lint_counts {
        eprintln!("  {code}: {count}");
    }
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}
