//! Engine throughput, latency, pico creation and restart in process, on the workloads of
//! issue #4. A plain program (no criterion): each workload prints one figure.
//!
//! ```sh
//! cargo bench -p krl-jit --bench engine                      # SQLite, default durability
//! cargo bench -p krl-jit --bench engine -- --full            # SQLite, fsync'd commits
//! cargo bench -p krl-jit --bench engine -- --memory          # the in-memory store
//! cargo bench -p krl-jit --bench engine -- stateful create   # only the named workloads
//! ```
//!
//! Workloads (names for the filter in brackets):
//! * `counter64`: a counter rule (entity-variable increment + directive), 64 senders, each
//!   on its own pico, event-wait; events/s.
//! * `counter8`: the counter rule, 8 senders on one pico; events/s.
//! * `fan`: one event selecting 20 rules, 16 senders on one pico; rules fired/s.
//! * `stateful`: ten rules with stateful event expressions (`before`, `and`, `then`,
//!   `after`, `count`, `repeat` with an aggregator, `any`, `within`, `or` of sequences,
//!   `between`), 16 senders each on its own pico, alternating `a`, `b`, `c` events; events/s.
//! * `latency`: one sender, event-wait on an idle pico; mean µs per event.
//! * `create`: creating 10^4 (or `KRL_BENCH_PICOS`) child picos of the root one after another; picos/s, and the
//!   memory each one costs: heap bytes counted by this program's allocator (Rust
//!   allocations only; SQLite's page cache is not in it) and the growth of the resident
//!   set (everything, from `/proc/self/statm`), both divided by the number of picos.
//! * `restart`: a store with 10^4 picos, each with the counter ruleset and some state, is
//!   closed and opened again; time from `Engine::open` to the first answered query to one
//!   of the children (SQLite only).
//!
//! With `KRL_BENCH_WHY=1` the engines keep rule traces (`EngineOptions::why`, as `krl run`
//! does), to measure what they cost.
//!
//! The machine is shared: compare figures of one run, not across runs.

// The counting allocator below and mimalloc's `mi_collect` need unsafe code; each block
// says why it is sound.
#![allow(unsafe_code)]
use std::alloc::{GlobalAlloc, Layout};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::storage::{Durability, MemoryStorage, SqliteStorage, Storage, StorageError};
use krl_runtime::value::Map;

/// The `krl` binary's allocator (mimalloc) with a count of live heap bytes, to measure
/// memory per pico.
struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every method forwards to mimalloc, a correct allocator, and only adds a count.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to mimalloc.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to mimalloc.
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

unsafe extern "C" {
    /// mimalloc: returns free pages to the system (`force` also collects abandoned ones).
    fn mi_collect(force: bool);
}

/// CPU time used by this process so far (all threads, user + system), from
/// `/proc/self/stat` (clock ticks of 10 ms).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|n| n.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// The resident set size of this process in bytes.
fn rss_bytes() -> isize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: isize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

const COUNTER: &str = r#"
ruleset bench.counter {
  meta { shares n }
  global { n = function() { ent:n.defaultsTo(0) } }
  rule increment {
    select when counter inc
    send_directive("count", {"n": ent:n.defaultsTo(0)})
    always { ent:n := ent:n.defaultsTo(0) + 1 }
  }
}"#;

/// Ten rules whose event expressions keep state across events.
const STATEFUL: &str = r#"
ruleset bench.stateful {
  rule before { select when st a before st b  send_directive("before") }
  rule both { select when st a and st b  send_directive("and") }
  rule then { select when st b then st c  send_directive("then") }
  rule after { select when st c after st a  send_directive("after") }
  rule count { select when count 3 (st a)  send_directive("count") }
  rule repeat { select when repeat 4 (st b n re#(\d+)#) max(top)  send_directive("repeat", {"top": top}) }
  rule any { select when any 2 (st a, st b, st c)  send_directive("any") }
  rule within { select when st a before st c within 1 minute  send_directive("within") }
  rule either { select when (st a before st b) or (st c before st a)  send_directive("or") }
  rule between { select when st b between(st a, st c)  send_directive("between") }
}"#;

fn fan_out_ruleset() -> String {
    let rules: String = (0..20)
        .map(|i| format!("  rule r{i} {{ select when fan out  send_directive(\"r{i}\") }}\n"))
        .collect();
    format!("ruleset bench.fan {{\n{rules}}}")
}

fn store_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("krl-bench-{name}-{}", std::process::id()))
}

fn durability(kind: &str) -> Durability {
    if kind == "full" {
        Durability::Full
    } else {
        Durability::Process
    }
}

