//! The system rulesets on an engine in process: the boot sequence, wrangler's children and
//! installs, the engine UI's channel and events, and subscriptions between picos.
//!
//! Events sent from one pico to another (`ctx:event`, `event:send`) run as their own
//! transactions on the worker threads, so assertions about their effects poll.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions, system};
use krl_runtime::value::Map;

const UI: &str = "io.picolabs.pico-engine-ui";
const WRANGLER: &str = "io.picolabs.wrangler";
const SUBSCRIPTION: &str = "io.picolabs.subscription";
const PDS: &str = "io.picolabs.pds";
const DIDO: &str = "io.picolabs.did-o";

/// A booted in-memory engine and its root's UI ECI.
fn booted() -> (Engine, String) {
    let engine = Engine::new(Arc::new(InterpreterBackend), EngineOptions::default());
    let ui_eci = system::boot(&engine).expect("the system rulesets boot");
    system::started_wait(&engine, &ui_eci).expect("engine:started runs");
    (engine, ui_eci)
}

fn json(text: &str) -> Value {
    Value::decode(text).expect("valid JSON")
}

fn query(engine: &Engine, eci: &str, rid: &str, name: &str, args: &str) -> Value {
    engine
        .query(eci, rid, name, json(args))
        .unwrap_or_else(|err| panic!("query {rid}/{name} on {eci}: {err}"))
}

fn event(engine: &Engine, eci: &str, domain_type: &str, attrs: &str) {
    let (domain, name) = domain_type.split_once(':').expect("domain:type");
    engine
        .event_wait(eci, domain, name, json(attrs))
        .unwrap_or_else(|err| panic!("event {domain_type} on {eci}: {err}"));
}

/// Polls `check` until it gives a value (5 s at most).
fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn get<'v>(value: &'v Value, key: &str) -> &'v Value {
    static NULL: Value = Value::Null;
    value.as_map().and_then(|m| m.get(key)).unwrap_or(&NULL)
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{value:?} is not a string"))
        .to_string()
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().unwrap_or(&[]).iter().map(text).collect()
}

fn rids(engine: &Engine, ui_eci: &str) -> Vec<String> {
    let pico = query(engine, ui_eci, UI, "pico", "{}");
    get(&pico, "rulesets")
        .as_array()
        .unwrap_or(&[])
        .iter()
        .map(|r| text(get(r, "rid")))
        .collect()
}

