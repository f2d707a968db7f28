//! JSON: `encode` (JavaScript `JSON.stringify` with the reference's replacer), `decode`
//! (`JSON.parse`), serde impls and conversion to and from `serde_json::Value`.
//!
//! Matches pico-engine: regexes, functions, actions and ±Infinity encode as their KRL
//! string form (`"re#a#g"`, `"[Function]"`); nulls encode as `null`; an action-function
//! is skipped like a JavaScript function (dropped from maps, `null` in arrays, nothing at
//! the top level). Numbers print as JavaScript prints them, so `encode` writes JSON itself
//! rather than through serde_json (which would print `1e21` instead of `1e+21`).

use std::fmt::Write as _;
use std::sync::Arc;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::deep::{MAX_DECODE_DEPTH, json_nests_deeper_than};
use super::number::format_number;
use super::{KrlType, Map, Value, with_stack};

/// Why `decode` could not parse its input.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("invalid JSON: nested deeper than {MAX_DECODE_DEPTH} levels")]
    TooDeep,
}

impl Value {
    /// `JSON.stringify(val, replacer, indent)` as the reference's `encode` calls it.
    /// `indent` is clamped to 0..=10 spaces. `None` is JavaScript's `undefined` result
    /// (only for an action-function at the top level).
    pub fn encode(&self, indent: usize) -> Option<String> {
        let indent = indent.min(10);
        let mut out = String::new();
        write_json(self, indent, 0, &mut out).then_some(out)
    }

    /// `JSON.parse`. Values may nest up to [`MAX_DECODE_DEPTH`] levels (serde_json's own limit
    /// of 128 is off: entity variables go through a JSON round trip, see `TxnContext`).
    pub fn decode(text: &str) -> Result<Value, DecodeError> {
        if json_nests_deeper_than(text, MAX_DECODE_DEPTH) {
            return Err(DecodeError::TooDeep);
        }
        let mut reader = serde_json::Deserializer::from_str(text);
        reader.disable_recursion_limit();
        let value = Value::deserialize(&mut reader)?;
        reader.end()?;
        Ok(value)
    }

    /// What JavaScript's `JSON.parse(JSON.stringify(value))` gives, with no replacer: what
    /// pico-engine makes of values that cross a pico boundary (`cleanEvent`, `cleanQuery`).
    /// Unlike [`Value::encode`] (the KRL operator, with the reference's replacer), a regex
    /// becomes `{}`, a function or action is dropped from a map and `null` in an array,
    /// NaN and ±Infinity become null and -0 becomes 0. `None` is `undefined`: a function or
    /// action at the top level.
    pub fn through_json(&self) -> Option<Value> {
        Some(match self {
            Value::Null | Value::Boolean(_) | Value::String(_) => self.clone(),
            Value::Number(n) if !n.is_finite() => Value::Null,
            // -0 prints as 0, so it comes back as +0.
            Value::Number(n) if *n == 0.0 => Value::Number(0.0),
            Value::Number(_) => self.clone(),
            // A RegExp has no enumerable own properties.
            Value::RegExp(_) => Value::map(Map::new()),
            Value::Function(_) | Value::Action(_) => return None,
            Value::Array(items) => Value::array(
                items
                    .iter()
                    .map(|item| item.through_json().unwrap_or(Value::Null))
                    .collect(),
            ),
            Value::Map(map) => Value::map(
                map.iter()
                    .filter_map(|(key, item)| Some((Arc::clone(key), item.through_json()?)))
                    .collect(),
            ),
        })
    }

    /// The JSON value this encodes to (functions as strings, integers without `.0`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// What `encode` writes for values JSON cannot hold, or `None` to write the value itself.
fn replaced(value: &Value) -> Option<Value> {
    match value.krl_type() {
        KrlType::Null if !matches!(value, Value::Null) => Some(Value::Null),
        KrlType::JSObject | KrlType::RegExp | KrlType::Function | KrlType::Action => {
            Some(Value::String(value.to_krl_arc_str()))
        }
        _ => None,
    }
}

/// Writes `value`; returns false when JavaScript would produce `undefined` (skipped).
fn write_json(value: &Value, indent: usize, depth: usize, out: &mut String) -> bool {
    // One level of a value nested without bound (see `deep`).
    with_stack(|| write_json_unguarded(value, indent, depth, out))
}

fn write_json_unguarded(value: &Value, indent: usize, depth: usize, out: &mut String) -> bool {
    if let Some(replacement) = replaced(value) {
        return write_json(&replacement, indent, depth, out);
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&format_number(*n)),
        Value::String(s) => write_json_string(s, out),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return true;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(indent, depth + 1, out);
                if !write_json(item, indent, depth + 1, out) {
                    out.push_str("null");
                }
            }
            newline(indent, depth, out);
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            let mut first = true;
            for (key, item) in map.iter() {
                if item.krl_type() == KrlType::ActionFunction {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                newline(indent, depth + 1, out);
                write_json_string(key, out);
                out.push(':');
                if indent > 0 {
                    out.push(' ');
                }
                write_json(item, indent, depth + 1, out);
            }
            if !first {
                newline(indent, depth, out);
            }
            out.push('}');
        }
        // Only action-functions get here: replaced() handled the other callables.
        Value::RegExp(_) | Value::Function(_) | Value::Action(_) => return false,
    }
    true
}

