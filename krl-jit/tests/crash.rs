//! Crash safety: a child process runs the engine on a durable store and processes a stream
//! of events (some waited for, some only accepted), acknowledging each; the test kills it with SIGKILL at random moments, restarts
//! it, and checks that every acknowledged event's effects are there exactly once and that no
//! transaction is half applied.
//!
//! The child is this same test executable, started with `KRL_CRASH_CHILD` set to the store
//! folder; it then runs only `child_process` (see `run_child`).

#[path = "support/store.rs"]
mod store;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::value::Map;
use store::{StoreHome, homes, open_store};

const URL: &str = "file:///crash.krl";

/// Every event writes two variables in one transaction; a torn transaction would leave them
/// different.
const RULESET: &str = r#"
ruleset test.crash {
  meta { shares counts }
  global { counts = function() { {"a": ent:a.defaultsTo(0), "b": ent:b.defaultsTo(0)} } }
  rule count {
    select when t inc
    always {
      ent:a := ent:a.defaultsTo(0) + 1;
      ent:b := ent:b.defaultsTo(0) + 1
    }
  }
}
"#;

const ROUNDS: usize = 20;

fn open_engine(dir: &StoreHome) -> Engine {
    Engine::open(
        Arc::new(InterpreterBackend),
        EngineOptions::default(),
        open_store(dir),
    )
    .expect("the engine opens")
}

/// The channel of the test ruleset, set up on first use and remembered in the home's
/// folder, file `eci`.
fn channel(engine: &Engine, dir: &StoreHome) -> String {
    let file = dir.folder().join("eci");
    if let Ok(eci) = std::fs::read_to_string(&file) {
        return eci;
    }
    engine.register(URL, RULESET).expect("compiles");
    let root = engine.root_pico().to_string();
    engine.install(&root, URL, Map::new()).expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("channel")
        .id;
    std::fs::write(&file, &eci).expect("the eci file is written");
    eci
}

fn counts(engine: &Engine, eci: &str) -> (f64, f64) {
    let counts = engine
        .query(eci, "test.crash", "counts", Value::Null)
        .expect("the query runs");
    let map = counts.as_map().expect("a map").clone();
    let number = |key: &str| map.get(key).and_then(Value::as_number).expect("a number");
    (number("a"), number("b"))
}

/// Child mode: process events forever, printing `ack` after each one is answered.
fn run_child(dir: &StoreHome) {
    let engine = open_engine(dir);
    let eci = channel(&engine, dir);
    println!("ready");
    for idx in 0.. {
        // Every fourth event takes the asynchronous route: acknowledged once it is accepted
        // (stored in the pico's inbox), processed after the acknowledgement.
        if idx % 4 == 3 {
            engine
                .event(&eci, "t", "inc", Value::Null)
                .expect("the event is accepted");
        } else {
            engine
                .event_wait(&eci, "t", "inc", Value::Null)
                .expect("the event runs");
        }
        println!("ack");
    }
}

#[test]
fn child_process() {
    // Only does something when started by `killed_engines_lose_nothing_acknowledged`.
    if let Some(dir) = std::env::var_os("KRL_CRASH_CHILD") {
        let url = std::env::var("KRL_CRASH_STORE").ok();
        run_child(&StoreHome::from_parts(PathBuf::from(dir), url));
    }
}

#[test]
fn killed_engines_lose_nothing_acknowledged() {
    for dir in homes("crash-test") {
        std::fs::create_dir_all(dir.folder()).expect("the scratch folder is created");
        let exe = std::env::current_exe().expect("the test executable");
        let mut acknowledged = 0.0;
        for round in 0..ROUNDS {
            let mut child = Command::new(&exe)
                .args(["--exact", "child_process", "--nocapture", "--test-threads", "1"])
                .env("KRL_CRASH_CHILD", dir.folder())
                .envs(dir.url().map(|url| ("KRL_CRASH_STORE", url)))
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("the child starts");
            let stdout = child.stdout.take().expect("piped stdout");
            let mut lines = BufReader::new(stdout).lines();
            let target = 1 + fastrand::usize(..40);
            let mut acks = 0;
            while acks < target {
                match lines.next() {
                    Some(Ok(line)) if line == "ack" => acks += 1,
                    Some(Ok(_)) => {}
                    _ => panic!("{} round {round}: the child stopped early", dir.kind()),
                }
            }
            // Kill mid-stream: the child is busy with the next event, or between events.
            std::thread::sleep(Duration::from_micros(fastrand::u64(..2_000)));
            child.kill().expect("SIGKILL");
            child.wait().expect("the child is reaped");
            // Lines already written before the kill are acknowledgements too.
            acknowledged += acks as f64 + lines.map_while(Result::ok).filter(|l| l == "ack").count() as f64;

            let engine = open_engine(&dir);
            let eci = channel(&engine, &dir);
            let (a, b) = counts(&engine, &eci);
            assert_eq!(
                a,
                b,
                "{} round {round}: a transaction was half applied",
                dir.kind()
            );
            assert!(
                a >= acknowledged,
                "{} round {round}: {acknowledged} events were acknowledged but only {a} applied",
                dir.kind()
            );
            assert!(
                a <= acknowledged + 1.0,
                "{} round {round}: {a} applied for {acknowledged} acknowledged (at most one in flight)",
                dir.kind()
            );
            // The next child counts on from what is stored, in-flight event included.
            acknowledged = a;
        }
    }
}
