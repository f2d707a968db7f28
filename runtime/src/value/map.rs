//! KRL maps: string keys in JavaScript object order.
//!
//! Matches pico-engine: maps are JS objects, so keys that are canonical array indices
//! (`"0"`, `"42"`, up to 2^32−2) come first in ascending numeric order, then every other
//! key in insertion order. The order is visible through `keys()`, `values()`, `encode()`,
//! iteration and printing, so it is implemented once here and every operator inherits it.
//!
//! Invariant: the first `n_index` entries are exactly the index keys, sorted numerically.

use std::sync::Arc;

use indexmap::IndexMap;

use super::Value;

/// A string-keyed KRL map with JavaScript key order.
#[derive(Clone, Default)]
pub struct Map {
    entries: IndexMap<Arc<str>, Value>,
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
            entries: IndexMap::with_capacity(capacity),
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

    /// The value at `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.get(key)
    }

    /// Mutable access to the value at `key`, if present.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries.get_mut(key)
    }

    /// True when `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// Sets `key`; an existing key keeps its position, a new one goes where JavaScript puts it.
    /// Returns the previous value.
    pub fn insert(&mut self, key: impl Into<Arc<str>>, value: Value) -> Option<Value> {
        let key = key.into();
        if let Some(slot) = self.entries.get_mut(&*key) {
            return Some(std::mem::replace(slot, value));
        }
        match array_index(&key) {
            Some(index) => {
                let position = self.index_position(index);
                self.entries.shift_insert(position, key, value);
                self.n_index += 1;
            }
            None => {
                self.entries.insert(key, value);
            }
        }
        None
    }

    /// Removes `key`, keeping the order of the others. Re-adding it later puts it last
    /// (among non-index keys), as `delete` then assignment does in JavaScript.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let (position, _, value) = self.entries.shift_remove_full(key)?;
        if position < self.n_index {
            self.n_index -= 1;
        }
        Some(value)
    }

    /// Where an index key belongs among the sorted index keys.
    fn index_position(&self, index: u32) -> usize {
        let (mut lo, mut hi) = (0, self.n_index);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let (key, _) = self
                .entries
                .get_index(mid)
                .expect("positions below n_index hold index keys");
            let mid_index = array_index(key).expect("keys below n_index are array indices");
            if mid_index < index {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Entries in JavaScript order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Arc<str>, &Value)> + ExactSizeIterator {
        self.entries.iter()
    }

    /// Keys in JavaScript order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Arc<str>> + ExactSizeIterator {
        self.entries.keys()
    }

    /// Values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.values()
    }

    /// Mutable values in key order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.entries.values_mut()
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
    type IntoIter = indexmap::map::IntoIter<Arc<str>, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.entries.iter()).finish()
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
