//! Ending `krl lsp` when the client says `exit`.
//!
//! tower-lsp 0.20 answers `exit` by refusing further requests, but its read loop then waits
//! for the client to close stdin, which editors do only after the process has ended; and a
//! `shutdown` still queued behind slow notifications is cancelled by `exit` and never runs.
//! So the process that owns stdio ends itself as soon as `exit` arrives, whatever is queued
//! or running, with the status the protocol asks for: 0 after `shutdown`, 1 without it.

use std::task::{Context, Poll};

use tower_lsp::jsonrpc::Request;
use tower_service::Service;

/// Wraps the LSP service; sees every message in arrival order, before it is queued.
pub(crate) struct EndProcessOnExit<S> {
    pub inner: S,
    shutdown_requested: bool,
}

impl<S> EndProcessOnExit<S> {
    pub(crate) fn new(inner: S) -> Self {
        EndProcessOnExit {
            inner,
            shutdown_requested: false,
        }
    }
}

/// The exit status the protocol asks for.
fn exit_status(shutdown_requested: bool) -> i32 {
    if shutdown_requested { 0 } else { 1 }
}

impl<S: Service<Request>> Service<Request> for EndProcessOnExit<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match request.method() {
            "shutdown" => self.shutdown_requested = true,
            "exit" => std::process::exit(exit_status(self.shutdown_requested)),
            _ => {}
        }
        self.inner.call(request)
    }
}
