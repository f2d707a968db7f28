//! The connection loop: accepts connections up to [`HttpOptions::max_connections`] and
//! serves each with hyper's HTTP/1 server and a timer, so a client that does not finish its
//! headers within [`HttpOptions::header_read_timeout`] (or leaves a keep-alive connection
//! idle that long) is disconnected. `axum::serve` sets no timer, which left idle
//! connections open forever until the process ran out of file descriptors.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;

use super::{HttpApi, HttpOptions, router};

/// How long to wait before accepting again after `accept` failed (out of descriptors, ...).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// How long a shutdown waits for the requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves the API on `listener` until `shutdown` completes, then finishes the requests in
/// flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    api: Arc<HttpApi>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let options: HttpOptions = api.options.clone();
    serve_router(listener, router(api), &options, shutdown).await
}

/// [`serve`] for any router (a standby engine's forwarder, `forward.rs`), with the same
/// connection limit and timeouts.
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    options: &HttpOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(tokio::sync::Semaphore::new(options.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Typically EMFILE: the connections in progress free descriptors as
                    // they finish or time out.
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(options.header_read_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    // Idle connections close at once; requests in flight get a while to finish.
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
    Ok(())
}
