//! Leases per pico on the PostgreSQL store: each pico is run by one engine at a time, a
//! takeover waits for the pico's lease to expire and raises its epoch, and every commit that
//! writes a pico's keys is refused unless this engine still holds that pico at its epoch.

#[path = "support/pg_server.rs"]
mod pg_server;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use krl_runtime::storage::{
    Acquired, LeaseOptions, PicoLeaseOptions, PicoLeases, PostgresStorage, Storage, StorageError, WriteBatch,
    key,
};
use pg_server::PgServer;

/// An engine: its own store (connections) on the shared database, leasing picos.
fn engine(url: &str, name: &str, millis: u64) -> (Arc<PostgresStorage>, Arc<PicoLeases>) {
    let store = Arc::new(PostgresStorage::open(url).expect("open the store"));
    let leases = store
        .lease_picos(PicoLeaseOptions {
            engine: format!("{name}-engine"),
            base_url: format!("http://{name}.test:3000"),
            duration: Duration::from_millis(millis),
        })
        .expect("the store takes leases per pico");
    (store, leases)
}

fn var(pico: &str, name: &str) -> Vec<u8> {
    key::encode(&["entvar", pico, "r", name])
}

fn put(store: &PostgresStorage, pico: &str, name: &str) -> Result<(), StorageError> {
    let mut batch = WriteBatch::new();
    batch.put(var(pico, name), b"1".to_vec());
    store.commit(batch)
}

fn has(store: &PostgresStorage, pico: &str, name: &str) -> bool {
    store.get(&var(pico, name)).expect("the store answers").is_some()
}

fn taken(acquired: Acquired) -> i64 {
    match acquired {
        Acquired::Taken { epoch, .. } => epoch,
        Acquired::HeldBy(owner) => panic!("held by {owner:?}"),
    }
}

