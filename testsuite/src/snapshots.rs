//! Which snapshot belongs to which case file, so that a snapshot whose case was renamed or
//! deleted fails the build instead of lingering (STYLE.md §10: orphaned snapshots fail).
//!
//! `insta::glob!` names a snapshot `<module>__<function>@<case file name>.snap`, where
//! `<module>` is the test file (`tests/parse.rs` → `parse`) and `<function>` the test
//! function (without `<module>__` when a harness turns off `prepend_module_to_snapshot`).
//! Every harness that snapshots case files registers itself in [`GLOB_HARNESSES`], with the
//! folder its snapshots go to; the check walks `tests/snapshots/` and its subfolders.

use std::path::{Path, PathBuf};

/// A test function that runs `insta::glob!` over one directory of case files.
#[derive(Clone, Copy, Debug)]
pub struct GlobHarness {
    /// What its snapshot names start with, before the `@`: `<module>__<function>`, or just
    /// `<function>` when the harness turns off `prepend_module_to_snapshot`.
    pub prefix: &'static str,
    /// The directory of case files, relative to the testsuite crate.
    pub cases: &'static str,
    /// Where its snapshots are written, relative to the testsuite crate.
    pub snapshots: &'static str,
}

/// Every harness that snapshots case files; add a line here with each new one.
pub const GLOB_HARNESSES: &[GlobHarness] = &[
    GlobHarness {
        prefix: "parse__ok_cases",
        cases: "cases/parse/ok",
        snapshots: "tests/snapshots",
    },
    GlobHarness {
        prefix: "parse__err_cases",
        cases: "cases/parse/err",
        snapshots: "tests/snapshots",
    },
    GlobHarness {
        prefix: "fmt__fmt_cases",
        cases: "cases/fmt",
        snapshots: "tests/snapshots",
    },
    GlobHarness {
        prefix: "eval_cases",
        cases: "cases/eval",
        snapshots: "tests/snapshots/eval",
    },
    GlobHarness {
        prefix: "ir_cases",
        cases: "cases/ir",
        snapshots: "tests/snapshots/ir",
    },
    GlobHarness {
        prefix: "run_cases",
        cases: "cases/run",
        snapshots: "tests/snapshots/run",
    },
    GlobHarness {
        prefix: "check__check_cases",
        cases: "cases/check",
        snapshots: "tests/snapshots/check",
    },
];

/// Snapshots made by plain `assert_snapshot!` calls (no case file), by path relative to
/// the testsuite crate.
pub const PLAIN_SNAPSHOTS: &[&str] = &[];

/// The `.snap` files anywhere below `snapshot_root` that belong to no existing case file,
/// each with the reason. `crate_root` is the testsuite crate, which the paths in
/// [`GLOB_HARNESSES`] are relative to.
pub fn orphaned(snapshot_root: &Path, crate_root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    collect_snapshots(snapshot_root, &mut files);
    let mut orphans: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(crate_root).unwrap_or(path);
            let name = relative.to_string_lossy().replace('\\', "/");
            orphan_reason(&name, crate_root).map(|reason| format!("{name}: {reason}"))
        })
        .collect();
    orphans.sort();
    orphans
}

fn collect_snapshots(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            collect_snapshots(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "snap") {
            files.push(path);
        }
    }
}

/// Why the snapshot at `name` (relative to the crate, `/`-separated) is an orphan.
fn orphan_reason(name: &str, crate_root: &Path) -> Option<String> {
    if PLAIN_SNAPSHOTS.contains(&name) {
        return None;
    }
    let (dir, file_name) = name.rsplit_once('/').unwrap_or(("", name));
    let stem = file_name.strip_suffix(".snap").unwrap_or(file_name);
    let Some((prefix, case_file)) = stem.split_once('@') else {
        return Some("not a glob snapshot; list it in `PLAIN_SNAPSHOTS` if it is meant to exist".into());
    };
    let Some(harness) = GLOB_HARNESSES
        .iter()
        .find(|h| h.prefix == prefix && h.snapshots == dir)
    else {
        return Some(format!(
            "no harness `{prefix}` writing to `{dir}` is registered in `GLOB_HARNESSES`"
        ));
    };
    let case = crate_root.join(harness.cases).join(case_file);
    if case.is_file() {
        None
    } else {
        Some(format!(
            "the case file {}/{case_file} does not exist",
            harness.cases
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let snapshot = "tests/snapshots/parse__ok_cases@select_when_or_two_events.krl.snap";
        assert_eq!(orphan_reason(snapshot, root), None);
        let misplaced = "tests/snapshots/check/parse__ok_cases@select_when_or_two_events.krl.snap";
        assert!(orphan_reason(misplaced, root).is_some());
        assert!(orphan_reason("tests/snapshots/parse__ok_cases@no_such_case.krl.snap", root).is_some());
        assert!(orphan_reason("tests/snapshots/parse__nope@x.krl.snap", root).is_some());
        assert!(orphan_reason("tests/snapshots/parse__plain.snap", root).is_some());
    }
}
