//! Which snapshot belongs to which case file, so that a snapshot whose case was renamed or
//! deleted fails the build instead of lingering (STYLE.md §10: orphaned snapshots fail).
//!
//! `insta::glob!` names a snapshot `<module>__<function>@<case file name>.snap`, where
//! `<module>` is the test file (`tests/parse.rs` → `parse`) and `<function>` the test
//! function. Every harness that snapshots case files registers itself in [`GLOB_HARNESSES`].

use std::path::Path;

/// A test function that runs `insta::glob!` over one directory of case files.
#[derive(Clone, Copy, Debug)]
pub struct GlobHarness {
    /// The test file's name without `.rs`.
    pub module: &'static str,
    /// The test function's name.
    pub function: &'static str,
    /// The directory of case files, relative to the testsuite crate.
    pub cases: &'static str,
}

/// Every harness that snapshots case files; add a line here with each new one.
pub const GLOB_HARNESSES: &[GlobHarness] = &[
    GlobHarness {
        module: "parse",
        function: "ok_cases",
        cases: "cases/parse/ok",
    },
    GlobHarness {
        module: "parse",
        function: "err_cases",
        cases: "cases/parse/err",
    },
];

/// Snapshots made by plain `assert_snapshot!` calls (no case file), by file name.
pub const PLAIN_SNAPSHOTS: &[&str] = &[];

/// The `.snap` files in `snapshot_dir` that belong to no existing case file, each with the
/// reason. `crate_root` is the directory that case directories are relative to.
pub fn orphaned(snapshot_dir: &Path, crate_root: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(snapshot_dir) else {
        return Vec::new();
    };
    let mut orphans: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".snap"))
        .filter_map(|name| orphan_reason(&name, crate_root).map(|reason| format!("{name}: {reason}")))
        .collect();
    orphans.sort();
    orphans
}

fn orphan_reason(file_name: &str, crate_root: &Path) -> Option<String> {
    if PLAIN_SNAPSHOTS.contains(&file_name) {
        return None;
    }
    let stem = file_name.strip_suffix(".snap").unwrap_or(file_name);
    let Some((prefix, case_file)) = stem.split_once('@') else {
        return Some("not a glob snapshot; list it in `PLAIN_SNAPSHOTS` if it is meant to exist".into());
    };
    let Some(harness) = GLOB_HARNESSES
        .iter()
        .find(|h| prefix == format!("{}__{}", h.module, h.function))
    else {
        return Some(format!("no harness `{prefix}` is registered in `GLOB_HARNESSES`"));
    };
    let case = crate_root.join(harness.cases).join(case_file);
    if case.is_file() {
        None
    } else {
        Some(format!("the case file {}/{case_file} does not exist", harness.cases))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(orphan_reason("parse__ok_cases@no_such_case.krl.snap", root).is_some());
        assert!(orphan_reason("parse__nope@x.krl.snap", root).is_some());
        assert!(orphan_reason("parse__plain.snap", root).is_some());
    }
}
