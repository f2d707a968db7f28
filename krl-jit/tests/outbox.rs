//! Events sent to other engines (`event:send` with a host) against a stand-in engine on
//! 127.0.0.1 that records what it is posted: they arrive in the order sent, only after their
//! transaction committed (never for a failed one), survive a destination that is down for a
//! while and an engine restart, are not sent twice after a graceful stop, and are given up
//! after the configured time. Also what each
//! kind of attribute value becomes when an event crosses a pico boundary, in-process and
//! towards another engine.

#[path = "support/flaky.rs"]
mod flaky;
#[path = "support/store.rs"]
mod store;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use flaky::FlakyStorage;
use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions, OutboxOptions};
use krl_runtime::storage::{MemoryStorage, Storage, key};
use krl_runtime::value::Map;
use store::{homes, open_store};

const URL: &str = "file:///sender.krl";

/// `send` posts `count` events (attribute `n` from `first` on) to `host`, in one
/// transaction; `fail` makes the transaction fail after its sends.
const SENDER: &str = r#"
ruleset test.sender {
  meta { shares seen, echo, queried }
  global {
    fail_if = function(flag) { flag => flag() | null }
    act = defaction() { send_directive("act") }
    kinds = function() {
      {"b": 1, "2": 2, "re": re#a+#i, "f": function(x) { x }, "act": act,
       "list": [re#b#, function() { 1 }, null, 1.5], "nested": {"inner": {"re": re#c#, "s": "x"}},
       "big": 1000000000 * 1000000000 * 1000}
    }
    seen = function() { ent:seen.defaultsTo([]) }
    echo = function(re, f, list) { {"re": re, "f": f, "list": list}.encode() }
    queried = function() { ent:queried }
  }
  rule send {
    select when test send
    foreach 0.range(event:attrs{"count"} - 1) setting (i)
    event:send({"eci": "remote", "domain": "sensor", "type": "ping",
      "attrs": {"n": event:attrs{"first"} + i}}, event:attrs{"host"})
    fired {
      ent:sent := ent:sent.defaultsTo(0) + 1 on final;
      ent:after := fail_if(event:attrs{"fail"}) on final
    }
  }
  rule kinds_local {
    select when kinds local
    every {
      event:send({"eci": event:attrs{"eci"}, "domain": "attrs", "type": "seen", "attrs": kinds()});
      ctx:event(event:attrs{"eci"}, "attrs", "seen", kinds())
    }
    always {
      raise attrs event "seen" attributes kinds();
      schedule attrs event "seen" at time:now() attributes kinds()
    }
  }
  rule kinds_remote {
    select when kinds remote
    event:send({"eci": "remote", "domain": "attrs", "type": "seen", "attrs": kinds()}, event:attrs{"host"})
  }
  rule kinds_query {
    select when kinds query
    always {
      ent:queried := ctx:query(event:attrs{"eci"}, "test.sender", "echo",
        {"re": re#q#, "f": function() { 1 }, "list": [re#r#, act]})
    }
  }
  rule seen {
    select when attrs seen
    always { ent:seen := seen().append(event:attrs.encode()) }
  }
}
"#;

/// What a stand-in engine was posted: `(path, body)` in arrival order.
type Posted = Arc<Mutex<Vec<(String, String)>>>;

/// A stand-in engine on `listener`: each connection on its own thread, answered after a
/// random pause of up to 3 ms (so concurrent posts would overtake each other), with
/// pico-engine's answer to an accepted event.
fn serve(listener: TcpListener) -> Posted {
    serve_with(listener, None)
}

/// [`serve`], but each post is recorded as it arrives and answered `pause` later.
fn serve_slowly(listener: TcpListener, pause: Duration) -> Posted {
    serve_with(listener, Some(pause))
}

fn serve_with(listener: TcpListener, pause: Option<Duration>) -> Posted {
    let posted: Posted = Arc::default();
    let sink = Arc::clone(&posted);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let sink = Arc::clone(&sink);
            std::thread::spawn(move || answer(stream, &sink, pause));
        }
    });
    posted
}

