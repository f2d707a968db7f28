//! The PostgreSQL store's lease: one engine at a time commits, a takeover waits for the
//! lease to expire, and a store that lost the lease commits nothing more (fencing).

#[path = "support/pg_server.rs"]
mod pg_server;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use krl_runtime::storage::{LeaseOptions, PostgresStorage, Storage, StorageError, WriteBatch, key};
use pg_server::PgServer;

fn options(owner: &str, millis: u64) -> LeaseOptions {
    LeaseOptions {
        owner: owner.to_owned(),
        duration: Duration::from_millis(millis),
    }
}

fn put(store: &PostgresStorage, name: &str) -> Result<(), StorageError> {
    let mut batch = WriteBatch::new();
    batch.put(key::encode(&["entvar", "p1", "r", name]), b"1".to_vec());
    store.commit(batch)
}

fn has(store: &PostgresStorage, name: &str) -> bool {
    store
        .get(&key::encode(&["entvar", "p1", "r", name]))
        .expect("the store answers")
        .is_some()
}

#[test]
fn a_store_that_lost_its_lease_commits_nothing() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("lease_fence");
    let first = Arc::new(PostgresStorage::open(&url).unwrap());
    let second = Arc::new(PostgresStorage::open(&url).unwrap());
    let keeper = first.take_lease(&options("first", 400), |_| {}, |_| {}).unwrap();
    put(&first, "before").expect("the holder commits");
    // The first engine stops renewing (as if paused); the second waits for the expiry.
    drop(keeper);
    let mut holders = Vec::new();
    let started = Instant::now();
    let keeper = second
        .take_lease(
            &options("second", 10_000),
            |holder| holders.push(holder.to_owned()),
            |_| {},
        )
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(holders.iter().all(|holder| holder == "first"), "{holders:?}");
    let err = put(&first, "late").expect_err("the old holder is fenced off");
    assert!(
        matches!(err, StorageError::LeaseLost { current: Some(epoch), .. } if epoch == keeper.epoch()),
        "{err:?}"
    );
    assert!(err.to_string().contains("was taken over"), "{err}");
    assert!(!has(&second, "late"), "a fenced commit left nothing behind");
    assert!(has(&second, "before"));
    put(&second, "after").expect("the new holder commits");
}

#[test]
fn a_renewed_lease_is_not_taken_and_a_released_one_is_taken_at_once() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("lease_renew");
    let first = Arc::new(PostgresStorage::open(&url).unwrap());
    let second = Arc::new(PostgresStorage::open(&url).unwrap());
    let keeper = first.take_lease(&options("first", 300), |_| {}, |_| {}).unwrap();
    // Three lease durations: the renewals keep the second store waiting all along.
    let (looked, looks) = mpsc::channel();
    let waiter = {
        let second = Arc::clone(&second);
        std::thread::spawn(move || {
            second
                .take_lease(
                    &options("second", 300),
                    |holder| {
                        let _ = looked.send(holder.to_owned());
                    },
                    |_| {},
                )
                .map(|keeper| keeper.epoch())
        })
    };
    let deadline = Instant::now() + Duration::from_millis(900);
    while Instant::now() < deadline {
        assert_eq!(
            looks.recv_timeout(Duration::from_secs(5)).expect("still waiting"),
            "first"
        );
    }
    put(&first, "renewed").expect("the holder still commits");
    keeper.release().unwrap();
    let epoch = waiter.join().unwrap().expect("taken after the release");
    assert!(epoch > 1);
    assert!(matches!(
        put(&first, "released"),
        Err(StorageError::LeaseLost { .. })
    ));
}

#[test]
fn a_taken_lease_is_reported_to_its_old_holder() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("lease_lost");
    let store = Arc::new(PostgresStorage::open(&url).unwrap());
    let (lost, why) = mpsc::channel();
    let _keeper = store
        .take_lease(
            &options("first", 300),
            |_| {},
            move |reason| {
                let _ = lost.send(reason);
            },
        )
        .unwrap();
    // Another engine forces its way in (as after an expiry the renewals missed).
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .execute("UPDATE krl_lease SET epoch = epoch + 1, owner = 'other'", &[])
        .unwrap();
    let reason = why
        .recv_timeout(Duration::from_secs(5))
        .expect("the loss is reported");
    assert!(
        reason.contains("another engine took the store's lease"),
        "{reason}"
    );
}
