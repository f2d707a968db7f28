//! `io.picolabs.did-o` between two picos of one `krl run`, over its HTTP endpoints, with the
//! chat application of testsuite/rulesets/did_chat.krl on both: Alice makes an out-of-band
//! invitation, Bob reads it and trust-pings the invitation's DID, Alice answers from a new DID
//! that replaces the invitation's (its `from_prior` tells Bob), and Bob's first message to that
//! DID completes the rotation: the invitation's DID document, channel and private keys are
//! gone. Then basic messages both ways and an `event:send` to a DID.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::path::Path;
use std::time::{Duration, Instant};

use krl_run::{KrlRun, temp_dir};
use krl_runtime::storage::{Durability, SqliteStorage, Storage, key};
use serde_json::{Value, json};

const DID_O: &str = "io.picolabs.did-o";
const CHAT: &str = "test.did_chat";
const UI: &str = "io.picolabs.pico-engine-ui";

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

/// Polls `check` until it gives a value (30 s at most: the machine may be busy).
fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(30);
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

/// A pico made by wrangler (so it has did-o) with the chat (the file `chat`) on it: its id and a channel open
/// to every event and query.
fn chat_pico(engine: &KrlRun, chat: &Path, name: &str) -> (String, String) {
    let created = krl_ok(engine, &["pico", "new", name]);
    let words: Vec<&str> = created.split_whitespace().collect();
    let (id, ui_eci) = match words.as_slice() {
        ["created", "pico", id, _, "(UI", "channel", eci] => {
            (id.to_string(), eci.trim_end_matches(')').to_string())
        }
        _ => panic!("unexpected `pico new` output: {created}"),
    };
    eventually("wrangler's installs on the new pico", || {
        let pico = query(engine, &ui_eci, UI, "pico", json!({}));
        let rids = pico["rulesets"].to_string();
        rids.contains(DID_O).then_some(())
    });
    krl_ok(engine, &["install", &chat.to_string_lossy(), "--pico", &id]);
    let open = json!({
        "tags": ["chat-test"],
        "eventPolicy": {"allow": [{"domain": "*", "name": "*"}], "deny": []},
        "queryPolicy": {"allow": [{"rid": "*", "name": "*"}], "deny": []},
    });
    event(engine, &ui_eci, "engine_ui", "new_channel", open);
    let pico = query(engine, &ui_eci, UI, "pico", json!({}));
    let eci = pico["channels"]
        .as_array()
        .and_then(|channels| channels.iter().find(|c| c["tags"] == json!(["chat-test"])))
        .and_then(|c| c["id"].as_str())
        .unwrap_or_else(|| panic!("the open channel: {pico}"))
        .to_string();
    (id, eci)
}

/// The pico's only DID relationship, `(their DID, my DID)`, once there is exactly one and
/// their DID is not `not_theirs`.
fn relationship(engine: &KrlRun, eci: &str, not_theirs: &str) -> Option<(String, String)> {
    let map = query(engine, eci, DID_O, "didMap", json!({}));
    let map = map.as_object()?;
    let (theirs, mine) = map.iter().next()?;
    (map.len() == 1 && theirs != not_theirs)
        .then(|| (theirs.clone(), mine.as_str().unwrap_or_default().to_string()))
}

fn channel_tags(engine: &KrlRun, eci: &str) -> String {
    query(engine, eci, UI, "pico", json!({}))["channels"].to_string()
}

/// An invitation URL of the pico's chat, and its DID (the one DID the pico has so far).
fn invitation(engine: &KrlRun, eci: &str) -> (String, String) {
    let url = query(engine, eci, CHAT, "invitation", json!({"label": "Alice"}));
    let url = url.as_str().unwrap_or_else(|| panic!("an invitation URL: {url}"));
    assert!(url.contains("/invite?_oob="), "{url}");
    // The invitation's DID is the one DID the pico has so far.
    let docs = query(engine, eci, DID_O, "didDocs", json!({}));
    let dids: Vec<&String> = docs
        .as_object()
        .map(|docs| docs.keys().collect())
        .unwrap_or_default();
    let [invite_did] = dids[..] else {
        panic!("one DID document: {docs}");
    };
    (url.to_string(), invite_did.clone())
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
    let (alice_id, alice) = chat_pico(&engine, &chat, "alice");
    let (_, bob) = chat_pico(&engine, &chat, "bob");

    let (url, invite_did) = invitation(&engine, &alice);
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
