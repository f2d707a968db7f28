//! Which engine runs a pico when several engines share one store (`krl run --store
//! postgres://...`): the engine asks a [`Placement`] before it runs anything on a pico, and
//! forwards requests for picos another engine runs.
//!
//! An engine without a placement (SQLite, memory, embedding) runs every pico itself, as
//! before. With one, every pico is *claimed* before its first job on this engine: a pico this
//! engine holds runs here; a free one (new, or its owner died, paused or stopped) is taken and
//! then *adopted*: whatever an earlier copy left in memory is dropped, and its inbox, timers
//! and outbox are picked up from the store, exactly once per acquisition (the epoch tells
//! acquisitions apart); a pico another engine holds is answered with that engine's base URL,
//! where the HTTP API forwards the request. The placement of the PostgreSQL store is its
//! leases per pico ([`crate::storage::PicoLeases`], docs/stores.md).

use crate::storage::{Acquired, PicoLeases};

/// Where a pico runs, as a [`Placement`] answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This engine holds the pico, acquired at `epoch` (a new acquisition has a higher epoch
    /// than any before it).
    Here { epoch: i64 },
    /// Another engine runs it; its requests go to this base URL.
    Elsewhere { base_url: String },
}

/// Where a request for a channel is to be answered ([`crate::engine::Engine::route`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// On this engine (it holds the channel's pico, or the channel is unknown here too).
    Here,
    /// On the engine at this base URL, which holds the channel's pico.
    Forward(String),
}

/// Decides which engine runs each pico; see the module docs.
pub trait Placement: Send + Sync {
    /// Takes `pico` for this engine unless another engine holds it.
    fn claim(&self, pico: &str) -> Result<Claim, String>;
    /// Whether this engine holds `pico` now (no round trip).
    fn holds(&self, pico: &str) -> bool;
    /// Up to `limit` picos no engine holds any more (their engine died or stopped), for a
    /// sweep that takes them over so that their inboxes run and their timers fire.
    fn orphans(&self, limit: usize) -> Result<Vec<String>, String>;
    /// Lets go of a pico that was deleted (its lease record goes too).
    fn forget(&self, pico: &str);
}

impl Placement for PicoLeases {
    fn claim(&self, pico: &str) -> Result<Claim, String> {
        match self.acquire(pico).map_err(|err| err.to_string())? {
            Acquired::Taken { epoch, .. } => Ok(Claim::Here { epoch }),
            Acquired::HeldBy(owner) => Ok(Claim::Elsewhere {
                base_url: owner.base_url,
            }),
        }
    }

    fn holds(&self, pico: &str) -> bool {
        PicoLeases::holds(self, pico)
    }

    fn orphans(&self, limit: usize) -> Result<Vec<String>, String> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.expired(limit).map_err(|err| err.to_string())
    }

    fn forget(&self, pico: &str) {
        // A row left behind only costs a row: the pico id is never used again.
        let _ = PicoLeases::forget(self, pico);
    }
}
