//! The default durable [`Storage`]: SQLite in WAL mode with group commit.
//!
//! Files in the store's folder: `store.sqlite3` (+ its `-wal` while open) holds
//! one table `kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID`; `lock.sqlite3` is held with an
//! exclusive lock for as long as the store is open. A second process opening the same
//! folder (or a second `SqliteStorage` in this process) therefore fails at once with
//! [`StorageError::Locked`] instead of sharing the data behind the engine's caches. The OS
//! drops the lock when the owner dies, so a store left by kill -9 reopens normally (SQLite
//! rolls back any transaction that was not committed).
//!
//! One connection does everything, in SQLite's exclusive locking mode: it takes the data
//! file's locks once and keeps them, and the WAL index lives in its own memory instead of
//! the shared `-shm` file. A transaction then costs no `fcntl` lock calls (there were
//! several per commit, a sixth of a stateful event's CPU time in the engine bench). The
//! price: other SQLite clients (the `sqlite3` shell) cannot open `store.sqlite3` while the
//! engine runs, and reads wait while a group commit is being written.
//!
//! Writes: one writer connection, used by whichever committing thread is the current
//! *leader* (no writer thread of our own). A committing thread queues its batch and, if no
//! leader is active, becomes one: it takes every queued batch (up to [`MAX_GROUP`]),
//! applies them in one transaction and commits once (one WAL append, plus one fsync at
//! [`Durability::Full`]), leaves each caller's result in that caller's slot and unparks it.
//! It keeps leading while more batches are queued (up to [`MAX_ROUNDS`] groups), then
//! unparks the next queued caller to lead. A lone thread thus commits directly with no
//! hand-off, and under load many batches share one write and one fsync. If a group's
//! transaction fails, each of its batches is retried alone, so one bad batch fails only
//! its own caller.
//!
//! Reads use the same connection, between group commits, so a read after `commit` returns
//! sees that commit.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, Thread};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::{BatchOp, Durability, Entry, Storage, StorageError, WriteBatch, key};

/// Version of the table layout, kept in SQLite's `user_version`.
const FORMAT_VERSION: i64 = 1;
/// Most batches one group commit takes, to bound the latency of the callers in it.
const MAX_GROUP: usize = 1024;
/// Groups a leader writes for others after its own before handing leadership on.
const MAX_ROUNDS: usize = 8;
/// How long SQLite retries internally on a busy database before failing (only reachable
/// during WAL recovery and checkpoints, since no other writer can exist).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
const DATA_FILE: &str = "store.sqlite3";
const LOCK_FILE: &str = "lock.sqlite3";

/// A durable [`Storage`] in a folder, backed by SQLite. See the module docs for the design.
///
/// ```
/// use krl_runtime::storage::{key, Durability, SqliteStorage, Storage, WriteBatch};
///
/// let dir = std::env::temp_dir().join(format!("krl-sqlite-doc-{}", std::process::id()));
/// let store = SqliteStorage::open(&dir, Durability::Process).unwrap();
/// let mut batch = WriteBatch::new();
/// batch.put(key::encode(&["root-pico"]), br#""p1""#.to_vec());
/// store.commit(batch).unwrap();
/// store.close().unwrap();
///
/// let store = SqliteStorage::open(&dir, Durability::Process).unwrap();
/// assert_eq!(store.get(&key::encode(&["root-pico"])).unwrap().as_deref(), Some(&br#""p1""#[..]));
/// drop(store);
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub struct SqliteStorage {
    // Field order is drop order: the connection (whose close checkpoints the WAL into the
    // main file), then the lock.
    writer: Mutex<Connection>,
    queue: Mutex<Queue>,
    /// Held, never used: closing it releases the lock.
    _lock: Mutex<Connection>,
    dir: PathBuf,
    data_path: PathBuf,
    durability: Durability,
}

/// Batches waiting for a group commit, and whether some caller is writing as the leader.
#[derive(Default)]
struct Queue {
    pending: VecDeque<Pending>,
    leader_active: bool,
}

struct Pending {
    batch: WriteBatch,
    slot: Arc<Slot>,
}

