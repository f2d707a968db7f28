//! Property tests through the evaluator (what `krl eval` runs): numbers print as
//! JavaScript's `Number.prototype.toString` and survive a round trip through
//! `as("Number")`, and map keys keep JavaScript object order in `keys()` and `encode()`.

use krl_diagnostics::FileId;
use krl_jit::Session;
use krl_runtime::{TestHost, Value};
use proptest::prelude::*;

fn eval(session: &mut Session, host: &mut TestHost, src: &str) -> Value {
    session
        .eval_input(FileId(0), src, host)
        .unwrap_or_else(|err| panic!("`{src}` failed: {:?}", err.diagnostics()))
}

fn encode(value: &Value) -> String {
    value.encode(0).unwrap_or_else(|| "undefined".into())
}

/// ECMAScript `Number::toString(10)` written from the specification's steps, on top of the
/// shortest round-trip digits that Rust's `{:e}` prints. Independent of the runtime's
/// formatter, which is what the property compares against.
fn js_number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if x < 0.0 {
        return format!("-{}", js_number(-x));
    }
    let sci = format!("{x:e}");
    let (mantissa, exponent) = sci.split_once('e').expect("`{:e}` has an exponent");
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i32;
    // When x lies exactly halfway between two shortest candidates, Rust rounds the last
    // digit up; JavaScript engines (V8) take the even one. `{:.60e}` prints x exactly.
    let exact = format!("{x:.60e}");
    let exact_digits: String = exact
        .split_once('e')
        .map_or("", |(m, _)| m)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let tail = &exact_digits[(k as usize).min(exact_digits.len())..];
    let last = digits.as_bytes()[digits.len() - 1] - b'0';
    let rounded_up = exact_digits
        .get(..k as usize)
        .is_some_and(|prefix| prefix != digits);
    if rounded_up && last % 2 == 1 && tail.starts_with('5') && tail[1..].bytes().all(|b| b == b'0') {
        digits.pop();
        digits.push(char::from(b'0' + last - 1));
    }
    let n = exponent.parse::<i32>().expect("integer exponent") + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let sign = if n - 1 < 0 { '-' } else { '+' };
        let rest = if k == 1 {
            String::new()
        } else {
            format!(".{}", &digits[1..])
        };
        format!("{}{rest}e{sign}{}", &digits[..1], (n - 1).abs())
    }
}

fn finite_numbers() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        (-1_000_000i64..1_000_000).prop_map(|n| n as f64),
        (-1_000_000i64..1_000_000, 1u32..8).prop_map(|(n, scale)| n as f64 / 10f64.powi(scale as i32)),
        (1u32..9, -30i32..30).prop_map(|(d, e)| f64::from(d) * 10f64.powi(e)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn numbers_print_as_javascript_and_round_trip(x in finite_numbers()) {
        let mut session = Session::new();
        let mut host = TestHost::new();
        let text = js_number(x);
        // The number's string form, through KRL.
        prop_assert_eq!(encode(&Value::number(x)), text.clone());
        let shown = eval(&mut session, &mut host, &format!("\"{text}\".as(\"Number\").as(\"String\")"));
        prop_assert_eq!(shown.as_str(), Some(text.as_str()));
        // And back: the printed form parses to the same double.
        let back = eval(&mut session, &mut host, &format!("\"{text}\".as(\"Number\")"));
        match back {
            Value::Number(y) => prop_assert_eq!(y, if x == 0.0 { 0.0 } else { x }),
            other => prop_assert!(false, "`{}` converted to {:?}", text, other),
        }
        // A non-negative number without exponent is also a KRL literal that prints the same.
        if x >= 0.0 && !text.contains('e') {
            let literal = eval(&mut session, &mut host, &text);
            prop_assert_eq!(encode(&literal), text);
        }
    }
}

/// One step that builds a map.
#[derive(Clone, Debug)]
enum Step {
    Put(String, u32),
    Delete(String),
}

