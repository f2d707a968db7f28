//! The `ctx` module (engine.md §7.2): the pico's rulesets, logs and queries to other picos,
//! and the actions that change picos, channels and installs.
//!
//! Atomicity: the actions that change picos, channels and installs write into the running
//! transaction's batch and take effect in memory at once, undoably (`kernel/staged.rs`), so
//! they commit with the rest of the transaction or not at all. Deliberately not the
//! reference's behaviour, which keeps them when the transaction fails later (its partial
//! writes defect).

use std::sync::Arc;

use super::{Args, no_member};
use crate::RuntimeError;
use crate::engine::channel::{self, Channel};
use crate::engine::context::{LogEntry, TxnContext};
use crate::engine::error::EngineError;
use crate::engine::event::Query;
use crate::engine::ids::new_id;
use crate::engine::pico::RulesetCode;
use crate::engine::placement::Route;
use crate::value::{Map, Value};

/// How far back `ctx:logs()` looks, as the reference does.
const LOG_WINDOW_MS: f64 = 12.0 * 3_600_000.0;

/// Members answered here even when referenced without parentheses (`ctx:rulesets`).
pub(crate) fn answers(name: &str) -> bool {
    matches!(name, "rulesets" | "logs")
}

pub(super) fn call(cx: &mut TxnContext<'_>, name: &str, mut args: Args) -> Result<Value, RuntimeError> {
    match name {
        "rulesets" => Ok(rulesets(cx)),
        "logs" => Ok(logs(cx)),
        "query" => {
            let query_args = args.take(3);
            query(cx, args.get(0), args.get(1), args.get(2), query_args)
        }
        "event" => event(cx, args),
        "eventQuery" => {
            let (attrs, query_args) = (args.take(3), args.take(6));
            refuse_self(cx, args.get(0), "ctx:eventQuery")?;
            if let Route::Forward(base_url) = cx.route(field(args.get(0)))? {
                let both = merged(&attrs, &query_args);
                let (event, asked) = (
                    (field(args.get(1)), field(args.get(2))),
                    (field(args.get(4)), field(args.get(5))),
                );
                return super::remote::event_query(&base_url, field(args.get(0)), event, asked, &both);
            }
            send(cx, args.get(0), args.get(1), args.get(2), attrs)?;
            query(cx, args.get(0), args.get(4), args.get(5), query_args)
        }
        "newPico" => new_pico(cx, args.get(0)),
        "delPico" => {
            del_pico(cx, args.get(0))?;
            Ok(Value::Null)
        }
        "newChannel" => {
            let tags = channel::clean_tags(args.get(0))?;
            Ok(new_channel(cx, tags, args.get(1), args.get(2))?.to_value())
        }
        "putChannel" => {
            let eci = args.get(0).to_krl_string().into_owned();
            put_channel(cx, &eci, args.get(1), args.get(2), args.get(3))?;
            Ok(Value::Null)
        }
        "upsertChannel" => {
            upsert_channel(cx, &args)?;
            Ok(Value::Null)
        }
        "delChannel" => {
            del_channel(cx, &args.get(0).to_krl_string())?;
            Ok(Value::Null)
        }
        "install" => install(cx, &args),
        "uninstall" => {
            let rid = expect_string(args.get(0), "rid")?.to_string();
            uninstall(cx, &rid)?;
            Ok(Value::Null)
        }
        "flush" => {
            let url = normalize_url(expect_string(args.get(0), "url")?);
            cx.flush(&url).map_err(runtime)?;
            Ok(Value::Null)
        }
        // Matches pico-engine: the `raise` statement's internal is not callable from KRL.
        "raiseEvent" => Err(RuntimeError::type_error("[JSObject] is not a function")),
        _ => Err(no_member("ctx", name)),
    }
}

/// `ctx:event(eci, domain, name, attrs, host)`: to a pico of this engine, or of the engine at
/// `host` (through the outbox, after the transaction commits).
fn event(cx: &mut TxnContext<'_>, mut args: Args) -> Result<Value, RuntimeError> {
    let attrs = args.take(3);
    if args.get(4).truthy() {
        let host = args.get(4).to_krl_string();
        let eci = args.get(0).to_krl_string();
        super::http::send_elsewhere(cx, &host, &eci, field(args.get(1)), field(args.get(2)), &attrs);
        return Ok(Value::Null);
    }
    // Matches pico-engine: unlike `event:send`, delivery errors fail the rule.
    let eid = send(cx, args.get(0), args.get(1), args.get(2), attrs)?;
    Ok(eid.map(Value::string).unwrap_or_default())
}

