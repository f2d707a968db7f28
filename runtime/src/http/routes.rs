//! The route handlers: read the parameters, submit to the engine on the blocking pool, await
//! the answer, answer as pico-engine does (engine.md §8).

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map as JsonMap, Value as Json};

use super::HttpApi;
use super::idempotency::{self, AnswerKind, Once, replayed};
use super::params::{self, BodyKind, ParamsError};
use crate::ErrorLocation;
use crate::engine::{Engine, EngineError, RulesetVersion, Submitted};
use crate::value::{Map, Value};

type Api = State<Arc<HttpApi>>;

/// The request header `--trust-event-time` reads: the event's time in epoch milliseconds.
pub const EVENT_TIME_HEADER: &str = "x-pico-event-time";

/// A failed request, answered as the reference answers every error: 200 with
/// `{"error": "<ErrorName>: <message>"}`; a busy pico is 503 with the same body. An error
/// raised by KRL code also gets a `location` field (file, line, column, source line, rid,
/// rule, function): clients that read only `error` see the reference's text.
pub(super) struct ApiError {
    message: String,
    status: StatusCode,
    location: Option<Box<ErrorLocation>>,
}

impl ApiError {
    pub(super) fn new(message: String) -> ApiError {
        ApiError::with_status(StatusCode::OK, message)
    }

    /// A refusal of our own, with its status (the body is still `{"error": ...}`).
    pub(super) fn with_status(status: StatusCode, message: String) -> ApiError {
        ApiError {
            message,
            status,
            location: None,
        }
    }
}

impl From<EngineError> for ApiError {
    fn from(err: EngineError) -> Self {
        let location = match &err {
            EngineError::Runtime(runtime) => runtime.location().cloned().map(Box::new),
            _ => None,
        };
        let status = match err {
            EngineError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::OK,
        };
        ApiError {
            message: err.to_string(),
            status,
            location,
        }
    }
}

impl From<ParamsError> for ApiError {
    fn from(err: ParamsError) -> Self {
        ApiError::new(err.to_string())
    }
}

