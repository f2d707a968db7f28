//! The `dido` module between picos of one engine: peer DIDs with their own channels, a
//! DIDComm message packed by one pico and unpacked by the one it is addressed to, tampered
//! and misaddressed messages refused with an error line and no state change, and DID private
//! keys that no query, entity-variable listing (the UI's `/api/state`), log line or other
//! store key ever holds.

#[path = "support/dido.rs"]
mod dido_support;

use std::sync::Arc;

use dido_support::{error_lines, event, value};
use krl_jit::InterpreterBackend;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::storage::{MemoryStorage, Storage, key};
use krl_runtime::value::Map;
use serde_json::{Value as Json, json};

const RID: &str = "test.dido";

const RULESET: &str = r#"ruleset test.dido {
  meta {
    shares myDid, docs, lastBody
  }
  global {
    myDid = function() { ent:myDid }
    docs = function() { ent:didDocs }
    lastBody = function() { ent:lastBody }
  }
  rule new_did {
    select when test new_did
    pre {
      doc = dido:generateDID(event:attrs{"invite"})
    }
    send_directive("did", {"doc": doc})
    fired {
      ent:myDid := doc{"id"}
    }
  }
  rule store {
    select when test store
    pre {
      doc = dido:storeDidDoc(event:attrs{"input"})
    }
    send_directive("stored", {"doc": doc})
  }
  rule pack {
    select when test pack
    pre {
      to = event:attrs{"to"}
      message = {
        "id": "m-1",
        "typ": "application/didcomm-plain+json",
        "type": "https://didcomm.org/basicmessage/2.0/message",
        "from": ent:myDid,
        "to": [to],
        "body": {"content": event:attrs{"content"}}
      }
      packed = dido:pack(message, ent:myDid, to)
    }
    send_directive("packed", {"packed": packed})
  }
  rule unpack {
    select when test unpack
    pre {
      result = dido:unpack(event:attrs{"message"})
    }
    if result then send_directive("unpacked", {"result": result})
    fired {
      ent:lastBody := result[0]{"body"}
    }
  }
}
"#;

/// An engine on a store the test can read, with `test.dido` on `count` child picos of the
/// root; each pico's id and a channel that lets every event and query in.
fn engine_with_picos(storage: Arc<dyn Storage>, count: usize) -> (Engine, Vec<(String, String, String)>) {
    let engine = Engine::open(Arc::new(InterpreterBackend), EngineOptions::default(), storage)
        .expect("the engine opens");
    engine.register("test:dido", RULESET).expect("compiles");
    let root = engine.root_pico().to_string();
    let picos = (0..count)
        .map(|_| {
            let link = engine.new_pico(&root).expect("a child pico");
            let pico = engine.pico_of(&link).expect("the child's id");
            engine.install(&pico, "test:dido", Map::new()).expect("installs");
            (pico.clone(), open_channel(&engine, &pico), link)
        })
        .collect();
    (engine, picos)
}

fn open_channel(engine: &Engine, pico: &str) -> String {
    let allow_all = value(json!({"allow": [{"domain": "*", "name": "*"}], "deny": []}));
    let allow_queries = value(json!({"allow": [{"rid": "*", "name": "*"}], "deny": []}));
    engine
        .new_channel(pico, &value(json!(["test"])), &allow_all, &allow_queries)
        .expect("a channel")
        .id
}

fn new_did(engine: &Engine, eci: &str) -> (String, Json) {
    let doc = event(engine, eci, "new_did", json!({}))["doc"].clone();
    let did = doc["id"]
        .as_str()
        .expect("the DID document has an id")
        .to_string();
    (did, doc)
}

