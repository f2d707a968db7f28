//! Stored directive snapshots: one JSON file per test file, next to it
//! (`sensors.test.toml` → `sensors.test.snap.json`), mapping `test name / snapshot name` to
//! the directives recorded by `krl test --accept`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

/// The snapshot file of a test file.
pub fn path_for(test_file: &Path) -> PathBuf {
    let name = test_file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("tests.toml");
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    test_file.with_file_name(format!("{stem}.snap.json"))
}

/// The stored snapshots of a test file (none when there is no snapshot file).
pub fn load(test_file: &Path) -> Result<BTreeMap<String, Json>, String> {
    let path = path_for(test_file);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|err| format!("{}: not a snapshot file: {err}", path.display())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(err) => Err(format!("{}: {err}", path.display())),
    }
}

/// Adds or replaces snapshots and writes the file (sorted by key, pretty, so that diffs in
/// review stay small). Returns how many entries changed.
pub fn store(test_file: &Path, updates: Vec<(String, Json)>) -> std::io::Result<usize> {
    if updates.is_empty() {
        return Ok(0);
    }
    let mut stored = load(test_file).unwrap_or_default();
    let count = updates.len();
    stored.extend(updates);
    let mut text = serde_json::to_string_pretty(&stored).map_err(std::io::Error::other)?;
    text.push('\n');
    std::fs::write(path_for(test_file), text)?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_file_sits_next_to_the_test_file() {
        assert_eq!(
            path_for(Path::new("a/sensors.test.toml")),
            PathBuf::from("a/sensors.test.snap.json")
        );
    }
}
