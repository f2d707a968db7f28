//! The `dido` members that manage a pico's DIDs, on one engine: deleting, updating and
//! clearing DID documents (with the DID's private keys, in the event's transaction), DID
//! rotation and its pending rotations, the invitation rotation of `rotateInviteDID`, the DID
//! map and channel labels, with the reference's shapes and answers, and no private key in
//! any query answer, variable listing (`/api/state`) or log line after a rotation.

#[path = "support/dido.rs"]
mod dido_support;

use std::sync::Arc;

use dido_support::value;
use krl_jit::InterpreterBackend;
use krl_runtime::engine::{Engine, EngineOptions};
use krl_runtime::storage::{MemoryStorage, Storage, key};
use krl_runtime::value::Map;
use serde_json::{Value as Json, json};

const RID: &str = "test.did_manage";

const RULESET: &str = r#"ruleset test.did_manage {
  meta {
    shares docs, didMap, pendingRotations
  }
  global {
    docs = function() { ent:didDocs }
    didMap = function() { ent:didMap }
    pendingRotations = function() { ent:pendingRotations }
  }
  rule new_did {
    select when test new_did
    send_directive("answer", {"answer": dido:generateDID(event:attrs{"invite"})})
  }
  rule delete_did {
    select when test delete_did
    send_directive("answer", {"answer": dido:deleteDID(event:attrs{"did"})})
  }
  rule delete_then_fail {
    select when test delete_then_fail
    pre {
      deleted = dido:deleteDID(event:attrs{"did"})
      labelled = dido:addLabelsToChannel("no-such-channel", "late")
    }
  }
  rule update_did {
    select when test update_did
    send_directive("answer", {"answer": dido:updateDID(event:attrs{"did"}, event:attrs{"doc"})})
  }
  rule clear_did_docs {
    select when test clear_did_docs
    send_directive("answer", {"answer": dido:clearDidDocs()})
  }
  rule map_did {
    select when test map_did
    send_directive("answer", {"answer": dido:mapDid(event:attrs{"their"}, event:attrs{"mine"})})
  }
  rule clear_did_map {
    select when test clear_did_map
    send_directive("answer", {"answer": dido:clearDidMap()})
  }
  rule rotate_did {
    select when test rotate_did
    send_directive("answer", {"answer": dido:rotateDID(event:attrs{"did"})})
  }
  rule clear_pending_rotations {
    select when test clear_pending_rotations
    send_directive("answer", {"answer": dido:clearPendingRotations()})
  }
  rule add_labels {
    select when test add_labels
    send_directive("answer", {"answer": dido:addLabelsToChannel(event:attrs{"eci"}, event:attrs{"labels"})})
  }
  rule message_in {
    select when dido didcommv2_message
    send_directive("answer", {"answer": dido:rotateInviteDID(event:attrs{"to"}, event:attrs{"from"})})
  }
}
"#;

/// An engine on a store the test can read, with the test ruleset on one child of the root;
/// the child's id and a channel that lets every event and query in.
fn engine_with_pico(storage: Arc<dyn Storage>) -> (Engine, String, String) {
    let engine = Engine::open(Arc::new(InterpreterBackend), EngineOptions::default(), storage)
        .expect("the engine opens");
    engine.register("test:did_manage", RULESET).expect("compiles");
    let pico = add_pico(&engine);
    let eci = open_channel(&engine, &pico, &[]);
    (engine, pico, eci)
}

/// A new child of the root with the test ruleset; its id.
fn add_pico(engine: &Engine) -> String {
    let root = engine.root_pico().to_string();
    let link = engine.new_pico(&root).expect("a child pico");
    let pico = engine.pico_of(&link).expect("the child's id");
    engine
        .install(&pico, "test:did_manage", Map::new())
        .expect("installs");
    pico
}

fn open_channel(engine: &Engine, pico: &str, tags: &[&str]) -> String {
    let allow_all = value(json!({"allow": [{"domain": "*", "name": "*"}], "deny": []}));
    let allow_queries = value(json!({"allow": [{"rid": "*", "name": "*"}], "deny": []}));
    engine
        .new_channel(pico, &value(json!(tags)), &allow_all, &allow_queries)
        .expect("a channel")
        .id
}

