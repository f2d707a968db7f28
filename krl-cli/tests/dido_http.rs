//! DID private keys made by `dido:generateDID` on `krl run` never leave the engine: after a
//! ruleset made a DID and rotated it (`dido:rotateDID`), neither its query answers, nor `/api/state` (the UI's State tab), nor
//! the pico's logs (the UI's Logging tab), nor `krl pico ls` hold any private key that the
//! store keeps for it.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::ffi::OsStr;

use krl_run::{KrlRun, temp_dir};
use krl_runtime::storage::{Durability, SqliteStorage, Storage, key};
use serde_json::{Value, json};

const UI: &str = "io.picolabs.pico-engine-ui";
const RID: &str = "test.did_keys";

const RULESET: &str = r#"ruleset test.did_keys {
  meta {
    shares myDid, docs, rotations
  }
  global {
    myDid = function() { ent:myDid }
    docs = function() { ent:didDocs }
    rotations = function() { ent:pendingRotations }
  }
  rule new_did {
    select when test new_did
    pre {
      doc = dido:generateDID()
    }
    send_directive("did", {"doc": doc})
    fired {
      ent:myDid := doc{"id"}
    }
  }
  rule rotate {
    select when test rotate
    send_directive("did", {"doc": dido:rotateDID(ent:myDid)})
  }
}
"#;

/// `POST <url>` with a JSON body; the answer's text, whatever the status.
fn post(url: &str, body: Value) -> String {
    krl_run::post_json(url, &body)
}

fn query(engine: &KrlRun, eci: &str, rid: &str, name: &str) -> String {
    post(&format!("{}/c/{eci}/query/{rid}/{name}", engine.url), json!({}))
}

fn api_state(engine: &KrlRun) -> String {
    let mut request = ureq::get(&format!("{}/api/state?eci={}", engine.url, engine.eci));
    if let Some(token) = &engine.token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    request
        .call()
        .expect("/api/state answers")
        .into_string()
        .expect("a text answer")
}

#[test]
fn no_query_state_listing_log_or_pico_listing_shows_a_did_private_key() {
    let home = temp_dir("dido-keys");
    let app = home.join("did_keys.krl");
    std::fs::write(&app, RULESET).expect("the ruleset is written");
    let args: Vec<&OsStr> = vec![OsStr::new("--home"), home.as_os_str(), app.as_os_str()];
    let engine = KrlRun::start(0, &args);

    let answer: Value = serde_json::from_str(&post(
        &format!("{}/c/{}/event-wait/test/new_did", engine.url, engine.eci),
        json!({}),
    ))
    .expect("JSON");
    let did = answer["directives"][0]["options"]["doc"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a DID document: {answer}"))
        .to_string();
    let rotated = post(
        &format!("{}/c/{}/event-wait/test/rotate", engine.url, engine.eci),
        json!({}),
    );
    assert!(rotated.contains("did:peer:2."), "a new DID: {rotated}");

    let seen = [
        answer.to_string(),
        rotated,
        query(&engine, &engine.eci, RID, "rotations"),
        query(&engine, &engine.eci, RID, "myDid"),
        query(&engine, &engine.eci, RID, "docs"),
        api_state(&engine),
        query(&engine, &engine.ui_eci, UI, "logs"),
        query(&engine, &engine.ui_eci, UI, "pico"),
        String::from_utf8_lossy(&engine.krl(&["pico", "ls"]).stdout).into_owned(),
    ];
    assert!(
        seen[5].contains(&did),
        "/api/state lists the DID documents: {}",
        seen[5]
    );
    assert!(seen[8].contains(RID), "`krl pico ls` lists the pico: {}", seen[8]);
    engine.stop();

    let storage = SqliteStorage::open(&home.join("db"), Durability::default()).expect("the store opens");
    let private_keys: Vec<String> = storage
        .scan_prefix(&key::prefix(&["did-secret"]))
        .expect("the store")
        .iter()
        .map(|(_, value)| {
            let secret: Value = serde_json::from_slice(value).expect("a stored secret");
            secret["privateKeyJwk"]["d"]
                .as_str()
                .expect("a private JWK")
                .to_string()
        })
        .collect();
    assert_eq!(private_keys.len(), 4, "the two DIDs' keys are stored");
    for private in &private_keys {
        for text in &seen {
            assert!(
                !text.contains(private.as_str()),
                "a private key leaked into {text}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&home);
}
