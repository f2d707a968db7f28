//! Engine throughput in process, on the workloads of issue #4: many senders driving many
//! picos with a counter rule, many senders on one pico, one event selecting twenty rules,
//! and one sender's event-wait latency. Prints events (or rules) per second; run with
//! `cargo bench -p krl-jit --bench engine` (add `-- --full` for fsync'd durability and
//! `-- --memory` for the in-memory store).

use std::sync::Arc;
use std::time::{Duration, Instant};

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::storage::{Durability, MemoryStorage, SqliteStorage, Storage};
use krl_runtime::value::Map;

const COUNTER: &str = r#"
ruleset bench.counter {
  rule increment {
    select when counter inc
    send_directive("count", {"n": ent:n.defaultsTo(0)})
    always { ent:n := ent:n.defaultsTo(0) + 1 }
  }
}"#;

fn fan_out_ruleset() -> String {
    let rules: String = (0..20)
        .map(|i| format!("  rule r{i} {{ select when fan out  send_directive(\"r{i}\") }}\n"))
        .collect();
    format!("ruleset bench.fan {{\n{rules}}}")
}

fn store(kind: &str, name: &str) -> Arc<dyn Storage> {
    match kind {
        "memory" => Arc::new(MemoryStorage::new()),
        level => {
            let dir = std::env::temp_dir().join(format!("krl-bench-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let durability = if level == "full" {
                Durability::Full
            } else {
                Durability::Process
            };
            Arc::new(SqliteStorage::open(&dir, durability).expect("the bench store opens"))
        }
    }
}

/// An engine whose ruleset runs on `picos` picos (the root, or that many children of it),
/// each reached through its own allow-all channel.
fn engine_with(kind: &str, name: &str, src: &str, picos: usize) -> (Engine, Vec<String>) {
    let engine = Engine::open(
        Arc::new(InterpreterBackend),
        EngineOptions::default(),
        store(kind, name),
    )
    .expect("opens");
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

/// Runs `senders` threads, each sending `per_sender` events with event-wait; returns events/s.
fn drive(
    engine: &Engine,
    ecis: &[String],
    senders: usize,
    per_sender: usize,
    domain: &str,
    name: &str,
) -> f64 {
    let started = Instant::now();
    std::thread::scope(|scope| {
        for idx in 0..senders {
            let engine = engine.clone();
            let eci = ecis[idx % ecis.len()].clone();
            scope.spawn(move || {
                for _ in 0..per_sender {
                    engine
                        .event_wait(&eci, domain, name, Value::Null)
                        .expect("the event runs");
                }
            });
        }
    });
    (senders * per_sender) as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kind = if args.iter().any(|a| a == "--memory") {
        "memory"
    } else if args.iter().any(|a| a == "--full") {
        "full"
    } else {
        "process"
    };
    println!("store: {kind}");

    let (engine, ecis) = engine_with(kind, "counter64", COUNTER, 64);
    let rate = drive(&engine, &ecis, 64, 500, "counter", "inc");
    println!("counter rule, 64 senders to 64 picos: {rate:.0} events/s");

    let (engine, ecis) = engine_with(kind, "counter8", COUNTER, 1);
    let rate = drive(&engine, &ecis, 8, 2_000, "counter", "inc");
    println!("counter rule, 8 senders to one pico: {rate:.0} events/s");

    let (engine, ecis) = engine_with(kind, "fan", &fan_out_ruleset(), 1);
    let rate = drive(&engine, &ecis, 16, 500, "fan", "out");
    println!(
        "one event selecting 20 rules, 16 senders: {:.0} rules fired/s",
        rate * 20.0
    );

    let (engine, ecis) = engine_with(kind, "latency", COUNTER, 1);
    let n = 5_000;
    let started = Instant::now();
    for _ in 0..n {
        engine
            .event_wait(&ecis[0], "counter", "inc", Value::Null)
            .expect("runs");
    }
    let latency = started.elapsed() / n;
    println!("one sender, event-wait latency: {} µs", latency.as_micros());
    std::thread::sleep(Duration::from_millis(10));
}
