//! Durable stores for the engine tests that restart an engine on the same store: each such
//! test runs once on SQLite and once on PostgreSQL (when installed; always on CI).

#![allow(dead_code)] // each test binary uses its own part

#[path = "../../../runtime/tests/support/pg_server.rs"]
mod pg_server;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use krl_runtime::storage::{Durability, PostgresStorage, SqliteStorage, Storage, StorageError};
pub use pg_server::PgServer;

/// A fresh folder under the target directory, removed first if a previous run left it.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Where one run of a test keeps its store: a SQLite folder, or a PostgreSQL database (with
/// a scratch folder beside it for the test's own files).
pub struct StoreHome {
    folder: PathBuf,
    url: Option<String>,
    /// Keeps the server up while the test runs.
    _server: Option<Arc<PgServer>>,
}

impl StoreHome {
    /// The test's scratch folder (the SQLite store itself, or empty beside a database).
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// Which store this is, for assertion messages.
    pub fn kind(&self) -> &'static str {
        if self.url.is_some() { "postgres" } else { "sqlite" }
    }

    /// The PostgreSQL URL, for a child process ([`StoreHome::from_parts`]).
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The home a parent process described by its folder and URL.
    pub fn from_parts(folder: PathBuf, url: Option<String>) -> StoreHome {
        StoreHome {
            folder,
            url,
            _server: None,
        }
    }
}

/// The stores a test named `name` runs on: SQLite, then PostgreSQL when installed.
pub fn homes(name: &str) -> Vec<StoreHome> {
    let mut homes = vec![StoreHome::from_parts(scratch(name), None)];
    if let Some(server) = PgServer::shared() {
        let db: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        let folder = scratch(&format!("{name}-pg"));
        std::fs::create_dir_all(&folder).expect("the scratch folder is created");
        homes.push(StoreHome {
            folder,
            url: Some(server.database(&db)),
            _server: Some(server),
        });
    }
    homes
}

/// Opens the store at the default durability. A SQLite store waits up to ten seconds for a
/// dropped engine's workers, or a killed process, to let go of its lock.
pub fn open_store(home: &StoreHome) -> Arc<dyn Storage> {
    if let Some(url) = &home.url {
        return Arc::new(PostgresStorage::open(url).expect("cannot open the Postgres store"));
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match SqliteStorage::open(&home.folder, Durability::Process) {
            Ok(store) => return Arc::new(store),
            Err(StorageError::Locked { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Err(err) => panic!("cannot open the store: {err}"),
        }
    }
}
