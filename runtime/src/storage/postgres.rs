//! A [`Storage`] in a PostgreSQL-protocol database: `krl run --store postgres://...`.
//!
//! Layout: one table `krl_kv (k BYTEA PRIMARY KEY, v BYTEA NOT NULL)` holds the same keys
//! and values as SQLite's `kv` (byte-wise `BYTEA` order is [`key::encode`]'s tuple order),
//! and `krl_meta (name TEXT PRIMARY KEY, value BIGINT NOT NULL)` holds the format version
//! under `format`; `krl_lease` holds the store's lease (`postgres/lease.rs`: which engine may
//! commit, and the epoch every commit checks) and `krl_pico_lease` the leases per pico
//! (`postgres/pico_lease.rs`: which engine runs each pico, and the epoch each commit that
//! writes the pico checks). A store fences its commits with one of the two or neither. Opening creates the tables when missing
//! (`CREATE TABLE IF NOT EXISTS`), so the first engine to reach an empty database sets it up,
//! and refuses a database of another format version ([`StorageError::PostgresFormat`]).
//!
//! Only plain SQL that CockroachDB and YugabyteDB also accept: `CREATE TABLE IF NOT EXISTS`,
//! `INSERT ... ON CONFLICT (k) DO UPDATE SET v = excluded.v`, range `SELECT`/`DELETE` on the
//! primary key, explicit transactions. No advisory locks, no `LISTEN/NOTIFY`, no
//! PostgreSQL-only types. A transaction the server aborts as a serialization conflict
//! (SQLSTATE `40001`, which the distributed databases raise where PostgreSQL would wait) is
//! run again from the start, as their documentation asks of clients.
//!
//! Connections: a pool of at most [`MAX_OPEN`], each with its statements prepared once.
//! Reads take any idle connection; each [`Storage::commit`] is one SQL transaction on one connection,
//! so commits of different picos run side by side on the server. A connection the server
//! closed is dropped and a new one opened on the next call.
//!
//! Durability: a commit returns after the server's `COMMIT` returned, which with the
//! server's defaults (`fsync = on`, `synchronous_commit = on`) is on disk: [`Durability::Full`].
//! A commit whose `COMMIT` was sent but whose answer never came (the connection broke) is
//! reported as failed although the server may have applied it; the engine then reads the
//! pico back from the store, as after any failed commit.
//!
//! The client blocks: call the store from plain threads or tokio's blocking pool, never from
//! an async task (the `postgres` crate runs its own runtime per call and panics inside
//! another one), as [`Storage::commit`] asks of every store.

mod lease;
mod pico_lease;

use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};

use postgres::error::SqlState;
use postgres::{Client, NoTls, Statement, Transaction};

pub use lease::{LeaseKeeper, LeaseOptions, SetupLock};
pub use pico_lease::{Acquired, PicoLeaseOptions, PicoLeases, PicoOwner, Renewer};

use super::{BatchOp, Durability, Entry, Storage, StorageError, WriteBatch, key};