/// Acquires `pico` as soon as its lease is free, within `limit`.
fn acquire_when_free(leases: &PicoLeases, pico: &str, limit: Duration) -> Acquired {
    let deadline = Instant::now() + limit;
    loop {
        match leases.acquire(pico).expect("the store answers") {
            Acquired::HeldBy(owner) if Instant::now() < deadline => {
                assert!(owner.live, "a free lease is taken, not reported: {owner:?}");
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

#[test]
fn a_pico_is_held_by_one_engine_and_its_owner_is_readable() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("pico_lease_owner");
    let (_, first) = engine(&url, "first", 10_000);
    let (_, second) = engine(&url, "second", 10_000);
    assert_eq!(first.owner("p1").unwrap(), None);
    assert_eq!(
        first.acquire("p1").unwrap(),
        Acquired::Taken {
            epoch: 1,
            taken_over: false
        }
    );
    // Asking again is answered from memory, with the same epoch.
    assert_eq!(taken(first.acquire("p1").unwrap()), 1);
    let Acquired::HeldBy(owner) = second.acquire("p1").unwrap() else {
        panic!("a live lease is not taken")
    };
    assert_eq!(owner.engine, "first-engine");
    assert_eq!(owner.base_url, "http://first.test:3000");
    assert_eq!(owner.epoch, 1);
    assert!(owner.live);
    assert_eq!(second.owner("p1").unwrap(), Some(owner));
    // Other picos are free for the second engine.
    assert_eq!(taken(second.acquire("p2").unwrap()), 1);
    assert!(first.holds("p1") && !first.holds("p2"));
    assert!(second.holds("p2") && !second.holds("p1"));
}

#[test]
fn commits_write_only_picos_the_engine_holds() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("pico_lease_fence");
    let (first, first_leases) = engine(&url, "first", 10_000);
    let (second, second_leases) = engine(&url, "second", 10_000);
    taken(first_leases.acquire("p1").unwrap());
    taken(second_leases.acquire("p2").unwrap());
    put(&first, "p1", "mine").expect("the holder commits");
    let err = put(&first, "p2", "theirs").expect_err("another engine's pico is fenced off");
    assert!(
        matches!(&err, StorageError::PicoLeaseLost { pico, held: None, .. } if pico == "p2"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("this engine holds no lease on pico `p2`"),
        "{err}"
    );
    // A batch that writes a held and an unheld pico applies nothing.
    let mut batch = WriteBatch::new();
    batch.put(var("p1", "both"), b"1".to_vec());
    batch.delete_prefix(key::prefix(&["entvar", "p2"]));
    assert!(first.commit(batch).is_err());
    assert!(!has(&first, "p1", "both"));
    // Keys that are no pico's are not fenced (the ruleset registry, the outbox).
    let mut batch = WriteBatch::new();
    batch.put(key::encode(&["ruleset", "file:///r.krl"]), b"{}".to_vec());
    first.commit(batch).expect("shared keys commit unfenced");
    put(&second, "p2", "theirs").expect("the other holder commits");
}

#[test]
fn an_expired_pico_is_taken_over_and_its_old_holder_commits_nothing() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("pico_lease_takeover");
    // The first engine does not renew: as if it were paused past its lease.
    let (first, first_leases) = engine(&url, "first", 300);
    let (second, second_leases) = engine(&url, "second", 10_000);
    taken(first_leases.acquire("p1").unwrap());
    put(&first, "p1", "before").unwrap();
    let started = Instant::now();
    let acquired = acquire_when_free(&second_leases, "p1", Duration::from_secs(5));
    assert_eq!(
        acquired,
        Acquired::Taken {
            epoch: 2,
            taken_over: true
        }
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    let owner = first_leases.owner("p1").unwrap().expect("a lease row");
    assert_eq!(owner.base_url, "http://second.test:3000");
    // The old holder still believes it holds the pico; the store refuses its commit.
    assert!(first_leases.holds("p1"));
    let err = put(&first, "p1", "late").expect_err("the old holder is fenced off");
    assert!(
        matches!(&err, StorageError::PicoLeaseLost { pico, held: Some(1), current: Some(2), .. } if pico == "p1"),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("(epoch 1) was taken over (now epoch 2)"),
        "{err}"
    );
    assert!(!has(&second, "p1", "late"));
    assert!(has(&second, "p1", "before"));
    put(&second, "p1", "after").expect("the new holder commits");
    // The old holder's next renewal finds the pico lost and forgets it.
    assert_eq!(first_leases.renew().unwrap(), ["p1"]);
    assert!(!first_leases.holds("p1"));
}

#[test]
fn no_commit_of_the_old_holder_lands_after_a_takeover() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("pico_lease_zombie");
    let (first, first_leases) = engine(&url, "first", 300);
    let (second, second_leases) = engine(&url, "second", 10_000);
    taken(first_leases.acquire("p1").unwrap());
    // The old holder commits as fast as it can, through and past the takeover.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (first, stop) = (Arc::clone(&first), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut applied = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                match put(&first, "p1", &format!("n{n:06}")) {
                    Ok(()) => applied.push(n),
                    Err(StorageError::PicoLeaseLost { .. }) => {}
                    Err(other) => panic!("{other}"),
                }
            }
            applied
        })
    };
    taken(acquire_when_free(&second_leases, "p1", Duration::from_secs(5)));
    let seen_at_takeover = second.scan_prefix(&key::prefix(&["entvar", "p1"])).unwrap();
    // Let the old holder keep trying for a while after the takeover.
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let applied = writer.join().expect("the writer finishes");
    let seen_later = second.scan_prefix(&key::prefix(&["entvar", "p1"])).unwrap();
    assert!(
        !applied.is_empty(),
        "the old holder committed before the takeover"
    );
    assert_eq!(
        seen_at_takeover.len(),
        applied.len(),
        "every acknowledged commit is there"
    );
    assert_eq!(seen_later, seen_at_takeover, "nothing landed after the takeover");
}

