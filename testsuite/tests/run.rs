//! The engine harness: every `cases/run/*.krl` (rulesets plus a script of events, queries
//! and clock steps, see `testsuite::run_case`) runs on a fresh in-memory engine, and the
//! snapshot shows each step's directives, values and errors with their locations. Each case
//! runs under every tier; `jit` and `auto` must print exactly what the interpreter printed,
//! and under `jit` the rules' code (`pre`, conditions, guards, loops) must run compiled.

use std::sync::Arc;

use krl_jit::{Tier, set_tier};

/// Runs one case with `tier` in force. The engine's workers read the process-wide tier, so
/// this binary holds this one test and sets the tier around each run.
fn run_under(tier: Tier, name: &str, source: &str) -> String {
    set_tier(tier);
    let result = testsuite::run_case::run(name, source, Arc::new(krl_jit::InterpreterBackend));
    set_tier(Tier::Interp);
    result.unwrap_or_else(|err| panic!("{name} under {tier}: {err}"))
}

/// Whether a case's rules have code the compiled tier surely compiles: a `pre` block or an
/// `ent:` write in a postlude (a guard or a `foreach` collection may be one node the
/// interpreter evaluates whole, such as `[1, 2, 3]`, which stays interpreted).
fn computes_in_rules(source: &str) -> bool {
    source.contains("pre {") || source.contains(":=")
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
            let before = krl_jit::compiled_rule_units();
            let snapshot = run_under(Tier::Interp, &name, &source);
            assert_eq!(
                krl_jit::compiled_rule_units(),
                before,
                "{name}: interp compiled rule code"
            );
            insta::assert_snapshot!(snapshot);
            for tier in [Tier::Jit, Tier::Auto] {
                let other = run_under(tier, &name, &source);
                assert_eq!(other, snapshot, "{name}: {tier} differs from interp");
                if tier == Tier::Jit && computes_in_rules(&source) {
                    // Every case's rulesets are registered anew, so the jit run compiles
                    // their units again: rule code really ran compiled.
                    assert!(
                        krl_jit::compiled_rule_units() > before,
                        "{name}: no rule code was compiled under jit"
                    );
                }
            }
        });
    });
}
