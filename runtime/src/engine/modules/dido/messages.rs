//! `dido:generateMessage`, `dido:send`, `dido:sendQuery`, `dido:prepareQuery` and
//! `dido:createInviteUrl`: DIDComm messages out of a pico.
//!
//! Matches pico-engine: `send` packs the message from its `from` DID to the DID given and
//! POSTs it to the service endpoint of that DID's stored document, the answer coming back as
//! a `dido:dido_send_response` event on the channel of the `from` DID (`http` autosend);
//! `sendQuery` waits (at most 10 s) for the answer and reads the first directive's options;
//! both log their failures and answer null. `prepareQuery` is how wrangler's `picoQuery`
//! reaches a `did:`: through `io.picolabs.did-o`'s `sendQuery`.

use std::time::Duration;

use didcomm::FromPrior;
use futures_executor::block_on;
use serde_json::Value as Json;

use super::manage::ROTATIONS_VAR;
use super::secrets::PicoResolver;
use super::{DOCS_VAR, log_error};
use crate::RuntimeError;
use crate::engine::channel;
use crate::engine::context::TxnContext;
use crate::engine::ids::new_id;
use crate::engine::modules::http;
use crate::value::{Map, Value};

/// The ruleset whose functions carry events and queries to a DID (as the reference).
pub(crate) const DID_O_RID: &str = "io.picolabs.did-o";

/// How long `sendQuery` waits for the answer (the reference's `QUERY_TIMEOUT`).
const QUERY_TIMEOUT: Duration = Duration::from_secs(10);

/// `dido:generateMessage(messageOptions)`: a plaintext DIDComm message with a new id and the
/// current time; `expires_time` is seconds from now; a `from` DID being rotated in carries
/// its signed `from_prior`.
pub(super) fn generate_message(cx: &mut TxnContext<'_>, options: &Value) -> Result<Value, RuntimeError> {
    let option = |key: &str| {
        options
            .as_map()
            .and_then(|options| options.get(key))
            .cloned()
            .unwrap_or_default()
    };
    let created = (cx.now() / 1000.0).floor();
    let mut message = Map::new();
    message.insert("id", Value::string(new_id()));
    message.insert("typ", Value::string("application/didcomm-plain+json"));
    for key in ["type", "body", "from", "to", "thid", "pthid"] {
        insert_given(&mut message, key, option(key));
    }
    message.insert("created_time", Value::number(created));
    insert_given(&mut message, "attachments", option("attachments"));
    if let Some(expires) = option("expires_time")
        .as_number()
        .filter(|expires| *expires != 0.0)
    {
        message.insert("expires_time", Value::number(created + expires.floor()));
    }
    if let Some(from) = option("from").as_str() {
        // Matches pico-engine: no pending rotation (or one that cannot be signed) means none.
        if let Some(from_prior) = from_prior(cx, from) {
            message.insert("from_prior", Value::string(from_prior));
        }
    }
    Ok(Value::map(message))
}

/// Matches pico-engine: an option not given is not in the message at all.
fn insert_given(message: &mut Map, key: &str, value: Value) {
    if !value.is_null() {
        message.insert(key, value);
    }
}

/// The `from_prior` JWT of the pending rotation to `did`, signed with the old DID's key.
fn from_prior(cx: &TxnContext<'_>, did: &str) -> Option<String> {
    let pending = cx.ent_get(ROTATIONS_VAR);
    let rotation = pending.as_map()?.get(did)?;
    let rotation: FromPrior = serde_json::from_value(rotation.to_json()).ok()?;
    let resolver = PicoResolver::new(cx);
    let (jwt, _kid) = block_on(rotation.pack(None, &resolver, &resolver)).ok()?;
    Some(jwt)
}

/// `dido:createInviteUrl(base64)`: the out-of-band invitation URL of an encoded invitation;
/// as the reference, on a `localhost` engine the URL is `http://example.com`'s.
pub(super) fn create_invite_url(cx: &TxnContext<'_>, base64: &Value) -> Value {
    let host = cx.base_url();
    let base64 = base64.to_krl_string();
    if host.contains("localhost") {
        Value::string(format!("http://example.com/invite?_oob={base64}"))
    } else {
        Value::string(format!("{host}/invite?_oob={base64}"))
    }
}

/// `dido:send(did, message)`: packs and posts the message; null (failures are error lines).
pub(super) fn send(cx: &mut TxnContext<'_>, did: &Value, message: &Value) -> Value {
    if let Err(why) = try_send(cx, did, message) {
        log_send_error(cx, "Error sending did message: ", why, did, message);
    }
    Value::Null
}

