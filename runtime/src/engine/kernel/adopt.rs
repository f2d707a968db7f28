//! Picos on a store several engines share (`placement.rs`): claiming a pico before it runs
//! here, adopting one this engine just took over, and letting go of lost ones.
//!
//! Adopting a pico (once per acquisition, told apart by the lease's epoch) drops whatever an
//! earlier copy left in memory (its cell, its channels, its timers: another engine may have
//! run it since), then picks up from the store what its previous owner left: accepted events
//! not yet run (queued now, exactly once), timers (re-armed) and events for other engines not
//! yet sent (queued for sending). The `adopted` lock is held throughout, so a request for the
//! same pico waits until its inbox is queued and runs after it.
//!
//! Before it adopts a pico, and at every sweep, the engine takes in the ruleset versions
//! other engines flushed to the store ([`EngineInner::refresh_registry`]), so a pico that
//! moves here never runs a version older than the store holds.
//!
//! Without a placement every pico runs here and none of this applies.

use super::*;
use crate::engine::placement::{Claim, Route};

impl EngineInner {
    /// Whether this engine runs `pico` now: always without a placement; with one, only a
    /// pico it holds (startup replays, timers and the outbox skip the others).
    pub(crate) fn runs_here(&self, pico: &str) -> bool {
        self.placement
            .as_ref()
            .is_none_or(|placement| placement.holds(pico))
    }

    /// Claims `pico` for a job about to run on it: [`Route::Here`] once this engine holds
    /// it (adopted if it was just taken over), else the base URL of the engine that does.
    pub(super) fn claim(&self, pico: &str) -> Result<Route, RuntimeError> {
        let Some(placement) = &self.placement else {
            return Ok(Route::Here);
        };
        match placement.claim(pico).map_err(|err| lease_failure(pico, &err))? {
            Claim::Elsewhere { base_url } => Ok(Route::Forward(base_url)),
            Claim::Here { epoch } => {
                if !self.adopted_at(pico, epoch) {
                    self.refresh_registry()?;
                }
                self.adopt(pico, epoch)?;
                Ok(Route::Here)
            }
        }
    }

    /// [`Self::claim`] of the pico behind `eci`; an unknown ECI is answered here (where it is
    /// then reported unknown).
    pub(crate) fn route_eci(&self, eci: &str) -> Result<Route, RuntimeError> {
        if self.placement.is_none() {
            return Ok(Route::Here);
        }
        match self.channel(eci) {
            Ok(channel) => self.claim(&channel.pico_id),
            Err(_) => Ok(Route::Here),
        }
    }

    /// Claims a pico about to be created (the root of an empty store, a child of
    /// `ctx:newPico`) before the commit that creates it, so that it belongs to this engine.
    /// There is nothing to adopt.
    pub(crate) fn claim_new(&self, pico: &str) -> Result<(), RuntimeError> {
        let Some(placement) = &self.placement else {
            return Ok(());
        };
        match placement.claim(pico).map_err(|err| lease_failure(pico, &err))? {
            Claim::Here { epoch } => {
                lock(&self.adopted).insert(pico.to_owned(), epoch);
                Ok(())
            }
            Claim::Elsewhere { base_url } => Err(RuntimeError::error(format!(
                "new pico {pico} is already run by the engine at {base_url}"
            ))),
        }
    }

    /// Whether the acquisition of `pico` at `epoch` was adopted already.
    fn adopted_at(&self, pico: &str, epoch: i64) -> bool {
        lock(&self.adopted).get(pico) == Some(&epoch)
    }

    /// Takes in the ruleset versions other engines committed to the shared store and moves
    /// the resident picos that have them to the new version, as a local flush does (picos
    /// not in memory are re-initialised when they load).
    fn refresh_registry(&self) -> Result<(), RuntimeError> {
        let (changed, failures) = self.registry.refresh(&*self.storage).map_err(|err| {
            RuntimeError::error(format!("cannot read the rulesets other engines flushed: {err}"))
        })?;
        for failure in failures {
            self.engine_log(failure);
        }
        for code in changed {
            self.reinstall_everywhere(&code);
        }
        Ok(())
    }

