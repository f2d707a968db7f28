//! The `Idempotency-Key` request header on the event routes (IETF httpapi draft
//! "The Idempotency-Key HTTP Header Field"; ours, the reference has none): the first request
//! with a key for an ECI runs as without it, and its answer is stored with the event; a
//! repeat gets that answer back without a second event, also after a crash of the engine
//! and through another engine on the same store. The engine's side is
//! `engine/kernel/idempotency.rs`; docs/http.md says what clients see.
//!
//! Why a header and not the eid of `/sky/event/:eci/:eid/...`: the reference never
//! deduplicates on it, and real clients reuse literal eids (`eid`, `1`, `none`) for
//! different events.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use sha2::{Digest, Sha256};

use super::HttpApi;
use super::routes::{ApiError, Params, blocking};
use crate::engine::{Arrival, Idempotent};
use crate::value::Value;

/// The request header.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// The answer header that marks a stored answer given again: `Idempotent-Replayed: true`.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// Longest key accepted, in bytes (a UUID is 36).
const MAX_KEY_BYTES: usize = 255;

/// What a route's answer is stored as, so that a key used on one kind of route is not
/// answered with another kind's answer: the eid of an accepted event, or an event's
/// `{eid, directives}`.
#[derive(Clone, Copy)]
pub(super) enum AnswerKind {
    Accepted,
    Ran,
}

/// What a route does with a request.
pub(super) enum Once {
    /// Run the event, under the claim when the request has a key.
    Run(Arrival),
    /// Answer this stored answer again.
    Replay(Value),
}

/// The request's key: `None` without the header. The draft sends it as a structured-field
/// string (`"abc"`); a bare token (`abc`) is taken as it is.
pub(super) fn key_of(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY_HEADER) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    let key = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(text);
    let visible = key.bytes().all(|byte| byte.is_ascii_graphic() || byte == b' ');
    if key.is_empty() || key.len() > MAX_KEY_BYTES || !visible {
        return Err(ApiError::with_status(
            StatusCode::BAD_REQUEST,
            format!(
                "Error: the Idempotency-Key header must be 1 to {MAX_KEY_BYTES} visible ASCII characters, got `{}`",
                text.escape_default()
            ),
        ));
    }
    Ok(Some(key.to_string()))
}

/// A hash of what makes two requests the same event: the kind of answer, the domain, the
/// type and the attributes (without `_headers`, which differ between a request and its
/// repeat, forwarded or not).
fn fingerprint(kind: AnswerKind, (domain, name): (&str, &str), attrs: &Value) -> String {
    let attrs = match attrs {
        Value::Map(map) if map.get("_headers").is_some() => {
            let mut map = (**map).clone();
            map.remove("_headers");
            Value::map(map)
        }
        other => other.clone(),
    };
    let kind = match kind {
        AnswerKind::Accepted => "accepted",
        AnswerKind::Ran => "ran",
    };
    let mut hash = Sha256::new();
    for part in [kind, domain, name] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.update(attrs.encode(0).unwrap_or_default().as_bytes());
    format!("{:x}", hash.finalize())
}

/// Claims the request's key for `eci`, or says why not: a stored answer to give again, a
/// request with this key still running (409), the key first used for another event (422).
/// `Run` carries how the event arrives: at the request's time (when the caller's is
/// trusted), with the claim.
pub(super) async fn claim(
    api: &HttpApi,
    key: Option<String>,
    eci: &str,
    kind: AnswerKind,
    event: (&str, &str),
    params: &Params,
) -> Result<Once, ApiError> {
    let time = params.time;
    let Some(key) = key else {
        return Ok(Once::Run(Arrival::at(time)));
    };
    let fingerprint = fingerprint(kind, event, &params.attrs);
    let eci = eci.to_string();
    let shown = key.clone();
    let state = blocking(api, move |engine| {
        engine.claim_idempotency(&eci, &key, &fingerprint)
    })
    .await?;
    match state {
        Idempotent::Claimed(claim) => Ok(Once::Run(Arrival {
            time,
            claim: Some(claim),
        })),
        Idempotent::Replay(answer) => Ok(Once::Replay(answer)),
        Idempotent::Running => Err(ApiError::with_status(
            StatusCode::CONFLICT,
            format!(
                "Error: a request with Idempotency-Key `{shown}` for this channel is still being processed; send it again once that one is answered"
            ),
        )),
        Idempotent::Mismatch => Err(ApiError::with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "Error: Idempotency-Key `{shown}` was first used on this channel for a different event (another domain, type or attributes); use a new key for a new event"
            ),
        )),
    }
}

/// Marks an answer as a stored one given again.
pub(super) fn replayed(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    response
}
