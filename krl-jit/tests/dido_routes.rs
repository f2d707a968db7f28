//! DIDComm messages routed between picos of one engine: `dido:generateMessage` and
//! `dido:pack` on one pico, the packed message delivered to the other pico's DID channel as
//! the HTTP endpoint delivers it, and `dido:route` raising the event `dido:addRoute` names
//! (or the event, or answering the query, the pico protocols carry). Tampered, misaddressed
//! and plaintext messages fail the routing rule and change nothing. A rotated DID is announced
//! by `from_prior` and retired once the peer writes to the new one. `dido:send` and
//! `dido:sendQuery` log what stops them, and a query nobody answers reads `Query timed out`.
//! Also `dido:createInviteUrl`.

#[path = "support/dido.rs"]
mod dido_support;

use std::sync::Arc;

use dido_support::{error_lines, event, value};
use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::storage::{MemoryStorage, Storage};
use krl_runtime::value::Map;
use serde_json::{Value as Json, json};

const RID: &str = "test.didmsg";
const BASIC: &str = "https://didcomm.org/basicmessage/2.0/message";
const EVENT: &str = "https://picolabs.io/event/1.0/event";
const QUERY: &str = "https://picolabs.io/query/1.0/query";

const RULESET: &str = r#"ruleset test.didmsg {
  meta {
    provides greet
    shares myDid, routes, lastMessage, lastEvent, greet, docs, didMap, pendingRotations
  }
  global {
    myDid = function() { ent:myDid }
    docs = function() { ent:didDocs }
    didMap = function() { ent:didMap }
    pendingRotations = function() { ent:pendingRotations }
    routes = function() { ent:routes }
    lastMessage = function() { ent:lastMessage }
    lastEvent = function() { ent:lastEvent }
    greet = function(name) { {"greeting": "hello " + name} }
  }
  rule new_did {
    select when test new_did
    pre {
      doc = dido:generateDID()
      added = dido:addRoute("https://didcomm.org/basicmessage/2.0/message", "test", "basic_message")
    }
    send_directive("did", {"did": doc{"id"}, "added": added})
    fired {
      ent:myDid := doc{"id"}
    }
  }
  rule message {
    select when test message
    pre {
      to = event:attrs{"to"}
      message = dido:generateMessage({
        "type": event:attrs{"type"},
        "from": ent:myDid,
        "to": [to],
        "body": event:attrs{"body"},
        "thid": event:attrs{"thid"},
        "expires_time": event:attrs{"expires_time"}
      })
      packed = dido:pack(message, ent:myDid, to)
    }
    send_directive("message", {"message": message, "packed": packed})
  }
  rule route_message {
    select when dido didcommv2_message
    pre {
      answer = dido:route(event:attrs.delete("_headers"))
    }
    if answer then send_directive("response", {}.put(answer))
  }
  rule basic_message {
    select when test basic_message
    fired {
      ent:lastMessage := event:attrs
    }
  }
  rule told {
    select when test told
    fired {
      ent:lastEvent := event:attrs
    }
  }
  rule rotate {
    select when test rotate
    pre {
      doc = dido:rotateDID(ent:myDid)
    }
    send_directive("rotated", {"did": doc{"id"}})
    fired {
      ent:myDid := doc{"id"}
    }
  }
  rule connect {
    select when test connect
    pre {
      their_did = event:attrs{"did"}
      stored = dido:storeDidDoc(their_did)
      mapped = dido:mapDid(their_did, ent:myDid)
    }
  }
  rule send_it {
    select when test send_it
    pre {
      to = event:attrs{"to"}
      message = dido:generateMessage({"type": "https://didcomm.org/basicmessage/2.0/message",
                                      "from": ent:myDid, "to": [to], "body": {}})
      sent = dido:send(to, message)
      answer = dido:sendQuery(to, message)
    }
    send_directive("sent", {"sent": sent, "answer": answer})
  }
  rule invite {
    select when test invite
    send_directive("invite", {"url": dido:createInviteUrl(event:attrs{"base64"})})
  }
}
"#;

/// One pico of the test: its id, an open channel and (once made) its DID and DID channel.
struct Pico {
    id: String,
    eci: String,
    did: String,
    did_eci: String,
}

