//! The `event` module's functions and actions (engine.md §7.3, §3.9): `event:attr` and
//! `event:send`. The properties (`event:attrs`, `event:eci`, ...) are answered by the
//! transaction context.

use super::{Args, no_member};
use crate::engine::context::TxnContext;
use crate::host::LogLevel;
use crate::value::{Map, Value};
use crate::{Host, RuntimeError};

/// The text of an event field; non-strings become blank so the receiver rejects them.
fn field(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

pub(super) fn call(cx: &mut TxnContext<'_>, name: &str, args: Args) -> Result<Value, RuntimeError> {
    match name {
        "attr" => {
            let key = args.get(0).to_krl_string().into_owned();
            Ok(cx
                .event()
                .and_then(|e| e.attrs.as_map())
                .and_then(|m| m.get(&key).cloned())
                .unwrap_or_default())
        }
        "send" => send(cx, args.get(0), args.get(1)),
        _ => Err(no_member("event", name)),
    }
}

/// `event:send(options, host)`.
fn send(cx: &mut TxnContext<'_>, options: &Value, host: &Value) -> Result<Value, RuntimeError> {
    let option = |key: &str| {
        options
            .as_map()
            .and_then(|m| m.get(key))
            .cloned()
            .unwrap_or_default()
    };
    let mut eci = option("eci");
    let mut host = host.clone();
    let domain = option("domain");
    let name = match option("name") {
        name if name.truthy() => name,
        _ => option("type"),
    };
    let attrs = option("attrs");
    if !eci.truthy() {
        let sub = option("sub");
        if sub.truthy() {
            // A subscription record: its `Tx` channel, on its `Tx_host` engine if any.
            let field = |key: &str| sub.as_map().and_then(|m| m.get(key)).cloned().unwrap_or_default();
            eci = field("Tx");
            host = field("Tx_host");
        } else if option("did").truthy() {
            // Matches pico-engine: `io.picolabs.did-o`'s `sendEvent` packs the event as a
            // DIDComm message to the DID and posts it.
            let mut event = Map::new();
            event.insert("domain", domain);
            event.insert("name", name);
            event.insert("attrs", attrs);
            let args = Value::array(vec![option("did"), Value::map(event)]);
            cx.call_provided(super::dido::DID_O_RID, "sendEvent", args)?;
            return Ok(Value::Null);
        }
    }
    if eci.as_str().is_none() {
        return Err(RuntimeError::type_error(format!(
            "eci was {} instead of a string",
            eci.to_krl_string()
        )));
    }
    if host.truthy() {
        let host = host.to_krl_string();
        super::http::send_elsewhere(
            cx,
            &host,
            &eci.to_krl_string(),
            field(&domain),
            field(&name),
            &attrs,
        );
        return Ok(Value::Null);
    }
    // Matches pico-engine: local delivery errors are logged, not thrown.
    match super::ctx::send(cx, &eci, &domain, &name, attrs) {
        Ok(eid) => Ok(eid.map(Value::string).unwrap_or_default()),
        Err(err) => {
            cx.log(LogLevel::Error, &err.to_string(), None);
            Ok(Value::Null)
        }
    }
}
