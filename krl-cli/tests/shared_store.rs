//! `krl run --store postgres://...`: engines on one PostgreSQL store. Data kept across a
//! restart; three engines with every pico reachable through every engine; `kill -9` of the
//! running engine under load (a standby takes over; clients repeat unanswered events under
//! their `Idempotency-Key`, and every counter equals the events acknowledged); an engine
//! paused past its lease whose late commit never lands. Each test starts its own PostgreSQL
//! (skipped where it is not installed, never on CI).

#[path = "support/krl_run.rs"]
mod krl_run;
#[path = "../../runtime/tests/support/pg_server.rs"]
mod pg_server;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use krl_run::{KrlRun, Starting, temp_dir};
use pg_server::PgServer;

const COUNTER: &str = r#"ruleset test.count {
  meta { shares total, channel }
  global {
    total = function() { ent:n.defaultsTo(0) }
    channel = function() { ent:eci }
  }
  rule inc { select when t inc  always { ent:n := total() + 1 } }
  rule open {
    select when t open
    ctx:newChannel(["open"], {"allow": [{"domain": "t", "name": "*"}], "deny": []},
      {"allow": [{"rid": "test.count", "name": "*"}], "deny": []}) setting(chan)
    always { ent:eci := chan{"id"} }
  }
}
"#;

const SPAWN: &str = r#"ruleset test.spawn {
  rule spawn {
    select when t spawn
    every {
      ctx:newPico([{"url": event:attrs{"url"}}]) setting(family)
      // The family channel is the parent's own; the child opens one for the clients.
      ctx:eventQuery(eci = family, domain = "t", name = "open", attrs = {},
        rid = "test.count", queryName = "channel") setting(eci)
      send_directive("child", {"eci": eci})
    }
  }
}
"#;

/// A folder with the two rulesets, and the counter's `file://` URL.
fn rulesets(name: &str) -> (PathBuf, String) {
    let dir = temp_dir(name);
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).expect("the rulesets folder is created");
    std::fs::write(rules.join("count.krl"), COUNTER).expect("count.krl is written");
    std::fs::write(rules.join("spawn.krl"), SPAWN).expect("spawn.krl is written");
    let url = format!("file://{}", rules.join("count.krl").display());
    (dir, url)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// The arguments of one engine of the installation: its own home, the shared store.
fn engine_args(dir: &Path, name: &str, store: &str, lease: &str) -> Vec<String> {
    vec![
        dir.join("rules").display().to_string(),
        "--home".into(),
        dir.join(name).display().to_string(),
        "--store".into(),
        store.into(),
        "--lease-seconds".into(),
        lease.into(),
        "--no-token".into(),
    ]
}

/// `event-wait` of `t:inc` on `eci` through the engine at `port`: `Ok` once answered without
/// an error (the event is committed).
fn inc(port: u16, eci: &str) -> Result<(), String> {
    inc_once(port, eci, None)
}

/// [`inc`] under an `Idempotency-Key`, when given: a repeat of the key is answered without a
/// second event, so an unanswered one can be sent again, to any engine.
fn inc_once(port: u16, eci: &str, key: Option<&str>) -> Result<(), String> {
    let url = format!("http://127.0.0.1:{port}/c/{eci}/event-wait/t/inc");
    let mut request = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(10))
        .build()
        .post(&url);
    if let Some(key) = key {
        request = request.set("Idempotency-Key", key);
    }
    let answer = request
        .send_string("")
        .map_err(|err| err.to_string())?
        .into_string()
        .map_err(|err| err.to_string())?;
    if answer.contains("\"error\"") {
        return Err(answer);
    }
    Ok(())
}

fn count(port: u16, eci: &str) -> Result<f64, String> {
    let url = format!("http://127.0.0.1:{port}/c/{eci}/query/test.count/total");
    let answer = ureq::get(&url)
        .timeout(Duration::from_secs(10))
        .call()
        .map_err(|err| err.to_string())?
        .into_string()
        .map_err(|err| err.to_string())?;
    answer.trim().parse().map_err(|_| answer)
}

fn spawn_child(port: u16, eci: &str, url: &str) -> String {
    let text = ureq::post(&format!("http://127.0.0.1:{port}/c/{eci}/event-wait/t/spawn"))
        .set("Content-Type", "application/json")
        .send_string(&serde_json::json!({ "url": url }).to_string())
        .expect("spawn answers")
        .into_string()
        .expect("an answer");
    let answer: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    answer["directives"][0]["options"]["eci"]
        .as_str()
        .unwrap_or_else(|| panic!("a child eci in {answer}"))
        .to_owned()
}

