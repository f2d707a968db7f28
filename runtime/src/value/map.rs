//! KRL maps: string keys in JavaScript object order.
//!
//! Matches pico-engine: maps are JS objects, so keys that are canonical array indices
//! (`"0"`, `"42"`, up to 2^32−2) come first in ascending numeric order, then every other
//! key in insertion order. The order is visible through `keys()`, `values()`, `encode()`,
//! iteration and printing, so it is implemented once here and every operator inherits it.
//!
//! Invariant: the first `n_index` entries are exactly the index keys, sorted numerically.

use std::collections::HashMap;
use std::sync::Arc;

use smallvec::SmallVec;

use super::Value;

/// Up to this many keys a map has no hash index: a lookup compares keys one by one, which
/// is faster than hashing at that size and saves the index's allocation. Most KRL maps are
/// this small (directives, their `meta`, event attributes), and building them was a
/// large share of an event's cost in the engine bench.
const SMALL: usize = 8;

/// Entries kept inside the map itself; more go to the heap. A directive has four keys, its
/// `meta` three, so each is one allocation (the `Arc` around the map) instead of two.
const INLINE: usize = 4;

/// A string-keyed KRL map with JavaScript key order.
#[derive(Clone, Default)]
pub struct Map {
    /// Every entry, in JavaScript order.
    entries: SmallVec<[(Arc<str>, Value); INLINE]>,
    /// Key → position in `entries`, present only above [`SMALL`] keys. Keys are user data
    /// (event attributes), so the hasher is seeded per process (foldhash, the hasher
    /// hashbrown itself defaults to) rather than a fixed-seed one like FxHash.
    index: Option<HashMap<Arc<str>, usize, foldhash::fast::RandomState>>,
    n_index: usize,
}

/// The numeric value of `key` when it is a canonical array index (`"0"`, `"17"`, no sign,
/// no leading zeros, at most 2^32−2), which JavaScript orders before other keys.
pub fn array_index(key: &str) -> Option<u32> {
    let bytes = key.as_bytes();
    match bytes {
        [] => None,
        [b'0'] => Some(0),
        [b'0', ..] => None,
        _ if bytes.len() > 10 || !bytes.iter().all(u8::is_ascii_digit) => None,
        _ => key
            .parse::<u64>()
            .ok()
            .filter(|&n| n < 4_294_967_295)
            .map(|n| n as u32),
    }
}

impl Map {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty map with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Self {
        Map {
            entries: SmallVec::with_capacity(capacity),
            index: None,
            n_index: 0,
        }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where `key` is in `entries`.
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| **k == *key),
        }
    }

    /// The value at `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|at| &self.entries[at].1)
    }

    /// Mutable access to the value at `key`, if present.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).map(|at| &mut self.entries[at].1)
    }

    /// True when `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key`; an existing key keeps its position, a new one goes where JavaScript puts it.
    /// Returns the previous value.
    pub fn insert(&mut self, key: impl Into<Arc<str>>, value: Value) -> Option<Value> {
        let key = key.into();
        if let Some(at) = self.position(&key) {
            return Some(std::mem::replace(&mut self.entries[at].1, value));
        }
        match array_index(&key) {
            Some(index) => {
                let position = self.index_position(index);
                self.entries.insert(position, (key, value));
                self.n_index += 1;
                self.reindex_after(position, true);
            }
            None => {
                if let Some(index) = &mut self.index {
                    index.insert(Arc::clone(&key), self.entries.len());
                }
                self.entries.push((key, value));
            }
        }
        if self.index.is_none() && self.entries.len() > SMALL {
            self.index = Some(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(at, (k, _))| (Arc::clone(k), at))
                    .collect(),
            );
        }
        None
    }

    /// Removes `key`, keeping the order of the others. Re-adding it later puts it last
    /// (among non-index keys), as `delete` then assignment does in JavaScript.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let position = self.position(key)?;
        let (_, value) = self.entries.remove(position);
        if let Some(index) = &mut self.index {
            index.remove(key);
        }
        self.reindex_after(position, false);
        if position < self.n_index {
            self.n_index -= 1;
        }
        Some(value)
    }

    /// After an entry was inserted at (`inserted`) or removed from `at`, moves the hash
    /// index's positions of the entries that shifted, if there is an index.
    fn reindex_after(&mut self, at: usize, inserted: bool) {
        let Some(index) = &mut self.index else { return };
        for position in index.values_mut() {
            if inserted && *position >= at {
                *position += 1;
            } else if !inserted && *position > at {
                *position -= 1;
            }
        }
        if inserted {
            index.insert(Arc::clone(&self.entries[at].0), at);
        }
    }

    /// Where an index key belongs among the sorted index keys.
    fn index_position(&self, index: u32) -> usize {
        self.entries[..self.n_index].partition_point(|(key, _)| {
            array_index(key).expect("keys below n_index are array indices") < index
        })
    }

    /// Entries in JavaScript order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Arc<str>, &Value)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Keys in JavaScript order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Arc<str>> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Mutable values in key order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

impl FromIterator<(Arc<str>, Value)> for Map {
    fn from_iter<T: IntoIterator<Item = (Arc<str>, Value)>>(iter: T) -> Self {
        let iter = iter.into_iter();
        let mut map = Map::with_capacity(iter.size_hint().0);
        for (key, value) in iter {
            map.insert(key, value);
        }
        map
    }
}

