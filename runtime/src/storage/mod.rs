//! Persistent storage for picos: an ordered key-value store behind the [`Storage`] trait,
//! with atomic, durable batch commits.
//!
//! # Model
//!
//! Keys are tuples of strings (`["entvar", pico_id, rid, name]`, the reference's layout in
//! engine.md §1.5) encoded by [`key::encode`] so that byte order is tuple order and a tuple
//! prefix is a byte prefix; values are bytes (the engine stores JSON). Reads are
//! [`Storage::get`] and [`Storage::scan_prefix`]. All writes go through
//! [`Storage::commit`], which applies one [`WriteBatch`] atomically: the engine gathers
//! everything one transaction changes (one event with the events it raises, or one query:
//! entity variables, event-expression state, timers, channels, picos, installs) into a
//! single batch, commits it, and only then answers.
//!
//! # Durability
//!
//! [`Durability::Process`] (the default) means a commit that has returned survives a crash
//! of the process (kill -9), like the reference's LevelDB store, which writes but does not
//! fsync. [`Durability::Full`] also survives power loss and OS crashes: the commit is
//! fsynced before it returns.
//!
//! # Stores
//!
//! * [`SqliteStorage`], the default: SQLite (bundled, compiled from the crate) in WAL mode
//!   in a folder such as `<home>/db/`. Why SQLite rather than redb: in WAL mode a commit is
//!   one append to the log file, which the OS keeps across a process crash, so the default
//!   level needs no fsync per commit (`synchronous=NORMAL`); `Full` is the same plus one
//!   fsync of the log (`synchronous=FULL`). redb's non-fsynced commits may be lost on a
//!   process crash, so with redb even the default level would pay an fsync per commit.
//!   SQLite also gives concurrent readers beside the writer (WAL), decades of crash
//!   testing, and a file anyone can inspect with the `sqlite3` shell.
//!   Commits from all threads go through *group commit*: one caller becomes the leader,
//!   applies every pending batch in one SQLite transaction (syncing once at `Full`), then
//!   wakes the others; so many picos committing at once share one write and one fsync.
//! * [`PostgresStorage`]: a PostgreSQL-protocol database (`krl run --store postgres://...`),
//!   one SQL transaction per commit; the same keys and values in one table. Several engines
//!   may share it (docs/stores.md).
//! * [`MemoryStorage`]: a `BTreeMap` behind a lock, for tests; nothing survives the
//!   process.
//!
//! Invariant: a batch is never half applied, in memory or on disk; when `commit` returns
//! `Ok`, every later read on any thread sees the whole batch.

pub mod key;
mod memory;
mod postgres;
mod sqlite;

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

pub use memory::MemoryStorage;
pub use postgres::{
    Acquired, LeaseKeeper, LeaseOptions, PicoLeaseOptions, PicoLeases, PicoOwner, PostgresStorage, Renewer,
    SetupLock,
};
pub use sqlite::SqliteStorage;

/// One stored key and its value, as [`Storage::scan_prefix`] returns them.
pub type Entry = (Vec<u8>, Vec<u8>);

/// An ordered byte-key store with atomic batch commits. Object safe: the engine holds an
/// `Arc<dyn Storage>`.
pub trait Storage: Send + Sync {
    /// The value stored under `key`, if any.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError>;

    /// Every entry whose key starts with `prefix`, in key order, read from one consistent
    /// snapshot.
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StorageError>;

    /// Applies the batch's operations, in order, atomically: all of them or none. Returns
    /// only once the batch is durable at [`Storage::durability`]'s level, blocking the
    /// calling thread until then (from async code, call it on a blocking thread).
    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError>;

    /// What a returned commit survives.
    fn durability(&self) -> Durability;
}

/// What a commit that has returned survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Durability {
    /// Nothing outlives the process ([`MemoryStorage`]).
    None,
    /// Survives a crash or kill -9 of the process, not necessarily power loss. The default,
    /// as durable as the reference's LevelDB store.
    #[default]
    Process,
    /// Also survives power loss and OS crashes (fsync before the commit returns).
    Full,
}

impl Durability {
    /// The level's name in configuration: `none`, `process` or `full`.
    pub fn as_str(self) -> &'static str {
        match self {
            Durability::None => "none",
            Durability::Process => "process",
            Durability::Full => "full",
        }
    }
}

impl std::str::FromStr for Durability {
    type Err = StorageError;

    fn from_str(name: &str) -> Result<Self, StorageError> {
        match name {
            "process" => Ok(Durability::Process),
            "full" => Ok(Durability::Full),
            _ => Err(StorageError::UnknownDurability {
                name: name.to_owned(),
            }),
        }
    }
}

/// One write operation of a [`WriteBatch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOp {
    /// Store `value` under `key`, replacing any previous value.
    Put { key: Vec<u8>, value: Vec<u8> },
    /// Remove `key` if present.
    Delete { key: Vec<u8> },
    /// Remove every key starting with `prefix` (uninstalling a ruleset, deleting a pico).
    DeletePrefix { prefix: Vec<u8> },
}

impl BatchOp {
    /// The key written or deleted, or the prefix deleted.
    pub fn key(&self) -> &[u8] {
        match self {
            BatchOp::Put { key, .. } | BatchOp::Delete { key } => key,
            BatchOp::DeletePrefix { prefix } => prefix,
        }
    }
}

