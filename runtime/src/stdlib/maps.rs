//! Map and path operators: `get`, `set`, `put`, `delete`, `keys`, `values`, and the own-key
//! test behind `map >< key`.
//!
//! A path is one key or an array of keys, each converted with `as("String")`. The
//! reference uses lodash on JavaScript objects; assigning a non-index key on an array only
//! adds an invisible property there, so such assignments leave the array unchanged here.

use std::sync::Arc;

use super::{Operator, OperatorKind, arg};
use crate::error::RuntimeError;
use crate::host::Host;
use crate::value::number::js_parse_int;
use crate::value::{Map, Value, array_index};

/// How far past the end an array assignment may reach. JavaScript makes a sparse array;
/// we store holes densely, so a far-away index raises JavaScript's length error instead.
const MAX_HOLES: usize = 10_000_000;

pub(super) const OPERATORS: &[Operator] = &[
    function!("get", &["obj", "path"], |_, a| Ok(get(arg(a, 0), arg(a, 1)))),
    function!("set", &["obj", "path", "val"], set),
    function!("put", &["val", "path", "toSet"], put),
    function!("delete", &["val", "path"], |_, a| Ok(delete(
        arg(a, 0),
        arg(a, 1)
    ))),
    function!("keys", &["val", "path"], |_, a| Ok(keys_or_values(
        arg(a, 0),
        arg(a, 1),
        true
    ))),
    function!("values", &["val", "path"], |_, a| Ok(keys_or_values(
        arg(a, 0),
        arg(a, 1),
        false
    ))),
];

/// The reference's `toKeyPath`.
fn key_path(path: &Value) -> Vec<Arc<str>> {
    match path {
        Value::Array(keys) => keys.iter().map(Value::to_krl_arc_str).collect(),
        single => vec![single.to_krl_arc_str()],
    }
}

/// `value[key]` for the own properties KRL can see: map keys, array elements and `length`,
/// string units and `length`. `None` is JavaScript's `undefined`.
fn child(value: &Value, key: &str) -> Option<Value> {
    match value {
        Value::Map(map) => map.get(key).cloned(),
        Value::Array(items) => match array_index(key) {
            Some(i) => items.get(i as usize).cloned(),
            None if key == "length" => Some(Value::from(items.len())),
            None => None,
        },
        Value::String(s) => match array_index(key) {
            Some(i) => s
                .encode_utf16()
                .nth(i as usize)
                .map(|unit| Value::from(String::from_utf16_lossy(&[unit]))),
            None if key == "length" => Some(Value::from(s.encode_utf16().count())),
            None => None,
        },
        _ => None,
    }
}

/// lodash `get(value, path)`; `None` for a missing step or an empty path.
fn get_path(value: &Value, path: &[Arc<str>]) -> Option<Value> {
    if path.is_empty() {
        return None;
    }
    let mut current = value.clone();
    for key in path {
        current = child(&current, key)?;
    }
    Some(current)
}

/// `obj{path}` / `arr[i]`: null unless `obj` is an array or map.
pub fn get(obj: &Value, path: &Value) -> Value {
    if !obj.is_collection() {
        return Value::Null;
    }
    get_path(obj, &key_path(path)).unwrap_or_default()
}

fn keys_or_values(val: &Value, path: &Value, want_keys: bool) -> Value {
    if !val.is_collection() {
        return Value::array(Vec::new());
    }
    let target = if path.truthy() {
        get_path(val, &key_path(path)).unwrap_or_default()
    } else {
        val.clone()
    };
    let out: Vec<Value> = match &target {
        Value::Map(map) if want_keys => map.keys().map(|k| Value::String(k.clone())).collect(),
        Value::Map(map) => map.values().cloned().collect(),
        Value::Array(items) if want_keys => (0..items.len()).map(|i| Value::from(i.to_string())).collect(),
        Value::Array(items) => items.to_vec(),
        // lodash treats strings as array-likes of UTF-16 units.
        Value::String(s) => {
            let units: Vec<u16> = s.encode_utf16().collect();
            if want_keys {
                (0..units.len()).map(|i| Value::from(i.to_string())).collect()
            } else {
                units
                    .iter()
                    .map(|u| Value::from(String::from_utf16_lossy(&[*u])))
                    .collect()
            }
        }
        _ => Vec::new(),
    };
    Value::array(out)
}

