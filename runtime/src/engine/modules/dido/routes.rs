//! `dido:addRoute` and `dido:route`: incoming DIDComm messages become events of the pico by
//! their protocol `type`.
//!
//! Matches pico-engine: the routes are the calling ruleset's `routes` entity variable
//! (`{type: {"domain", "name"}}`); `route` unpacks a message and raises the routed event with
//! `{"message", "metadata"}` as attributes (after the DID rotations the message announces or
//! completes); the pico protocols' own types raise the event the
//! message carries (`https://picolabs.io/event/1.0/event`) or answer the query it carries
//! (`https://picolabs.io/query/1.0/query`, what `event:send` with a `did` and wrangler's
//! `picoQuery` of a `did:` send). A message of no known route is an error line, not an error.
//! Deliberately not the reference's: a message that cannot be unpacked, or that was not
//! encrypted, fails the call with the reason (the reference fails on reading its null result,
//! and routes plaintext messages anyone could forge).

use serde_json::Value as Json;

use super::manage::{ROTATIONS_VAR, delete_did, update_did_map};
use super::messages::did_channels;
use super::{log_error, store_did_doc};
use crate::RuntimeError;
use crate::engine::context::TxnContext;
use crate::value::{Map, Value};

/// The calling ruleset's entity variable of routes, by message type (as the reference).
const ROUTES_VAR: &str = "routes";

/// The message type of an event sent to a DID (`event:send` with a `did`).
pub(super) const EVENT_TYPE: &str = "https://picolabs.io/event/1.0/event";

/// The message type of a query sent to a DID (wrangler's `picoQuery` of a `did:`).
pub(super) const QUERY_TYPE: &str = "https://picolabs.io/query/1.0/query";

/// `dido:addRoute(type, domain, rule)`: messages of `type` raise `domain:rule`; answers true.
pub(super) fn add_route(
    cx: &mut TxnContext<'_>,
    message_type: &Value,
    domain: &Value,
    name: &Value,
) -> Result<Value, RuntimeError> {
    let mut routes = cx.ent_get(ROUTES_VAR).as_map().cloned().unwrap_or_else(Map::new);
    let mut route = Map::new();
    route.insert("domain", domain.clone());
    route.insert("name", name.clone());
    routes.insert(message_type.to_krl_string(), Value::map(route));
    cx.ent_put(ROUTES_VAR, None, Value::map(routes))?;
    Ok(Value::Boolean(true))
}

/// `dido:route(message)`: unpacks a packed message and raises its route's event (or the
/// event it carries); answers a carried query's result, else null.
pub(super) fn route(cx: &mut TxnContext<'_>, packed: &Value) -> Result<Value, RuntimeError> {
    let (plain, meta) = super::unpacked_parts(cx, packed)
        .map_err(|why| RuntimeError::error(format!("dido:route cannot unpack the message: {why}")))?;
    if meta.get("encrypted") != Some(&Json::Bool(true)) {
        return Err(RuntimeError::error(
            "dido:route refuses a message that is not encrypted",
        ));
    }
    rotate(cx, &plain, &meta)?;
    let message = Value::from(&plain);
    let metadata = Value::from(&meta);
    let body = |key: &str| {
        Value::from(
            plain
                .get("body")
                .and_then(|body| body.get(key))
                .unwrap_or(&Json::Null),
        )
    };
    let result = match plain.get("type").and_then(Json::as_str) {
        None => Err("the message has no type".to_string()),
        Some(EVENT_TYPE) => cx
            .raise(&body("domain"), &body("name"), body("attrs"))
            .map(|()| Value::Null)
            .map_err(|err| err.to_string()),
        Some(QUERY_TYPE) => Ok(answer_query(cx, &body("rid"), &body("name"), body("args"))),
        Some(message_type) => raise_route(cx, message_type, &message, &metadata),
    };
    Ok(result.unwrap_or_else(|why| {
        let mut data = Map::new();
        data.insert("message", message);
        data.insert("metadata", metadata);
        data.insert("error", Value::string(why));
        log_error(cx, "Error handling route for message: ", Value::map(data));
        Value::Null
    }))
}

/// Matches pico-engine: a message whose `from_prior` announces that the sender rotated its
/// DID replaces the old DID by the new one (document, DID map); a message to one of this
/// pico's new DIDs completes that DID's pending rotation: the old DID goes (document, keys,
/// channel).
fn rotate(cx: &mut TxnContext<'_>, plain: &Json, meta: &Json) -> Result<(), RuntimeError> {
    if let Some(from_prior) = meta.get("from_prior").filter(|from_prior| !from_prior.is_null()) {
        let issuer = Value::from(&from_prior["iss"]);
        let subject = Value::from(&from_prior["sub"]);
        delete_did(cx, &issuer)?;
        store_did_doc(cx, &subject);
        update_did_map(cx, &issuer, &subject)?;
    }
    let Some(mut pending) = cx.ent_get(ROTATIONS_VAR).as_map().cloned() else {
        return Ok(());
    };
    let recipients = plain.get("to").and_then(Json::as_array).into_iter().flatten();
    let mut settled = false;
    for to in recipients.filter_map(Json::as_str) {
        let Some(rotation) = pending.remove(to) else {
            continue;
        };
        let old_did = rotation
            .as_map()
            .and_then(|r| r.get("iss"))
            .cloned()
            .unwrap_or_default();
        delete_did(cx, &old_did)?;
        for eci in did_channels(cx, &old_did.to_krl_string()) {
            cx.stage_channel_removal(&eci);
        }
        settled = true;
    }
    if settled {
        cx.ent_put(ROTATIONS_VAR, None, Value::map(pending))?;
    }
    Ok(())
}

/// Raises the event routed for `message_type` with the message and its metadata.
fn raise_route(
    cx: &mut TxnContext<'_>,
    message_type: &str,
    message: &Value,
    metadata: &Value,
) -> Result<Value, String> {
    let routes = cx.ent_get(ROUTES_VAR);
    let route = routes
        .as_map()
        .and_then(|routes| routes.get(message_type))
        .and_then(Value::as_map)
        .ok_or_else(|| format!("no route for messages of type {message_type}"))?;
    let field = |key: &str| route.get(key).cloned().unwrap_or_default();
    let mut attrs = Map::new();
    attrs.insert("message", message.clone());
    attrs.insert("metadata", metadata.clone());
    cx.raise(&field("domain"), &field("name"), Value::map(attrs))
        .map_err(|err| err.to_string())?;
    Ok(Value::Null)
}

/// Matches pico-engine: the function `name` that ruleset `rid` provides, called with `args`;
/// a failure is the answer `Unable to query: <error>`.
fn answer_query(cx: &mut TxnContext<'_>, rid: &Value, name: &Value, args: Value) -> Value {
    match cx.call_provided(&rid.to_krl_string(), &name.to_krl_string(), args) {
        Ok(answer) => answer,
        Err(err) => Value::string(format!("Unable to query: {err}")),
    }
}
