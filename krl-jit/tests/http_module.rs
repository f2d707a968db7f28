//! The `http` module against a tiny local server that echoes each request back as JSON:
//! methods, `qs`, headers, `auth`, `json`/`form`/`body` bodies, `parseJSON`, statuses,
//! redirects, `autoraise` and `autosend`, and the reference's argument errors.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::value::Map;

/// Answers `/echo...` with `{method, path, headers, body}`, `/missing` with a 404,
/// `/redirect` with a 302 to `/echo`, and `/text` with plain text.
fn echo_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream));
        }
    });
    url
}

fn answer(mut stream: TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let mut lines = head.lines();
    let request_line: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
    let (method, path) = (request_line[0].to_string(), request_line[1].to_string());
    let mut headers = Map::new();
    for line in lines.filter(|l| !l.is_empty()) {
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), Value::string(value.trim()));
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.as_str()?.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = stream.read_exact(&mut body);
    let (status, extra, content_type, text) = if path.starts_with("/c/bad/") {
        // What a pico engine answers for an unknown ECI.
        (
            "200 OK",
            "",
            "application/json",
            r#"{"error":"Error: ECI not found bad"}"#.to_string(),
        )
    } else if path == "/missing" {
        ("404 Not Found", "", "text/plain", "no such thing".to_string())
    } else if path == "/redirect" {
        (
            "302 Found",
            "Location: /echo/redirected\r\n",
            "text/plain",
            String::new(),
        )
    } else if path == "/text" {
        (
            "200 OK",
            "X-Custom: yes\r\n",
            "text/plain",
            "not json".to_string(),
        )
    } else {
        let mut echo = Map::new();
        echo.insert("method", Value::string(method));
        echo.insert("path", Value::string(path));
        echo.insert("headers", Value::map(headers));
        echo.insert("body", Value::string(String::from_utf8_lossy(&body).to_string()));
        let text = Value::map(echo).encode(0).expect("JSON");
        ("200 OK", "", "application/json", text)
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{extra}Content-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}

const CLIENT: &str = r#"
ruleset test.http {
  meta { shares get, last, raised, sent }
  global {
    get = function(url, qs, headers, parse) {
      http:get(url, qs = qs, headers = headers, parseJSON = parse)
    }
    last = function() { ent:last }
    raised = function() { ent:raised }
    sent = function() { ent:sent }
  }
  rule post_json {
    select when test post_json
    http:post(event:attrs{"url"}, json = {"a": [1, 2]}, auth = {"username": "ann", "password": "pw"},
      parseJSON = true) setting(response)
    always { ent:last := response }
  }
  rule post_form {
    select when test post_form
    http:post(event:attrs{"url"}, form = {"foo": ["bar", "baz"], "x": "a b"}, parseJSON = true) setting(response)
    always { ent:last := response }
  }
  rule put_body {
    select when test put_body
    http:put(event:attrs{"url"}, body = "raw text", headers = {"Content-Type": "text/x-raw"},
      json = {"ignored": true}, parseJSON = true) setting(response)
    always { ent:last := response }
  }
  rule head_and_redirect {
    select when test redirect
    http:get(event:attrs{"url"}, dontFollowRedirect = event:attrs{"manual"}) setting(response)
    always { ent:last := response }
  }
  rule autoraise {
    select when test autoraise
    http:delete(event:attrs{"url"}, autoraise = "cleanup", parseJSON = true)
  }
  rule on_raised {
    select when http delete
    always { ent:raised := event:attrs }
  }
  rule autosend {
    select when test autosend
    http:patch(event:attrs{"url"}, autosend = {"eci": event:attrs{"eci"}, "domain": "test",
      "name": "answered", "data": {"attrs": {"mine": 1}}})
  }
  rule answered {
    select when test answered
    always { ent:sent := event:attrs }
  }
  rule send_elsewhere {
    select when test send_elsewhere
    event:send({"eci": event:attrs{"eci"}, "domain": "a", "type": "b", "attrs": {"x": 1}}, event:attrs{"host"})
  }
  rule bad_url {
    select when test bad_url
    http:get(event:attrs{"url"})
  }
}
"#;

fn setup() -> (Engine, String, String) {
    let engine = Engine::new(Arc::new(InterpreterBackend), EngineOptions::default());
    engine.register("file:///http.krl", CLIENT).expect("compiles");
    let root = engine.root_pico().to_string();
    engine
        .install(&root, "file:///http.krl", Map::new())
        .expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    (engine, eci, echo_server())
}

fn json(text: &str) -> Value {
    Value::decode(text).expect("valid JSON")
}

fn at<'v>(value: &'v Value, path: &[&str]) -> &'v Value {
    static NULL: Value = Value::Null;
    path.iter().fold(value, |v, key| {
        v.as_map().and_then(|m| m.get(key)).unwrap_or(&NULL)
    })
}

