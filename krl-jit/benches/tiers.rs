//! The tiers side by side (issue #14): each workload of `benches/interp.rs` under `interp`,
//! `jit` and `auto`, plus the cost of compiling a function.
//!
//! ```sh
//! cargo bench -p krl-jit --bench tiers                # everything
//! cargo bench -p krl-jit --bench tiers -- 'fib'       # criterion's name filter
//! ```

use criterion::{Criterion, criterion_group, criterion_main};
use krl_diagnostics::FileId;
use krl_jit::{Session, Tier, set_tier};
use krl_runtime::TestHost;

#[path = "support/workloads.rs"]
mod workloads;
use workloads::{FIB, session};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const WORKLOADS: &[(&str, &str)] = &[
    ("fib(20)", "fib(20)"),
    ("pipeline 10^4", "pipeline(10000)"),
    ("string join 10^4", "strings(10000)"),
    ("build 1000-entry map", "build_map(1000)"),
    ("sort 10^4", "sorting(10000)"),
    ("10^4 regex matches", "matches(10000)"),
    ("arithmetic recursion 10^3", "score(1, 2, 1000)"),
];

/// Lines per function of [`thousand_lines`].
const LINES_PER_FUNCTION: usize = 10;

/// 1,000 lines of KRL functions (declarations, arithmetic, strings, maps, arrays,
/// conditionals, operators), each with a call of it: (declaration, call).
fn thousand_lines() -> Vec<(String, String)> {
    (0..1000 / LINES_PER_FUNCTION)
        .map(|i| {
            let declaration = format!(
                "f{i} = function(a, b) {{\n\
                 x = a * {i} + b;\n\
                 y = x % 7;\n\
                 s = \"v\" + y;\n\
                 m = {{\"k\": x, \"s\": s}};\n\
                 n = [x, y, s].length();\n\
                 z = (x > y) => x - y | y - x;\n\
                 w = m{{\"k\"}} + n;\n\
                 w + z + s.length() + (a < b => a | b)\n\
                 }}"
            );
            debug_assert_eq!(declaration.lines().count(), LINES_PER_FUNCTION);
            (declaration, format!("f{i}(1, 2)"))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    for tier in [Tier::Interp, Tier::Jit, Tier::Auto] {
        set_tier(tier);
        // A fresh session per tier: compiled code belongs to a session's functions.
        let (mut session, mut host) = session();
        for (name, expr) in WORKLOADS {
            // Once outside the timing: a broken benchmark fails loudly, and `auto` has
            // seen the functions before (as a long-running engine has).
            session
                .eval_input(FileId(0), expr, &mut host)
                .expect("benchmark expression evaluates");
            c.bench_function(&format!("{tier}/{name}"), |b| {
                b.iter(|| session.eval_input(FileId(0), expr, &mut host))
            });
        }
    }
    // Compiling: a new session declares fib and calls it once (fib(1): one call), under
    // `jit` (which compiles it) and `interp`; the difference is the compile time. The same
    // for 1,000 lines of functions (`thousand_lines`), each called once.
    let many = thousand_lines();
    for tier in [Tier::Interp, Tier::Jit] {
        set_tier(tier);
        c.bench_function(&format!("{tier}/declare and call fib once"), |b| {
            b.iter(|| {
                let mut session = Session::new();
                let mut host = TestHost::new();
                session
                    .eval_input(FileId(0), FIB, &mut host)
                    .expect("fib declares");
                session
                    .eval_input(FileId(0), "fib(1)", &mut host)
                    .expect("fib(1) runs")
            })
        });
        c.bench_function(&format!("{tier}/declare and call 1000 lines once"), |b| {
            b.iter(|| {
                let mut session = Session::new();
                let mut host = TestHost::new();
                for (declaration, call) in &many {
                    session
                        .eval_input(FileId(0), declaration, &mut host)
                        .expect("the function declares");
                    session
                        .eval_input(FileId(0), call, &mut host)
                        .expect("the function runs");
                }
            })
        });
    }
    set_tier(Tier::Interp);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2)).warm_up_time(std::time::Duration::from_millis(500));
    targets = bench
}
criterion_main!(benches);