/// `container[key] = value` on a map or array. Arrays accept only index keys (growing
/// with holes) and `length`; other keys would be invisible properties, so nothing changes.
fn assign(container: &mut Value, key: &Arc<str>, value: Value) -> Result<(), RuntimeError> {
    match container {
        Value::Map(map) => {
            Arc::make_mut(map).insert(key.clone(), value);
        }
        Value::Array(items) => {
            if let Some(i) = array_index(key) {
                let i = i as usize;
                if i >= items.len() + MAX_HOLES {
                    return Err(RuntimeError::range_error("Invalid array length"));
                }
                let items = Arc::make_mut(items);
                if i >= items.len() {
                    items.resize(i + 1, Value::Null);
                }
                items[i] = value;
            } else if &**key == "length" {
                let new_len = value.as_number().filter(|n| *n >= 0.0 && n.fract() == 0.0);
                let new_len = new_len.ok_or_else(|| RuntimeError::range_error("Invalid array length"))?;
                if new_len as usize >= items.len() + MAX_HOLES {
                    return Err(RuntimeError::range_error("Invalid array length"));
                }
                Arc::make_mut(items).resize(new_len as usize, Value::Null);
            }
        }
        _ => {}
    }
    Ok(())
}

/// An array is entered by `put` only when the next key parses (with `parseInt`) to an
/// index no further than one past the end; otherwise it is converted to a map.
fn is_safe_array_index(items: &[Value], key: &str) -> bool {
    let index = js_parse_int(key);
    !index.is_nan() && index >= 0.0 && index <= items.len() as f64
}

fn array_to_map(items: &[Value]) -> Value {
    let map: Map = items
        .iter()
        .enumerate()
        .map(|(i, item)| (Arc::<str>::from(i.to_string()), item.clone()))
        .collect();
    Value::map(map)
}

