//! DIDComm between two picos of one `krl run` engine, and between the root picos of two,
//! over their HTTP endpoints: `dido:send`
//! posts a basic message to the other pico's DID and its route's rule stores it (the answer
//! coming back as `dido:dido_send_response`), `event:send` with a `did` raises an event there,
//! wrangler's `picoQuery` of a `did:` answers the other pico's function, and a forged
//! plaintext message posted to the DID's endpoint is refused with nothing changed.
//!
//! `event:send` and `picoQuery` go through `io.picolabs.did-o` as in pico-engine; the
//! stand-in below has only what they and the test need.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use krl_run::{KrlRun, temp_dir};
use serde_json::{Value, json};

const DID_O: &str = "io.picolabs.did-o";
const APP: &str = "test.didapp";
const UI: &str = "io.picolabs.pico-engine-ui";

const DID_O_STAND_IN: &str = r#"ruleset io.picolabs.did-o {
  meta {
    description <<
      The dido tests' stand-in for the DIDComm ruleset: the functions `event:send` and
      wrangler's `picoQuery` call for a DID, a DID per pico, and the routing rule.
    >>
    provides sendEvent, sendQuery
    shares myDid, docs, lastResponse
  }
  global {
    myDid = function() { ent:myDid }
    docs = function() { ent:didDocs }
    lastResponse = function() { ent:lastResponse }
    outgoing = function(did, message_type, body) {
      dido:generateMessage({"type": message_type, "from": ent:didMap{did}, "to": [did], "body": body})
    }
    sendEvent = function(did, event) {
      dido:send(did, outgoing(did, "https://picolabs.io/event/1.0/event", event))
    }
    sendQuery = function(did, query) {
      dido:sendQuery(did, outgoing(did, "https://picolabs.io/query/1.0/query", query))
    }
  }
  rule new_did {
    select when dido new_did
    pre {
      doc = dido:generateDID()
      added = dido:addRoute("https://didcomm.org/basicmessage/2.0/message", "test", "basic_message")
    }
    send_directive("did", {"did": doc{"id"}})
    fired {
      ent:myDid := doc{"id"}
    }
  }
  rule connect {
    select when dido connect
    pre {
      their_did = event:attrs{"did"}
      stored = dido:storeDidDoc(their_did)
    }
    fired {
      ent:didMap := ent:didMap.defaultsTo({}).put([their_did], ent:myDid)
    }
  }
  rule route_message {
    select when dido didcommv2_message
    pre {
      answer = dido:route(event:attrs.delete("_headers"))
    }
    if answer then send_directive("response", {}.put(answer))
  }
  rule send_basic {
    select when dido send_basic
    pre {
      their_did = event:attrs{"did"}
      body = {"content": event:attrs{"content"}}
      message = outgoing(their_did, "https://didcomm.org/basicmessage/2.0/message", body)
      sent = dido:send(their_did, message)
    }
  }
  rule send_response {
    select when dido dido_send_response
    fired {
      ent:lastResponse := event:attrs{"status_code"}
    }
  }
}
"#;

const APP_RULESET: &str = r#"ruleset test.didapp {
  meta {
    use module io.picolabs.wrangler alias wrangler
    provides greet
    shares greet, lastMessage, lastEvent, askPeer
  }
  global {
    greet = function(name) { {"greeting": "hello " + name} }
    lastMessage = function() { ent:lastMessage }
    lastEvent = function() { ent:lastEvent }
    askPeer = function(did) { wrangler:picoQuery(did, "test.didapp", "greet", {"name": "Alice"}) }
  }
  rule tell {
    select when test tell
    event:send({"did": event:attrs{"did"}, "domain": "test", "name": "told",
                "attrs": {"news": event:attrs{"news"}}})
  }
  rule told {
    select when test told
    fired {
      ent:lastEvent := event:attrs
    }
  }
  rule basic_message {
    select when test basic_message
    fired {
      ent:lastMessage := event:attrs{"message"}{"body"}
    }
  }
}
"#;

