//! Event expressions as state machines: every operator on traced event sequences, leaf
//! matching, failed-matcher resets, aggregators, `within`, and rule-state persistence.

use krl_runtime::RuntimeError;
use krl_runtime::engine::select::{
    Aggregator, AggregatorOp, Automaton, EventExpr, Leaf, RuleState, SelectEvent, WhereEval, step,
};
use krl_runtime::value::{Map, Regex, Value};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// Building expressions

fn leaf(domain: &str, name: &str) -> Leaf {
    Leaf {
        domain: domain.into(),
        name: name.into(),
        attrs: Vec::new(),
        setting: Vec::new(),
        where_id: None,
    }
}

fn e(domain: &str, name: &str) -> EventExpr {
    EventExpr::Leaf(leaf(domain, name))
}

/// Leaf in domain `d`.
fn d(name: &str) -> EventExpr {
    e("d", name)
}

fn with_attrs(mut leaf: Leaf, attrs: &[(&str, &str)], setting: &[&str]) -> Leaf {
    leaf.attrs = attrs
        .iter()
        .map(|(key, pattern)| {
            (
                (*key).to_owned(),
                Regex::new(pattern, "").expect("test regex is valid"),
            )
        })
        .collect();
    leaf.setting = setting.iter().map(|s| (*s).to_owned()).collect();
    leaf
}

fn attr_leaf(domain: &str, name: &str, attrs: &[(&str, &str)], setting: &[&str]) -> EventExpr {
    EventExpr::Leaf(with_attrs(leaf(domain, name), attrs, setting))
}

fn agg(op: AggregatorOp, vars: &[&str]) -> Option<Aggregator> {
    Some(Aggregator {
        op,
        vars: vars.iter().map(|s| (*s).to_owned()).collect(),
    })
}

fn attrs(pairs: &[(&str, Value)]) -> Value {
    let mut map = Map::new();
    for (key, value) in pairs {
        map.insert(*key, value.clone());
    }
    Value::map(map)
}

fn s(text: &str) -> Value {
    Value::from(text)
}

// ---------------------------------------------------------------------------------------
// Running them

type WhereFn = Box<dyn FnMut(&[Value]) -> Result<bool, RuntimeError>>;

/// `where` conditions by id.
#[derive(Default)]
struct Wheres(Vec<WhereFn>);

impl WhereEval for Wheres {
    fn eval_where(&mut self, where_id: u32, bindings: &[Value]) -> Result<bool, RuntimeError> {
        (self.0[where_id as usize])(bindings)
    }
}

/// One rule: its automaton, stored state and `within`.
struct Rule {
    automaton: Automaton,
    state: Option<RuleState>,
    within: Option<f64>,
    wheres: Wheres,
    time: f64,
}

impl Rule {
    fn new(expr: EventExpr) -> Rule {
        Rule {
            automaton: Automaton::build(&expr).expect("expression builds"),
            state: None,
            within: None,
            wheres: Wheres::default(),
            time: 0.0,
        }
    }

    fn within(mut self, ms: f64) -> Rule {
        self.within = Some(ms);
        self
    }

    fn wheres(mut self, wheres: Vec<WhereFn>) -> Rule {
        self.wheres = Wheres(wheres);
        self
    }

    /// Sends an event, as the engine would (only when salient); returns the body's bindings
    /// when the rule fired, each paired with its name (they come in the order of
    /// `setting_names`). The state also goes through JSON, as if stored.
    fn try_send_at(
        &mut self,
        time: f64,
        domain: &str,
        name: &str,
        attrs: &Value,
    ) -> Result<Option<Vec<(String, Value)>>, RuntimeError> {
        if !self.automaton.is_salient(domain, name) {
            return Ok(None);
        }
        let event = SelectEvent {
            domain,
            name,
            attrs,
            time,
        };
        let result = step(
            &self.automaton,
            self.state.take(),
            self.within,
            &event,
            &mut self.wheres,
        )?;
        if let Some(state) = &result.state {
            let json = serde_json::to_string(state).expect("rule state serialises");
            let back: RuleState = serde_json::from_str(&json).expect("rule state deserialises");
            assert_eq!(&back, state, "rule state round-trips through JSON");
        }
        self.state = result.state;
        let names = self.automaton.setting_names();
        Ok(result.fired.map(|values| {
            assert_eq!(values.len(), names.len(), "one binding per setting name");
            names.iter().cloned().zip(values).collect()
        }))
    }

    fn send_at(
        &mut self,
        time: f64,
        domain: &str,
        name: &str,
        attrs: &Value,
    ) -> Option<Vec<(String, Value)>> {
        self.try_send_at(time, domain, name, attrs)
            .expect("no where errors")
    }

    fn send(&mut self, domain: &str, name: &str, attrs: &Value) -> Option<Vec<(String, Value)>> {
        self.time += 1.0;
        self.send_at(self.time, domain, name, attrs)
    }

    /// Sends `d:name` with attributes; returns whether it fired.
    fn fires(&mut self, name: &str, attrs: &Value) -> bool {
        self.send("d", name, attrs).is_some()
    }