/// The answer of a `domain:name` event's rule (its directive's `answer`), as JSON.
fn answer(engine: &Engine, eci: &str, domain: &str, name: &str, attrs: Json) -> Json {
    let response = engine
        .event_wait(eci, domain, name, value(attrs))
        .expect("the event runs");
    let directive = response.directives.first().expect("a directive").to_json();
    directive["options"]["answer"].clone()
}

fn call(engine: &Engine, eci: &str, name: &str, attrs: Json) -> Json {
    answer(engine, eci, "test", name, attrs)
}

fn shared(engine: &Engine, eci: &str, name: &str) -> Json {
    engine
        .query(eci, RID, name, value(json!({})))
        .expect("the query answers")
        .to_json()
}

fn new_did(engine: &Engine, eci: &str, invite: bool) -> String {
    let doc = call(engine, eci, "new_did", json!({"invite": invite}));
    doc["id"].as_str().expect("a DID document").to_string()
}

/// The key ids of the private keys the store holds, in order.
fn secret_ids(storage: &dyn Storage) -> Vec<String> {
    let area = key::prefix(&["did-secret"]);
    storage
        .scan_prefix(&area)
        .expect("the store")
        .iter()
        .map(|(key, _)| key::decode(key).expect("a store key")[2].clone())
        .collect()
}

/// The id of the DID's own channel (its document's service endpoint).
fn did_channel(engine: &Engine, pico: &str, did: &str) -> Option<String> {
    let tag = did.replace([':', '.'], "-").to_lowercase();
    let channels = engine.channels(pico).expect("the pico's channels");
    channels
        .into_iter()
        .find(|channel| channel.tags.contains(&tag))
        .map(|channel| channel.id)
}

#[test]
fn deleting_a_did_forgets_its_document_and_deletes_its_keys_in_the_same_transaction() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let (engine, _, eci) = engine_with_pico(Arc::clone(&storage));
    assert_eq!(
        call(&engine, &eci, "delete_did", json!({"did": "did:peer:none"})),
        json!(false),
        "no DID documents yet"
    );
    let first = new_did(&engine, &eci, false);
    let second = new_did(&engine, &eci, false);
    assert_eq!(secret_ids(&*storage).len(), 4, "two keys per DID");

    // A rule that deletes and then fails changes nothing.
    let failed = engine.event_wait(&eci, "test", "delete_then_fail", value(json!({"did": first})));
    assert!(failed.is_err(), "an unknown channel is an error: {failed:?}");
    assert_eq!(secret_ids(&*storage).len(), 4, "the keys stay");
    assert!(
        shared(&engine, &eci, "docs").get(&first).is_some(),
        "the document stays"
    );

    assert_eq!(
        call(&engine, &eci, "delete_did", json!({"did": first})),
        json!(true)
    );
    let docs = shared(&engine, &eci, "docs");
    assert!(
        docs.get(&first).is_none() && docs.get(&second).is_some(),
        "{docs}"
    );
    let left = secret_ids(&*storage);
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(
        left.iter().all(|kid| kid.starts_with(&format!("{second}#"))),
        "{left:?}"
    );

    assert_eq!(call(&engine, &eci, "clear_did_docs", json!({})), Json::Null);
    assert_eq!(shared(&engine, &eci, "docs"), json!({}));
    assert!(secret_ids(&*storage).is_empty(), "the other DID's keys went too");
}

#[test]
fn update_did_replaces_a_document_once_there_are_documents() {
    let (engine, _, eci) = engine_with_pico(Arc::new(MemoryStorage::new()));
    let doc = json!({"id": "did:example:1", "service": []});
    let update = json!({"did": "did:example:1", "doc": doc});
    assert_eq!(call(&engine, &eci, "update_did", update.clone()), json!(false));
    assert_eq!(shared(&engine, &eci, "docs"), Json::Null);

    let mine = new_did(&engine, &eci, false);
    assert_eq!(call(&engine, &eci, "update_did", update), json!(true));
    let docs = shared(&engine, &eci, "docs");
    assert_eq!(docs["did:example:1"], doc);
    assert!(docs.get(&mine).is_some());
}

