//! Conversions: KRL string form, `toNumberOrNull`, truthiness, and the plain JavaScript
//! `String()` / `Number()` coercions that leak through a few operators.

use std::borrow::Cow;
use std::sync::Arc;

use super::number::{format_number, js_string_to_number, lodash_string_to_number, parse_power_of_two_radix};
use super::{KrlType, Value};

impl Value {
    /// KRL's string form (`as("String")`, concatenation, beestings, error messages):
    /// `null`, `true`, numbers as JavaScript prints them, `re#src#flags`, and
    /// `[Array]`, `[Map]`, `[Function]`, `[Action]`, `[ActionFunction]`, `[JSObject]`.
    pub fn to_krl_string(&self) -> Cow<'_, str> {
        match self.krl_type() {
            KrlType::Null => Cow::Borrowed("null"),
            KrlType::Boolean => Cow::Borrowed(if self.truthy() { "true" } else { "false" }),
            KrlType::Hex | KrlType::String => Cow::Borrowed(self.as_str().unwrap_or_default()),
            KrlType::Number => Cow::Owned(format_number(self.as_number().unwrap_or_default())),
            KrlType::RegExp => match self {
                Value::RegExp(re) => Cow::Owned(re.to_krl_string()),
                _ => unreachable!("krl_type said RegExp"),
            },
            KrlType::Array => Cow::Borrowed("[Array]"),
            KrlType::Map => Cow::Borrowed("[Map]"),
            KrlType::Function => Cow::Borrowed("[Function]"),
            KrlType::Action => Cow::Borrowed("[Action]"),
            KrlType::ActionFunction => Cow::Borrowed("[ActionFunction]"),
            KrlType::JSObject => Cow::Borrowed("[JSObject]"),
        }
    }

    /// The string form as a shared string, without copying when this already is a string.
    pub fn to_krl_arc_str(&self) -> Arc<str> {
        match self {
            Value::String(s) => s.clone(),
            other => Arc::from(other.to_krl_string()),
        }
    }

    /// The reference's `toNumberOrNull` (language.md §4.5). `None` means "not convertible".
    pub fn to_number_or_null(&self) -> Option<f64> {
        match self.krl_type() {
            KrlType::Null => Some(0.0),
            KrlType::Boolean => Some(if self.truthy() { 1.0 } else { 0.0 }),
            KrlType::Hex => {
                let s = self.as_str().unwrap_or_default();
                parse_power_of_two_radix(&s[2..], 4)
            }
            KrlType::String => {
                let n = lodash_string_to_number(self.as_str().unwrap_or_default());
                n.is_finite().then_some(n)
            }
            KrlType::Number => self.as_number(),
            KrlType::Array | KrlType::Map => Some(self.size() as f64),
            _ => None,
        }
    }

    /// Number of elements or keys; 0 for anything else.
    pub(crate) fn size(&self) -> usize {
        match self {
            Value::Array(items) => items.len(),
            Value::Map(map) => map.len(),
            _ => 0,
        }
    }

    /// JavaScript truthiness: `false`, null, `0`, `-0` and `""` are falsy.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Boolean(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::String(s) => !s.is_empty(),
            _ => true,
        }
    }

    /// JavaScript's `String(v)`, which a few operators use instead of KRL's form (group
    /// keys of `collect`/`once`, results of `replace` callbacks). `null_text` is what null
    /// becomes: `"undefined"` for KRL nulls, `"null"` where the reference cleaned them first.
    pub fn to_js_string(&self, null_text: &str) -> String {
        match self {
            Value::Null => null_text.to_owned(),
            Value::Number(n) if n.is_nan() => null_text.to_owned(),
            Value::Boolean(b) => b.to_string(),
            Value::Number(n) => format_number(*n),
            Value::String(s) => s.to_string(),
            Value::Array(items) => {
                // Array.prototype.join: null and undefined elements become "".
                let parts: Vec<String> = items.iter().map(|item| item.to_js_string("")).collect();
                parts.join(",")
            }
            Value::Map(_) => "[object Object]".to_owned(),
            Value::RegExp(re) => re.to_js_string(),
            Value::Function(_) | Value::Action(_) => self.to_krl_string().into_owned(),
        }
    }

    /// JavaScript's `Number(v)` (via `ToPrimitive`); `NaN` when not a number. Used where the
    /// reference compares a callback's raw result with a number (`sort` comparators).
    pub fn to_js_number(&self) -> f64 {
        match self {
            Value::Null => f64::NAN,
            Value::Boolean(b) => f64::from(u8::from(*b)),
            Value::Number(n) => *n,
            Value::String(s) => js_string_to_number(s),
            Value::Array(_) => js_string_to_number(&self.to_js_string("")),
            _ => f64::NAN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Map, Regex};
    use super::*;

    #[test]
    fn krl_string_forms() {
        let re = Value::regexp(Regex::new("a/b", "ig").expect("valid"));
        let cases: Vec<(Value, &str)> = vec![
            (Value::Null, "null"),
            (true.into(), "true"),
            (false.into(), "false"),
            ("0x1F".into(), "0x1F"),
            (Value::from(1e21), "1e+21"),
            (Value::from(-0.0), "0"),
            (re, "re#a\\/b#gi"),
            (Value::array(vec![1.into()]), "[Array]"),
            (Value::map(Map::new()), "[Map]"),
            (Value::Number(f64::NEG_INFINITY), "[JSObject]"),
        ];
        for (value, text) in cases {
            assert_eq!(value.to_krl_string(), text, "{value:?}");
        }
    }

    #[test]
    fn number_or_null() {
        let cases: Vec<(Value, Option<f64>)> = vec![
            (Value::Null, Some(0.0)),
            (true.into(), Some(1.0)),
            ("0x1F".into(), Some(31.0)),
            ("0xAF".into(), Some(175.0)),
            (" +5 ".into(), Some(5.0)),
            ("".into(), Some(0.0)),
            ("1,000".into(), None),
            ("12px".into(), None),
            ("Infinity".into(), None),
            ("NaN".into(), None),
            ("-0x1F".into(), None),
            ("0b11".into(), Some(3.0)),
            (Value::array(vec![1.into(), 2.into()]), Some(2.0)),
            (Value::Number(f64::INFINITY), None),
            (Value::regexp(Regex::new("a", "").expect("valid")), None),
        ];
        for (value, n) in cases {
            assert_eq!(value.to_number_or_null(), n, "{value:?}");
        }
    }

    #[test]
    fn truthiness() {
        for falsy in [Value::Null, false.into(), 0.into(), (-0.0).into(), "".into()] {
            assert!(!falsy.truthy(), "{falsy:?}");
        }
        for truthy in [
            Value::from("0"),
            "false".into(),
            Value::array(vec![]),
            Value::map(Map::new()),
            Value::Number(f64::INFINITY),
        ] {
            assert!(truthy.truthy(), "{truthy:?}");
        }
    }

    #[test]
    fn js_string_forms() {
        let arr = Value::array(vec![1.into(), Value::Null, "x".into()]);
        assert_eq!(arr.to_js_string("undefined"), "1,,x");
        assert_eq!(Value::Null.to_js_string("undefined"), "undefined");
        assert_eq!(Value::map(Map::new()).to_js_string(""), "[object Object]");
        assert_eq!(Value::Number(f64::INFINITY).to_js_string(""), "Infinity");
        assert_eq!(Value::array(vec![5.into()]).to_js_number(), 5.0);
        assert!(Value::Null.to_js_number().is_nan());
    }
}