impl ApiError {
    pub(super) fn into_response(self) -> Response {
        let mut body = JsonMap::new();
        body.insert("error".to_string(), Json::String(self.message));
        if let Some(location) = self.location.and_then(|l| serde_json::to_value(l).ok()) {
            body.insert("location".to_string(), location);
        }
        let mut response = json_response(Json::Object(body).to_string());
        *response.status_mut() = self.status;
        if matches!(
            self.status,
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::CONFLICT
        ) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// `{"error": message}` with `status`.
pub(super) fn error_response(status: StatusCode, message: String) -> Response {
    let mut body = JsonMap::new();
    body.insert("error".to_string(), Json::String(message));
    let mut response = json_response(Json::Object(body).to_string());
    *response.status_mut() = status;
    response
}

pub(super) fn json_response(text: String) -> Response {
    let mut response = Response::new(Body::from(text));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// A KRL value as Express's `res.json` sends it; `undefined` (an action at the top level)
/// is an empty body.
fn value_response(value: &Value) -> Response {
    json_response(value.encode(0).unwrap_or_default())
}

fn respond(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(ApiError::into_response)
}

/// Runs a blocking engine call off the async threads.
pub(super) async fn blocking<T: Send + 'static>(
    api: &HttpApi,
    call: impl FnOnce(Engine) -> Result<T, EngineError> + Send + 'static,
) -> Result<T, ApiError> {
    let engine = api.engine.clone();
    match tokio::task::spawn_blocking(move || call(engine)).await {
        Ok(result) => Ok(result?),
        Err(err) => Err(ApiError::new(format!("Error: the engine call failed: {err}"))),
    }
}

/// Submits a job that is answered later: the submission (and running the pico's queue, when
/// this request found it idle) on the blocking pool, the wait for the answer without a
/// thread.
pub(super) async fn submit<T: Send + 'static>(
    api: &HttpApi,
    call: impl FnOnce(Engine) -> Result<Submitted<T>, EngineError> + Send + 'static,
) -> Result<T, ApiError> {
    let submitted = blocking(api, move |engine| {
        let mut submitted = call(engine)?;
        submitted.run_queue();
        Ok(submitted)
    })
    .await?;
    Ok(submitted.answer().await?)
}

/// The merged parameters of a request (query string, body, `_headers`) and the event time
/// to use, if the server trusts the caller's.
pub(super) struct Params {
    pub(super) attrs: Value,
    pub(super) time: Option<f64>,
}

async fn read_params(api: &HttpApi, request: Request) -> Result<Params, ApiError> {
    let (parts, body) = request.into_parts();
    let limit = api.options.max_params;
    params::check_param_count(parts.uri.query().unwrap_or(""), limit)?;
    let body = match BodyKind::of(&parts.headers) {
        BodyKind::Ignored => JsonMap::new(),
        BodyKind::Json => {
            params::parse_json_body(&read_body(api, body, &parts.headers, api.options.max_json_bytes).await?)?
        }
        BodyKind::Form => {
            let bytes = read_body(api, body, &parts.headers, api.options.max_form_bytes).await?;
            let text = String::from_utf8_lossy(&bytes);
            params::check_param_count(&text, limit)?;
            params::parse_form(&text)
        }
    };
    let merged = params::merge(parts.uri.query(), body, &parts.headers);
    let time = if api.options.trust_event_time {
        event_time(&parts.headers)?
    } else {
        None
    };
    Ok(Params {
        attrs: Value::from(Json::Object(merged)),
        time,
    })
}

fn event_time(headers: &HeaderMap) -> Result<Option<f64>, ApiError> {
    let Some(value) = headers.get(EVENT_TIME_HEADER) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    match text.parse::<f64>() {
        Ok(time) if time.is_finite() && time >= 0.0 => Ok(Some(time)),
        _ => Err(ApiError::new(format!(
            "TypeError: `{EVENT_TIME_HEADER}` must be epoch milliseconds, got `{text}`"
        ))),
    }
}

/// How much of a refused body is still read so that the client gets the answer.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// Reads up to `limit` bytes of a body and drops them frame by frame, holding none: ten
/// refused 10 MB bodies at once cost nothing.
async fn discard(body: Body, limit: usize) {
    use axum::body::HttpBody;
    let mut body = std::pin::pin!(body);
    let mut seen = 0;
    while seen < limit {
        match std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
            Some(Ok(frame)) => seen += frame.data_ref().map_or(0, |data| data.len()),
            _ => break,
        }
    }
}

/// Reads at most `limit` bytes within the body timeout; a declared or actual larger body is
/// refused without reading the rest.
async fn read_body(
    api: &HttpApi,
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<axum::body::Bytes, ParamsError> {
    let timeout = api.options.body_read_timeout;
    tokio::time::timeout(timeout, read_body_within(body, headers, limit))
        .await
        .unwrap_or(Err(ParamsError::Read(format!(
            "the body did not arrive within {} s",
            timeout.as_secs_f64()
        ))))
}

async fn read_body_within(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<axum::body::Bytes, ParamsError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        // Read (and drop) a moderately larger body before answering: a client still
        // sending when the connection closes would see a reset instead of our answer.
        discard(body, DRAIN_LIMIT).await;
        return Err(ParamsError::TooLarge { limit });
    }
    to_bytes(body, limit).await.map_err(|err| {
        // axum does not export the limit error's type; its message is stable.
        if err.to_string().contains("length limit") {
            ParamsError::TooLarge { limit }
        } else {
            ParamsError::Read(err.to_string())
        }
    })
}

pub(super) async fn ui_context(State(api): Api) -> Response {
    let mut body = JsonMap::new();
    body.insert("version".to_string(), Json::String(api.version.clone()));
    body.insert("eci".to_string(), Json::String(api.ui_eci.clone()));
    json_response(Json::Object(body).to_string())
}