/// Where a leader leaves one caller's result before unparking it.
struct Slot {
    result: Mutex<Option<Result<(), StorageError>>>,
    waiter: Thread,
}

impl Slot {
    fn take(&self) -> Option<Result<(), StorageError>> {
        lock(&self.result).take()
    }

    fn fill(&self, res: Result<(), StorageError>) {
        *lock(&self.result) = Some(res);
        self.waiter.unpark();
    }
}

impl std::fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStorage")
            .field("dir", &self.dir)
            .field("durability", &self.durability)
            .finish_non_exhaustive()
    }
}

impl SqliteStorage {
    /// Opens the store in folder `dir`, creating the folder and the store if missing.
    ///
    /// `durability` applies to this opening only; a store may be reopened at another level.
    /// Fails with [`StorageError::Locked`] while another process has the store open.
    pub fn open(dir: &Path, durability: Durability) -> Result<Self, StorageError> {
        std::fs::create_dir_all(dir).map_err(|source| StorageError::CreateDir {
            path: dir.to_path_buf(),
            source: Arc::new(source),
        })?;
        let lock = acquire_lock(dir)?;
        let data_path = dir.join(DATA_FILE);
        let writer = open_writer(&data_path, durability).map_err(|source| StorageError::Open {
            path: data_path.clone(),
            source: Arc::new(source),
        })?;
        let found: i64 = writer
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|source| StorageError::Open {
                path: data_path.clone(),
                source: Arc::new(source),
            })?;
        if found != FORMAT_VERSION {
            return Err(StorageError::UnsupportedFormat {
                path: data_path,
                found,
                expected: FORMAT_VERSION,
            });
        }
        Ok(SqliteStorage {
            writer: Mutex::new(writer),
            queue: Mutex::new(Queue::default()),
            _lock: Mutex::new(lock),
            dir: dir.to_path_buf(),
            data_path,
            durability,
        })
    }

    /// The store's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Closes the store, moving the write-ahead log into the main file and reporting any
    /// error. Dropping the store does the same but ignores errors; either way every
    /// commit that returned is already durable.
    pub fn close(self) -> Result<(), StorageError> {
        let SqliteStorage {
            writer,
            data_path,
            _lock: owner_lock,
            ..
        } = self;
        let writer = writer.into_inner().unwrap_or_else(PoisonError::into_inner);
        let sqlite_err = |action, source| StorageError::Sqlite {
            path: data_path.clone(),
            action,
            source: Arc::new(source),
        };
        writer
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(|source| sqlite_err("checkpoint the log", source))?;
        writer
            .close()
            .map_err(|(_, source)| sqlite_err("close the store", source))?;
        drop(owner_lock);
        Ok(())
    }

    fn sqlite_err(&self, action: &'static str, source: rusqlite::Error) -> StorageError {
        StorageError::Sqlite {
            path: self.data_path.clone(),
            action,
            source: Arc::new(source),
        }
    }

    /// Runs `read` on the store's connection, between group commits.
    fn with_connection<T>(
        &self,
        action: &'static str,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StorageError> {
        let conn = lock(&self.writer);
        read(&conn).map_err(|e| self.sqlite_err(action, e))
    }

    /// Applies a group of batches as one transaction. If that fails, retries each batch in
    /// a transaction of its own so that one bad batch does not fail the others.
    fn write_group(&self, group: &[Pending]) -> Vec<Result<(), StorageError>> {
        let mut conn = lock(&self.writer);
        let batches: Vec<&WriteBatch> = group.iter().map(|pending| &pending.batch).collect();
        match apply_in_transaction(&mut conn, &batches) {
            Ok(()) => group.iter().map(|_| Ok(())).collect(),
            Err(err) if group.len() == 1 => vec![Err(self.sqlite_err("commit", err))],
            Err(_) => batches
                .iter()
                .map(|batch| {
                    apply_in_transaction(&mut conn, std::slice::from_ref(batch))
                        .map_err(|e| self.sqlite_err("commit", e))
                })
                .collect(),
        }
    }
}

