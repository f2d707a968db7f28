//! Failures of engine operations, in their own module so that the modules which return them
//! (persistence, sources, the system rulesets, the built-in modules) need not import the kernel.

use super::backend::CompileError;
use crate::RuntimeError;
use crate::storage::StorageError;

/// Failures of engine operations.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// An error KRL code or the reference's API would report (`Error: ECI not found x`).
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    #[error("{0}")]
    Compile(CompileError),
    #[error("cannot read ruleset source `{url}`: {source}")]
    Source { url: String, source: std::io::Error },
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("stored {what} is unreadable: {reason}")]
    Corrupt { what: String, reason: String },
    /// The pico's queue is full ([`EngineOptions::max_queued_per_pico`](super::EngineOptions::max_queued_per_pico)); nothing was queued.
    #[error("Busy: the pico has {queued} jobs waiting; try again later")]
    Busy { queued: usize },
}