#[test]
fn rotate_did_makes_a_new_did_remaps_the_old_one_and_keeps_the_rotation_pending() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let (engine, pico, eci) = engine_with_pico(Arc::clone(&storage));
    let mine = new_did(&engine, &eci, false);
    assert_eq!(
        call(
            &engine,
            &eci,
            "map_did",
            json!({"their": "did:them", "mine": mine})
        ),
        Json::Null
    );
    call(
        &engine,
        &eci,
        "map_did",
        json!({"their": "did:other", "mine": "did:elsewhere"}),
    );
    assert_eq!(
        shared(&engine, &eci, "didMap"),
        json!({"did:them": mine, "did:other": "did:elsewhere"})
    );

    let new_doc = call(&engine, &eci, "rotate_did", json!({"did": mine}));
    let new_did = new_doc["id"]
        .as_str()
        .expect("the new DID's document")
        .to_string();
    assert!(
        new_did.starts_with("did:peer:2.Ez") && new_did != mine,
        "{new_did}"
    );
    assert_eq!(shared(&engine, &eci, "docs")[&new_did], new_doc);
    assert!(
        did_channel(&engine, &pico, &new_did).is_some(),
        "the new DID's channel"
    );
    assert!(
        did_channel(&engine, &pico, &mine).is_some(),
        "the old DID's channel stays"
    );
    assert_eq!(
        secret_ids(&*storage).len(),
        4,
        "the old DID's keys stay until the rotation completes"
    );
    assert_eq!(
        shared(&engine, &eci, "didMap"),
        json!({"did:them": new_did, "did:other": "did:elsewhere"})
    );
    let rotations = shared(&engine, &eci, "pendingRotations");
    let rotation = &rotations[&new_did];
    assert_eq!(
        (&rotation["iss"], &rotation["sub"]),
        (&json!(mine), &json!(new_did))
    );
    let iat = rotation["iat"].as_f64().expect("iat, in seconds");
    assert!(iat.fract() == 0.0 && iat > 1.6e9 && iat < 1e11, "{iat}");

    // Their DID rotated: the key moves (to the end, as the reference's object keys do).
    call(&engine, &eci, "rotate_did", json!({"did": "did:them"}));
    let map = shared(&engine, &eci, "didMap");
    let keys: Vec<&String> = map.as_object().expect("a map").keys().collect();
    assert_eq!(keys.len(), 2, "{map}");
    assert_eq!(keys[0], "did:other");
    assert_eq!(map[keys[1]], json!(new_did));

    assert_eq!(call(&engine, &eci, "clear_did_map", json!({})), Json::Null);
    assert_eq!(shared(&engine, &eci, "didMap"), json!({}));
    assert_eq!(
        call(&engine, &eci, "clear_pending_rotations", json!({})),
        Json::Null
    );
    assert_eq!(shared(&engine, &eci, "pendingRotations"), json!({}));
}

