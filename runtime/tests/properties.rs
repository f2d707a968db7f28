//! Property tests: number printing round-trips, number parsing agrees with printing, and
//! map key order follows JavaScript's rule for any insertion sequence.

use krl_runtime::Value;
use krl_runtime::value::number::{format_number, js_string_to_number};
use krl_runtime::value::{Map, array_index};
use proptest::prelude::*;

proptest! {
    #[test]
    fn printed_numbers_parse_back_exactly(bits in any::<u64>()) {
        let n = f64::from_bits(bits);
        prop_assume!(n.is_finite());
        let text = format_number(n);
        let back: f64 = text.parse().expect("JS number text parses in Rust");
        prop_assert_eq!(back, if n == 0.0 { 0.0 } else { n });
        prop_assert_eq!(js_string_to_number(&text), back);
        // ECMAScript exponent rules: plain digits for 1e-6 <= |n| < 1e21, else exponent.
        let magnitude = n.abs();
        let has_exponent = text.contains('e');
        prop_assert_eq!(has_exponent, magnitude != 0.0 && !(1e-6..1e21).contains(&magnitude), "{}", text);
        if has_exponent {
            let exponent = &text[text.find('e').expect("has exponent") + 1..];
            prop_assert!(exponent.starts_with('+') || exponent.starts_with('-'), "{}", text);
        }
    }

    #[test]
    fn integers_print_without_fraction(n in -9_007_199_254_740_991i64..9_007_199_254_740_991i64) {
        prop_assert_eq!(format_number(n as f64), n.to_string());
    }

    #[test]
    fn string_form_of_numbers_round_trips_through_to_number(n in any::<f64>()) {
        prop_assume!(n.is_finite());
        let value = Value::from(n);
        let text = Value::from(value.to_krl_string().into_owned());
        prop_assert_eq!(text.to_number_or_null(), Some(if n == 0.0 { 0.0 } else { n }));
    }

    #[test]
    fn map_keys_follow_javascript_order(
        ops in proptest::collection::vec(
            (prop_oneof![
                (0u32..50).prop_map(|n| n.to_string()),
                "[a-d]{1,2}",
                Just("01".to_owned()),
                Just("-1".to_owned()),
                Just("4294967295".to_owned()),
            ], any::<bool>()),
            0..40,
        )
    ) {
        let mut map = Map::new();
        // Model: index keys sorted numerically, other keys in (re-)insertion order.
        let mut others: Vec<String> = Vec::new();
        let mut indices: std::collections::BTreeSet<u32> = Default::default();
        for (key, insert) in &ops {
            if *insert {
                map.insert(key.as_str(), Value::Null);
                match array_index(key) {
                    Some(i) => { indices.insert(i); }
                    None => if !others.contains(key) { others.push(key.clone()); },
                }
            } else {
                map.remove(key);
                match array_index(key) {
                    Some(i) => { indices.remove(&i); }
                    None => others.retain(|k| k != key),
                }
            }
        }
        let expected: Vec<String> = indices.iter().map(u32::to_string).chain(others).collect();
        let got: Vec<String> = map.keys().map(|k| k.to_string()).collect();
        prop_assert_eq!(got, expected);
    }
}
