//! A store that refuses commits on demand, for the tests of failed group commits.

use std::sync::atomic::{AtomicBool, Ordering};

use krl_runtime::storage::{
    BatchOp, Durability, Entry, MemoryStorage, Storage, StorageError, WriteBatch, key,
};

/// An in-memory store whose commits fail, while `failing` is set, for every batch that puts
/// a key of one key area (`entvar` for a transaction's entity variables, `outbox` for its
/// events to other engines): a transaction's group commit, never a commit of something else.
pub struct FlakyStorage {
    inner: MemoryStorage,
    area: &'static str,
    pub failing: AtomicBool,
}

impl FlakyStorage {
    pub fn failing_on(area: &'static str) -> FlakyStorage {
        FlakyStorage {
            inner: MemoryStorage::default(),
            area,
            failing: AtomicBool::new(false),
        }
    }
}

impl Storage for FlakyStorage {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        self.inner.get(key)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StorageError> {
        self.inner.scan_prefix(prefix)
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        let area = key::prefix(&[self.area]);
        let touches_area = batch
            .ops()
            .iter()
            .any(|op| matches!(op, BatchOp::Put { key, .. } if key.starts_with(&area)));
        if self.failing.load(Ordering::SeqCst) && touches_area {
            return Err(StorageError::UnknownDurability {
                name: "injected failure".to_string(),
            });
        }
        self.inner.commit(batch)
    }

    fn durability(&self) -> Durability {
        self.inner.durability()
    }
}
