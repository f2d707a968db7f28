//! DIDComm between two picos of one `krl run` engine, and between the root picos of two,
//! over their HTTP endpoints, on the system ruleset `io.picolabs.did-o`: the picos meet by
//! an out-of-band invitation, then a basic message sent to the other pico's DID is routed to
//! its rule, which stores it (the answer coming back as `dido:dido_send_response`),
//! `event:send` with a `did` raises an event there, wrangler's `picoQuery` of a `did:`
//! answers the other pico's function, and a forged plaintext message posted to the DID's
//! endpoint is refused with nothing changed.

#[path = "support/did_o.rs"]
mod did_o;
#[path = "support/krl_run.rs"]
mod krl_run;

use std::path::{Path, PathBuf};

use did_o::{DID_O, did_pico, event, eventually, invitation, krl_ok, post, query, relationship};
use krl_run::{KrlRun, temp_dir};
use serde_json::json;

const APP: &str = "test.didapp";

// The test's application, written the way applications use did-o: as a module, with a route
// of its own for basic messages (added when the ruleset is installed).
const APP_RULESET: &str = r#"ruleset test.didapp {
  meta {
    use module io.picolabs.did-o alias didx
    use module io.picolabs.wrangler alias wrangler
    provides greet
    shares greet, invitation, lastMessage, lastEvent, responses, askPeer
  }
  global {
    basic_message = "https://didcomm.org/basicmessage/2.0/message"
    greet = function(name) { {"greeting": "hello " + name} }
    invitation = function(label) { didx:generate_invitation(label) }
    lastMessage = function() { ent:lastMessage }
    lastEvent = function() { ent:lastEvent }
    responses = function() { ent:responses.defaultsTo([]) }
    askPeer = function(did) { wrangler:picoQuery(did, "test.didapp", "greet", {"name": "Alice"}) }
  }
  rule route_basic_messages {
    select when wrangler ruleset_installed where event:attrs{"rids"} >< meta:rid
    pre {
      _added = didx:addRoute(basic_message, "test", "basic_message")
    }
  }
  rule send_basic {
    select when test send_basic
    pre {
      their_did = event:attrs{"did"}
      message = didx:generate_message({"type": basic_message, "from": didx:didMap(){their_did},
                                       "to": [their_did], "body": {"content": event:attrs{"content"}}})
      _sent = didx:send(their_did, message)
    }
  }
  rule send_response {
    select when dido dido_send_response
    fired {
      ent:responses := responses().append(event:attrs{"status_code"})
    }
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

fn write_app(home: &Path) -> PathBuf {
    let path = home.join("didapp.krl");
    std::fs::write(&path, APP_RULESET).expect("the ruleset is written");
    path
}

/// Alice's pico invites Bob's, whose trust ping Alice answers from a new DID: `(Alice's DID,
/// Bob's DID)` of the relationship, once both picos know it and Alice has seen the
/// `dido_send_response` of her answer.
fn meet(alice: (&KrlRun, &str), bob: (&KrlRun, &str)) -> (String, String) {
    let (url, invite_did) = invitation(alice.0, alice.1, APP);
    event(bob.0, bob.1, "dido", "receive_invite", json!({"invite": url}));
    let (alice_did, bob_did) = eventually("Bob's relationship with Alice", || {
        relationship(bob.0, bob.1, &invite_did)
    });
    let alice_side = eventually("Alice's relationship with Bob", || {
        relationship(alice.0, alice.1, "")
    });
    assert_eq!(alice_side, (bob_did.clone(), alice_did.clone()));
    eventually("the response to Alice's trust ping answer", || {
        (responses(alice) == json!([200])).then_some(())
    });
    (alice_did, bob_did)
}

fn responses(pico: (&KrlRun, &str)) -> serde_json::Value {
    query(pico.0, pico.1, APP, "responses", json!({}))
}

#[test]
fn two_picos_exchange_a_message_an_event_and_a_query_by_did_over_http() {
    let home = temp_dir("dido-messages");
    // The engine reads ruleset files in its home.
    let app = write_app(&home);
    let engine = KrlRun::start(0, &["--home", &home.to_string_lossy()]);
    let (_, alice) = did_pico(&engine, &app, "alice");
    let (_, bob) = did_pico(&engine, &app, "bob");
    let (alice_did, bob_did) = meet((&engine, &alice), (&engine, &bob));

    // A basic message, routed to Bob's rule by its type; the answer comes back to Alice.
    event(
        &engine,
        &alice,
        "test",
        "send_basic",
        json!({"did": bob_did, "content": "hello Bob"}),
    );
    let stored = eventually("Bob's rule to store the message", || {
        let stored = query(&engine, &bob, APP, "lastMessage", json!({}));
        (!stored.is_null()).then_some(stored)
    });
    assert_eq!(stored, json!({"content": "hello Bob"}));
    eventually("Alice's dido_send_response", || {
        (responses((&engine, &alice)) == json!([200, 200])).then_some(())
    });

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
    let docs = query(&engine, &alice, DID_O, "didDocs", json!({}));
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
            let app = write_app(home);
            let engine = KrlRun::start(0, &["--home", &home.to_string_lossy()]);
            krl_ok(&engine, &["install", &app.to_string_lossy()]);
            engine
        })
        .collect();
    let [alice, bob] = &engines[..] else {
        panic!("two engines");
    };
    assert_ne!(alice.url, bob.url, "two engines");
    let (alice_did, bob_did) = meet((alice, &alice.eci), (bob, &bob.eci));

    event(
        alice,
        &alice.eci,
        "test",
        "send_basic",
        json!({"did": bob_did, "content": "across engines"}),
    );
    let stored = eventually("the message on the other engine", || {
        let stored = query(bob, &bob.eci, APP, "lastMessage", json!({}));
        (!stored.is_null()).then_some(stored)
    });
    assert_eq!(stored, json!({"content": "across engines"}));

    let pending = query(alice, &alice.eci, DID_O, "pendingRotations", json!({}));
    assert!(
        pending.get(&alice_did).is_some(),
        "Alice's rotation is pending: {pending}"
    );
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
    // Bob's event went to Alice's new DID, which completes her rotation away from the
    // invitation's DID across the two engines as on one.
    assert_eq!(
        query(alice, &alice.eci, DID_O, "pendingRotations", json!({})),
        json!({})
    );

    let answer = query(alice, &alice.eci, APP, "askPeer", json!({"did": bob_did}));
    assert_eq!(answer, json!({"greeting": "hello Alice"}));
    for engine in engines {
        engine.stop();
    }
    for home in &homes {
        let _ = std::fs::remove_dir_all(home);
    }
}
