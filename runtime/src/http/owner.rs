//! Routing on a store whose picos are spread over engines: a request for a channel whose
//! pico another engine runs is forwarded to that engine (`forward.rs`), one for a pico no
//! engine runs is claimed for this engine first (`kernel/adopt.rs`), so clients may send
//! any request to any engine. On an engine that runs every pico of its store (SQLite,
//! memory, an embedding) this layer passes every request straight on.
//!
//! Only the pico routes are routed (`/c/<eci>/...`, `/sky/event/<eci>/...`,
//! `/sky/cloud/<eci>/...`); `/api/...` and the UI answer from this engine.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use super::HttpApi;
use super::forward::to_owner;
use super::routes::error_response;
use crate::engine::placement::Route;

/// The routing layer; see the module docs.
pub(super) async fn route(State(api): State<Arc<HttpApi>>, request: Request, next: Next) -> Response {
    if !api.engine.shares_store() {
        return next.run(request).await;
    }
    let Some(eci) = eci_of(request.uri().path()) else {
        return next.run(request).await;
    };
    let engine = api.engine.clone();
    // Claiming reads the store, which blocks.
    let route = tokio::task::spawn_blocking(move || engine.route(&eci)).await;
    match route {
        Ok(Ok(Route::Here)) => next.run(request).await,
        Ok(Ok(Route::Forward(base_url))) => {
            to_owner(base_url, api.engine.base_url().to_owned(), request).await
        }
        Ok(Err(err)) => error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("Unavailable: {err}; retry"),
        ),
        Err(_) => error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "Unavailable: the request could not be routed; retry".to_owned(),
        ),
    }
}

/// The ECI a pico route names.
fn eci_of(path: &str) -> Option<String> {
    let mut parts = path.trim_start_matches('/').split('/');
    let eci = match (parts.next()?, parts.next()?) {
        ("c", eci) => eci,
        ("sky", "event" | "cloud") => parts.next()?,
        _ => return None,
    };
    (!eci.is_empty()).then(|| eci.to_owned())
}

#[cfg(test)]
mod tests {
    use super::eci_of;

    #[test]
    fn the_eci_of_each_pico_route_is_found() {
        assert_eq!(eci_of("/c/E1/event/a/b").as_deref(), Some("E1"));
        assert_eq!(eci_of("/c/E1/query/r/f").as_deref(), Some("E1"));
        assert_eq!(eci_of("/sky/event/E2/eid/a/b").as_deref(), Some("E2"));
        assert_eq!(eci_of("/sky/cloud/E3/r/f").as_deref(), Some("E3"));
        assert_eq!(eci_of("/api/picos"), None);
        assert_eq!(eci_of("/c//event/a/b"), None);
        assert_eq!(eci_of("/"), None);
    }
}