#[test]
fn rotate_invite_did_rotates_an_invitation_did_once_and_only_on_its_channel() {
    let (engine, pico, eci) = engine_with_pico(Arc::new(MemoryStorage::new()));
    let invite = new_did(&engine, &eci, true);
    let invite_eci = did_channel(&engine, &pico, &invite).expect("the invitation's channel");
    let their_pico = add_pico(&engine);
    let their_eci = open_channel(&engine, &their_pico, &[]);
    let their = &new_did(&engine, &their_eci, false);
    let message = json!({"to": invite, "from": their});

    // Not through the invitation's channel: nothing happens.
    let plain_eci = open_channel(&engine, &pico, &["plain"]);
    assert_eq!(
        answer(&engine, &plain_eci, "dido", "didcommv2_message", message.clone()),
        Json::Null
    );
    assert_eq!(shared(&engine, &eci, "pendingRotations"), Json::Null);
    assert_eq!(shared(&engine, &eci, "didMap"), Json::Null);

    assert_eq!(
        answer(&engine, &invite_eci, "dido", "didcommv2_message", message.clone()),
        Json::Null
    );
    let rotations = shared(&engine, &eci, "pendingRotations");
    let rotations = rotations.as_object().expect("a pending rotation");
    assert_eq!(rotations.len(), 1);
    let (new_did, rotation) = rotations.iter().next().expect("one rotation");
    assert_eq!(rotation["iss"], json!(invite));
    assert_eq!(shared(&engine, &eci, "didMap"), json!({their: new_did}));
    let docs = shared(&engine, &eci, "docs");
    assert_eq!(docs[their]["id"], json!(their), "their DID's document is stored");
    assert!(docs.get(new_did).is_some());

    // A second message on the invitation's channel finds the rotation pending.
    answer(&engine, &invite_eci, "dido", "didcommv2_message", message);
    assert_eq!(
        shared(&engine, &eci, "pendingRotations")
            .as_object()
            .map(|r| r.len()),
        Some(1)
    );
}

#[test]
fn labels_are_added_to_a_channel_of_the_pico_and_its_policies_kept() {
    let (engine, pico, eci) = engine_with_pico(Arc::new(MemoryStorage::new()));
    let mine = new_did(&engine, &eci, false);
    let did_eci = did_channel(&engine, &pico, &mine).expect("the DID's channel");
    let before = engine
        .channels(&pico)
        .expect("channels")
        .into_iter()
        .find(|channel| channel.id == did_eci)
        .expect("the channel");

    assert_eq!(
        call(
            &engine,
            &eci,
            "add_labels",
            json!({"eci": did_eci, "labels": "Bob's DID"})
        ),
        Json::Null
    );
    call(
        &engine,
        &eci,
        "add_labels",
        json!({"eci": did_eci, "labels": ["a", "b.c"]}),
    );
    let after = engine
        .channels(&pico)
        .expect("channels")
        .into_iter()
        .find(|channel| channel.id == did_eci)
        .expect("the channel");
    let mut expected = before.tags.clone();
    expected.extend(["bob-s-did", "a", "b-c"].map(String::from));
    assert_eq!(after.tags, expected);
    assert_eq!(
        after.to_value().to_json()["eventPolicy"],
        before.to_value().to_json()["eventPolicy"]
    );
    assert_eq!(
        after.to_value().to_json()["queryPolicy"],
        before.to_value().to_json()["queryPolicy"]
    );

    let error = engine
        .event_wait(
            &eci,
            "test",
            "add_labels",
            value(json!({"eci": "nope", "labels": "x"})),
        )
        .expect_err("an unknown channel");
    assert!(error.to_string().contains("ECI not found nope"), "{error}");
}

#[test]
fn after_a_rotation_no_query_variable_listing_or_log_line_holds_a_private_key() {
    let storage: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
    let (engine, pico, eci) = engine_with_pico(Arc::clone(&storage));
    let mine = new_did(&engine, &eci, true);
    let mut seen = vec![call(&engine, &eci, "rotate_did", json!({"did": mine})).to_string()];
    for name in ["docs", "didMap", "pendingRotations"] {
        seen.push(shared(&engine, &eci, name).to_string());
    }
    seen.push(format!(
        "{:?}",
        engine.ent_vars(&pico).expect("the pico's variables")
    ));
    seen.push(format!("{:?}", engine.logs(&pico)));
    let private_keys: Vec<String> = storage
        .scan_prefix(&key::prefix(&["did-secret"]))
        .expect("the store")
        .iter()
        .map(|(_, secret)| {
            let secret: Json = serde_json::from_slice(secret).expect("a stored secret");
            secret["privateKeyJwk"]["d"]
                .as_str()
                .expect("a private JWK")
                .to_string()
        })
        .collect();
    assert_eq!(private_keys.len(), 4, "the old and the new DID's keys");
    for private in &private_keys {
        for text in &seen {
            assert!(
                !text.contains(private.as_str()),
                "a private key leaked into {text}"
            );
        }
    }
}