/// Opens the SQLite store in `dir`, waiting for a just-dropped engine to let go of it.
fn open_sqlite(dir: &std::path::Path, kind: &str) -> Arc<dyn Storage> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match SqliteStorage::open(dir, durability(kind)) {
            Ok(store) => return Arc::new(store),
            Err(StorageError::Locked { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5))
            }
            Err(err) => panic!("the bench store does not open: {err}"),
        }
    }
}

fn store(kind: &str, name: &str) -> Arc<dyn Storage> {
    match kind {
        "memory" => Arc::new(MemoryStorage::new()),
        _ => {
            let dir = store_dir(name);
            let _ = std::fs::remove_dir_all(&dir);
            open_sqlite(&dir, kind)
        }
    }
}

fn open_engine(storage: Arc<dyn Storage>) -> Engine {
    let options = EngineOptions {
        why: std::env::var_os("KRL_BENCH_WHY").is_some_and(|v| v == "1"),
        ..EngineOptions::default()
    };
    Engine::open(Arc::new(InterpreterBackend), options, storage).expect("opens")
}

/// An engine whose ruleset runs on `picos` picos (the root, or that many children of it),
/// each reached through its own allow-all channel.
fn engine_with(kind: &str, name: &str, src: &str, picos: usize) -> (Engine, Vec<String>) {
    let engine = open_engine(store(kind, name));
    let url = format!("file:///{name}.krl");
    engine.register(&url, src).expect("compiles");
    let root = engine.root_pico().to_string();
    let pico_ids: Vec<String> = if picos <= 1 {
        vec![root.clone()]
    } else {
        (0..picos)
            .map(|_| {
                let child_eci = engine.new_pico(&root).expect("a child pico");
                engine.pico_of(&child_eci).expect("the child exists")
            })
            .collect()
    };
    let ecis = pico_ids
        .iter()
        .map(|pico| {
            engine.install(pico, &url, Map::new()).expect("installs");
            engine
                .new_channel(pico, &Value::Null, &Value::Null, &Value::Null)
                .expect("channel")
                .id
        })
        .collect();
    (engine, ecis)
}

/// Events per second, and CPU time per event (which does not depend on how much of the
/// machine other processes take).
struct Rate {
    per_second: f64,
    cpu_per_event: Duration,
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cpu = self.cpu_per_event.as_secs_f64() * 1e6;
        write!(f, "{:.0} events/s, {cpu:.1} µs CPU each", self.per_second)
    }
}

/// Runs `senders` threads, each sending `per_sender` events with event-wait, the `i`th
/// event of a sender being `types[i % types.len()]` of `domain`.
fn drive(
    engine: &Engine,
    ecis: &[String],
    senders: usize,
    per_sender: usize,
    domain: &str,
    types: &[&str],
) -> Rate {
    let started = Instant::now();
    let cpu_before = cpu_time();
    std::thread::scope(|scope| {
        for idx in 0..senders {
            let engine = engine.clone();
            let eci = ecis[idx % ecis.len()].clone();
            scope.spawn(move || {
                for i in 0..per_sender {
                    let mut attrs = Map::new();
                    attrs.insert("n", Value::string(i.to_string()));
                    engine
                        .event_wait(&eci, domain, types[i % types.len()], Value::map(attrs))
                        .expect("the event runs");
                }
            });
        }
    });
    let events = (senders * per_sender) as u32;
    Rate {
        per_second: f64::from(events) / started.elapsed().as_secs_f64(),
        cpu_per_event: (cpu_time() - cpu_before) / events,
    }
}

fn counter64(kind: &str) {
    let (engine, ecis) = engine_with(kind, "counter64", COUNTER, 64);
    let rate = drive(&engine, &ecis, 64, 500, "counter", &["inc"]);
    println!("counter rule, 64 senders to 64 picos: {rate}");
}

fn counter8(kind: &str) {
    let (engine, ecis) = engine_with(kind, "counter8", COUNTER, 1);
    let rate = drive(&engine, &ecis, 8, 2_000, "counter", &["inc"]);
    println!("counter rule, 8 senders to one pico: {rate}");
}

fn fan(kind: &str) {
    let (engine, ecis) = engine_with(kind, "fan", &fan_out_ruleset(), 1);
    let rate = drive(&engine, &ecis, 16, 500, "fan", &["out"]);
    println!(
        "one event selecting 20 rules, 16 senders: {:.0} rules fired/s ({rate})",
        rate.per_second * 20.0
    );
}

fn stateful(kind: &str) {
    let (engine, ecis) = engine_with(kind, "stateful", STATEFUL, 16);
    let rate = drive(&engine, &ecis, 16, 1_000, "st", &["a", "b", "c"]);
    println!("ten stateful event-expression rules, 16 senders to 16 picos: {rate}");
}