pub(super) async fn flush(State(api): Api, request: Request) -> Response {
    respond(
        async {
            let params = read_params(&api, request).await?;
            let Some(url) = params
                .attrs
                .as_map()
                .and_then(|m| m.get("url"))
                .and_then(Value::as_str)
                .map(str::to_string)
            else {
                return Err(ApiError::new("TypeError: Expected `url`".to_string()));
            };
            let answer_url = url.clone();
            // Waiting for a slot holds no thread; a fetch may wait on a slow URL.
            let _slot = api.flushes.acquire().await;
            let (version, warnings) = blocking(&api, move |engine| {
                let rid = engine.flush(&url)?;
                let version = engine.registered_version(&url).unwrap_or(RulesetVersion {
                    rid,
                    hash: String::new(),
                    flushed: String::new(),
                });
                Ok((version, engine.compiler_warnings(&url)))
            })
            .await?;
            let mut body = JsonMap::new();
            body.insert("url".to_string(), Json::String(answer_url));
            body.insert("rid".to_string(), Json::String(version.rid));
            body.insert("hash".to_string(), Json::String(version.hash));
            body.insert("flushed".to_string(), Json::String(version.flushed));
            let mut compiler = JsonMap::new();
            compiler.insert("version".to_string(), Json::String(api.version.clone()));
            let warnings = warnings.into_iter().map(|warning| {
                let at = |(line, column): (u32, u32)| serde_json::json!({"line": line, "column": column});
                serde_json::json!({
                    "loc": {"start": at(warning.start), "end": at(warning.end)},
                    "message": warning.message,
                })
            });
            compiler.insert("warnings".to_string(), Json::Array(warnings.collect()));
            body.insert("compiler".to_string(), Json::Object(compiler));
            Ok(json_response(Json::Object(body).to_string()))
        }
        .await,
    )
}

pub(super) async fn event(
    State(api): Api,
    Path((eci, domain, name)): Path<(String, String, String)>,
    request: Request,
) -> Response {
    respond(
        async {
            let key = idempotency::key_of(request.headers())?;
            let params = read_params(&api, request).await?;
            let event = (domain.as_str(), name.as_str());
            let arrival =
                match idempotency::claim(&api, key, &eci, AnswerKind::Accepted, event, &params).await? {
                    Once::Replay(eid) => return Ok(replayed(value_response(&eid))),
                    Once::Run(arrival) => arrival,
                };
            let eid = blocking(&api, move |engine| {
                engine.event_at(&eci, &domain, &name, params.attrs, arrival)
            })
            .await?;
            Ok(json_response(Json::String(eid).to_string()))
        }
        .await,
    )
}

pub(super) async fn event_wait(
    State(api): Api,
    Path((eci, domain, name)): Path<(String, String, String)>,
    request: Request,
) -> Response {
    respond(
        async {
            let key = idempotency::key_of(request.headers())?;
            let params = read_params(&api, request).await?;
            let event = (domain.as_str(), name.as_str());
            let arrival = match idempotency::claim(&api, key, &eci, AnswerKind::Ran, event, &params).await? {
                Once::Replay(answer) => return Ok(replayed(value_response(&answer))),
                Once::Run(arrival) => arrival,
            };
            let response = submit(&api, move |engine| {
                engine.submit_event_wait(&eci, (&domain, &name), params.attrs, arrival)
            })
            .await?;
            Ok(value_response(&response.to_value()))
        }
        .await,
    )
}

pub(super) async fn event_query(
    State(api): Api,
    Path((eci, domain, name, rid, qname)): Path<(String, String, String, String, String)>,
    request: Request,
) -> Response {
    respond(
        async {
            let key = idempotency::key_of(request.headers())?;
            let params = read_params(&api, request).await?;
            let event = (domain.as_str(), name.as_str());
            // A repeat does not raise the event again; the query, which changes nothing,
            // runs again and answers what the pico holds now.
            let arrival = match idempotency::claim(&api, key, &eci, AnswerKind::Ran, event, &params).await? {
                Once::Replay(_) => {
                    let value = submit(&api, move |engine| {
                        engine.submit_query(&eci, &rid, &qname, params.attrs)
                    })
                    .await?;
                    return Ok(replayed(value_response(&value)));
                }
                Once::Run(arrival) => arrival,
            };
            // Matches pico-engine: the same parameters are the event's attributes and the
            // query's arguments, and the query runs right behind the event.
            let value = submit(&api, move |engine| {
                let args = params.attrs.clone();
                engine.submit_event_query(
                    &eci,
                    (&domain, &name),
                    params.attrs,
                    arrival,
                    (&rid, &qname),
                    args,
                )
            })
            .await?;
            Ok(value_response(&value))
        }
        .await,
    )
}