fn newline(indent: usize, depth: usize, out: &mut String) {
    if indent > 0 {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', indent * depth));
    }
}

/// `JSON.stringify` string quoting: only `"`, `\` and control characters are escaped.
fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // One level of a value nested without bound (see `deep`).
        with_stack(|| self.serialize_unguarded(serializer))
    }
}

impl Value {
    fn serialize_unguarded<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(replacement) = replaced(self) {
            return replacement.serialize(serializer);
        }
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Boolean(b) => serializer.serialize_bool(*b),
            Value::Number(n) => {
                // Integers go out as integers so JSON consumers see `1`, not `1.0`.
                if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
                    serializer.serialize_i64(*n as i64)
                } else {
                    serializer.serialize_f64(*n)
                }
            }
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    if item.krl_type() == KrlType::ActionFunction {
                        seq.serialize_element(&Value::Null)?;
                    } else {
                        seq.serialize_element(item)?;
                    }
                }
                seq.end()
            }
            Value::Map(map) => {
                let kept = map
                    .iter()
                    .filter(|(_, v)| v.krl_type() != KrlType::ActionFunction);
                let mut out = serializer.serialize_map(None)?;
                for (key, item) in kept {
                    out.serialize_entry(&**key, item)?;
                }
                out.end()
            }
            Value::RegExp(_) | Value::Function(_) | Value::Action(_) => serializer.serialize_unit(),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // One level of a value nested without bound (see `deep`): `decode` and storage read
        // JSON without serde_json's recursion limit.
        with_stack(|| deserializer.deserialize_any(ValueVisitor))
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Boolean(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::number(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::with_capacity(access.size_hint().unwrap_or(0));
        while let Some((key, value)) = access.next_entry::<String, Value>()? {
            map.insert(Arc::<str>::from(key), value);
        }
        Ok(Value::map(map))
    }
}

impl From<&serde_json::Value> for Value {
    fn from(json: &serde_json::Value) -> Self {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Boolean(*b),
            serde_json::Value::Number(n) => Value::from(n.as_f64()),
            serde_json::Value::String(s) => Value::from(s.as_str()),
            serde_json::Value::Array(items) => items.iter().map(Value::from).collect(),
            serde_json::Value::Object(entries) => Value::map(
                entries
                    .iter()
                    .map(|(k, v)| (Arc::<str>::from(k.as_str()), Value::from(v)))
                    .collect(),
            ),
        }
    }
}