/// `ctx:upsertChannel(tags, eventPolicy, queryPolicy)`: updates the channel with the same
/// tags (in any order), or creates one.
fn upsert_channel(cx: &mut TxnContext<'_>, args: &Args) -> Result<(), RuntimeError> {
    let mut tags = channel::clean_tags(args.get(0))?;
    tags.sort();
    let existing = cx.pico_state().channels.values().find(|c| {
        let mut theirs = c.tags.clone();
        theirs.sort();
        theirs == tags
    });
    match existing.map(|c| c.id.clone()) {
        Some(eci) => {
            let tags = Value::array(tags.into_iter().map(Value::string).collect());
            put_channel(cx, &eci, &tags, args.get(1), args.get(2))?;
        }
        None => {
            new_channel(cx, tags, args.get(1), args.get(2))?;
        }
    }
    Ok(())
}

/// `ctx:install(url, config)`: staged with the transaction; answers the installed rid.
fn install(cx: &mut TxnContext<'_>, args: &Args) -> Result<Value, RuntimeError> {
    let url = normalize_url(expect_string(args.get(0), "url")?);
    let config = args.get(1).as_map().cloned().unwrap_or_default();
    let code = cx.load_code(&url).map_err(runtime)?;
    let rid = code.rid().to_string();
    cx.stage_install(code, &url, config).map_err(runtime)?;
    Ok(Value::string(rid))
}

fn runtime(err: EngineError) -> RuntimeError {
    match err {
        EngineError::Runtime(err) => err,
        // A compile message already starts with its class (`Error: ...`); said once.
        EngineError::Compile(compile) => RuntimeError::error(
            compile
                .message
                .strip_prefix("Error: ")
                .unwrap_or(&compile.message),
        ),
        other => RuntimeError::error(other.to_string()),
    }
}

fn expect_string<'v>(value: &'v Value, what: &str) -> Result<&'v str, RuntimeError> {
    value.as_str().ok_or_else(|| {
        RuntimeError::type_error(format!(
            "Expected string for {what} but got {}",
            value.krl_type().name()
        ))
    })
}