/// Polls `check` until it is true or `within` passed.
fn eventually(within: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !check() {
        assert!(Instant::now() < deadline, "not within {within:?}: {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([name, &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill {name} {pid}");
}

#[test]
fn data_stays_in_the_store_across_a_restart_and_krl_store_is_read() {
    let Some(server) = PgServer::start() else { return };
    let store = server.database("restart");
    let (dir, _) = rulesets("pg-restart");
    let args = engine_args(&dir, "a", &store, "10");
    let engine = KrlRun::start(free_port(), &args);
    for _ in 0..3 {
        inc(engine.port, &engine.eci).expect("runs");
    }
    let eci = engine.eci.clone();
    let (status, stderr) = engine.stop();
    assert!(status.success(), "{stderr}");
    // KRL_STORE instead of --store; the stopped engine released its lease, so no waiting.
    let port = free_port();
    let started = Instant::now();
    let mut starting_args: Vec<String> = args.clone();
    let at = starting_args.iter().position(|arg| arg == "--store").unwrap();
    starting_args.drain(at..at + 2);
    let mut command = Command::new(env!("CARGO_BIN_EXE_krl"));
    command.env("KRL_STORE", &store);
    let engine = KrlRun::start_with(command, port, &starting_args);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "waited for a released lease"
    );
    assert_eq!(engine.eci, eci, "the same root pico and channel");
    assert_eq!(count(engine.port, &engine.eci), Ok(3.0));
}