/// Creates a child of the pico behind `parent_ui_eci` through the UI ruleset and waits until
/// it has initialised itself (subscription ruleset installed); returns the child's UI ECI.
fn new_child(engine: &Engine, parent_ui_eci: &str, name: &str) -> String {
    let before = strings(get(&query(engine, parent_ui_eci, UI, "box", "{}"), "children"));
    event(
        engine,
        parent_ui_eci,
        "engine_ui:new",
        &format!(r#"{{"name": "{name}"}}"#),
    );
    let children = strings(get(&query(engine, parent_ui_eci, UI, "box", "{}"), "children"));
    let child = children
        .into_iter()
        .find(|c| !before.contains(c))
        .expect("the parent's box lists the new child");
    eventually("the child to install subscriptions", || {
        rids(engine, &child)
            .contains(&SUBSCRIPTION.to_string())
            .then_some(())
    });
    child
}

/// A channel on the pico that lets every event and query in, made through the UI ruleset.
fn open_channel(engine: &Engine, ui_eci: &str, tag: &str) -> String {
    event(
        engine,
        ui_eci,
        "engine_ui:new_channel",
        &format!(r#"{{"tags": ["{tag}"]}}"#),
    );
    let pico = query(engine, ui_eci, UI, "pico", "{}");
    let channels = get(&pico, "channels").as_array().unwrap_or(&[]).to_vec();
    let channel = channels
        .iter()
        .find(|c| strings(get(c, "tags")) == [tag])
        .expect("the new channel is listed");
    text(get(channel, "id"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

#[test]
fn boot_installs_the_system_rulesets_and_opens_the_ui_channel() {
    let (engine, ui_eci) = booted();
    assert_eq!(rids(&engine, &ui_eci), [UI, WRANGLER, SUBSCRIPTION, DIDO, PDS]);
    let root = engine.root_pico().to_string();
    assert_eq!(
        system::channel_tagged(&engine, &root, &["engine", "ui"]).unwrap(),
        Some(ui_eci.clone())
    );
    let boxed = query(&engine, &ui_eci, UI, "box", "{}");
    assert_eq!(text(get(&boxed, "eci")), ui_eci);
    assert_eq!(text(get(&boxed, "name")), "Pico");
    assert_eq!(get(&boxed, "parent"), &Value::Null);
    assert_eq!(
        query(&engine, &ui_eci, UI, "uiECI", "{}"),
        Value::string(ui_eci.as_str())
    );
    // Wrangler named the root on `engine_ui:setup`; subscription made its well-known channel
    // on `engine:started`.
    let open = open_channel(&engine, &ui_eci, "test");
    let me = query(&engine, &open, WRANGLER, "myself", "{}");
    assert_eq!(text(get(&me, "name")), "Pico");
    assert_eq!(text(get(&me, "id")), root);
    assert_eq!(text(get(&me, "eci")), root);
    let well_known = query(&engine, &ui_eci, SUBSCRIPTION, "wellKnown_Rx", "{}");
    assert_eq!(strings(get(&well_known, "tags")), ["wellknown_rx", "tx_rx"]);
    // The widened policy takes what the UI sends and nothing else.
    let denied = engine
        .event_wait(&ui_eci, "custom", "thing", Value::Null)
        .unwrap_err();
    assert_eq!(denied.to_string(), "Error: Not allowed by channel policy");
    let denied = engine
        .query(&ui_eci, WRANGLER, "children", Value::Null)
        .unwrap_err();
    assert_eq!(denied.to_string(), "Error: Not allowed by channel policy");
}

#[test]
fn booting_again_keeps_one_ui_channel_and_the_install_order() {
    let (engine, ui_eci) = booted();
    let again = system::boot(&engine).expect("a second boot");
    assert_eq!(again, ui_eci);
    assert_eq!(rids(&engine, &ui_eci), [UI, WRANGLER, SUBSCRIPTION, DIDO, PDS]);
}

const GREETER: &str = r#"
ruleset test.greeter {
  meta { shares hello }
  global { hello = function(name) { "Hello " + name + ent:suffix.defaultsTo("") } }
  rule set_suffix {
    select when greeter suffix
    always { ent:suffix := event:attrs{"suffix"} }
  }
}
"#;

#[test]
fn wrangler_creates_a_child_that_gets_a_ruleset_a_channel_and_is_deleted() {
    let (engine, ui_eci) = booted();
    let child = new_child(&engine, &ui_eci, "kid");

    // The child's box knows its name and its parent's UI ECI; its UI channel is set up.
    let boxed = query(&engine, &child, UI, "box", "{}");
    assert_eq!(text(get(&boxed, "name")), "kid");
    assert_eq!(text(get(&boxed, "parent")), ui_eci);
    assert_eq!(rids(&engine, &child), [UI, WRANGLER, PDS, SUBSCRIPTION, DIDO]);

    // The parent's wrangler lists it by asking it.
    let root_open = open_channel(&engine, &ui_eci, "root-test");
    let children = query(&engine, &root_open, WRANGLER, "children", "{}");
    let listed = children.as_array().expect("children is an array");
    assert_eq!(listed.len(), 1);
    assert_eq!(text(get(&listed[0], "name")), "kid");
    let family_eci = text(get(&listed[0], "eci"));
    let parent_eci = text(get(&listed[0], "parent_eci"));
    assert_ne!(family_eci, parent_eci);
    // The child's stored parent ECI is the root's parent-link channel.
    assert_eq!(engine.pico_of(&parent_eci).unwrap(), engine.root_pico());

    // Install a ruleset into the child by URL, through the UI's install event.
    let dir = scratch("wrangler_child_install");
    let path = dir.join("test.greeter.krl");
    std::fs::write(&path, GREETER).unwrap();
    let url = format!("file://{}", path.display());
    event(
        &engine,
        &child,
        "engine_ui:install",
        &format!(r#"{{"url": "{url}"}}"#),
    );
    assert_eq!(
        rids(&engine, &child),
        [UI, WRANGLER, PDS, SUBSCRIPTION, DIDO, "test.greeter"]
    );

    // A channel through `engine_ui:new_channel`, then the ruleset through it.
    let channel = open_channel(&engine, &child, "greeting");
    event(&engine, &channel, "greeter:suffix", r#"{"suffix": "!"}"#);
    assert_eq!(
        query(&engine, &channel, "test.greeter", "hello", r#"{"name": "Ann"}"#),
        Value::string("Hello Ann!")
    );
    // The child's UI channel refuses the greeter's events: only the UI's are allowed there.
    assert!(
        engine
            .event_wait(&child, "greeter", "suffix", Value::Null)
            .is_err()
    );

    // A changed file takes effect through `engine_ui:flush`; the state stays.
    std::fs::write(&path, GREETER.replace("\"Hello \"", "\"Hi \"")).unwrap();
    event(
        &engine,
        &child,
        "engine_ui:flush",
        &format!(r#"{{"url": "{url}"}}"#),
    );
    assert_eq!(
        query(&engine, &channel, "test.greeter", "hello", r#"{"name": "Ann"}"#),
        Value::string("Hi Ann!")
    );

    // The box takes numbers and a `#RRGGBB` colour; anything else keeps the old colour.
    event(
        &engine,
        &child,
        "engine_ui:box",
        r##"{"x": "250", "width": 80, "backgroundColor": "#A0b1C2"}"##,
    );
    event(&engine, &child, "engine_ui:box", r#"{"backgroundColor": "red"}"#);
    let boxed = query(&engine, &child, UI, "box", "{}");
    assert_eq!(get(&boxed, "x"), &Value::number(250.0));
    assert_eq!(get(&boxed, "y"), &Value::number(100.0));
    assert_eq!(get(&boxed, "width"), &Value::number(80.0));
    assert_eq!(text(get(&boxed, "backgroundColor")), "#A0b1C2");

    // `engine_ui:del_channel` removes a channel; the UI remembers a testing ECI.
    let spare = open_channel(&engine, &child, "spare");
    event(
        &engine,
        &child,
        "engine_ui:del_channel",
        &format!(r#"{{"eci": "{spare}"}}"#),
    );
    assert!(engine.pico_of(&spare).is_err(), "the channel is gone");
    event(
        &engine,
        &child,
        "engine_ui:testing_eci",
        &format!(r#"{{"eci": "{channel}"}}"#),
    );
    assert_eq!(
        query(&engine, &child, UI, "testingECI", "{}"),
        Value::string(channel.as_str())
    );

    // Uninstall through the UI, then delete the child by its UI ECI.
    event(
        &engine,
        &child,
        "engine_ui:uninstall",
        r#"{"rid": "test.greeter"}"#,
    );
    assert_eq!(rids(&engine, &child), [UI, WRANGLER, PDS, SUBSCRIPTION, DIDO]);
    event(
        &engine,
        &ui_eci,
        "engine_ui:del",
        &format!(r#"{{"eci": "{child}"}}"#),
    );
    let gone = engine
        .query(&channel, "test.greeter", "hello", Value::Null)
        .unwrap_err();
    assert_eq!(gone.to_string(), format!("Error: ECI not found {channel}"));
    let boxed = query(&engine, &ui_eci, UI, "box", "{}");
    assert!(strings(get(&boxed, "children")).is_empty());
    let children = query(&engine, &root_open, WRANGLER, "children", "{}");
    assert_eq!(children, Value::array(Vec::new()));
}

#[test]
fn wrangler_events_raise_what_the_reference_raises() {
    let (engine, ui_eci) = booted();
    // A ruleset that records the wrangler events it sees, installed next to wrangler.
    const WATCHER: &str = r#"
ruleset test.watcher {
  meta { shares seen }
  global { seen = function() { ent:seen.defaultsTo([]) } }
  rule watch {
    select when wrangler ruleset_installed or wrangler channel_created
             or wrangler channel_deleted or wrangler ruleset_uninstalled
             or wrangler child_deleted or wrangler new_child_created
             or wrangler rulesets_flushed
    always { ent:seen := seen().append(event:type) }
  }
}
"#;
    let dir = scratch("wrangler_events");
    std::fs::write(dir.join("watcher.krl"), WATCHER).unwrap();
    let watcher_url = format!("file://{}", dir.join("watcher.krl").display());
    engine.flush(&watcher_url).unwrap();
    engine
        .install(engine.root_pico(), &watcher_url, Map::new())
        .unwrap();
    let open = open_channel(&engine, &ui_eci, "test");
    event(
        &engine,
        &open,
        "wrangler:new_channel_request",
        r#"{"tags": ["made", "by wrangler"], "eventPolicy": {"allow": [], "deny": []},
            "queryPolicy": {"allow": [], "deny": []}}"#,
    );
    let channel = open_channel(&engine, &ui_eci, "made-by-wrangler");
    let made = query(
        &engine,
        &open,
        WRANGLER,
        "channels",
        r#"{"tags": "By-Wrangler,made"}"#,
    );
    assert_eq!(made.as_array().map(<[Value]>::len), Some(1));
    let eci = text(get(&made.as_array().unwrap()[0], "id"));
    event(
        &engine,
        &open,
        "wrangler:channel_deletion_request",
        &format!(r#"{{"eci": "{eci}"}}"#),
    );
    event(
        &engine,
        &open,
        "wrangler:new_child_request",
        r#"{"name": "temp"}"#,
    );
    let children = query(&engine, &open, WRANGLER, "children", "{}");
    let child = text(get(&children.as_array().unwrap()[0], "eci"));
    event(
        &engine,
        &open,
        "wrangler:child_deletion_request",
        &format!(r#"{{"eci": "{child}"}}"#),
    );
    // Without the required `name`, no child.
    event(&engine, &open, "wrangler:new_child_request", r#"{"name": ""}"#);
    assert_eq!(
        query(&engine, &open, WRANGLER, "children", "{}"),
        Value::array(Vec::new())
    );
    event(
        &engine,
        &open,
        "wrangler:uninstall_ruleset_request",
        r#"{"rid": "test.nothing"}"#,
    );
    // `absoluteURL` + `rid`: the ruleset file next to the given URL.
    std::fs::write(dir.join("test.greeter.krl"), GREETER).unwrap();
    let absolute = format!("file://{}", dir.join("elsewhere.krl").display());
    event(
        &engine,
        &open,
        "wrangler:install_ruleset_request",
        &format!(r#"{{"absoluteURL": "{absolute}", "rid": "test.greeter"}}"#),
    );
    assert_eq!(
        query(&engine, &open, "test.greeter", "hello", r#"{"name": "Cy"}"#),
        Value::string("Hello Cy")
    );
    let config = query(
        &engine,
        &open,
        WRANGLER,
        "rulesetConfig",
        r#"{"rid": "test.greeter"}"#,
    );
    assert_eq!(config, json("{}"));
    let meta = query(
        &engine,
        &open,
        WRANGLER,
        "rulesetMeta",
        r#"{"rid": "test.greeter"}"#,
    );
    assert_eq!(strings(get(&meta, "shares")), ["hello"]);
    event(&engine, &open, "wrangler:rulesets_need_flushing", "{}");
    assert_eq!(
        strings(&query(&engine, &channel, "test.watcher", "seen", "{}")),
        [
            "channel_created",
            "channel_deleted",
            "new_child_created",
            "child_deleted",
            "ruleset_uninstalled",
            "ruleset_installed",
            "rulesets_flushed"
        ]
    );
    assert_eq!(
        strings(&query(&engine, &open, WRANGLER, "installedRIDs", "{}")),
        [
            UI,
            WRANGLER,
            SUBSCRIPTION,
            DIDO,
            PDS,
            "test.watcher",
            "test.greeter"
        ]
    );
}

const COUNTER: &str = r#"
ruleset test.pings {
  meta { shares pings, last }
  global {
    pings = function() { ent:pings.defaultsTo(0) }
    last = function() { ent:last }
  }
  rule ping {
    select when sensor ping
    always {
      ent:pings := pings() + 1
      ent:last := event:attrs{"n"}
    }
  }
}
"#;

#[test]
fn two_picos_subscribe_send_events_across_and_cancel() {
    let (engine, ui_eci) = booted();
    let sensor = new_child(&engine, &ui_eci, "sensor");
    let collector = new_child(&engine, &ui_eci, "collector");
    engine.register("file:///pings.krl", COUNTER).unwrap();
    let collector_id = engine.pico_of(&collector).unwrap();
    engine
        .install(&collector_id, "file:///pings.krl", Map::new())
        .unwrap();
    let sensor_open = open_channel(&engine, &sensor, "test");
    let collector_open = open_channel(&engine, &collector, "test");

    // The sensor asks the collector through its well-known channel.
    let well_known = query(&engine, &collector, SUBSCRIPTION, "wellKnown_Rx", "{}");
    let well_known = text(get(&well_known, "id"));
    event(
        &engine,
        &sensor,
        "wrangler:subscription",
        &format!(
            r#"{{"wellKnown_Tx": "{well_known}", "name": "temps", "Rx_role": "sensor",
                 "Tx_role": "collector"}}"#
        ),
    );
    let outbound = query(&engine, &sensor, SUBSCRIPTION, "outbound", "{}");
    let id = text(get(&outbound.as_array().expect("one outbound")[0], "Id"));
    let inbound = eventually("the collector's inbound request", || {
        let inbound = query(&engine, &collector, SUBSCRIPTION, "inbound", "{}");
        (inbound.as_array()?.len() == 1).then_some(inbound)
    });
    let pending = &inbound.as_array().unwrap()[0];
    assert_eq!(text(get(pending, "Id")), id);
    assert_eq!(text(get(pending, "Rx_role")), "collector");
    assert_eq!(text(get(pending, "Tx_role")), "sensor");

    // The collector approves; both sides end up established, each Tx the other's Rx.
    event(
        &engine,
        &collector,
        "wrangler:pending_subscription_approval",
        &format!(r#"{{"Id": "{id}"}}"#),
    );
    let sensor_side = eventually("the sensor's established subscription", || {
        let list = query(&engine, &sensor, SUBSCRIPTION, "established", "{}");
        list.as_array()?.first().cloned()
    });
    let collector_side = query(
        &engine,
        &collector,
        SUBSCRIPTION,
        "established",
        r#"{"key": "Id", "value": "x"}"#,
    );
    assert_eq!(
        collector_side,
        Value::array(Vec::new()),
        "filtered by a missing Id"
    );
    let collector_side = query(
        &engine,
        &collector,
        SUBSCRIPTION,
        "established",
        &format!(r#"{{"key": "Id", "value": "{id}"}}"#),
    );
    let collector_side = collector_side.as_array().expect("established")[0].clone();
    assert_eq!(get(&sensor_side, "Tx"), get(&collector_side, "Rx"));
    assert_eq!(get(&sensor_side, "Rx"), get(&collector_side, "Tx"));
    assert_eq!(get(&sensor_side, "wellKnown_Tx"), &Value::Null);
    assert_eq!(
        query(&engine, &sensor, SUBSCRIPTION, "outbound", "{}"),
        Value::array(Vec::new())
    );
    assert_eq!(
        query(&engine, &collector, SUBSCRIPTION, "inbound", "{}"),
        Value::array(Vec::new())
    );

    // Events across the subscription, picked by role.
    for n in 1..=3 {
        event(
            &engine,
            &sensor_open,
            "wrangler:send_event_on_subs",
            &format!(
                r#"{{"Tx_role": "collector", "domain": "sensor", "type": "ping", "attrs": {{"n": {n}}}}}"#
            ),
        );
    }
    eventually("three pings at the collector", || {
        (query(&engine, &collector_open, "test.pings", "pings", "{}") == Value::number(3.0)).then_some(())
    });
    assert_eq!(
        query(&engine, &collector_open, "test.pings", "last", "{}"),
        Value::number(3.0)
    );

    // Cancelled from the sensor's side: both records and both Rx channels go.
    let sensor_rx = text(get(&sensor_side, "Rx"));
    let collector_rx = text(get(&collector_side, "Rx"));
    event(
        &engine,
        &sensor,
        "wrangler:subscription_cancellation",
        &format!(r#"{{"Id": "{id}"}}"#),
    );
    eventually("the collector to drop the subscription", || {
        (query(&engine, &collector, SUBSCRIPTION, "established", "{}") == Value::array(Vec::new()))
            .then_some(())
    });
    assert_eq!(
        query(&engine, &sensor, SUBSCRIPTION, "established", "{}"),
        Value::array(Vec::new())
    );
    for rx in [sensor_rx, collector_rx] {
        assert!(engine.pico_of(&rx).is_err(), "the Rx channel {rx} is deleted");
    }

    // `intent_to_delete`: the sensor asks its parent to delete it, and the parent does.
    event(
        &engine,
        &sensor_open,
        "wrangler:intent_to_delete",
        r#"{"Id": "any"}"#,
    );
    eventually("the sensor's deletion", || {
        let children = strings(get(&query(&engine, &ui_eci, UI, "box", "{}"), "children"));
        (children == [collector.clone()]).then_some(())
    });
    assert!(engine.pico_of(&sensor).is_err(), "the sensor pico is gone");
}

#[test]
fn auto_accept_configs_approve_matching_requests() {
    let (engine, ui_eci) = booted();
    let asker = new_child(&engine, &ui_eci, "asker");
    let accepter = new_child(&engine, &ui_eci, "accepter");
    let accepter_open = open_channel(&engine, &accepter, "test");
    event(
        &engine,
        &accepter_open,
        "wrangler:autoAcceptConfigUpdate",
        r#"{"configName": "sensors", "regexMap": "{\"Tx_role\": [\"^sens\"]}"}"#,
    );
    let config = query(&engine, &accepter_open, SUBSCRIPTION, "autoAcceptConfig", "{}");
    assert_eq!(
        get(get(&config, "sensors"), "entries"),
        &json(r#"{"Tx_role": ["^sens"]}"#)
    );
    let well_known = text(get(
        &query(&engine, &accepter, SUBSCRIPTION, "wellKnown_Rx", "{}"),
        "id",
    ));
    // The request carries the roles as the accepter sees them: its `Tx_role` is the
    // asker's `Rx_role`. A role the config does not match stays pending.
    for role in ["thermostat", "sensor"] {
        event(
            &engine,
            &asker,
            "wrangler:subscription",
            &format!(r#"{{"wellKnown_Tx": "{well_known}", "Rx_role": "{role}", "Tx_role": "hub"}}"#),
        );
    }
    let established = eventually("the accepted subscription", || {
        let list = query(&engine, &asker, SUBSCRIPTION, "established", "{}");
        list.as_array()?.first().cloned()
    });
    assert_eq!(text(get(&established, "Rx_role")), "sensor");
    let pending = query(&engine, &accepter, SUBSCRIPTION, "inbound", "{}");
    let pending = pending.as_array().expect("inbound");
    assert_eq!(pending.len(), 1);
    assert_eq!(text(get(&pending[0], "Tx_role")), "thermostat");
    let rejected_id = text(get(&pending[0], "Id"));
    let outbound = query(&engine, &asker, SUBSCRIPTION, "outbound", "{}");
    assert_eq!(outbound.as_array().map(<[Value]>::len), Some(1));

    // The accepter rejects the pending request: both sides forget it.
    event(
        &engine,
        &accepter,
        "wrangler:inbound_rejection",
        &format!(r#"{{"Id": "{rejected_id}"}}"#),
    );
    assert_eq!(
        query(&engine, &accepter, SUBSCRIPTION, "inbound", "{}"),
        Value::array(Vec::new())
    );
    eventually("the asker to drop its outbound request", || {
        (query(&engine, &asker, SUBSCRIPTION, "outbound", "{}") == Value::array(Vec::new())).then_some(())
    });

    // The asker withdraws a new request: both sides forget it too.
    event(
        &engine,
        &asker,
        "wrangler:subscription",
        &format!(r#"{{"wellKnown_Tx": "{well_known}", "Rx_role": "other", "Tx_role": "hub"}}"#),
    );
    let outbound = query(&engine, &asker, SUBSCRIPTION, "outbound", "{}");
    let withdrawn_id = text(get(&outbound.as_array().expect("outbound")[0], "Id"));
    eventually("the accepter's inbound request", || {
        let inbound = query(&engine, &accepter, SUBSCRIPTION, "inbound", "{}");
        (inbound.as_array()?.len() == 1).then_some(())
    });
    event(
        &engine,
        &asker,
        "wrangler:outbound_cancellation",
        &format!(r#"{{"Id": "{withdrawn_id}"}}"#),
    );
    assert_eq!(
        query(&engine, &asker, SUBSCRIPTION, "outbound", "{}"),
        Value::array(Vec::new())
    );
    eventually("the accepter to drop the withdrawn request", || {
        (query(&engine, &accepter, SUBSCRIPTION, "inbound", "{}") == Value::array(Vec::new())).then_some(())
    });
    // The accepted subscription is untouched.
    assert_eq!(
        query(&engine, &asker, SUBSCRIPTION, "established", "{}")
            .as_array()
            .map(<[Value]>::len),
        Some(1)
    );
}