    /// Runs a trace like `"a, b*, c"` in domain `d` (no attributes; `*` marks a firing).
    fn trace(&mut self, trace: &str) {
        for (idx, token) in trace.split(',').map(str::trim).enumerate() {
            let (name, expect) = match token.strip_suffix('*') {
                Some(name) => (name, true),
                None => (token, false),
            };
            let fired = self.fires(name, &Value::Null);
            assert_eq!(fired, expect, "event #{idx} `{name}` of trace `{trace}`");
        }
    }
}

fn trace(expr: EventExpr, events: &str) {
    Rule::new(expr).trace(events);
}

/// The single binding of a fired rule.
fn bound(fired: Option<Vec<(String, Value)>>, name: &str) -> Value {
    let bindings = fired.unwrap_or_else(|| panic!("expected the rule to fire (binding `{name}`)"));
    bindings
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
        .unwrap_or_else(|| panic!("no binding `{name}`"))
}

fn strings(items: &[&str]) -> Value {
    Value::array(items.iter().map(|item| s(item)).collect())
}

// ---------------------------------------------------------------------------------------
// Operators

#[test]
fn single_leaf_fires_on_its_event_only() {
    let mut rule = Rule::new(d("a"));
    assert!(rule.fires("a", &Value::Null));
    assert!(rule.fires("a", &Value::Null));
    assert!(rule.send("other", "a", &Value::Null).is_none());
    assert_eq!(rule.state, None, "a plain leaf never needs stored state");
    assert_eq!(rule.automaton.setting_names(), &[] as &[String]);
}

#[test]
fn or_fires_on_either() {
    trace(EventExpr::Or(vec![d("a"), d("b")]), "a*, b*, c, a*");
    trace(
        EventExpr::Or(vec![d("a"), d("b"), d("c"), d("d")]),
        "a*, d*, c*, x",
    );
}

#[test]
fn before_waits_for_the_second_ignoring_others() {
    let before = || EventExpr::Before(vec![d("a"), d("b")]);
    trace(before(), "a, b*");
    trace(before(), "b, b, a, a, c, b*");
    trace(before(), "a, b*, b, b, a, a, c, b*");
    trace(
        EventExpr::Before(vec![d("a"), d("b"), d("c")]),
        "a, c, b, a, c*, c",
    );
}

#[test]
fn after_is_before_reversed() {
    trace(EventExpr::After(vec![d("a"), d("b")]), "a, b, a*, a, a, b, c, a*");
    trace(EventExpr::After(vec![d("a"), d("b"), d("c")]), "a, b, c, b, a*");
}

#[test]
fn and_accepts_any_order() {
    let and = || EventExpr::And(vec![d("a"), d("b")]);
    trace(and(), "a, c, b*, b, a*, b, b, b, a*");
    trace(
        EventExpr::And(vec![d("a"), d("b"), d("c")]),
        "a, c, b*, c, b, a*, a, a, b, c*",
    );
}

#[test]
fn then_resets_on_any_other_salient_event() {
    let bob = || attrs(&[("name", s("bob"))]);
    let expr = EventExpr::Then(vec![
        attr_leaf("d", "a", &[], &[]),
        attr_leaf("d", "b", &[("name", "bob")], &[]),
    ]);
    let mut rule = Rule::new(expr);
    assert!(!rule.fires("a", &bob()));
    assert!(rule.fires("b", &bob()));
    assert!(!rule.fires("b", &bob()));
    assert!(!rule.fires("a", &bob()));
    assert!(
        !rule.fires("b", &attrs(&[("name", s("..."))])),
        "failing matcher resets"
    );
    assert!(!rule.fires("b", &bob()), "back at start, b alone does not fire");

    trace(EventExpr::Then(vec![d("a"), d("b")]), "a, c, b*, a, a, b, a, b*");
    trace(
        EventExpr::Then(vec![d("a"), d("b"), d("c")]),
        "a, b, c*, a, b, b, c, a, b, c*",
    );
}

#[test]
fn then_wildcard_name_and_reset_without_retrying_start() {
    // `aaa:* then aaa:bbb`: a reset moves to start without trying start's transitions.
    let expr = EventExpr::Then(vec![e("aaa", "*"), e("aaa", "bbb")]);
    let mut rule = Rule::new(expr);
    assert!(rule.send("aaa", "hi", &Value::Null).is_none());
    assert!(rule.send("aaa", "bbb", &Value::Null).is_some());
    assert!(rule.send("aaa", "hi", &Value::Null).is_none());
    assert!(rule.send("aaa", "ccc", &Value::Null).is_none());
    assert!(rule.send("aaa", "bbb", &Value::Null).is_none());
}

#[test]
fn between_and_not_between() {
    let between = || EventExpr::Between(Box::new(d("a")), Box::new(d("b")), Box::new(d("c")));
    trace(between(), "b, a, c*, b, a, a, c*, b, a, b, c*");
    trace(between(), "a, c, b, c, a, c*");
    let not_between = || EventExpr::NotBetween(Box::new(d("a")), Box::new(d("b")), Box::new(d("c")));
    trace(not_between(), "b, c*, b, a, c, b, c*, c");
    // Duplicate path: `a not between(b, a)` fires on the closing `a`.
    trace(
        EventExpr::NotBetween(Box::new(d("a")), Box::new(d("b")), Box::new(d("a"))),
        "a, b, a*, a",
    );
}

