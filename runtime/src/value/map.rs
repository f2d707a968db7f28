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

/// foldhash instead of SipHash: large maps are probed on every event, and SipHash showed in
/// profiles; foldhash is seeded per process, so keys from the network still cannot be chosen
/// to collide.
type Hasher = foldhash::fast::RandomState;

/// Up to this many keys a map is a plain vector searched linearly: most KRL maps (event
/// attributes, directives, options) are that small, and building a hash table for them cost
/// more than the searches it saves.
const SMALL: usize = 8;

/// A string-keyed KRL map with JavaScript key order.
#[derive(Clone, Default)]
pub struct Map {
    entries: Entries,
    n_index: usize,
}

/// The entries in JavaScript order: a vector while small, an `IndexMap` beyond [`SMALL`].
#[derive(Clone)]
enum Entries {
    Small(Vec<(Arc<str>, Value)>),
    Large(IndexMap<Arc<str>, Value, Hasher>),
}

impl Default for Entries {
    fn default() -> Self {
        Entries::Small(Vec::new())
    }
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
        let entries = if capacity <= SMALL {
            Entries::Small(Vec::with_capacity(capacity))
        } else {
            Entries::Large(IndexMap::with_capacity_and_hasher(capacity, Hasher::default()))
        };
        Map { entries, n_index: 0 }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        match &self.entries {
            Entries::Small(entries) => entries.len(),
            Entries::Large(entries) => entries.len(),
        }
    }

    /// True when there are no keys.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.entries {
            Entries::Small(entries) => entries.iter().find(|(k, _)| **k == *key).map(|(_, v)| v),
            Entries::Large(entries) => entries.get(key),
        }
    }

    /// Mutable access to the value at `key`, if present.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match &mut self.entries {
            Entries::Small(entries) => entries.iter_mut().find(|(k, _)| **k == *key).map(|(_, v)| v),
            Entries::Large(entries) => entries.get_mut(key),
        }
    }

    /// True when `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`; an existing key keeps its position, a new one goes where JavaScript puts it.
    /// Returns the previous value.
    pub fn insert(&mut self, key: impl Into<Arc<str>>, value: Value) -> Option<Value> {
        let key = key.into();
        if let Some(slot) = self.get_mut(&key) {
            return Some(std::mem::replace(slot, value));
        }
        let position = match array_index(&key) {
            Some(index) => {
                let position = self.index_position(index);
                self.n_index += 1;
                position
            }
            None => self.len(),
        };
        if let Entries::Small(entries) = &mut self.entries
            && entries.len() == SMALL
        {
            let mut large = IndexMap::with_capacity_and_hasher(2 * SMALL, Hasher::default());
            large.extend(entries.drain(..));
            self.entries = Entries::Large(large);
        }
        match &mut self.entries {
            Entries::Small(entries) => entries.insert(position, (key, value)),
            Entries::Large(entries) if position == entries.len() => {
                entries.insert(key, value);
            }
            Entries::Large(entries) => {
                entries.shift_insert(position, key, value);
            }
        }
        None
    }

    /// Removes `key`, keeping the order of the others. Re-adding it later puts it last
    /// (among non-index keys), as `delete` then assignment does in JavaScript.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let (position, value) = match &mut self.entries {
            Entries::Small(entries) => {
                let position = entries.iter().position(|(k, _)| **k == *key)?;
                (position, entries.remove(position).1)
            }
            Entries::Large(entries) => {
                let (position, _, value) = entries.shift_remove_full(key)?;
                (position, value)
            }
        };
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
            let key = self.key_at(mid);
            let mid_index = array_index(key).expect("keys below n_index are array indices");
            if mid_index < index {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    fn key_at(&self, position: usize) -> &str {
        match &self.entries {
            Entries::Small(entries) => &entries[position].0,
            Entries::Large(entries) => {
                entries
                    .get_index(position)
                    .expect("positions below n_index hold index keys")
                    .0
            }
        }
    }

    /// Entries in JavaScript order.
    pub fn iter(&self) -> Iter<'_> {
        match &self.entries {
            Entries::Small(entries) => Iter::Small(entries.iter()),
            Entries::Large(entries) => Iter::Large(entries.iter()),
        }
    }

    /// Keys in JavaScript order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Arc<str>> + ExactSizeIterator {
        self.iter().map(|(key, _)| key)
    }

    /// Values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.iter().map(|(_, value)| value)
    }

    /// Mutable values in key order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        let (small, large) = match &mut self.entries {
            Entries::Small(entries) => (Some(entries.iter_mut().map(|(_, v)| v)), None),
            Entries::Large(entries) => (None, Some(entries.values_mut())),
        };
        small.into_iter().flatten().chain(large.into_iter().flatten())
    }
}

/// The entries of a [`Map`] in JavaScript order.
pub enum Iter<'a> {
    Small(std::slice::Iter<'a, (Arc<str>, Value)>),
    Large(indexmap::map::Iter<'a, Arc<str>, Value>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Arc<str>, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(entries) => entries.next().map(|(k, v)| (k, v)),
            Iter::Large(entries) => entries.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::Small(entries) => entries.size_hint(),
            Iter::Large(entries) => entries.size_hint(),
        }
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(entries) => entries.next_back().map(|(k, v)| (k, v)),
            Iter::Large(entries) => entries.next_back(),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

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

/// The owned entries of a [`Map`] in JavaScript order.
pub enum IntoIter {
    Small(std::vec::IntoIter<(Arc<str>, Value)>),
    Large(indexmap::map::IntoIter<Arc<str>, Value>),
}

impl Iterator for IntoIter {
    type Item = (Arc<str>, Value);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            IntoIter::Small(entries) => entries.next(),
            IntoIter::Large(entries) => entries.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            IntoIter::Small(entries) => entries.size_hint(),
            IntoIter::Large(entries) => entries.size_hint(),
        }
    }
}

impl ExactSizeIterator for IntoIter {}

impl IntoIterator for Map {
    type Item = (Arc<str>, Value);
    type IntoIter = IntoIter;
    fn into_iter(self) -> IntoIter {
        match self.entries {
            Entries::Small(entries) => IntoIter::Small(entries.into_iter()),
            Entries::Large(entries) => IntoIter::Large(entries.into_iter()),
        }
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Arc<str>, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
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
