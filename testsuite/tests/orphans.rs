//! Fails on orphaned snapshots: every `.snap` file under `tests/snapshots/` must belong to a
//! registered harness and an existing case file (see `testsuite::snapshots`). insta does not
//! delete snapshots whose case was renamed or removed, and CI never writes snapshots.

use std::path::Path;

#[test]
fn every_snapshot_has_a_case_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let orphans = testsuite::snapshots::orphaned(&root.join("tests/snapshots"), root);
    assert!(
        orphans.is_empty(),
        "orphaned snapshots (delete them, or restore their case files):\n{}",
        orphans.join("\n")
    );
}