/// Version of the table layout, kept in `krl_meta` under `format`.
const FORMAT_VERSION: i64 = 1;
/// Most connections one store opens: callers beyond wait for a free one, so that a burst of
/// requests cannot exhaust the server's `max_connections` (100 by default) for every engine.
const MAX_OPEN: usize = 24;
/// How often a transaction aborted by a serialization conflict is run again.
const MAX_ATTEMPTS: usize = 20;

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS krl_kv (k BYTEA PRIMARY KEY, v BYTEA NOT NULL);
    CREATE TABLE IF NOT EXISTS krl_meta (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
    CREATE TABLE IF NOT EXISTS krl_lease (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL, epoch BIGINT NOT NULL, expires_at TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE IF NOT EXISTS krl_pico_lease (
        pico TEXT PRIMARY KEY, owner TEXT NOT NULL, base_url TEXT NOT NULL, epoch BIGINT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
    );
";

/// A [`Storage`] in a PostgreSQL-protocol database. See the module docs for the design.
pub struct PostgresStorage {
    config: postgres::Config,
    /// `host:port/database`, for messages (the URL may hold a password).
    target: String,
    pool: Mutex<Pool>,
    /// Signalled when a connection is returned or closed.
    freed: Condvar,
    /// What every commit checks, once this store took the store's lease (`lease.rs`) or
    /// switched to leases per pico (`pico_lease.rs`).
    fence: OnceLock<Fencing>,
}

/// How a store's commits are fenced against other engines.
#[derive(Debug)]
enum Fencing {
    /// The store-wide lease, at this epoch.
    Store(i64),
    /// Each pico's lease, at the epochs this engine acquired them.
    Picos(Arc<pico_lease::Held>),
}

/// What one commit checks in its SQL transaction before it applies anything.
enum Check {
    None,
    Store(i64),
    /// Each pico the batch writes, in pico order, with the epoch this engine holds it at.
    Picos(Vec<(String, i64)>),
}

impl std::fmt::Debug for PostgresStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStorage")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

/// The connections not in use, and how many are open in all.
#[derive(Default)]
struct Pool {
    idle: Vec<Conn>,
    open: usize,
}

/// One connection with the statements every call uses, prepared on it once.
struct Conn {
    client: Client,
    stmts: Statements,
}

struct Statements {
    get: Statement,
    scan_range: Statement,
    scan_from: Statement,
    put: Statement,
    delete: Statement,
    delete_range: Statement,
    delete_from: Statement,
    check_fence: Statement,
    check_pico: Statement,
}

impl Conn {
    fn open(config: &postgres::Config) -> Result<Conn, postgres::Error> {
        let mut client = config.connect(NoTls)?;
        let stmts = Statements {
            get: client.prepare("SELECT v FROM krl_kv WHERE k = $1")?,
            scan_range: client.prepare("SELECT k, v FROM krl_kv WHERE k >= $1 AND k < $2 ORDER BY k")?,
            scan_from: client.prepare("SELECT k, v FROM krl_kv WHERE k >= $1 ORDER BY k")?,
            put: client.prepare(
                "INSERT INTO krl_kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
            )?,
            delete: client.prepare("DELETE FROM krl_kv WHERE k = $1")?,
            delete_range: client.prepare("DELETE FROM krl_kv WHERE k >= $1 AND k < $2")?,
            delete_from: client.prepare("DELETE FROM krl_kv WHERE k >= $1")?,
            // FOR SHARE: a takeover's UPDATE of the row waits for commits that checked it,
            // and a commit that checks after a takeover sees the new epoch.
            check_fence: client.prepare(&format!(
                "SELECT epoch FROM krl_lease WHERE name = '{}' FOR SHARE",
                lease::STORE_LEASE
            ))?,
            check_pico: client.prepare("SELECT epoch FROM krl_pico_lease WHERE pico = $1 FOR SHARE")?,
        };
        Ok(Conn { client, stmts })
    }

    /// Applies `batch` as one SQL transaction, running it again while the server aborts it
    /// as a serialization conflict. The transaction first runs the `check` (the store's
    /// lease, or each written pico's, still has this engine's epoch) and applies nothing if
    /// another engine took a lease.
    fn commit(&mut self, batch: &WriteBatch, check: &Check) -> Result<Fenced, postgres::Error> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let res = self.client.transaction().and_then(|mut tx| {
                if let Some(refused) = self.stmts.check(&mut tx, check)? {
                    tx.rollback()?;
                    return Ok(refused);
                }
                self.stmts.apply(&mut tx, batch)?;
                tx.commit()?;
                Ok(Fenced::Applied)
            });
            match res {
                Err(err) if attempt < MAX_ATTEMPTS && is_conflict(&err) => continue,
                other => return other,
            }
        }
    }
}

/// What a fenced commit did.
enum Fenced {
    Applied,
    /// Another engine holds the lease now (`current` is its epoch), or nobody does; with
    /// leases per pico, `pico` names the pico whose lease was lost.
    Refused {
        pico: Option<(String, i64)>,
        current: Option<i64>,
    },
}