#[test]
fn nested_and_or() {
    let and_or = EventExpr::Or(vec![EventExpr::And(vec![d("a"), d("b")]), d("c")]);
    // `c` only leaves start: once `a` was seen the machine waits for `b`.
    trace(and_or, "c*, a, c, b*");
    let or_and = EventExpr::And(vec![d("a"), EventExpr::Or(vec![d("b"), d("c")])]);
    trace(or_and, "a, b*, c, a*");
    let ab_or_b = EventExpr::Or(vec![EventExpr::And(vec![d("a"), d("b")]), d("b")]);
    trace(ab_or_b, "b*, a, b*, b*, a");
    let ab_or_ca = EventExpr::Or(vec![
        EventExpr::And(vec![d("a"), d("b")]),
        EventExpr::And(vec![d("c"), d("a")]),
    ]);
    trace(ab_or_ca, "a, c*, a, b*");
    let dup = EventExpr::Or(vec![EventExpr::Before(vec![d("a"), d("a")]), d("a")]);
    trace(dup, "a*, a*, a*");
}

#[test]
fn any_needs_n_distinct() {
    let any = || EventExpr::Any(2, vec![d("a"), d("b"), d("c"), d("d")]);
    trace(any(), "a, a, b*, c, a*");
    trace(any(), "d, d, d, c*");
    trace(EventExpr::Any(1, vec![d("a"), d("b")]), "a*, b*, c");
    trace(EventExpr::Any(0, vec![d("a"), d("b")]), "a, b");
}

#[test]
fn any_bounds_error() {
    let message = "TypeError: `any(num, ...eventexs)` expects num to be greater than 0 and less than the number of eventexs";
    for n in [2, 3, 10] {
        let err = Automaton::build(&EventExpr::Any(n, vec![d("a"), d("b")])).expect_err("n too large");
        assert_eq!(err.to_string(), message, "any {n} of 2");
    }
    let nested = EventExpr::Or(vec![d("x"), EventExpr::Any(1, vec![d("a")])]);
    assert_eq!(
        Automaton::build(&nested).expect_err("nested any").to_string(),
        message
    );
}

#[test]
fn count_and_repeat() {
    trace(EventExpr::Count(3, leaf("d", "a"), None), "a, a, a*, a, a, a*, a");
    trace(EventExpr::Count(1, leaf("d", "a"), None), "a*, a*");
    trace(EventExpr::Repeat(3, leaf("d", "a"), None), "a, a, a*, a*, a*");
    trace(EventExpr::Count(0, leaf("d", "a"), None), "a, a");
}

#[test]
fn repeat_resets_when_its_matcher_fails() {
    let expr = EventExpr::Repeat(3, with_attrs(leaf("d", "a"), &[("name", "bob")], &[]), None);
    let mut rule = Rule::new(expr);
    let bob = attrs(&[("name", s("bob"))]);
    let fired: Vec<bool> = (0..4).map(|_| rule.fires("a", &bob)).collect();
    assert_eq!(fired, [false, false, true, true]);
    assert!(!rule.fires("a", &attrs(&[("name", s("..."))])));
    assert_eq!(rule.state, None, "the failed matcher wiped the state");
    assert!(!rule.fires("a", &bob));
}

// ---------------------------------------------------------------------------------------
// Leaf matching

#[test]
fn failed_matcher_discards_progress() {
    let expr = EventExpr::Before(vec![
        attr_leaf("t", "y", &[("a", "^1$")], &[]),
        attr_leaf("t", "z", &[("b", "^2$")], &[]),
    ]);
    let mut rule = Rule::new(expr);
    assert!(rule.send("t", "y", &attrs(&[("a", 1.into())])).is_none());
    assert!(rule.send("t", "z", &attrs(&[("b", 3.into())])).is_none());
    assert!(
        rule.send("t", "z", &attrs(&[("b", 2.into())])).is_none(),
        "the failing z(b=3) reset the machine"
    );
    assert!(rule.send("t", "y", &attrs(&[("a", s("1"))])).is_none());
    assert!(rule.send("t", "z", &attrs(&[("b", s("2"))])).is_some());
}

#[test]
fn attribute_text_is_the_krl_string_form() {
    let matches = |pattern: &str, value: Option<Value>| {
        let mut rule = Rule::new(attr_leaf("d", "a", &[("x", pattern)], &[]));
        let event_attrs = match value {
            Some(value) => attrs(&[("x", value)]),
            None => attrs(&[]),
        };
        rule.fires("a", &event_attrs)
    };
    assert!(matches("0", Some(0.into())));
    assert!(matches("^null$", Some(Value::Null)));
    assert!(matches("^false$", Some(false.into())));
    assert!(matches("^$", None), "absent attribute is the empty string");
    assert!(!matches("null", None), "absent is not null");
    assert!(matches(r"^\[Array\]$", Some(Value::array(vec![1.into()]))));
    assert!(matches(r"^\[Map\]$", Some(Value::map(Map::new()))));
    assert!(matches("^1.5$", Some(1.5.into())));
    assert!(!matches("^bob$", Some(s("bobby"))));
    // No attribute map at all behaves like absent keys.
    let mut rule = Rule::new(attr_leaf("d", "a", &[("x", "^$")], &[]));
    assert!(rule.fires("a", &Value::Null));
}

