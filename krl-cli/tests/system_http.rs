//! The system rulesets through `krl run` over HTTP: a child made with wrangler gets a ruleset
//! installed by `http://` URL and a channel through `engine_ui:new_channel`, then is queried
//! and deleted; a subscription between picos on two engines carries events; and after both
//! engines restart on the same homes everything is back. Events sent from one engine to
//! another arrive in the order sent, also when the sender is killed before it could deliver
//! them and the receiver was down meanwhile.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use krl_run::{KrlRun, temp_dir};

use serde_json::{Value, json};

const UI: &str = "io.picolabs.pico-engine-ui";
const SUBSCRIPTION: &str = "io.picolabs.subscription";
const PDS: &str = "io.picolabs.pds";
const DIDO: &str = "io.picolabs.did-o";
const WRANGLER: &str = "io.picolabs.wrangler";
/// What the UI's `install` leaves on a new child: the system rulesets wrangler installs on
/// every child, in order, then the installed one.
const SENSOR_RIDS: [&str; 6] = [UI, WRANGLER, PDS, SUBSCRIPTION, DIDO, "test.greeter"];

const GREETER: &str = r#"ruleset test.greeter {
  meta { shares hello }
  global { hello = function(name) { "Hello " + name + ent:suffix.defaultsTo("") } }
  rule set_suffix {
    select when greeter suffix
    always { ent:suffix := event:attrs{"suffix"} }
  }
}
"#;

const PINGS: &str = r#"ruleset test.pings {
  meta { shares pings }
  global { pings = function() { ent:pings.defaultsTo([]) } }
  rule ping {
    select when sensor ping
    always { ent:pings := pings().append(event:attrs{"n"}) }
  }
}
"#;

/// Sends `count` pings (`n` from `first` on) to `eci` on the engine at `host`, in one
/// transaction.
const SENDER: &str = r#"ruleset test.sender {
  rule send {
    select when test send
    foreach 0.range(event:attrs{"count"} - 1) setting (i)
    event:send({"eci": event:attrs{"eci"}, "domain": "sensor", "type": "ping",
      "attrs": {"n": event:attrs{"first"} + i}}, event:attrs{"host"})
  }
}
"#;

/// A `krl run` with the requests these tests send to it.
struct Engine(KrlRun);

impl std::ops::Deref for Engine {
    type Target = KrlRun;

    fn deref(&self) -> &KrlRun {
        &self.0
    }
}

impl Engine {
    fn start(home: &Path, port: u16) -> Engine {
        Engine::start_with(home, port, &[])
    }

    fn start_with(home: &Path, port: u16, rulesets: &[&str]) -> Engine {
        let mut args: Vec<&OsStr> = vec![OsStr::new("--home"), home.as_os_str()];
        args.extend(rulesets.iter().map(OsStr::new));
        Engine(KrlRun::start(port, &args))
    }

    fn stop(self) {
        let (status, stderr) = self.0.stop();
        assert!(
            status.success(),
            "krl run stops cleanly on SIGTERM: {status}\n{stderr}"
        );
    }

    /// `POST /c/<eci>/event-wait/<domain>/<type>` with a JSON body; the answer's JSON.
    fn event(&self, eci: &str, domain_type: &str, attrs: Value) -> Value {
        let (domain, name) = domain_type.split_once(':').expect("domain:type");
        let url = format!("{}/c/{eci}/event-wait/{domain}/{name}", self.url);
        send(ureq::post(&url), Some(attrs))
    }

    /// `POST /c/<eci>/query/<rid>/<name>` with the arguments as a JSON body.
    fn query(&self, eci: &str, rid: &str, name: &str, args: Value) -> Value {
        let url = format!("{}/c/{eci}/query/{rid}/{name}", self.url);
        send(ureq::post(&url), Some(args))
    }

    fn rids(&self, ui_eci: &str) -> Vec<String> {
        let pico = self.query(ui_eci, UI, "pico", json!({}));
        let rulesets = pico["rulesets"].as_array().cloned().unwrap_or_default();
        rulesets
            .iter()
            .map(|r| r["rid"].as_str().unwrap_or("").to_string())
            .collect()
    }