/// An engine at `base_url` on `storage` with `count` child picos that have `test.didmsg` and
/// a DID each.
fn engine_with_picos(storage: Arc<dyn Storage>, base_url: &str, count: usize) -> (Engine, Vec<Pico>) {
    let options = EngineOptions {
        base_url: base_url.to_string(),
        ..EngineOptions::default()
    };
    let engine = Engine::open(Arc::new(InterpreterBackend), options, storage).expect("the engine opens");
    engine.register("test:didmsg", RULESET).expect("compiles");
    let root = engine.root_pico().to_string();
    let picos = (0..count)
        .map(|_| {
            let link = engine.new_pico(&root).expect("a child pico");
            let id = engine.pico_of(&link).expect("the child's id");
            engine.install(&id, "test:didmsg", Map::new()).expect("installs");
            let allow_all = value(json!({"allow": [{"domain": "*", "name": "*"}], "deny": []}));
            let allow_queries = value(json!({"allow": [{"rid": "*", "name": "*"}], "deny": []}));
            let eci = engine
                .new_channel(&id, &value(json!(["test"])), &allow_all, &allow_queries)
                .expect("a channel")
                .id;
            let made = event(&engine, &eci, "new_did", json!({}));
            assert_eq!(made["added"], json!(true), "addRoute answers true");
            let did = made["did"].as_str().expect("a DID").to_string();
            let did_eci = engine
                .channels(&id)
                .expect("the pico's channels")
                .into_iter()
                .find(|channel| channel.tags.iter().any(|tag| tag.starts_with("did-peer-2")))
                .expect("the DID's channel")
                .id;
            Pico {
                id,
                eci,
                did,
                did_eci,
            }
        })
        .collect();
    (engine, picos)
}

/// `from` writes a message of `type` with `body` to `to`: the plaintext and the packed message.
fn message(engine: &Engine, from: &Pico, to: &Pico, message_type: &str, body: Json) -> (Json, Json) {
    let made = event(
        engine,
        &from.eci,
        "message",
        json!({"to": to.did, "type": message_type, "body": body}),
    );
    (made["message"].clone(), made["packed"].clone())
}

/// Delivers a packed message to `to`'s DID channel as `/sky/event/<eci>/none/dido/
/// didcommv2_message` does; the routing rule's directives as JSON.
fn deliver(engine: &Engine, to: &Pico, packed: &Json) -> Vec<Json> {
    engine
        .event_wait(&to.did_eci, "dido", "didcommv2_message", value(packed.clone()))
        .expect("the event runs")
        .directives
        .iter()
        .map(Value::to_json)
        .collect()
}

fn query(engine: &Engine, pico: &Pico, name: &str) -> Json {
    engine
        .query(&pico.eci, RID, name, value(json!({})))
        .expect("answers")
        .to_json()
}

fn now_seconds() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs_f64()
}

#[test]
fn a_basic_message_raises_the_event_its_type_is_routed_to() {
    let (engine, picos) = engine_with_picos(Arc::new(MemoryStorage::new()), "http://localhost:3000", 2);
    let [alice, bob] = &picos[..] else {
        panic!("two picos");
    };
    assert_eq!(
        query(&engine, bob, "routes"),
        json!({BASIC: {"domain": "test", "name": "basic_message"}})
    );

    let before = now_seconds().floor();
    let made = event(
        &engine,
        &alice.eci,
        "message",
        json!({"to": bob.did, "type": BASIC, "body": {"content": "hello Bob"},
               "thid": "thread-1", "expires_time": 60}),
    );
    let (plain, packed) = (&made["message"], &made["packed"]);
    assert_eq!(plain["typ"], json!("application/didcomm-plain+json"));
    assert_eq!(plain["type"], json!(BASIC));
    assert_eq!(plain["from"], json!(alice.did));
    assert_eq!(plain["to"], json!([bob.did]));
    assert_eq!(plain["thid"], json!("thread-1"));
    assert!(plain["id"].as_str().is_some_and(|id| !id.is_empty()), "{plain}");
    assert!(
        plain.get("pthid").is_none(),
        "an option not given is left out: {plain}"
    );
    assert!(plain.get("from_prior").is_none(), "no rotation pending: {plain}");
    let created = plain["created_time"].as_f64().expect("created_time in seconds");
    assert!(created >= before && created <= now_seconds(), "{plain}");
    assert_eq!(plain["expires_time"].as_f64(), Some(created + 60.0));
    assert!(packed["ciphertext"].is_string(), "a JWE: {packed}");

    let directives = deliver(&engine, bob, packed);
    assert!(
        directives.is_empty(),
        "a routed message answers nothing: {directives:?}"
    );
    let stored = query(&engine, bob, "lastMessage");
    assert_eq!(stored["message"]["body"], json!({"content": "hello Bob"}));
    assert_eq!(stored["message"]["from"], json!(alice.did));
    assert_eq!(stored["message"]["id"], plain["id"]);
    assert_eq!(stored["metadata"]["encrypted"], json!(true));
    assert_eq!(stored["metadata"]["authenticated"], json!(true));
    assert!(error_lines(&engine, &bob.id).is_empty());
}