impl From<serde_json::Value> for Value {
    fn from(json: serde_json::Value) -> Self {
        Value::from(&json)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::Regex;
    use super::*;
    use crate::value::NativeFn;

    fn v(json: serde_json::Value) -> Value {
        Value::from(json)
    }

    #[test]
    fn encodes_like_json_stringify() {
        assert_eq!(v(json!({"a": null})).encode(0).as_deref(), Some(r#"{"a":null}"#));
        assert_eq!(
            v(json!([1, 1.5, "x"])).encode(0).as_deref(),
            Some(r#"[1,1.5,"x"]"#)
        );
        assert_eq!(Value::from(1e21).encode(0).as_deref(), Some("1e+21"));
        assert_eq!(
            Value::regexp(Regex::new("a/b", "g").expect("valid"))
                .encode(0)
                .as_deref(),
            Some(r#""re#a\\/b#g""#)
        );
        assert_eq!(
            Value::Number(f64::INFINITY).encode(0).as_deref(),
            Some(r#""[JSObject]""#)
        );
        assert_eq!(
            v(json!({"b": 1, "a": [1, {}], "1": []})).encode(2).as_deref(),
            Some("{\n  \"1\": [],\n  \"b\": 1,\n  \"a\": [\n    1,\n    {}\n  ]\n}")
        );
        assert_eq!(
            Value::from("tab\t\u{1}\"é").encode(0).as_deref(),
            Some("\"tab\\t\\u0001\\\"é\"")
        );
    }

    #[test]
    fn action_functions_are_skipped_like_js_functions() {
        let noop = Value::function(std::sync::Arc::new(
            NativeFn::new("noop", &[], |_, _| Ok(Value::Null)).action_function(),
        ));
        assert_eq!(noop.encode(0), None);
        let mut map = Map::new();
        map.insert("f", noop.clone());
        map.insert("x", 1.into());
        assert_eq!(Value::map(map).encode(0).as_deref(), Some(r#"{"x":1}"#));
        assert_eq!(Value::array(vec![noop]).encode(0).as_deref(), Some("[null]"));
    }

    /// Every value kind through `JSON.parse(JSON.stringify(v))`, as the reference's
    /// `cleanEvent` does it (printed with `encode`, which leaves JSON values alone).
    #[test]
    fn through_json_is_what_javascript_json_makes_of_each_kind() {
        let function = Value::function(std::sync::Arc::new(NativeFn::new("f", &[], |_, _| {
            Ok(Value::Null)
        })));
        let action = Value::action(std::sync::Arc::new(NativeFn::new("a", &[], |_, _| {
            Ok(Value::Null)
        })));
        let action_function = Value::function(std::sync::Arc::new(
            NativeFn::new("af", &[], |_, _| Ok(Value::Null)).action_function(),
        ));
        let regex = Value::regexp(Regex::new("a/b", "gi").expect("valid"));
        let cases: Vec<(&str, Value, Option<&str>)> = vec![
            ("null", Value::Null, Some("null")),
            ("true", true.into(), Some("true")),
            ("string", "x\ny".into(), Some(r#""x\ny""#)),
            ("integer", 42.into(), Some("42")),
            ("fraction", 1.5.into(), Some("1.5")),
            ("large", 1e21.into(), Some("1e+21")),
            ("negative zero", Value::Number(-0.0), Some("0")),
            ("NaN", Value::Number(f64::NAN), Some("null")),
            ("Infinity", Value::Number(f64::INFINITY), Some("null")),
            ("-Infinity", Value::Number(f64::NEG_INFINITY), Some("null")),
            ("regex", regex.clone(), Some("{}")),
            ("function", function.clone(), None),
            ("action", action.clone(), None),
            ("action-function", action_function.clone(), None),
            (
                "array of every kind",
                Value::array(vec![
                    regex.clone(),
                    function.clone(),
                    action.clone(),
                    action_function.clone(),
                    Value::Number(f64::NAN),
                    Value::Number(-0.0),
                    Value::Null,
                ]),
                Some("[{},null,null,null,null,0,null]"),
            ),
            (
                "map of every kind, in JavaScript key order",
                Value::map(Map::from_iter([
                    ("re", regex.clone()),
                    ("f", function.clone()),
                    ("a", action.clone()),
                    ("af", action_function.clone()),
                    ("inf", Value::Number(f64::INFINITY)),
                    ("nil", Value::Null),
                    ("2", 2.into()),
                    ("1", 1.into()),
                ])),
                Some(r#"{"1":1,"2":2,"re":{},"inf":null,"nil":null}"#),
            ),
            (
                "nested",
                Value::map(Map::from_iter([(
                    "outer",
                    Value::array(vec![Value::map(Map::from_iter([
                        ("re", regex.clone()),
                        ("f", function.clone()),
                        ("list", Value::array(vec![function.clone(), 1.into()])),
                    ]))]),
                )])),
                Some(r#"{"outer":[{"re":{},"list":[null,1]}]}"#),
            ),
        ];
        for (kind, value, expected) in cases {
            let cleaned = value.through_json();
            assert_eq!(
                cleaned.as_ref().and_then(|v| v.encode(0)).as_deref(),
                expected,
                "{kind}"
            );
            if let Some(cleaned) = cleaned {
                // What comes out is plain JSON: a second trip changes nothing.
                assert_eq!(cleaned.through_json(), Some(cleaned.clone()), "{kind}");
            }
        }
        let negative_zero = Value::Number(-0.0).through_json();
        assert!(matches!(negative_zero, Some(Value::Number(n)) if n.is_sign_positive()));
    }

    #[test]
    fn decodes_with_js_key_order() {
        let decoded = Value::decode(r#"{"b":1,"a":2,"10":3,"2":4}"#).expect("valid JSON");
        assert_eq!(
            decoded.encode(0).as_deref(),
            Some(r#"{"2":4,"10":3,"b":1,"a":2}"#)
        );
        assert!(Value::decode("not json").is_err());
        assert_eq!(Value::decode("123").expect("valid"), Value::from(123));
    }

    #[test]
    fn serde_json_round_trip() {
        let value = v(json!({"a": [1, 2.5, null, true, "s"]}));
        assert_eq!(value.to_json(), json!({"a": [1, 2.5, null, true, "s"]}));
        assert_eq!(Value::from(value.to_json()), value);
    }
}
