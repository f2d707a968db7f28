//! The interpreter's guards against runaway code: the call-depth limit (a `RangeError`, as in
//! the reference, without overflowing the native stack) and the optional step budget.

use std::time::{Duration, Instant};

use krl_diagnostics::FileId;
use krl_jit::{EvalError, Session};
use krl_runtime::TestHost;

fn runtime_error(result: Result<krl_runtime::Value, EvalError>) -> String {
    match result {
        Err(EvalError::Runtime { error, .. }) => error.to_string(),
        Err(EvalError::Compile(diagnostics)) => panic!("expected a runtime error, got {diagnostics:?}"),
        Ok(value) => panic!("expected a runtime error, got {value:?}"),
    }
}

#[test]
fn runaway_recursion_is_a_range_error() {
    let mut session = Session::new();
    let mut host = TestHost::new();
    session
        .eval_input(FileId(0), "f = function(n) { f(n + 1) }", &mut host)
        .expect("declaration evaluates");
    let started = Instant::now();
    let err = runtime_error(session.eval_input(FileId(0), "f(0)", &mut host));
    assert_eq!(err, "RangeError: Maximum call stack size exceeded");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    // The session is still usable, and the depth counter was unwound.
    let value = session.eval_input(FileId(0), "[1, 2].map(function(x) { x + 1 })", &mut host);
    assert_eq!(value.expect("evaluates").encode(0).as_deref(), Some("[2,3]"));
}

#[test]
fn recursion_through_stdlib_callbacks_is_bounded_too() {
    let mut session = Session::new();
    let mut host = TestHost::new();
    session
        .eval_input(
            FileId(0),
            "g = function(n) { [n].map(function(x) { g(x + 1) }) }",
            &mut host,
        )
        .expect("declaration evaluates");
    let err = runtime_error(session.eval_input(FileId(0), "g(0)", &mut host));
    assert_eq!(err, "RangeError: Maximum call stack size exceeded");
}

#[test]
fn depth_limit_is_configurable() {
    let mut session = Session::new().with_limits(50, u64::MAX);
    let mut host = TestHost::new();
    session
        .eval_input(
            FileId(0),
            "down = function(n) { n == 0 => 0 | down(n - 1) }",
            &mut host,
        )
        .expect("declaration evaluates");
    assert!(session.eval_input(FileId(0), "down(40)", &mut host).is_ok());
    let err = runtime_error(session.eval_input(FileId(0), "down(60)", &mut host));
    assert_eq!(err, "RangeError: Maximum call stack size exceeded");
}

#[test]
fn step_budget_stops_a_huge_loop() {
    let mut session = Session::new().with_limits(10_000, 100_000);
    let mut host = TestHost::new();
    let started = Instant::now();
    let err = runtime_error(session.eval_input(
        FileId(0),
        "0.range(1000000).map(function(x) { x * 2 }).length()",
        &mut host,
    ));
    assert_eq!(
        err,
        "Error: step budget of 100000 exceeded (a runaway loop or recursion?)"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    // Each input gets the whole budget again.
    let value = session.eval_input(
        FileId(0),
        "0.range(100).map(function(x) { x }).length()",
        &mut host,
    );
    assert_eq!(value.expect("fits the budget").encode(0).as_deref(), Some("101"));
}

#[test]
fn without_a_budget_long_loops_finish() {
    let mut session = Session::new();
    let mut host = TestHost::new();
    let value = session.eval_input(
        FileId(0),
        "0.range(200000).reduce(function(a, b) { a + b })",
        &mut host,
    );
    assert_eq!(
        value.expect("evaluates").encode(0).as_deref(),
        Some("20000100000")
    );
}
