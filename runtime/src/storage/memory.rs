//! An in-memory [`Storage`] for tests: a `BTreeMap` behind a read-write lock.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{PoisonError, RwLock};

use super::{BatchOp, Durability, Entry, Storage, StorageError, WriteBatch};

/// A [`Storage`] that keeps everything in memory. Commits are atomic (applied under the
/// write lock) but nothing survives the process.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    map: RwLock<BTreeMap<Vec<u8>, Vec<u8>>>,
}

impl MemoryStorage {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of keys stored.
    pub fn len(&self) -> usize {
        self.map.read().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Storage for MemoryStorage {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
        Ok(map.get(key).cloned())
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StorageError> {
        let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
        Ok(map
            .range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(key, _)| key.starts_with(prefix))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect())
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        // Nothing below can fail or panic halfway (short of allocation failure, which aborts),
        // so applying in place under the write lock is atomic for every reader.
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        for op in batch.ops {
            match op {
                BatchOp::Put { key, value } => {
                    map.insert(key, value);
                }
                BatchOp::Delete { key } => {
                    map.remove(&key);
                }
                BatchOp::DeletePrefix { prefix } => {
                    let doomed: Vec<Vec<u8>> = map
                        .range::<[u8], _>((Bound::Included(prefix.as_slice()), Bound::Unbounded))
                        .take_while(|(key, _)| key.starts_with(&prefix))
                        .map(|(key, _)| key.clone())
                        .collect();
                    for key in doomed {
                        map.remove(&key);
                    }
                }
            }
        }
        Ok(())
    }

    fn durability(&self) -> Durability {
        Durability::None
    }
}
