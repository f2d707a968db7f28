//! Latency of the language server's work on a 1,500-line ruleset: analysing a new version
//! (parse, check, diagnostics), completion and hover. Speed targets are checked here, not in
//! timed tests: an edit must be answered with diagnostics within 50 ms.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use krl_lsp::Analysis;
use krl_lsp::handlers::{completion, diagnostics, hover};
use krl_lsp::workspace::Workspace;
use tower_lsp::lsp_types::{Position, Url};

#[path = "support/large_ruleset.rs"]
mod large_ruleset;
use large_ruleset::large_ruleset;

fn bench(c: &mut Criterion) {
    let src = large_ruleset();
    let uri = Url::parse("file:///bench/large.krl").expect("a valid url");
    let line = src
        .lines()
        .position(|l| l.contains("d = double50(t)"))
        .unwrap_or(0) as u32;
    c.bench_function("analyse and diagnose 1,500 lines", |b| {
        b.iter(|| {
            let analysis = Analysis::new(uri.clone(), 1, src.as_str());
            black_box(diagnostics::diagnostics(&analysis))
        })
    });
    let analysis = Analysis::new(uri.clone(), 1, src.as_str());
    let workspace = Workspace::default();
    c.bench_function("completion in a rule of 1,500 lines", |b| {
        b.iter(|| {
            black_box(completion::completion(
                &analysis,
                &workspace,
                Position::new(line, 10),
            ))
        })
    });
    c.bench_function("hover in a rule of 1,500 lines", |b| {
        b.iter(|| black_box(hover::hover(&analysis, Position::new(line, 12))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