#[test]
fn a_bad_store_url_is_refused_clearly() {
    let dir = temp_dir("pg-bad-url");
    let output = Command::new(env!("CARGO_BIN_EXE_krl"))
        .args(["run", "--port", "0", "--home"])
        .arg(&dir)
        .args(["--store", "mysql://x/y"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unsupported store `mysql://x/y`"), "{stderr}");
}

/// What the load clients share: stop, when the kill happened, events acknowledged, and
/// clients answered since the kill.
type LoadShared = (
    Arc<AtomicBool>,
    Arc<Mutex<Option<Instant>>>,
    Arc<AtomicUsize>,
    Arc<AtomicUsize>,
);

/// One client of the failover test: one event at a time to `eci`, round robin over the
/// engines, until stopped. Each event has its own `Idempotency-Key` and is sent again (to the
/// next engine) until it is answered, also after the stop, so that every event the client
/// sent is acknowledged exactly once. Answers the pico, its acknowledged events (three
/// were acknowledged before the load), how many sends went unanswered, and how long after
/// the kill it was first answered.
fn load_client(eci: String, ports: [u16; 3], shared: LoadShared) -> (String, f64, usize, Option<Duration>) {
    let (stop, killed_at, acks, recovered) = shared;
    let (mut acked, mut unanswered, mut back_after) = (3.0_f64, 0, None);
    let mut turn = 0;
    while !stop.load(Ordering::Relaxed) {
        let key = format!("{eci}-{acked}");
        let give_up = Instant::now() + Duration::from_secs(60);
        loop {
            turn += 1;
            if inc_once(ports[turn % ports.len()], &eci, Some(&key)).is_ok() {
                break;
            }
            unanswered += 1;
            assert!(Instant::now() < give_up, "event {key} unanswered for a minute");
            std::thread::sleep(Duration::from_millis(50));
        }
        acked += 1.0;
        acks.fetch_add(1, Ordering::Relaxed);
        let killed = *killed_at.lock().expect("no client panicked holding the lock");
        if let (Some(at), None) = (killed, back_after) {
            back_after = Some(at.elapsed());
            recovered.fetch_add(1, Ordering::Relaxed);
        }
    }
    (eci, acked, unanswered, back_after)
}

/// Three engines on one store: one runs the picos, the other two forward to it; events for
/// every pico go to every engine. Then `kill -9` of the running engine while 30 clients send
/// events: every pico answers again through the survivors within 15 s, and each pico's
/// counter equals the events acknowledged for it (clients send every event with an
/// `Idempotency-Key` and repeat it until answered).
#[test]
fn three_engines_share_a_store_and_survive_a_kill() {
    let Some(server) = PgServer::start() else { return };
    let store = server.database("three");
    let (dir, counter_url) = rulesets("pg-three");
    let first = KrlRun::start(free_port(), &engine_args(&dir, "a", &store, "2"));
    let ports = [free_port(), free_port()];
    let standbys: Vec<Starting> = ports
        .iter()
        .enumerate()
        .map(|(idx, port)| Starting::krl(*port, &engine_args(&dir, &format!("s{idx}"), &store, "2")))
        .collect();
    for standby in &standbys {
        standby.wait_for_line("standby:");
    }
    let picos: Vec<String> = (0..30)
        .map(|_| spawn_child(first.port, &first.eci, &counter_url))
        .collect();
    let all_ports = [first.port, ports[0], ports[1]];
    for eci in &picos {
        for port in all_ports {
            inc(port, eci).expect("every engine reaches every pico");
        }
        assert_eq!(count(ports[1], eci), Ok(3.0));
    }

    // Load: one client per pico, one request at a time, round robin over the engines.
    let stop = Arc::new(AtomicBool::new(false));
    let killed_at: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    // Events acknowledged under load, and clients answered since the kill.
    let (acks, recovered) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let clients: Vec<_> = picos
        .iter()
        .map(|eci| {
            let shared = (
                Arc::clone(&stop),
                Arc::clone(&killed_at),
                Arc::clone(&acks),
                Arc::clone(&recovered),
            );
            let eci = eci.clone();
            std::thread::spawn(move || load_client(eci, all_ports, shared))
        })
        .collect();
    eventually(
        Duration::from_secs(10),
        "three events per pico under load",
        || acks.load(Ordering::Relaxed) >= 3 * picos.len(),
    );
    *killed_at.lock().unwrap() = Some(Instant::now());
    first.kill();
    eventually(
        Duration::from_secs(15),
        "every pico answers after the kill",
        || recovered.load(Ordering::Relaxed) == picos.len(),
    );
    stop.store(true, Ordering::Relaxed);
    let (mut slowest, mut all_acked, mut all_unanswered) = (Duration::ZERO, 0.0, 0);
    for client in clients {
        let (eci, acked, unanswered, back_after) = client.join().unwrap();
        all_acked += acked;
        all_unanswered += unanswered;
        let back_after = back_after.unwrap_or_else(|| panic!("pico {eci} never answered after the kill"));
        assert!(
            back_after < Duration::from_secs(15),
            "pico {eci} answered only {back_after:?} after the kill"
        );
        slowest = slowest.max(back_after);
        let stored = count(ports[0], &eci).unwrap();
        assert_eq!(
            stored, acked,
            "pico {eci}: {acked} events acknowledged, {stored} stored"
        );
    }
    eprintln!(
        "after kill -9: every pico answered within {slowest:?}; {all_acked} events acknowledged, each once; {all_unanswered} sends repeated"
    );
    drop(standbys);
}

/// An engine paused (SIGSTOP) past its lease loses its picos to a standby; resumed, its
/// late commit is refused and it stops.
#[test]
fn a_paused_engine_commits_nothing_after_its_lease_was_taken() {
    let Some(server) = PgServer::start() else { return };
    let store = server.database("zombie");
    let (dir, _) = rulesets("pg-zombie");
    let first = KrlRun::start(free_port(), &engine_args(&dir, "a", &store, "1"));
    let standby = Starting::krl(free_port(), &engine_args(&dir, "b", &store, "1"));
    standby.wait_for_line("standby:");
    for _ in 0..5 {
        inc(first.port, &first.eci).expect("runs");
    }
    signal(first.pid(), "-STOP");
    let second = standby.banner();
    assert_eq!(second.eci, first.eci, "the same installation");
    // Sent to the paused engine: the kernel queues the request until it resumes.
    let late = {
        let (port, eci) = (first.port, first.eci.clone());
        std::thread::spawn(move || inc(port, &eci))
    };
    for _ in 0..3 {
        inc(second.port, &second.eci).expect("the new holder runs events");
    }
    signal(first.pid(), "-CONT");
    let (status, stderr) = first.wait_for_exit(Duration::from_secs(15));
    assert!(!status.success(), "a fenced engine stops with a failure");
    assert!(
        stderr.contains("stopping: another engine took the store's lease"),
        "{stderr}"
    );
    assert!(
        late.join().unwrap().is_err(),
        "the late event was not acknowledged"
    );
    assert_eq!(
        count(second.port, &second.eci),
        Ok(8.0),
        "the late commit did not land"
    );
}
