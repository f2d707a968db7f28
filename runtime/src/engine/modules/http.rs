//! The `http` module (engine.md §7.6): `http:get|head|post|put|patch|delete` with the
//! reference's parameters, response map, `autoraise` and `autosend`, plus the two other HTTP
//! uses of the engine, which share its client: fetching a ruleset registered by an
//! `http(s)://` URL, and the `host` form of `event:send` / `ctx:event`.
//!
//! The client is ureq (blocking): a rule that makes a request waits for its answer, as a
//! reference rule awaits its promise; `autosend` runs on a thread of its own, and events
//! posted to other engines go through the outbox's sender threads (`engine/outbox.rs`).
//! Every request has a timeout so a silent server cannot hold a pico forever. `https://` goes through rustls with the public web's trust anchors
//! (webpki-roots), plus any added by [`trust_root_certificates`] before the first request.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use base64::Engine as _;

use super::{Args, no_member};
use crate::RuntimeError;
use crate::engine::context::TxnContext;
use crate::engine::outbox::OutboxRecord;
use crate::value::{Map, Value};

/// How long one request may take in total (connect, send, answer).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What the reference sends when the caller gives no `user-agent`.
const USER_AGENT: &str = "pico-engine-core-http";

pub(super) fn call(cx: &mut TxnContext<'_>, name: &str, args: Args) -> Result<Value, RuntimeError> {
    let method = match name {
        "get" => "GET",
        "head" => "HEAD",
        "post" => "POST",
        "put" => "PUT",
        "patch" => "PATCH",
        "delete" => "DELETE",
        _ => return Err(no_member("http", name)),
    };
    let url = match args.get(0) {
        url if !url.truthy() => {
            return Err(RuntimeError::error(format!("http:{name} needs a url string")));
        }
        Value::String(url) => url.to_string(),
        other => {
            return Err(RuntimeError::type_error(format!(
                "http:{name} was given {} instead of a url string",
                other.to_krl_string()
            )));
        }
    };
    let request = Request {
        method,
        url,
        qs: args.get(1).clone(),
        headers: args.get(2).clone(),
        body: args.get(3).clone(),
        auth: args.get(4).clone(),
        json: args.get(5).clone(),
        form: args.get(6).clone(),
        parse_json: matches!(args.get(7), Value::Boolean(true)),
        follow_redirects: !args.get(10).truthy(),
        timeout: None,
    };
    let autosend = args.get(9);
    if autosend.truthy() {
        return autosend_request(cx, request, autosend);
    }
    let response = request.send()?;
    let autoraise = args.get(8);
    if autoraise.truthy() {
        let mut attrs = response.as_map().cloned().unwrap_or_default();
        attrs.insert("label", Value::string(autoraise.to_krl_string()));
        cx.raise(&Value::string("http"), &Value::string(name), Value::map(attrs))?;
    }
    Ok(response)
}

/// `autosend`: the event is checked first; the request then runs in the background and,
/// when its answer arrives, the event goes to the channel (policy checked, no sender) with
/// the response merged into its attributes. The call answers null at once, as the
/// reference's does. Failures go to the pico's log.
fn autosend_request(
    cx: &mut TxnContext<'_>,
    request: Request,
    autosend: &Value,
) -> Result<Value, RuntimeError> {
    let field = |key: &str| {
        autosend
            .as_map()
            .and_then(|m| m.get(key))
            .cloned()
            .unwrap_or_default()
    };
    let text = |value: Value| value.as_str().map(str::to_string).unwrap_or_default();
    let eci = text(field("eci"));
    let domain = text(field("domain"));
    let name = text(field("name"));
    let mut attrs = field("data")
        .as_map()
        .and_then(|d| d.get("attrs"))
        .and_then(Value::as_map)
        .cloned()
        .unwrap_or_default();
    // Validated before the request goes out, as the reference cleans the event first.
    crate::engine::event::Event::clean(&eci, &domain, &name, Value::map(attrs.clone()), 0.0)?;
    let engine = cx.engine_handle();
    let pico_id = cx.pico_id().to_string();
    std::thread::spawn(move || {
        let result = request.send().and_then(|response| {
            for (key, value) in response.as_map().into_iter().flat_map(Map::iter) {
                attrs.insert(Arc::clone(key), value.clone());
            }
            let Some(engine) = engine.upgrade() else {
                return Ok(());
            };
            engine.send_event_from(None, &eci, &domain, &name, Value::map(attrs))?;
            Ok(())
        });
        if let (Err(err), Some(engine)) = (result, engine.upgrade()) {
            engine.pico_log_error(&pico_id, format!("http autosend error: {err}"));
        }
    });
    Ok(Value::Null)
}