/// Every entity variable of the pico as `/api/state` lists them.
fn state(engine: &Engine, pico: &str) -> String {
    let vars = engine.ent_vars(pico).expect("the pico's variables");
    vars.iter()
        .map(|(rid, name, value)| format!("{rid} {name} {}", value.encode(0).unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_message_packed_by_one_pico_is_unpacked_by_the_pico_it_is_for() {
    let (engine, picos) = engine_with_picos(Arc::new(MemoryStorage::new()), 2);
    let [(_, alice, _), (bob_id, bob, _)] = &picos[..] else {
        panic!("two picos");
    };
    let (alice_did, _) = new_did(&engine, alice);
    let (bob_did, bob_doc) = new_did(&engine, bob);

    // The reference's DID document of a `did:peer:2` DID, served at the DID's own channel.
    assert!(bob_did.starts_with("did:peer:2.Ez6LS"), "{bob_did}");
    assert_eq!(bob_doc["keyAgreement"].as_array().map(Vec::len), Some(1));
    assert_eq!(bob_doc["authentication"].as_array().map(Vec::len), Some(1));
    assert_eq!(bob_doc["verificationMethod"][0]["type"], "JsonWebKey2020");
    assert_eq!(bob_doc["verificationMethod"][0]["publicKeyJwk"]["crv"], "X25519");
    assert_eq!(bob_doc["verificationMethod"][1]["publicKeyJwk"]["crv"], "Ed25519");
    let uri = bob_doc["service"][0]["serviceEndpoint"]["uri"]
        .as_str()
        .expect("a service endpoint");
    let did_eci = uri
        .split('/')
        .nth_back(3)
        .expect("/sky/event/<eci>/none/dido/didcommv2_message");
    assert!(
        uri.ends_with(&format!("/sky/event/{did_eci}/none/dido/didcommv2_message")),
        "{uri}"
    );
    assert_eq!(engine.pico_of(did_eci).expect("the DID's channel"), *bob_id);
    let docs = engine
        .query(bob, RID, "docs", value(json!({})))
        .expect("docs")
        .to_json();
    assert_eq!(docs[&bob_did], bob_doc, "kept in didDocs as the reference does");

    // storeDidDoc reads a peer DID into the same document.
    let stored = event(&engine, alice, "store", json!({"input": bob_did}));
    assert_eq!(stored["doc"], bob_doc);

    let packed = event(
        &engine,
        alice,
        "pack",
        json!({"to": bob_did, "content": "hello Bob"}),
    )["packed"]
        .clone();
    assert!(packed["ciphertext"].is_string(), "a JWE: {packed}");
    assert!(!packed.to_string().contains("hello Bob"));

    let unpacked = event(&engine, bob, "unpack", json!({"message": packed}))["result"].clone();
    let [message, meta] = unpacked.as_array().map(Vec::as_slice).unwrap_or_default() else {
        panic!("[message, metadata]: {unpacked}");
    };
    assert_eq!(message["body"], json!({"content": "hello Bob"}));
    assert_eq!(message["from"], json!(alice_did));
    assert_eq!(message["to"], json!([bob_did]));
    assert_eq!(meta["encrypted"], json!(true));
    assert_eq!(meta["authenticated"], json!(true));
    assert_eq!(
        engine
            .query(bob, RID, "lastBody", value(json!({})))
            .expect("lastBody")
            .to_json(),
        json!({"content": "hello Bob"})
    );
}

#[test]
fn tampered_and_misaddressed_messages_are_refused_without_a_state_change() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let (engine, picos) = engine_with_picos(Arc::clone(&storage), 3);
    let [(_, alice, _), (bob_id, bob, _), (_, carol, _)] = &picos[..] else {
        panic!("three picos");
    };
    new_did(&engine, alice);
    let (bob_did, _) = new_did(&engine, bob);
    let (carol_did, _) = new_did(&engine, carol);
    let pack = |to: &str| event(&engine, alice, "pack", json!({"to": to, "content": "hi"}))["packed"].clone();

    let mut tampered = pack(&bob_did);
    let ciphertext = tampered["ciphertext"].as_str().expect("a ciphertext").to_string();
    let first = if ciphertext.starts_with('A') { "B" } else { "A" };
    tampered["ciphertext"] = json!(format!("{first}{}", &ciphertext[1..]));
    let for_carol = pack(&carol_did);

    let before = (
        state(&engine, bob_id),
        storage.scan_prefix(&[]).expect("the store"),
    );
    for message in [&tampered, &for_carol] {
        let answer = engine
            .event_wait(bob, "test", "unpack", value(json!({"message": message})))
            .expect("the event runs");
        assert!(
            answer.directives.is_empty(),
            "not unpacked: {:?}",
            answer.directives
        );
    }
    assert_eq!(
        (
            state(&engine, bob_id),
            storage.scan_prefix(&[]).expect("the store")
        ),
        before,
        "no state change"
    );
    let errors = error_lines(&engine, bob_id);
    assert_eq!(errors.len(), 2, "{errors:?}");
    for ((text, data), message) in errors.iter().zip([&tampered, &for_carol]) {
        assert_eq!(text, "There was an error unpacking a message: ");
        assert_eq!(&data["message"], message);
        assert!(
            data["error"].as_str().is_some_and(|why| !why.is_empty()),
            "{data}"
        );
    }
    // The misaddressed message itself is sound: Carol reads it.
    let unpacked = event(&engine, carol, "unpack", json!({"message": for_carol}))["result"].clone();
    assert_eq!(unpacked[0]["body"], json!({"content": "hi"}));
}

#[test]
fn private_keys_stay_in_the_secret_store_survive_a_restart_and_go_with_their_pico() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let (engine, picos) = engine_with_picos(Arc::clone(&storage), 2);
    let [(alice_id, alice, _), (bob_id, bob, bob_link)] = &picos[..] else {
        panic!("two picos");
    };
    new_did(&engine, alice);
    let (bob_did, _) = new_did(&engine, bob);
    let packed = event(&engine, alice, "pack", json!({"to": bob_did, "content": "later"}))["packed"].clone();

    let secret_area = key::prefix(&["did-secret"]);
    let everything = storage.scan_prefix(&[]).expect("the store");
    let private_keys: Vec<String> = everything
        .iter()
        .filter(|(key, _)| key.starts_with(&secret_area))
        .map(|(_, value)| {
            let secret: Json = serde_json::from_slice(value).expect("a stored secret");
            secret["privateKeyJwk"]["d"]
                .as_str()
                .expect("a private JWK")
                .to_string()
        })
        .collect();
    assert_eq!(private_keys.len(), 4, "two keys per DID");

    let mut seen = Vec::new();
    for (pico, eci) in [(alice_id, alice), (bob_id, bob)] {
        seen.push(state(&engine, pico));
        seen.push(format!("{:?}", engine.logs(pico)));
        for name in ["myDid", "docs", "lastBody"] {
            let answer = engine.query(eci, RID, name, value(json!({}))).expect("answers");
            seen.push(answer.encode(0).unwrap_or_default());
        }
    }
    for (key, value) in &everything {
        if !key.starts_with(&secret_area) {
            seen.push(String::from_utf8_lossy(value).into_owned());
        }
    }
    for private in &private_keys {
        for text in &seen {
            assert!(
                !text.contains(private.as_str()),
                "a private key leaked into {text}"
            );
        }
    }

    drop(engine);
    let engine = Engine::open(
        Arc::new(InterpreterBackend),
        EngineOptions::default(),
        Arc::clone(&storage),
    )
    .expect("the engine reopens");
    let unpacked = event(&engine, bob, "unpack", json!({"message": packed}))["result"].clone();
    assert_eq!(unpacked[0]["body"], json!({"content": "later"}));

    engine.register("test:parent", PARENT).expect("compiles");
    let root = engine.root_pico().to_string();
    engine
        .install(&root, "test:parent", Map::new())
        .expect("installs");
    let root_eci = open_channel(&engine, &root);
    engine
        .event_wait(&root_eci, "test", "del_child", value(json!({"eci": bob_link})))
        .expect("the event runs");
    assert!(engine.pico_of(bob).is_err(), "Bob's pico is gone");
    let left: Vec<_> = storage
        .scan_prefix(&secret_area)
        .expect("the store")
        .into_iter()
        .filter(|(key, _)| key.starts_with(&key::prefix(&["did-secret", bob_id])))
        .collect();
    assert!(left.is_empty(), "Bob's keys went with his pico");
    assert_eq!(
        storage.scan_prefix(&secret_area).expect("the store").len(),
        2,
        "Alice's stay"
    );
}

/// A root ruleset that deletes a child pico.
const PARENT: &str = r#"ruleset test.parent {
  rule del_child {
    select when test del_child
    ctx:delPico(event:attrs{"eci"})
  }
}
"#;
