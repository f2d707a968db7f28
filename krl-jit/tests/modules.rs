//! The built-in modules through rulesets in a running engine: `math`, `time`, `random`,
//! `ctx` (channels, child picos, installs, cross-pico events and queries, logs) and
//! `event:send`, with the reference's results and error texts.

use std::sync::Arc;

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::{Engine, EngineOptions, EventResponse};
use krl_runtime::value::Map;

/// 2010-08-08T00:00:00Z.
const NOW: f64 = 1_281_225_600_000.0;

fn engine() -> Engine {
    Engine::new(
        Arc::new(InterpreterBackend),
        EngineOptions {
            manual_clock: Some(NOW),
            ..EngineOptions::default()
        },
    )
}

fn json(text: &str) -> Value {
    Value::decode(text).expect("valid JSON")
}

/// Registers and installs `src` on the root pico; returns an allow-all channel's ECI.
fn install(engine: &Engine, url: &str, src: &str) -> String {
    engine.register(url, src).expect("the ruleset compiles");
    let root = engine.root_pico().to_string();
    engine
        .install(&root, url, Map::new())
        .expect("the ruleset installs");
    engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id
}

fn encode(value: &Value) -> String {
    value.encode(0).unwrap_or_default()
}

fn directive(response: &EventResponse, name: &str) -> Value {
    response
        .directives
        .iter()
        .filter_map(Value::as_map)
        .find(|d| d.get("name") == Some(&Value::from(name)))
        .and_then(|d| d.get("options").cloned())
        .unwrap_or_else(|| panic!("no directive {name} in {:?}", response.directives))
}

const PURE: &str = r#"
ruleset test.pure {
  meta { shares call }
  global {
    call = function(expr) {
      expr == "b64" => [math:base64encode("}{"), math:base64decode("fXs="), math:base64encode(null) == math:base64encode("null")] |
      expr == "hash" => [math:hash("sha256", "hello"), math:hash("sha256", "hello", "base64"), math:hash(algorithm = "md5", str = "")] |
      expr == "hash_no_alg" => math:hash() |
      expr == "hash_num_alg" => math:hash(0, null) |
      expr == "hash_bad_alg" => math:hash("0", null) |
      expr == "hash_bad_enc" => math:hash("sha1", "x", "utf8") |
      expr == "hmac" => [math:hmac("sha256", "a secret", "some message"), math:hmac("sha256", "a secret", "some message", "base64")] |
      expr == "hmac_no_key" => math:hmac() |
      expr == "hmac_bad_alg" => math:hmac("foo", "", "") |
      expr == "algorithms" => math:hashAlgorithms |
      expr == "rounding" => [math:abs(-0.46), math:ceiling(0.46), math:floor(-0.46), math:int(-10.46), math:round(0.46),
                             math:round(-0.46, 1), math:round(4066, -2), math:round(4066, -3), math:round(number = 1.005, precision = 2)] |
      expr == "now" => [time:now(), time:now({"tz": "Australia/Sydney"}), time:now] |
      expr == "now_bad" => time:now([]) |
      expr == "new" => [time:new("2010-08-08"), time:new("1967342"), time:new(1967342000), time:new("2011W206T1345-0600"), time:new("083023Z")] |
      expr == "new_missing" => time:new() |
      expr == "new_invalid" => time:new("67342") |
      expr == "new_type" => time:new(true) |
      expr == "add" => [time:add("2017-01-01", {"years": -2017}), time:add("2017-01-01", {"months": -22}), time:add("2010-08-08", {"weeks": 5}),
                        time:add(1967342, {"seconds": "five"}), time:add(date = "2017-01-01", spec = {"minutes": 2, "seconds": 90})] |
      expr == "add_no_date" => time:add(spec = {}) |
      expr == "add_no_spec" => time:add(67342) |
      expr == "add_type" => time:add(67342, 5) |
      expr == "add_invalid" => time:add("67342", 5) |
      expr == "add_spec_type" => time:add("2017-01-01", []) |
      expr == "strftime" => [time:strftime("2010-10-06T18:25:55", "%F %T"), time:strftime("2010-10-06T18:25:55", "%A %d %b %Y"),
                             time:strftime("2010-10-06T18:25:55", "year month")] |
      expr == "strftime_no_fmt" => time:strftime(67342) |
      expr == "strftime_type" => time:strftime(67342, "%F %T") |
      expr == "strftime_invalid" => time:strftime("67342", "%F %T") |
      expr == "strftime_fmt_type" => time:strftime("1967342", ["%A %d %b %Y"]) |
      expr == "random" => [random:uuid(), random:word(), random:integer(10), random:integer(-3, "five"), random:number(upper = 7)] |
      expr == "unknown" => math:nope() |
      null
    }
  }
}
"#;