fn answer(mut stream: TcpStream, posted: &Posted, pause: Option<Duration>) {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = stream.read_exact(&mut body);
    if pause.is_none() {
        std::thread::sleep(Duration::from_micros(fastrand::u64(0..3000)));
    }
    posted
        .lock()
        .expect("posted lock")
        .push((path, String::from_utf8_lossy(&body).to_string()));
    if let Some(pause) = pause {
        std::thread::sleep(pause);
    }
    let text = r#"{"eid":"accepted"}"#;
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}

/// An address nothing listens on (yet).
fn free_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    listener.local_addr().expect("an address")
}

/// Quick retries, for tests that take a destination down.
fn quick_retries(give_up_after: Duration) -> EngineOptions {
    EngineOptions {
        outbox: OutboxOptions {
            first_retry: Duration::from_millis(20),
            max_retry: Duration::from_millis(100),
            give_up_after,
        },
        ..EngineOptions::default()
    }
}

/// An engine on `storage` with the sender ruleset on its root pico, and a channel to it.
fn sender(storage: Arc<dyn Storage>, options: EngineOptions) -> (Engine, String) {
    let engine = Engine::open(Arc::new(InterpreterBackend), options, storage).expect("opens");
    engine.register(URL, SENDER).expect("compiles");
    let root = engine.root_pico().to_string();
    engine.install(&root, URL, Map::new()).expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    (engine, eci)
}

fn send(engine: &Engine, eci: &str, host: &str, first: u32, count: u32) -> Result<(), String> {
    send_failing(engine, eci, host, first, count, false)
}

fn send_failing(
    engine: &Engine,
    eci: &str,
    host: &str,
    first: u32,
    count: u32,
    fail: bool,
) -> Result<(), String> {
    let mut attrs = Map::new();
    attrs.insert("host", Value::string(host));
    attrs.insert("first", Value::number(f64::from(first)));
    attrs.insert("count", Value::number(f64::from(count)));
    attrs.insert("fail", Value::from(fail));
    engine
        .event_wait(eci, "test", "send", Value::map(attrs))
        .map(|_| ())
        .map_err(|err| err.to_string())
}

/// The `n` of every ping posted so far, in arrival order.
fn pings(posted: &Posted) -> Vec<u32> {
    let posted = posted.lock().expect("posted lock");
    posted
        .iter()
        .filter(|(path, _)| path == "/c/remote/event/sensor/ping")
        .map(|(_, body)| {
            let attrs = Value::decode(body).expect("a JSON body");
            let n = attrs.as_map().and_then(|m| m.get("n")).and_then(Value::as_number);
            n.expect("an n") as u32
        })
        .collect()
}

