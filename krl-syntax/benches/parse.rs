//! Parsing speed on realistic rulesets: `data/large.krl`, a home automation hub of about
//! 1,500 lines with event expressions, pre blocks, functions, chevrons, maps and postludes,
//! and our wrangler (`runtime/system/io.picolabs.wrangler.krl`).
//! Throughput is reported in bytes, so `cargo bench -p krl-syntax --bench parse` prints MB/s.
//! The lexer, and the LALRPOP parser without the hand-written fast path, are measured on their
//! own too, to show how the time splits. On a machine too busy
//! for stable criterion figures, `examples/parse_timing.rs` reports the best of many runs.
//!
//! Two choices make the figure the parse a `krl` user gets: the bench uses the `krl`
//! binary's allocator (mimalloc), and each tree is dropped outside the timed part
//! (`iter_batched` one run at a time, so only one tree is alive), as freeing it is not
//! parsing (nor part of the reference parser's figure, whose garbage is collected later).

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use krl_diagnostics::FileId;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LARGE: &str = include_str!("data/large.krl");
/// Our own wrangler: the same kind of ruleset as the reference's 486-line wrangler, on which
/// the reference parser's figure in issue #2 (about 6.8 MB/s) was measured.
const WRANGLER: &str = include_str!("../../runtime/system/io.picolabs.wrangler.krl");

fn parse_large(c: &mut Criterion) {
    // Timing a parse that hits errors would measure recovery, not the common path.
    for (name, src) in [("large.krl", LARGE), ("wrangler.krl", WRANGLER)] {
        let parse = krl_syntax::parse_ruleset(FileId(0), src);
        assert!(
            parse.diagnostics.is_empty(),
            "{name} must parse cleanly: {:?}",
            parse.diagnostics
        );
    }

    bench_file(c, "large.krl", LARGE, true);
    bench_file(c, "wrangler.krl", WRANGLER, false);
    // A file we do not ship, such as the reference's own wrangler (the input of the issue's
    // reference figure): `KRL_BENCH_FILE=path cargo bench -p krl-syntax --bench parse`.
    if let Some(path) = std::env::var_os("KRL_BENCH_FILE") {
        let src = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("KRL_BENCH_FILE {}: {err}", path.display()));
        bench_file(c, "KRL_BENCH_FILE", &src, false);
    }
}

/// One group per input: the parse, and the lexer alone when `lex` is set. Each tree is
/// dropped outside the timed part, one run at a time.
fn bench_file(c: &mut Criterion, name: &str, src: &str, lex: bool) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(src.len() as u64));
    group.bench_function("parse_ruleset", |b| {
        b.iter_batched(
            || (),
            |()| krl_syntax::parse_ruleset(FileId(0), black_box(src)),
            BatchSize::PerIteration,
        )
    });
    // The LALRPOP parser alone: what a file with a syntax error costs, and the fast path's gain.
    group.bench_function("parse_ruleset_lalrpop_only", |b| {
        b.iter_batched(
            || (),
            |()| krl_syntax::differential::lalrpop_only(FileId(0), black_box(src)),
            BatchSize::PerIteration,
        )
    });
    if lex {
        group.bench_function("lex", |b| {
            b.iter_batched(
                || (),
                |()| krl_syntax::lexer::lex(FileId(0), black_box(src)),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, parse_large);
criterion_main!(benches);
