//! Crash safety of `SqliteStorage`: a child process (this test executable, re-invoked with
//! an environment variable) commits numbered batches from several threads and prints each
//! number once its commit has returned; the parent kills it with SIGKILL at a random moment,
//! reopens the store, and checks that every acknowledged batch is fully present and that
//! no batch is half applied. Runs at both durability levels, some kills landing while the
//! child is still opening the store.

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use krl_runtime::storage::{Durability, SqliteStorage, Storage, StorageError, WriteBatch, key};

const CHILD_DIR: &str = "KRL_STORAGE_CRASH_DIR";
const CHILD_DURABILITY: &str = "KRL_STORAGE_CRASH_DURABILITY";
const RUNS: u64 = 32;
const THREADS: usize = 4;
const KEYS_PER_BATCH: usize = 3;

/// Batch `n` of thread `t`: three data keys, the thread's counter, and a `tmp` key that
/// replaces the previous batch's (a prefix delete plus a put), so a half-applied batch
/// shows up as a wrong count of data keys, a counter that disagrees, or zero or two `tmp`s.
fn batch(t: usize, n: u64) -> WriteBatch {
    let tag = format!("t{t}");
    let mut batch = WriteBatch::new();
    for i in 0..KEYS_PER_BATCH {
        batch.put(
            key::encode(&["crash", &tag, "b", &format!("{n:08}"), &i.to_string()]),
            format!("{t}:{n}:{i}"),
        );
    }
    batch.put(key::encode(&["crash", &tag, "count"]), (n + 1).to_string());
    batch.delete_prefix(key::prefix(&["crash", &tag, "tmp"]));
    batch.put(key::encode(&["crash", &tag, "tmp", &n.to_string()]), "x");
    batch
}

/// The child's work; a no-op unless this executable was started by the test below.
#[test]
fn crash_child() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let durability: Durability = std::env::var(CHILD_DURABILITY)
        .expect("durability set by the parent")
        .parse()
        .expect("valid durability");
    let store = SqliteStorage::open(Path::new(&dir), durability).expect("child opens the store");
    let deadline = Instant::now() + Duration::from_secs(30);
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let store = &store;
            scope.spawn(move || {
                for n in 0.. {
                    store.commit(batch(t, n)).expect("child commit");
                    writeln!(std::io::stdout().lock(), "ack {t} {n}").expect("parent reads acks");
                    if Instant::now() > deadline {
                        break;
                    }
                }
            });
        }
    });
}

#[test]
fn acknowledged_batches_survive_kill_9() {
    let mut total_acks = 0;
    for run in 0..RUNS {
        let durability = if run % 2 == 0 {
            Durability::Process
        } else {
            Durability::Full
        };
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("storage-crash-{}-{run}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let acked = run_and_kill(&dir, durability, run);
        eprintln!("run {run} ({}): acknowledged {acked:?}", durability.as_str());
        total_acks += acked.values().map(|n| n + 1).sum::<u64>();
        verify(&dir, &acked, run);
        std::fs::remove_dir_all(&dir).expect("remove crash test store");
    }
    assert!(
        total_acks > RUNS,
        "children acknowledged only {total_acks} batches in all"
    );
}

/// Starts a child on `dir`, kills it, and returns the highest acknowledged batch per thread.
fn run_and_kill(dir: &Path, durability: Durability, run: u64) -> BTreeMap<usize, u64> {
    let mut child = Command::new(std::env::current_exe().expect("test executable path"))
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_DIR, dir)
        .env(CHILD_DURABILITY, durability.as_str())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("piped stdout");
    let (send, acks) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let Some(rest) = line.strip_prefix("ack ") else {
                continue;
            };
            let (t, n) = rest.split_once(' ').expect("ack line has two numbers");
            let ack = (
                t.parse::<usize>().expect("thread"),
                n.parse::<u64>().expect("batch"),
            );
            if send.send(ack).is_err() {
                break;
            }
        }
    });

    let mut acked = BTreeMap::new();
    if run % 8 >= 6 {
        // Kill early: often while the child is still starting or creating the store.
        std::thread::sleep(Duration::from_micros(random_below(25_000)));
    } else {
        let (t, n) = acks
            .recv_timeout(Duration::from_secs(20))
            .expect("child acknowledged a first batch");
        acked.insert(t, n);
        if run == 0 {
            let err = SqliteStorage::open(dir, Durability::Process).expect_err("the child holds the store");
            assert!(matches!(err, StorageError::Locked { .. }), "{err:?}");
        }
        std::thread::sleep(Duration::from_micros(random_below(60_000)));
    }
    let early_exit = child.try_wait().expect("poll child");
    assert!(
        early_exit.is_none(),
        "run {run}: child exited before the kill: {early_exit:?}"
    );
    child.kill().expect("SIGKILL the child");
    child.wait().expect("reap the child");
    reader.join().expect("reader thread");
    for (t, n) in acks.try_iter() {
        let max = acked.entry(t).or_insert(n);
        *max = (*max).max(n);
    }
    acked
}

/// Reopens the store and checks every thread's batches: a gap-free run `0..count`, each
/// batch complete, the counter and `tmp` key agreeing, and every acknowledged batch present.
fn verify(dir: &Path, acked: &BTreeMap<usize, u64>, run: u64) {
    let store = SqliteStorage::open(dir, Durability::Process).expect("reopen after kill");
    for t in 0..THREADS {
        let tag = format!("t{t}");
        let count: u64 = match store
            .get(&key::encode(&["crash", &tag, "count"]))
            .expect("read count")
        {
            Some(bytes) => String::from_utf8(bytes).expect("utf-8").parse().expect("number"),
            None => 0,
        };
        if let Some(&max) = acked.get(&t) {
            assert!(
                count > max,
                "run {run}: thread {t} acknowledged batch {max} but only {count} survived"
            );
        }
        let mut per_batch: BTreeMap<u64, usize> = BTreeMap::new();
        for (k, _) in store
            .scan_prefix(&key::prefix(&["crash", &tag, "b"]))
            .expect("scan")
        {
            let parts = key::decode(&k).expect("decode");
            *per_batch
                .entry(parts[3].parse().expect("batch number"))
                .or_default() += 1;
        }
        let expected: BTreeMap<u64, usize> = (0..count).map(|n| (n, KEYS_PER_BATCH)).collect();
        assert_eq!(per_batch, expected, "run {run}: thread {t} with count {count}");
        let tmps: Vec<String> = store
            .scan_prefix(&key::prefix(&["crash", &tag, "tmp"]))
            .expect("scan tmp")
            .iter()
            .map(|(k, _)| key::decode(k).expect("decode")[3].clone())
            .collect();
        let expected_tmps: Vec<String> = count.checked_sub(1).map(|n| n.to_string()).into_iter().collect();
        assert_eq!(tmps, expected_tmps, "run {run}: thread {t}");
    }
    // The reopened store takes new commits.
    store.commit(batch(THREADS, 0)).expect("commit after reopen");
    store.close().expect("close after verify");
}

fn random_below(bound: u64) -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(Instant::now().elapsed().as_nanos());
    hasher.finish() % bound
}