impl Storage for SqliteStorage {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        self.with_connection("read a key", |conn| {
            conn.prepare_cached("SELECT v FROM kv WHERE k = ?1")?
                .query_row(params![key], |row| row.get(0))
                .optional()
        })
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StorageError> {
        self.with_connection("scan keys", |conn| {
            let end = key::prefix_end(prefix);
            let mut stmt = match end {
                Some(_) => conn.prepare_cached("SELECT k, v FROM kv WHERE k >= ?1 AND k < ?2 ORDER BY k")?,
                None => conn.prepare_cached("SELECT k, v FROM kv WHERE k >= ?1 ORDER BY k")?,
            };
            let rows = match &end {
                Some(end) => stmt.query(params![prefix, end])?,
                None => stmt.query(params![prefix])?,
            };
            rows.mapped(|row| Ok((row.get(0)?, row.get(1)?))).collect()
        })
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        if batch.is_empty() {
            return Ok(());
        }
        let slot = Arc::new(Slot {
            result: Mutex::new(None),
            waiter: thread::current(),
        });
        let mut queue = lock(&self.queue);
        queue.pending.push_back(Pending {
            batch,
            slot: Arc::clone(&slot),
        });
        loop {
            // Checked under the queue lock: a leader fills its group's slots before it
            // clears `leader_active`, so an empty slot here means our batch is still queued.
            if let Some(res) = slot.take() {
                return res;
            }
            if !queue.leader_active {
                queue.leader_active = true;
                return self.lead(queue, &slot);
            }
            drop(queue);
            // Woken by a leader that filled our slot or handed leadership to us. Spurious
            // wake-ups are fine, and an unpark that comes before the park makes it return.
            thread::park();
            if let Some(res) = slot.take() {
                return res;
            }
            queue = lock(&self.queue);
        }
    }

    fn durability(&self) -> Durability {
        self.durability
    }
}

impl SqliteStorage {
    /// Writes queued groups as the leader until the queue is empty (or this caller has led
    /// [`MAX_ROUNDS`] groups and has its own result), then hands leadership to the next
    /// queued caller. Staying on while batches keep arriving saves a thread hand-off per
    /// group under load.
    fn lead<'a>(&'a self, mut queue: MutexGuard<'a, Queue>, own: &Arc<Slot>) -> Result<(), StorageError> {
        let mut rounds = 0;
        let mut own_result = None;
        loop {
            let take = queue.pending.len().min(MAX_GROUP);
            let group: Vec<Pending> = queue.pending.drain(..take).collect();
            drop(queue);
            let mut guard = LeaderGuard { store: self, group };
            let results = self.write_group(&guard.group);
            for (pending, res) in std::mem::take(&mut guard.group).into_iter().zip(results) {
                if Arc::ptr_eq(&pending.slot, own) {
                    own_result = Some(res);
                } else {
                    pending.slot.fill(res);
                }
            }
            rounds += 1;
            queue = lock(&self.queue);
            let done = own_result.is_some() && (rounds >= MAX_ROUNDS || queue.pending.is_empty());
            if done {
                queue.leader_active = false;
                let next = queue.pending.front().map(|pending| pending.slot.waiter.clone());
                drop(queue);
                if let Some(next) = next {
                    next.unpark();
                }
                return own_result.expect("checked above");
            }
        }
    }
}

/// The group a leader is writing. If the leader panics, fails the group and gives up
/// leadership so that no caller waits forever.
struct LeaderGuard<'a> {
    store: &'a SqliteStorage,
    group: Vec<Pending>,
}

impl Drop for LeaderGuard<'_> {
    fn drop(&mut self) {
        if !thread::panicking() {
            return;
        }
        for pending in self.group.drain(..) {
            pending.slot.fill(Err(StorageError::WriterPanicked));
        }
        let mut queue = lock(&self.store.queue);
        queue.leader_active = false;
        let next = queue.pending.front().map(|pending| pending.slot.waiter.clone());
        drop(queue);
        if let Some(next) = next {
            next.unpark();
        }
    }
}

