//! `krl fmt` takes its line width from `--width`, else from `[fmt] width` in the nearest
//! `krl.toml` above the file, else 100.

use std::path::{Path, PathBuf};
use std::process::Command;

const LONG_LINE: &str =
    "ruleset a.b {\n  global {\n    x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]\n  }\n}\n";

fn project(name: &str, config: Option<&str>) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rulesets")).expect("the project folder is created");
    if let Some(config) = config {
        std::fs::write(dir.join("krl.toml"), config).expect("krl.toml is written");
    }
    std::fs::write(dir.join("rulesets/a.krl"), LONG_LINE).expect("the ruleset is written");
    dir
}

fn fmt_check(dir: &Path, extra: &[&str]) -> i32 {
    let output = Command::new(env!("CARGO_BIN_EXE_krl"))
        .arg("fmt")
        .arg("--check")
        .args(extra)
        .arg(dir.join("rulesets"))
        .output()
        .expect("krl runs");
    output.status.code().unwrap_or(-1)
}

#[test]
fn the_width_comes_from_the_nearest_krl_toml() {
    let narrow = project("fmt_narrow", Some("[fmt]\nwidth = 40\n"));
    assert_eq!(fmt_check(&narrow, &[]), 1, "a 51-column line breaks at width 40");
    assert_eq!(
        fmt_check(&narrow, &["--width", "100"]),
        0,
        "--width wins over krl.toml"
    );
    let default = project("fmt_default", None);
    assert_eq!(fmt_check(&default, &[]), 0, "the default width is 100");
}

#[test]
fn a_bad_width_is_a_usage_error() {
    let bad = project("fmt_bad_width", Some("[fmt]\nwidth = \"wide\"\n"));
    assert_eq!(fmt_check(&bad, &[]), 2);
}
