//! The HTTP API in-process: a real server on 127.0.0.1 port 0, every route of
//! pico-engine 1.x used with an HTTP client, good and bad requests (engine.md §8).

#[path = "support/http_server.rs"]
mod http_server;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::http::HttpOptions;
use krl_runtime::{Map, Value};
use serde_json::{Value as Json, json};

const ECHO: &str = r#"
ruleset test.echo {
  meta {
    shares hello, page, number, times, args
  }
  global {
    hello = function(name) { "Hello " + name }
    page = function() { "<h1>hi</h1>" }
    number = function() { 5 }
    times = function() { ent:count.defaultsTo(0) }
    args = function(a, b) { {"a": a, "b": b} }
  }
  rule echo {
    select when echo hello
    send_directive("say", {"attrs": event:attrs, "time": event:time})
    fired { ent:count := times() + 1 }
  }
  rule first_cookie {
    select when web login
    send_directive("_cookie", {"cookie": "session=abc; Path=/"})
  }
  rule second_cookie {
    select when web login
    send_directive("_cookie", {"cookie": "theme=dark"})
  }
  rule redirect {
    select when web go
    send_directive("_redirect", {"url": "http://example.com/next"})
  }
}
"#;

struct Server {
    base: String,
    /// Allows everything.
    eci: String,
    /// Allows only `echo:hello` events and `test.echo/hello` queries.
    narrow_eci: String,
    root: String,
    engine: Engine,
}

