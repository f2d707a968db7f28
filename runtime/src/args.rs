//! Binding a call's arguments to a callee's parameters: one rule for KRL functions and
//! actions, built-in module members, used-module members and queries.
//!
//! Matches pico-engine's `krlNamedArgs`: the reference turns a call's arguments into one
//! object keyed by position (`"0"`, `"1"`, ...) and by name, then gives each parameter its
//! named value, else the value at its position. Gaps before a supplied argument are null,
//! nothing after the last supplied one is passed, arguments past the parameters and names
//! that are no parameter are dropped. Null is JavaScript's `undefined` to the callee, so a
//! parameter bound to null takes its default.

use std::sync::Arc;

use crate::value::{Map, Value};

/// Named arguments in call-site order.
pub type NamedArgs = Vec<(Arc<str>, Value)>;

/// Binds positional and named arguments to `params`: the result's index `i` is the value of
/// parameter `i`. A name given twice binds the later value, like a key written twice in the
/// reference's arguments object.
pub fn bind(params: &[&str], positional: Vec<Value>, named: NamedArgs) -> Vec<Value> {
    let mut values = positional;
    values.truncate(params.len());
    for (name, value) in named {
        if let Some(idx) = params.iter().position(|param| **param == *name) {
            if values.len() <= idx {
                values.resize(idx + 1, Value::Null);
            }
            values[idx] = value;
        }
    }
    values
}

/// Binds a query's arguments, a map keyed by parameter name or by position (`"0"`, `"1"`, ...),
/// as the HTTP API and `ctx:query` pass them; a name beats a position.
pub fn bind_map(params: &[&str], args: &Map) -> Vec<Value> {
    params
        .iter()
        .enumerate()
        .map(|(idx, param)| {
            args.get(param)
                .or_else(|| args.get(&idx.to_string()))
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(pairs: &[(&str, i64)]) -> NamedArgs {
        pairs
            .iter()
            .map(|(name, n)| (Arc::from(*name), Value::from(*n)))
            .collect()
    }

    fn ints(values: &[Value]) -> Vec<Option<i64>> {
        values.iter().map(|v| v.as_number().map(|f| f as i64)).collect()
    }

    #[test]
    fn positional_past_the_parameters_is_dropped() {
        let out = bind(&["a"], vec![1.into(), 2.into()], Vec::new());
        assert_eq!(ints(&out), [Some(1)]);
    }

    #[test]
    fn a_name_beats_the_position_and_gaps_are_null() {
        let out = bind(&["a", "b", "c"], vec![1.into()], named(&[("c", 3), ("a", 9)]));
        assert_eq!(ints(&out), [Some(9), None, Some(3)]);
    }

    #[test]
    fn unknown_names_are_dropped_and_the_later_duplicate_wins() {
        let out = bind(&["a", "b"], Vec::new(), named(&[("zz", 1), ("b", 2), ("b", 5)]));
        assert_eq!(ints(&out), [None, Some(5)]);
    }

    #[test]
    fn query_arguments_bind_by_name_then_position() {
        let mut args = Map::new();
        args.insert("1", Value::from(7));
        args.insert("b", Value::from(8));
        args.insert("0", Value::from(6));
        let out = bind_map(&["a", "b", "c"], &args);
        assert_eq!(ints(&out), [Some(6), Some(8), None]);
    }
}
