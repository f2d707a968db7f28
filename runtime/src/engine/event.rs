//! Events and queries as they enter the engine, with the reference's validation.

use std::sync::Arc;

use crate::value::{Map, Value};
use crate::{RuntimeError, Value as KrlValue};

/// An event on its way to a pico.
#[derive(Clone, Debug)]
pub struct Event {
    pub eci: Arc<str>,
    pub domain: Arc<str>,
    pub name: Arc<str>,
    /// Always a map after cleaning.
    pub attrs: Value,
    /// Epoch milliseconds; 0 for scheduled events.
    pub time: f64,
}

impl Event {
    /// Validates and normalises an event as pico-engine's `cleanEvent` does: trimmed
    /// non-blank eci, domain and name; attributes a map (null becomes `{}`), deep-copied
    /// through JSON so functions and regexes do not leak between picos.
    pub fn clean(
        eci: &str,
        domain: &str,
        name: &str,
        attrs: Value,
        time: f64,
    ) -> Result<Event, RuntimeError> {
        let eci = non_blank(eci).ok_or_else(|| RuntimeError::error("missing event.eci"))?;
        let domain = non_blank(domain).ok_or_else(|| RuntimeError::error("missing event.domain"))?;
        let name = non_blank(name).ok_or_else(|| RuntimeError::error("missing event.name"))?;
        let attrs =
            json_map(attrs).ok_or_else(|| RuntimeError::error("Expected a JSON map for event.data.attrs"))?;
        Ok(Event {
            eci: eci.into(),
            domain: domain.into(),
            name: name.into(),
            attrs,
            time,
        })
    }
}

/// A query on its way to a pico.
#[derive(Clone, Debug)]
pub struct Query {
    pub eci: Arc<str>,
    pub rid: Arc<str>,
    pub name: Arc<str>,
    pub args: Value,
}

impl Query {
    /// Validates a query as pico-engine does.
    pub fn clean(eci: &str, rid: &str, name: &str, args: Value) -> Result<Query, RuntimeError> {
        let eci = non_blank(eci).ok_or_else(|| RuntimeError::error("missing query.eci"))?;
        let rid = non_blank(rid).ok_or_else(|| RuntimeError::error("missing query.rid"))?;
        let name = non_blank(name).ok_or_else(|| RuntimeError::error("missing query.name"))?;
        let args = json_map(args).ok_or_else(|| RuntimeError::error("Expected a JSON map for query.args"))?;
        Ok(Query {
            eci: eci.into(),
            rid: rid.into(),
            name: name.into(),
            args,
        })
    }
}

fn non_blank(text: &str) -> Option<&str> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then_some(trimmed)
}

/// The value as it would come back from a JSON round trip (`JSON.stringify` without the
/// KRL replacer, see [`Value::through_json`]), if that is a map: null becomes `{}`, and so
/// does a regex, as in the reference.
fn json_map(value: KrlValue) -> Option<Value> {
    match value {
        Value::Null => Some(Value::map(Map::new())),
        // Values are immutable, so a map the round trip would not change can be shared
        // as it is (the common case, and the round trip is a large share of an event's cost).
        Value::Map(_) if survives_json(&value, 0) => Some(value),
        Value::Map(_) | Value::RegExp(_) => value.through_json(),
        _ => None,
    }
}