/// Waits (20 s at most) until `count` pings arrived, and returns them.
fn wait_for_pings(posted: &Posted, count: usize) -> Vec<u32> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let pings = pings(posted);
        if pings.len() >= count || Instant::now() > deadline {
            return pings;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Waits (20 s at most) until the root pico's log has `count` error lines containing `needle`.
fn wait_for_log(engine: &Engine, needle: &str, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let lines: Vec<String> = engine
            .logs(engine.root_pico())
            .into_iter()
            .filter(|entry| entry.level == "error" && entry.message.contains(needle))
            .map(|entry| entry.message)
            .collect();
        if lines.len() >= count || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn stored_entries(storage: &dyn Storage) -> usize {
    storage
        .scan_prefix(&key::prefix(&["outbox"]))
        .expect("scans")
        .len()
}

#[test]
fn events_to_another_engine_arrive_in_the_order_sent() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let (engine, eci) = sender(Arc::clone(&storage), EngineOptions::default());
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let host = format!("http://{}", listener.local_addr().expect("an address"));
    let posted = serve(listener);
    // One event per transaction, then many from one transaction.
    for n in 1..=30 {
        send(&engine, &eci, &host, n, 1).expect("sent");
    }
    send(&engine, &eci, &host, 31, 30).expect("sent");
    let expected: Vec<u32> = (1..=60).collect();
    assert_eq!(wait_for_pings(&posted, 60), expected);
    // Each acknowledged entry left the store.
    let deadline = Instant::now() + Duration::from_secs(5);
    while stored_entries(&*storage) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(stored_entries(&*storage), 0);
}

#[test]
fn a_failed_transaction_or_commit_sends_nothing() {
    let store = Arc::new(FlakyStorage::failing_on("outbox"));
    let (engine, eci) = sender(store.clone(), EngineOptions::default());
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let host = format!("http://{}", listener.local_addr().expect("an address"));
    let posted = serve(listener);
    send_failing(&engine, &eci, &host, 1, 3, true).expect_err("the rule fails");
    store.failing.store(true, Ordering::SeqCst);
    send(&engine, &eci, &host, 4, 3).expect_err("the commit fails");
    store.failing.store(false, Ordering::SeqCst);
    assert_eq!(stored_entries(&*store), 0);
    send(&engine, &eci, &host, 7, 2).expect("sent");
    // Only the committed transaction's events, and they come after nothing else.
    assert_eq!(wait_for_pings(&posted, 2), [7, 8]);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(pings(&posted), [7, 8]);
}

#[test]
fn a_destination_down_for_a_while_gets_every_event_in_order_once_up() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let (engine, eci) = sender(Arc::clone(&storage), quick_retries(Duration::from_secs(60)));
    let address = free_address();
    let host = format!("http://{address}");
    for n in 1..=5 {
        send(&engine, &eci, &host, n, 1).expect("sent");
    }
    send(&engine, &eci, &host, 6, 5).expect("sent");
    let failed = wait_for_log(
        &engine,
        &format!("event to {host}/c/remote/event/sensor/ping failed"),
        1,
    );
    assert!(failed[0].ends_with("(retrying)"), "{failed:?}");
    assert_eq!(stored_entries(&*storage), 10);
    std::thread::sleep(Duration::from_millis(300));
    let posted = serve(TcpListener::bind(address).expect("the same port"));
    let expected: Vec<u32> = (1..=10).collect();
    assert_eq!(wait_for_pings(&posted, 10), expected);
    // Later events go straight after.
    send(&engine, &eci, &host, 11, 1).expect("sent");
    assert_eq!(wait_for_pings(&posted, 11).last(), Some(&11));
}

#[test]
fn a_destination_that_stays_down_is_given_up_after_the_configured_time() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let (engine, eci) = sender(Arc::clone(&storage), quick_retries(Duration::from_millis(300)));
    let host = format!("http://{}", free_address());
    send(&engine, &eci, &host, 1, 3).expect("sent");
    let given_up = wait_for_log(&engine, "given up after", 3);
    assert_eq!(given_up.len(), 3, "{given_up:?}");
    assert!(
        given_up[0].starts_with(&format!(
            "event to {host}/c/remote/event/sensor/ping given up after "
        )),
        "{given_up:?}"
    );
    assert_eq!(stored_entries(&*storage), 0);
}

#[test]
fn events_committed_before_a_restart_are_sent_after_it_in_order() {
    // Per process, so that parallel runs of this test do not share a store.
    for dir in homes(&format!("outbox-restart-{}", std::process::id())) {
        let address = free_address();
        let host = format!("http://{address}");
        {
            let (engine, eci) = sender(open_store(&dir), quick_retries(Duration::from_secs(60)));
            send(&engine, &eci, &host, 1, 3).expect("sent");
            send(&engine, &eci, &host, 4, 1).expect("sent");
            wait_for_log(&engine, "(retrying)", 1);
        }
        let posted = serve(TcpListener::bind(address).expect("the same port"));
        let storage = open_store(&dir);
        let engine = Engine::open(
            Arc::new(InterpreterBackend),
            quick_retries(Duration::from_secs(60)),
            Arc::clone(&storage),
        )
        .expect("reopens");
        assert_eq!(wait_for_pings(&posted, 4), [1, 2, 3, 4]);
        let deadline = Instant::now() + Duration::from_secs(5);
        while stored_entries(&*storage) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(stored_entries(&*storage), 0);
        drop((engine, storage));
        let _ = std::fs::remove_dir_all(dir.folder());
    }
}

