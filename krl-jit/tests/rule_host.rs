//! Compiled rulesets run against the narrow `RuleHost` interface (issue #14, item 5), not the
//! engine's transaction: the runtime's `TestHost` implements it, so a ruleset can be
//! initialised, run and queried without an engine, and what its rules did inspected.

use krl_jit::InterpreterBackend;
use krl_runtime::engine::trace::PostludeBranch;
use krl_runtime::engine::{Backend, RuleHost};
use krl_runtime::value::Map;
use krl_runtime::{TestHost, Value};

const SRC: &str = r#"ruleset test.host {
  meta { shares total }
  global {
    base = 40
    total = function() { base + 2 }
  }
  rule count {
    select when t count n re#(\d+)# setting(n)
    pre { twice = n.as("Number") * 2 }
    send_directive("counted", {"twice": twice})
    fired {
      ent:counts{n} := twice;
      raise t event "counted" attributes {"n": n};
      raise event "t:" + "again";
      log info "counted " + n
    }
  }
  rule fails {
    select when t fail
    always { ent:never := 1; error warn "careful" }
  }
}
"#;

#[test]
fn a_ruleset_runs_on_the_test_host_without_an_engine() {
    let compiled = InterpreterBackend
        .compile("file:///work/host.krl", SRC)
        .expect("compiles");
    let mut host = TestHost::new();
    let instance = compiled
        .instantiate(&mut host as &mut dyn RuleHost, &Map::new())
        .expect("initialises");
    let answer = instance.query(&mut host, "total", &Map::new()).expect("answers");
    assert_eq!(answer, Value::from(42));

    let outcome = instance
        .run_rule(&mut host, 0, vec![Value::string("5")])
        .expect("the rule runs");
    assert!(!outcome.last);
    let counts = host.ents.get("counts").expect("ent:counts written");
    assert_eq!(counts.encode(0).as_deref(), Some(r#"{"5":10}"#));
    let raised: Vec<String> = host
        .raised
        .iter()
        .map(|e| e.encode(0).unwrap_or_default())
        .collect();
    assert_eq!(
        raised,
        [
            r#"{"domain":"t","name":"counted","attrs":{"n":"5"}}"#,
            r#"{"domain":"t","name":"again","attrs":null}"#,
        ]
    );
    assert_eq!(host.directives.len(), 1);
    assert_eq!(host.postludes, [PostludeBranch::Fired]);
    assert!(
        host.logs.iter().any(|line| line.message == "counted 5"),
        "{:?}",
        host.logs
    );

    instance.run_rule(&mut host, 1, Vec::new()).expect("runs");
    assert_eq!(host.ents.get("never"), Some(&Value::from(1)));
    let error = host.raised.last().and_then(|e| e.encode(0));
    assert_eq!(
        error.as_deref(),
        Some(r#"{"domain":"system","name":"error","attrs":{"level":"warn","data":"careful"}}"#)
    );
}