/// `/c/:eci/query/:rid/:name` and `/sky/cloud/:eci/:rid/:function`.
pub(super) async fn query(
    State(api): Api,
    Path((eci, rid, function)): Path<(String, String, String)>,
    request: Request,
) -> Response {
    respond(
        async {
            let params = read_params(&api, request).await?;
            // Matches pico-engine: split at `.`; the second part picks the answer's form.
            let mut parts = function.split('.');
            let name = parts.next().unwrap_or("").to_string();
            let suffix = parts.next().map(str::to_string);
            let value = submit(&api, move |engine| {
                engine.submit_query(&eci, &rid, &name, params.attrs)
            })
            .await?;
            let content_type = match suffix.as_deref() {
                Some("html") => "text/html; charset=utf-8",
                Some("txt") => "text/plain; charset=utf-8",
                _ => return Ok(value_response(&value)),
            };
            let Some(text) = value.as_str() else {
                return Err(ApiError::new(format!(
                    "TypeError: a `.{}` query must return a string, got {}",
                    suffix.unwrap_or_default(),
                    value.krl_type().name()
                )));
            };
            let mut response = Response::new(Body::from(text.to_string()));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            Ok(response)
        }
        .await,
    )
}

pub(super) async fn sky_event(
    State(api): Api,
    Path((eci, eid, domain, kind)): Path<(String, String, String, String)>,
    request: Request,
) -> Response {
    respond(
        async {
            let key = idempotency::key_of(request.headers())?;
            let mut params = read_params(&api, request).await?;
            if eid != "none"
                && let Value::Map(map) = &mut params.attrs
                && map.get("__eid").is_none()
            {
                std::sync::Arc::make_mut(map).insert("__eid", Value::string(eid.as_str()));
            }
            let event = (domain.as_str(), kind.as_str());
            let arrival = match idempotency::claim(&api, key, &eci, AnswerKind::Ran, event, &params).await? {
                Once::Replay(answer) => {
                    let directives = match answer.as_map().and_then(|map| map.get("directives")) {
                        Some(Value::Array(directives)) => directives.to_vec(),
                        _ => Vec::new(),
                    };
                    return Ok(replayed(sky_answer(&answer, &directives)));
                }
                Once::Run(arrival) => arrival,
            };
            let response = submit(&api, move |engine| {
                engine.submit_event_wait(&eci, (&domain, &kind), params.attrs, arrival)
            })
            .await?;
            Ok(sky_answer(&response.to_value(), &response.directives))
        }
        .await,
    )
}