impl Statements {
    /// Runs a commit's fence check inside `tx`: `Some` refusal if a lease is no longer ours.
    fn check(&self, tx: &mut Transaction<'_>, check: &Check) -> Result<Option<Fenced>, postgres::Error> {
        match check {
            Check::None => Ok(None),
            Check::Store(epoch) => {
                let current: Option<i64> = tx.query_opt(&self.check_fence, &[])?.map(|row| row.get(0));
                Ok((current != Some(*epoch)).then_some(Fenced::Refused { pico: None, current }))
            }
            Check::Picos(picos) => {
                for (pico, epoch) in picos {
                    let current: Option<i64> = tx.query_opt(&self.check_pico, &[pico])?.map(|row| row.get(0));
                    if current != Some(*epoch) {
                        return Ok(Some(Fenced::Refused {
                            pico: Some((pico.clone(), *epoch)),
                            current,
                        }));
                    }
                }
                Ok(None)
            }
        }
    }

    /// Applies one batch's operations inside `tx`, in order.
    fn apply(&self, tx: &mut Transaction<'_>, batch: &WriteBatch) -> Result<(), postgres::Error> {
        for op in batch.ops() {
            match op {
                BatchOp::Put { key, value } => {
                    tx.execute(&self.put, &[key, value])?;
                }
                BatchOp::Delete { key } => {
                    tx.execute(&self.delete, &[key])?;
                }
                BatchOp::DeletePrefix { prefix } => match key::prefix_end(prefix) {
                    Some(end) => {
                        tx.execute(&self.delete_range, &[prefix, &end])?;
                    }
                    None => {
                        tx.execute(&self.delete_from, &[prefix])?;
                    }
                },
            }
        }
        Ok(())
    }
}