#[test]
fn captures_bind_settings() {
    let expr = attr_leaf(
        "d",
        "a",
        &[("name", "^(.*)$"), ("n", r"(\d)(x)?")],
        &["whole", "digit", "opt", "extra"],
    );
    let mut rule = Rule::new(expr);
    assert_eq!(rule.automaton.setting_names(), ["whole", "digit", "opt", "extra"]);
    let fired = rule.send("d", "a", &attrs(&[("name", s("Ada")), ("n", s("42"))]));
    assert_eq!(
        fired,
        Some(vec![
            ("whole".to_owned(), s("Ada")),
            ("digit".to_owned(), s("4")),
            ("opt".to_owned(), Value::Null),
            ("extra".to_owned(), Value::Null),
        ])
    );
    // Absent attribute with `^(.*)$` binds "".
    let fired = rule.send("d", "a", &attrs(&[("n", s("7x"))]));
    assert_eq!(bound(fired.clone(), "whole"), s(""));
    assert_eq!(bound(fired, "opt"), s("x"));
}

#[test]
fn global_regex_uses_first_match_only() {
    let mut leaf = leaf("d", "a");
    leaf.attrs = vec![("n".into(), Regex::new(r"(\d)", "g").expect("valid"))];
    leaf.setting = vec!["first".into()];
    let mut rule = Rule::new(EventExpr::Leaf(leaf));
    for _ in 0..2 {
        let fired = rule.send("d", "a", &attrs(&[("n", s("a1b2"))]));
        assert_eq!(bound(fired, "first"), s("1"), "no lastIndex carried over");
    }
}

#[test]
fn setting_without_attribute_tests_binds_null() {
    let mut leaf = leaf("d", "a");
    leaf.setting = vec!["x".into()];
    let mut rule = Rule::new(EventExpr::Leaf(leaf));
    assert_eq!(
        rule.send("d", "a", &attrs(&[("x", s("1"))])),
        Some(vec![("x".to_owned(), Value::Null)])
    );
}

#[test]
fn where_sees_this_leafs_settings() {
    let mut leaf = with_attrs(leaf("d", "a"), &[("n", r"^(\d+)$")], &["n"]);
    leaf.where_id = Some(0);
    let wheres: Vec<WhereFn> = vec![Box::new(|bindings| {
        assert_eq!(bindings.len(), 1);
        Ok(bindings[0]
            .as_str()
            .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n > 10)))
    })];
    let mut rule = Rule::new(EventExpr::Leaf(leaf)).wheres(wheres);
    assert!(rule.send("d", "a", &attrs(&[("n", s("5"))])).is_none());
    assert_eq!(
        bound(rule.send("d", "a", &attrs(&[("n", s("50"))])), "n"),
        s("50")
    );
    assert!(rule.automaton.has_where());
}

#[test]
fn where_false_discards_state_and_errors_propagate() {
    let mut second = leaf("d", "b");
    second.where_id = Some(0);
    let expr = EventExpr::Before(vec![d("a"), EventExpr::Leaf(second)]);
    let wheres: Vec<WhereFn> = vec![Box::new(|_| Ok(false))];
    let mut rule = Rule::new(expr.clone()).wheres(wheres);
    assert!(!rule.fires("a", &Value::Null));
    assert!(rule.state.is_some());
    assert!(!rule.fires("b", &Value::Null));
    assert_eq!(rule.state, None, "falsy where wipes the progress");

    let wheres: Vec<WhereFn> = vec![Box::new(|_| {
        Err(RuntimeError::reference_error("x is not defined"))
    })];
    let mut rule = Rule::new(expr).wheres(wheres);
    assert!(!rule.fires("a", &Value::Null));
    let err = rule
        .try_send_at(5.0, "d", "b", &Value::Null)
        .expect_err("where error propagates");
    assert_eq!(err.to_string(), "ReferenceError: x is not defined");
}

#[test]
fn settings_accumulate_and_are_cleared_after_firing() {
    let expr = EventExpr::And(vec![
        attr_leaf("x", "a", &[("n", "(.*)")], &["p"]),
        attr_leaf("x", "b", &[("n", "(.*)")], &["q"]),
    ]);
    let mut rule = Rule::new(expr);
    assert!(rule.send("x", "b", &attrs(&[("n", s("2"))])).is_none());
    let fired = rule.send("x", "a", &attrs(&[("n", s("1"))]));
    assert_eq!(
        fired,
        Some(vec![("p".to_owned(), s("1")), ("q".to_owned(), s("2"))])
    );
    assert_eq!(rule.state, None, "captures cleared; nothing left to store");

    let expr = EventExpr::Or(vec![attr_leaf("x", "a", &[("n", "(.*)")], &["p"]), e("x", "b")]);
    let mut rule = Rule::new(expr);
    assert_eq!(bound(rule.send("x", "a", &attrs(&[("n", s("1"))])), "p"), s("1"));
    assert_eq!(
        bound(rule.send("x", "b", &Value::Null), "p"),
        Value::Null,
        "cleared after the previous firing"
    );
}

