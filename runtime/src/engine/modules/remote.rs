//! Cross-pico calls to a pico another engine of a shared store runs (`engine/placement.rs`):
//! `ctx:query` and `ctx:eventQuery` of such a pico go to that engine over HTTP, as a client's
//! request would, and wait for its answer (`event:send` and `ctx:event` go through the
//! outbox instead: `ctx.rs`). The engine that receives the request routes it again, so a
//! pico that moved meanwhile is still found.

use super::http::{encode_component, http_agent};
use crate::RuntimeError;
use crate::value::Value;

/// `ctx:query` of the pico behind `eci` on the engine at `base_url`.
pub(super) fn query(
    base_url: &str,
    eci: &str,
    (rid, name): (&str, &str),
    args: &Value,
) -> Result<Value, RuntimeError> {
    let url = format!(
        "{}/c/{}/query/{}/{}",
        base_url.trim_end_matches('/'),
        encode_component(eci),
        encode_component(rid),
        encode_component(name)
    );
    post(&url, args)
}

/// `ctx:eventQuery`: the event, then the query, on the engine at `base_url`.
pub(super) fn event_query(
    base_url: &str,
    eci: &str,
    (domain, event_name): (&str, &str),
    (rid, name): (&str, &str),
    attrs_and_args: &Value,
) -> Result<Value, RuntimeError> {
    let url = format!(
        "{}/c/{}/event/{}/{}/query/{}/{}",
        base_url.trim_end_matches('/'),
        encode_component(eci),
        encode_component(domain),
        encode_component(event_name),
        encode_component(rid),
        encode_component(name)
    );
    post(&url, attrs_and_args)
}

/// Posts `body` as JSON and answers the decoded answer; an `{"error": ...}` answer fails.
fn post(url: &str, body: &Value) -> Result<Value, RuntimeError> {
    let body = match body {
        Value::Null => "{}".to_owned(),
        body => body.encode(0).unwrap_or_else(|| "{}".to_owned()),
    };
    let answer = match http_agent()
        .post(url)
        .set("Content-Type", "application/json")
        .send_string(&body)
    {
        Ok(answer) | Err(ureq::Error::Status(_, answer)) => answer,
        Err(err) => {
            return Err(RuntimeError::error(format!(
                "the engine running the pico ({url}) did not answer: {err}"
            )));
        }
    };
    let text = answer
        .into_string()
        .map_err(|err| RuntimeError::error(format!("the answer of {url} broke off: {err}")))?;
    let value = Value::decode(&text).unwrap_or_else(|_| Value::string(text));
    if let Some(error) = value.as_map().and_then(|map| map.get("error")) {
        return Err(RuntimeError::error(error.to_krl_string().into_owned()));
    }
    Ok(value)
}
