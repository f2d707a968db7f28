//! Formatting speed on a large ruleset (`data/fmt_large.krl`, ~1,600 generated lines).
//! Target: under 5 ms.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use krl_diagnostics::FileId;
use krl_syntax::fmt::{FormatOptions, format_ruleset};

const LARGE: &str = include_str!("data/fmt_large.krl");

fn fmt(c: &mut Criterion) {
    let parse = krl_syntax::parse_ruleset(FileId(0), LARGE);
    assert!(!parse.has_errors(), "the benchmark ruleset parses");
    let options = FormatOptions::default();
    c.bench_function("fmt fmt_large.krl (format only)", |b| {
        b.iter(|| format_ruleset(black_box(LARGE), &parse, &options).expect("formats"))
    });
    c.bench_function("fmt fmt_large.krl (parse + format)", |b| {
        b.iter(|| {
            let parse = krl_syntax::parse_ruleset(FileId(0), black_box(LARGE));
            format_ruleset(LARGE, &parse, &options).expect("formats")
        })
    });
}

criterion_group!(benches, fmt);
criterion_main!(benches);