#[test]
fn the_pico_protocol_types_raise_the_event_and_answer_the_query_they_carry() {
    let (engine, picos) = engine_with_picos(Arc::new(MemoryStorage::new()), "http://localhost:3000", 2);
    let [alice, bob] = &picos[..] else {
        panic!("two picos");
    };
    let carried = json!({"domain": "test", "name": "told", "attrs": {"news": "it works"}});
    let (_, packed) = message(&engine, alice, bob, EVENT, carried);
    assert!(deliver(&engine, bob, &packed).is_empty());
    assert_eq!(query(&engine, bob, "lastEvent"), json!({"news": "it works"}));

    let asked = json!({"rid": RID, "name": "greet", "args": {"name": "Alice"}});
    let (_, packed) = message(&engine, alice, bob, QUERY, asked);
    let directives = deliver(&engine, bob, &packed);
    assert_eq!(directives.len(), 1, "{directives:?}");
    assert_eq!(directives[0]["name"], json!("response"));
    assert_eq!(directives[0]["options"], json!({"greeting": "hello Alice"}));

    // A message of a type no route names is an error line, not an event.
    let other = "https://didcomm.org/unknown/1.0/thing";
    let (plain, packed) = message(&engine, alice, bob, other, json!({}));
    assert!(deliver(&engine, bob, &packed).is_empty());
    let errors = error_lines(&engine, &bob.id);
    let [(text, data)] = &errors[..] else {
        panic!("one error line: {errors:?}");
    };
    assert_eq!(text, "Error handling route for message: ");
    assert_eq!(data["message"]["id"], plain["id"]);
    assert_eq!(
        data["error"],
        json!(format!("no route for messages of type {other}"))
    );
}

#[test]
fn tampered_misaddressed_and_plaintext_messages_fail_the_route_without_a_state_change() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let (engine, picos) = engine_with_picos(Arc::clone(&storage), "http://localhost:3000", 3);
    let [alice, bob, carol] = &picos[..] else {
        panic!("three picos");
    };
    let (_, mut tampered) = message(&engine, alice, bob, BASIC, json!({"content": "hi"}));
    let ciphertext = tampered["ciphertext"].as_str().expect("a ciphertext").to_string();
    let first = if ciphertext.starts_with('A') { "B" } else { "A" };
    tampered["ciphertext"] = json!(format!("{first}{}", &ciphertext[1..]));
    let (to_carol, for_carol) = message(&engine, alice, carol, BASIC, json!({"content": "hi"}));
    // Anyone can write a plaintext message that claims to come from Alice.
    let forged = json!({
        "id": "forged", "typ": "application/didcomm-plain+json", "type": EVENT,
        "from": alice.did, "to": [bob.did],
        "body": {"domain": "test", "name": "told", "attrs": {"news": "forged"}}
    });

    let before = storage.scan_prefix(&[]).expect("the store");
    for (packed, why) in [
        (&tampered, "dido:route cannot unpack the message: "),
        (&for_carol, "dido:route cannot unpack the message: "),
        (&forged, "dido:route refuses a message that is not encrypted"),
    ] {
        let refused = engine
            .event_wait(&bob.did_eci, "dido", "didcommv2_message", value(packed.clone()))
            .expect_err("the routing rule fails");
        assert!(refused.to_string().contains(why), "{refused}");
    }
    assert_eq!(
        storage.scan_prefix(&[]).expect("the store"),
        before,
        "no state change"
    );
    assert_eq!(query(&engine, bob, "lastMessage"), Json::Null);
    assert_eq!(query(&engine, bob, "lastEvent"), Json::Null);
    // The misaddressed message is sound: Carol's route takes it.
    assert!(deliver(&engine, carol, &for_carol).is_empty());
    assert_eq!(
        query(&engine, carol, "lastMessage")["message"]["id"],
        to_carol["id"]
    );
}