    fn children(&self, ui_eci: &str) -> Vec<String> {
        let boxed = self.query(ui_eci, UI, "box", json!({}));
        let children = boxed["children"].as_array().cloned().unwrap_or_default();
        children
            .iter()
            .map(|c| c.as_str().unwrap_or("").to_string())
            .collect()
    }

    /// A child of the pico behind `parent_ui_eci`, made through the UI ruleset (which raises
    /// wrangler's `new_child_request`), once it has installed the last ruleset wrangler gives
    /// a child (DIDComm).
    fn new_child(&self, parent_ui_eci: &str, name: &str) -> String {
        let before = self.children(parent_ui_eci);
        self.event(parent_ui_eci, "engine_ui:new", json!({"name": name}));
        let child = self
            .children(parent_ui_eci)
            .into_iter()
            .find(|c| !before.contains(c))
            .expect("the parent's box lists the new child");
        eventually("the child's DIDComm ruleset", || {
            self.rids(&child).iter().any(|r| r == DIDO).then_some(())
        });
        child
    }

    /// The ECI of a channel tagged `tag` on the pico, made through `engine_ui:new_channel`.
    fn new_channel(&self, ui_eci: &str, tag: &str) -> String {
        self.event(ui_eci, "engine_ui:new_channel", json!({"tags": [tag]}));
        self.channel_tagged(ui_eci, tag)
            .expect("the new channel is listed")
    }

    fn channel_tagged(&self, ui_eci: &str, tag: &str) -> Option<String> {
        let pico = self.query(ui_eci, UI, "pico", json!({}));
        let channels = pico["channels"].as_array().cloned().unwrap_or_default();
        channels
            .iter()
            .find(|c| c["tags"] == json!([tag]))
            .map(|c| c["id"].as_str().unwrap_or("").to_string())
    }
}

