//! A short, fixed run of every target of the stable-toolchain fuzzer (`testsuite::fuzz`):
//! the same inputs every time (seed 1), a few seconds in all in a debug build. Long runs:
//! `cargo run --release -p testsuite --example fuzz -- --seconds 600` (docs/testing.md).

use std::path::Path;

use testsuite::fuzz::{Budget, Target, run};

/// Inputs per target: enough to exercise every mutation on many seeds, few enough for CI.
const INPUTS: u64 = 300;

fn fuzz(target: Target) {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let seeds = target.seeds(&workspace);
    assert!(!seeds.is_empty(), "no seed inputs for {}", target.name());
    // A big stack: the checks serialise trees with serde, which recurses once per level
    // (the tools themselves run on small stacks, see tests/nesting.rs).
    let summary = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || run(target, &seeds, 1, 0, Budget::Inputs(INPUTS), |_| {}))
        .expect("the fuzz thread starts")
        .join()
        .expect("the fuzzer itself does not panic");
    assert_eq!(summary.executions, INPUTS);
    let failures: Vec<String> = summary
        .failures
        .iter()
        .map(|f| format!("input {} {:?}: {}", f.index, f.input, f.problems.join("; ")))
        .collect();
    assert!(failures.is_empty(), "{}: {}", target.name(), failures.join("\n"));
}

#[test]
fn parse() {
    fuzz(Target::Parse);
}

#[test]
fn check() {
    fuzz(Target::Check);
}

#[test]
fn fmt() {
    fuzz(Target::Fmt);
}

#[test]
fn compile() {
    fuzz(Target::Compile);
}

#[test]
fn params() {
    fuzz(Target::Params);
}
