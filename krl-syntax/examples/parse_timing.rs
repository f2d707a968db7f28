//! Robust timing of `parse_ruleset` on the bench input for a loaded machine: the minimum
//! over many runs is what the code costs when nothing else interferes.
//! `cargo run --release -p krl-syntax --example parse_timing [runs] [parse_ruleset|lalrpop_only|lex] [FILE]`;
//! the same input, work and allocator as `benches/parse.rs`; the drop of the result is not
//! timed.

use std::hint::black_box;
use std::time::Instant;

use krl_diagnostics::FileId;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LARGE: &str = include_str!("../benches/data/large.krl");

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let only = std::env::args().nth(2);
    let text = std::env::args()
        .nth(3)
        .map(|path| std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}")));
    let src: &str = text.as_deref().unwrap_or(LARGE);
    let wanted = |name: &str| only.as_deref().is_none_or(|only| only == name);
    if wanted("parse_ruleset") {
        report("parse_ruleset", runs, src.len(), || {
            krl_syntax::parse_ruleset(FileId(0), black_box(src))
        });
    }
    if wanted("lalrpop_only") {
        report("lalrpop_only", runs, src.len(), || {
            krl_syntax::differential::lalrpop_only(FileId(0), black_box(src))
        });
    }
    if wanted("lex") {
        report("lex", runs, src.len(), || {
            krl_syntax::lexer::lex(FileId(0), black_box(src))
        });
    }
}

/// Times `work` `runs` times, dropping each result after its time is taken.
fn report<T>(name: &str, runs: usize, bytes: usize, work: impl Fn() -> T) {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let result = black_box(work());
            let elapsed = start.elapsed().as_secs_f64();
            drop(result);
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let min = times[0];
    let p10 = times[runs / 10];
    let mib = bytes as f64 / (1024.0 * 1024.0);
    println!(
        "{name:14} min {:8.1} µs ({:6.1} MiB/s)  p10 {:8.1} µs ({:6.1} MiB/s)",
        min * 1e6,
        mib / min,
        p10 * 1e6,
        mib / p10
    );
}