fn latency(kind: &str) {
    let (engine, ecis) = engine_with(kind, "latency", COUNTER, 1);
    let n = 5_000;
    let started = Instant::now();
    for _ in 0..n {
        engine
            .event_wait(&ecis[0], "counter", "inc", Value::Null)
            .expect("runs");
    }
    let latency = started.elapsed() / n;
    println!(
        "one sender, event-wait latency: {:.1} µs",
        latency.as_secs_f64() * 1e6
    );
}

/// How many picos `create` and `restart` make: 10^4, or `KRL_BENCH_PICOS`.
fn many() -> usize {
    std::env::var("KRL_BENCH_PICOS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000)
}

fn create(kind: &str) {
    let many = many();
    let engine = open_engine(store(kind, "create"));
    let root = engine.root_pico().to_string();
    // Warm up lazily built structures so they are not counted per pico.
    engine.new_pico(&root).expect("a child pico");
    let heap_before = LIVE_BYTES.load(Ordering::Relaxed);
    // Memory freed by earlier workloads goes back to the system now, not while picos are
    // being created, where it would be subtracted from their resident growth.
    // SAFETY: `mi_collect` only releases mimalloc's free pages; it is part of its C API,
    // linked in through the `mimalloc` crate.
    unsafe { mi_collect(true) };
    let rss_before = rss_bytes();
    let started = Instant::now();
    for _ in 0..many {
        engine.new_pico(&root).expect("a child pico");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let heap = (LIVE_BYTES.load(Ordering::Relaxed) - heap_before) as f64 / many as f64;
    let rss = (rss_bytes() - rss_before) as f64 / many as f64;
    println!(
        "creating {many} child picos: {:.0} picos/s, {heap:.0} B heap and {rss:.0} B resident each",
        many as f64 / elapsed
    );
}

fn restart(kind: &str) {
    if kind == "memory" {
        println!("restart: not applicable to the memory store");
        return;
    }
    let dir = store_dir("restart");
    let _ = std::fs::remove_dir_all(&dir);
    let many = many();
    let last_child = {
        let engine = open_engine(open_sqlite(&dir, kind));
        engine.register("file:///counter.krl", COUNTER).expect("compiles");
        let root = engine.root_pico().to_string();
        let mut last = String::new();
        for _ in 0..many {
            let child_eci = engine.new_pico(&root).expect("a child pico");
            let pico = engine.pico_of(&child_eci).expect("the child exists");
            engine
                .install(&pico, "file:///counter.krl", Map::new())
                .expect("installs");
            let channel = engine
                .new_channel(&pico, &Value::Null, &Value::Null, &Value::Null)
                .expect("channel")
                .id;
            engine
                .event_wait(&channel, "counter", "inc", Value::Null)
                .expect("runs");
            last = channel;
        }
        last
    };
    // Wait until the dropped engine has closed its store (closing checkpoints the log), so
    // the time below is the new engine's alone.
    drop(open_sqlite(&dir, kind));
    let started = Instant::now();
    let engine = open_engine(open_sqlite(&dir, kind));
    let opened = started.elapsed();
    let answer = engine
        .query(&last_child, "bench.counter", "n", Value::Null)
        .expect("the query runs");
    let elapsed = started.elapsed();
    assert_eq!(answer, Value::number(1.0), "the child's state came back");
    println!(
        "restart with {many} picos to first answered query: {:.1} ms (open {:.1} ms)",
        elapsed.as_secs_f64() * 1e3,
        opened.as_secs_f64() * 1e3
    );
}

/// One workload, given the store kind (`process`, `full` or `memory`).
type Workload = fn(&str);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let kind = if args.iter().any(|a| a == "--memory") {
        "memory"
    } else if args.iter().any(|a| a == "--full") {
        "full"
    } else {
        "process"
    };
    let chosen: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    println!("store: {kind}");
    let workloads: [(&str, Workload); 7] = [
        ("counter64", counter64),
        ("counter8", counter8),
        ("fan", fan),
        ("stateful", stateful),
        ("latency", latency),
        ("create", create),
        ("restart", restart),
    ];
    for (name, run) in workloads {
        if chosen.is_empty() || chosen.contains(&name) {
            run(kind);
            settle(kind, name);
        }
    }
}

/// Waits until the workload's dropped engine has closed its store, then deletes it: closing
/// checkpoints the log, and left running it would be measured as part of the next workload
/// (which, in one full run, cost the workload after `counter8` up to half its rate).
fn settle(kind: &str, name: &str) {
    let dir = store_dir(name);
    if kind != "memory" && dir.exists() {
        drop(open_sqlite(&dir, kind));
    }
    let _ = std::fs::remove_dir_all(dir);
}