/// `http:post` with a `json` body for another module (`dido:send`, `dido:sendQuery`): with
/// `autosend` it answers null at once and the answer becomes that event; without, it waits
/// for the answer (at most `timeout` when given).
pub(crate) fn post_json(
    cx: &mut TxnContext<'_>,
    url: &str,
    json: Value,
    autosend: Option<&Value>,
    timeout: Option<Duration>,
) -> Result<Value, RuntimeError> {
    let request = Request {
        method: "POST",
        url: url.to_string(),
        qs: Value::Null,
        headers: Value::Null,
        body: Value::Null,
        auth: Value::Null,
        json,
        form: Value::Null,
        parse_json: false,
        follow_redirects: true,
        timeout,
    };
    match autosend {
        Some(autosend) => autosend_request(cx, request, autosend),
        None => request.send(),
    }
}

/// One request as the KRL call describes it.
struct Request {
    method: &'static str,
    url: String,
    qs: Value,
    headers: Value,
    body: Value,
    auth: Value,
    json: Value,
    form: Value,
    parse_json: bool,
    follow_redirects: bool,
    /// A shorter limit than [`REQUEST_TIMEOUT`] for this request.
    timeout: Option<Duration>,
}

impl Request {
    /// Sends the request; non-2xx answers are responses too, only network errors fail.
    fn send(&self) -> Result<Value, RuntimeError> {
        let mut url = self.url.clone();
        // Matches pico-engine: `?` is appended even when the URL already has a query.
        if self.qs.truthy() {
            url.push('?');
            url.push_str(&query_string(&self.qs));
        }
        let mut headers: Vec<(String, String)> = vec![("user-agent".into(), USER_AGENT.into())];
        for (name, value) in self.headers.as_map().into_iter().flat_map(Map::iter) {
            set_header(&mut headers, name, value.to_krl_string().into_owned());
        }
        if let Some(username) = self
            .auth
            .as_map()
            .and_then(|a| a.get("username"))
            .and_then(Value::as_str)
        {
            let password = self
                .auth
                .as_map()
                .and_then(|a| a.get("password"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let token = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
            set_header(&mut headers, "Authorization", format!("Basic {token}"));
        }
        let body = if self.body.truthy() {
            Some(self.body.to_krl_string().into_owned())
        } else if self.json.truthy() {
            default_header(&mut headers, "content-type", "application/json");
            Some(self.json.encode(0).unwrap_or_default())
        } else if self.form.truthy() {
            default_header(&mut headers, "content-type", "application/x-www-form-urlencoded");
            Some(query_string(&self.form))
        } else {
            None
        };
        let agent = if self.follow_redirects {
            agent()
        } else {
            agent_without_redirects()
        };
        let mut call = agent.request(self.method, &url);
        if let Some(timeout) = self.timeout {
            call = call.timeout(timeout);
        }
        for (name, value) in &headers {
            call = call.set(name, value);
        }
        let result = match &body {
            Some(body) => call.send_string(body),
            None => call.call(),
        };
        let response = match result {
            Ok(response) | Err(ureq::Error::Status(_, response)) => response,
            Err(ureq::Error::Transport(err)) => {
                return Err(RuntimeError::error(transport_error(&self.url, &err.to_string())));
            }
        };
        response_value(response, self.parse_json)
    }
}

/// Replaces a header whatever the case of its name (fetch headers are case-insensitive).
fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
    headers.push((name.to_string(), value));
}

fn default_header(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    if !headers
        .iter()
        .any(|(existing, _)| existing.eq_ignore_ascii_case(name))
    {
        headers.push((name.to_string(), value.to_string()));
    }
}

fn transport_error(url: &str, detail: &str) -> String {
    format!("request to {url} failed: {detail}")
}

/// `{content, content_type, content_length, headers, status_code, status_line}`.
///
/// The body is read up to the transaction's string cap (`crate::limits`); a longer one fails
/// the request.
fn response_value(response: ureq::Response, parse_json: bool) -> Result<Value, RuntimeError> {
    let status = response.status();
    let status_line = Value::string(response.status_text());
    let content_type = response
        .header("content-type")
        .map(Value::string)
        .unwrap_or_default();
    let content_length = response
        .header("content-length")
        .and_then(|n| n.trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    let mut headers = Map::new();
    for name in response.headers_names() {
        if let Some(value) = response.header(&name) {
            headers.insert(name.to_ascii_lowercase(), Value::string(value));
        }
    }
    let url = response.get_url().to_string();
    let cap = crate::limits::current().max_string_bytes;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(response.into_reader(), (cap as u64).saturating_add(1)),
        &mut bytes,
    )
    .map_err(|err| RuntimeError::error(transport_error(&url, &err.to_string())))?;
    crate::limits::string(bytes.len())?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let content = match parse_json {
        // Matches pico-engine: content that is not JSON stays text.
        true => Value::decode(&text).unwrap_or_else(|_| Value::string(text)),
        false => Value::string(text),
    };
    let mut map = Map::new();
    map.insert("content", content);
    map.insert("content_type", content_type);
    map.insert("content_length", Value::number(content_length));
    map.insert("headers", Value::map(headers));
    map.insert("status_code", Value::number(f64::from(status)));
    map.insert("status_line", status_line);
    Ok(Value::map(map))
}

/// Trust anchors added to the public web's, for https servers with a private CA.
static EXTRA_ROOTS: std::sync::Mutex<Vec<rustls_pki_types::CertificateDer<'static>>> =
    std::sync::Mutex::new(Vec::new());

/// Set once the HTTP client is built: trust anchors added later would be ignored.
static CLIENT_BUILT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes the engine's HTTP client (the `http` module, ruleset URLs, events sent to other
/// engines) trust the certificates in `pem` as well as the public web's roots, for https
/// servers with a private certificate authority. Must be called before the first request of
/// the process; returns how many certificates were added.
pub fn trust_root_certificates(pem: &str) -> Result<usize, String> {
    use rustls_pki_types::pem::PemObject;
    if CLIENT_BUILT.load(std::sync::atomic::Ordering::SeqCst) {
        return Err("the HTTP client is already in use; add trust anchors before the first request".into());
    }
    let certs = rustls_pki_types::CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| format!("unreadable PEM certificate: {err}"))?;
    if certs.is_empty() {
        return Err("no PEM certificate found".into());
    }
    let added = certs.len();
    EXTRA_ROOTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .extend(certs);
    Ok(added)
}

