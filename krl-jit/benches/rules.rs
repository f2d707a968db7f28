//! Rule bodies under each tier (issue #14): one event selects 20 rules whose `pre` blocks
//! compute (arithmetic, comparisons, a conditional) and whose action condition tests the
//! result, on an in-memory engine, under `interp`, `jit` and `auto`.
//!
//! ```sh
//! cargo bench -p krl-jit --bench rules
//! ```

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use krl_jit::{InterpreterBackend, Tier, compiled_rule_units, set_tier};
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::value::{Map, Value};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Rules selected by `fan out`, each computing in `pre`.
const RULES: usize = 20;

/// Events `auto` sees before the timing: past its threshold, as a long-running engine is.
const WARM_UP_EVENTS: usize = 1_100;

fn computing_fan_out() -> String {
    let rules: String = (0..RULES)
        .map(|i| {
            format!(
                "  rule r{i} {{\n\
                 \x20   select when fan out\n\
                 \x20   pre {{\n\
                 \x20     n = event:attrs{{\"n\"}}\n\
                 \x20     a = n * {i} + 1\n\
                 \x20     b = a * a % 97\n\
                 \x20     c = b > 40 => b - 40 | b + 40\n\
                 \x20     d = c / 3 + a - b * 2\n\
                 \x20     e = d * d % 1000 + (n < 5 => 1 | 2)\n\
                 \x20     f = (e + a) * (b - c) / (d * d + 1)\n\
                 \x20     g = f < 0 => -f | f\n\
                 \x20   }}\n\
                 \x20   if g >= 0 && e != 7.5 then send_directive(\"r{i}\", {{\"g\": g}})\n\
                 \x20 }}\n"
            )
        })
        .collect();
    format!("ruleset bench.computing {{\n{rules}}}")
}

/// A fresh in-memory engine with the ruleset installed on its root pico, and a channel.
fn engine() -> (Engine, String) {
    let engine = Engine::new(Arc::new(InterpreterBackend), EngineOptions::default());
    let url = "file:///bench/computing.krl";
    engine.register(url, &computing_fan_out()).expect("compiles");
    let root = engine.root_pico().to_string();
    engine.install(&root, url, Map::new()).expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    (engine, eci)
}

fn send(engine: &Engine, eci: &str, n: f64) {
    let mut attrs = Map::new();
    attrs.insert("n", Value::number(n));
    let response = engine
        .event_wait(eci, "fan", "out", Value::map(attrs))
        .expect("the event runs");
    assert_eq!(response.directives.len(), RULES, "every rule fires");
}

fn bench(c: &mut Criterion) {
    for tier in [Tier::Interp, Tier::Jit, Tier::Auto] {
        set_tier(tier);
        // A fresh engine per tier: compiled code belongs to a registered ruleset's rules.
        let (engine, eci) = engine();
        let before = compiled_rule_units();
        for i in 0..WARM_UP_EVENTS {
            send(&engine, &eci, i as f64);
        }
        let compiled = compiled_rule_units() - before;
        let expected = if tier == Tier::Interp { 0 } else { RULES };
        assert_eq!(compiled, expected, "rule bodies compiled under {tier}");
        let mut i = 0.0;
        c.bench_function(&format!("{tier}/20-rule fan-out computing in pre"), |b| {
            b.iter(|| {
                i += 1.0;
                send(&engine, &eci, i)
            })
        });
    }
    set_tier(Tier::Interp);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_millis(500));
    targets = bench
}
criterion_main!(benches);
