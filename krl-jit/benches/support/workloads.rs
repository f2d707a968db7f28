//! The KRL helper declarations the interpreter and tier benchmarks evaluate their workloads
//! with (`benches/interp.rs`, `benches/tiers.rs`), and the session that holds them: one
//! list, so both benchmarks time the same functions.

use krl_diagnostics::FileId;
use krl_jit::Session;
use krl_runtime::TestHost;

pub const FIB: &str = "fib = function(n) { n < 2 => n | fib(n - 1) + fib(n - 2) }";

/// Declarations evaluated once before any timing.
const SETUP: &[&str] = &[
    FIB,
    "pipeline = function(n) { 0.range(n).map(function(x) { x * 2 }).filter(function(x) { x % 3 == 0 }).reduce(function(a, b) { a + b }, 0) }",
    "strings = function(n) { 0.range(n).map(function(x) { \"item\" + x }).join(\",\") }",
    "build_map = function(n) { 0.range(n).reduce(function(m, i) { m.put(\"k\" + i, i) }, {}) }",
    "lookups = function(m, n) { 0.range(n).map(function(i) { m{\"k\" + (i % 1000)} }).reduce(function(a, b) { a + b }, 0) }",
    "sorting = function(n) { 0.range(n).map(function(i) { (i * 7919) % 1000 }).sort(function(a, b) { a <=> b }) }",
    "matches = function(n) { 0.range(n).filter(function(i) { (\"abc\" + i).match(re#c\\d*5$#) }).length() }",
    "score = function(a, b, n) { n == 0 => a | score(b, (a * 31 + b) % 1000003, n - 1) }",
    "big_map = build_map(1000)",
];

/// A session holding every declaration of [`SETUP`], and the host it ran on.
pub fn session() -> (Session, TestHost) {
    let mut session = Session::new();
    let mut host = TestHost::new();
    for line in SETUP {
        session
            .eval_input(FileId(0), line, &mut host)
            .expect("benchmark setup evaluates");
    }
    (session, host)
}
