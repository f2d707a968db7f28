//! Durable stores for the engine tests that restart an engine on the same folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use krl_runtime::storage::{Durability, SqliteStorage, Storage, StorageError};

/// A fresh folder under the target directory, removed first if a previous run left it.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Opens the store at the default durability, waiting up to ten seconds for a dropped
/// engine's workers, or a killed process, to let go of its lock.
pub fn open_store(dir: &Path) -> Arc<dyn Storage> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match SqliteStorage::open(dir, Durability::Process) {
            Ok(store) => return Arc::new(store),
            Err(StorageError::Locked { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Err(err) => panic!("cannot open the store: {err}"),
        }
    }
}
