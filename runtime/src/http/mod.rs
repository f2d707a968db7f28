//! The HTTP API of pico-engine 1.x over an [`Engine`] (feature `http`): the `/c/...` and
//! legacy `/sky/...` event and query routes, `/api/ui-context`, `/api/flush`, CORS, and
//! routes of our own for the `krl` client (`/api/picos`, `/api/logs`, `/api/dead-letters`). engine.md §8 is
//! the specification; `params` merges request parameters, `routes` has the handlers.
//!
//! Engine calls block (they wait for a pico's queue), so every handler runs them on
//! tokio's blocking pool. Errors are answered as the reference answers them: status 200
//! with `{"error": "<ErrorName>: <message>"}`; only unknown routes get a 404.
//!
//! ```no_run
//! # async fn start(engine: krl_runtime::engine::Engine) -> std::io::Result<()> {
//! use std::sync::Arc;
//! use krl_runtime::http::{HttpApi, HttpOptions};
//!
//! let api = Arc::new(HttpApi::new(engine, "ui-eci".to_string(), HttpOptions::default()));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! krl_runtime::http::serve(listener, api, std::future::pending()).await
//! # }
//! ```

pub mod params;
mod routes;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Method, Response, StatusCode, header};
use axum::middleware::{self, Next};
use axum::routing::{any, get};

use crate::engine::Engine;

/// Limits and switches of the HTTP API.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Largest JSON body read. Matches pico-engine (body-parser's default): 100 KiB.
    pub max_json_bytes: usize,
    /// Largest form body read. The reference allows 512 MB; we hold bodies in memory, so
    /// the default is a more modest 16 MiB.
    pub max_form_bytes: usize,
    /// Take an event's time from the `X-Pico-Event-Time` request header (epoch ms), as the
    /// reference's `useEventInputTime` does; for tests that replay events.
    pub trust_event_time: bool,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            max_json_bytes: 100 * 1024,
            max_form_bytes: 16 * 1024 * 1024,
            trust_event_time: false,
        }
    }
}

/// What the handlers share: the engine, the root's UI channel and the options.
pub struct HttpApi {
    pub engine: Engine,
    /// The root pico's `engine,ui` channel, answered by `/api/ui-context`.
    pub ui_eci: String,
    /// The engine version `/api/ui-context` reports.
    pub version: String,
    pub options: HttpOptions,
}

impl HttpApi {
    pub fn new(engine: Engine, ui_eci: String, options: HttpOptions) -> HttpApi {
        HttpApi {
            engine,
            ui_eci,
            version: env!("CARGO_PKG_VERSION").to_string(),
            options,
        }
    }
}

/// Every route of the API, with CORS and security headers on every answer.
pub fn router(api: Arc<HttpApi>) -> Router {
    Router::new()
        // Matches Express: a GET-only route answers other methods with the plain 404.
        .route(
            "/api/ui-context",
            get(routes::ui_context).fallback(routes::not_found),
        )
        .route("/api/flush", any(routes::flush))
        .route("/api/picos", get(routes::picos).fallback(routes::not_found))
        .route("/api/logs", get(routes::logs).fallback(routes::not_found))
        .route(
            "/api/dead-letters",
            get(routes::dead_letters).fallback(routes::not_found),
        )
        .route("/c/{eci}/event/{domain}/{name}", any(routes::event))
        .route("/c/{eci}/event-wait/{domain}/{name}", any(routes::event_wait))
        .route(
            "/c/{eci}/event/{domain}/{name}/query/{rid}/{qname}",
            any(routes::event_query),
        )
        .route("/c/{eci}/query/{rid}/{name}", any(routes::query))
        .route("/sky/event/{eci}/{eid}/{domain}/{type}", any(routes::sky_event))
        .route("/sky/cloud/{eci}/{rid}/{function}", any(routes::query))
        .fallback(routes::not_found)
        .layer(middleware::from_fn(cors))
        .with_state(api)
}

/// Serves the API on `listener` until `shutdown` completes, then finishes the requests in
/// flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    api: Arc<HttpApi>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(api))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Matches pico-engine: `OPTIONS` on any path is a pre-flight answered with 200 and an
/// empty body; every answer allows any origin and carries Helmet's default security
/// headers (without `upgrade-insecure-requests`, which breaks plain-HTTP use).
async fn cors(request: axum::extract::Request, next: Next) -> Response<Body> {
    let mut response = if request.method() == Method::OPTIONS {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::OK;
        let allowed = HeaderValue::from_static("POST, GET, OPTIONS");
        response.headers_mut().insert(header::ALLOW, allowed.clone());
        response
            .headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_METHODS, allowed);
        response
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(*name, HeaderValue::from_static(value));
    }
    response
}

const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("access-control-allow-origin", "*"),
    (
        "access-control-allow-headers",
        "Origin, X-Requested-With, Content-Type, Accept",
    ),
    (
        "content-security-policy",
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';\
         frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';\
         script-src-attr 'none';style-src 'self' https: 'unsafe-inline'",
    ),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("origin-agent-cluster", "?1"),
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
    ("x-dns-prefetch-control", "off"),
    ("x-download-options", "noopen"),
    ("x-frame-options", "SAMEORIGIN"),
    ("x-permitted-cross-domain-policies", "none"),
    ("x-xss-protection", "0"),
];