/// ureq's TLS setup (rustls with ring, the webpki roots) plus the added trust anchors; `None`
/// when none were added (ureq's own setup is the same then).
fn tls_config() -> Option<Arc<rustls::ClientConfig>> {
    let extra = EXTRA_ROOTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if extra.is_empty() {
        return None;
    }
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let (added, _ignored) = roots.add_parsable_certificates(extra.iter().cloned());
    debug_assert_eq!(added, extra.len(), "trust anchors were checked when added");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Some(Arc::new(config))
}

/// A client without a pool of idle connections: ureq does not retry a POST that finds its
/// pooled connection closed by the server, so every request gets a fresh one.
fn client() -> ureq::AgentBuilder {
    CLIENT_BUILT.store(true, std::sync::atomic::Ordering::SeqCst);
    let builder = ureq::AgentBuilder::new()
        .timeout(REQUEST_TIMEOUT)
        .max_idle_connections(0);
    match tls_config() {
        Some(config) => builder.tls_config(config),
        None => builder,
    }
}

/// The shared client, for the other modules that call engines over HTTP (`remote.rs`).
pub(super) fn http_agent() -> &'static ureq::Agent {
    agent()
}

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| client().build())
}

fn agent_without_redirects() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| client().redirects(0).build())
}

/// The `qs` library's RFC 3986 form as the reference calls it: nested maps as `a%5Bb%5D=c`,
/// arrays by index (`k%5B0%5D=v`), null as an empty value.
pub(crate) fn query_string(value: &Value) -> String {
    let mut pairs: Vec<String> = Vec::new();
    if let Some(map) = value.as_map() {
        for (key, value) in map.iter() {
            push_pairs(key, value, &mut pairs);
        }
    }
    pairs.join("&")
}