// ---------------------------------------------------------------------------------------
// Aggregators

/// A `count`/`repeat` leaf in domain `d` with attribute tests.
fn counted(name: &str, attrs: &[(&str, &str)]) -> Leaf {
    with_attrs(leaf("d", name), attrs, &[])
}

fn run_values(rule: &mut Rule, values: &[Value], var: &str) -> Vec<Option<Value>> {
    values
        .iter()
        .map(|value| {
            rule.send("d", "a", &attrs(&[("b", value.clone())]))
                .map(|fired| bound(Some(fired), var))
        })
        .collect()
}

#[test]
fn count_max() {
    let expr = EventExpr::Count(
        3,
        counted("a", &[("b", r"(\d+)")]),
        agg(AggregatorOp::Max, &["m"]),
    );
    let mut rule = Rule::new(expr);
    let values: Vec<Value> = ["3", "8", "5", "1", "0", "0", "0", "0", "7"]
        .iter()
        .map(|v| s(v))
        .collect();
    let got = run_values(&mut rule, &values, "m");
    let n = |v: i32| Some(Value::from(v));
    assert_eq!(got, [None, None, n(8), None, None, n(1), None, None, n(7)]);
}

#[test]
fn repeat_min_slides_and_resets() {
    let expr = EventExpr::Repeat(
        3,
        counted("a", &[("b", r"(\d+)")]),
        agg(AggregatorOp::Min, &["m"]),
    );
    let mut rule = Rule::new(expr);
    let mut values: Vec<Value> = ["5", "3", "4", "5", "6"].iter().map(|v| s(v)).collect();
    values.push(Value::Null); // "null" does not match: reset
    values.extend(["3", "8", "1", "2", "3", "4", "5", "6", "7"].iter().map(|v| s(v)));
    let got = run_values(&mut rule, &values, "m");
    let n = |v: i32| Some(Value::from(v));
    assert_eq!(
        got,
        [
            None,
            None,
            n(3),
            n(3),
            n(4),
            None,
            None,
            None,
            n(1),
            n(1),
            n(1),
            n(2),
            n(3),
            n(4),
            n(5)
        ]
    );
}

#[test]
fn repeat_sum_avg_push() {
    let sum = EventExpr::Repeat(
        3,
        counted("a", &[("b", r"(\d+)")]),
        agg(AggregatorOp::Sum, &["m"]),
    );
    let got = run_values(&mut Rule::new(sum), &[s("1"), s("2"), s("3"), s("4")], "m");
    assert_eq!(got, [None, None, Some(6.into()), Some(9.into())]);

    let avg = EventExpr::Repeat(
        3,
        counted("a", &[("b", r"(\d+)")]),
        agg(AggregatorOp::Avg, &["m"]),
    );
    let got = run_values(&mut Rule::new(avg), &[s("1"), s("2"), s("3"), s("100")], "m");
    assert_eq!(got, [None, None, Some(2.into()), Some(35.into())]);

    let push = EventExpr::Repeat(
        3,
        counted("a", &[("b", r"(\d+)")]),
        agg(AggregatorOp::Push, &["m"]),
    );
    let values: Vec<Value> = ["1", "2", "3", "4", "five", "6", "7", "8"]
        .iter()
        .map(|v| s(v))
        .collect();
    let got = run_values(&mut Rule::new(push), &values, "m");
    assert_eq!(
        got,
        [
            None,
            None,
            Some(strings(&["1", "2", "3"])),
            Some(strings(&["2", "3", "4"])),
            None,
            None,
            None,
            Some(strings(&["6", "7", "8"])),
        ]
    );
}

#[test]
fn aggregators_over_several_variables() {
    let leaf = counted("a", &[("a", r"(\d+)"), ("b", r"(\d+) (.*)")]);
    let expr = EventExpr::Repeat(5, leaf, agg(AggregatorOp::Push, &["a", "b", "c", "d"]));
    let mut rule = Rule::new(expr);
    assert_eq!(rule.automaton.setting_names(), ["a", "b", "c", "d"]);
    let words = ["three", "four", "five", "six", "seven"];
    let mut fired = None;
    for (idx, word) in words.iter().enumerate() {
        let event = attrs(&[
            ("a", s(&(idx + 1).to_string())),
            ("b", s(&format!("{} {word}", idx + 2))),
        ]);
        fired = rule.send("d", "a", &event);
        assert_eq!(fired.is_some(), idx == 4);
    }
    assert_eq!(bound(fired.clone(), "a"), strings(&["1", "2", "3", "4", "5"]));
    assert_eq!(bound(fired.clone(), "b"), strings(&["2", "3", "4", "5", "6"]));
    assert_eq!(bound(fired.clone(), "c"), strings(&words));
    assert_eq!(bound(fired, "d"), Value::array(vec![Value::Null; 5]));

    let leaf = counted("a", &[("a", r"(\d+)"), ("b", r"(\d+)")]);
    let mut rule = Rule::new(EventExpr::Repeat(3, leaf, agg(AggregatorOp::Sum, &["a", "b"])));
    let mut fired = None;
    for (a, b) in [("1", "2"), ("2", "3"), ("3", "4")] {
        fired = rule.send("d", "a", &attrs(&[("a", s(a)), ("b", s(b))]));
    }
    assert_eq!(bound(fired.clone(), "a"), Value::from(6));
    assert_eq!(bound(fired, "b"), Value::from(9));
}

