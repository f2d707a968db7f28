//! Entity-variable path semantics: `ent:x{path} := v` and `clear ent:x{path}`.
//!
//! Matches pico-engine: a path write is a read–modify–write of the whole value with lodash
//! `set` semantics (missing levels are created, as arrays when the next key looks like an
//! index), starting from `{}` when the current value is not a collection.

use crate::host::TestHost;
use crate::stdlib;
use crate::value::{Map, Value};
use crate::{Host, RuntimeError};

/// The new whole value after writing `value` at `path` inside `current`.
pub fn set_path(current: Value, path: &Value, value: Value) -> Result<Value, RuntimeError> {
    let base = if current.is_collection() {
        current
    } else {
        Value::map(Map::new())
    };
    let set = stdlib::lookup("set").expect("the stdlib has `set`");
    // `set` never calls back into KRL, so any host will do.
    let mut host = TestHost::new();
    set.invoke(&mut host as &mut dyn Host, &[base, path.clone(), value])
}

/// The new whole value after deleting `path` inside `current`.
pub fn clear_path(current: &Value, path: &Value) -> Value {
    stdlib::maps_delete(current, path)
}

/// The value at `path` inside `current`.
pub fn get_path(current: &Value, path: &Value) -> Value {
    stdlib::maps_get(current, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        Value::decode(text).expect("valid JSON")
    }

    #[test]
    fn path_writes_create_levels_like_lodash_set() {
        let out = set_path(Value::Null, &json(r#"["a","0","b"]"#), 5.into()).expect("set");
        assert_eq!(out.encode(0).as_deref(), Some(r#"{"a":[{"b":5}]}"#));
        let out = set_path(json("[1,2]"), &json(r#"["5"]"#), 9.into()).expect("set");
        assert_eq!(out.encode(0).as_deref(), Some("[1,2,null,null,null,9]"));
        let out = set_path(Value::from(3), &Value::from("k"), 1.into()).expect("set");
        assert_eq!(out.encode(0).as_deref(), Some(r#"{"k":1}"#));
    }

    #[test]
    fn clearing_a_path_removes_only_it() {
        let out = clear_path(&json(r#"{"a":1,"b":2}"#), &Value::from("a"));
        assert_eq!(out.encode(0).as_deref(), Some(r#"{"b":2}"#));
        assert_eq!(
            get_path(&json(r#"{"a":{"b":3}}"#), &json(r#"["a","b"]"#)),
            Value::from(3)
        );
    }
}
