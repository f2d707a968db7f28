//! Interpreter speed on the workloads of issue #3: recursion, collection pipelines, string
//! building, maps and regexes. Each benchmark evaluates one KRL expression in a session that
//! already holds the helper declarations.

use criterion::{Criterion, criterion_group, criterion_main};
use krl_diagnostics::FileId;

#[path = "support/workloads.rs"]
mod workloads;
use workloads::session;

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