fn put(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let val = arg(args, 0);
    if !val.is_collection() || args.len() < 2 {
        return Ok(val.clone());
    }
    let (path, to_set) = if args.len() < 3 {
        (Vec::new(), arg(args, 1))
    } else {
        (key_path(arg(args, 1)), arg(args, 2))
    };
    if path.is_empty() {
        let merged = match (val, to_set) {
            (Value::Map(base), Value::Map(extra)) => {
                let mut merged = (**base).clone();
                for (key, item) in extra.iter() {
                    merged.insert(key.clone(), item.clone());
                }
                Value::map(merged)
            }
            (Value::Array(base), Value::Array(extra)) => {
                let mut merged = base.to_vec();
                for (i, item) in extra.iter().enumerate() {
                    match merged.get_mut(i) {
                        Some(slot) => *slot = item.clone(),
                        None => merged.push(item.clone()),
                    }
                }
                Value::array(merged)
            }
            _ => to_set.clone(),
        };
        match &merged {
            Value::Map(map) => crate::limits::items(map.len())?,
            Value::Array(items) => crate::limits::items(items.len())?,
            _ => {}
        }
        return Ok(merged);
    }
    let mut out = val.clone();
    put_in(&mut out, &path, to_set.clone())?;
    let size = |value: &Value| match value {
        Value::Map(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    };
    crate::limits::items(size(&out))?;
    Ok(out)
}

/// Matches pico-engine's `put` walk: maps are entered, arrays entered only at safe
/// indices (else converted to maps), anything else replaced by a new map — never an array.
fn put_in(container: &mut Value, path: &[Arc<str>], to_set: Value) -> Result<(), RuntimeError> {
    let Some((key, rest)) = path.split_first() else {
        return Ok(());
    };
    if rest.is_empty() {
        return assign(container, key, to_set);
    }
    if matches!(container, Value::Array(_)) && array_index(key).is_none() {
        return Ok(()); // would only touch an invisible property of the array
    }
    let mut next = match child(container, key) {
        Some(map @ Value::Map(_)) => map,
        Some(array @ Value::Array(_))
            if array
                .as_array()
                .is_some_and(|items| is_safe_array_index(items, &rest[0])) =>
        {
            array
        }
        Some(Value::Array(ref items)) => array_to_map(items),
        _ => Value::map(Map::new()),
    };
    put_in(&mut next, rest, to_set)?;
    assign(container, key, next)
}

fn set(_: &mut dyn Host, args: &[Value]) -> Result<Value, RuntimeError> {
    let (obj, path, val) = (arg(args, 0), arg(args, 1), arg(args, 2));
    let mut out = if obj.is_collection() {
        obj.clone()
    } else {
        Value::map(Map::new())
    };
    set_in(&mut out, &key_path(path), val.clone())?;
    Ok(out)
}

/// lodash `isIndex` for strings: what makes `set` create an array level.
fn lodash_is_index(key: &str) -> bool {
    let b = key.as_bytes();
    !b.is_empty()
        && (b == b"0" || (b[0] != b'0' && b.iter().all(u8::is_ascii_digit)))
        && key.parse::<f64>().is_ok_and(|n| n < 9_007_199_254_740_991.0)
}

/// lodash `set`: missing or primitive levels become arrays when the next key is an index,
/// maps otherwise. Matches lodash: `__proto__`, `constructor` and `prototype` stop the walk.
fn set_in(container: &mut Value, path: &[Arc<str>], val: Value) -> Result<(), RuntimeError> {
    let Some((key, rest)) = path.split_first() else {
        return Ok(());
    };
    if matches!(&**key, "__proto__" | "constructor" | "prototype") {
        return Ok(());
    }
    if rest.is_empty() {
        return assign(container, key, val);
    }
    if matches!(container, Value::Array(_)) && array_index(key).is_none() {
        return Ok(());
    }
    let mut next = match child(container, key) {
        Some(level @ (Value::Map(_) | Value::Array(_))) => level,
        // Regexes and functions are objects to lodash: it sets an invisible property.
        Some(Value::RegExp(_) | Value::Function(_) | Value::Action(_)) => return Ok(()),
        _ if lodash_is_index(&rest[0]) => Value::array(Vec::new()),
        _ => Value::map(Map::new()),
    };
    set_in(&mut next, rest, val)?;
    assign(container, key, next)
}

/// Copy without the entry at `path`; an array element becomes a hole (null).
pub fn delete(val: &Value, path: &Value) -> Value {
    let mut out = val.clone();
    delete_in(&mut out, &key_path(path));
    out
}

fn delete_in(container: &mut Value, path: &[Arc<str>]) {
    let Some((key, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        match container {
            Value::Map(map) if map.contains_key(key) => {
                Arc::make_mut(map).remove(key);
            }
            Value::Array(items) => {
                if let Some(i) = array_index(key).map(|i| i as usize).filter(|&i| i < items.len()) {
                    Arc::make_mut(items)[i] = Value::Null;
                }
            }
            _ => {}
        }
        return;
    }
    if let Some(mut next @ (Value::Map(_) | Value::Array(_))) = child(container, key) {
        delete_in(&mut next, rest);
        // Writing back an existing key never fails.
        let _ = assign(container, key, next);
    }
}

/// `map >< key`: lodash `has`, an own-key test that follows array paths and dotted strings.
pub(crate) fn has_path(map: &Value, key: &Value) -> bool {
    let path: Vec<String> = match key {
        Value::Array(keys) => keys.iter().map(|k| k.to_js_string("undefined")).collect(),
        Value::String(s) if !map.as_map().is_some_and(|m| m.contains_key(s)) && is_deep_path(s) => {
            string_to_path(s)
        }
        other => vec![other.to_js_string("undefined")],
    };
    if path.is_empty() {
        return false;
    }
    let mut current = map.clone();
    for key in &path {
        match child(&current, key) {
            Some(next) => current = next,
            None => return false,
        }
    }
    true
}

fn is_deep_path(s: &str) -> bool {
    s.contains('.') || s.contains('[')
}

/// lodash `stringToPath`, simplified: `a.b[0]["c"]` → `a`, `b`, `0`, `c`.
fn string_to_path(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    if s.starts_with('.') {
        out.push(String::new());
    }
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']').unwrap_or(inner.len());
            let part = &inner[..close];
            let unquoted = part
                .strip_prefix('"')
                .and_then(|p| p.strip_suffix('"'))
                .or_else(|| part.strip_prefix('\'').and_then(|p| p.strip_suffix('\'')))
                .unwrap_or(part);
            out.push(unquoted.to_owned());
            rest = inner.get(close + 1..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix('.') {
            rest = after;
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            out.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_string_paths() {
        assert_eq!(string_to_path("a.b[0][\"c\"]"), ["a", "b", "0", "c"]);
        assert_eq!(string_to_path(".a"), ["", "a"]);
    }

    #[test]
    fn lodash_index_keys() {
        assert!(lodash_is_index("0"));
        assert!(lodash_is_index("42"));
        assert!(!lodash_is_index("01"));
        assert!(!lodash_is_index("-1"));
        assert!(!lodash_is_index("a"));
    }
}
