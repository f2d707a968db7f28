//! `io.picolabs.did-o` between two picos of one `krl run`, over its HTTP endpoints, with the
//! chat application of testsuite/rulesets/did_chat.krl on both: Alice makes an out-of-band
//! invitation, Bob reads it and trust-pings the invitation's DID, Alice answers from a new DID
//! that replaces the invitation's (its `from_prior` tells Bob), and Bob's first message to that
//! DID completes the rotation: the invitation's DID document, channel and private keys are
//! gone. Then basic messages both ways and an `event:send` to a DID.

#[path = "support/did_o.rs"]
mod did_o;
#[path = "support/krl_run.rs"]
mod krl_run;

use std::path::Path;

use did_o::{DID_O, UI, did_pico, event, eventually, invitation, query, relationship};
use krl_run::{KrlRun, temp_dir};
use krl_runtime::storage::{Durability, SqliteStorage, Storage, key};
use serde_json::json;

const CHAT: &str = "test.did_chat";

fn channel_tags(engine: &KrlRun, eci: &str) -> String {
    query(engine, eci, UI, "pico", json!({}))["channels"].to_string()
}

/// The private key ids the store kept for the pico.
fn stored_key_ids(home: &Path, pico_id: &str) -> Vec<String> {
    let storage = SqliteStorage::open(&home.join("db"), Durability::default()).expect("the store opens");
    storage
        .scan_prefix(&key::prefix(&["did-secret", pico_id]))
        .expect("the store")
        .iter()
        .map(|(key, _)| key::decode(key).expect("a store key")[2].clone())
        .collect()
}

#[test]
fn two_picos_meet_by_invitation_trust_ping_rotate_and_chat_over_http() {
    let home = temp_dir("did-o-chat");
    // The engine reads ruleset files in its home.
    let chat = home.join("did_chat.krl");
    std::fs::write(&chat, include_str!("../../testsuite/rulesets/did_chat.krl"))
        .expect("the chat is written");
    let engine = KrlRun::start(0, &["--home", &home.to_string_lossy()]);
    let (alice_id, alice) = did_pico(&engine, &chat, "alice");
    let (_, bob) = did_pico(&engine, &chat, "bob");

    let (url, invite_did) = invitation(&engine, &alice, CHAT);
    let invite_tag = invite_did.replace([':', '.'], "-").to_lowercase();
    assert!(
        channel_tags(&engine, &alice).contains(&invite_tag),
        "the invitation's channel"
    );

    // Bob reads it and pings; Alice answers from a new DID, which replaces the invitation's.
    event(&engine, &bob, "dido", "receive_invite", json!({"invite": url}));
    let (alice_did, bob_did) = eventually("Bob's map to Alice's new DID", || {
        relationship(&engine, &bob, &invite_did)
    });
    assert_ne!(alice_did, invite_did);
    let alice_side = relationship(&engine, &alice, "").expect("Alice's relationship");
    assert_eq!(alice_side, (bob_did.clone(), alice_did.clone()));
    let pending = query(&engine, &alice, DID_O, "pendingRotations", json!({}));
    assert_eq!(pending[&alice_did]["iss"], json!(invite_did), "{pending}");
    assert_eq!(pending[&alice_did]["sub"], json!(alice_did), "{pending}");
    let bob_docs = query(&engine, &bob, DID_O, "didDocs", json!({}));
    assert!(
        bob_docs.get(&invite_did).is_none(),
        "Bob forgot the invitation's DID"
    );
    assert!(bob_docs.get(&alice_did).is_some(), "and knows the new one");

    // Bob's first message to the new DID completes the rotation on Alice's side.
    event(
        &engine,
        &bob,
        "chat",
        "say",
        json!({"did": alice_did, "content": "hello Alice"}),
    );
    let received = eventually("Alice's message", || {
        let messages = query(&engine, &alice, CHAT, "messages", json!({}));
        (messages.as_array().map(Vec::len) == Some(1)).then_some(messages)
    });
    assert_eq!(received, json!([{"from": bob_did, "content": "hello Alice"}]));
    assert_eq!(
        query(&engine, &alice, DID_O, "pendingRotations", json!({})),
        json!({})
    );
    let alice_docs = query(&engine, &alice, DID_O, "didDocs", json!({}));
    assert!(alice_docs.get(&invite_did).is_none(), "{alice_docs}");
    assert!(
        !channel_tags(&engine, &alice).contains(&invite_tag),
        "the invitation's channel is gone"
    );

    event(
        &engine,
        &alice,
        "chat",
        "say",
        json!({"did": bob_did, "content": "hi Bob"}),
    );
    let received = eventually("Bob's message", || {
        let messages = query(&engine, &bob, CHAT, "messages", json!({}));
        (messages.as_array().map(Vec::len) == Some(1)).then_some(messages)
    });
    assert_eq!(received, json!([{"from": alice_did, "content": "hi Bob"}]));

    event(&engine, &bob, "chat", "poke", json!({"did": alice_did}));
    eventually("Alice's poke", || {
        (query(&engine, &alice, CHAT, "pokes", json!({})) == json!(1)).then_some(())
    });
    engine.stop();

    // Alice keeps the keys of her new DID only.
    let alice_kids = stored_key_ids(&home, &alice_id);
    assert_eq!(alice_kids.len(), 2, "{alice_kids:?}");
    assert!(
        alice_kids
            .iter()
            .all(|kid| kid.starts_with(&format!("{alice_did}#"))),
        "{alice_kids:?}"
    );
    let _ = std::fs::remove_dir_all(&home);
}