/// Applies the `_cookie` and `_redirect` directives of a `/sky/event` answer.
fn sky_answer(body: &Value, directives: &[Value]) -> Response {
    let mut cookies = Vec::new();
    let mut redirect = None;
    for directive in directives {
        // Read in place: a directive's options may nest without bound, and a copy as
        // `serde_json::Value` would be dropped by recursion.
        let field = |key: &str| directive.as_map().and_then(|map| map.get(key));
        let option = |key: &str| {
            field("options")
                .and_then(Value::as_map)
                .and_then(|options| options.get(key))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        match field("name").and_then(Value::as_str) {
            Some("_cookie") => cookies.extend(option("cookie")),
            Some("_redirect") if redirect.is_none() => redirect = option("url"),
            _ => {}
        }
    }
    let mut response = match redirect {
        Some(url) => {
            let mut response = Response::new(Body::from(format!("Found. Redirecting to {url}")));
            *response.status_mut() = StatusCode::FOUND;
            if let Ok(location) = HeaderValue::from_str(&url) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            response
        }
        None => value_response(body),
    };
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Ours, for `krl pico ls`: every pico with its channels and rulesets.
pub(super) async fn picos(State(api): Api) -> Response {
    respond(
        async {
            let picos = blocking(&api, |engine| Ok(engine.pico_summaries())).await?;
            let mut body = JsonMap::new();
            body.insert(
                "root".to_string(),
                Json::String(api.engine.root_pico().to_string()),
            );
            body.insert(
                "picos".to_string(),
                Json::Array(picos.iter().map(Value::to_json).collect()),
            );
            Ok(json_response(Json::Object(body).to_string()))
        }
        .await,
    )
}

/// The answer of `/api/logs`.
#[derive(serde::Serialize)]
struct LogsBody<'a> {
    entries: Vec<LogLine<'a>>,
    next: usize,
}

/// One entry of `/api/logs`.
#[derive(serde::Serialize)]
struct LogLine<'a> {
    time: f64,
    level: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rid: Option<&'a str>,
    #[serde(rename = "txnId", skip_serializing_if = "Option::is_none")]
    txn_id: Option<&'a str>,
    /// The fields of the engine's own lines, under pico-engine's names.
    #[serde(flatten)]
    fields: Value,
    msg: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a Value>,
}

/// Ours, for `krl logs`: a pico's log entries from index `after` on (`?pico=ID&after=N`;
/// the root pico by default), with the index to ask from next. Each entry has `time` (epoch
/// milliseconds), `level`, `rid`, `txnId` (the transaction that wrote it), the fields of the
/// engine's own lines under pico-engine's names (`txn`, `event`, `rule_name`, `error`),
/// `msg`, and a `klog`'s value as `data`.
pub(super) async fn logs(State(api): Api, request: Request) -> Response {
    let query = params::parse_query_extended(request.uri().query().unwrap_or(""));
    let text = |key: &str| query.get(key).and_then(Json::as_str).map(str::to_string);
    let pico = text("pico").unwrap_or_else(|| api.engine.root_pico().to_string());
    let after = text("after").and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
    respond(
        async {
            let (entries, next) = blocking(&api, move |engine| Ok(engine.logs_since(&pico, after))).await?;
            // Serialised straight to text: a `klog`ged value may nest without bound, and a
            // copy as `serde_json::Value` would be dropped by recursion.
            let body = LogsBody {
                entries: entries
                    .iter()
                    .map(|entry| {
                        let mut fields = Map::new();
                        entry.insert_fields(&mut fields);
                        LogLine {
                            time: entry.time,
                            level: entry.level,
                            rid: entry.rid.as_deref(),
                            txn_id: entry.txn_id.as_deref(),
                            fields: Value::map(fields),
                            msg: &entry.message,
                            data: entry.data.as_ref(),
                        }
                    })
                    .collect(),
                next,
            };
            let text = serde_json::to_string(&body).map_err(|err| ApiError::new(err.to_string()))?;
            Ok(json_response(text))
        }
        .await,
    )
}

/// Ours, for `krl logs --dead-letters`: the events moved to the dead letters
/// (`{"deadLetters": [...]}`, oldest move first).
pub(super) async fn dead_letters(State(api): Api) -> Response {
    respond(
        async {
            let letters = blocking(&api, |engine| engine.dead_letters()).await?;
            let mut body = JsonMap::new();
            body.insert(
                "deadLetters".to_string(),
                Json::Array(letters.iter().map(|letter| letter.to_value().to_json()).collect()),
            );
            Ok(json_response(Json::Object(body).to_string()))
        }
        .await,
    )
}

/// Matches Express's default answer to an unknown route.
pub(super) async fn not_found(request: Request) -> Response {
    let path = request
        .uri()
        .path()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n\
         <body>\n<pre>Cannot {} {}</pre>\n</body>\n</html>\n",
        request.method(),
        path
    );
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}
