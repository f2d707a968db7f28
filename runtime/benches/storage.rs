//! Commit throughput of the storage layer: one small batch (one new 20-byte value, like
//! one entity-variable increment) per commit, from 1 and from 64 threads, at both durability
//! levels of `SqliteStorage`, plus `MemoryStorage` as the ceiling. Reported as commits/s.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use krl_runtime::storage::{Durability, MemoryStorage, SqliteStorage, Storage, WriteBatch, key};

fn bench_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("storage-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs `iters` commits spread over `threads` threads, each thread writing its own pico's
/// variable, and returns the wall time.
fn run(store: &Arc<dyn Storage>, threads: u64, iters: u64) -> Duration {
    let keys: Vec<Vec<u8>> = (0..threads)
        .map(|t| key::encode(&["entvar", &format!("pico{t:02}"), "bench.rid", "count"]))
        .collect();
    let start = Instant::now();
    std::thread::scope(|scope| {
        for (t, key) in keys.iter().enumerate() {
            let n = iters / threads + u64::from((t as u64) < iters % threads);
            scope.spawn(move || {
                for count in 0..n {
                    // A new value each time, as an increment writes: SQLite skips writing
                    // a row whose bytes did not change, which would flatter the figures.
                    let value = format!("{{\"count\":{count:>10}}}");
                    debug_assert_eq!(value.len(), 20);
                    let mut batch = WriteBatch::new();
                    batch.put(key.clone(), value);
                    store.commit(black_box(batch)).expect("benchmark commit");
                }
            });
        }
    });
    start.elapsed()
}

fn commits(c: &mut Criterion) {
    let mut group = c.benchmark_group("storage_commit");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    let mut dirs = Vec::new();
    for (name, durability) in [("process", Durability::Process), ("full", Durability::Full)] {
        let dir = bench_dir(name);
        let store: Arc<dyn Storage> =
            Arc::new(SqliteStorage::open(&dir, durability).expect("open bench store"));
        dirs.push(dir);
        for threads in [1, 64] {
            group.bench_function(format!("sqlite_{name}/{threads}_threads"), |b| {
                b.iter_custom(|iters| run(&store, threads, iters))
            });
        }
    }
    let memory: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    for threads in [1, 64] {
        group.bench_function(format!("memory/{threads}_threads"), |b| {
            b.iter_custom(|iters| run(&memory, threads, iters))
        });
    }
    group.finish();
    for dir in dirs {
        let _ = std::fs::remove_dir_all(dir);
    }
}

criterion_group!(benches, commits);
criterion_main!(benches);
