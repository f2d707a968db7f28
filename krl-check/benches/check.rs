//! Checking speed on a realistic ruleset: krl-syntax's `benches/data/large.krl` (about 1,500
//! lines). Target: under 5 ms for `check` on a parsed tree. Parsing is measured by
//! krl-syntax's own benchmark and is not included.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use krl_diagnostics::FileId;

const LARGE: &str = include_str!("../../krl-syntax/benches/data/large.krl");

fn check_large(c: &mut Criterion) {
    let parse = krl_syntax::parse_ruleset(FileId(0), LARGE);
    assert!(
        !parse.has_errors(),
        "large.krl must parse cleanly: {:?}",
        parse.diagnostics
    );
    let options = krl_check::Options::default();

    let mut group = c.benchmark_group("large.krl");
    group.bench_function("check", |b| {
        b.iter(|| krl_check::check(FileId(0), black_box(&parse)))
    });
    group.bench_function("check_with_allow_comments", |b| {
        b.iter(|| krl_check::check_with(FileId(0), Some(LARGE), black_box(&parse), &options))
    });
    group.finish();
}

criterion_group!(benches, check_large);
criterion_main!(benches);
