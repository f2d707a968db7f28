//! The storage layer's contract, checked on every store: reads, ordered prefix scans,
//! batch semantics, atomicity under concurrent readers, many committing threads, and (for
//! SQLite) persistence across reopen and the single-owner lock.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use krl_runtime::storage::{
    Durability, MemoryStorage, PostgresStorage, SqliteStorage, Storage, StorageError, WriteBatch, key,
};

#[path = "support/pg_server.rs"]
mod pg_server;
use pg_server::PgServer;

/// A fresh folder under Cargo's scratch space, removed when dropped.
struct TestDir(PathBuf);

impl TestDir {
    fn new(name: &str) -> Self {
        let dir =
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("storage-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TestDir(dir)
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `check` on a memory store, on SQLite stores at both durability levels and on a
/// PostgreSQL store (when PostgreSQL is installed; always on CI).
fn on_every_store(name: &str, check: impl Fn(&Arc<dyn Storage>)) {
    if let Some(server) = PgServer::shared() {
        let url = server.database(&name.replace('-', "_"));
        let store: Arc<dyn Storage> = Arc::new(PostgresStorage::open(&url).expect("open the Postgres store"));
        assert_eq!(store.durability(), Durability::Full);
        check(&store);
    }
    check(&(Arc::new(MemoryStorage::new()) as Arc<dyn Storage>));
    for durability in [Durability::Process, Durability::Full] {
        let dir = TestDir::new(&format!("{name}-{}", durability.as_str()));
        let store: Arc<dyn Storage> = Arc::new(SqliteStorage::open(&dir.0, durability).expect("open store"));
        assert_eq!(store.durability(), durability);
        check(&store);
    }
}

fn entvar(pico: &str, rid: &str, name: &str) -> Vec<u8> {
    key::encode(&["entvar", pico, rid, name])
}

fn commit(store: &Arc<dyn Storage>, build: impl FnOnce(&mut WriteBatch)) {
    let mut batch = WriteBatch::new();
    build(&mut batch);
    store.commit(batch).expect("commit");
}

fn names(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Vec<String>> {
    entries
        .iter()
        .map(|(k, _)| key::decode(k).expect("stored keys decode"))
        .collect()
}

#[test]
fn put_get_overwrite_delete() {
    on_every_store("basic", |store| {
        let k = entvar("p1", "r", "x");
        assert_eq!(store.get(&k).unwrap(), None);
        commit(store, |b| {
            b.put(k.clone(), b"1".to_vec());
        });
        assert_eq!(store.get(&k).unwrap().as_deref(), Some(&b"1"[..]));
        commit(store, |b| {
            b.put(k.clone(), b"2".to_vec());
        });
        assert_eq!(store.get(&k).unwrap().as_deref(), Some(&b"2"[..]));
        commit(store, |b| {
            b.delete(k.clone());
        });
        assert_eq!(store.get(&k).unwrap(), None);
        // Deleting a missing key and committing an empty batch are no-ops.
        commit(store, |b| {
            b.delete(k.clone());
        });
        store.commit(WriteBatch::new()).unwrap();
        assert_eq!(store.get(&k).unwrap(), None);
        // Empty values are values.
        commit(store, |b| {
            b.put(k.clone(), Vec::new());
        });
        assert_eq!(store.get(&k).unwrap(), Some(Vec::new()));
    });
}

#[test]
fn operations_apply_in_batch_order() {
    on_every_store("order", |store| {
        let (a, b) = (entvar("p", "r", "a"), entvar("p", "r", "b"));
        commit(store, |batch| {
            batch.put(a.clone(), b"1".to_vec()).delete(a.clone());
            batch.delete(b.clone()).put(b.clone(), b"2".to_vec());
        });
        assert_eq!(store.get(&a).unwrap(), None);
        assert_eq!(store.get(&b).unwrap().as_deref(), Some(&b"2"[..]));
        commit(store, |batch| {
            batch
                .delete_prefix(key::prefix(&["entvar", "p"]))
                .put(a.clone(), b"3".to_vec());
        });
        assert_eq!(store.get(&a).unwrap().as_deref(), Some(&b"3"[..]));
        assert_eq!(store.get(&b).unwrap(), None);
    });
}

#[test]
fn prefix_scans_are_exact_and_ordered() {
    on_every_store("scan", |store| {
        commit(store, |b| {
            for (pico, rid, name) in [
                ("p1", "b.rid", "z"),
                ("p1", "a.rid", "y"),
                ("p1", "a.rid", "x"),
                ("p10", "a.rid", "x"),
                ("p", "a.rid", "x"),
                ("p1\0", "a.rid", "x"),
            ] {
                b.put(
                    entvar(pico, rid, name),
                    format!("{pico}/{rid}/{name}").into_bytes(),
                );
            }
            b.put(key::encode(&["pico", "p1"]), b"{}".to_vec());
            b.put(key::encode(&["entvar"]), b"odd".to_vec());
        });
        let p1 = store.scan_prefix(&key::prefix(&["entvar", "p1"])).unwrap();
        assert_eq!(
            names(&p1),
            [
                ["entvar", "p1", "a.rid", "x"],
                ["entvar", "p1", "a.rid", "y"],
                ["entvar", "p1", "b.rid", "z"]
            ]
        );
        assert_eq!(p1[0].1, b"p1/a.rid/x");
        let rid = store
            .scan_prefix(&key::prefix(&["entvar", "p1", "a.rid"]))
            .unwrap();
        assert_eq!(rid.len(), 2);
        let all_entvars = store.scan_prefix(&key::prefix(&["entvar"])).unwrap();
        assert_eq!(all_entvars.len(), 7);
        let everything = store.scan_prefix(&[]).unwrap();
        assert_eq!(everything.len(), 8);
        let keys: Vec<_> = everything.iter().map(|(k, _)| k.clone()).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert!(store.scan_prefix(&key::prefix(&["nothing"])).unwrap().is_empty());
    });
}

#[test]
fn delete_prefix_removes_exactly_the_prefix() {
    on_every_store("delete-prefix", |store| {
        commit(store, |b| {
            for pico in ["p", "p1", "p10", "p2"] {
                for name in ["a", "b"] {
                    b.put(entvar(pico, "r", name), b"1".to_vec());
                }
            }
        });
        commit(store, |b| {
            b.delete_prefix(key::prefix(&["entvar", "p1"]));
        });
        let left = names(&store.scan_prefix(&key::prefix(&["entvar"])).unwrap());
        let picos: Vec<&str> = left.iter().map(|k| k[1].as_str()).collect();
        assert_eq!(picos, ["p", "p", "p10", "p10", "p2", "p2"]);
        commit(store, |b| {
            b.delete_prefix(Vec::new());
        });
        assert!(store.scan_prefix(&[]).unwrap().is_empty());
    });
}

/// Readers never see part of a batch: every batch sets all ten keys to the same number.
#[test]
fn readers_see_whole_batches_only() {
    on_every_store("atomic", |store| {
        let keys: Vec<Vec<u8>> = (0..10).map(|i| entvar("p", "r", &format!("k{i}"))).collect();
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            for _ in 0..2 {
                scope.spawn(|| {
                    let mut scans = 0;
                    while !stop.load(Ordering::Relaxed) || scans == 0 {
                        let entries = store.scan_prefix(&key::prefix(&["entvar", "p"])).unwrap();
                        assert!(
                            entries.is_empty() || entries.len() == keys.len(),
                            "{} keys",
                            entries.len()
                        );
                        let first = entries.first().map(|(_, v)| v.clone());
                        assert!(
                            entries.iter().all(|(_, v)| Some(v) == first.as_ref()),
                            "mixed batch"
                        );
                        scans += 1;
                    }
                });
            }
            for n in 0..200 {
                commit(store, |b| {
                    for k in &keys {
                        b.put(k.clone(), n.to_string().into_bytes());
                    }
                });
            }
            stop.store(true, Ordering::Relaxed);
        });
    });
}

/// Many threads commit at once (exercising group commit); afterwards every commit is there.
#[test]
fn concurrent_commits_are_all_visible() {
    const THREADS: usize = 16;
    const COMMITS: usize = 150;
    on_every_store("concurrent", |store| {
        std::thread::scope(|scope| {
            for t in 0..THREADS {
                scope.spawn(move || {
                    let pico = format!("p{t}");
                    for n in 0..COMMITS {
                        commit(store, |b| {
                            b.put(
                                entvar(&pico, "r", &format!("n{n:04}")),
                                n.to_string().into_bytes(),
                            );
                            b.put(entvar(&pico, "r", "count"), (n + 1).to_string().into_bytes());
                        });
                        // A thread reads its own write at once.
                        let count = store.get(&entvar(&pico, "r", "count")).unwrap();
                        assert_eq!(count, Some((n + 1).to_string().into_bytes()));
                    }
                });
            }
        });
        for t in 0..THREADS {
            let vars = store
                .scan_prefix(&key::prefix(&["entvar", &format!("p{t}")]))
                .unwrap();
            assert_eq!(vars.len(), COMMITS + 1);
        }
        assert_eq!(store.scan_prefix(&[]).unwrap().len(), THREADS * (COMMITS + 1));
    });
}

#[test]
fn sqlite_data_survives_close_and_drop() {
    let dir = TestDir::new("reopen");
    let store = SqliteStorage::open(&dir.0, Durability::Process).unwrap();
    let k = entvar("p", "r", "x");
    store
        .commit(WriteBatch::new().put(k.clone(), b"1".to_vec()).clone())
        .unwrap();
    store.close().unwrap();

    let store = SqliteStorage::open(&dir.0, Durability::Full).unwrap();
    assert_eq!(store.get(&k).unwrap().as_deref(), Some(&b"1"[..]));
    store
        .commit(WriteBatch::new().put(k.clone(), b"2".to_vec()).clone())
        .unwrap();
    drop(store);

    let store = SqliteStorage::open(&dir.0, Durability::Process).unwrap();
    assert_eq!(store.get(&k).unwrap().as_deref(), Some(&b"2"[..]));
}

#[test]
fn sqlite_store_has_one_owner() {
    let dir = TestDir::new("lock");
    let first = SqliteStorage::open(&dir.0, Durability::Process).unwrap();
    let err = SqliteStorage::open(&dir.0, Durability::Process).expect_err("second open must fail");
    assert!(matches!(err, StorageError::Locked { .. }), "{err:?}");
    assert!(err.to_string().contains("is in use by another process"), "{err}");
    assert!(err.to_string().contains(&dir.0.display().to_string()), "{err}");
    drop(first);
    SqliteStorage::open(&dir.0, Durability::Process).expect("free again after the owner closed");
}

#[test]
fn sqlite_open_errors_name_the_path() {
    let dir = TestDir::new("not-a-dir");
    std::fs::create_dir_all(&dir.0).unwrap();
    let file = dir.0.join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let err = SqliteStorage::open(&file.join("db"), Durability::Process).expect_err("a file is in the way");
    assert!(matches!(err, StorageError::CreateDir { .. }), "{err:?}");
    assert!(err.to_string().contains("plain-file"), "{err}");
}

#[test]
fn sqlite_rejects_foreign_format_versions() {
    let dir = TestDir::new("format");
    SqliteStorage::open(&dir.0, Durability::Process)
        .unwrap()
        .close()
        .unwrap();
    // The store is a plain SQLite file: mark it as written by a future version.
    set_format_version(&dir.0, 99);
    let err = SqliteStorage::open(&dir.0, Durability::Process).expect_err("future format");
    assert!(
        matches!(err, StorageError::UnsupportedFormat { found: 99, .. }),
        "{err:?}"
    );
}

/// Sets `user_version`, a big-endian u32 at byte 60 of a SQLite file's header.
fn set_format_version(dir: &std::path::Path, version: u32) {
    let path = dir.join("store.sqlite3");
    let mut bytes = std::fs::read(&path).expect("the store file exists");
    bytes[60..64].copy_from_slice(&version.to_be_bytes());
    std::fs::write(&path, bytes).expect("the store file is writable");
}

#[test]
fn durability_names() {
    assert_eq!("process".parse::<Durability>().unwrap(), Durability::Process);
    assert_eq!("full".parse::<Durability>().unwrap(), Durability::Full);
    assert_eq!(Durability::default(), Durability::Process);
    let err = "fsync".parse::<Durability>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown durability `fsync` (expected `process` or `full`)"
    );
    assert_eq!(MemoryStorage::new().durability(), Durability::None);
}

#[test]
fn postgres_engines_share_one_database() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("shared_db");
    let first = PostgresStorage::open(&url).expect("open");
    let second = PostgresStorage::open(&url).expect("a second store opens the same database");
    let mut batch = WriteBatch::new();
    batch.put(entvar("p1", "r", "x"), b"1".to_vec());
    first.commit(batch).unwrap();
    assert_eq!(
        second.get(&entvar("p1", "r", "x")).unwrap().as_deref(),
        Some(&b"1"[..])
    );
    drop(first);
    drop(second);
    let reopened = PostgresStorage::open(&url).expect("reopen");
    assert_eq!(
        reopened.get(&entvar("p1", "r", "x")).unwrap().as_deref(),
        Some(&b"1"[..])
    );
}

#[test]
fn postgres_rejects_foreign_format_versions() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("format_db");
    drop(PostgresStorage::open(&url).expect("open"));
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .execute("UPDATE krl_meta SET value = 99 WHERE name = 'format'", &[])
        .unwrap();
    let err = PostgresStorage::open(&url).expect_err("format 99 is refused");
    assert!(
        matches!(
            err,
            StorageError::PostgresFormat {
                found: 99,
                expected: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("format version 99"), "{err}");
}

#[test]
fn postgres_errors_name_the_server_without_the_password() {
    // A port nobody listens on: bind one, learn its number, let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = PostgresStorage::open(&format!("postgres://krl:secret@127.0.0.1:{port}/pico")).unwrap_err();
    let message = err.to_string();
    assert_eq!(
        message,
        format!("cannot connect in pico store at `postgres://127.0.0.1:{port}/pico`")
    );
    assert!(!format!("{err:?}").contains("secret"));
    let err = PostgresStorage::open("postgres://127.0.0.1:notaport/x").unwrap_err();
    assert!(err.to_string().contains("parse the connection URL"), "{err}");
}
