//! DIDComm between a pico on the reference pico-engine and a pico on `krl run`, each side with
//! its own `io.picolabs.did-o` and the chat application of testsuite/rulesets/did_chat.krl:
//! an out-of-band invitation made on one side and accepted on the other (its trust ping, the
//! rotation of the invitation's DID), then basic messages, `event:send` to a DID and wrangler's
//! `picoQuery` of a DID both ways;
//! once with the reference inviting, once with us inviting.
//!
//! It needs the reference engine, which CI does not install: it runs when
//! `KRL_REFERENCE_ENGINE` names the reference's start script (`bin/pico-engine`; how to
//! install it is in docs/testing.md) and otherwise prints that it did not run. With the
//! variable set, anything that breaks fails the test.

#[path = "support/krl_run.rs"]
mod krl_run;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use krl_run::{KrlRun, temp_dir};
use serde_json::{Value, json};

const DID_O: &str = "io.picolabs.did-o";
const CHAT: &str = "test.did_chat";
const UI: &str = "io.picolabs.pico-engine-ui";
/// The protocol the chat routes to its rule.
const BASIC_MESSAGE: &str = "https://didcomm.org/basicmessage/2.0/message";

/// A channel open to every event and query, made through the UI ruleset (both engines have it).
fn open_channel_attrs() -> Value {
    json!({
        "tags": ["interop-test"],
        "eventPolicy": {"allow": [{"domain": "*", "name": "*"}], "deny": []},
        "queryPolicy": {"allow": [{"rid": "*", "name": "*"}], "deny": []},
    })
}

/// One side of the conversation: an engine's URL and a pico's open channel there.
struct Side {
    name: &'static str,
    url: String,
    eci: String,
}

impl Side {
    fn post(&self, path: &str, body: Value) -> Value {
        let text = krl_run::post_json(&format!("{}/c/{}/{path}", self.url, self.eci), &body);
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{}: not JSON: {text}", self.name))
    }

    fn event(&self, domain: &str, name: &str, attrs: Value) -> Value {
        let answer = self.post(&format!("event-wait/{domain}/{name}"), attrs);
        assert!(answer.get("error").is_none(), "{}: {answer}", self.name);
        answer
    }

    fn query(&self, rid: &str, name: &str, args: Value) -> Value {
        self.post(&format!("query/{rid}/{name}"), args)
    }

    /// The pico's DID relationships, their DID to mine.
    fn did_map(&self) -> serde_json::Map<String, Value> {
        match self.query(DID_O, "didMap", json!({})) {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        }
    }

    /// An invitation URL of the pico's chat, and the invitation's DID (the one DID document
    /// that is new after the call).
    fn invitation(&self) -> (String, String) {
        let before = self.query(DID_O, "didDocs", json!({}));
        let url = self.query(CHAT, "invitation", json!({"label": self.name}));
        let url = url
            .as_str()
            .unwrap_or_else(|| panic!("{}: an invitation URL: {url}", self.name));
        assert!(url.contains("/invite?_oob="), "{url}");
        let after = self.query(DID_O, "didDocs", json!({}));
        let new: Vec<&String> = after
            .as_object()
            .map(|docs| docs.keys().filter(|did| before.get(did).is_none()).collect())
            .unwrap_or_default();
        let [invite_did] = new[..] else {
            panic!("{}: one new DID document: {after}", self.name);
        };
        (url.to_string(), invite_did.clone())
    }

    fn messages(&self) -> Vec<Value> {
        match self.query(CHAT, "messages", json!({})) {
            Value::Array(messages) => messages,
            other => panic!("{}: the messages: {other}", self.name),
        }
    }
}

/// Polls `check` until it gives a value (30 s at most: two engines share a busy machine).
fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The reference engine as a child process, stopped when dropped; its output goes to a file.
struct Reference {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Reference {
    fn start(script: &str, home: &Path) -> Reference {
        let port = free_port();
        let log = home.join("reference.out");
        let out = std::fs::File::create(&log).expect("the reference's log file");
        let err = out.try_clone().expect("the log file again");
        let child = Command::new(script)
            .env("PICO_ENGINE_HOME", home)
            .env("PORT", port.to_string())
            .env_remove("PICO_ENGINE_BASE_URL")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|err| panic!("KRL_REFERENCE_ENGINE={script} does not start: {err}"));
        let url = format!("http://localhost:{port}");
        let reference = Reference { child, url, log };
        eventually("the reference engine's /api/ui-context", || reference.ui_eci());
        reference
    }

