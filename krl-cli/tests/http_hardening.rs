//! The HTTP API under abuse (issue #21, items 4-6; docs/security.md), in-process on
//! 127.0.0.1 port 0: requests waiting on a busy pico hold no server thread and a full queue
//! answers 503, connections that send nothing are closed, parameter counts are capped,
//! `/api/flush` reads only allowed files and never quotes a non-ruleset, `Host` is checked,
//! CORS is sent only on the pico routes and `/api` needs the admin token. Every wait here
//! is bounded.

#[path = "support/http_server.rs"]
mod http_server;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use krl_runtime::engine::{Engine, EngineOptions, SourcePolicy};
use krl_runtime::http::HttpOptions;
use krl_runtime::{Map, Value};
use serde_json::Value as Json;

const SLOW: &str = r#"
ruleset test.slow {
  meta {
    shares hello, ticks
  }
  global {
    hello = function() { "hello" }
    ticks = function() { ent:ticks.defaultsTo(0) }
  }
  rule wait_on_url {
    select when slow fetch
    http:get(event:attrs{"url"}) setting(response)
  }
  rule tick {
    select when slow tick
    fired { ent:ticks := ticks() + 1 }
  }
}
"#;

struct Server {
    base: String,
    engine: Engine,
    /// A channel of the root pico that allows everything.
    root_eci: String,
}

/// The engine with `test.slow` on the root, served with `options` by a runtime whose
/// blocking pool has only `blocking_threads` threads.
fn start(engine_options: EngineOptions, options: HttpOptions, blocking_threads: usize) -> Server {
    let engine = Engine::new(Arc::new(krl_jit::InterpreterBackend), engine_options);
    let root_eci = open_pico(&engine, engine.root_pico());
    let base = http_server::serve(engine.clone(), options, Some(blocking_threads));
    Server {
        base,
        engine,
        root_eci,
    }
}

/// Installs `test.slow` on a pico and opens a channel that allows everything.
fn open_pico(engine: &Engine, pico: &str) -> String {
    if engine.registered_version("test://slow.krl").is_none() {
        engine
            .register("test://slow.krl", SLOW)
            .expect("the test ruleset compiles");
    }
    engine
        .install(pico, "test://slow.krl", Map::new())
        .expect("the test ruleset installs");
    let tags = Value::array(vec![Value::string("test")]);
    engine
        .new_channel(pico, &tags, &Value::Null, &Value::Null)
        .expect("a channel")
        .id
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build()
}

/// Status, one header and the body of any answer.
struct Answer {
    status: u16,
    retry_after: Option<String>,
    cors: Option<String>,
    cookie: Option<String>,
    body: String,
}

impl Answer {
    fn error(&self) -> String {
        let json: Json =
            serde_json::from_str(&self.body).unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body));
        json["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no `error` in {}", self.body))
            .to_string()
    }
}

fn send(request: ureq::Request, form: Option<&str>) -> Answer {
    let result = match form {
        Some(form) => request
            .set("Content-Type", "application/x-www-form-urlencoded")
            .send_string(form),
        None => request.call(),
    };
    let response = match result {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(err) => panic!("no answer: {err}"),
    };
    Answer {
        status: response.status(),
        retry_after: response.header("retry-after").map(str::to_string),
        cors: response.header("access-control-allow-origin").map(str::to_string),
        cookie: response.header("set-cookie").map(str::to_string),
        body: response.into_string().expect("a text body"),
    }
}

impl Server {
    fn get(&self, path: &str) -> Answer {
        send(agent().get(&format!("{}{path}", self.base)), None)
    }
}

/// A server that accepts connections and never answers, until released: what a rule's
/// `http:get` waits on, to keep its pico busy for as long as the test needs.
struct Hanging {
    url: String,
    accepted: mpsc::Receiver<()>,
    release: mpsc::Sender<()>,
}

fn hanging_server() -> Hanging {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    let url = format!("http://{}/", listener.local_addr().expect("bound"));
    let (accepted_tx, accepted) = mpsc::channel();
    let (release, release_rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let _ = accepted_tx.send(());
        // Hold the connection unanswered until released (or the test ends).
        let _ = release_rx.recv_timeout(Duration::from_secs(60));
        drop(stream);
    });
    Hanging {
        url,
        accepted,
        release,
    }
}

/// Polls `done` every 10 ms for up to `limit`.
fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    done()
}