/// Sends a request and decodes its JSON answer, whatever the status.
fn send(request: ureq::Request, body: Option<Value>) -> Value {
    let request = request.timeout(Duration::from_secs(20));
    let result = match body {
        Some(body) => request
            .set("content-type", "application/json")
            .send_string(&body.to_string()),
        None => request.call(),
    };
    let response = match result {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(err) => panic!("request failed: {err}"),
    };
    let text = response.into_string().expect("a text answer");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

/// Polls `check` until it gives a value (20 s at most: the machine may be busy).
fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Polls `current` until it gives `expected` (20 s at most); on timeout the assertion shows
/// the last value seen.
fn eventually_equal(what: &str, expected: Value, mut current: impl FnMut() -> Value) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let seen = current();
        if seen == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: last saw {seen}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Serves fixed files over HTTP on 127.0.0.1 (what a ruleset host would be); 404 otherwise.
fn serve_files(files: &'static [(&'static str, &'static str)]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head);
            let path = head.split_whitespace().nth(1).unwrap_or("");
            let (status, body) = match files.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => ("200 OK", *body),
                None => ("404 Not Found", "not here"),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn system_rulesets_over_http_across_engines_and_restarts() {
    static FILES: &[(&str, &str)] = &[("/krl/test.greeter.krl", GREETER), ("/krl/test.pings.krl", PINGS)];
    let files = serve_files(FILES);
    let (home_a, home_b) = (temp_dir("system-a"), temp_dir("system-b"));
    let a = Engine::start(&home_a, 0);
    let b = Engine::start(&home_b, 0);

    // Engine A: a child made with wrangler, a ruleset installed into it by http:// URL.
    let sensor = a.new_child(&a.ui_eci, "sensor");
    let answer = a.event(
        &sensor,
        "engine_ui:install",
        json!({"url": format!("{files}/krl/test.greeter.krl")}),
    );
    assert!(answer["eid"].is_string(), "{answer}");
    assert_eq!(a.rids(&sensor), SENSOR_RIDS);
    // A URL the server does not have fails the install with the reference's message.
    let missing = a.event(
        &sensor,
        "engine_ui:install",
        json!({"url": format!("{files}/krl/nope.krl")}),
    );
    let error = missing["error"].as_str().unwrap_or_default();
    assert!(error.contains("Got a statusCode=404"), "{missing}");

    // A channel through engine_ui:new_channel, then the ruleset queried through it.
    let greeting = a.new_channel(&sensor, "greeting");
    a.event(&greeting, "greeter:suffix", json!({"suffix": "!"}));
    assert_eq!(
        a.query(&greeting, "test.greeter", "hello", json!({"name": "Ann"})),
        json!("Hello Ann!")
    );

    // Another child, deleted through the UI by its UI ECI.
    let temp = a.new_child(&a.ui_eci, "temp");
    assert_eq!(a.children(&a.ui_eci), [sensor.clone(), temp.clone()]);
    a.event(&a.ui_eci, "engine_ui:del", json!({"eci": temp}));
    assert_eq!(a.children(&a.ui_eci), std::slice::from_ref(&sensor));
    let gone = a.query(&temp, UI, "box", json!({}));
    assert_eq!(gone["error"], json!(format!("Error: ECI not found {temp}")));

    // Engine B: its root collects pings; A's sensor subscribes to it across engines.
    b.event(
        &b.ui_eci,
        "engine_ui:install",
        json!({"url": format!("{files}/krl/test.pings.krl")}),
    );
    let well_known = b.query(&b.ui_eci, SUBSCRIPTION, "wellKnown_Rx", json!({}));
    let well_known = well_known["id"]
        .as_str()
        .expect("B's well-known channel")
        .to_string();
    a.event(
        &sensor,
        "wrangler:subscription",
        json!({
            "wellKnown_Tx": well_known,
            "Tx_host": b.url,
            "Rx_role": "sensor",
            "Tx_role": "collector",
            "name": "temperatures",
        }),
    );
    let request = eventually("B's inbound request", || {
        let inbound = b.query(&b.ui_eci, SUBSCRIPTION, "inbound", json!({}));
        inbound.as_array()?.first().cloned()
    });
    assert_eq!(request["Tx_host"], json!(format!("http://localhost:{}", a.port)));
    let id = request["Id"].as_str().expect("an Id").to_string();
    b.event(
        &b.ui_eci,
        "wrangler:pending_subscription_approval",
        json!({"Id": id}),
    );
    let sensor_side = eventually("A's established subscription", || {
        let established = a.query(&sensor, SUBSCRIPTION, "established", json!({}));
        established.as_array()?.first().cloned()
    });
    assert_eq!(sensor_side["Id"], json!(id));
    assert_eq!(sensor_side["Tx_host"], json!(b.url));
    let collector_side = b.query(&b.ui_eci, SUBSCRIPTION, "established", json!({}))[0].clone();
    assert_eq!(sensor_side["Tx"], collector_side["Rx"]);
    assert_eq!(sensor_side["Rx"], collector_side["Tx"]);

    // Events across the subscription, from A's sensor to B's root.
    let send_ping = |n: u32| {
        a.event(
            &greeting,
            "wrangler:send_event_on_subs",
            json!({"Tx_role": "collector", "domain": "sensor", "type": "ping", "attrs": {"n": n}}),
        );
    };
    send_ping(1);
    send_ping(2);
    eventually_equal("two pings at B", json!([1, 2]), || {
        b.query(&b.eci, "test.pings", "pings", json!({}))
    });

    // Wrangler's queries: skyQuery over HTTP to the other engine, picoQuery on this one.
    let sky = |func: &str| {
        let args = json!({"eci": b.ui_eci, "mod": UI, "func": func, "_host": b.url});
        a.query(&a.eci, WRANGLER, "skyQuery", args)
    };
    assert_eq!(sky("name"), json!("Pico"));
    let failed = sky("nothing");
    assert_eq!(
        failed["error"],
        json!("sky query request was unsuccesful."),
        "{failed}"
    );
    // Matches pico-engine: errors come back with status 200 and an `error` key.
    assert_eq!(failed["httpStatus"]["code"], json!(200), "{failed}");
    assert_eq!(
        failed["picoQueryError"],
        json!("Error: Not allowed by channel policy")
    );
    let local = a.query(
        &a.eci,
        WRANGLER,
        "picoQuery",
        json!({"eci": sensor, "mod": UI, "func": "name"}),
    );
    assert_eq!(local, json!("sensor"));
    let own = a.query(
        &a.eci,
        WRANGLER,
        "picoQuery",
        json!({"eci": a.eci, "mod": UI, "func": "name"}),
    );
    assert_eq!(own["status_code"], json!(400));
    assert_eq!(
        own["status_line"],
        json!("HTTP/1.1 400 Pico should not query itself")
    );

    // Restart both on the same homes (and ports, which the subscription records name).
    let (port_a, port_b) = (a.port, b.port);
    let (ui_a, ui_b, eci_a) = (a.ui_eci.clone(), b.ui_eci.clone(), a.eci.clone());
    a.stop();
    b.stop();
    let a = Engine::start(&home_a, port_a);
    let b = Engine::start(&home_b, port_b);
    assert_eq!(
        (a.ui_eci.as_str(), b.ui_eci.as_str(), a.eci.as_str()),
        (ui_a.as_str(), ui_b.as_str(), eci_a.as_str())
    );

    // Picos, channels, rulesets and state.
    assert_eq!(a.children(&a.ui_eci), std::slice::from_ref(&sensor));
    assert_eq!(a.query(&sensor, UI, "box", json!({}))["name"], json!("sensor"));
    assert_eq!(a.rids(&sensor), SENSOR_RIDS);
    assert_eq!(a.channel_tagged(&sensor, "greeting"), Some(greeting.clone()));
    assert_eq!(
        a.query(&greeting, "test.greeter", "hello", json!({"name": "Bo"})),
        json!("Hello Bo!")
    );

    // Subscriptions: both records, and events still cross.
    assert_eq!(
        a.query(&sensor, SUBSCRIPTION, "established", json!({}))[0],
        sensor_side
    );
    assert_eq!(
        b.query(&b.ui_eci, SUBSCRIPTION, "established", json!({}))[0],
        collector_side
    );
    a.event(
        &greeting,
        "wrangler:send_event_on_subs",
        json!({"Tx_role": "collector", "domain": "sensor", "type": "ping", "attrs": {"n": 3}}),
    );
    eventually_equal("the third ping at B", json!([1, 2, 3]), || {
        b.query(&b.eci, "test.pings", "pings", json!({}))
    });

    // Cancelled from B's side: both engines drop it.
    b.event(&b.ui_eci, "wrangler:subscription_cancellation", json!({"Id": id}));
    eventually_equal("A to drop the subscription", json!([]), || {
        a.query(&sensor, SUBSCRIPTION, "established", json!({}))
    });
    assert_eq!(
        b.query(&b.ui_eci, SUBSCRIPTION, "established", json!({})),
        json!([])
    );
    a.stop();
    b.stop();
    let _ = std::fs::remove_dir_all(&home_a);
    let _ = std::fs::remove_dir_all(&home_b);
}

/// The README's example: the collector makes sensor children with wrangler, each subscribes
/// to it, and hot readings sent to a sensor arrive at the collector.
#[test]
fn the_sensors_example_reports_hot_readings_to_the_collector() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/sensors");
    let home = temp_dir("system-example");
    let engine = Engine::start_with(&home, 0, &[examples]);
    let eci = engine.eci.clone();
    for name in ["kitchen", "garage"] {
        let answer = engine.event(&eci, "collector:new_sensor", json!({"name": name}));
        assert_eq!(answer["directives"][0]["name"], json!("creating"), "{answer}");
    }
    let summary = eventually("both sensors subscribed", || {
        let summary = engine.query(&eci, "org.example.collector", "summary", json!({}));
        (summary["sensors"] == json!(2)).then_some(summary)
    });
    assert_eq!(summary, json!({"sensors": 2, "count": 0, "max": null}));
    let sensors = engine.query(&eci, "org.example.collector", "sensors", json!({}));
    assert_eq!(sensors[0]["name"], json!("kitchen"));
    assert_eq!(sensors[1]["name"], json!("garage"));
    let kitchen = sensors[0]["eci"]
        .as_str()
        .expect("the kitchen's channel")
        .to_string();
    for temperature in ["35", "20", "40"] {
        let url = format!(
            "{}/c/{kitchen}/event-wait/sensor/reading?temperature={temperature}",
            engine.url
        );
        let answer = send(ureq::get(&url), None);
        assert_eq!(answer["directives"][0]["name"], json!("recorded"), "{answer}");
    }
    eventually("two hot readings at the collector", || {
        let summary = engine.query(&eci, "org.example.collector", "summary", json!({}));
        (summary == json!({"sensors": 2, "count": 2, "max": 40})).then_some(())
    });
    // The sensor's channel takes readings only.
    let refused = engine.event(&kitchen, "collector:reset", json!({}));
    assert_eq!(refused["error"], json!("Error: Not allowed by channel policy"));
    engine.stop();
    let _ = std::fs::remove_dir_all(&home);
}

/// Writes a ruleset into a folder of its own (a `krl run` argument) and returns its path.
fn ruleset_file(name: &str, src: &str) -> String {
    let dir = temp_dir(name);
    let path = dir.join(format!("{name}.krl"));
    std::fs::write(&path, src).expect("the ruleset is written");
    path.to_string_lossy().into_owned()
}

/// B's root collects pings; A's root sends them to B, from one transaction per event and
/// from one transaction with many: B gets them all, in the order sent.
#[test]
fn events_from_one_engine_to_another_arrive_in_the_order_sent() {
    let (home_a, home_b) = (temp_dir("order-a"), temp_dir("order-b"));
    let (sender, pings) = (
        ruleset_file("order-sender", SENDER),
        ruleset_file("order-pings", PINGS),
    );
    let a = Engine::start_with(&home_a, 0, &[&sender]);
    let b = Engine::start_with(&home_b, 0, &[&pings]);
    let send = |first: u32, count: u32| {
        let attrs = json!({"host": b.url, "eci": b.eci, "first": first, "count": count});
        let answer = a.event(&a.eci, "test:send", attrs);
        assert!(answer["eid"].is_string(), "{answer}");
    };
    for n in 1..=20 {
        send(n, 1);
    }
    send(21, 30);
    let expected: Vec<u32> = (1..=50).collect();
    let arrived = eventually("fifty pings at B", || {
        let pings = b.query(&b.eci, "test.pings", "pings", json!({}));
        (pings.as_array()?.len() >= 50).then_some(pings)
    });
    assert_eq!(arrived, json!(expected));
    a.stop();
    b.stop();
    for dir in [&home_a, &home_b] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A sends pings to B while B is down, and is killed (SIGKILL) once they are committed, before
/// it could deliver them. After both start again, B gets every ping once, in order: they were
/// stored with A's transactions and A resumes sending at start.
#[test]
fn events_committed_for_a_down_engine_survive_a_crash_of_the_sender() {
    let (home_a, home_b) = (temp_dir("crash-a"), temp_dir("crash-b"));
    let (sender, pings) = (
        ruleset_file("crash-sender", SENDER),
        ruleset_file("crash-pings", PINGS),
    );
    let b = Engine::start_with(&home_b, 0, &[&pings]);
    let (b_url, b_port, b_eci) = (b.url.clone(), b.port, b.eci.clone());
    b.stop();

    let a = Engine::start_with(&home_a, 0, &[&sender]);
    let a_port = a.port;
    for (first, count) in [(1, 1), (2, 1), (3, 3), (6, 1)] {
        let attrs = json!({"host": b_url, "eci": b_eci, "first": first, "count": count});
        let answer = a.event(&a.eci, "test:send", attrs);
        assert!(answer["eid"].is_string(), "{answer}");
    }
    a.0.kill();

    let b = Engine::start_with(&home_b, b_port, &[&pings]);
    let a = Engine::start_with(&home_a, a_port, &[&sender]);
    let expected = json!([1, 2, 3, 4, 5, 6]);
    eventually("six pings at B", || {
        let pings = b.query(&b.eci, "test.pings", "pings", json!({}));
        (pings.as_array()?.len() >= 6).then_some(())
    });
    // Once each: nothing comes after the six.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(b.query(&b.eci, "test.pings", "pings", json!({})), expected);
    a.stop();
    b.stop();
    for dir in [&home_a, &home_b] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
