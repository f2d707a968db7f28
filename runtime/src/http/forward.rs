//! Forwarding requests between the engines of one shared store, so clients may talk to any
//! engine of an installation: a standby's every request goes to the engine that holds the
//! store's lease ([`forwarding_router`]), and on a store whose picos are spread over engines
//! a request for a pico another engine runs goes to that engine ([`to_owner`], from the
//! routing layer in `owner.rs`).
//!
//! Where the request goes is asked anew for each request ([`Forwarder::holder`]: the holder's
//! advertised base URL, read from the lease row), so a takeover redirects the traffic within
//! one request. The Host check of the API applies here too (a DNS-rebinding page must not
//! reach the holder through a standby); the admin token is the holder's to check. A request
//! that already went through a forwarder is not forwarded again (`X-Krl-Forwarded`), so two
//! standbys that each believe the other holds the store cannot bounce a request between them.
//! With no holder (a takeover under way) or an unreachable one, the answer is 503 with
//! `Retry-After: 1` and the reference's error body.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::guard::refused_host;
use super::routes::error_response;

/// The header that marks a forwarded request.
pub const FORWARDED_HEADER: &str = "x-krl-forwarded";
/// The largest request body forwarded (the API's own limits are smaller).
const MAX_BODY: usize = 16 * 1024 * 1024;
/// The largest answer passed back.
const MAX_ANSWER: u64 = 64 * 1024 * 1024;
/// How long a forwarded request may take (an `event-wait` runs the whole transaction).
const FORWARD_TIMEOUT: Duration = Duration::from_secs(120);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Headers that belong to one connection, not to the request (RFC 9110 §7.6.1), and the ones
/// the client library sets itself.
const NOT_FORWARDED: &[&str] = &[
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
];

/// Where a standby's requests go.
pub struct Forwarder {
    /// The base URL of the engine holding the store now, `Ok(None)` when none does; an
    /// `Err` says why the store could not be asked.
    pub holder: Box<dyn Fn() -> Result<Option<String>, String> + Send + Sync>,
    /// Host names requests may carry, as [`super::HttpOptions::allowed_hosts`].
    pub allowed_hosts: Vec<String>,
    /// This engine's base URL, named in the forwarded requests' marker header.
    pub base_url: String,
}

/// The router of a standby: everything goes to [`forward`].
pub fn forwarding_router(forwarder: Arc<Forwarder>) -> axum::Router {
    axum::Router::new().fallback(forward).with_state(forwarder)
}

async fn forward(State(forwarder): State<Arc<Forwarder>>, request: Request) -> Response {
    if let Some(host) = refused_host(&forwarder.allowed_hosts, request.headers()) {
        return error_response(
            StatusCode::FORBIDDEN,
            format!(
                "Forbidden: the Host `{host}` is not one this engine serves (add it with `krl run --allow-host`)"
            ),
        );
    }
    if request.headers().contains_key(FORWARDED_HEADER) {
        return unavailable(
            "the request was forwarded to an engine that does not hold the store either".to_owned(),
        );
    }
    let (parts, body) = request.into_parts();
    let body = match to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(_) => {
            return error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Error: request body too large".to_owned(),
            );
        }
    };
    let forwarder = Arc::clone(&forwarder);
    let answer = tokio::task::spawn_blocking(move || {
        let holder = (forwarder.holder)()
            .map_err(|err| format!("cannot ask the store which engine holds it: {err}"))?;
        let Some(holder) = holder else {
            return Err("no engine holds the store right now (a takeover is under way)".to_owned());
        };
        pass_on(&holder, &forwarder.base_url, &parts, &body)
    })
    .await;
    settle(answer)
}

/// Forwards a request for a pico to the engine that runs it (`base_url`), on a store whose
/// picos are spread over engines; `from` is this engine's base URL. A request that was
/// forwarded already is not forwarded again: its pico moved meanwhile, and the client is
/// asked to retry.
pub(super) async fn to_owner(base_url: String, from: String, request: Request) -> Response {
    if request.headers().contains_key(FORWARDED_HEADER) {
        return unavailable(format!(
            "the pico moved to the engine at {base_url} while the request was forwarded"
        ));
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Error: request body too large".to_owned(),
        );
    };
    let answer = tokio::task::spawn_blocking(move || pass_on(&base_url, &from, &parts, &body)).await;
    settle(answer)
}

fn settle(answer: Result<Result<Response, String>, tokio::task::JoinError>) -> Response {
    match answer {
        Ok(Ok(response)) => response,
        Ok(Err(why)) => unavailable(why),
        Err(_) => unavailable("forwarding failed".to_owned()),
    }
}

/// Sends the request to the engine at `target` (a base URL) and turns its answer into ours;
/// `Err` says why there is no answer. Blocks.
fn pass_on(target: &str, from: &str, parts: &Parts, body: &[u8]) -> Result<Response, String> {
    let path = parts.uri.path_and_query().map_or("/", |path| path.as_str());
    let url = format!("{}{path}", target.trim_end_matches('/'));
    let agent = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout_connect(CONNECT_TIMEOUT)
        .timeout(FORWARD_TIMEOUT)
        .build();
    let mut outgoing = agent.request(parts.method.as_str(), &url);
    for (name, value) in &parts.headers {
        if NOT_FORWARDED.contains(&name.as_str()) {
            continue;
        }
        if let Ok(value) = value.to_str() {
            outgoing = outgoing.set(name.as_str(), value);
        }
    }
    outgoing = outgoing.set(FORWARDED_HEADER, from);
    let answer = match outgoing.send_bytes(body) {
        Ok(answer) | Err(ureq::Error::Status(_, answer)) => answer,
        Err(err) => return Err(format!("the engine at {target} did not answer: {err}")),
    };
    let mut response = Response::builder().status(answer.status());
    for name in answer.headers_names() {
        if NOT_FORWARDED.contains(&name.as_str()) {
            continue;
        }
        for value in answer.all(&name) {
            if let (Ok(name), Ok(value)) = (HeaderName::try_from(name.as_str()), HeaderValue::from_str(value))
            {
                response = response.header(name, value);
            }
        }
    }
    let mut bytes = Vec::new();
    answer
        .into_reader()
        .take(MAX_ANSWER)
        .read_to_end(&mut bytes)
        .map_err(|err| format!("the answer of {target} broke off: {err}"))?;
    response
        .body(Body::from(bytes))
        .map_err(|err| format!("the answer of {target} cannot be passed on: {err}"))
}

fn unavailable(why: String) -> Response {
    let mut response = error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        format!("Unavailable: {why}; retry"),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}