impl<'a> FromIterator<(&'a str, Value)> for Map {
    fn from_iter<T: IntoIterator<Item = (&'a str, Value)>>(iter: T) -> Self {
        iter.into_iter().map(|(k, v)| (Arc::from(k), v)).collect()
    }
}

impl IntoIterator for Map {
    type Item = (Arc<str>, Value);
    type IntoIter = smallvec::IntoIter<[(Arc<str>, Value); INLINE]>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(map: &Map) -> Vec<&str> {
        map.keys().map(|k| &**k).collect()
    }

    #[test]
    fn index_keys_first_then_insertion_order() {
        let map: Map = ["b", "a", "10", "2", "-1", "01", "4294967295", "4294967294"]
            .into_iter()
            .map(|k| (k, Value::Null))
            .collect();
        assert_eq!(
            keys(&map),
            ["2", "10", "4294967294", "b", "a", "-1", "01", "4294967295"]
        );
    }

    #[test]
    fn reassigning_keeps_position_and_delete_moves_to_end() {
        let mut map: Map = ["x", "y", "z"].into_iter().map(|k| (k, Value::Null)).collect();
        map.insert("x", Value::Boolean(true));
        assert_eq!(keys(&map), ["x", "y", "z"]);
        map.remove("x");
        map.insert("x", Value::Null);
        assert_eq!(keys(&map), ["y", "z", "x"]);
        map.insert("3", Value::Null);
        map.insert("1", Value::Null);
        map.remove("3");
        map.insert("0", Value::Null);
        assert_eq!(keys(&map), ["0", "1", "y", "z", "x"]);
    }

    /// Past [`SMALL`] keys the map keeps a hash index; lookups, order and positions must
    /// match a plain list through inserts, index-key inserts and removals.
    #[test]
    fn large_maps_agree_with_a_plain_list() {
        let mut map = Map::new();
        let mut model: Vec<(String, i64)> = Vec::new();
        let mut seed = 7_u64;
        for step in 0..2_000_i64 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let pick = (seed >> 33) % 40;
            let key = if pick.is_multiple_of(3) {
                pick.to_string()
            } else {
                format!("k{pick}")
            };
            if (seed >> 20).is_multiple_of(4) {
                let expected = model
                    .iter()
                    .position(|(k, _)| *k == key)
                    .map(|at| model.remove(at).1);
                assert_eq!(
                    map.remove(&key).and_then(|v| v.as_number()).map(|n| n as i64),
                    expected
                );
            } else {
                let previous = map.insert(key.as_str(), Value::from(step as f64));
                match model.iter_mut().find(|(k, _)| *k == key) {
                    Some(entry) => {
                        assert!(previous.is_some());
                        entry.1 = step;
                    }
                    None => {
                        assert!(previous.is_none());
                        let at = match array_index(&key) {
                            Some(n) => model
                                .iter()
                                .position(|(k, _)| array_index(k).is_none_or(|m| m > n))
                                .unwrap_or(model.len()),
                            None => model.len(),
                        };
                        model.insert(at, (key.clone(), step));
                    }
                }
            }
            let listed: Vec<(String, i64)> = map
                .iter()
                .map(|(k, v)| (k.to_string(), v.as_number().expect("numbers") as i64))
                .collect();
            assert_eq!(listed, model, "after step {step}");
            for (k, v) in &model {
                assert_eq!(map.get(k).and_then(Value::as_number), Some(*v as f64), "{k}");
            }
            assert!(!map.contains_key("absent"));
        }
        assert!(map.len() > SMALL, "the test reached the indexed size");
    }

    #[test]
    fn growing_past_the_small_size_keeps_order_and_lookups() {
        let mut map = Map::new();
        let mut expected_index = Vec::new();
        let mut expected_other = Vec::new();
        for n in 0..(3 * SMALL) {
            // Alternate descending index keys and plain keys, so both orders are exercised
            // on both sides of the switch.
            let index_key = (1000 - n).to_string();
            map.insert(index_key.as_str(), Value::number(n as f64));
            expected_index.insert(0, index_key);
            let key = format!("k{n}");
            map.insert(key.as_str(), Value::number(n as f64));
            expected_other.push(key);
            let expected: Vec<&str> = expected_index
                .iter()
                .chain(&expected_other)
                .map(String::as_str)
                .collect();
            assert_eq!(keys(&map), expected, "after {n}");
            assert_eq!(map.len(), expected.len());
        }
        assert_eq!(map.get("k5"), Some(&Value::number(5.0)));
        assert_eq!(map.insert("k5", Value::Null), Some(Value::number(5.0)));
        assert_eq!(map.remove("995"), Some(Value::number(5.0)));
        map.insert("995", Value::Null);
        assert_eq!(keys(&map)[..3], ["977", "978", "979"]);
        assert_eq!(map.iter().next_back().map(|(k, _)| &**k), Some("k23"));
        let owned: Vec<Arc<str>> = map.clone().into_iter().map(|(k, _)| k).collect();
        assert_eq!(owned.len(), map.len());
        assert!(!map.contains_key("k99"));
    }

    #[test]
    fn canonical_indices() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("42"), Some(42));
        assert_eq!(array_index("4294967294"), Some(4294967294));
        for bad in ["", "-0", "01", "+1", "1.0", "4294967295", "99999999999", " 1"] {
            assert_eq!(array_index(bad), None, "{bad:?}");
        }
    }
}