fn pure(engine: &Engine, eci: &str, expr: &str) -> Result<Value, String> {
    engine
        .query(
            eci,
            "test.pure",
            "call",
            json(&format!(r#"{{"expr": "{expr}"}}"#)),
        )
        .map_err(|e| e.to_string())
}

#[test]
fn math_module() {
    let engine = engine();
    let eci = install(&engine, "file:///pure.krl", PURE);
    let ok = |expr: &str| encode(&pure(&engine, &eci, expr).expect("no error"));
    let err = |expr: &str| pure(&engine, &eci, expr).expect_err("an error");
    assert_eq!(ok("b64"), r#"["fXs=","}{",true]"#);
    assert_eq!(
        ok("hash"),
        r#"["2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=","d41d8cd98f00b204e9800998ecf8427e"]"#
    );
    assert_eq!(
        err("hash_no_alg"),
        "TypeError: math:hash was given null instead of a algorithm string"
    );
    assert_eq!(
        err("hash_num_alg"),
        "TypeError: math:hash was given 0 instead of a algorithm string"
    );
    assert_eq!(
        err("hash_bad_alg"),
        "Error: math:hash doesn't recognize the hash algorithm 0"
    );
    assert_eq!(
        err("hash_bad_enc"),
        r#"Error: math:hash encoding must be "hex" or "base64" but was utf8"#
    );
    assert_eq!(
        ok("hmac"),
        r#"["86de43245b44531ac38b6a6a691996287d932a8dea03bc69b193b90caf48ff53","ht5DJFtEUxrDi2pqaRmWKH2TKo3qA7xpsZO5DK9I/1M="]"#
    );
    assert_eq!(err("hmac_no_key"), "Error: math:hmac needs a key string");
    assert_eq!(
        err("hmac_bad_alg"),
        "Error: math:hmac doesn't recognize the hash algorithm foo"
    );
    assert!(ok("algorithms").contains("\"sha512\""));
    assert_eq!(ok("rounding"), "[0.46,1,-1,-10,0,-0.5,4100,4000,1.01]");
    assert_eq!(err("unknown"), "TypeError: math:nope is not a function");
}

#[test]
fn time_module() {
    let engine = engine();
    let eci = install(&engine, "file:///pure.krl", PURE);
    let ok = |expr: &str| encode(&pure(&engine, &eci, expr).expect("no error"));
    let err = |expr: &str| pure(&engine, &eci, expr).expect_err("an error");
    // The engine clock drives `time:now`, and a property reference calls the function.
    assert_eq!(
        ok("now"),
        r#"["2010-08-08T00:00:00.000Z","2010-08-08T00:00:00.000Z","2010-08-08T00:00:00.000Z"]"#
    );
    assert_eq!(
        err("now_bad"),
        "TypeError: time:now was given [Array] instead of an opts map"
    );
    assert_eq!(
        ok("new"),
        r#"["2010-08-08T00:00:00.000Z","1967-12-08T00:00:00.000Z","1970-01-23T18:29:02.000Z","2011-05-21T19:45:00.000Z","2010-08-08T08:30:23.000Z"]"#
    );
    assert_eq!(err("new_missing"), "Error: time:new needs a date string");
    assert_eq!(
        err("new_invalid"),
        "Error: time:new was given an invalid date string (67342)"
    );
    assert_eq!(
        err("new_type"),
        "TypeError: time:new was given true instead of a date string"
    );
    assert_eq!(
        ok("add"),
        r#"["0000-01-01T00:00:00.000Z","2015-03-01T00:00:00.000Z","2010-09-12T00:00:00.000Z","1967-12-08T00:00:00.000Z","2017-01-01T00:03:30.000Z"]"#
    );
    assert_eq!(err("add_no_date"), "Error: time:add needs a date string");
    assert_eq!(err("add_no_spec"), "Error: time:add needs a spec map");
    assert_eq!(
        err("add_type"),
        "TypeError: time:add was given 67342 instead of a date string"
    );
    assert_eq!(
        err("add_invalid"),
        "Error: time:add was given an invalid date string (67342)"
    );
    assert_eq!(
        err("add_spec_type"),
        "TypeError: time:add was given [Array] instead of a spec map"
    );
    assert_eq!(
        ok("strftime"),
        r#"["2010-10-06 18:25:55","Wednesday 06 Oct 2010","year month"]"#
    );
    assert_eq!(err("strftime_no_fmt"), "Error: time:strftime needs a fmt string");
    assert_eq!(
        err("strftime_type"),
        "TypeError: time:strftime was given 67342 instead of a date string"
    );
    assert_eq!(
        err("strftime_invalid"),
        "Error: time:strftime was given an invalid date string (67342)"
    );
    assert_eq!(
        err("strftime_fmt_type"),
        "TypeError: time:strftime was given [Array] instead of a fmt string"
    );
}

#[test]
fn random_module() {
    let engine = engine();
    let eci = install(&engine, "file:///pure.krl", PURE);
    for _ in 0..20 {
        let values = pure(&engine, &eci, "random").expect("no error");
        let values = values.as_array().expect("array");
        let text = |idx: usize| values[idx].as_str().expect("a string").to_string();
        assert!(text(0).starts_with('c') && !text(0).contains(' '));
        assert!(!text(1).is_empty() && !text(1).contains(' '));
        let number = |idx: usize| values[idx].as_number().expect("a number");
        assert!((0.0..=10.0).contains(&number(2)) && number(2).fract() == 0.0);
        assert!((-3.0..=0.0).contains(&number(3)) && number(3).fract() == 0.0);
        assert!((0.0..=7.0).contains(&number(4)));
    }
}

const CTX: &str = r#"
ruleset test.ctx {
  meta { shares children, channels, rulesets, logs, got, ask }
  global {
    children = function() { ctx:children }
    channels = function() { ctx:channels }
    rulesets = function() { ctx:rulesets }
    logs = function() { ctx:logs() }
    got = function() { ent:got.defaultsTo([]) }
    ask = function(eci, rid, name) { ctx:query(eci, rid, name, {}) }
  }
  rule new_channel {
    select when c new_channel
    every {
      ctx:newChannel(event:attrs{"tags"}, event:attrs{"eventPolicy"}, event:attrs{"queryPolicy"}) setting(chan)
      send_directive("channel", chan)
    }
  }
  rule put_channel { select when c put_channel  ctx:putChannel(event:attrs{"eci"}, event:attrs{"tags"}, event:attrs{"eventPolicy"}) }
  rule upsert { select when c upsert  ctx:upsertChannel(event:attrs{"tags"}) }
  rule del_channel { select when c del_channel  ctx:delChannel(event:attrs{"eci"}) }
  rule new_pico {
    select when c new_pico
    every {
      ctx:newPico(event:attrs{"rulesets"}) setting(eci)
      send_directive("child", {"eci": eci})
    }
  }
  rule del_pico { select when c del_pico  ctx:delPico(event:attrs{"eci"}) }
  rule send {
    select when c send
    every {
      ctx:event(event:attrs{"eci"}, event:attrs{"domain"}, event:attrs{"name"}, event:attrs{"attrs"}) setting(eid)
      send_directive("sent", {"eid": eid})
    }
  }
  rule send_soft {
    select when c send_soft
    every {
      event:send({"eci": event:attrs{"eci"}, "domain": event:attrs{"domain"}, "type": event:attrs{"name"}, "attrs": event:attrs{"attrs"}}) setting(eid)
      send_directive("sent", {"eid": eid})
    }
  }
  rule send_bad_eci { select when c send_bad_eci  event:send({"eci": 5, "domain": "c", "name": "got"}) }
  rule query {
    select when c query
    pre { answer = ctx:query(event:attrs{"eci"}, event:attrs{"rid"}, event:attrs{"name"}, event:attrs{"args"}) }
    send_directive("answer", {"answer": answer})
  }
  rule got { select when c got  always { ent:got := got().append(event:attrs{"n"}) } }
  rule install {
    select when c install
    every {
      ctx:install(event:attrs{"url"}, {"greeting": "configured"}) setting(rid)
      send_directive("installed", {"rid": rid})
    }
  }
  rule uninstall { select when c uninstall  ctx:uninstall(event:attrs{"rid"}) }
  rule klog { select when c klog  always { x = "logged".klog("note") } }
}
"#;

const CHILD: &str = r#"
ruleset test.child {
  meta {
    shares hello, children, got
    configure using greeting = "hi"
  }
  global {
    hello = function() { greeting + " from " + ctx:picoId }
    children = function() { ctx:children }
    got = function() { ent:got.defaultsTo([]) }
  }
  rule spawn { select when c spawn  ctx:newPico([{"url": "file:///child.krl"}]) }
  rule got { select when c got  always { ent:got := got().append(event:attrs{"n"}) } }
}
"#;

/// An engine with `test.ctx` on the root pico and `test.child` registered.
fn ctx_engine() -> (Engine, String) {
    let engine = engine();
    let eci = install(&engine, "file:///ctx.krl", CTX);
    engine
        .register("file:///child.krl", CHILD)
        .expect("the child ruleset compiles");
    (engine, eci)
}

fn run(engine: &Engine, eci: &str, name: &str, attrs: &str) -> Result<EventResponse, String> {
    engine
        .event_wait(eci, "c", name, json(attrs))
        .map_err(|e| e.to_string())
}

fn ctx_query(engine: &Engine, eci: &str, name: &str) -> Value {
    engine
        .query(eci, "test.ctx", name, Value::Null)
        .expect("the query runs")
}

#[test]
fn channels_are_created_edited_and_deleted_with_the_reference_errors() {
    let (engine, eci) = ctx_engine();
    let root = engine.root_pico().to_string();
    let made = run(&engine, &eci, "new_channel", r#"{"tags": ["  My Tag ", "two"], "eventPolicy": {"allow": [{"domain": "c", "name": "*"}], "deny": []}}"#)
        .expect("made");
    let channel = directive(&made, "channel");
    let channel = channel.as_map().expect("a channel record");
    assert_eq!(encode(channel.get("tags").expect("tags")), r#"["my-tag","two"]"#);
    assert_eq!(channel.get("familyChannelPicoID"), Some(&Value::Null));
    let new_eci = channel.get("id").expect("id").to_krl_string().into_owned();
    assert!(
        ctx_query(&engine, &eci, "channels")
            .as_array()
            .expect("array")
            .len()
            >= 2
    );
    // The policy applies to events from outside.
    assert_eq!(run(&engine, &new_eci, "x", "{}").map(|_| ()), Ok(()));
    assert_eq!(
        engine
            .event_wait(&new_eci, "other", "x", Value::Null)
            .expect_err("denied")
            .to_string(),
        "Error: Not allowed by channel policy"
    );

    let err = run(&engine, &eci, "new_channel", r#"{"tags": ["System"]}"#).expect_err("system tag");
    assert_eq!(err, r#"TypeError: Cannot tag channel as "system"."#);
    let err = run(&engine, &eci, "new_channel", r#"{"eventPolicy": {"allow": []}}"#).expect_err("bad policy");
    assert_eq!(
        err,
        "TypeError: EventPolicy expects {allow: EventPolicyRule[], deny: EventPolicyRule[]}"
    );

    run(
        &engine,
        &eci,
        "put_channel",
        &format!(r#"{{"eci": "{new_eci}", "tags": ["renamed"]}}"#),
    )
    .expect("edited");
    let tags_of = |id: &str| {
        let channels = ctx_query(&engine, &eci, "channels");
        let found = channels
            .as_array()
            .expect("array")
            .iter()
            .find(|c| c.as_map().and_then(|m| m.get("id")) == Some(&Value::from(id)))
            .cloned();
        found.map(|c| encode(c.as_map().expect("map").get("tags").expect("tags")))
    };
    assert_eq!(tags_of(&new_eci).as_deref(), Some(r#"["renamed"]"#));
    // The policy was not given, so it stayed.
    assert!(engine.event_wait(&new_eci, "other", "x", Value::Null).is_err());
    assert_eq!(
        run(&engine, &eci, "put_channel", r#"{"eci": "nope"}"#).expect_err("unknown"),
        "Error: ECI not found nope"
    );
    assert_eq!(
        run(&engine, &eci, "put_channel", &format!(r#"{{"eci": "{root}"}}"#)).expect_err("self"),
        "Error: Cannot edit the self channel."
    );

    // upsertChannel finds channels by their sorted tags.
    run(&engine, &eci, "upsert", r#"{"tags": ["b", "a"]}"#).expect("created");
    run(&engine, &eci, "upsert", r#"{"tags": ["a", "b"]}"#).expect("found");
    let channels = ctx_query(&engine, &eci, "channels");
    let matching = channels
        .as_array()
        .expect("array")
        .iter()
        .filter(|c| encode(c.as_map().expect("map").get("tags").expect("tags")) == r#"["a","b"]"#)
        .count();
    assert_eq!(matching, 1);

    run(
        &engine,
        &eci,
        "del_channel",
        &format!(r#"{{"eci": "{new_eci}"}}"#),
    )
    .expect("deleted");
    assert_eq!(tags_of(&new_eci), None);
    assert_eq!(
        engine
            .event_wait(&new_eci, "c", "x", Value::Null)
            .expect_err("gone")
            .to_string(),
        format!("Error: ECI not found {new_eci}")
    );
    assert_eq!(
        run(&engine, &eci, "del_channel", r#"{"eci": "nope"}"#).expect_err("unknown"),
        "Error: ECI not found nope"
    );
    assert_eq!(
        run(&engine, &eci, "del_channel", &format!(r#"{{"eci": "{root}"}}"#)).expect_err("self"),
        "Error: Cannot delete family channels."
    );
}

#[test]
fn child_picos_are_created_queried_and_deleted_recursively() {
    let (engine, eci) = ctx_engine();
    let made = run(
        &engine,
        &eci,
        "new_pico",
        r#"{"rulesets": [{"url": "file:///child.krl", "config": {"greeting": "hello"}}]}"#,
    )
    .expect("made");
    let child = directive(&made, "child")
        .as_map()
        .and_then(|m| m.get("eci").cloned())
        .expect("eci")
        .to_krl_string()
        .into_owned();
    assert_eq!(
        encode(&ctx_query(&engine, &eci, "children")),
        format!(r#"["{child}"]"#)
    );
    let child_id = engine.pico_of(&child).expect("the child exists");
    // Only the parent may use the child-link channel.
    let err = engine
        .query(&child, "test.child", "hello", Value::Null)
        .expect_err("family");
    assert_eq!(
        err.to_string(),
        "Error: This is a family channel and only the owner can use it."
    );
    let asked = run(
        &engine,
        &eci,
        "query",
        &format!(r#"{{"eci": "{child}", "rid": "test.child", "name": "hello"}}"#),
    )
    .expect("asked");
    assert_eq!(
        encode(&directive(&asked, "answer")),
        format!(r#"{{"answer":"hello from {child_id}"}}"#)
    );

    // The child makes a grandchild (an event through the family channel, sender = parent).
    run(
        &engine,
        &eci,
        "send",
        &format!(r#"{{"eci": "{child}", "domain": "c", "name": "spawn"}}"#),
    )
    .expect("sent");
    let asked = run(
        &engine,
        &eci,
        "query",
        &format!(r#"{{"eci": "{child}", "rid": "test.child", "name": "children"}}"#),
    )
    .expect("asked");
    let grandchildren = directive(&asked, "answer");
    assert_eq!(
        grandchildren
            .as_map()
            .and_then(|m| m.get("answer"))
            .and_then(Value::as_array)
            .map(<[Value]>::len),
        Some(1)
    );
    assert_eq!(engine.pico_summaries().len(), 3);

    assert_eq!(
        run(&engine, &eci, "del_pico", r#"{"eci": "nope"}"#).expect_err("not a child"),
        "Error: delPico(nope) - not found in children ECIs"
    );
    assert_eq!(
        run(&engine, &eci, "del_pico", "{}").expect_err("missing"),
        "Error: delPico(undefined) - not found in children ECIs"
    );
    run(&engine, &eci, "del_pico", &format!(r#"{{"eci": "{child}"}}"#)).expect("deleted");
    assert_eq!(engine.pico_summaries().len(), 1);
    assert_eq!(encode(&ctx_query(&engine, &eci, "children")), "[]");
    assert!(engine.pico_of(&child).is_err());
    // The parent-link channel went with it: the only family channel left is the self channel.
    let family = ctx_query(&engine, &eci, "channels");
    let tags: Vec<String> = family
        .as_array()
        .expect("array")
        .iter()
        .filter(|c| c.as_map().and_then(|m| m.get("familyChannelPicoID")) != Some(&Value::Null))
        .map(|c| {
            c.as_map()
                .and_then(|m| m.get("tags"))
                .and_then(|t| t.encode(0))
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(tags, [r#"["system","self"]"#]);
}

#[test]
fn new_pico_checks_its_argument_and_swallows_install_errors() {
    let (engine, eci) = ctx_engine();
    let err = run(&engine, &eci, "new_pico", r#"{"rulesets": "nope"}"#).expect_err("not an array");
    assert_eq!(err, "TypeError: ctx:newPico expects an array of {url, config}");
    // A URL that cannot be loaded fails before the child exists.
    assert!(
        run(
            &engine,
            &eci,
            "new_pico",
            r#"{"rulesets": [{"url": "file:///does/not/exist.krl"}]}"#
        )
        .is_err()
    );
    assert_eq!(engine.pico_summaries().len(), 1);
    // An install that fails to initialise is only logged.
    engine
        .register(
            "file:///broken.krl",
            "ruleset test.broken { global { x = 5(1) } }",
        )
        .expect("compiles");
    let made = run(
        &engine,
        &eci,
        "new_pico",
        r#"{"rulesets": [{"url": "file:///broken.krl"}]}"#,
    )
    .expect("made");
    let child = directive(&made, "child")
        .as_map()
        .and_then(|m| m.get("eci").cloned())
        .expect("eci");
    let child_id = engine.pico_of(&child.to_krl_string()).expect("exists");
    assert!(
        engine
            .logs(&child_id)
            .iter()
            .any(|l| l.level == "error" && l.message.contains("test.broken"))
    );
}

#[test]
fn ctx_event_is_checked_by_policy_and_fails_the_rule_while_event_send_only_logs() {
    let (engine, eci) = ctx_engine();
    let root = engine.root_pico().to_string();
    let policy = json(r#"{"allow": [{"domain": "c", "name": "got"}], "deny": []}"#);
    let narrow = engine
        .new_channel(&root, &Value::Null, &policy, &Value::Null)
        .expect("a channel")
        .id;
    let sent = run(
        &engine,
        &eci,
        "send",
        &format!(r#"{{"eci": "{narrow}", "domain": "c", "name": "got", "attrs": {{"n": 1}}}}"#),
    )
    .expect("sent");
    assert!(
        directive(&sent, "sent")
            .as_map()
            .and_then(|m| m.get("eid"))
            .and_then(Value::as_str)
            .is_some_and(|e| e.starts_with('c'))
    );
    let err = run(
        &engine,
        &eci,
        "send",
        &format!(r#"{{"eci": "{narrow}", "domain": "c", "name": "other"}}"#),
    )
    .expect_err("denied");
    assert_eq!(err, "Error: Not allowed by channel policy");
    assert_eq!(
        run(
            &engine,
            &eci,
            "send",
            r#"{"eci": "nope", "domain": "c", "name": "got"}"#
        )
        .expect_err("unknown"),
        "Error: ECI not found nope"
    );

    let soft = run(
        &engine,
        &eci,
        "send_soft",
        &format!(r#"{{"eci": "{narrow}", "domain": "c", "name": "other"}}"#),
    )
    .expect("logged only");
    assert_eq!(encode(&directive(&soft, "sent")), r#"{"eid":null}"#);
    assert!(
        engine
            .logs(&root)
            .iter()
            .any(|l| l.level == "error" && l.message == "Error: Not allowed by channel policy")
    );
    run(
        &engine,
        &eci,
        "send_soft",
        &format!(r#"{{"eci": "{narrow}", "domain": "c", "name": "got", "attrs": {{"n": 2}}}}"#),
    )
    .expect("sent");
    assert_eq!(
        run(&engine, &eci, "send_bad_eci", "{}").expect_err("bad eci"),
        "TypeError: eci was 5 instead of a string"
    );
    // Events to one's own pico run after the sending transaction; the query waits for them.
    assert_eq!(encode(&ctx_query(&engine, &eci, "got")), "[1,2]");
}

#[test]
fn ctx_query_refuses_to_query_its_own_pico() {
    let (engine, eci) = ctx_engine();
    let err = run(
        &engine,
        &eci,
        "query",
        &format!(r#"{{"eci": "{eci}", "rid": "test.ctx", "name": "got"}}"#),
    )
    .expect_err("self");
    assert_eq!(err, "Error: ctx:query cannot query its own pico");
    let err = engine
        .query(
            &eci,
            "test.ctx",
            "ask",
            json(&format!(
                r#"{{"eci": "{eci}", "rid": "test.ctx", "name": "got"}}"#
            )),
        )
        .expect_err("self");
    assert_eq!(err.to_string(), "Error: ctx:query cannot query its own pico");
}

#[test]
fn install_and_uninstall_from_krl() {
    let (engine, eci) = ctx_engine();
    let done = run(&engine, &eci, "install", r#"{"url": "file:///child.krl"}"#).expect("installed");
    assert_eq!(encode(&directive(&done, "installed")), r#"{"rid":"test.child"}"#);
    let root = engine.root_pico().to_string();
    assert_eq!(
        engine
            .query(&eci, "test.child", "hello", Value::Null)
            .expect("query")
            .to_krl_string(),
        format!("configured from {root}")
    );
    let rulesets = ctx_query(&engine, &eci, "rulesets");
    let rids: Vec<String> = rulesets
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            r.as_map()
                .expect("map")
                .get("rid")
                .expect("rid")
                .to_krl_string()
                .into_owned()
        })
        .collect();
    assert_eq!(rids, ["test.ctx", "test.child"]);
    let child = rulesets.as_array().expect("array")[1]
        .as_map()
        .expect("map")
        .clone();
    assert_eq!(
        encode(child.get("config").expect("config")),
        r#"{"greeting":"configured"}"#
    );
    let meta = child.get("meta").and_then(Value::as_map).expect("meta");
    assert_eq!(
        encode(
            meta.get("krlMeta")
                .and_then(Value::as_map)
                .and_then(|m| m.get("shares"))
                .expect("shares")
        ),
        r#"["hello","children","got"]"#
    );
    assert_eq!(
        run(&engine, &eci, "install", r#"{"url": 5}"#).expect_err("bad url"),
        "TypeError: Expected string for url but got Number"
    );

    run(&engine, &eci, "uninstall", r#"{"rid": "test.child"}"#).expect("uninstalled");
    let err = engine
        .query(&eci, "test.child", "hello", Value::Null)
        .expect_err("gone");
    assert_eq!(err.to_string(), "Error: Pico doesn't have test.child installed.");
    run(&engine, &eci, "uninstall", r#"{"rid": "test.child"}"#).expect("a no-op");
    assert_eq!(
        run(&engine, &eci, "uninstall", "{}").expect_err("bad rid"),
        "TypeError: Expected string for rid but got Null"
    );
}

#[test]
fn logs_of_the_pico() {
    let (engine, eci) = ctx_engine();
    run(&engine, &eci, "klog", "{}").expect("logged");
    let logs = ctx_query(&engine, &eci, "logs");
    let klog = logs
        .as_array()
        .expect("array")
        .iter()
        .filter_map(Value::as_map)
        .find(|l| l.get("level") == Some(&Value::from("klog")))
        .cloned();
    let klog = klog.expect("the klog line");
    assert_eq!(klog.get("msg"), Some(&Value::from("note")));
    assert_eq!(klog.get("val"), Some(&Value::from("logged")));
    assert_eq!(klog.get("time"), Some(&Value::from("2010-08-08T00:00:00.000Z")));
    // Older than 12 hours: gone.
    engine.set_time(NOW + 13.0 * 3_600_000.0);
    let logs = ctx_query(&engine, &eci, "logs");
    assert!(
        logs.as_array()
            .expect("array")
            .iter()
            .filter_map(Value::as_map)
            .all(|l| l.get("level") != Some(&Value::from("klog")))
    );
}