fn try_send(cx: &mut TxnContext<'_>, did: &Value, message: &Value) -> Result<(), String> {
    let (endpoint, from, packed) = packed_for(cx, did, message)?;
    let eci = did_channel(cx, &from)?;
    let mut autosend = Map::new();
    autosend.insert("eci", Value::string(eci));
    autosend.insert("domain", Value::string("dido"));
    autosend.insert("type", Value::string("dido_send_response"));
    autosend.insert("name", Value::string("dido_send_response"));
    http::post_json(cx, &endpoint, packed, Some(&Value::map(autosend)), None)
        .map(|_| ())
        .map_err(|err| err.to_string())
}

/// `dido:sendQuery(did, message)`: packs and posts the message and answers the first
/// directive's options of a 200 answer, the response of any other, `Query timed out` when
/// no answer came; null (and an error line) when it could not be sent.
pub(super) fn send_query(cx: &mut TxnContext<'_>, did: &Value, message: &Value) -> Value {
    match try_send_query(cx, did, message) {
        Ok(answer) => answer,
        Err(why) => {
            log_send_error(cx, "Error sending did query: ", why, did, message);
            Value::Null
        }
    }
}

fn try_send_query(cx: &mut TxnContext<'_>, did: &Value, message: &Value) -> Result<Value, String> {
    let (endpoint, _from, packed) = packed_for(cx, did, message)?;
    // Matches pico-engine: any failure of the request reads as a timeout.
    let Ok(response) = http::post_json(cx, &endpoint, packed, None, Some(QUERY_TIMEOUT)) else {
        return Ok(Value::string("Query timed out"));
    };
    let field = |key: &str| {
        response
            .as_map()
            .and_then(|map| map.get(key))
            .cloned()
            .unwrap_or_default()
    };
    if field("status_code").as_number() != Some(200.0) {
        return Ok(response);
    }
    let content: Json = serde_json::from_str(&field("content").to_krl_string())
        .map_err(|err| format!("the answer is not JSON: {err}"))?;
    Ok(Value::from(&content["directives"][0]["options"]))
}

/// `dido:prepareQuery(did, query)`: `io.picolabs.did-o`'s `sendQuery(did, query)`, which the
/// pico must have installed.
pub(super) fn prepare_query(
    cx: &mut TxnContext<'_>,
    did: &Value,
    query: &Value,
) -> Result<Value, RuntimeError> {
    cx.call_provided(
        DID_O_RID,
        "sendQuery",
        Value::array(vec![did.clone(), query.clone()]),
    )
}

/// The service endpoint of `did`'s stored document, the message's `from` DID and the
/// message packed from it to `did`.
fn packed_for(
    cx: &mut TxnContext<'_>,
    did: &Value,
    message: &Value,
) -> Result<(String, String, Value), String> {
    let did_text = did.to_krl_string();
    let docs = cx.ent_get(DOCS_VAR);
    let endpoint = docs
        .as_map()
        .and_then(|docs| docs.get(&did_text))
        .map(Value::to_json)
        .and_then(|doc| {
            doc["service"][0]["serviceEndpoint"]["uri"]
                .as_str()
                .map(str::to_string)
        })
        .ok_or_else(|| format!("no stored DID document of {did_text} has a service endpoint"))?;
    let from = message
        .as_map()
        .and_then(|message| message.get("from"))
        .and_then(Value::as_str)
        .ok_or("the message has no `from` DID")?
        .to_string();
    let packed = super::pack(cx, message, &Value::string(&*from), did);
    if packed.is_null() {
        return Err("the message could not be packed (see the error line before)".to_string());
    }
    Ok((endpoint, from, packed))
}

/// The channel of this pico tagged with `did` (as `generateDID` tags a DID's channel).
fn did_channel(cx: &TxnContext<'_>, did: &str) -> Result<String, String> {
    did_channels(cx, did)
        .into_iter()
        .next()
        .ok_or_else(|| format!("no channel of this pico is tagged with {did}"))
}

/// The channels of this pico tagged with `did`. Matches pico-engine: the tag is the DID
/// made a channel tag (lower case, `-` for what a tag cannot hold).
pub(super) fn did_channels(cx: &TxnContext<'_>, did: &str) -> Vec<String> {
    let Ok(tag) = channel::clean_tags(&Value::array(vec![Value::string(did)])) else {
        return Vec::new();
    };
    cx.pico_state()
        .channels
        .values()
        .filter(|channel| channel.tags.iter().any(|have| tag.contains(have)))
        .map(|channel| channel.id.clone())
        .collect()
}

fn log_send_error(cx: &mut TxnContext<'_>, message: &str, why: String, did: &Value, sent: &Value) {
    let mut data = Map::new();
    data.insert("error", Value::string(why));
    data.insert("did", did.clone());
    data.insert("message", sent.clone());
    log_error(cx, message, Value::map(data));
}