/// Whether a JSON round trip gives back an equal value: only null, booleans, strings,
/// finite numbers other than -0, and arrays and maps of those (nested not too deep).
fn survives_json(value: &Value, depth: usize) -> bool {
    match value {
        Value::Null | Value::Boolean(_) | Value::String(_) => true,
        Value::Number(n) => n.is_finite() && !(*n == 0.0 && n.is_sign_negative()),
        _ if depth > 32 => false,
        Value::Array(items) => items.iter().all(|item| survives_json(item, depth + 1)),
        Value::Map(map) => map.values().all(|item| survives_json(item, depth + 1)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_follows_the_reference() {
        let event = Event::clean(" eci ", "d", "t", Value::Null, 5.0).expect("valid");
        assert_eq!(&*event.eci, "eci");
        assert_eq!(event.attrs.encode(0).as_deref(), Some("{}"));
        let err = |r: Result<Event, RuntimeError>| r.expect_err("invalid").to_string();
        assert_eq!(
            err(Event::clean("", "d", "t", Value::Null, 0.0)),
            "Error: missing event.eci"
        );
        assert_eq!(
            err(Event::clean("e", " ", "t", Value::Null, 0.0)),
            "Error: missing event.domain"
        );
        assert_eq!(
            err(Event::clean("e", "d", "", Value::Null, 0.0)),
            "Error: missing event.name"
        );
        assert_eq!(
            err(Event::clean("e", "d", "t", Value::from(1), 0.0)),
            "Error: Expected a JSON map for event.data.attrs"
        );
    }

    #[test]
    fn attrs_are_what_a_json_round_trip_gives() {
        let attrs = |entries: Vec<(&str, Value)>| {
            let mut map = Map::new();
            for (key, value) in entries {
                map.insert(key, value);
            }
            Value::map(map)
        };
        let inner = attrs(vec![
            ("n", Value::number(-0.0)),
            ("inf", Value::number(f64::INFINITY)),
        ]);
        let given = attrs(vec![
            ("s", Value::string("x")),
            ("a", Value::array(vec![Value::number(1.5), Value::Null, inner])),
        ]);
        let event = Event::clean("e", "d", "t", given, 0.0).expect("valid");
        assert_eq!(
            event.attrs.encode(0).as_deref(),
            Some(r#"{"s":"x","a":[1.5,null,{"n":0,"inf":null}]}"#)
        );
        let nested = event
            .attrs
            .as_map()
            .and_then(|m| m.get("a"))
            .and_then(Value::as_array);
        let inner = nested.and_then(|a| a[2].as_map()).expect("the inner map");
        let zero = inner.get("n").and_then(Value::as_number).expect("a number");
        assert!(zero == 0.0 && zero.is_sign_positive(), "-0 became 0");
        assert!(
            inner.get("inf").and_then(Value::as_number).is_none(),
            "Infinity is no number"
        );
        let plain = attrs(vec![("k", Value::string("v"))]);
        // Shared, not copied: nothing in it changes through JSON.
        let event = Event::clean("e", "d", "t", plain.clone(), 0.0).expect("valid");
        assert_eq!(event.attrs, plain);
    }

    /// What each kind of value given as the whole attributes (or arguments) becomes: the
    /// reference stringifies it and accepts it only when the text starts with `{`.
    #[test]
    fn top_level_attrs_of_every_kind() {
        use crate::value::{NativeFn, Regex};
        let function = Value::function(Arc::new(NativeFn::new("f", &[], |_, _| Ok(Value::Null))));
        let cases: Vec<(&str, Value, Option<&str>)> = vec![
            ("null", Value::Null, Some("{}")),
            (
                "map",
                Value::map(Map::from_iter([("x", Value::from(1))])),
                Some(r#"{"x":1}"#),
            ),
            (
                "regex",
                Value::regexp(Regex::new("a", "").expect("valid")),
                Some("{}"),
            ),
            ("function", function, None),
            ("array", Value::array(vec![]), None),
            ("string", Value::string("{}"), None),
            ("number", Value::from(1), None),
            ("boolean", Value::from(true), None),
        ];
        for (kind, value, expected) in cases {
            let event = Event::clean("e", "d", "t", value.clone(), 0.0);
            let query = Query::clean("e", "r", "q", value);
            match expected {
                Some(text) => {
                    let event = event.expect(kind);
                    assert_eq!(event.attrs.encode(0).as_deref(), Some(text), "{kind}");
                    assert_eq!(query.expect(kind).args.encode(0).as_deref(), Some(text), "{kind}");
                }
                None => {
                    let err = event.expect_err(kind).to_string();
                    assert_eq!(err, "Error: Expected a JSON map for event.data.attrs", "{kind}");
                    let err = query.expect_err(kind).to_string();
                    assert_eq!(err, "Error: Expected a JSON map for query.args", "{kind}");
                }
            }
        }
    }
}