    /// Picks up a pico this engine holds at `epoch`, unless that acquisition was adopted
    /// already (see the module docs).
    fn adopt(&self, pico: &str, epoch: i64) -> Result<(), RuntimeError> {
        let mut adopted = lock(&self.adopted);
        if adopted.get(pico) == Some(&epoch) {
            return Ok(());
        }
        self.residency.drop_pico(pico);
        self.scheduler.forget_pico(pico);
        let picked_up = self
            .requeue_inbox(Some(pico))
            .and_then(|()| self.outbox.resume(&self.this, &*self.storage, Some(pico)));
        if let Err(err) = picked_up {
            return Err(RuntimeError::error(format!(
                "pico {pico} was taken over but its inbox or outbox could not be read: {err}"
            )));
        }
        super::super::modules::schedule::rearm(self, Some(pico));
        adopted.insert(pico.to_owned(), epoch);
        Ok(())
    }

    /// Forgets picos this engine lost (their leases expired or were taken over): their
    /// memory goes, so that a later acquisition reads them from the store again.
    fn lose(&self, picos: &[String]) {
        let mut adopted = lock(&self.adopted);
        for pico in picos {
            adopted.remove(pico);
            self.residency.drop_pico(pico);
            self.scheduler.forget_pico(pico);
        }
    }

    /// Lets the placement forget deleted picos.
    pub(super) fn forget_placed(&self, picos: &[String]) {
        if let Some(placement) = &self.placement {
            let mut adopted = lock(&self.adopted);
            for pico in picos {
                adopted.remove(pico);
                placement.forget(pico);
            }
        }
    }
}

impl Engine {
    /// Where a request for `eci` is answered: here, or (on a shared store) on the engine
    /// that holds the channel's pico. Claims the pico if no engine holds it, adopting it
    /// (see `kernel/adopt.rs`). An unknown ECI is answered here, as an unknown ECI.
    pub fn route(&self, eci: &str) -> Result<Route, EngineError> {
        Ok(self.inner.route_eci(eci)?)
    }

    /// Whether this engine shares its store with other engines, each running some of its
    /// picos (it has a placement).
    pub fn shares_store(&self) -> bool {
        self.inner.placement.is_some()
    }

    /// The base URL this engine advertises (`meta:host`, forwarded requests' marker).
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// Whether this engine runs `pico` (always, without a placement).
    pub fn runs_pico(&self, pico: &str) -> bool {
        self.inner.runs_here(pico)
    }

    /// Claims `pico` for this engine if no other engine holds it (the root at startup).
    pub fn claim_pico(&self, pico: &str) -> Result<Route, EngineError> {
        Ok(self.inner.claim(pico)?)
    }

    /// Forgets picos the placement reports lost (`PicoLeases::keep_renewing`'s callback).
    pub fn lose_picos(&self, picos: &[String]) {
        self.inner.lose(picos);
    }

    /// On a shared store: takes in the ruleset versions other engines flushed since the
    /// last time, re-initialising them on the picos here that have them (`krl run` does it
    /// at every sweep). Nothing to do without a placement.
    pub fn refresh_rulesets(&self) -> Result<(), EngineError> {
        if self.inner.placement.is_some() {
            self.inner.refresh_registry()?;
        }
        Ok(())
    }

    /// Takes over up to `limit` picos that no engine holds any more (their engine died or
    /// stopped), so that their inboxes run and their timers fire although no request
    /// reaches them. Answers how many this engine took.
    pub fn take_over_orphans(&self, limit: usize) -> Result<usize, EngineError> {
        let Some(placement) = &self.inner.placement else {
            return Ok(0);
        };
        let orphans = placement
            .orphans(limit)
            .map_err(|err| RuntimeError::error(format!("cannot list the picos nobody runs: {err}")))?;
        let mut taken = 0;
        for pico in orphans {
            if self.inner.claim(&pico)? == Route::Here {
                taken += 1;
            }
        }
        Ok(taken)
    }
}

fn lease_failure(pico: &str, err: &str) -> RuntimeError {
    RuntimeError::error(format!("cannot find out which engine runs pico {pico}: {err}"))
}
