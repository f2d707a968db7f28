//! The developer UI's routes without a browser (docs/ui.md), in process on 127.0.0.1 port
//! 0: the page and its files under the engine's Content-Security-Policy, the admin URL's
//! token turned into an `/api`-only cookie, and the read-only routes `/api/boxes`,
//! `/api/state`, `/api/source` and `/api/updates`.

#[path = "support/http_server.rs"]
mod http_server;

use std::io::{BufRead, BufReader};
use std::sync::Arc;
use std::time::Duration;

use krl_runtime::engine::{Engine, EngineOptions, system};
use krl_runtime::http::{HttpApi, HttpOptions};
use krl_runtime::{Map, Value};
use serde_json::Value as Json;

const TOKEN: &str = "ui-test-token";
const URL: &str = "test://counter.krl";
const COUNTER: &str = r#"ruleset test.counter {
  meta {
    shares n
  }
  global {
    n = function() {
      ent:n
    }
  }
  rule count {
    select when counter bump
    fired {
      ent:n := (ent:n || 0) + 1
      ent:seen := {"last": event:attrs{"who"}, "all": [event:attrs{"who"}]}
    }
  }
}
"#;

struct Server {
    base: String,
    engine: Engine,
    eci: String,
}

fn start() -> Server {
    let engine = Engine::new(Arc::new(krl_jit::InterpreterBackend), EngineOptions::default());
    engine.register(URL, COUNTER).expect("the test ruleset compiles");
    let root = engine.root_pico().to_string();
    engine
        .install(&root, URL, Map::new())
        .expect("the test ruleset installs");
    let tags = Value::array(vec![Value::string("test")]);
    let eci = engine
        .new_channel(&root, &tags, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    let options = HttpOptions {
        admin_token: Some(TOKEN.to_string()),
        ..HttpOptions::default()
    };
    let base = http_server::serve(engine.clone(), options, None);
    Server { base, engine, eci }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .redirects(0)
        .build()
}

fn get(url: &str, token: bool) -> ureq::Response {
    let mut request = agent().get(url);
    if token {
        request = request.set("Authorization", &format!("Bearer {TOKEN}"));
    }
    match request.call() {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(err) => panic!("no answer from {url}: {err}"),
    }
}

#[test]
fn the_page_and_its_files_are_served_under_the_csp() {
    let server = start();
    let page = get(&format!("{}/", server.base), false);
    assert_eq!(page.status(), 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    let csp = page.header("content-security-policy").expect("a CSP").to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    let html = page.into_string().expect("text");
    assert!(html.contains(r#"<script type="module" src="/ui/app.js"></script>"#));
    // The CSP allows no inline script: every script is a file.
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script type=\"module\" src=").count()
    );
    // Every module the page imports is served, as JavaScript.
    let mut pending = vec!["app.js".to_string()];
    let mut seen = Vec::new();
    while let Some(file) = pending.pop() {
        if seen.contains(&file) {
            continue;
        }
        let answer = get(&format!("{}/ui/{file}", server.base), false);
        assert_eq!(answer.status(), 200, "{file}");
        assert_eq!(
            answer.header("content-type"),
            Some("text/javascript; charset=utf-8"),
            "{file}"
        );
        let text = answer.into_string().expect("text");
        for line in text.lines().filter(|l| l.starts_with("import ")) {
            let imported = line.split("\"./").nth(1).and_then(|rest| rest.split('"').next());
            pending.push(imported.expect("a relative import").to_string());
        }
        seen.push(file);
    }
    assert!(seen.len() >= 5, "{seen:?}");
    // Each imported module is preloaded: the browser asks for them all at once instead of
    // discovering one import level after another (issue #15's graph within 300 ms).
    for file in seen.iter().filter(|file| *file != "app.js") {
        let preload = format!(r#"<link rel="modulepreload" href="/ui/{file}">"#);
        assert!(html.contains(&preload), "{preload} is missing from the page");
    }
    let css = get(&format!("{}/ui/style.css", server.base), false);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(get(&format!("{}/ui/nope.js", server.base), false).status(), 404);
}

#[test]
fn the_admin_url_sets_an_api_only_cookie_and_leaves_the_address_bar() {
    let server = start();
    let answer = get(&format!("{}/?token={TOKEN}", server.base), false);
    assert_eq!(answer.status(), 303);
    assert_eq!(answer.header("location"), Some("/"));
    assert_eq!(
        answer.header("set-cookie"),
        Some(format!("krl-token={TOKEN}; Path=/api; HttpOnly; SameSite=Strict").as_str())
    );
    // A wrong token gets the page, which then says to open the admin URL; no cookie.
    let wrong = get(&format!("{}/?token=guess", server.base), false);
    assert_eq!(wrong.status(), 200);
    assert_eq!(wrong.header("set-cookie"), None);
}

#[test]
fn boxes_answers_every_picos_box_level_by_level_in_one_request() {
    const UI: &str = "io.picolabs.pico-engine-ui";
    let engine = Engine::new(Arc::new(krl_jit::InterpreterBackend), EngineOptions::default());
    let root = system::boot(&engine).expect("the system rulesets boot");
    let options = HttpOptions {
        admin_token: Some(TOKEN.to_string()),
        ..HttpOptions::default()
    };
    let base = http_server::serve_api(HttpApi::new(engine.clone(), root.clone(), options), None);
    let new_child = |parent: &str, name: &str| {
        let attrs = Value::from(serde_json::json!({ "name": name }));
        engine
            .event_wait(parent, "engine_ui", "new", attrs)
            .expect("engine_ui:new runs");
        let children = engine
            .query(parent, UI, "box", Value::Null)
            .expect("the parent's box")
            .to_json()["children"]
            .as_array()
            .and_then(|c| c.last())
            .and_then(Json::as_str)
            .map(str::to_string);
        children.expect("the new child's UI ECI")
    };
    // A tree three levels deep, the deepest child made first: the answer goes by level.
    let a = new_child(&root, "a");
    let a1 = new_child(&a, "a1");
    let b = new_child(&root, "b");
    let url = format!("{base}/api/boxes");
    assert_eq!(get(&url, false).status(), 401);
    let boxes: Json = serde_json::from_str(&get(&url, true).into_string().expect("text")).expect("JSON");
    let one_by_one: Vec<Json> = [&root, &a, &b, &a1]
        .iter()
        .map(|eci| {
            engine
                .query(eci, UI, "box", Value::Null)
                .expect("a box")
                .to_json()
        })
        .collect();
    assert_eq!(boxes, Json::Array(one_by_one), "{boxes:#}");
    let names: Vec<&str> = boxes
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|b| b["name"].as_str())
        .collect();
    assert_eq!(names[1..], ["a", "b", "a1"]);
}

#[test]
fn state_shows_every_entity_variable_of_the_channels_pico() {
    let server = start();
    let url = format!("{}/api/state?eci={}", server.base, server.eci);
    assert_eq!(get(&url, false).status(), 401);
    let empty: Json = serde_json::from_str(&get(&url, true).into_string().expect("text")).expect("JSON");
    assert_eq!(empty, serde_json::json!({"rulesets": {}}));
    server
        .engine
        .event_wait(
            &server.eci,
            "counter",
            "bump",
            Value::from(serde_json::json!({"who": "Ada"})),
        )
        .expect("the event runs");
    let state: Json = serde_json::from_str(&get(&url, true).into_string().expect("text")).expect("JSON");
    assert_eq!(
        state,
        serde_json::json!({"rulesets": {"test.counter": {"n": 1, "seen": {"last": "Ada", "all": ["Ada"]}}}})
    );
    let unknown: Json = serde_json::from_str(
        &get(&format!("{}/api/state?eci=nope", server.base), true)
            .into_string()
            .expect("text"),
    )
    .expect("JSON");
    assert!(
        unknown["error"].as_str().is_some_and(|e| e.contains("nope")),
        "{unknown}"
    );
}

#[test]
fn source_answers_the_text_the_engine_compiled() {
    let server = start();
    let answer = get(&format!("{}/api/source?url={URL}", server.base), true);
    assert_eq!(answer.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(answer.into_string().expect("text"), COUNTER);
    let missing = get(&format!("{}/api/source?url=test://other.krl", server.base), true);
    assert!(
        missing
            .into_string()
            .expect("text")
            .contains("no ruleset is registered under `test://other.krl`")
    );
    assert_eq!(
        get(&format!("{}/api/source?url={URL}", server.base), false).status(),
        401
    );
}

#[test]
fn updates_stream_a_message_when_events_have_finished() {
    let server = start();
    let answer = get(&format!("{}/api/updates", server.base), true);
    assert_eq!(answer.header("content-type"), Some("text/event-stream"));
    let mut lines = BufReader::new(answer.into_reader()).lines().map_while(Result::ok);
    let mut next_data = || {
        lines
            .by_ref()
            .find_map(|line| line.strip_prefix("data: ").map(str::to_string))
            .expect("an update")
    };
    assert_eq!(next_data(), r#"{"events":0}"#);
    server
        .engine
        .event_wait(&server.eci, "counter", "bump", Value::Null)
        .expect("the event runs");
    assert_eq!(next_data(), r#"{"events":1}"#);
    // A query changes nothing: no update for it, so the next one is the next event's.
    let n = server
        .engine
        .query(&server.eci, "test.counter", "n", Value::Null)
        .expect("the query runs");
    assert_eq!(n, Value::from(1.0));
    server
        .engine
        .event_wait(&server.eci, "counter", "bump", Value::Null)
        .expect("the event runs");
    assert_eq!(next_data(), r#"{"events":2}"#);
}