#[test]
fn a_rotated_did_is_announced_by_from_prior_and_retired_once_the_peer_uses_the_new_one() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let (engine, picos) = engine_with_picos(Arc::clone(&storage), "http://localhost:3000", 2);
    let [alice, bob] = &picos[..] else {
        panic!("two picos");
    };
    event(&engine, &bob.eci, "connect", json!({"did": alice.did}));
    let old_did = alice.did.clone();
    let new_did = event(&engine, &alice.eci, "rotate", json!({}))["did"]
        .as_str()
        .expect("the new DID")
        .to_string();
    let pending = query(&engine, alice, "pendingRotations");
    assert_eq!(pending[&new_did]["iss"], json!(old_did), "{pending}");

    // Alice's next message comes from the new DID and says which DID it replaces.
    let (plain, packed) = message(&engine, alice, bob, BASIC, json!({"content": "new me"}));
    assert_eq!(plain["from"], json!(new_did));
    let jwt = plain["from_prior"].as_str().expect("a from_prior JWT");
    assert_eq!(jwt.split('.').count(), 3, "a signed JWT: {jwt}");
    deliver(&engine, bob, &packed);
    let stored = query(&engine, bob, "lastMessage");
    assert_eq!(stored["metadata"]["from_prior"]["iss"], json!(old_did));
    assert_eq!(stored["metadata"]["from_prior"]["sub"], json!(new_did));
    assert!(
        stored["metadata"]["from_prior_issuer_kid"]
            .as_str()
            .is_some_and(|kid| kid.starts_with(&format!("{old_did}#"))),
        "signed with the old DID's key: {stored}"
    );
    // Bob now knows Alice by her new DID only.
    let docs = query(&engine, bob, "docs");
    assert!(
        docs.get(&old_did).is_none() && docs.get(&new_did).is_some(),
        "{docs}"
    );
    assert_eq!(query(&engine, bob, "didMap"), json!({new_did.as_str(): bob.did}));

    // Alice keeps her old DID until Bob writes to the new one; then it goes with its channel
    // and keys.
    let old_channels = |engine: &Engine| {
        engine
            .channels(&alice.id)
            .expect("Alice's channels")
            .into_iter()
            .filter(|channel| channel.id == alice.did_eci)
            .count()
    };
    assert_eq!(old_channels(&engine), 1);
    let reply = event(
        &engine,
        &bob.eci,
        "message",
        json!({"to": new_did, "type": BASIC, "body": {"content": "hi new you"}}),
    )["packed"]
        .clone();
    deliver(&engine, alice, &reply);
    assert_eq!(
        query(&engine, alice, "lastMessage")["message"]["body"],
        json!({"content": "hi new you"})
    );
    assert_eq!(query(&engine, alice, "pendingRotations"), json!({}));
    assert!(query(&engine, alice, "docs").get(&old_did).is_none());
    assert_eq!(old_channels(&engine), 0, "the old DID's channel is gone");
    let old_keys = storage
        .scan_prefix(&krl_runtime::storage::key::prefix(&["did-secret", &alice.id]))
        .expect("the store")
        .into_iter()
        .filter(|(_, secret)| String::from_utf8_lossy(secret).contains(&format!("{old_did}#")))
        .count();
    assert_eq!(old_keys, 0, "the old DID's keys are gone");
}

#[test]
fn an_invitation_url_is_on_the_engine_or_on_example_com_for_localhost() {
    for (base_url, expected) in [
        (
            "http://localhost:3000",
            "http://example.com/invite?_oob=eyJhIjoxfQ",
        ),
        (
            "https://picos.example.org",
            "https://picos.example.org/invite?_oob=eyJhIjoxfQ",
        ),
    ] {
        let (engine, picos) = engine_with_picos(Arc::new(MemoryStorage::new()), base_url, 1);
        let url = event(&engine, &picos[0].eci, "invite", json!({"base64": "eyJhIjoxfQ"}))["url"].clone();
        assert_eq!(url, json!(expected));
    }
}

#[test]
fn send_and_send_query_log_what_stops_them_and_a_query_nobody_answers_times_out() {
    // Nothing listens on port 9 of this machine: every DID's endpoint refuses the connection.
    let (engine, picos) = engine_with_picos(Arc::new(MemoryStorage::new()), "http://127.0.0.1:9", 2);
    let [alice, bob] = &picos[..] else {
        panic!("two picos");
    };
    let unknown = event(&engine, &alice.eci, "send_it", json!({"to": bob.did}));
    assert_eq!(unknown, json!({"sent": null, "answer": null}));
    let errors = error_lines(&engine, &alice.id);
    let texts: Vec<&str> = errors.iter().map(|(text, _)| text.as_str()).collect();
    assert_eq!(
        texts,
        ["Error sending did message: ", "Error sending did query: "]
    );
    for (_, data) in &errors {
        assert_eq!(data["did"], json!(bob.did));
        assert_eq!(
            data["error"],
            json!(format!(
                "no stored DID document of {} has a service endpoint",
                bob.did
            ))
        );
    }

    event(&engine, &alice.eci, "connect", json!({"did": bob.did}));
    let unanswered = event(&engine, &alice.eci, "send_it", json!({"to": bob.did}));
    assert_eq!(unanswered, json!({"sent": null, "answer": "Query timed out"}));
}
