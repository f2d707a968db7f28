//! Each transaction runs with an execution context of its own (issue #14, item 5): a
//! `ctx:query` runs another pico's transaction nested on the caller's thread, and that
//! transaction counts its call depth and steps and records its error place apart from the
//! caller's, under every tier.

use std::sync::Arc;

use krl_jit::{InterpreterBackend, Tier, with_tier};
use krl_runtime::engine::{Engine, EngineError, EngineOptions};
use krl_runtime::value::Map;
use krl_runtime::{RuntimeError, Value};

const OUTER_URL: &str = "file:///work/outer.krl";
const INNER_URL: &str = "file:///work/inner.krl";

/// The caller's ruleset, on the root pico. Line numbers matter: the tests check them.
const OUTER: &str = r#"ruleset test.outer {
  meta { shares deep_then_query, ask, ask_then_fail, spend_then_query }
  global {
    down = function(n, peer, m) { n <= 0 => ctx:query(peer, "test.inner", "deep", {"n": m}) | down(n - 1, peer, m) + 0 }
    deep_then_query = function(peer, n, m) { down(n, peer, m) }
    ask = function(peer) {
      answer = ctx:query(peer, "test.inner", "broken", {})
      answer + 1
    }
    ask_then_fail = function(peer) {
      answer = ctx:query(peer, "test.inner", "fine", {})
      answer(1)
    }
    spin = function(n) { n <= 0 => 0 | spin(n - 1) + 1 }
    spend_then_query = function(peer, n) { spin(n) + ctx:query(peer, "test.inner", "spend", {"n": n}) + spin(n) }
  }
}
"#;

/// The queried ruleset, on a child pico.
const INNER: &str = r#"ruleset test.inner {
  meta { shares deep, broken, fine, spend }
  global {
    down = function(n) { n <= 0 => 0 | down(n - 1) + 1 }
    deep = function(n) { down(n) }
    fail = function(x) { x(2) }
    broken = function() { fail(1) }
    fine = function() { down(3) }
    spend = function(n) { down(n) }
  }
}
"#;

/// An engine with `test.outer` on the root pico and `test.inner` on a child; answers the
/// root's channel and the child's.
fn engine(step_budget: u64) -> (Engine, String, String) {
    let options = EngineOptions {
        step_budget,
        manual_clock: Some(1_000_000.0),
        ..EngineOptions::default()
    };
    let engine = Engine::new(Arc::new(InterpreterBackend), options);
    engine
        .register(OUTER_URL, OUTER)
        .expect("the outer ruleset compiles");
    engine
        .register(INNER_URL, INNER)
        .expect("the inner ruleset compiles");
    let root = engine.root_pico().to_string();
    let link = engine.new_pico(&root).expect("a child pico");
    let child = engine.pico_of(&link).expect("the child's id");
    engine
        .install(&root, OUTER_URL, Map::new())
        .expect("installs outer");
    engine
        .install(&child, INNER_URL, Map::new())
        .expect("installs inner");
    let channel = |pico: &str| {
        engine
            .new_channel(pico, &Value::Null, &Value::Null, &Value::Null)
            .expect("a channel")
            .id
    };
    let (outer, inner) = (channel(&root), channel(&child));
    (engine, outer, inner)
}

fn query(engine: &Engine, eci: &str, name: &str, args: &[(&str, Value)]) -> Result<Value, EngineError> {
    let args: Map = args.iter().map(|(key, value)| (*key, value.clone())).collect();
    engine.query(eci, "test.outer", name, Value::map(args))
}

fn runtime_error(result: Result<Value, EngineError>) -> RuntimeError {
    match result {
        Err(EngineError::Runtime(err)) => err,
        other => panic!("expected a runtime error, got {other:?}"),
    }
}

const TIERS: [Tier; 3] = [Tier::Interp, Tier::Jit, Tier::Auto];

#[test]
fn a_nested_query_counts_its_depth_from_zero() {
    for tier in TIERS {
        with_tier(tier, || {
            let (engine, outer, inner) = engine(10_000_000);
            // 6,000 calls deep, the caller asks a pico that recurses 6,000 calls deep: each
            // transaction stays under the depth limit of 10,000, both together would not.
            let args = [
                ("peer", Value::string(&*inner)),
                ("n", 6_000.into()),
                ("m", 6_000.into()),
            ];
            let answer = query(&engine, &outer, "deep_then_query", &args);
            assert_eq!(
                answer.expect("each transaction stays under the limit"),
                Value::from(6_000),
                "{tier}"
            );
            // The limit still holds within the nested transaction.
            let args = [
                ("peer", Value::string(&*inner)),
                ("n", 10.into()),
                ("m", 10_500.into()),
            ];
            let err = runtime_error(query(&engine, &outer, "deep_then_query", &args));
            assert!(
                err.to_string().contains("Maximum call stack size exceeded"),
                "{tier}: {err}"
            );
        });
    }
}

#[test]
fn a_nested_query_has_a_budget_of_its_own_and_the_caller_keeps_what_it_had_left() {
    for tier in TIERS {
        with_tier(tier, || {
            let (engine, outer, inner) = engine(1_000);
            // 400 steps before the query, 400 in it, 400 after: 1,200 in all, over the budget
            // of one transaction, but neither the caller (800) nor the query (400) is.
            let args = [("peer", Value::string(&*inner)), ("n", 400.into())];
            let answer = query(&engine, &outer, "spend_then_query", &args);
            assert_eq!(
                answer.expect("each transaction stays in budget"),
                Value::from(1_200),
                "{tier}"
            );
            let args = [("peer", Value::string(&*inner)), ("n", 600.into())];
            let err = runtime_error(query(&engine, &outer, "spend_then_query", &args));
            assert!(
                err.to_string().contains("step budget of 1000 exceeded"),
                "{tier}: {err}"
            );
        });
    }
}

#[test]
fn errors_are_placed_in_the_transaction_that_raised_them() {
    for tier in TIERS {
        with_tier(tier, || {
            let (engine, outer, inner) = engine(10_000_000);
            let peer = [("peer", Value::string(&*inner))];
            // The query failed in the inner ruleset: the error keeps the place where the
            // nested transaction raised it, not the caller's `ctx:query`.
            let err = runtime_error(query(&engine, &outer, "ask", &peer));
            let at = err
                .location()
                .unwrap_or_else(|| panic!("{tier}: `{err}` has no location"));
            assert_eq!(
                (at.rid.as_str(), at.function.as_deref(), at.line, at.column),
                ("test.inner", Some("fail"), 6, 26),
                "{tier}: {err}"
            );
            // After a query that succeeded, the caller's own error is placed in its code.
            let err = runtime_error(query(&engine, &outer, "ask_then_fail", &peer));
            let at = err
                .location()
                .unwrap_or_else(|| panic!("{tier}: `{err}` has no location"));
            assert_eq!(
                (at.rid.as_str(), at.function.as_deref(), at.line),
                ("test.outer", Some("ask_then_fail"), 12),
                "{tier}: {err}"
            );
        });
    }
}