    /// The root pico's UI channel, once the engine answers.
    fn ui_eci(&self) -> Option<String> {
        let response = ureq::get(&format!("{}/api/ui-context", self.url))
            .timeout(Duration::from_secs(5))
            .call()
            .ok()?;
        let context: Value = serde_json::from_str(&response.into_string().ok()?).ok()?;
        context["eci"].as_str().map(str::to_string)
    }

    /// The root pico (which the reference gives did-o) with the chat installed, as a [`Side`].
    fn chat_side(&self, chat: &Path) -> Side {
        let ui = Side {
            name: "reference",
            url: self.url.clone(),
            eci: self.ui_eci().expect("the reference's UI channel"),
        };
        let file_url = format!("file://{}", chat.display());
        ui.event("engine_ui", "install", json!({"url": file_url}));
        ui.event("engine_ui", "new_channel", open_channel_attrs());
        let pico = ui.query(UI, "pico", json!({}));
        let rids = pico["rulesets"].to_string();
        assert!(rids.contains(DID_O) && rids.contains(CHAT), "{pico}");
        Side {
            eci: interop_channel(&pico),
            ..ui
        }
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(12).collect();
            eprintln!("the reference engine's last lines (newest first, cut at 400 bytes):");
            for line in tail {
                eprintln!("{}", line.get(..400).unwrap_or(line));
            }
        }
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

/// The id of the channel tagged by [`open_channel_attrs`] in a UI `pico` answer.
fn interop_channel(pico: &Value) -> String {
    pico["channels"]
        .as_array()
        .and_then(|channels| channels.iter().find(|c| c["tags"] == json!(["interop-test"])))
        .and_then(|c| c["id"].as_str())
        .unwrap_or_else(|| panic!("the open channel: {pico}"))
        .to_string()
}

/// A pico of `krl run` made by wrangler (so it has did-o) with the chat on it, as a [`Side`].
fn krl_chat_side(engine: &KrlRun, chat: &Path) -> Side {
    let output = engine.krl(&["pico", "new", "interop"]);
    let created = String::from_utf8_lossy(&output.stdout).into_owned();
    let words: Vec<&str> = created.split_whitespace().collect();
    let (id, ui_eci) = match words.as_slice() {
        ["created", "pico", id, _, "(UI", "channel", eci] => {
            (id.to_string(), eci.trim_end_matches(')').to_string())
        }
        _ => panic!("unexpected `pico new` output: {created}"),
    };
    let ui = Side {
        name: "krl",
        url: engine.url.clone(),
        eci: ui_eci,
    };
    eventually("wrangler's installs on the new pico", || {
        let rids = ui.query(UI, "pico", json!({}))["rulesets"].to_string();
        rids.contains(DID_O).then_some(())
    });
    let install = engine.krl(&["install", &chat.to_string_lossy(), "--pico", &id]);
    assert!(install.status.success(), "{install:?}");
    ui.event("engine_ui", "new_channel", open_channel_attrs());
    Side {
        eci: interop_channel(&ui.query(UI, "pico", json!({}))),
        ..ui
    }
}

/// `inviter` makes an invitation, `invitee` accepts it; once the trust ping's answer has
/// rotated the invitation's DID, each side sends the other a basic message.
fn meet_and_chat(inviter: &Side, invitee: &Side) {
    let known: Vec<String> = invitee.did_map().keys().cloned().collect();
    let (url, invite_did) = inviter.invitation();
    invitee.event("dido", "receive_invite", json!({"invite": url}));
    let what = format!("{}'s map to {}'s rotated DID", invitee.name, inviter.name);
    let (inviter_did, invitee_did) = eventually(&what, || {
        let map = invitee.did_map();
        map.iter()
            .find(|(theirs, _)| !known.contains(theirs) && **theirs != invite_did)
            .map(|(theirs, mine)| (theirs.clone(), mine.as_str().unwrap_or_default().to_string()))
    });
    assert_eq!(
        inviter.did_map().get(&invitee_did),
        Some(&json!(inviter_did)),
        "{}'s map after the trust ping",
        inviter.name
    );

    let inviter_had = inviter.messages().len();
    let hello = format!("hello {} from {}", inviter.name, invitee.name);
    invitee.event("chat", "say", json!({"did": inviter_did, "content": hello}));
    let received = eventually(&format!("{}'s message", inviter.name), || {
        let messages = inviter.messages();
        (messages.len() > inviter_had).then(|| messages[inviter_had].clone())
    });
    assert_eq!(received, json!({"from": invitee_did, "content": hello}));
    // That first message to the new DID completed the rotation on the inviter's side.
    let pending = inviter.query(DID_O, "pendingRotations", json!({}));
    assert!(pending.get(&inviter_did).is_none(), "{pending}");
    let docs = inviter.query(DID_O, "didDocs", json!({}));
    assert!(docs.get(&invite_did).is_none(), "{}: {docs}", inviter.name);

    let invitee_had = invitee.messages().len();
    let reply = format!("hello {} from {}", invitee.name, inviter.name);
    inviter.event("chat", "say", json!({"did": invitee_did, "content": reply}));
    let received = eventually(&format!("{}'s message", invitee.name), || {
        let messages = invitee.messages();
        (messages.len() > invitee_had).then(|| messages[invitee_had].clone())
    });
    assert_eq!(received, json!({"from": inviter_did, "content": reply}));

    // `event:send` to a DID: the event protocol's message, each way.
    for (from, to, did) in [(invitee, inviter, &inviter_did), (inviter, invitee, &invitee_did)] {
        let had = poke_count(to.query(CHAT, "pokes", json!({})));
        from.event("chat", "poke", json!({"did": did}));
        eventually(&format!("{}'s poke", to.name), || {
            (poke_count(to.query(CHAT, "pokes", json!({}))) == had + 1).then_some(())
        });
    }

    // wrangler's `picoQuery` of a DID: the query protocol's message and its answer, each way.
    for (from, to, did) in [(invitee, inviter, &inviter_did), (inviter, invitee, &invitee_did)] {
        // The protocol answers a function the ruleset provides, as a module. `_host` names the
        // other engine: the 1.3.0 wrangler asks its own engine for any ECI when `_host` is
        // null, a DID included (its 1.4.0 looks for a DID first: pico-engine issue #640).
        let args = json!({
            "eci": did, "mod": DID_O, "func": "routes", "params": {}, "_host": to.url,
        });
        let answer = from.query("io.picolabs.wrangler", "picoQuery", args);
        let routes = to.query(DID_O, "routes", json!({}));
        assert!(routes.get(BASIC_MESSAGE).is_some(), "{}: {routes}", to.name);
        assert_eq!(answer, routes, "{}'s picoQuery of {}", from.name, to.name);
    }
}

fn poke_count(pokes: Value) -> u64 {
    pokes
        .as_u64()
        .unwrap_or_else(|| panic!("a count of pokes: {pokes}"))
}

#[test]
fn a_reference_pico_and_a_krl_pico_meet_by_invitation_and_chat() {
    let Ok(script) = std::env::var("KRL_REFERENCE_ENGINE") else {
        println!("reference_interop did not run: KRL_REFERENCE_ENGINE is not set (docs/testing.md)");
        return;
    };
    let home = temp_dir("reference-interop");
    // Each engine reads the chat from its own home (ours reads `file://` URLs only there).
    let reference_home = home.join("reference");
    let krl_home = home.join("krl");
    let chat_in = |home: &Path| {
        std::fs::create_dir_all(home).expect("an engine's home");
        let chat = home.join("did_chat.krl");
        std::fs::write(&chat, include_str!("../../testsuite/rulesets/did_chat.krl"))
            .expect("the chat is written");
        chat
    };
    let (reference_chat, krl_chat) = (chat_in(&reference_home), chat_in(&krl_home));
    let reference = Reference::start(&script, &reference_home);
    let engine = KrlRun::start(0, &["--home", &krl_home.to_string_lossy()]);

    let theirs = reference.chat_side(&reference_chat);
    let ours = krl_chat_side(&engine, &krl_chat);
    meet_and_chat(&theirs, &ours);
    meet_and_chat(&ours, &theirs);

    engine.stop();
    drop(reference);
    let _ = std::fs::remove_dir_all(&home);
}