impl PostgresStorage {
    /// Connects to the database at `url` (`postgres://USER[:PASSWORD]@HOST:PORT/DB`, or any
    /// connection string the `postgres` crate accepts), creating the tables if missing.
    ///
    /// Several engines may open the same database; which of them runs a pico is the
    /// engine's business, not the store's.
    pub fn open(url: &str) -> Result<Self, StorageError> {
        let config: postgres::Config = url.parse().map_err(|source| StorageError::Postgres {
            target: "the --store URL".to_owned(),
            action: "parse the connection URL",
            source: Arc::new(source),
        })?;
        let target = describe(&config);
        let store = PostgresStorage {
            config,
            target,
            pool: Mutex::new(Pool::default()),
            freed: Condvar::new(),
            fence: OnceLock::new(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Creates the tables and checks the format version. Two engines starting on an empty
    /// database at once may both try to create a table; PostgreSQL then fails one of them
    /// with a unique violation, and that one runs the (now idempotent) statements again.
    fn migrate(&self) -> Result<(), StorageError> {
        let mut client = self.config.connect(NoTls).map_err(|e| self.error("connect", e))?;
        let mut attempt = 0;
        let found = loop {
            attempt += 1;
            let res = client.batch_execute(SCHEMA).and_then(|()| {
                client.execute(
                    "INSERT INTO krl_meta (name, value) VALUES ('format', $1) ON CONFLICT (name) DO NOTHING",
                    &[&FORMAT_VERSION],
                )?;
                client.query_one("SELECT value FROM krl_meta WHERE name = 'format'", &[])
            });
            match res {
                Ok(row) => break row.get::<_, i64>(0),
                // A unique violation: another engine created the same table just now.
                Err(err)
                    if attempt < MAX_ATTEMPTS
                        && (is_conflict(&err) || err.code() == Some(&SqlState::UNIQUE_VIOLATION)) =>
                {
                    continue;
                }
                Err(err) => return Err(self.error("create the tables", err)),
            }
        };
        if found != FORMAT_VERSION {
            return Err(StorageError::PostgresFormat {
                target: self.target.clone(),
                found,
                expected: FORMAT_VERSION,
            });
        }
        Ok(())
    }

    /// `postgres://host:port/database`, the store's name in messages (without user or password).
    pub fn target(&self) -> &str {
        &self.target
    }

    fn error(&self, action: &'static str, source: postgres::Error) -> StorageError {
        StorageError::Postgres {
            target: self.target.clone(),
            action,
            source: Arc::new(source),
        }
    }

    /// Runs `work` on an idle connection (or a new one, up to [`MAX_OPEN`]; past that it
    /// waits for one), and keeps the connection for the next call unless the server closed it.
    fn with_conn<T>(
        &self,
        action: &'static str,
        work: impl FnOnce(&mut Conn) -> Result<T, postgres::Error>,
    ) -> Result<T, StorageError> {
        let mut conn = self.checkout()?;
        let res = work(&mut conn);
        let mut pool = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        if conn.client.is_closed() {
            pool.open -= 1;
        } else {
            pool.idle.push(conn);
        }
        drop(pool);
        self.freed.notify_one();
        res.map_err(|e| self.error(action, e))
    }

    /// [`PostgresStorage::with_conn`] for one statement in autocommit, run again while the
    /// server aborts it as a conflict (a deadlock with a commit's share locks, or a
    /// distributed database's serialization failure).
    fn with_conn_retrying<T>(
        &self,
        action: &'static str,
        mut work: impl FnMut(&mut Conn) -> Result<T, postgres::Error>,
    ) -> Result<T, StorageError> {
        self.with_conn(action, |conn| {
            let mut attempt = 0;
            loop {
                attempt += 1;
                match work(conn) {
                    Err(err) if attempt < MAX_ATTEMPTS && is_conflict(&err) => continue,
                    other => return other,
                }
            }
        })
    }

    fn checkout(&self) -> Result<Conn, StorageError> {
        let mut pool = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(conn) = pool.idle.pop() {
                return Ok(conn);
            }
            if pool.open < MAX_OPEN {
                break;
            }
            pool = self.freed.wait(pool).unwrap_or_else(PoisonError::into_inner);
        }
        // Counted before connecting (outside the lock), given back if that fails.
        pool.open += 1;
        drop(pool);
        Conn::open(&self.config).map_err(|e| {
            self.pool.lock().unwrap_or_else(PoisonError::into_inner).open -= 1;
            self.freed.notify_one();
            self.error("connect", e)
        })
    }
}

impl Storage for PostgresStorage {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        self.with_conn("read a key", |conn| {
            let row = conn.client.query_opt(&conn.stmts.get, &[&key])?;
            Ok(row.map(|row| row.get::<_, Vec<u8>>(0)))
        })
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StorageError> {
        self.with_conn("scan keys", |conn| {
            // One statement reads one snapshot, at every isolation level.
            let rows = match key::prefix_end(prefix) {
                Some(end) => conn.client.query(&conn.stmts.scan_range, &[&prefix, &end])?,
                None => conn.client.query(&conn.stmts.scan_from, &[&prefix])?,
            };
            Ok(rows.into_iter().map(|row| (row.get(0), row.get(1))).collect())
        })
    }

    fn commit(&self, batch: WriteBatch) -> Result<(), StorageError> {
        if batch.is_empty() {
            return Ok(());
        }
        let check = match self.fence.get() {
            None => Check::None,
            Some(Fencing::Store(epoch)) => Check::Store(*epoch),
            Some(Fencing::Picos(held)) => {
                let mut picos = Vec::new();
                for (pico, epoch) in held.fences(&batch) {
                    // A pico this engine holds no lease on: refused without a round trip.
                    let Some(epoch) = epoch else {
                        return Err(StorageError::PicoLeaseLost {
                            target: self.target.clone(),
                            pico,
                            held: None,
                            current: None,
                        });
                    };
                    picos.push((pico, epoch));
                }
                Check::Picos(picos)
            }
        };
        match self.with_conn("commit", |conn| conn.commit(&batch, &check))? {
            Fenced::Applied => Ok(()),
            Fenced::Refused {
                pico: Some((pico, held)),
                current,
            } => Err(StorageError::PicoLeaseLost {
                target: self.target.clone(),
                pico,
                held: Some(held),
                current,
            }),
            Fenced::Refused { pico: None, current } => Err(StorageError::LeaseLost {
                target: self.target.clone(),
                held: match check {
                    Check::Store(epoch) => epoch,
                    _ => 0,
                },
                current,
            }),
        }
    }

    fn durability(&self) -> Durability {
        Durability::Full
    }
}

/// Whether the server aborted the transaction as a conflict with another one, so that
/// running it again may succeed (CockroachDB and YugabyteDB ask clients to do so).
fn is_conflict(err: &postgres::Error) -> bool {
    matches!(
        err.code(),
        Some(code) if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED
    )
}

/// `host:port/database` of a connection configuration, without user or password.
fn describe(config: &postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(host)) => host.clone(),
        Some(postgres::config::Host::Unix(path)) => path.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().or(config.get_user()).unwrap_or("postgres");
    format!("postgres://{host}:{port}/{db}")
}