#[test]
fn waiting_requests_hold_no_thread_and_a_full_queue_is_busy() {
    let engine_options = EngineOptions {
        workers: 2,
        max_queued_per_pico: 20,
        ..EngineOptions::default()
    };
    // Four blocking threads: before, four requests waiting on the busy pico took them all
    // and the root's query below got no answer.
    let server = Arc::new(start(engine_options, HttpOptions::default(), 4));
    let child = server
        .engine
        .new_pico(server.engine.root_pico())
        .expect("a child");
    let child = server.engine.pico_of(&child).expect("the child's id");
    let busy_eci = open_pico(&server.engine, &child);

    let hanging = hanging_server();
    let slow_path = format!("/c/{busy_eci}/event-wait/slow/fetch?url={}", hanging.url);
    let first = {
        let server = Arc::clone(&server);
        std::thread::spawn(move || server.get(&slow_path))
    };
    hanging
        .accepted
        .recv_timeout(Duration::from_secs(20))
        .expect("the rule's request reached the hanging server");

    let (answers, answered) = mpsc::channel();
    for _ in 0..30 {
        let (server, answers, eci) = (Arc::clone(&server), answers.clone(), busy_eci.clone());
        std::thread::spawn(move || {
            let _ = answers.send(server.get(&format!("/c/{eci}/event-wait/slow/tick")));
        });
    }
    // Twenty wait in the queue; the other ten are refused at once.
    let mut refused = Vec::new();
    while refused.len() < 10 {
        let answer = answered
            .recv_timeout(Duration::from_secs(20))
            .expect("the refusals come at once");
        refused.push(answer);
    }
    for answer in &refused {
        assert_eq!(answer.status, 503, "{}", answer.body);
        assert_eq!(answer.retry_after.as_deref(), Some("1"));
        assert_eq!(
            answer.error(),
            "Busy: the pico has 20 jobs waiting; try again later"
        );
    }

    // The root pico is answered while twenty requests wait on its busy child.
    let started = Instant::now();
    let hello = server.get(&format!("/c/{}/query/test.slow/hello", server.root_eci));
    assert_eq!(hello.body, "\"hello\"");
    assert!(started.elapsed() < Duration::from_secs(10));

    let _ = hanging.release.send(());
    let first = first.join().expect("the slow request");
    assert_eq!(first.status, 200, "{}", first.body);
    for _ in 0..20 {
        let answer = answered
            .recv_timeout(Duration::from_secs(30))
            .expect("every queued request is answered");
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    assert_eq!(
        server
            .engine
            .ent(&child, "test.slow", "ticks")
            .expect("the count"),
        Value::from(20.0)
    );
}

#[test]
fn silent_and_idle_connections_are_closed() {
    let server = start(
        EngineOptions::default(),
        HttpOptions {
            header_read_timeout: Duration::from_millis(300),
            body_read_timeout: Duration::from_millis(300),
            ..HttpOptions::default()
        },
        16,
    );
    let addr = server.base.trim_start_matches("http://").to_string();
    let closed_within = |stream: &mut TcpStream, limit: Duration| {
        stream.set_read_timeout(Some(limit)).expect("a read timeout");
        let mut rest = Vec::new();
        // EOF (the server closed) ends the read; a timeout error means it stayed open.
        stream.read_to_end(&mut rest).is_ok()
    };
    let mut silent = TcpStream::connect(&addr).expect("connect");
    assert!(
        closed_within(&mut silent, Duration::from_secs(5)),
        "a silent connection stays open"
    );

    let mut partial = TcpStream::connect(&addr).expect("connect");
    partial
        .write_all(b"GET /c/x/query/a/b HTTP/1.1\r\nHost: localhost\r\n")
        .expect("write");
    assert!(
        closed_within(&mut partial, Duration::from_secs(5)),
        "half a request stays open"
    );

    // A body that never comes is given up on.
    let mut no_body = TcpStream::connect(&addr).expect("connect");
    no_body
        .write_all(
            format!(
                "POST /c/{}/event-wait/slow/tick HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{{",
                server.root_eci
            )
            .as_bytes(),
        )
        .expect("write");
    no_body
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a read timeout");
    let mut answer = [0u8; 4096];
    let read = no_body
        .read(&mut answer)
        .expect("an answer before the read timeout");
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.contains("the body did not arrive within"), "{answer}");

    // A keep-alive connection is answered, then closed once idle.
    let mut idle = TcpStream::connect(&addr).expect("connect");
    idle.write_all(
        format!(
            "GET /c/{}/query/test.slow/hello HTTP/1.1\r\nHost: localhost\r\n\r\n",
            server.root_eci
        )
        .as_bytes(),
    )
    .expect("write");
    idle.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a read timeout");
    let mut answer = Vec::new();
    let _ = idle.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("\"hello\""),
        "{answer}"
    );
}