#[test]
fn renewals_keep_every_pico_of_an_engine_and_report_the_lost_ones() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("pico_lease_renew");
    let (first, first_leases) = engine(&url, "first", 300);
    let (_, second_leases) = engine(&url, "second", 300);
    for pico in ["p1", "p2", "p3"] {
        taken(first_leases.acquire(pico).unwrap());
    }
    let (lost, reports) = mpsc::channel();
    let renewer = first_leases.keep_renewing(move |picos| {
        let _ = lost.send(picos);
    });
    // Three lease durations: the renewals keep every pico away from the second engine.
    let deadline = Instant::now() + Duration::from_millis(900);
    while Instant::now() < deadline {
        for pico in ["p1", "p2", "p3"] {
            assert!(matches!(
                second_leases.acquire(pico).unwrap(),
                Acquired::HeldBy(_)
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    put(&first, "p1", "renewed").expect("the holder still commits");
    // Another engine forces its way into p2 (as after an expiry the renewals missed).
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .execute(
            "UPDATE krl_pico_lease SET epoch = epoch + 1, owner = 'other' WHERE pico = 'p2'",
            &[],
        )
        .unwrap();
    let picos = reports
        .recv_timeout(Duration::from_secs(5))
        .expect("the loss is reported");
    assert_eq!(picos, ["p2"]);
    assert!(first_leases.holds("p1") && !first_leases.holds("p2") && first_leases.holds("p3"));
    assert!(matches!(
        put(&first, "p2", "lost"),
        Err(StorageError::PicoLeaseLost { .. })
    ));
    drop(renewer);
}

#[test]
fn released_and_forgotten_leases_are_free_at_once() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("pico_lease_release");
    let (first, first_leases) = engine(&url, "first", 60_000);
    let (_, second_leases) = engine(&url, "second", 60_000);
    for pico in ["p1", "p2", "p3", "p4"] {
        taken(first_leases.acquire(pico).unwrap());
    }
    assert_eq!(first_leases.expired(10).unwrap(), Vec::<String>::new());
    first_leases.release("p1").unwrap();
    assert!(matches!(
        put(&first, "p1", "released"),
        Err(StorageError::PicoLeaseLost { .. })
    ));
    assert_eq!(first_leases.expired(10).unwrap(), ["p1"]);
    // A renewal does not bring a released lease back.
    assert_eq!(first_leases.renew().unwrap(), Vec::<String>::new());
    assert_eq!(first_leases.expired(10).unwrap(), ["p1"]);
    assert_eq!(
        second_leases.acquire("p1").unwrap(),
        Acquired::Taken {
            epoch: 2,
            taken_over: true
        }
    );
    first_leases.forget("p2").unwrap();
    assert_eq!(second_leases.owner("p2").unwrap(), None);
    first_leases.release_all().unwrap();
    assert!(first_leases.held().is_empty());
    assert_eq!(first_leases.expired(10).unwrap(), ["p3", "p4"]);
    assert_eq!(first_leases.expired(1).unwrap(), ["p3"]);
    assert_eq!(taken(second_leases.acquire("p4").unwrap()), 2);
}

#[test]
fn a_store_fences_with_one_kind_of_lease() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("pico_lease_kind");
    let (store, _leases) = engine(&url, "first", 10_000);
    let options = LeaseOptions {
        owner: "first".to_owned(),
        duration: Duration::from_secs(10),
    };
    let err = store
        .take_lease(&options, |_| {}, |_| {})
        .err()
        .expect("the store-wide lease is refused");
    assert!(matches!(err, StorageError::FencingChosen { .. }), "{err:?}");
    let other = Arc::new(PostgresStorage::open(&url).unwrap());
    let _keeper = other.take_lease(&options, |_| {}, |_| {}).unwrap();
    let err = other
        .lease_picos(PicoLeaseOptions {
            engine: "other".to_owned(),
            base_url: String::new(),
            duration: Duration::from_secs(10),
        })
        .expect_err("leases per pico are refused");
    assert!(matches!(err, StorageError::FencingChosen { .. }), "{err:?}");
}

#[test]
fn a_renewal_that_deadlocks_with_a_commit_is_run_again() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("pico_lease_deadlock");
    let (_, leases) = engine(&url, "first", 60_000);
    taken(leases.acquire("p1").unwrap());
    taken(leases.acquire("p2").unwrap());
    // A transaction holds p2's row shared, as a commit checking p2 does; the renewal locks p1
    // (rows in insertion order) and waits for p2. When the transaction then waits for p1,
    // the server aborts one of the two as a deadlock (the renewal, which waited first).
    let mut other = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut tx = other.transaction().unwrap();
    tx.query(
        "SELECT epoch FROM krl_pico_lease WHERE pico = 'p2' FOR SHARE",
        &[],
    )
    .unwrap();
    let renewal = {
        let leases = Arc::clone(&leases);
        std::thread::spawn(move || leases.renew())
    };
    std::thread::sleep(Duration::from_millis(200));
    let blocked = tx.execute(
        "UPDATE krl_pico_lease SET base_url = base_url WHERE pico = 'p1'",
        &[],
    );
    if blocked.is_ok() {
        tx.commit().unwrap();
    }
    let lost = renewal
        .join()
        .expect("the renewal finishes")
        .expect("the renewal is run again");
    assert_eq!(lost, Vec::<String>::new());
    assert!(leases.holds("p1") && leases.holds("p2"));
}

