//! `krl parse`, `krl check` and `krl fmt` on source nested far beyond the nesting limit:
//! each exits with the `E0119 nesting-too-deep` error instead of overflowing its stack (run
//! as child processes, so an abort fails the test without taking the harness down), and
//! `krl parse --json` prints a tree in size proportional to its depth.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn krl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_krl"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("krl runs")
}

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("nesting");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn ruleset(global: &str) -> String {
    format!("ruleset t.deep {{\n  global {{\n    x = {global}\n  }}\n}}\n")
}

#[test]
fn parse_check_and_fmt_refuse_deep_nesting_with_an_error() {
    let shapes = [
        ("arrays", format!("{}1{}", "[".repeat(20_000), "]".repeat(20_000))),
        ("parens", format!("{}1{}", "(".repeat(20_000), ")".repeat(20_000))),
        ("sum", format!("1{}", " + 1".repeat(100_000))),
        ("not", format!("{}1", "not ".repeat(100_000))),
    ];
    for (name, global) in shapes {
        let path = scratch(&format!("{name}.krl"), &ruleset(&global));
        let path = path.to_str().expect("UTF-8 path");
        for command in [
            &["parse", "--json", path][..],
            &["check", path],
            &["fmt", "--check", path],
        ] {
            let output = krl(command);
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert_eq!(output.status.code(), Some(1), "{name}: {command:?}: {stderr}");
            assert!(
                stderr.contains("nesting deeper than 500 levels")
                    || stdout.contains("nesting deeper than 500 levels"),
                "{name}: {command:?}: {stderr}"
            );
        }
    }
}

#[test]
fn parse_json_grows_linearly_with_the_depth() {
    let size = |depth: usize| {
        let path = scratch(
            &format!("linear-{depth}.krl"),
            &ruleset(&format!("{}1{}", "[".repeat(depth), "]".repeat(depth))),
        );
        let output = krl(&["parse", "--json", path.to_str().expect("UTF-8 path")]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("\"t.deep\""));
        output.stdout.len() as f64
    };
    let (shallow, deep) = (size(100), size(400));
    // Four times the depth, four times the output; with indentation growing with the depth
    // it was about nine times.
    assert!(
        deep / shallow < 4.5,
        "100 levels: {shallow} bytes, 400 levels: {deep} bytes"
    );
}