fn event(engine: &Engine, eci: &str, name: &str, attrs: Value) -> Result<(), String> {
    engine
        .event_wait(eci, "test", name, attrs)
        .map(|_| ())
        .map_err(|err| err.to_string())
}

fn last(engine: &Engine, eci: &str) -> Value {
    engine.query(eci, "test.http", "last", Value::Null).expect("last")
}

fn attrs(pairs: &[(&str, &str)]) -> Value {
    let mut map = Map::new();
    for (key, value) in pairs {
        map.insert(*key, Value::string(*value));
    }
    Value::map(map)
}

#[test]
fn get_sends_qs_and_headers_and_answers_the_response_map() {
    let (engine, eci, server) = setup();
    let mut args = Map::new();
    args.insert("url", Value::string(format!("{server}/echo?already=1")));
    args.insert("qs", json(r#"{"q": "a b&c", "list": ["x", "y"]}"#));
    args.insert("headers", json(r#"{"X-Test": "42"}"#));
    args.insert("parse", Value::Boolean(true));
    let response = engine
        .query(&eci, "test.http", "get", Value::map(args))
        .expect("http:get answers");
    assert_eq!(at(&response, &["status_code"]), &Value::number(200.0));
    assert_eq!(at(&response, &["status_line"]), &Value::string("OK"));
    assert_eq!(
        at(&response, &["content_type"]),
        &Value::string("application/json")
    );
    let echoed = at(&response, &["content"]);
    assert_eq!(at(echoed, &["method"]), &Value::string("GET"));
    // Matches pico-engine: a second `?` even though the URL has a query already.
    assert_eq!(
        at(echoed, &["path"]),
        &Value::string("/echo?already=1?q=a%20b%26c&list%5B0%5D=x&list%5B1%5D=y")
    );
    assert_eq!(at(echoed, &["headers", "x-test"]), &Value::string("42"));
    assert_eq!(
        at(echoed, &["headers", "user-agent"]),
        &Value::string("pico-engine-core-http")
    );
    let length = at(&response, &["content_length"]).as_number().expect("a length");
    assert!(length > 10.0);
    assert_eq!(
        at(&response, &["headers", "content-type"]),
        &Value::string("application/json")
    );

    // Without parseJSON the content stays text; parseJSON on text leaves it as text.
    let mut args = Map::new();
    args.insert("url", Value::string(format!("{server}/text")));
    args.insert("parse", Value::Boolean(true));
    let response = engine.query(&eci, "test.http", "get", Value::map(args)).unwrap();
    assert_eq!(at(&response, &["content"]), &Value::string("not json"));
    assert_eq!(at(&response, &["headers", "x-custom"]), &Value::string("yes"));
}

#[test]
fn bodies_auth_and_statuses() {
    let (engine, eci, server) = setup();
    let url = format!("{server}/echo");
    event(&engine, &eci, "post_json", attrs(&[("url", &url)])).unwrap();
    let echoed = last(&engine, &eci);
    let echoed = at(&echoed, &["content"]);
    assert_eq!(at(echoed, &["method"]), &Value::string("POST"));
    assert_eq!(at(echoed, &["body"]), &Value::string(r#"{"a":[1,2]}"#));
    assert_eq!(
        at(echoed, &["headers", "content-type"]),
        &Value::string("application/json")
    );
    assert_eq!(
        at(echoed, &["headers", "authorization"]),
        &Value::string("Basic YW5uOnB3")
    );

    event(&engine, &eci, "post_form", attrs(&[("url", &url)])).unwrap();
    let echoed = last(&engine, &eci);
    let echoed = at(&echoed, &["content"]);
    assert_eq!(
        at(echoed, &["body"]),
        &Value::string("foo%5B0%5D=bar&foo%5B1%5D=baz&x=a%20b")
    );
    assert_eq!(
        at(echoed, &["headers", "content-type"]),
        &Value::string("application/x-www-form-urlencoded")
    );

    // `body` wins over `json`, and the caller's content type over the default.
    event(&engine, &eci, "put_body", attrs(&[("url", &url)])).unwrap();
    let echoed = last(&engine, &eci);
    let echoed = at(&echoed, &["content"]);
    assert_eq!(at(echoed, &["method"]), &Value::string("PUT"));
    assert_eq!(at(echoed, &["body"]), &Value::string("raw text"));
    assert_eq!(
        at(echoed, &["headers", "content-type"]),
        &Value::string("text/x-raw")
    );

    // A 404 is an answer, not an error.
    let missing = format!("{server}/missing");
    event(&engine, &eci, "redirect", attrs(&[("url", &missing)])).unwrap();
    let response = last(&engine, &eci);
    assert_eq!(at(&response, &["status_code"]), &Value::number(404.0));
    assert_eq!(at(&response, &["content"]), &Value::string("no such thing"));

    // Redirects are followed unless `dontFollowRedirect`.
    let redirect = format!("{server}/redirect");
    event(&engine, &eci, "redirect", attrs(&[("url", &redirect)])).unwrap();
    let response = last(&engine, &eci);
    assert_eq!(at(&response, &["status_code"]), &Value::number(200.0));
    assert!(
        at(&response, &["content"])
            .to_krl_string()
            .contains("/echo/redirected")
    );
    event(
        &engine,
        &eci,
        "redirect",
        attrs(&[("url", &redirect), ("manual", "yes")]),
    )
    .unwrap();
    assert_eq!(at(&last(&engine, &eci), &["status_code"]), &Value::number(302.0));
}

#[test]
fn autoraise_raises_http_events_and_autosend_sends_one() {
    let (engine, eci, server) = setup();
    let url = format!("{server}/echo/raised");
    event(&engine, &eci, "autoraise", attrs(&[("url", &url)])).unwrap();
    let raised = engine.query(&eci, "test.http", "raised", Value::Null).unwrap();
    assert_eq!(at(&raised, &["label"]), &Value::string("cleanup"));
    assert_eq!(at(&raised, &["status_code"]), &Value::number(200.0));
    assert_eq!(at(&raised, &["content", "method"]), &Value::string("DELETE"));

    let url = format!("{server}/echo/sent");
    event(&engine, &eci, "autosend", attrs(&[("url", &url), ("eci", &eci)])).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let sent = loop {
        let sent = engine.query(&eci, "test.http", "sent", Value::Null).unwrap();
        if !sent.is_null() || Instant::now() > deadline {
            break sent;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(at(&sent, &["mine"]), &Value::number(1.0));
    assert_eq!(at(&sent, &["status_code"]), &Value::number(200.0));
    assert!(at(&sent, &["content"]).to_krl_string().contains("PATCH"));
}

#[test]
fn bad_urls_fail_with_the_reference_errors() {
    let (engine, eci, _server) = setup();
    assert_eq!(
        event(&engine, &eci, "bad_url", Value::Null).unwrap_err(),
        "Error: http:get needs a url string"
    );
    let mut number = Map::new();
    number.insert("url", Value::number(5.0));
    assert_eq!(
        event(&engine, &eci, "bad_url", Value::map(number)).unwrap_err(),
        "TypeError: http:get was given 5 instead of a url string"
    );
    // Nothing listens there: a network error fails the rule.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let err = event(
        &engine,
        &eci,
        "bad_url",
        attrs(&[("url", &format!("http://{closed}/x"))]),
    )
    .unwrap_err();
    assert!(err.contains("request to http://"), "{err}");
    let err = event(
        &engine,
        &eci,
        "bad_url",
        attrs(&[("url", "https://127.0.0.1:1/x")]),
    )
    .unwrap_err();
    // https is supported: nothing listens there, so it is a connection error too.
    assert!(err.contains("request to https://127.0.0.1:1/x failed"), "{err}");
    assert!(err.contains("Connection refused"), "{err}");
}

/// Waits until the root pico's log has an error line containing `needle`.
fn logged_error(engine: &Engine, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let found = engine
            .logs(engine.root_pico())
            .into_iter()
            .find(|entry| entry.level == "error" && entry.message.contains(needle));
        if let Some(entry) = found {
            return entry.message;
        }
        assert!(Instant::now() < deadline, "no error line with {needle:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn failed_deliveries_to_other_engines_are_logged_on_the_sending_pico() {
    let (engine, eci, server) = setup();
    // The other engine refuses the event (unknown ECI), answering as pico-engine does.
    event(
        &engine,
        &eci,
        "send_elsewhere",
        attrs(&[("eci", "bad"), ("host", &server)]),
    )
    .unwrap();
    let line = logged_error(&engine, "ECI not found bad");
    assert!(
        line.starts_with(&format!("event to {server}/c/bad/event/a/b failed")),
        "{line}"
    );
    // Nothing listens on the host at all.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let host = format!("http://{closed}");
    event(
        &engine,
        &eci,
        "send_elsewhere",
        attrs(&[("eci", "x"), ("host", &host)]),
    )
    .unwrap();
    logged_error(&engine, &format!("event to {host}/c/x/event/a/b failed"));
    // An autosend whose request fails: the call succeeded, the failure is logged.
    let url = format!("http://{closed}/nothing");
    event(&engine, &eci, "autosend", attrs(&[("url", &url), ("eci", &eci)])).unwrap();
    logged_error(&engine, "http autosend error");
}