fn apply_in_transaction(conn: &mut Connection, batches: &[&WriteBatch]) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut put = tx.prepare_cached("INSERT OR REPLACE INTO kv (k, v) VALUES (?1, ?2)")?;
        let mut delete = tx.prepare_cached("DELETE FROM kv WHERE k = ?1")?;
        for batch in batches {
            for op in batch.ops() {
                match op {
                    BatchOp::Put { key, value } => {
                        put.execute(params![key, value])?;
                    }
                    BatchOp::Delete { key } => {
                        delete.execute(params![key])?;
                    }
                    BatchOp::DeletePrefix { prefix } => match key::prefix_end(prefix) {
                        Some(end) => {
                            tx.prepare_cached("DELETE FROM kv WHERE k >= ?1 AND k < ?2")?
                                .execute(params![prefix, end])?;
                        }
                        None => {
                            tx.prepare_cached("DELETE FROM kv WHERE k >= ?1")?
                                .execute(params![prefix])?;
                        }
                    },
                }
            }
        }
    }
    // Dropping `tx` without this commit (on an error above) rolls everything back.
    tx.commit()
}

/// Takes the exclusive lock that keeps other processes out (see the module docs).
fn acquire_lock(dir: &Path) -> Result<Connection, StorageError> {
    let path = dir.join(LOCK_FILE);
    let open_err = |source: rusqlite::Error| StorageError::Open {
        path: path.clone(),
        source: Arc::new(source),
    };
    let conn = Connection::open(&path).map_err(open_err)?;
    // In EXCLUSIVE locking mode a connection keeps the locks it took until it closes; the
    // write below takes the exclusive lock. A zero busy timeout makes a held lock fail fast.
    conn.busy_timeout(Duration::ZERO).map_err(open_err)?;
    // The owner's pid is only a hint for someone inspecting the folder.
    let pid = std::process::id();
    // Nothing in this file needs to survive a crash, so its write skips the journal and
    // the fsyncs, which would otherwise dominate the engine's start-up.
    conn.execute_batch(&format!(
        "PRAGMA locking_mode = EXCLUSIVE;
         PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;
         BEGIN EXCLUSIVE;
         CREATE TABLE IF NOT EXISTS owner (id INTEGER PRIMARY KEY, pid INTEGER NOT NULL);
         INSERT OR REPLACE INTO owner (id, pid) VALUES (1, {pid});
         COMMIT;"
    ))
    .map_err(|source| match source.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StorageError::Locked {
            path: dir.to_path_buf(),
        },
        _ => open_err(source),
    })?;
    Ok(conn)
}

fn open_writer(path: &Path, durability: Durability) -> rusqlite::Result<Connection> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Before the first access in WAL mode, so that no shared-memory WAL index is made.
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "journal_mode stayed `{mode}` (WAL needed)"
        )));
    }
    // WAL + NORMAL: a commit is appended to the log without fsync, which survives a process
    // crash; FULL adds an fsync of the log per commit (once per group).
    // `None` (no promise) skips even the checkpoints' fsyncs; handy for throwaway stores.
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::Process => "NORMAL",
        Durability::None => "OFF",
    };
    conn.pragma_update(None, "synchronous", synchronous)?;
    conn.pragma_update(None, "cache_size", -65_536)?; // 64 MiB
    // Checkpoints (copying the log into the main file) fsync twice at every level, so run
    // them every 16 MiB of log rather than SQLite's default 4 MiB.
    conn.pragma_update(None, "wal_autocheckpoint", 4096)?;
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    // A fresh file (user_version 0) gets the table and our version; an existing store keeps
    // its version, which `open` then checks.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version == 0 {
        tx.execute_batch(&format!(
            "CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY NOT NULL, v BLOB NOT NULL) WITHOUT ROWID;
             PRAGMA user_version = {FORMAT_VERSION};"
        ))?;
    }
    tx.commit()?;
    Ok(conn)
}

/// Locks a mutex, ignoring poisoning: every critical section here leaves its data
/// consistent even if interrupted (a panicking leader is handled by `LeaderGuard`).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
