//! Values nested without bound: `reduce` can wrap a value in an array 50,000 times, and
//! everything that walks a value recursively (equality, `encode`, serde, `Debug`) grows its
//! native stack on demand through [`with_stack`], while dropping one never recurses (the
//! `Drop` impl below takes nested containers apart with an explicit stack).

use std::sync::Arc;

use super::Value;

/// How deeply `decode` input may nest. Values a rule builds may nest deeper; storing one
/// is then an error rather than a value that cannot be read back. Reading a level costs a
/// few hundred bytes of stack, so this bounds what a hostile `decode` input can take.
pub const MAX_DECODE_DEPTH: u32 = 100_000;

/// Whether JSON text nests arrays and objects deeper than `limit`. Checked before parsing:
/// serde_json reports an error from deep inside in time quadratic in the depth.
pub(super) fn json_nests_deeper_than(text: &str, limit: u32) -> bool {
    let mut depth = 0u32;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text.as_bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Stack left below which a recursive walk over a value moves to a fresh stack segment.
const RED_ZONE: usize = 64 * 1024;
/// The size of each fresh stack segment.
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

/// Runs one level of a recursive walk over a value (or over anything else nested as deeply
/// as user input, such as an event expression), on a fresh stack segment when the current
/// stack runs low.
#[inline]
pub fn with_stack<R>(body: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, body)
}

impl Drop for Value {
    #[inline]
    fn drop(&mut self) {
        if owns_nested_container(self) {
            drop_iteratively(self);
        }
    }
}

/// Whether this value alone owns a container that holds another container it alone owns:
/// only then can the compiler's drop glue recurse more than one level.
#[inline]
fn owns_nested_container(value: &Value) -> bool {
    match value {
        Value::Array(items) => Arc::strong_count(items) == 1 && items.iter().any(owns_children),
        Value::Map(map) => Arc::strong_count(map) == 1 && map.values().any(owns_children),
        _ => false,
    }
}

/// Whether dropping this value drops values inside it. Inline: dropping a large array
/// tests each of its elements.
#[inline]
fn owns_children(value: &Value) -> bool {
    match value {
        Value::Array(items) => Arc::strong_count(items) == 1 && !items.is_empty(),
        Value::Map(map) => Arc::strong_count(map) == 1 && !map.is_empty(),
        _ => false,
    }
}

/// Moves the children of every uniquely owned container onto a list before dropping it, so
/// each value is dropped with its containers already empty.
#[cold]
fn drop_iteratively(value: &mut Value) {
    let mut pending = Vec::new();
    take_children(value, &mut pending);
    while let Some(mut next) = pending.pop() {
        take_children(&mut next, &mut pending);
    }
}

fn take_children(value: &mut Value, pending: &mut Vec<Value>) {
    match value {
        Value::Array(items) => {
            if let Some(items) = Arc::get_mut(items) {
                pending.append(items);
            }
        }
        Value::Map(map) => {
            if let Some(map) = Arc::get_mut(map) {
                pending.extend(map.values_mut().map(std::mem::take));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Map;

    /// An array in a map in an array ..., `depth` levels deep.
    pub(crate) fn nested(depth: usize) -> Value {
        (0..depth).fold(Value::Number(1.0), |inner, level| {
            if level % 2 == 0 {
                Value::array(vec![inner, Value::Null])
            } else {
                Value::map(Map::from_iter([("k", inner)]))
            }
        })
    }

    /// Runs `body` on a thread with the stack of a test thread or an engine server thread.
    fn on_small_stack(body: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(body)
            .expect("the thread starts")
            .join()
            .expect("no panic");
    }

    #[test]
    fn a_deep_value_drops_compares_and_encodes_on_a_small_stack() {
        on_small_stack(|| {
            let deep = nested(50_000);
            let copy = nested(50_000);
            assert!(deep == copy);
            assert!(deep != nested(49_999));
            let encoded = deep.encode(0).expect("encodes");
            assert_eq!(encoded.len(), copy.encode(0).expect("encodes").len());
            let bytes = serde_json::to_vec(&deep).expect("serialises");
            let mut reader = serde_json::Deserializer::from_slice(&bytes);
            reader.disable_recursion_limit();
            let back = serde::Deserialize::deserialize(&mut reader).map(|v: Value| v == deep);
            assert_eq!(back.ok(), Some(true));
            assert!(format!("{deep:?}").starts_with("{\"k\": [{\"k\": "));
            drop(deep);
            drop(copy);
        });
    }

    #[test]
    fn decoding_stops_at_the_depth_limit_with_an_error() {
        on_small_stack(|| {
            let limit = MAX_DECODE_DEPTH as usize;
            let at = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            assert!(Value::decode(&at(limit)).is_ok());
            let error = Value::decode(&at(limit + 1)).expect_err("too deep");
            assert_eq!(
                error.to_string(),
                "invalid JSON: nested deeper than 100000 levels"
            );
            // Brackets inside strings do not count.
            assert!(!json_nests_deeper_than(
                &format!("[{}1]", "\"[{\\\"\",".repeat(limit + 1)),
                1
            ));
        });
    }

    #[test]
    fn shared_parts_survive_dropping_a_deep_value() {
        on_small_stack(|| {
            let shared = nested(10_000);
            let outer = Value::array(vec![shared.clone(), nested(50_000)]);
            drop(outer);
            assert!(shared == nested(10_000));
        });
    }
}