/// The text of an event or query field; non-strings become blank so cleaning rejects them.
fn field(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

/// Sends an event through a channel with this pico as the sender (so family channels work);
/// answers its eid. On a shared store, an event for a pico another engine runs goes to that
/// engine through the outbox once this transaction committed (`None`: its eid is that
/// engine's), as an event for another host does; the sender is then not known there, so a
/// family channel refuses it.
pub(super) fn send(
    cx: &mut TxnContext<'_>,
    eci: &Value,
    domain: &Value,
    name: &Value,
    attrs: Value,
) -> Result<Option<String>, RuntimeError> {
    if let Route::Forward(base_url) = cx.route(field(eci))? {
        super::http::send_elsewhere(cx, &base_url, field(eci), field(domain), field(name), &attrs);
        return Ok(None);
    }
    cx.send_event(field(eci), field(domain), field(name), attrs)
        .map(Some)
}

/// The event's attributes with the query's arguments over them, for one request that
/// carries both (`ctx:eventQuery` of a pico on another engine).
fn merged(attrs: &Value, args: &Value) -> Value {
    let mut both = attrs.as_map().cloned().unwrap_or_default();
    for (key, value) in args.as_map().into_iter().flat_map(|map| map.iter()) {
        both.insert(key.clone(), value.clone());
    }
    Value::map(both)
}

fn refuse_self(cx: &TxnContext<'_>, eci: &Value, function: &str) -> Result<(), RuntimeError> {
    match cx.lookup_channel(field(eci).trim()) {
        // Deliberately not the reference's behaviour, which waits for itself forever.
        Ok(channel) if channel.pico_id == cx.pico_id() => Err(RuntimeError::error(format!(
            "{function} cannot query its own pico"
        ))),
        _ => Ok(()),
    }
}

fn query(
    cx: &mut TxnContext<'_>,
    eci: &Value,
    rid: &Value,
    name: &Value,
    args: Value,
) -> Result<Value, RuntimeError> {
    let query = Query::clean(field(eci), field(rid), field(name), args)?;
    refuse_self(cx, eci, "ctx:query")?;
    if let Route::Forward(base_url) = cx.route(&query.eci)? {
        return super::remote::query(&base_url, &query.eci, (&query.rid, &query.name), &query.args);
    }
    cx.query_other(query)
}

/// `ctx:rulesets`: `{rid, url, config, meta}` in the pico's ruleset order.
fn rulesets(cx: &TxnContext<'_>) -> Value {
    let items = cx.pico_state().rulesets.iter().map(|installed| {
        let mut entry = Map::new();
        entry.insert("rid", Value::string(&*installed.rid));
        entry.insert("url", Value::string(installed.url.as_str()));
        entry.insert("config", Value::map(installed.config.clone()));
        let cached = cx.registered(&installed.url);
        entry.insert("meta", cached.map(|code| code_meta(&code)).unwrap_or_default());
        Value::map(entry)
    });
    Value::array(items.collect())
}

fn code_meta(code: &RulesetCode) -> Value {
    let meta = code.compiled.meta();
    let text = |v: &Option<String>| v.as_deref().map(Value::string).unwrap_or_default();
    let names = |v: &[String]| Value::array(v.iter().map(|s| Value::string(s.as_str())).collect());
    let mut krl_meta = Map::new();
    krl_meta.insert("name", text(&meta.name));
    krl_meta.insert("version", text(&meta.version));
    krl_meta.insert("description", text(&meta.description));
    krl_meta.insert("author", text(&meta.author));
    krl_meta.insert("shares", names(&meta.shares));
    krl_meta.insert("provides", names(&meta.provides));
    let uses = meta.uses.iter().map(|u| {
        let mut entry = Map::new();
        entry.insert("kind", Value::string("module"));
        entry.insert("rid", Value::string(u.rid.as_str()));
        entry.insert("alias", Value::string(u.alias.as_str()));
        Value::map(entry)
    });
    krl_meta.insert("use", Value::array(uses.collect()));
    krl_meta.insert("configure", names(&meta.configure));
    let mut compiler = Map::new();
    compiler.insert("version", Value::string(env!("CARGO_PKG_VERSION")));
    compiler.insert("warnings", Value::array(Vec::new()));
    let mut out = Map::new();
    out.insert("krl", Value::string(Arc::clone(&code.source)));
    out.insert("krlMeta", Value::map(krl_meta));
    out.insert("hash", Value::string(code.hash.as_str()));
    out.insert("flushed", Value::string(super::iso8601(code.flushed)));
    out.insert("compiler", Value::map(compiler));
    Value::map(out)
}

/// `ctx:logs()`: this pico's log lines of the last 12 hours, oldest first, including the
/// running transaction's, in pico-engine's shape (see `engine::log`).
fn logs(cx: &TxnContext<'_>) -> Value {
    let since = cx.now() - LOG_WINDOW_MS;
    let lines = cx.log_lines();
    let entries = lines.iter().filter(|e| e.time >= since).map(LogEntry::to_value);
    Value::array(entries.collect())
}

fn new_pico(cx: &mut TxnContext<'_>, rulesets: &Value) -> Result<Value, RuntimeError> {
    let Some(items) = rulesets.as_array() else {
        return Err(RuntimeError::type_error(
            "ctx:newPico expects an array of {url, config}",
        ));
    };
    // Matches pico-engine: every URL is loaded before the child exists (URLs are not
    // normalised here), and install failures on the child are only logged.
    let mut installs: Vec<(Arc<RulesetCode>, String, Map)> = Vec::with_capacity(items.len());
    for item in items {
        let map = item.as_map();
        let url = map
            .and_then(|m| m.get("url"))
            .map(|u| u.to_krl_string().into_owned())
            .unwrap_or_default();
        let config = map
            .and_then(|m| m.get("config"))
            .and_then(Value::as_map)
            .cloned()
            .unwrap_or_default();
        let code = cx.load_code(&url).map_err(runtime)?;
        installs.push((code, url, config));
    }
    let eci = cx.stage_child(installs)?;
    Ok(Value::string(eci))
}

fn del_pico(cx: &mut TxnContext<'_>, eci: &Value) -> Result<(), RuntimeError> {
    let text = if eci.is_null() {
        "undefined".into()
    } else {
        eci.to_krl_string()
    };
    let not_found = || RuntimeError::error(format!("delPico({text}) - not found in children ECIs"));
    let eci = eci
        .as_str()
        .filter(|e| cx.pico_state().children.iter().any(|c| c == e))
        .ok_or_else(not_found)?;
    let child_id = cx.lookup_channel(eci).map_err(|_| not_found())?.pico_id;
    // On a shared store the deletion writes the child's keys, which only its engine may.
    if let Route::Forward(base_url) = cx.route(eci)? {
        return Err(RuntimeError::error(format!(
            "delPico({text}) - the child pico {child_id} runs on the engine at {base_url}; it can be deleted only while this engine runs it"
        )));
    }
    cx.stage_child_deletion(eci, &child_id)
}

fn new_channel(
    cx: &mut TxnContext<'_>,
    tags: Vec<String>,
    event_policy: &Value,
    query_policy: &Value,
) -> Result<Channel, RuntimeError> {
    let channel = Channel {
        id: new_id(),
        pico_id: cx.pico_id().to_string(),
        tags,
        event_policy: channel::event_policy(event_policy)?,
        query_policy: channel::query_policy(query_policy)?,
        family_channel_pico_id: None,
    };
    cx.stage_channel(channel.clone());
    Ok(channel)
}

/// `ctx:putChannel(eci, tags, eventPolicy, queryPolicy)`; a null part is left as it is.
pub(super) fn put_channel(
    cx: &mut TxnContext<'_>,
    eci: &str,
    tags: &Value,
    event_policy: &Value,
    query_policy: &Value,
) -> Result<(), RuntimeError> {
    if eci == cx.pico_id() {
        return Err(RuntimeError::error("Cannot edit the self channel."));
    }
    let Some(mut channel) = cx.pico_state().channels.get(eci).cloned() else {
        return Err(RuntimeError::error(format!("ECI not found {eci}")));
    };
    // Matches pico-engine: edits of parent/child link channels are silently ignored.
    if channel.family_channel_pico_id.is_some() {
        return Ok(());
    }
    if !tags.is_null() {
        channel.tags = channel::clean_tags(tags)?;
    }
    if !event_policy.is_null() {
        channel.event_policy = channel::event_policy(event_policy)?;
    }
    if !query_policy.is_null() {
        channel.query_policy = channel::query_policy(query_policy)?;
    }
    cx.stage_channel(channel);
    Ok(())
}

fn del_channel(cx: &mut TxnContext<'_>, eci: &str) -> Result<(), RuntimeError> {
    let family = eci == cx.pico_id();
    let Some(channel) = cx
        .pico_state()
        .channels
        .get(eci)
        .cloned()
        .or_else(|| family.then(|| cx.lookup_channel(eci).ok()).flatten())
    else {
        return Err(RuntimeError::error(format!("ECI not found {eci}")));
    };
    if family || channel.family_channel_pico_id.is_some() {
        return Err(RuntimeError::error("Cannot delete family channels."));
    }
    cx.stage_channel_removal(eci);
    Ok(())
}

fn uninstall(cx: &mut TxnContext<'_>, rid: &str) -> Result<(), RuntimeError> {
    let users: Vec<String> = cx
        .pico_state()
        .rulesets
        .iter()
        .filter(|r| &*r.rid != rid && r.code.compiled.meta().uses.iter().any(|u| u.rid == rid))
        .map(|r| r.rid.to_string())
        .collect();
    if !users.is_empty() {
        return Err(RuntimeError::error(format!(
            "Cannot uninstall {rid} because {} depends on it",
            users.join(" and ")
        )));
    }
    // Matches pico-engine: uninstalling what is not installed does nothing.
    if cx.pico_state().installed(rid).is_none() {
        return Ok(());
    }
    cx.stage_uninstall(rid);
    Ok(())
}

/// The parts of normalize-url (v5 defaults) that matter for registry keys of `http(s)` URLs:
/// scheme and host lower-cased, `www.` and default ports dropped, `utm_*` parameters
/// removed, the rest sorted, no trailing slash. Other URLs (`file://`) are only trimmed.
pub(crate) fn normalize_url(url: &str) -> String {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let (scheme, rest) = if lower.starts_with("https://") {
        ("https", &url[8..])
    } else if lower.starts_with("http://") {
        ("http", &url[7..])
    } else {
        return url.to_string();
    };
    let (rest, hash) = rest.split_once('#').map_or((rest, None), |(r, h)| (r, Some(h)));
    let (rest, query) = rest.split_once('?').map_or((rest, None), |(r, q)| (r, Some(q)));
    let (host, path) = rest.find('/').map_or((rest, ""), |idx| rest.split_at(idx));
    let mut host = host.to_ascii_lowercase();
    if let Some(stripped) = host.strip_prefix("www.") {
        host = stripped.to_string();
    }
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    if let Some(stripped) = host.strip_suffix(default_port) {
        host = stripped.to_string();
    }
    let path = path.trim_end_matches('/');
    let mut out = format!("{scheme}://{host}{path}");
    if let Some(query) = query {
        let mut params: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.to_ascii_lowercase().starts_with("utm_"))
            .collect();
        params.sort_by_key(|p| p.split('=').next().unwrap_or(""));
        if !params.is_empty() {
            out.push('?');
            out.push_str(&params.join("&"));
        }
    }
    if let Some(hash) = hash {
        out.push('#');
        out.push_str(hash);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize_url;

    #[test]
    fn urls_normalise_like_normalize_url() {
        assert_eq!(
            normalize_url(" HTTP://WWW.Example.com:80/a/b/?z=1&utm_source=x&a=2 "),
            "http://example.com/a/b?a=2&z=1"
        );
        assert_eq!(normalize_url("https://example.com/"), "https://example.com");
        assert_eq!(normalize_url("file:///tmp/x.krl"), "file:///tmp/x.krl");
    }
}