fn push_pairs(prefix: &str, value: &Value, pairs: &mut Vec<String>) {
    match value {
        Value::Map(map) => {
            for (key, value) in map.iter() {
                push_pairs(&format!("{prefix}[{key}]"), value, pairs);
            }
        }
        Value::Array(items) => {
            for (idx, value) in items.iter().enumerate() {
                push_pairs(&format!("{prefix}[{idx}]"), value, pairs);
            }
        }
        Value::Null => pairs.push(format!("{}=", encode_component(prefix))),
        other => pairs.push(format!(
            "{}={}",
            encode_component(prefix),
            encode_component(&other.to_krl_string())
        )),
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub(super) fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Reads a ruleset's source from an `http(s)://` URL for the registry. Matches pico-engine's
/// error for a non-2xx answer.
pub(crate) fn fetch_source(url: &str) -> Result<String, String> {
    match agent().get(url).set("user-agent", USER_AGENT).call() {
        Ok(response) => response
            .into_string()
            .map_err(|err| format!("could not read {url}: {err}")),
        Err(ureq::Error::Status(code, _)) => Err(format!("Got a statusCode={code} for: {url}")),
        Err(ureq::Error::Transport(err)) => Err(transport_error(url, &err.to_string())),
    }
}

/// The `host` form of `ctx:event` and `event:send`: the event goes into the transaction's
/// outbox (`engine/outbox.rs`), to be posted once the transaction committed, in order with the
/// pico's other events for that host. The attributes are encoded now, with the reference's
/// `encode` (so a regex arrives as its `re#...#` text, unlike a local event's `{}`).
pub(crate) fn send_elsewhere(
    cx: &mut TxnContext<'_>,
    host: &str,
    eci: &str,
    domain: &str,
    name: &str,
    attrs: &Value,
) {
    let body = match attrs {
        Value::Null => "{}".to_string(),
        attrs => attrs.encode(0).unwrap_or_else(|| "{}".to_string()),
    };
    let record = OutboxRecord {
        pico_id: cx.pico_id().to_string(),
        host: host.to_string(),
        eci: eci.to_string(),
        domain: domain.to_string(),
        name: name.to_string(),
        body,
    };
    cx.stage_send_elsewhere(record);
}

/// `<host>/c/<eci>/event/<domain>/<name>`, each part percent-encoded.
pub(crate) fn event_url(host: &str, eci: &str, domain: &str, name: &str) -> String {
    format!(
        "{}/c/{}/event/{}/{}",
        host.trim_end_matches('/'),
        encode_component(eci),
        encode_component(domain),
        encode_component(name)
    )
}

/// What became of one attempt to post an event to another engine.
pub(crate) enum Delivery {
    /// The engine took it (a 2xx answer without an `error` key).
    Accepted,
    /// The engine answered and will never take it: an `error` answer (pico engines answer
    /// errors with 200 and an `error` key) or a 4xx status other than 408 and 429.
    Refused(String),
    /// No answer, or one that says to try again later (408, 429, 5xx).
    Failed(String),
}

/// Posts an event's attributes to `url` (built by [`event_url`]) and says what happened.
pub(crate) fn deliver_event(url: &str, body: &str) -> Delivery {
    let result = agent()
        .post(url)
        .set("user-agent", USER_AGENT)
        .set("content-type", "application/json")
        .send_string(body);
    match result {
        Ok(response) => match Value::decode(&response.into_string().unwrap_or_default()) {
            Ok(Value::Map(ref map)) if map.contains_key("error") => Delivery::Refused(
                map.get("error")
                    .map(|e| e.to_krl_string().into_owned())
                    .unwrap_or_default(),
            ),
            _ => Delivery::Accepted,
        },
        Err(ureq::Error::Status(code, response)) => {
            let failure = format!("{code} {}", response.into_string().unwrap_or_default());
            if code == 408 || code == 429 || code >= 500 {
                Delivery::Failed(failure)
            } else {
                Delivery::Refused(failure)
            }
        }
        Err(ureq::Error::Transport(err)) => Delivery::Failed(transport_error(url, &err.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(json: serde_json::Value) -> Value {
        Value::from(json)
    }

    #[test]
    fn query_strings_use_the_qs_index_form() {
        let qs = map(serde_json::json!({"a": "b c", "foo": ["bar", "baz"], "n": {"x": 1}, "z": null}));
        assert_eq!(
            query_string(&qs),
            "a=b%20c&foo%5B0%5D=bar&foo%5B1%5D=baz&n%5Bx%5D=1&z="
        );
    }

    #[test]
    fn https_is_a_supported_scheme() {
        // Nothing listens on port 9 of this host: the request fails to connect, not because
        // the client cannot speak TLS.
        let err = fetch_source("https://127.0.0.1:9/x.krl").expect_err("nothing listens");
        assert!(
            err.starts_with("request to https://127.0.0.1:9/x.krl failed: "),
            "{err}"
        );
        assert!(!err.to_ascii_lowercase().contains("scheme"), "{err}");
        assert!(!err.contains("TLS"), "{err}");
    }
}