// ---------------------------------------------------------------------------------------
// within

const T0: f64 = 10_000_000_000_000.0;

fn within_trace(rule: &mut Rule, events: &[(f64, &str, Value, bool)]) {
    for (idx, (time, name, event_attrs, expect)) in events.iter().enumerate() {
        let fired = rule.send_at(T0 + time, "w", name, event_attrs).is_some();
        assert_eq!(fired, *expect, "within event #{idx} `{name}` at +{time}");
    }
}

#[test]
fn within_before() {
    let mut rule = Rule::new(EventExpr::Before(vec![e("w", "a"), e("w", "b")])).within(5.0 * 60_000.0);
    let n = Value::Null;
    within_trace(
        &mut rule,
        &[
            (0.0, "a", n.clone(), false),
            (1.0, "b", n.clone(), true),
            (2.0, "a", n.clone(), false),
            // Matches pico-engine: measured from the first attempt's start (kept after the match).
            (555_555.0, "b", n.clone(), false),
            (555_556.0, "a", n.clone(), false),
            (255_557.0, "b", n.clone(), true),
        ],
    );

    let mut rule = Rule::new(EventExpr::Before(vec![e("w", "a"), e("w", "b")])).within(4000.0);
    within_trace(
        &mut rule,
        &[
            (0.0, "a", n.clone(), false),
            (3999.0, "b", n.clone(), true),
            (0.0, "a", n.clone(), false),
            (4000.0, "b", n.clone(), true),
            (0.0, "a", n.clone(), false),
            (4001.0, "b", n.clone(), false),
        ],
    );
}

#[test]
fn within_or_and() {
    let expr = EventExpr::Or(vec![e("w", "a"), EventExpr::And(vec![e("w", "b"), e("w", "c")])]);
    let mut rule = Rule::new(expr).within(365.0 * 86_400_000.0);
    let n = Value::Null;
    within_trace(
        &mut rule,
        &[
            (0.0, "a", n.clone(), true),
            (0.0, "b", n.clone(), false),
            (31_536_000_000.0, "c", n.clone(), true),
            (0.0, "c", n.clone(), false),
            (40_000_000_000.0, "b", n.clone(), false),
            (50_000_000_000.0, "c", n.clone(), true),
        ],
    );
}

#[test]
fn within_repeat() {
    let expr = EventExpr::Repeat(3, with_attrs(leaf("w", "a"), &[("b", "c")], &[]), None);
    let mut rule = Rule::new(expr).within(2000.0);
    let c = attrs(&[("b", s("c"))]);
    within_trace(
        &mut rule,
        &[
            (0.0, "a", c.clone(), false),
            (1.0, "a", c.clone(), false),
            (1002.0, "a", c.clone(), true),
            (2003.0, "a", c.clone(), false),
            (2004.0, "a", c.clone(), false),
            (2005.0, "a", c.clone(), true),
            (2006.0, "a", c.clone(), true),
            (2007.0, "a", attrs(&[("b", s("z"))]), false),
            (2008.0, "a", c.clone(), false),
            (2009.0, "a", c.clone(), false),
            (4008.0, "a", c.clone(), true),
        ],
    );
}

#[test]
fn within_timeout_clears_settings_and_restarts() {
    let expr = EventExpr::Before(vec![attr_leaf("w", "a", &[("n", "(.*)")], &["p"]), e("w", "b")]);
    let mut rule = Rule::new(expr).within(100.0);
    assert!(rule.send_at(1000.0, "w", "a", &attrs(&[("n", s("x"))])).is_none());
    assert_eq!(
        rule.state.as_ref().and_then(|state| state.starttime),
        Some(1000.0)
    );
    assert!(
        rule.send_at(1101.0, "w", "b", &Value::Null).is_none(),
        "timed out"
    );
    let state = rule.state.clone().expect("at start with a fresh clock");
    assert!(state.setting.is_empty());
    assert_eq!(state.starttime, Some(1101.0));
    assert!(rule.send_at(1150.0, "w", "a", &attrs(&[("n", s("y"))])).is_none());
    assert_eq!(bound(rule.send_at(1250.0, "w", "b", &Value::Null), "p"), s("y"));
}

#[test]
fn within_start_time_zero_counts_as_unset() {
    // Matches pico-engine: scheduled events have time 0, and a start time of 0 is falsy there.
    let mut rule = Rule::new(EventExpr::Before(vec![e("w", "a"), e("w", "b")])).within(100.0);
    assert!(rule.send_at(0.0, "w", "a", &Value::Null).is_none());
    assert_eq!(rule.state.as_ref().and_then(|state| state.starttime), Some(0.0));
    assert!(
        rule.send_at(150.0, "w", "b", &Value::Null).is_some(),
        "no timeout measured from 0"
    );
}