#[test]
fn parameter_counts_are_capped() {
    let server = start(EngineOptions::default(), HttpOptions::default(), 16);
    let path = format!("/c/{}/event-wait/slow/tick", server.root_eci);
    let pairs = |n: usize| (0..n).map(|i| format!("k{i}=v")).collect::<Vec<_>>().join("&");
    let url = format!("{}{path}", server.base);
    let form = send(agent().post(&url), Some(&pairs(1_001)));
    assert_eq!(
        form.error(),
        "PayloadTooLargeError: too many parameters (the limit is 1000)"
    );
    let query = server.get(&format!("{path}?{}", pairs(1_001)));
    assert_eq!(
        query.error(),
        "PayloadTooLargeError: too many parameters (the limit is 1000)"
    );
    // `_headers` comes on top of the thousand.
    let fits = send(agent().post(&url), Some(&pairs(1_000)));
    assert_eq!(fits.status, 200, "{}", fits.body);
    assert!(fits.body.contains("\"directives\":[]"), "{}", fits.body);
}

#[test]
fn flush_reads_only_allowed_regular_ruleset_files() {
    let dir = std::env::temp_dir().join(format!("krl-http-sources-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let allowed = dir.join("allowed");
    std::fs::create_dir_all(&allowed).expect("a folder");
    std::fs::write(allowed.join("ok.krl"), "ruleset test.ok {}\n").expect("write");
    std::fs::write(allowed.join("notes.txt"), "TOP-SECRET first line\n").expect("write");
    std::fs::write(dir.join("outside.krl"), "ruleset test.outside {}\n").expect("write");
    let engine_options = EngineOptions {
        sources: SourcePolicy {
            folders: Some(vec![allowed.clone()]),
            ..SourcePolicy::default()
        },
        ..EngineOptions::default()
    };
    let server = start(engine_options, HttpOptions::default(), 16);
    let flush = |url: &str| server.get(&format!("/api/flush?url={url}"));

    let ok = flush(&format!("file://{}", allowed.join("ok.krl").display()));
    assert!(ok.body.contains("\"rid\":\"test.ok\""), "{}", ok.body);

    let hidden = "no such ruleset file, or not one the engine may read";
    for url in [
        format!("file://{}", dir.join("outside.krl").display()),
        format!("file://{}/../outside.krl", allowed.display()),
        format!("file://{}", allowed.join("missing.krl").display()),
        format!("file://{}", allowed.display()),
        "file:///etc/passwd".to_string(),
        "/etc/shadow".to_string(),
        "../../../../../../etc/passwd".to_string(),
        "file:///proc/self/environ".to_string(),
        "file:///dev/urandom".to_string(),
    ] {
        let error = flush(&url).error();
        assert_eq!(error, format!("cannot read ruleset source `{url}`: {hidden}"));
    }
    let notes = flush(&format!("file://{}", allowed.join("notes.txt").display())).error();
    assert!(!notes.contains("TOP-SECRET"), "{notes}");
    assert!(
        notes.ends_with("this is not a KRL ruleset (it does not start with `ruleset`)"),
        "{notes}"
    );
    for url in ["ftp://127.0.0.1/x.krl", "gopher://127.0.0.1:22/"] {
        assert!(flush(url).error().contains("is not supported"), "{url}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hosts_cors_and_the_admin_token() {
    let server = start(
        EngineOptions::default(),
        HttpOptions {
            admin_token: Some("s3cret-token".to_string()),
            allowed_hosts: vec!["picos.example.org".to_string()],
            ..HttpOptions::default()
        },
        16,
    );
    let query = format!("/c/{}/query/test.slow/hello", server.root_eci);
    let with_host = |path: &str, host: &str| {
        send(
            agent().get(&format!("{}{path}", server.base)).set("Host", host),
            None,
        )
    };

    // A name a DNS-rebinding page would use is refused on every route.
    for path in [query.as_str(), "/api/picos", "/nope"] {
        let refused = with_host(path, "attacker.example:3000");
        assert_eq!(refused.status, 403, "{path}");
        assert!(
            refused
                .error()
                .starts_with("Forbidden: the Host `attacker.example:3000`")
        );
    }
    for host in ["localhost:1", "127.0.0.1", "picos.example.org"] {
        assert_eq!(with_host(&query, host).status, 200, "{host}");
    }

    // CORS on the pico routes only.
    let pico = server.get(&query);
    assert_eq!(pico.cors.as_deref(), Some("*"));
    let refused = server.get("/api/picos");
    assert_eq!(refused.status, 401);
    assert_eq!(refused.cors, None);
    assert!(refused.error().starts_with("Unauthorized: "));
    assert_eq!(server.get("/api/ui-context").status, 401);
    assert_eq!(server.get("/api/flush?url=/etc/passwd").status, 401);
    assert_eq!(server.get("/api/logs?token=wrong").status, 401);

    // The token as a bearer header, a query parameter (which sets the cookie), a cookie.
    let bearer = send(
        agent()
            .get(&format!("{}/api/picos", server.base))
            .set("Authorization", "Bearer s3cret-token"),
        None,
    );
    assert_eq!(bearer.status, 200, "{}", bearer.body);
    assert_eq!(bearer.cors, None);
    let by_query = server.get("/api/ui-context?token=s3cret-token");
    assert_eq!(by_query.status, 200);
    let cookie = by_query.cookie.expect("the token cookie");
    assert!(
        cookie.starts_with("krl-token=s3cret-token;")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
    );
    let by_cookie = send(
        agent()
            .get(&format!("{}/api/logs", server.base))
            .set("Cookie", "other=1; krl-token=s3cret-token"),
        None,
    );
    assert_eq!(by_cookie.status, 200, "{}", by_cookie.body);
}

#[test]
fn a_flooded_pico_does_not_starve_the_others() {
    // One worker, kept busy (a rule waiting on a hanging server) while five thousand events
    // queue on one pico and then one on another, so both picos wait in the workers' line.
    let engine = Engine::new(
        Arc::new(krl_jit::InterpreterBackend),
        EngineOptions {
            workers: 1,
            max_queued_per_pico: 10_000,
            ..EngineOptions::default()
        },
    );
    let new_child = || {
        let eci = engine.new_pico(engine.root_pico()).expect("a child");
        let id = engine.pico_of(&eci).expect("the child's id");
        let eci = open_pico(&engine, &id);
        (id, eci)
    };
    let (_, blocker_eci) = new_child();
    let (flooded, flooded_eci) = new_child();
    let (other, other_eci) = new_child();
    let hanging = hanging_server();
    let mut attrs = Map::new();
    attrs.insert("url", Value::string(hanging.url.as_str()));
    engine
        .event(&blocker_eci, "slow", "fetch", Value::map(attrs))
        .expect("queued");
    hanging
        .accepted
        .recv_timeout(Duration::from_secs(20))
        .expect("the worker is busy");
    for _ in 0..5_000 {
        engine
            .event(&flooded_eci, "slow", "tick", Value::Null)
            .expect("queued");
    }
    engine
        .event(&other_eci, "slow", "tick", Value::Null)
        .expect("queued");
    let _ = hanging.release.send(());

    let count = |pico: &str| engine.ent(pico, "test.slow", "ticks").expect("the count");
    assert!(
        eventually(Duration::from_secs(30), || count(&other) == Value::from(1.0)),
        "the other pico's event never ran"
    );
    let done = count(&flooded).as_number().unwrap_or(0.0);
    assert!(
        done < 5_000.0,
        "the other pico waited for all {done} flooded events"
    );
    assert!(
        eventually(Duration::from_secs(60), || count(&flooded)
            == Value::from(5_000.0)),
        "the flooded pico finishes"
    );
}

#[test]
fn a_submitted_job_dropped_unrun_does_not_wedge_its_pico() {
    let engine = Engine::new(Arc::new(krl_jit::InterpreterBackend), EngineOptions::default());
    let eci = open_pico(&engine, engine.root_pico());
    // The pico is idle, so this caller claims its queue, then drops it without running it.
    let dropped = engine
        .submit_query(&eci, "test.slow", "hello", Value::Null)
        .expect("queued");
    drop(dropped);
    let (answer, answered) = mpsc::channel();
    let (engine2, eci2) = (engine.clone(), eci.clone());
    std::thread::spawn(move || {
        let _ = answer.send(engine2.query(&eci2, "test.slow", "hello", Value::Null));
    });
    let hello = answered
        .recv_timeout(Duration::from_secs(20))
        .expect("the pico is not wedged")
        .expect("answered");
    assert_eq!(hello, Value::string("hello"));
}
