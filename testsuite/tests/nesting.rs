//! Deep nesting never aborts: source nested up to [`MAX_NESTING`] levels parses, checks,
//! formats, compiles and evaluates on a 2 MiB stack (the size of test threads, of tower-lsp's
//! handler threads and of the engine's server threads, which compile flushed rulesets);
//! deeper source gets the one `E0119 nesting-too-deep` error, however deep it is.
//!
//! A property test nests random mixes of every nestable construct (arrays, maps, parens,
//! binary and unary chains, calls, indexing, function bodies, conditionals, chevrons with
//! beestings, event expressions with `and`/`or`/`before`/`within`) up to several times the
//! limit. `PROPTEST_CASES` sets the number of inputs (default [`DEFAULT_CASES`], a few
//! seconds in a debug build); `PROPTEST_RNG_SEED` fixes the seed.

use krl_diagnostics::{Diagnostic, FileId, codes};
use krl_runtime::engine::Backend;
use krl_syntax::fmt::{FormatOptions, format_source};
use krl_syntax::nesting::MAX_NESTING;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// The stack of the engine's server threads and of test threads.
const SMALL_STACK: usize = 2 << 20;

/// Inputs of the property test when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 24;

/// One level of an expression, wrapped around the expression inside it.
#[derive(Clone, Copy, Debug)]
enum Level {
    Array,
    Map,
    Paren,
    /// `x + 1`: a binary chain, as deep as it is long.
    Sum,
    /// `1 * x`: a binary operator with the nested side on the right.
    Product,
    Not,
    Negate,
    Call,
    Index,
    Dot,
    /// `function(a) { a; x }`: a function body.
    Function,
    /// `a => 0 | x`.
    Conditional,
    /// `<<a #{x} b>>`.
    Chevron,
}

const LEVELS: [Level; 13] = [
    Level::Array,
    Level::Map,
    Level::Paren,
    Level::Sum,
    Level::Product,
    Level::Not,
    Level::Negate,
    Level::Call,
    Level::Index,
    Level::Dot,
    Level::Function,
    Level::Conditional,
    Level::Chevron,
];

fn wrap(level: Level, inner: &str) -> String {
    // A postfix operator applies to the whole inner expression only when that ends in a
    // name or a bracket; otherwise (`a => x | 0`, `<<...>>`) it takes parentheses.
    let postfix_operand = || match inner.chars().last() {
        Some(')' | ']' | 'a') => inner.to_string(),
        _ => format!("({inner})"),
    };
    match level {
        Level::Array => format!("[{inner}]"),
        Level::Map => format!("{{\"k\": {inner}}}"),
        Level::Paren => format!("({inner})"),
        Level::Sum => format!("{inner} + 1"),
        Level::Product => format!("1 * {inner}"),
        Level::Not => format!("not {inner}"),
        Level::Negate => format!("-{inner}"),
        Level::Call => format!("f({inner})"),
        Level::Index => format!("{}[0]", postfix_operand()),
        Level::Dot => format!("{}.a", postfix_operand()),
        Level::Function => format!("function(a) {{ b = a; {inner} }}"),
        Level::Conditional => format!("a => 0 | {inner}"),
        Level::Chevron => format!("<<a #{{{inner}}} b>>"),
    }
}

/// One level of an event expression.
#[derive(Clone, Copy, Debug)]
enum EventLevel {
    Or,
    And,
    Before,
    Paren,
}

const EVENT_LEVELS: [EventLevel; 4] = [
    EventLevel::Or,
    EventLevel::And,
    EventLevel::Before,
    EventLevel::Paren,
];

fn wrap_event(level: EventLevel, inner: &str) -> String {
    match level {
        EventLevel::Or => format!("{inner} or d t"),
        EventLevel::And => format!("d t and {inner}"),
        EventLevel::Before => format!("before({inner}, d t)"),
        EventLevel::Paren => format!("({inner})"),
    }
}

/// A ruleset holding `levels` around a leaf, once in `global` and once in a rule, and
/// `event_levels` around a selector.
fn ruleset(levels: &[Level], event_levels: &[EventLevel]) -> String {
    let expr = levels
        .iter()
        .fold("a".to_string(), |inner, level| wrap(*level, &inner));
    let event = event_levels
        .iter()
        .fold("d t".to_string(), |inner, level| wrap_event(*level, &inner));
    format!(
        "ruleset t.nest {{\n  global {{\n    a = 1\n    f = function(x) {{ x }}\n    x = {expr}\n  }}\n  \
         rule r {{\n    select when {event} within 3 minutes\n    pre {{\n      y = {expr}\n    }}\n    \
         send_directive(<<#{{x}}>>)\n  }}\n}}\n"
    )
}