// ---------------------------------------------------------------------------------------
// Structure, salience, persistence

#[test]
fn layouts_match_the_reference() {
    let star = |name: &str| e("*", name);
    let layout = |expr: EventExpr| Automaton::build(&expr).expect("builds").describe();
    assert_eq!(
        layout(EventExpr::And(vec![star("aaa"), star("bbb"), star("ccc")])),
        "start: *:aaa -> s0, *:bbb -> s1, *:ccc -> s4\n\
         s0: *:bbb -> s7, *:ccc -> s8\n\
         s1: *:aaa -> s2, *:ccc -> s3\n\
         s2: *:ccc -> end\n\
         s3: *:aaa -> end\n\
         s4: *:aaa -> s5, *:bbb -> s6\n\
         s5: *:bbb -> end\n\
         s6: *:aaa -> end\n\
         s7: *:ccc -> end\n\
         s8: *:bbb -> end\n"
    );
    assert_eq!(
        layout(EventExpr::Any(
            2,
            vec![star("aaa"), star("bbb"), star("ccc"), star("ddd")]
        )),
        "start: *:aaa -> s0, *:bbb -> s1, *:ccc -> s2, *:ddd -> s3\n\
         s0: *:bbb -> end, *:ccc -> end, *:ddd -> end\n\
         s1: *:aaa -> end, *:ccc -> end, *:ddd -> end\n\
         s2: *:aaa -> end, *:bbb -> end, *:ddd -> end\n\
         s3: *:aaa -> end, *:bbb -> end, *:ccc -> end\n"
    );
    assert_eq!(
        layout(EventExpr::Then(vec![e("aaa", "*"), e("aaa", "bbb")])),
        "start: aaa:* -> s0\ns0: aaa:bbb -> end, not aaa:bbb -> start\n"
    );
    assert_eq!(
        layout(EventExpr::NotBetween(
            Box::new(star("aaa")),
            Box::new(star("bbb")),
            Box::new(star("aaa"))
        )),
        "start: *:bbb -> s0\ns0: *:aaa -> start, *:aaa -> end\n"
    );
    assert_eq!(
        layout(EventExpr::Repeat(3, leaf("*", "aaa"), None)),
        "start: *:aaa -> s0\ns0: *:aaa -> s1\ns1: *:aaa -> end\nend: *:aaa -> end\n"
    );
    assert_eq!(
        layout(EventExpr::Between(
            Box::new(star("aaa")),
            Box::new(star("bbb")),
            Box::new(star("ccc"))
        )),
        "start: *:bbb -> s0\ns0: *:aaa -> s1\ns1: *:ccc -> end\n"
    );
}

#[test]
fn salience_and_wildcards() {
    let expr = EventExpr::Before(vec![e("a", "b"), e("*", "c"), e("d", "*"), e("a", "b")]);
    let automaton = Automaton::build(&expr).expect("builds");
    let pairs: Vec<(&str, &str)> = automaton.salient_events().collect();
    assert_eq!(pairs, [("a", "b"), ("*", "c"), ("d", "*")]);
    assert!(automaton.is_salient("a", "b"));
    assert!(automaton.is_salient("zzz", "c"));
    assert!(automaton.is_salient("d", "anything"));
    assert!(!automaton.is_salient("a", "x"));
    assert!(!automaton.is_salient("b", "a"));
    let empty = Automaton::build(&EventExpr::Count(0, leaf("a", "b"), None)).expect("builds");
    assert_eq!(empty.salient_events().count(), 0);
}

#[test]
fn setting_names_in_written_order_once_each() {
    let expr = EventExpr::Then(vec![
        attr_leaf("d", "a", &[("x", "(.)(.)")], &["p", "q"]),
        EventExpr::Count(
            2,
            with_attrs(leaf("d", "b"), &[("y", "(.)")], &["r"]),
            agg(AggregatorOp::Max, &["m"]),
        ),
        attr_leaf("d", "c", &[("z", "(.)")], &["q", "s"]),
    ]);
    let automaton = Automaton::build(&expr).expect("builds");
    assert_eq!(automaton.setting_names(), ["p", "q", "r", "m", "s"]);
}

#[test]
fn rule_state_survives_json_mid_pattern() {
    let expr = EventExpr::Before(vec![attr_leaf("d", "a", &[("n", "(.*)")], &["p"]), d("b")]);
    let automaton = Automaton::build(&expr).expect("builds");
    let mut wheres = Wheres::default();
    let first = attrs(&[("n", s("kept"))]);
    let event = SelectEvent {
        domain: "d",
        name: "a",
        attrs: &first,
        time: 1.0,
    };
    let result = step(&automaton, None, Some(1000.0), &event, &mut wheres).expect("steps");
    assert!(result.fired.is_none());
    let state = result.state.expect("progress to keep");
    let json = serde_json::to_string(&state).expect("serialises");
    assert!(json.contains("\"kept\""), "{json}");
    let restored: RuleState = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(restored, state);
    let event = SelectEvent {
        domain: "d",
        name: "b",
        attrs: &Value::Null,
        time: 2.0,
    };
    let result = step(&automaton, Some(restored), Some(1000.0), &event, &mut wheres).expect("steps");
    assert_eq!(result.fired, Some(vec![s("kept")]));
    let after = result.state.expect("within keeps its clock");
    assert!(after.setting.is_empty(), "captures cleared after firing");
    assert_eq!(after.starttime, Some(1.0));
}

