//! The HTTP API of pico-engine 1.x over an [`Engine`] (feature `http`): the `/c/...` and
//! legacy `/sky/...` event and query routes, `/api/ui-context`, `/api/flush`, and routes
//! of our own for the `krl` client (`/api/picos`, `/api/logs`, `/api/dead-letters`), and the
//! developer UI at `/` with its read-only routes `/api/boxes`, `/api/state`, `/api/source` and `/api/updates` (`ui`).
//! engine.md §8 is the specification; `params` merges request parameters, `routes` has the
//! handlers, `guard` checks every request (Host, admin token) and sets the answer's headers
//! (CORS only on the pico routes), `serve` runs connections with their timeouts, `forward`
//! passes a request on to another engine of a shared store, `owner` sends a request for a pico
//! another engine of a shared store runs to that engine, and `idempotency` answers a repeated
//! `Idempotency-Key` with the stored answer (docs/http.md).
//! docs/security.md says what is exposed to whom.
//!
//! A handler submits its job to the engine on tokio's blocking pool (it may read storage or
//! run the pico's queue) and then awaits the answer without a thread, so requests waiting
//! on a busy pico hold no thread. Errors are answered as the reference answers them: status
//! 200 with `{"error": "<ErrorName>: <message>"}`; unknown routes get a 404, and refusals of
//! our own (busy pico 503, bad token 401, unknown Host 403) their status with the same body.
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

mod forward;
mod guard;
mod idempotency;
mod owner;
pub mod params;
mod routes;
mod serve;
mod ui;
mod why;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware;
use axum::routing::{any, get};

use crate::engine::Engine;

pub use forward::{FORWARDED_HEADER, Forwarder, forwarding_router};
pub use guard::TOKEN_COOKIE;
pub use idempotency::{IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER};
pub use serve::{serve, serve_router};

/// Limits and switches of the HTTP API.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Largest JSON body read. Matches pico-engine (body-parser's default): 100 KiB.
    pub max_json_bytes: usize,
    /// Largest form body read. The reference allows 512 MB; we hold bodies in memory and
    /// turn them into KRL values, so the default is 1 MiB.
    pub max_form_bytes: usize,
    /// Most `key=value` pairs in a query string or form body (body-parser's and qs's
    /// `parameterLimit`, 1,000); more is refused with `PayloadTooLargeError`.
    pub max_params: usize,
    /// Take an event's time from the `X-Pico-Event-Time` request header (epoch ms), as the
    /// reference's `useEventInputTime` does; for tests that replay events.
    pub trust_event_time: bool,
    /// The token `/api/*` requires (`Authorization: Bearer`, `?token=` or the cookie
    /// [`TOKEN_COOKIE`]); `None` leaves `/api/*` open (in-process tests, embedding).
    pub admin_token: Option<String>,
    /// Host names the `Host` header may name besides `localhost` (and `*.localhost`) and IP
    /// addresses; `*` allows any. Any other name is refused with 403 (DNS rebinding).
    pub allowed_hosts: Vec<String>,
    /// How long a client has to send a request's headers; also how long an idle keep-alive
    /// connection stays open. Default 20 s.
    pub header_read_timeout: Duration,
    /// How long a client has to send a request's body. Default 30 s.
    pub body_read_timeout: Duration,
    /// Most connections served at once; past this, new ones wait in the listen backlog.
    /// Default 10,000 (`krl run` lowers it below the process's open-file limit).
    pub max_connections: usize,
    /// Most `/api/flush` fetches at once (each may wait on a slow URL); more wait without a
    /// thread. Default 4.
    pub max_concurrent_flushes: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            max_json_bytes: 100 * 1024,
            max_form_bytes: 1024 * 1024,
            max_params: 1_000,
            trust_event_time: false,
            admin_token: None,
            allowed_hosts: Vec::new(),
            header_read_timeout: Duration::from_secs(20),
            body_read_timeout: Duration::from_secs(30),
            max_connections: 10_000,
            max_concurrent_flushes: 4,
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
    /// Bounds the flushes in progress ([`HttpOptions::max_concurrent_flushes`]).
    flushes: tokio::sync::Semaphore,
}

impl HttpApi {
    pub fn new(engine: Engine, ui_eci: String, options: HttpOptions) -> HttpApi {
        HttpApi {
            engine,
            ui_eci,
            version: env!("CARGO_PKG_VERSION").to_string(),
            flushes: tokio::sync::Semaphore::new(options.max_concurrent_flushes.max(1)),
            options,
        }
    }
}

/// Every route of the API, behind the guard (Host, token, headers).
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
        .route("/", get(ui::index).fallback(routes::not_found))
        .route("/ui/{file}", get(ui::asset).fallback(routes::not_found))
        .route("/api/boxes", get(ui::boxes).fallback(routes::not_found))
        .route("/api/state", get(ui::state).fallback(routes::not_found))
        .route("/api/source", get(ui::source).fallback(routes::not_found))
        .route("/api/updates", get(ui::updates).fallback(routes::not_found))
        .route("/api/why", get(why::why).fallback(routes::not_found))
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
        .layer(middleware::from_fn_with_state(Arc::clone(&api), owner::route))
        .layer(middleware::from_fn_with_state(Arc::clone(&api), guard::guard))
        .with_state(api)
}