fn keys() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..20).prop_map(|n| n.to_string()),
        Just("4294967294".to_string()),
        Just("4294967295".to_string()),
        prop::sample::select(vec![
            "01", "-1", "1.5", "+1", " 1", "", "a", "b", "z", "length", "10a"
        ])
        .prop_map(str::to_string),
    ]
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        prop_oneof![
            3 => (keys(), 0u32..100).prop_map(|(k, v)| Step::Put(k, v)),
            1 => keys().prop_map(Step::Delete),
        ],
        0..24,
    )
}

/// A canonical array index: the decimal form of an integer below 2^32 - 1.
fn is_array_index(key: &str) -> bool {
    key.parse::<u32>()
        .is_ok_and(|n| n < u32::MAX && n.to_string() == key)
}

/// JavaScript object order: array indices ascending, then the other keys by insertion.
fn model(steps: &[Step]) -> Vec<(String, u32)> {
    let mut entries: Vec<(String, u32)> = Vec::new();
    for step in steps {
        match step {
            Step::Put(key, value) => match entries.iter_mut().find(|(k, _)| k == key) {
                Some(entry) => entry.1 = *value,
                None => entries.push((key.clone(), *value)),
            },
            Step::Delete(key) => entries.retain(|(k, _)| k != key),
        }
    }
    let (mut indices, others): (Vec<_>, Vec<_>) = entries.into_iter().partition(|(k, _)| is_array_index(k));
    indices.sort_by_key(|(k, _)| k.parse::<u32>().expect("an array index"));
    indices.extend(others);
    indices
}

fn krl_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn map_keys_follow_javascript_order(steps in steps()) {
        let mut src = String::from("{}");
        for step in &steps {
            match step {
                Step::Put(key, value) => src.push_str(&format!(".put({}, {value})", krl_string(key))),
                Step::Delete(key) => src.push_str(&format!(".delete({})", krl_string(key))),
            }
        }
        let expected = model(&steps);
        let mut session = Session::new();
        let mut host = TestHost::new();
        let keys = eval(&mut session, &mut host, &format!("{src}.keys()"));
        let expected_keys: Vec<serde_json::Value> =
            expected.iter().map(|(k, _)| serde_json::Value::String(k.clone())).collect();
        prop_assert_eq!(encode(&keys), serde_json::Value::Array(expected_keys).to_string());
        let encoded = eval(&mut session, &mut host, &format!("{src}.encode()"));
        let expected_json: Vec<String> = expected
            .iter()
            .map(|(k, v)| format!("{}:{v}", serde_json::Value::String(k.clone())))
            .collect();
        let expected_text = format!("{{{}}}", expected_json.join(","));
        prop_assert_eq!(encoded.as_str(), Some(expected_text.as_str()));
        // A map literal with the same final entries (in insertion order) orders the same way.
        if !steps.iter().any(|s| matches!(s, Step::Delete(_))) {
            let literal: Vec<String> = steps
                .iter()
                .map(|s| match s {
                    Step::Put(k, v) => format!("{}: {v}", krl_string(k)),
                    Step::Delete(_) => unreachable!("no deletes here"),
                })
                .collect();
            let from_literal = eval(&mut session, &mut host, &format!("{{{}}}.keys()", literal.join(", ")));
            prop_assert_eq!(encode(&from_literal), encode(&keys));
        }
    }
}

#[test]
fn the_oracle_matches_known_javascript_output() {
    for (x, text) in [
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (-2.5, "-2.5"),
        (123456789.125, "123456789.125"),
        (5e-324, "5e-324"),
        (f64::MAX, "1.7976931348623157e+308"),
        // This double is exactly -1657462891761527.25, halfway between two 17-digit
        // candidates: JavaScript prints the even one, Rust's `{}` the other.
        (-1_657_462_891_761_527.3, "-1657462891761527.2"),
    ] {
        assert_eq!(js_number(x), text);
    }
}
