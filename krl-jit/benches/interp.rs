//! Interpreter speed on the workloads of issue #3: recursion, collection pipelines, string
//! building, maps and regexes. Each benchmark evaluates one KRL expression in a session that
//! already holds the helper declarations.

use criterion::{Criterion, criterion_group, criterion_main};
use krl_diagnostics::FileId;
use krl_jit::Session;
use krl_runtime::TestHost;

const SETUP: &[&str] = &[
    "fib = function(n) { n < 2 => n | fib(n - 1) + fib(n - 2) }",
    "pipeline = function(n) { 0.range(n).map(function(x) { x * 2 }).filter(function(x) { x % 3 == 0 }).reduce(function(a, b) { a + b }, 0) }",
    "strings = function(n) { 0.range(n).map(function(x) { \"item\" + x }).join(\",\") }",
    "build_map = function(n) { 0.range(n).reduce(function(m, i) { m.put(\"k\" + i, i) }, {}) }",
    "lookups = function(m, n) { 0.range(n).map(function(i) { m{\"k\" + (i % 1000)} }).reduce(function(a, b) { a + b }, 0) }",
    "matches = function(n) { 0.range(n).filter(function(i) { (\"abc\" + i).match(re#c\\d*5$#) }).length() }",
    "big_map = build_map(1000)",
];

fn session() -> (Session, TestHost) {
    let mut session = Session::new();
    let mut host = TestHost::new();
    for line in SETUP {
        session
            .eval_input(FileId(0), line, &mut host)
            .expect("benchmark setup evaluates");
    }
    (session, host)
}

fn bench(c: &mut Criterion) {
    let (mut session, mut host) = session();
    let mut run = |name: &str, expr: &str| {
        // Check the expression once so a broken benchmark fails loudly instead of timing errors.
        session
            .eval_input(FileId(0), expr, &mut host)
            .expect("benchmark expression evaluates");
        c.bench_function(name, |b| {
            b.iter(|| session.eval_input(FileId(0), expr, &mut host))
        });
    };
    run("fib(20)", "fib(20)");
    run("pipeline 10^4", "pipeline(10000)");
    run("pipeline 10^5", "pipeline(100000)");
    run("string join 10^4", "strings(10000)");
    run("build 1000-entry map", "build_map(1000)");
    run("10^4 map lookups", "lookups(big_map, 10000)");
    run("10^4 regex matches", "matches(10000)");
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