/// A graceful stop lets the post under way finish and remove its entry: the other engine
/// took the event, so the next start does not send it again.
#[test]
fn a_stop_lets_the_post_under_way_finish_so_nothing_is_sent_twice() {
    for dir in homes(&format!("outbox-stop-{}", std::process::id())) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
        let host = format!("http://{}", listener.local_addr().expect("an address"));
        let posted = serve_slowly(listener, Duration::from_millis(500));
        {
            let (engine, eci) = sender(open_store(&dir), EngineOptions::default());
            send(&engine, &eci, &host, 1, 1).expect("sent");
            // The post arrived; its answer is still on its way.
            assert_eq!(wait_for_pings(&posted, 1), [1]);
            engine.stop_sending(Duration::from_secs(10));
        }
        let storage = open_store(&dir);
        assert_eq!(stored_entries(&*storage), 0, "the delivered entry is gone");
        let engine = Engine::open(
            Arc::new(InterpreterBackend),
            EngineOptions::default(),
            Arc::clone(&storage),
        )
        .expect("reopens");
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(pings(&posted), [1], "sent once");
        drop((engine, storage));
        let _ = std::fs::remove_dir_all(dir.folder());
    }
}

/// Every value kind in an event's attributes, through each way an event reaches a pico
/// (`event:send`, `ctx:event`, `raise`, `schedule`), comes out as JavaScript's JSON makes it (a regex is
/// `{}`, a function or action is dropped); query arguments likewise. Sent to another engine,
/// the attributes are the reference's `encode` (a regex is its text).
#[test]
fn attribute_values_cross_a_pico_boundary_as_json() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let (engine, eci) = sender(storage, EngineOptions::default());
    let with_eci = || {
        let mut attrs = Map::new();
        attrs.insert("eci", Value::string(eci.as_str()));
        Value::map(attrs)
    };
    engine
        .event_wait(&eci, "kinds", "local", with_eci())
        .expect("sent locally");
    let local =
        r#"{"2":2,"b":1,"re":{},"list":[{},null,null,1.5],"nested":{"inner":{"re":{},"s":"x"}},"big":1e+21}"#;
    let deadline = Instant::now() + Duration::from_secs(5);
    let seen = loop {
        let seen = engine
            .query(&eci, "test.sender", "seen", Value::Null)
            .expect("seen");
        if seen.as_array().is_some_and(|s| s.len() >= 4) || Instant::now() > deadline {
            break seen;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let seen: Vec<String> = seen
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| s.to_krl_string().into_owned())
        .collect();
    assert_eq!(seen, [local; 4], "raise, event:send, ctx:event, schedule");

    // A query from another pico gets JSON arguments too (wrangler's picoQuery goes this way).
    let root = engine.root_pico().to_string();
    let child_link = engine.new_pico(&root).expect("a child");
    let child = engine.pico_of(&child_link).expect("the child");
    engine.install(&child, URL, Map::new()).expect("installs");
    let child_eci = engine
        .new_channel(&child, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    engine
        .event_wait(&eci, "kinds", "query", {
            let mut attrs = Map::new();
            attrs.insert("eci", Value::string(child_eci));
            Value::map(attrs)
        })
        .expect("queried");
    let queried = engine
        .query(&eci, "test.sender", "queried", Value::Null)
        .expect("queried");
    assert_eq!(queried, Value::string(r#"{"re":{},"f":null,"list":[{},null]}"#));

    // Towards another engine, the body is the reference's `encode`.
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let host = format!("http://{}", listener.local_addr().expect("an address"));
    let posted = serve(listener);
    let mut attrs = Map::new();
    attrs.insert("host", Value::string(host));
    engine
        .event_wait(&eci, "kinds", "remote", Value::map(attrs))
        .expect("sent remotely");
    let deadline = Instant::now() + Duration::from_secs(10);
    while posted.lock().expect("posted").is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let posted = posted.lock().expect("posted").clone();
    assert_eq!(
        posted,
        [(
            "/c/remote/event/attrs/seen".to_string(),
            r##"{"2":2,"b":1,"re":"re#a+#i","f":"[Function]","act":"[Action]","list":["re#b#","[Function]",null,1.5],"nested":{"inner":{"re":"re#c#","s":"x"}},"big":1e+21}"##
                .to_string()
        )]
    );
}