#[test]
fn unknown_states_fall_back_to_start() {
    let automaton = Automaton::build(&EventExpr::Before(vec![d("a"), d("b")])).expect("builds");
    let junk = RuleState {
        states: vec![99, 1],
        ..RuleState::default()
    };
    let event = SelectEvent {
        domain: "d",
        name: "a",
        attrs: &Value::Null,
        time: 0.0,
    };
    let result = step(&automaton, Some(junk), None, &event, &mut Wheres::default()).expect("steps");
    assert_eq!(result.state.map(|state| state.states), Some(vec![2]));
}

// ---------------------------------------------------------------------------------------
// Properties

fn arb_leaf() -> impl Strategy<Value = Leaf> {
    (
        prop::sample::select(vec!["x", "y", "*"]),
        prop::sample::select(vec!["a", "b", "c", "*"]),
        0..4u8,
    )
        .prop_map(|(domain, name, kind)| {
            let plain = leaf(domain, name);
            match kind {
                0 | 1 => plain,
                2 => with_attrs(plain, &[("v", r"^(\d)(\d)?$")], &["p", "q"]),
                _ => {
                    let mut with_where = with_attrs(plain, &[("v", "(.*)")], &["w"]);
                    with_where.where_id = Some(0);
                    with_where
                }
            }
        })
}

fn arb_expr() -> impl Strategy<Value = EventExpr> {
    let base = prop_oneof![
        4 => arb_leaf().prop_map(EventExpr::Leaf),
        1 => (0..4u32, arb_leaf(), prop::option::of(prop::sample::select(vec![
            AggregatorOp::Max, AggregatorOp::Min, AggregatorOp::Sum, AggregatorOp::Avg, AggregatorOp::Push,
        ])), any::<bool>())
            .prop_map(|(n, leaf, op, repeat)| {
                let aggregator = op.map(|op| Aggregator { op, vars: vec!["g".into(), "h".into()] });
                if repeat { EventExpr::Repeat(n, leaf, aggregator) } else { EventExpr::Count(n, leaf, aggregator) }
            }),
    ];
    base.prop_recursive(3, 12, 3, |inner| {
        let args = prop::collection::vec(inner.clone(), 1..4);
        prop_oneof![
            args.clone().prop_map(EventExpr::Or),
            args.clone().prop_map(EventExpr::And),
            args.clone().prop_map(EventExpr::Before),
            args.clone().prop_map(EventExpr::Then),
            args.clone().prop_map(EventExpr::After),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| EventExpr::Between(
                Box::new(a),
                Box::new(b),
                Box::new(c)
            )),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| EventExpr::NotBetween(
                Box::new(a),
                Box::new(b),
                Box::new(c)
            )),
            (prop::collection::vec(inner, 2..4), 0..2u32).prop_map(|(args, n)| EventExpr::Any(n, args)),
        ]
    })
}

fn arb_events() -> impl Strategy<Value = Vec<(&'static str, &'static str, Option<&'static str>, u16)>> {
    prop::collection::vec(
        (
            prop::sample::select(vec!["x", "y"]),
            prop::sample::select(vec!["a", "b", "c"]),
            prop::option::of(prop::sample::select(vec!["1", "12", "x", ""])),
            0..3000u16,
        ),
        0..24,
    )
}

proptest! {
    #[test]
    fn random_sequences_never_panic(expr in arb_expr(), events in arb_events(), within in prop::option::of(0..2000u16)) {
        let wheres: Vec<WhereFn> = vec![Box::new(|bindings| Ok(bindings.first().is_some_and(Value::truthy)))];
        let mut rule = Rule::new(expr).wheres(wheres);
        rule.within = within.map(f64::from);
        let n_names = rule.automaton.setting_names().len();
        let mut time = 0.0;
        for (domain, name, value, delta) in events {
            time += f64::from(delta);
            let event_attrs = match value {
                Some(v) => attrs(&[("v", s(v))]),
                None => Value::Null,
            };
            if let Some(bindings) = rule.send_at(time, domain, name, &event_attrs) {
                prop_assert_eq!(bindings.len(), n_names);
            }
            if let Some(state) = &rule.state {
                prop_assert!(state.states.iter().all(|&s| (s as usize) < rule.automaton.n_states()));
            }
        }
    }

    #[test]
    fn or_fires_iff_a_or_b(events in prop::collection::vec((prop::sample::select(vec!["x", "y"]), prop::sample::select(vec!["a", "b", "c", "d"])), 0..32)) {
        let mut rule = Rule::new(EventExpr::Or(vec![e("x", "a"), e("x", "b")]));
        for (domain, name) in events {
            let fired = rule.send(domain, name, &Value::Null).is_some();
            prop_assert_eq!(fired, domain == "x" && (name == "a" || name == "b"));
            prop_assert!(rule.state.is_none());
        }
    }
}