/// Writes to commit together, applied in the order they were added.
///
/// ```
/// use krl_runtime::storage::{key, MemoryStorage, Storage, WriteBatch};
///
/// let store = MemoryStorage::new();
/// let mut batch = WriteBatch::new();
/// batch.put(key::encode(&["entvar", "p1", "r", "n"]), b"1".to_vec());
/// batch.put(key::encode(&["entvar", "p1", "r", "m"]), b"2".to_vec());
/// store.commit(batch).unwrap();
/// let vars = store.scan_prefix(&key::prefix(&["entvar", "p1"])).unwrap();
/// assert_eq!(vars.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteBatch {
    ops: Vec<BatchOp>,
}

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `value` under `key`.
    pub fn put(&mut self, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) -> &mut Self {
        self.ops.push(BatchOp::Put {
            key: key.into(),
            value: value.into(),
        });
        self
    }

    /// Removes `key`.
    pub fn delete(&mut self, key: impl Into<Vec<u8>>) -> &mut Self {
        self.ops.push(BatchOp::Delete { key: key.into() });
        self
    }

    /// Removes every key starting with `prefix`.
    pub fn delete_prefix(&mut self, prefix: impl Into<Vec<u8>>) -> &mut Self {
        self.ops.push(BatchOp::DeletePrefix {
            prefix: prefix.into(),
        });
        self
    }

    /// Appends the operations of `later`, to be applied after these.
    pub fn append(&mut self, later: WriteBatch) -> &mut Self {
        if self.ops.is_empty() {
            self.ops = later.ops;
        } else {
            self.ops.extend(later.ops);
        }
        self
    }

    /// The operations, in the order they will be applied.
    pub fn ops(&self) -> &[BatchOp] {
        &self.ops
    }

    /// Number of operations.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the batch has no operations (committing it is a no-op).
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// Why a storage operation failed. Cloneable because one failed group commit is reported to
/// every caller whose batch was in the group.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StorageError {
    /// The store's folder could not be created.
    #[error("cannot create pico store folder `{}`", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: Arc<io::Error>,
    },
    /// SQLite could not open or set up the store.
    #[error("cannot open pico store at `{}`", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: Arc<rusqlite::Error>,
    },
    /// Another process (or another `SqliteStorage` in this one) has the store open.
    #[error("pico store at `{}` is in use by another process", path.display())]
    Locked { path: PathBuf },
    /// The store was written by an incompatible version of this engine.
    #[error("pico store at `{}` has format version {found}, this engine reads version {expected}", path.display())]
    UnsupportedFormat {
        path: PathBuf,
        found: i64,
        expected: i64,
    },
    /// A read or write failed after the store was opened.
    #[error("cannot {action} in pico store at `{}`", path.display())]
    Sqlite {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: Arc<rusqlite::Error>,
    },
    /// The thread writing a group commit panicked; the batch may or may not be applied.
    #[error("the store's writer panicked during the commit")]
    WriterPanicked,
    /// A key that [`key::encode`] did not make.
    #[error("undecodable storage key `{}`", key.escape_ascii())]
    UndecodableKey { key: Vec<u8> },
    /// The PostgreSQL-protocol store could not be reached, set up, read or written.
    #[error("cannot {action} in pico store at `{target}`")]
    Postgres {
        target: String,
        action: &'static str,
        #[source]
        source: Arc<::postgres::Error>,
    },
    /// The PostgreSQL-protocol store was written by an incompatible version of this engine.
    #[error("pico store at `{target}` has format version {found}, this engine reads version {expected}")]
    PostgresFormat {
        target: String,
        found: i64,
        expected: i64,
    },
    /// This engine's lease on the store was taken over by another engine (after this one
    /// failed to renew it in time, e.g. while paused): nothing of the commit was applied.
    #[error(
        "pico store at `{target}`: this engine's lease (epoch {held}) was taken over{}; the commit was not applied",
        current.map(|epoch| format!(" (now epoch {epoch})")).unwrap_or_default()
    )]
    LeaseLost {
        target: String,
        held: i64,
        current: Option<i64>,
    },
    /// A commit writes keys of a pico whose lease this engine does not hold (any more):
    /// another engine runs it, or it was never acquired. Nothing of the commit was applied.
    #[error("pico store at `{target}`: {}; the commit was not applied", pico_lease_lost(pico, *held, *current))]
    PicoLeaseLost {
        target: String,
        pico: String,
        /// The epoch this engine acquired the pico at, if it did.
        held: Option<i64>,
        /// The epoch of the pico's lease row, if the commit read it.
        current: Option<i64>,
    },
    /// A store fences its commits either with the store-wide lease or with leases per pico,
    /// chosen once.
    #[error("pico store at `{target}` already fences its commits with another kind of lease")]
    FencingChosen { target: String },
    /// A durability name other than `process` or `full`.
    #[error("unknown durability `{name}` (expected `process` or `full`)")]
    UnknownDurability { name: String },
}

/// Why [`StorageError::PicoLeaseLost`] refused a commit, in words.
fn pico_lease_lost(pico: &str, held: Option<i64>, current: Option<i64>) -> String {
    match (held, current) {
        (None, _) => format!("this engine holds no lease on pico `{pico}`"),
        (Some(held), Some(current)) => {
            format!(
                "this engine's lease on pico `{pico}` (epoch {held}) was taken over (now epoch {current})"
            )
        }
        (Some(held), None) => format!("this engine's lease on pico `{pico}` (epoch {held}) is gone"),
    }
}
