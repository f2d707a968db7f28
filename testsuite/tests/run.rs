//! The engine harness: every `cases/run/*.krl` (rulesets plus a script of events, queries
//! and clock steps, see `testsuite::run_case`) runs on a fresh in-memory engine, and the
//! snapshot shows each step's directives, values and errors with their locations.
//!
//! `backend` is the one place that names the execution tier.

use std::sync::Arc;

use krl_runtime::engine::Backend;

fn backend() -> Arc<dyn Backend> {
    Arc::new(krl_jit::InterpreterBackend)
}

#[test]
fn run_cases() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/run");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../cases/run", "*.krl", |path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let source = std::fs::read_to_string(path)
                .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
            let snapshot =
                testsuite::run_case::run(&name, &source, backend()).unwrap_or_else(|err| panic!("{err}"));
            insta::assert_snapshot!(snapshot);
        });
    });
}
