//! An engine's HTTP API served in process on a free loopback port, on a tokio runtime of
//! its own thread, for the tests that drive the API without a `krl run` process.

use std::sync::Arc;

use krl_runtime::engine::Engine;
use krl_runtime::http::{HttpApi, HttpOptions};

/// Serves `engine` until the test process ends; answers the base URL. The blocking pool has
/// `blocking_threads` threads when given (tokio's default otherwise).
pub fn serve(engine: Engine, options: HttpOptions, blocking_threads: Option<usize>) -> String {
    serve_api(
        HttpApi::new(engine, "the-ui-eci".to_string(), options),
        blocking_threads,
    )
}

/// [`serve`] for an API made by the test (one whose UI ECI is real, say).
pub fn serve_api(api: HttpApi, blocking_threads: Option<usize>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.set_nonblocking(true).expect("non-blocking listener");
    let base = format!("http://{}", listener.local_addr().expect("bound"));
    let api = Arc::new(api);
    std::thread::spawn(move || {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(2).enable_all();
        if let Some(threads) = blocking_threads {
            builder.max_blocking_threads(threads);
        }
        let runtime = builder.build().expect("a tokio runtime");
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            krl_runtime::http::serve(listener, api, std::future::pending())
                .await
                .expect("the server runs");
        });
    });
    base
}