fn start(options: HttpOptions) -> Server {
    let engine_options = EngineOptions {
        workers: 2,
        ..EngineOptions::default()
    };
    let engine = Engine::new(Arc::new(krl_jit::InterpreterBackend), engine_options);
    let root = engine.root_pico().to_string();
    engine
        .register("test://echo.krl", ECHO)
        .expect("the test ruleset compiles");
    engine
        .install(&root, "test://echo.krl", Map::new())
        .expect("the test ruleset installs");
    let tags = Value::array(vec![Value::string("test")]);
    let eci = engine
        .new_channel(&root, &tags, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    let event_policy = Value::from(json!({"allow": [{"domain": "echo", "name": "hello"}], "deny": []}));
    let query_policy = Value::from(json!({"allow": [{"rid": "test.echo", "name": "hello"}], "deny": []}));
    let narrow_eci = engine
        .new_channel(&root, &tags, &event_policy, &query_policy)
        .expect("a narrow channel")
        .id;

    let base = http_server::serve(engine.clone(), options, None);
    Server {
        base,
        eci,
        narrow_eci,
        root,
        engine,
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(20))
        .build()
}

/// Status, selected headers and body of any answer (4xx included).
struct Answer {
    status: u16,
    response_headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn json(&self) -> Json {
        serde_json::from_str(&self.body).unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn headers(&self, name: &str) -> Vec<&str> {
        self.response_headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn error(&self) -> String {
        assert_eq!(self.status, 200, "errors are answered with 200: {}", self.body);
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no `error` in {}", self.body))
            .to_string()
    }
}

fn send(request: ureq::Request, body: Option<(&str, &[u8])>) -> Answer {
    let result = match body {
        Some((content_type, bytes)) => request.set("Content-Type", content_type).send_bytes(bytes),
        None => request.call(),
    };
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(err) => panic!("no answer: {err}"),
    };
    let status = response.status();
    let mut response_headers = Vec::new();
    let mut names = response.headers_names();
    names.dedup();
    for name in names {
        for value in response.all(&name) {
            response_headers.push((name.clone(), value.to_string()));
        }
    }
    let body = response.into_string().expect("a text body");
    Answer {
        status,
        response_headers,
        body,
    }
}

impl Server {
    fn get(&self, path: &str) -> Answer {
        send(agent().get(&format!("{}{path}", self.base)), None)
    }

    fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Answer {
        send(
            agent().post(&format!("{}{path}", self.base)),
            Some((content_type, body)),
        )
    }

    fn method(&self, method: &str, path: &str) -> Answer {
        send(agent().request(method, &format!("{}{path}", self.base)), None)
    }
}

fn directives(answer: &Answer) -> Vec<Json> {
    answer.json()["directives"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("no directives in {}", answer.body))
}

#[test]
fn event_wait_merges_query_body_and_headers() {
    let server = start(HttpOptions::default());
    let eci = &server.eci;
    let body = br#"{"b": {"deep": [1, 2]}, "c": "from body"}"#;
    let answer = server.post(
        &format!("/c/{eci}/event-wait/echo/hello?a=1&c=from+query&list[]=x&list[]=y&m[k]=v"),
        "application/json",
        body,
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        answer.header("access-control-allow-headers"),
        Some("Origin, X-Requested-With, Content-Type, Accept, Idempotency-Key")
    );
    let said = directives(&answer);
    assert_eq!(said.len(), 1);
    let attrs = &said[0]["options"]["attrs"];
    assert_eq!(attrs["a"], "1");
    assert_eq!(attrs["b"], json!({"deep": [1, 2]}));
    assert_eq!(attrs["c"], "from body", "the body wins over the query string");
    assert_eq!(attrs["list"], json!(["x", "y"]));
    assert_eq!(attrs["m"], json!({"k": "v"}));
    assert_eq!(attrs["_headers"]["content-type"], "application/json");
    assert!(answer.json()["eid"].is_string());

    // Forms use the simple parser: no nesting, repeated keys make arrays.
    let answer = server.post(
        &format!("/c/{eci}/event-wait/echo/hello"),
        "application/x-www-form-urlencoded",
        b"f[x]=1&r=1&r=2",
    );
    let attrs = &directives(&answer)[0]["options"]["attrs"];
    assert_eq!(attrs["f[x]"], "1");
    assert_eq!(attrs["r"], json!(["1", "2"]));

    // Other content types contribute nothing.
    let answer = server.post(
        &format!("/c/{eci}/event-wait/echo/hello?q=1"),
        "text/plain",
        b"a=1",
    );
    let attrs = &directives(&answer)[0]["options"]["attrs"];
    assert_eq!(attrs["q"], "1");
    assert!(attrs.get("a").is_none());
}

#[test]
fn fire_and_forget_event_answers_its_eid() {
    let server = start(HttpOptions::default());
    let answer = server.get(&format!("/c/{}/event/echo/hello", server.eci));
    let eid = answer.json();
    assert!(eid.as_str().is_some_and(|eid| !eid.is_empty()), "{}", answer.body);
    // Any method is accepted.
    let answer = server.method("PUT", &format!("/c/{}/event/echo/hello", server.eci));
    assert!(answer.json().is_string());
    let mut times = Value::Null;
    for _ in 0..200 {
        times = server
            .engine
            .ent(&server.root, "test.echo", "count")
            .expect("the root pico");
        if times.encode(0).as_deref() == Some("2") {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(times.encode(0).as_deref(), Some("2"));
}

#[test]
fn queries_answer_json_html_and_text() {
    let server = start(HttpOptions::default());
    let eci = &server.eci;
    assert_eq!(
        server
            .get(&format!("/c/{eci}/query/test.echo/hello?name=Ada"))
            .json(),
        "Hello Ada"
    );
    let answer = server.post(
        &format!("/c/{eci}/query/test.echo/args?a=q"),
        "application/json",
        br#"{"b": [true]}"#,
    );
    assert_eq!(answer.json(), json!({"a": "q", "b": [true]}));
    assert_eq!(
        server
            .get(&format!("/sky/cloud/{eci}/test.echo/hello?name=Bo"))
            .json(),
        "Hello Bo"
    );

    let html = server.get(&format!("/c/{eci}/query/test.echo/page.html"));
    assert_eq!(html.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(html.body, "<h1>hi</h1>");
    let text = server.get(&format!("/sky/cloud/{eci}/test.echo/page.txt"));
    assert_eq!(text.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(text.body, "<h1>hi</h1>");
    // Unknown suffixes answer JSON; a raw answer must be a string.
    assert_eq!(
        server.get(&format!("/c/{eci}/query/test.echo/page.json")).json(),
        "<h1>hi</h1>"
    );
    assert!(
        server
            .get(&format!("/c/{eci}/query/test.echo/number.html"))
            .error()
            .starts_with("TypeError: ")
    );
}

#[test]
fn event_query_runs_the_event_then_the_query() {
    let server = start(HttpOptions::default());
    let eci = &server.eci;
    assert_eq!(
        server
            .get(&format!("/c/{eci}/event/echo/hello/query/test.echo/times"))
            .json(),
        1
    );
    let answer = server.get(&format!(
        "/c/{eci}/event/echo/hello/query/test.echo/hello?name=Cy"
    ));
    assert_eq!(answer.json(), "Hello Cy");
}

#[test]
fn sky_event_sets_eid_attr_cookies_and_redirects() {
    let server = start(HttpOptions::default());
    let eci = &server.eci;
    let answer = server.get(&format!("/sky/event/{eci}/my-eid/echo/hello"));
    assert_eq!(directives(&answer)[0]["options"]["attrs"]["__eid"], "my-eid");
    let answer = server.get(&format!("/sky/event/{eci}/my-eid/echo/hello?__eid=given"));
    assert_eq!(directives(&answer)[0]["options"]["attrs"]["__eid"], "given");
    let answer = server.get(&format!("/sky/event/{eci}/none/echo/hello"));
    assert!(directives(&answer)[0]["options"]["attrs"].get("__eid").is_none());

    let answer = server.get(&format!("/sky/event/{eci}/none/web/login"));
    assert_eq!(
        answer.headers("set-cookie"),
        vec!["session=abc; Path=/", "theme=dark"]
    );
    assert_eq!(directives(&answer).len(), 2);
    // Only `/sky/event` honours the special directives.
    let answer = server.get(&format!("/c/{eci}/event-wait/web/login"));
    assert!(answer.headers("set-cookie").is_empty());

    let answer = server.get(&format!("/sky/event/{eci}/none/web/go"));
    assert_eq!(answer.status, 302);
    assert_eq!(answer.header("location"), Some("http://example.com/next"));
}

#[test]
fn errors_are_answered_as_the_reference_does() {
    let server = start(HttpOptions::default());
    let (eci, narrow) = (&server.eci, &server.narrow_eci);
    assert_eq!(
        server.get("/c/nope/query/a/b").error(),
        "Error: ECI not found nope"
    );
    assert_eq!(
        server.get("/c/nope/event-wait/a/b").error(),
        "Error: ECI not found nope"
    );
    assert_eq!(
        server.get("/sky/event/nope/none/a/b").error(),
        "Error: ECI not found nope"
    );
    assert_eq!(
        server.get(&format!("/c/{eci}/query/io.x/hello")).error(),
        "Error: Pico doesn't have io.x installed."
    );
    assert_eq!(
        server.get(&format!("/c/{eci}/query/test.echo/nope")).error(),
        "Error: Ruleset test.echo does not have query function \"nope\""
    );
    assert_eq!(
        server
            .post(&format!("/c/{narrow}/event-wait/a/b"), "application/json", b"{}")
            .error(),
        "Error: Not allowed by channel policy"
    );
    assert_eq!(
        server.get(&format!("/c/{narrow}/query/test.echo/times")).error(),
        "Error: Not allowed by channel policy"
    );
    assert_eq!(
        server
            .get(&format!("/c/{narrow}/query/test.echo/hello?name=N"))
            .json(),
        "Hello N"
    );
    // The root's own channel is a family channel.
    assert!(
        server
            .get(&format!("/c/{}/query/test.echo/hello", server.root))
            .error()
            .contains("family channel")
    );

    let malformed = server.post(
        &format!("/c/{eci}/event-wait/echo/hello"),
        "application/json",
        b"{\"a\": ",
    );
    assert!(
        malformed.error().starts_with("SyntaxError: "),
        "{}",
        malformed.body
    );
    let scalar = server.post(
        &format!("/c/{eci}/query/test.echo/times"),
        "application/json",
        b"12",
    );
    assert!(scalar.error().starts_with("SyntaxError: "));

    // Just over the 100 KiB default limit: small enough that the whole request fits in the
    // loopback socket buffers, so the answer cannot race the upload.
    let big = format!("{{\"a\": \"{}\"}}", "x".repeat(100 * 1024 + 16));
    let answer = server.post(
        &format!("/c/{eci}/event-wait/echo/hello"),
        "application/json",
        big.as_bytes(),
    );
    assert!(
        answer
            .error()
            .starts_with("PayloadTooLargeError: request entity too large"),
        "{}",
        answer.body
    );

    // Blank path segments fail the reference's event and query cleaning.
    assert_eq!(
        server.get(&format!("/c/{eci}/event-wait/%20/hello")).error(),
        "Error: missing event.domain"
    );

    // The server is still fine.
    assert_eq!(
        server
            .get(&format!("/c/{eci}/query/test.echo/hello?name=ok"))
            .json(),
        "Hello ok"
    );
}

#[test]
fn oversized_chunked_body_is_refused() {
    let server = start(HttpOptions {
        max_json_bytes: 1024,
        ..HttpOptions::default()
    });
    let addr = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let chunk = "y".repeat(4000);
    let request = format!(
        "POST /c/{}/event-wait/echo/hello HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        server.eci,
        chunk.len()
    );
    stream.write_all(request.as_bytes()).expect("write");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains("PayloadTooLargeError: request entity too large"),
        "{answer}"
    );
}

#[test]
fn ui_context_flush_preflight_and_unknown_routes() {
    let server = start(HttpOptions::default());
    let context = server.get("/api/ui-context").json();
    assert_eq!(context["eci"], "the-ui-eci");
    assert!(context["version"].is_string());
    assert_eq!(server.method("POST", "/api/ui-context").status, 404);

    let preflight = server.method("OPTIONS", "/c/anything/at/all");
    assert_eq!(preflight.status, 200);
    assert_eq!(preflight.body, "");
    assert_eq!(
        preflight.header("access-control-allow-methods"),
        Some("POST, GET, OPTIONS")
    );
    assert_eq!(preflight.header("allow"), Some("POST, GET, OPTIONS"));

    let missing = server.get("/nope");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Cannot GET /nope"));
    // CORS headers only on the pico routes (docs/security.md), unlike the reference.
    assert_eq!(missing.header("access-control-allow-origin"), None);

    assert_eq!(server.get("/api/flush").error(), "TypeError: Expected `url`");
    let dir = std::env::temp_dir().join(format!("krl-http-flush-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let file = dir.join("flushed.krl");
    std::fs::write(
        &file,
        "ruleset test.flushed {\n  meta { shares v }\n  global { v = 1 }\n}\n",
    )
    .expect("write");
    let url = format!("file://{}", file.display());
    let answer = server.get(&format!("/api/flush?url={url}"));
    assert_eq!(answer.json()["rid"], "test.flushed", "{}", answer.body);
    assert_eq!(answer.json()["url"], url.as_str());
    // The hash is the SHA-256 of the text, in hex; `flushed` is when it was compiled.
    let hash = answer.json()["hash"].as_str().unwrap_or_default().to_string();
    assert!(
        hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{}",
        answer.body
    );
    let flushed = answer.json()["flushed"].as_str().unwrap_or_default().to_string();
    assert!(flushed.ends_with('Z') && flushed.contains('T'), "{}", answer.body);
    // Flushing the same text again keeps that version; a new text gets a new hash.
    let again = server.get(&format!("/api/flush?url={url}"));
    assert_eq!(again.json()["hash"], hash.as_str());
    assert_eq!(again.json()["flushed"], flushed.as_str());
    std::fs::write(
        &file,
        "ruleset test.flushed {\n  meta { shares v }\n  global { v = 2 }\n}\n",
    )
    .expect("write");
    let changed = server.get(&format!("/api/flush?url={url}"));
    assert_ne!(changed.json()["hash"], hash.as_str(), "{}", changed.body);
    assert_eq!(changed.json()["compiler"]["warnings"], serde_json::json!([]));
    // The compiler's warnings: our checker's lints, located as the reference locates them.
    std::fs::write(
        &file,
        "ruleset test.flushed {\n  rule r {\n    select when a b\n    send_directive(event:attr(\"x\"))\n  }\n}\n",
    )
    .expect("write");
    let warned = server.get(&format!("/api/flush?url={url}"));
    let warning = &warned.json()["compiler"]["warnings"][0];
    assert!(
        warning["message"].as_str().unwrap_or_default().contains("W0107"),
        "{}",
        warned.body
    );
    assert_eq!(
        warning["loc"]["start"],
        serde_json::json!({"line": 4, "column": 19}),
        "{}",
        warned.body
    );
    // `krl check` makes too many arguments an error; the engine installs the ruleset and
    // reports it with the other lints.
    std::fs::write(
        &file,
        "ruleset test.flushed {\n  meta { shares v }\n  global {\n    v = function() { math:abs(1, 2) }\n  }\n}\n",
    )
    .expect("write");
    let extra = server.get(&format!("/api/flush?url={url}"));
    assert!(
        extra.json()["compiler"]["warnings"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("W0109"),
        "{}",
        extra.body
    );
    std::fs::write(&file, "ruleset test.flushed {\n  global {\n    v = \n}\n").expect("write");
    let broken = server
        .post(
            "/api/flush",
            "application/x-www-form-urlencoded",
            format!("url={url}").as_bytes(),
        )
        .error();
    // One message naming the file and the place, with its class said once.
    assert!(
        broken.starts_with("ParseError: ") && broken.contains(&format!("[at {}:4:1]", file.display())),
        "{broken}"
    );
    assert!(
        server
            .get("/api/flush?url=file:///no/such/file.krl")
            .error()
            .contains("/no/such/file.krl")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn event_time_is_trusted_only_when_asked() {
    let untrusted = start(HttpOptions::default());
    let path = format!("/c/{}/event-wait/echo/hello", untrusted.eci);
    let answer = send(
        agent()
            .get(&format!("{}{path}", untrusted.base))
            .set("X-Pico-Event-Time", "1234"),
        None,
    );
    let time = directives(&answer)[0]["options"]["time"]
        .as_f64()
        .expect("a number");
    assert!(time > 1_000_000.0, "the engine clock, not the header: {time}");

    let trusted = start(HttpOptions {
        trust_event_time: true,
        ..HttpOptions::default()
    });
    let path = format!("/c/{}/event-wait/echo/hello", trusted.eci);
    let answer = send(
        agent()
            .get(&format!("{}{path}", trusted.base))
            .set("X-Pico-Event-Time", "1234"),
        None,
    );
    assert_eq!(directives(&answer)[0]["options"]["time"], 1234);
    let answer = send(
        agent()
            .get(&format!("{}{path}", trusted.base))
            .set("X-Pico-Event-Time", "soon"),
        None,
    );
    assert!(answer.error().starts_with("TypeError: "));
}

#[test]
fn own_routes_list_picos_and_logs() {
    let server = start(HttpOptions::default());
    let picos = server.get("/api/picos").json();
    assert_eq!(picos["root"], server.root.as_str());
    assert_eq!(picos["picos"][0]["id"], server.root.as_str());
    assert_eq!(picos["picos"][0]["rulesets"][0]["rid"], "test.echo");
    assert_eq!(picos["picos"][0]["channels"].as_array().map(Vec::len), Some(2));
    let logs = server.get("/api/logs?after=0").json();
    assert!(logs["entries"].is_array());
    assert!(logs["next"].is_u64());
}

/// A flushed ruleset is compiled on one of the server's threads (2 MiB of stack): nesting
/// deeper than the limit is a compile error, and the server stays up.
#[test]
fn deeply_nested_rulesets_flushed_over_http_are_refused() {
    let server = start(HttpOptions::default());
    let dir = std::env::temp_dir().join(format!("krl-http-nesting-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let flush = |name: &str, global: String| {
        let file = dir.join(name);
        std::fs::write(
            &file,
            format!("ruleset test.deep {{\n  global {{\n    v = {global}\n  }}\n}}\n"),
        )
        .expect("write");
        server.get(&format!("/api/flush?url=file://{}", file.display()))
    };
    let deep_arrays = flush(
        "arrays.krl",
        format!("{}1{}", "[".repeat(20_000), "]".repeat(20_000)),
    );
    assert!(
        deep_arrays.error().contains("nesting deeper than 500 levels"),
        "{}",
        deep_arrays.body
    );
    let long_sum = flush("sum.krl", format!("1{}", " + 1".repeat(2_000)));
    assert!(
        long_sum.error().contains("nesting deeper than 500 levels"),
        "{}",
        long_sum.body
    );
    // Just within the limit (the `global` brace is the first level) it compiles.
    let within = flush("within.krl", format!("{}1{}", "[".repeat(499), "]".repeat(499)));
    assert_eq!(within.json()["rid"], "test.deep", "{}", within.body);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A directive and a log entry holding a value nested 30,000 deep are answered (on the
/// server's 2 MiB threads) without overflowing the stack.
#[test]
fn deeply_nested_directives_and_logs_are_answered() {
    const DEEP: &str = r#"
ruleset test.deep_directive {
  rule deep {
    select when deep go
    pre { v = 1.range(30000).reduce(function(acc, n) { [acc] }, 0) }
    send_directive("deep", {"v": v.klog("deep")})
  }
}
"#;
    let server = start(HttpOptions::default());
    server
        .engine
        .register("test://deep.krl", DEEP)
        .expect("the ruleset compiles");
    server
        .engine
        .install(&server.root, "test://deep.krl", Map::new())
        .expect("the ruleset installs");
    let answer = server.get(&format!("/sky/event/{}/none/deep/go", server.eci));
    assert_eq!(answer.status, 200, "{}", answer.body);
    let deep = format!("{}0{}", "[".repeat(30_000), "]".repeat(30_000));
    assert!(answer.body.contains(&deep));
    let logs = server.get(&format!("/api/logs?pico={}", server.root));
    assert_eq!(logs.status, 200, "{}", logs.body);
    assert!(logs.body.contains(&deep), "the klog entry with its data");
}