#[test]
fn an_engine_cut_off_from_the_database_drops_its_picos_when_their_leases_run_out() {
    // A server of its own, stopped in the middle of the test.
    let Some(server) = PgServer::start() else { return };
    let url = server.database("pico_lease_cut_off");
    let (store, leases) = engine(&url, "first", 600);
    for pico in ["p1", "p2"] {
        taken(leases.acquire(pico).unwrap());
    }
    let (lost, reports) = mpsc::channel();
    let _renewer = leases.keep_renewing(move |picos| {
        let _ = lost.send(picos);
    });
    let cut_off = Instant::now();
    drop(server);
    let mut picos = reports
        .recv_timeout(Duration::from_secs(10))
        .expect("the loss is reported");
    picos.sort();
    assert_eq!(picos, ["p1", "p2"]);
    // Not before the leases could have run out (the last renewal was at most a third of the
    // lease before the cut).
    assert!(
        cut_off.elapsed() >= Duration::from_millis(400),
        "{:?}",
        cut_off.elapsed()
    );
    assert!(leases.held().is_empty());
    let err = put(&store, "p1", "late").expect_err("nothing is held any more");
    assert!(
        matches!(err, StorageError::PicoLeaseLost { held: None, .. }),
        "{err:?}"
    );
}

#[test]
fn a_renewal_running_beside_acquisitions_loses_none_of_them() {
    let Some(server) = PgServer::shared() else { return };
    let url = server.database("pico_lease_renew_race");
    let (_, leases) = engine(&url, "first", 60_000);
    let done = Arc::new(AtomicBool::new(false));
    let renewals = {
        let (leases, done) = (Arc::clone(&leases), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut lost = Vec::new();
            let mut count = 0;
            while !done.load(Ordering::Relaxed) {
                lost.extend(leases.renew().expect("the store answers"));
                count += 1;
            }
            (lost, count)
        })
    };
    for n in 0..300 {
        taken(leases.acquire(&format!("p{n:03}")).unwrap());
    }
    done.store(true, Ordering::Relaxed);
    let (lost, count) = renewals.join().expect("the renewals finish");
    assert!(count > 10, "the renewals ran beside the acquisitions ({count})");
    assert_eq!(lost, Vec::<String>::new());
    assert_eq!(leases.held().len(), 300);
}
