//! The developer UI at `/` (docs/ui.md): its files, embedded in the binary at build time
//! from `runtime/ui/`, and the read-only routes of ours it uses besides the pico-engine
//! API: `/api/boxes` (every pico's box in one answer, so the graph costs one round trip
//! instead of one per pico), `/api/state` (a pico's entity variables), `/api/source` and
//! `/api/updates` (server-sent events, one each time event transactions have finished, so
//! the page looks again instead of polling); `/api/why` (rule traces) is in `why.rs`.
//!
//! The page never sees the admin token: opened as `/?token=...` (the admin URL `krl run`
//! prints), it is answered with the token cookie (`HttpOnly; SameSite=Strict`) and a
//! redirect to `/`, and the browser then sends the cookie with the page's own `/api`
//! requests. docs/security.md says why that is safe.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::response::sse::{Event, KeepAlive, Sse};
use serde_json::{Map as JsonMap, Value as Json};

use super::HttpApi;
use super::guard::{TokenCheck, token_check, token_cookie};
use super::params;
use super::routes::{ApiError, error_response, not_found, submit};
use crate::engine::system::ENGINE_UI_RID;
use crate::value::{Map, Value};

/// The UI's files: name under `/ui/`, content type, text.
const FILES: &[(&str, &str, &str)] = &[
    ("app.js", JS, include_str!("../../ui/app.js")),
    ("api.js", JS, include_str!("../../ui/api.js")),
    ("graph.js", JS, include_str!("../../ui/graph.js")),
    ("tabs.js", JS, include_str!("../../ui/tabs.js")),
    ("dom.js", JS, include_str!("../../ui/dom.js")),
    ("why.js", JS, include_str!("../../ui/why.js")),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../../ui/style.css"),
    ),
];

const JS: &str = "text/javascript; charset=utf-8";

const INDEX: &str = include_str!("../../ui/index.html");

/// How often the update stream looks at the engine's counter. Reading an atomic is all it
/// costs; the page gets one message however many events finished meanwhile.
const UPDATE_CHECK: Duration = Duration::from_millis(100);

/// `/`: the page; with a valid `?token=`, the cookie and a redirect to `/` instead, so the
/// token leaves the address bar and the history.
pub(super) async fn index(State(api): State<Arc<HttpApi>>, request: Request) -> Response {
    if let TokenCheck::FromQuery(token) = token_check(api.options.admin_token.as_deref(), &request) {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::SEE_OTHER;
        response
            .headers_mut()
            .insert(header::LOCATION, HeaderValue::from_static("/"));
        if let Some(cookie) = token_cookie(&token) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        return response;
    }
    file_response("text/html; charset=utf-8", INDEX)
}

/// `/ui/<file>`.
pub(super) async fn asset(Path(name): Path<String>, request: Request) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, text)) => file_response(content_type, text),
        None => not_found(request).await,
    }
}

