//! Ours, for `krl why` and the UI's Logging tab: `/api/why?eci=<any channel of the pico>&txn=<id>`
//! answers the rule traces of one event transaction of the pico (`engine/why.rs`): per
//! event, every rule with its verdict, reason, site, state before and after, and checks.
//! Read-only, behind the same guard as the other `/api` routes.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value as Json;

use super::HttpApi;
use super::params;
use super::routes::{error_response, json_response};
use crate::engine::why::MAX_TRACED_TXNS_PER_PICO;

pub(super) async fn why(State(api): State<Arc<HttpApi>>, request: Request) -> Response {
    let query = params::parse_query_extended(request.uri().query().unwrap_or(""));
    let text = |key: &str| query.get(key).and_then(Json::as_str).map(str::to_string);
    let (Some(eci), Some(txn)) = (text("eci"), text("txn")) else {
        return error_response(StatusCode::OK, "TypeError: Expected `eci` and `txn`".to_string());
    };
    let engine = api.engine.clone();
    let read = tokio::task::spawn_blocking(move || {
        let pico = engine.pico_of(&eci)?;
        Ok::<_, crate::engine::EngineError>(engine.why(&pico, &txn).ok_or(txn))
    })
    .await;
    let traces = match read {
        Ok(Ok(Ok(traces))) => traces,
        Ok(Ok(Err(txn))) => {
            let message = format!(
                "Error: no rule trace of transaction `{txn}` on this pico (the engine keeps \
                 them for the last {MAX_TRACED_TXNS_PER_PICO} event transactions of each pico, \
                 when rule traces are on)"
            );
            return error_response(StatusCode::OK, message);
        }
        Ok(Err(err)) => return error_response(StatusCode::OK, err.to_string()),
        Err(err) => return error_response(StatusCode::OK, format!("Error: the engine call failed: {err}")),
    };
    match serde_json::to_string(&*traces) {
        Ok(text) => json_response(text),
        Err(err) => error_response(StatusCode::OK, format!("Error: {err}")),
    }
}
