//! Built-in actions and operators used as values.

mod common;

use common::{check, run_with, show};
use krl_runtime::stdlib::{OperatorKind, lookup};
use krl_runtime::{Host, TestHost, Value};

#[test]
fn noop_is_an_action_function_returning_null() {
    let noop = lookup("noop").expect("noop");
    assert_eq!(noop.kind, OperatorKind::ActionFunction);
    assert!(noop.params.is_empty());
    check(&[
        ("noop", "", "null"),
        ("noop", "1, 2", "null"),
        ("typeof", "@noop", r#""ActionFunction""#),
    ]);
}

#[test]
fn send_directive_goes_through_the_host() {
    let mut host = TestHost::new();
    let got = run_with(&mut host, "send_directive", r#""say", {"a":1}"#);
    assert_eq!(
        got,
        r#"{"type":"directive","name":"say","options":{"a":1},"meta":{"rid":"test","rule_name":null,"txnId":null}}"#
    );
    run_with(&mut host, "send_directive", r#""bare""#);
    assert_eq!(host.directives.len(), 2);
    assert!(show(&host.directives[1]).contains(r#""options":{}"#));
    assert_eq!(
        lookup("send_directive").map(|op| op.kind),
        Some(OperatorKind::Action)
    );
}

#[test]
fn operators_as_values_can_be_called_through_a_host() {
    let mut host = TestHost::new();
    let map_op = lookup("map").expect("map");
    let lc = lookup("lc").expect("lc").to_value();
    let items = Value::array(vec!["A".into(), "B".into()]);
    let out = map_op.invoke(&mut host, &[items, lc]).expect("map with lc");
    assert_eq!(show(&out), r#"["a","b"]"#);
    let plus = lookup("+").expect("+").to_value();
    assert_eq!(plus.type_name(), "Function");
    let sum = host.call(&plus, vec![1.into(), 2.into()]).expect("call +");
    assert_eq!(sum, Value::from(3));
    assert_eq!(
        plus.as_callable().map(|c| c.param_names()),
        Some(vec!["left", "right"])
    );
}
