//! Equality (`==`) and ordering (`<=>`, `cmp`) of KRL values.
//!
//! Matches pico-engine: `==` is lodash `isEqual` after normalising nulls (no coercion,
//! deep, map key order irrelevant, regexes by text, callables by identity), while ordering
//! coerces both sides to numbers and falls back to comparing their string forms.

use std::cmp::Ordering;

use super::{Value, with_stack};

impl PartialEq for Value {
    /// KRL `==`: deep structural equality with one null.
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (a, b) if a.is_null() || b.is_null() => a.is_null() && b.is_null(),
            (Value::Boolean(a), Value::Boolean(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            // Values nest without bound (see `deep`), so each level may need more stack.
            (Value::Array(a), Value::Array(b)) => {
                std::sync::Arc::ptr_eq(a, b)
                    || (a.len() == b.len() && with_stack(|| a.iter().zip(b.iter()).all(|(x, y)| x == y)))
            }
            (Value::Map(a), Value::Map(b)) => {
                std::sync::Arc::ptr_eq(a, b)
                    || (a.len() == b.len()
                        && with_stack(|| a.iter().all(|(k, v)| b.get(k).is_some_and(|w| v == w))))
            }
            (Value::RegExp(a), Value::RegExp(b)) => a == b,
            (Value::Function(a), Value::Function(b)) | (Value::Action(a), Value::Action(b)) => {
                a.identity() == b.identity()
            }
            _ => false,
        }
    }
}

/// JavaScript's `<` on strings: lexicographic by UTF-16 code unit.
pub fn compare_strings_utf16(a: &str, b: &str) -> Ordering {
    // UTF-8 byte order equals code point order, which differs from UTF-16 order only when
    // comparing a supplementary character with U+E000..U+FFFF; fall back only then.
    let byte_order = a.cmp(b);
    let prefix = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .map(|i| (&a[floor_char_boundary(a, i)..], &b[floor_char_boundary(b, i)..]));
    match prefix {
        Some((rest_a, rest_b)) => {
            let ca = rest_a.chars().next();
            let cb = rest_b.chars().next();
            match (ca, cb) {
                (Some(x), Some(y)) if (x as u32 > 0xFFFF) != (y as u32 > 0xFFFF) => {
                    let ua = x.encode_utf16(&mut [0; 2])[0];
                    let ub = y.encode_utf16(&mut [0; 2])[0];
                    ua.cmp(&ub)
                }
                _ => byte_order,
            }
        }
        None => byte_order,
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The reference's three-way comparison behind `<=>`, `<`, `>`, `<=`, `>=` and numeric sorts:
/// numbers when both sides convert (§4.5), otherwise the KRL string forms.
pub fn compare_krl(left: &Value, right: &Value) -> Ordering {
    match (left.to_number_or_null(), right.to_number_or_null()) {
        (Some(a), Some(b)) => {
            if a == b {
                Ordering::Equal
            } else if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        _ => compare_strings_utf16(&left.to_krl_string(), &right.to_krl_string()),
    }
}

/// `cmp`: always compares the KRL string forms.
pub fn compare_as_strings(left: &Value, right: &Value) -> Ordering {
    compare_strings_utf16(&left.to_krl_string(), &right.to_krl_string())
}

#[cfg(test)]
mod tests {
    use super::super::{Map, Regex};
    use super::*;

    fn arr(items: Vec<Value>) -> Value {
        Value::array(items)
    }

    #[test]
    fn equality_without_coercion() {
        assert_ne!(Value::from(1), Value::from("1"));
        assert_ne!(Value::from(true), Value::from(1));
        assert_ne!(Value::Null, Value::from(0));
        assert_ne!(Value::Null, Value::from(false));
        assert_eq!(Value::Null, Value::Number(f64::NAN));
        assert_eq!(Value::from(0.0), Value::from(-0.0));
        assert_ne!(Value::from("0x10"), Value::from(16));
        assert_eq!(
            arr(vec![1.into(), arr(vec![Value::Null])]),
            arr(vec![1.into(), arr(vec![Value::Null])])
        );
        assert_ne!(arr(vec![1.into(), 2.into()]), arr(vec![2.into(), 1.into()]));
    }

    #[test]
    fn map_equality_ignores_order_but_not_null_keys() {
        let ab: Map = [("a", 1.into()), ("b", 2.into())].into_iter().collect();
        let ba: Map = [("b", 2.into()), ("a", 1.into())].into_iter().collect();
        assert_eq!(Value::map(ab), Value::map(ba));
        let with_null: Map = [("a", Value::Null)].into_iter().collect();
        assert_ne!(Value::map(with_null), Value::map(Map::new()));
    }

    #[test]
    fn regex_equality_by_text() {
        let a = Value::regexp(Regex::new("a/b", "ig").expect("valid"));
        let b = Value::regexp(Regex::new("a\\/b", "gi").expect("valid"));
        let c = Value::regexp(Regex::new("a/b", "i").expect("valid"));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn ordering_vectors() {
        use Ordering::*;
        let cases: Vec<(Value, Value, Ordering)> = vec![
            ("10".into(), "9".into(), Greater),
            ("abc".into(), 5.into(), Greater),
            (Value::Null, 0.into(), Equal),
            (Value::Null, 1.into(), Less),
            (
                arr(vec![1.into(), 2.into()]),
                arr(vec![1.into(), 2.into(), 3.into()]),
                Less,
            ),
            (
                Value::map([("a", Value::from(1))].into_iter().collect()),
                arr(vec![5.into()]),
                Equal,
            ),
            ("a".into(), "B".into(), Greater),
            (true.into(), false.into(), Greater),
            ("x".into(), Value::Null, Greater),
            (1.into(), "1".into(), Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_krl(&a, &b), want, "{a:?} <=> {b:?}");
        }
        assert_eq!(compare_as_strings(&10.into(), &9.into()), Less);
        assert_eq!(compare_as_strings(&Value::Null, &0.into()), Greater);
    }

    #[test]
    fn strings_compare_by_utf16_units() {
        assert_eq!(compare_strings_utf16("\u{FF61}", "😀"), Ordering::Greater);
        assert_eq!(compare_strings_utf16("a\u{FF61}", "a😀"), Ordering::Greater);
        assert_eq!(compare_strings_utf16("ab", "abc"), Ordering::Less);
        assert_eq!(compare_strings_utf16("b", "abc"), Ordering::Greater);
        assert_eq!(compare_strings_utf16("é", "z"), Ordering::Greater);
    }
}