/// What happened to one input: `Ok(true)` when it went through every stage, `Ok(false)` when
/// it was refused for its nesting, `Err` for anything else.
fn every_stage(src: String) -> Result<bool, String> {
    // A stack overflow aborts the process (and fails the test) rather than panicking here.
    let worker = std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let parse = krl_syntax::parse_ruleset(FileId(0), &src);
            if parse
                .diagnostics
                .iter()
                .any(|d| d.code == codes::NESTING_TOO_DEEP)
            {
                return only_the_nesting_error(&parse.diagnostics).map(|()| false);
            }
            if parse.has_errors() {
                return Err(format!("syntax errors: {:?}", parse.diagnostics));
            }
            // Random mixes can be ill-typed (`1 * function...`); such a ruleset must still go
            // through every stage, only its compilation may fail.
            let analysis = krl_check::check(FileId(0), &parse);
            let well_typed = !analysis.diagnostics.iter().any(Diagnostic::is_error);
            let options = FormatOptions::default();
            let formatted = format_source(FileId(0), &src, &options).map_err(|err| format!("fmt: {err}"))?;
            let again =
                format_source(FileId(0), &formatted, &options).map_err(|err| format!("fmt again: {err}"))?;
            if formatted != again {
                return Err("fmt is not idempotent".into());
            }
            let backend = krl_jit::InterpreterBackend;
            let compiled = backend.compile("file:///nest.krl", &src);
            if well_typed && let Err(err) = compiled {
                return Err(format!("compile: {err}"));
            }
            backend.warnings("file:///nest.krl", &src);
            // Evaluates `global`, and with it the deep expression and the deep value it makes;
            // a runtime error (`-` on a map, say) is an answer like any other.
            if well_typed {
                let mut host = krl_runtime::TestHost::new();
                let _ = krl_jit::Session::new().load_ruleset(FileId(0), &src, &mut host);
            }
            Ok(true)
        });
    worker
        .expect("the worker thread starts")
        .join()
        .map_err(|_| "a stage panicked".to_string())?
}

/// Each section (`global`, a rule) nested too deeply gets the error once, and nothing else.
fn only_the_nesting_error(diagnostics: &[Diagnostic]) -> Result<(), String> {
    let message = format!("nesting deeper than {MAX_NESTING} levels");
    if diagnostics.iter().all(|d| d.message == message) {
        Ok(())
    } else {
        Err(format!("expected only the nesting error, got {diagnostics:?}"))
    }
}

#[test]
fn every_construct_at_the_limit_goes_through_every_stage() {
    // Each level counts one or two towards the limit; the ruleset around it a few.
    let depth = MAX_NESTING as usize / 2 - 10;
    for level in LEVELS {
        let src = ruleset(&vec![level; depth], &[]);
        assert_eq!(every_stage(src), Ok(true), "{level:?} × {depth}");
    }
    for level in EVENT_LEVELS {
        let src = ruleset(&[], &vec![level; depth]);
        assert_eq!(every_stage(src), Ok(true), "{level:?} × {depth}");
    }
}

#[test]
fn every_construct_far_beyond_the_limit_gets_the_nesting_error() {
    let depth = 40 * MAX_NESTING as usize;
    for level in LEVELS {
        let src = ruleset(&vec![level; depth], &[]);
        assert_eq!(every_stage(src), Ok(false), "{level:?} × {depth}");
    }
    for level in EVENT_LEVELS {
        let src = ruleset(&[], &vec![level; depth]);
        assert_eq!(every_stage(src), Ok(false), "{level:?} × {depth}");
    }
}

#[test]
fn the_limit_is_exact_for_brackets() {
    let limit = MAX_NESTING as usize;
    // Counted from the section: the brace of `global {` is the first level.
    let at = |depth: usize| {
        format!(
            "ruleset t.nest {{ global {{ x = {}1{} }} }}",
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    assert_eq!(every_stage(at(limit - 1)), Ok(true));
    assert_eq!(every_stage(at(limit)), Ok(false));
}

#[test]
fn random_nesting_of_every_construct() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let max_depth = 3 * MAX_NESTING as usize;
    let strategy = (
        proptest::collection::vec(proptest::sample::select(&LEVELS[..]), 0..max_depth),
        proptest::collection::vec(proptest::sample::select(&EVENT_LEVELS[..]), 0..max_depth),
    );
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |(levels, event_levels)| {
        let src = ruleset(&levels, &event_levels);
        let outcome = every_stage(src);
        // Nothing shallower than a third of the limit is refused (each level counts at most
        // two, the ruleset around it a few), nothing deeper than the limit gets through.
        let deepest = levels.len().max(event_levels.len());
        prop_assert!(outcome.is_ok(), "{outcome:?}");
        if deepest < MAX_NESTING as usize / 3 {
            prop_assert_eq!(outcome, Ok(true));
        } else if deepest > MAX_NESTING as usize {
            prop_assert_eq!(outcome, Ok(false));
        }
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
}
