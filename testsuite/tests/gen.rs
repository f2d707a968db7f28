//! Generated KRL programs (`testsuite::gen_program`) through the interpreter: no panic, every error
//! with a message and a location, the same outcome twice; the differential runner
//! (`testsuite::gen_run::compare`) finding no difference between the interpreter and the
//! Cranelift tier, and reporting a planted difference as a minimal snippet.
//!
//! `KRL_GEN_CASES` (default [`DEFAULT_CASES`]) and `KRL_GEN_SEED` (default 1) choose the
//! programs; a long run:
//! `KRL_GEN_CASES=1000000 cargo test --release -p testsuite --test gen` (docs/testing.md).
//!
//! [`evaluate`] runs a program under the tier in force on its thread ([`krl_jit::with_tier`]).

use krl_diagnostics::FileId;
use krl_jit::{EvalError, Session, Tier, with_tier};
use krl_runtime::TestHost;
use testsuite::gen_program::Case;
use testsuite::gen_run::{ErrorAt, Outcome, check, compare};

/// Programs per run: 5,000 in a few seconds of a debug build.
const DEFAULT_CASES: u64 = 5_000;

/// Low limits keep runaway programs short: the generator recurses far past them.
const MAX_DEPTH: u32 = 200;
const STEP_BUDGET: u64 = 100_000;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn outcome(result: Result<krl_runtime::Value, EvalError>, decl: Option<usize>) -> Outcome {
    match result {
        Ok(value) => Outcome::Value(value.encode(0).unwrap_or_else(|| "undefined".into())),
        Err(EvalError::Runtime { error, at }) => Outcome::Error {
            message: error.to_string(),
            at: at.map(|at| ErrorAt {
                decl,
                start: at.span.start,
                end: at.span.end,
            }),
        },
        Err(EvalError::Compile(diagnostics)) => Outcome::Error {
            message: diagnostics
                .iter()
                .map(|d| d.message.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            at: diagnostics.first().map(|d| ErrorAt {
                decl,
                start: d.primary.at.span.start,
                end: d.primary.at.span.end,
            }),
        },
    }
}

/// An evaluator: a fresh session per program, under the thread's tier.
fn evaluate(program: &Case) -> Outcome {
    let mut session = Session::new().with_limits(MAX_DEPTH, STEP_BUDGET);
    let mut host = TestHost::new();
    for (idx, decl) in program.decls().iter().enumerate() {
        if let Err(err) = session.eval_input(FileId(0), decl, &mut host) {
            return outcome(Err(err), Some(idx));
        }
    }
    outcome(
        session.eval_input(FileId(0), &program.expr_text(), &mut host),
        None,
    )
}

/// Deep recursion in a debug build needs more than a test thread's default stack before
/// the interpreter's own stack growth takes over.
fn on_big_stack<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(body)
        .expect("the generator thread starts")
        .join()
        .expect("the runner itself does not panic")
}

#[test]
fn generated_programs_never_panic_and_every_error_is_located() {
    let (seed, cases) = (env("KRL_GEN_SEED", 1), env("KRL_GEN_CASES", DEFAULT_CASES));
    let summary = on_big_stack(move || check(seed, 0, cases, evaluate));
    eprintln!(
        "{} programs: {} values, {} errors",
        summary.cases, summary.values, summary.errors
    );
    assert_eq!(summary.cases, cases);
    // Both outcomes are common: the generator is neither all-valid nor all-broken.
    assert!(
        summary.values * 10 > cases && summary.errors * 10 > cases,
        "{summary:?}"
    );
    let findings: Vec<String> = summary
        .findings
        .iter()
        .take(10)
        .map(|f| format!("program {} ({}):\n{}", f.index, f.problem, f.snippet))
        .collect();
    assert!(findings.is_empty(), "{}", findings.join("\n\n"));
}

fn under(tier: Tier) -> impl Fn(&Case) -> Outcome {
    move |program| with_tier(tier, || evaluate(program))
}

#[test]
fn the_interpreter_and_the_cranelift_tier_agree_on_generated_programs() {
    let (seed, cases) = (env("KRL_GEN_SEED", 1), env("KRL_GEN_CASES", DEFAULT_CASES));
    let compiled_before = krl_jit::tier::compiled_functions();
    let mismatch = on_big_stack(move || compare(seed, 0, cases, under(Tier::Interp), under(Tier::Jit)));
    let compiled = krl_jit::tier::compiled_functions() - compiled_before;
    eprintln!("{cases} programs under both tiers, {compiled} functions compiled");
    // Most programs declare functions with stack frames: `jit` compiled them.
    assert!(
        compiled * 4 > cases as usize,
        "only {compiled} functions compiled"
    );
    assert!(
        mismatch.is_none(),
        "{}",
        mismatch.map(|m| m.to_string()).unwrap_or_default()
    );
}

#[test]
fn compare_reports_a_planted_difference_as_a_minimal_snippet() {
    // A "tier" that gets `%` wrong on everything: `a % b` evaluates as `a / b`.
    let broken = |program: &Case| {
        let mut swapped = program.clone();
        swapped.expr = testsuite::gen_program::Expr::Lit(program.expr_text().replace(" % ", " / "));
        evaluate(&swapped)
    };
    let mismatch =
        on_big_stack(move || compare(1, 0, 2_000, evaluate, broken)).expect("a difference is found");
    eprintln!("{mismatch}");
    let snippet = mismatch.snippet.clone();
    assert!(
        !snippet.contains('\n'),
        "declarations were not needed:\n{mismatch}"
    );
    assert!(snippet.contains(" % "), "{mismatch}");
    assert!(snippet.len() < 40, "not shrunk:\n{mismatch}");
}