fn post(url: &str, body: Value) -> Value {
    let text = krl_run::post_json(url, &body);
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

fn event(engine: &KrlRun, eci: &str, domain: &str, name: &str, attrs: Value) -> Value {
    post(
        &format!("{}/c/{eci}/event-wait/{domain}/{name}", engine.url),
        attrs,
    )
}

fn query(engine: &KrlRun, eci: &str, rid: &str, name: &str, args: Value) -> Value {
    post(&format!("{}/c/{eci}/query/{rid}/{name}", engine.url), args)
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

fn krl_ok(engine: &KrlRun, args: &[&str]) -> String {
    let output = engine.krl(args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "krl {args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn write(home: &Path, name: &str, text: &str) -> PathBuf {
    let path = home.join(name);
    std::fs::write(&path, text).expect("the ruleset is written");
    path
}

/// A child pico of the root with both rulesets, and a channel on it open to every event and
/// query.
fn second_pico(engine: &KrlRun, files: &[&Path]) -> String {
    let created = krl_ok(engine, &["pico", "new", "bob"]);
    let words: Vec<&str> = created.split_whitespace().collect();
    let (id, ui_eci) = match words.as_slice() {
        ["created", "pico", id, _, "(UI", "channel", eci] => {
            (id.to_string(), eci.trim_end_matches(')').to_string())
        }
        _ => panic!("unexpected `pico new` output: {created}"),
    };
    for file in files {
        krl_ok(engine, &["install", &file.to_string_lossy(), "--pico", &id]);
    }
    let open = json!({
        "tags": ["test"],
        "eventPolicy": {"allow": [{"domain": "*", "name": "*"}], "deny": []},
        "queryPolicy": {"allow": [{"rid": "*", "name": "*"}], "deny": []},
    });
    event(engine, &ui_eci, "engine_ui", "new_channel", open);
    let pico = query(engine, &ui_eci, UI, "pico", json!({}));
    pico["channels"]
        .as_array()
        .and_then(|channels| channels.iter().find(|c| c["tags"] == json!(["test"])))
        .and_then(|c| c["id"].as_str())
        .unwrap_or_else(|| panic!("the open channel: {pico}"))
        .to_string()
}

fn new_did(engine: &KrlRun, eci: &str) -> String {
    let answer = event(engine, eci, "dido", "new_did", json!({}));
    answer["directives"][0]["options"]["did"]
        .as_str()
        .unwrap_or_else(|| panic!("a DID: {answer}"))
        .to_string()
}

#[test]
fn two_picos_exchange_a_message_an_event_and_a_query_by_did_over_http() {
    let home = temp_dir("dido-messages");
    let did_o = write(&home, "did_o.krl", DID_O_STAND_IN);
    let app = write(&home, "didapp.krl", APP_RULESET);
    let args: Vec<&OsStr> = vec![
        OsStr::new("--home"),
        home.as_os_str(),
        did_o.as_os_str(),
        app.as_os_str(),
    ];
    let engine = KrlRun::start(0, &args);
    let alice = engine.eci.clone();
    let bob = second_pico(&engine, &[&did_o, &app]);
    let alice_did = new_did(&engine, &alice);
    let bob_did = new_did(&engine, &bob);
    event(&engine, &alice, "dido", "connect", json!({"did": bob_did}));
    event(&engine, &bob, "dido", "connect", json!({"did": alice_did}));

    // A basic message, routed to Bob's rule by its type; the answer comes back to Alice.
    event(
        &engine,
        &alice,
        "dido",
        "send_basic",
        json!({"did": bob_did, "content": "hello Bob"}),
    );
    let stored = eventually("Bob's rule to store the message", || {
        let stored = query(&engine, &bob, APP, "lastMessage", json!({}));
        (!stored.is_null()).then_some(stored)
    });
    assert_eq!(stored, json!({"content": "hello Bob"}));
    let status = eventually("Alice's dido_send_response", || {
        let status = query(&engine, &alice, DID_O, "lastResponse", json!({}));
        (!status.is_null()).then_some(status)
    });
    assert_eq!(status, json!(200));

    // event:send with a `did`.
    event(
        &engine,
        &alice,
        "test",
        "tell",
        json!({"did": bob_did, "news": "sent by DID"}),
    );
    let told = eventually("Bob's told event", || {
        let told = query(&engine, &bob, APP, "lastEvent", json!({}));
        (!told.is_null()).then_some(told)
    });
    assert_eq!(told, json!({"news": "sent by DID"}));

    // wrangler:picoQuery of a `did:` asks Bob's function by DIDComm.
    let answer = query(&engine, &alice, APP, "askPeer", json!({"did": bob_did}));
    assert_eq!(answer, json!({"greeting": "hello Alice"}));

    // A plaintext message claiming to be Alice's, posted to Bob's DID endpoint, is refused.
    let docs = query(&engine, &alice, DID_O, "docs", json!({}));
    let endpoint = docs[&bob_did]["service"][0]["serviceEndpoint"]["uri"]
        .as_str()
        .unwrap_or_else(|| panic!("Bob's endpoint: {docs}"))
        .to_string();
    let forged = json!({
        "id": "forged", "typ": "application/didcomm-plain+json",
        "type": "https://picolabs.io/event/1.0/event",
        "from": alice_did, "to": [bob_did],
        "body": {"domain": "test", "name": "told", "attrs": {"news": "forged"}}
    });
    let refused = post(&endpoint, forged);
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.contains("dido:route refuses a message that is not encrypted")),
        "{refused}"
    );
    assert_eq!(
        query(&engine, &bob, APP, "lastEvent", json!({})),
        json!({"news": "sent by DID"}),
        "no state change"
    );
    engine.stop();
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn the_root_picos_of_two_engines_exchange_a_message_an_event_and_a_query_by_did() {
    let homes = [temp_dir("dido-engine-a"), temp_dir("dido-engine-b")];
    let engines: Vec<KrlRun> = homes
        .iter()
        .map(|home| {
            let did_o = write(home, "did_o.krl", DID_O_STAND_IN);
            let app = write(home, "didapp.krl", APP_RULESET);
            let args = [
                OsStr::new("--home"),
                home.as_os_str(),
                did_o.as_os_str(),
                app.as_os_str(),
            ];
            KrlRun::start(0, &args)
        })
        .collect();
    let [alice, bob] = &engines[..] else {
        panic!("two engines");
    };
    let alice_did = new_did(alice, &alice.eci);
    let bob_did = new_did(bob, &bob.eci);
    assert_ne!(alice.url, bob.url, "two engines");
    event(alice, &alice.eci, "dido", "connect", json!({"did": bob_did}));
    event(bob, &bob.eci, "dido", "connect", json!({"did": alice_did}));

    event(
        alice,
        &alice.eci,
        "dido",
        "send_basic",
        json!({"did": bob_did, "content": "across engines"}),
    );
    let stored = eventually("the message on the other engine", || {
        let stored = query(bob, &bob.eci, APP, "lastMessage", json!({}));
        (!stored.is_null()).then_some(stored)
    });
    assert_eq!(stored, json!({"content": "across engines"}));

    event(
        bob,
        &bob.eci,
        "test",
        "tell",
        json!({"did": alice_did, "news": "back across"}),
    );
    let told = eventually("the event on the first engine", || {
        let told = query(alice, &alice.eci, APP, "lastEvent", json!({}));
        (!told.is_null()).then_some(told)
    });
    assert_eq!(told, json!({"news": "back across"}));

    let answer = query(alice, &alice.eci, APP, "askPeer", json!({"did": bob_did}));
    assert_eq!(answer, json!({"greeting": "hello Alice"}));
    for engine in engines {
        engine.stop();
    }
    for home in &homes {
        let _ = std::fs::remove_dir_all(home);
    }
}
