//! The `event` module's functions and actions (engine.md §7.3, §3.9): `event:attr` and
//! `event:send`. The properties (`event:attrs`, `event:eci`, ...) are answered by the
//! transaction context.

use std::io::{Read, Write};
use std::sync::Arc;

use super::{Args, no_member};
use crate::engine::context::TxnContext;
use crate::host::LogLevel;
use crate::value::Value;
use crate::{Host, RuntimeError};

pub(super) fn call(
    cx: &mut TxnContext<'_>,
    name: &str,
    positional: Vec<Value>,
    named: Vec<(Arc<str>, Value)>,
) -> Result<Value, RuntimeError> {
    match name {
        "attr" => {
            let args = Args::new(&["name"], positional, named);
            let key = args.get(0).to_krl_string().into_owned();
            Ok(cx
                .event()
                .and_then(|e| e.attrs.as_map())
                .and_then(|m| m.get(&key).cloned())
                .unwrap_or_default())
        }
        "send" => {
            let args = Args::new(&["options", "host"], positional, named);
            send(cx, args.get(0), args.get(1))
        }
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
            // FIXME(#4): DIDComm delivery needs the `dido` module and io.picolabs.did-o.
            return Err(RuntimeError::error(
                "event:send with a `did` needs DIDComm, which this engine does not support yet",
            ));
        }
    }
    if eci.as_str().is_none() {
        return Err(RuntimeError::type_error(format!(
            "eci was {} instead of a string",
            eci.to_krl_string()
        )));
    }
    if host.truthy() {
        let host = host.to_krl_string().into_owned();
        post_to_host(cx, &host, &eci, &domain, &name, &attrs);
        return Ok(Value::Null);
    }
    // Matches pico-engine: local delivery errors are logged, not thrown.
    match super::ctx::send(cx, &eci, &domain, &name, attrs) {
        Ok(eid) => Ok(Value::string(eid)),
        Err(err) => {
            cx.log(LogLevel::Error, &err.to_string(), None);
            Ok(Value::Null)
        }
    }
}

/// The `host` form of `ctx:event` and `event:send`: `POST <host>/c/<eci>/event/<domain>/<name>`
/// with the attributes as a JSON body, not awaited; failures are only logged (as an error
/// line of the engine's root pico, since the transaction may be over by then).
pub(super) fn post_to_host(
    cx: &mut TxnContext<'_>,
    host: &str,
    eci: &Value,
    domain: &Value,
    name: &Value,
    attrs: &Value,
) {
    let path = format!(
        "/c/{}/event/{}/{}",
        eci.to_krl_string(),
        domain.to_krl_string(),
        name.to_krl_string()
    );
    let body = if attrs.is_null() {
        "{}".to_string()
    } else {
        attrs.encode(0).unwrap_or_else(|| "{}".to_string())
    };
    let Some(authority) = host
        .trim_end_matches('/')
        .strip_prefix("http://")
        .map(str::to_string)
    else {
        // FIXME(#4): https hosts need a TLS client; the runtime has none yet.
        cx.log(
            LogLevel::Error,
            &format!("cannot send an event to {host}: only http:// hosts are supported"),
            None,
        );
        return;
    };
    let (authority, base) = match authority.split_once('/') {
        Some((authority, base)) => (authority.to_string(), format!("/{base}")),
        None => (authority, String::new()),
    };
    let url = format!("http://{authority}{base}{path}");
    std::thread::spawn(move || {
        let post = || -> std::io::Result<()> {
            let address = if authority.contains(':') {
                authority.clone()
            } else {
                format!("{authority}:80")
            };
            let mut stream = std::net::TcpStream::connect(address)?;
            stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
            write!(
                stream,
                "POST {base}{path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )?;
            let mut reply = Vec::new();
            stream.read_to_end(&mut reply)?;
            Ok(())
        };
        if let Err(err) = post() {
            eprintln!("event to {url} failed: {err}");
        }
    });
}