fn file_response(content_type: &'static str, text: &'static str) -> Response {
    let mut response = Response::new(Body::from(text));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The files change only with the binary; a reload after an upgrade must not mix versions.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Ours, for the UI's graph: `/api/boxes` answers `[box, ...]`, the answer of the UI
/// ruleset's `box` query on every pico reachable from the root through `children`, level
/// by level from the root (the order the page's walk of pico-engine's API had). The boxes
/// of one level are asked at once, each on its own pico's queue; the first failure is the
/// answer, as the page's own walk failed.
pub(super) async fn boxes(State(api): State<Arc<HttpApi>>) -> Response {
    match every_box(&api).await {
        Ok(text) => json_text(text),
        Err(err) => err.into_response(),
    }
}

/// The JSON array of every box, written as text from the engine's values.
async fn every_box(api: &Arc<HttpApi>) -> Result<String, ApiError> {
    let mut text = String::from("[");
    let mut seen = HashSet::new();
    let mut level = vec![api.ui_eci.clone()];
    while !level.is_empty() {
        let asked: Vec<_> = level
            .into_iter()
            .filter(|eci| seen.insert(eci.clone()))
            .map(|eci| {
                let api = Arc::clone(api);
                tokio::spawn(async move {
                    submit(&api, move |engine| {
                        engine.submit_query(&eci, ENGINE_UI_RID, "box", Value::Map(Arc::new(Map::new())))
                    })
                    .await
                })
            })
            .collect();
        level = Vec::new();
        for answer in asked {
            let pico_box = answer
                .await
                .map_err(|err| ApiError::new(format!("Error: the engine call failed: {err}")))??;
            let children = pico_box
                .as_map()
                .and_then(|fields| fields.get("children"))
                .and_then(Value::as_array)
                .unwrap_or_default();
            level.extend(children.iter().filter_map(Value::as_str).map(str::to_string));
            if text.len() > 1 {
                text.push(',');
            }
            text.push_str(&pico_box.encode(0).unwrap_or_else(|| "null".to_string()));
        }
    }
    text.push(']');
    Ok(text)
}

fn json_text(text: String) -> Response {
    let mut response = Response::new(Body::from(text));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// Ours, for the UI's State tab: `/api/state?eci=<any channel of the pico>` answers
/// `{"rulesets": {rid: {name: value}}}` with every entity variable of the pico.
pub(super) async fn state(State(api): State<Arc<HttpApi>>, request: Request) -> Response {
    let query = params::parse_query_extended(request.uri().query().unwrap_or(""));
    let Some(eci) = query.get("eci").and_then(Json::as_str).map(str::to_string) else {
        return error_response(StatusCode::OK, "TypeError: Expected `eci`".to_string());
    };
    let engine = api.engine.clone();
    let read = tokio::task::spawn_blocking(move || {
        let pico = engine.pico_of(&eci)?;
        engine.ent_vars(&pico)
    })
    .await;
    let vars = match read {
        Ok(Ok(vars)) => vars,
        Ok(Err(err)) => return error_response(StatusCode::OK, err.to_string()),
        Err(err) => return error_response(StatusCode::OK, format!("Error: the engine call failed: {err}")),
    };
    // Written as text: an entity variable may nest without bound, and a copy as
    // `serde_json::Value` would be dropped by recursion.
    let mut text = String::from("{\"rulesets\":{");
    let mut last_rid: Option<Arc<str>> = None;
    for (rid, name, value) in &vars {
        if last_rid.as_deref() != Some(&**rid) {
            if last_rid.is_some() {
                text.push_str("},");
            }
            text.push_str(&Json::String(rid.to_string()).to_string());
            text.push_str(":{");
        } else {
            text.push(',');
        }
        text.push_str(&Json::String(name.to_string()).to_string());
        text.push(':');
        text.push_str(&value.encode(0).unwrap_or_else(|| "null".to_string()));
        last_rid = Some(Arc::clone(rid));
    }
    if last_rid.is_some() {
        text.push('}');
    }
    text.push_str("}}");
    json_text(text)
}

/// Ours, for the UI's "view the source": `/api/source?url=<registered URL>` answers the
/// text the engine compiled, as `text/plain`.
pub(super) async fn source(State(api): State<Arc<HttpApi>>, request: Request) -> Response {
    let query = params::parse_query_extended(request.uri().query().unwrap_or(""));
    let Some(url) = query.get("url").and_then(Json::as_str) else {
        return error_response(StatusCode::OK, "TypeError: Expected `url`".to_string());
    };
    match api.engine.registered_source(url) {
        Some(text) => {
            let mut response = Response::new(Body::from(text.to_string()));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            response
        }
        None => error_response(
            StatusCode::OK,
            format!("Error: no ruleset is registered under `{url}`"),
        ),
    }
}

/// Ours, for the UI's live updates: `/api/updates` is a server-sent-event stream with an
/// `update` event (data: `{"events": n}`, the engine's count of finished event
/// transactions) at once and then each time the count changed.
pub(super) async fn updates(State(api): State<Arc<HttpApi>>) -> Response {
    use axum::response::IntoResponse;
    let stream = futures_util::stream::unfold(None::<u64>, move |last| {
        let api = Arc::clone(&api);
        async move {
            loop {
                let now = api.engine.events_finished();
                if last != Some(now) {
                    let mut data = JsonMap::new();
                    data.insert("events".to_string(), Json::from(now));
                    let event = Event::default()
                        .event("update")
                        .data(Json::Object(data).to_string());
                    return Some((Ok::<_, std::convert::Infallible>(event), Some(now)));
                }
                tokio::time::sleep(UPDATE_CHECK).await;
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}
