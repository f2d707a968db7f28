//! [`Residency`]: which picos are in memory, and the channel cache.
//!
//! Picos load on first use and idle ones leave memory, so the number of picos is bounded by
//! the store, not by memory. [`Residency::pico`] returns a resident pico or reads it from
//! storage (`load.rs` reads it); past [`EngineOptions::max_resident_picos`] the least recently
//! used idle picos are dropped.
//!
//! Invariants:
//! - Dropping loses nothing: an idle pico's memory is what is stored (a transaction's
//!   changes may reach memory before its commit, but its pico is busy until then, and a
//!   child it creates is pinned by its `Staged` record until then).
//! - One job per pico: a pico is *idle* only when nobody but the table holds its cell
//!   (`Arc::strong_count == 1`): queued jobs, a running drain, a worker about to drain it and
//!   every caller about to queue a job hold a clone, and clones are only made under the
//!   table's lock. So an evicted cell can have no job, and the next job creates a fresh cell
//!   from storage.
//! - No stale copy: a load reads storage without the table's lock. If a pico left memory (or
//!   was deleted) meanwhile, the copy read may predate its last writes, so a load only
//!   installs its copy when no departure happened since it began (`departures`), and retries
//!   otherwise. Channels are looked up by ECI in a bounded cache in front of storage, with
//!   the same guard against installing a copy read before a change (`changes`).
//! - A hidden pico (deleted by a transaction not yet committed) is "not found", resident or
//!   not; a pending channel change answers before the cache and the store.
//!
//! [`EngineOptions::max_resident_picos`]: super::EngineOptions::max_resident_picos

use std::collections::{HashMap, HashSet};
use std::fmt::Display;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use super::{EngineInner, PicoCell, PicoQueue, lock, read, write};
use crate::RuntimeError;
use crate::engine::channel::Channel;
use crate::engine::error::EngineError;
use crate::engine::persist;
use crate::engine::pico::PicoState;

/// Most channels kept in the cache; past this it starts over (its memory stays bounded
/// whatever the number of channels).
const CHANNEL_CACHE_CAPACITY: usize = 1 << 16;

/// The picos in memory and the channel cache (see the module docs for what holds).
pub(super) struct Residency {
    picos: RwLock<Residents>,
    channels: RwLock<ChannelCache>,
    /// Most idle picos kept in memory.
    max_resident: usize,
    /// The logical clock of least-recently-used order.
    use_clock: AtomicU64,
}

/// The resident picos.
#[derive(Default)]
struct Residents {
    picos: HashMap<String, Arc<PicoCell>>,
    /// Counts picos leaving memory (evicted or deleted); see the module docs.
    departures: u64,
    /// Picos deleted by a transaction not yet committed: still in the store, but not to be
    /// loaded again (`staged.rs`).
    hidden: HashSet<String>,
}

/// Channels by ECI, a cache of the store's channel records and of self channels.
#[derive(Default)]
struct ChannelCache {
    channels: HashMap<String, Arc<Channel>>,
    /// Counts changes and deletions of channels; see the module docs.
    changes: u64,
    /// Channels changed by transactions not yet committed, in front of the cache and the
    /// store: `None` for a deleted one (`staged.rs`).
    pending: HashMap<String, Option<Arc<Channel>>>,
}

impl PicoCell {
    fn new(state: PicoState, now: u64) -> PicoCell {
        PicoCell {
            queue: Mutex::new(PicoQueue::default()),
            state: Mutex::new(state),
            last_used: AtomicU64::new(now),
            deleted: Mutex::new(false),
        }
    }
}

impl Residency {
    /// An empty table that keeps at most `max_resident` idle picos (at least one).
    pub(super) fn new(max_resident: usize) -> Residency {
        Residency {
            picos: RwLock::new(Residents::default()),
            channels: RwLock::new(ChannelCache::default()),
            max_resident: max_resident.max(1),
            use_clock: AtomicU64::new(0),
        }
    }

    /// A pico by id: the resident one, else the state `load` reads from storage (without the
    /// table's lock), made resident.
    pub(super) fn pico<E: Display>(
        &self,
        id: &str,
        load: impl Fn(&str) -> Result<Option<PicoState>, E>,
    ) -> Result<Arc<PicoCell>, RuntimeError> {
        loop {
            let departures = {
                let residents = read(&self.picos);
                if residents.is_hidden(id) {
                    return Err(pico_not_found(id));
                }
                if let Some(cell) = residents.picos.get(id) {
                    cell.last_used.store(self.tick(), Ordering::Relaxed);
                    return Ok(Arc::clone(cell));
                }
                residents.departures
            };
            let state = load(id)
                .map_err(|err| RuntimeError::error(format!("Pico {id} could not be loaded: {err}")))?
                .ok_or_else(|| pico_not_found(id))?;
            let mut residents = write(&self.picos);
            if residents.is_hidden(id) {
                return Err(pico_not_found(id));
            }
            if let Some(cell) = residents.picos.get(id) {
                return Ok(Arc::clone(cell));
            }
            if residents.departures == departures {
                return Ok(self.insert(&mut residents, state));
            }
        }
    }

    /// Makes a pico resident (a new one, or one just read), evicting idle picos if that
    /// exceeds the limit.
    pub(super) fn add(&self, state: PicoState) -> Arc<PicoCell> {
        self.insert(&mut write(&self.picos), state)
    }

    fn insert(&self, residents: &mut Residents, state: PicoState) -> Arc<PicoCell> {
        let cell = Arc::new(PicoCell::new(state, self.tick()));
        let id = lock(&cell.state).id.clone();
        residents.picos.insert(id, Arc::clone(&cell));
        if residents.picos.len() > self.max_resident {
            // Down to 7/8 of the limit, so the sort below runs once per many loads.
            evict_idle(residents, self.max_resident - self.max_resident / 8);
        }
        cell
    }

    /// A logical clock for least-recently-used order.
    fn tick(&self) -> u64 {
        self.use_clock.fetch_add(1, Ordering::Relaxed)
    }

    /// Whether `id` is in memory (a pico whose record may not be committed yet).
    pub(super) fn is_resident(&self, id: &str) -> bool {
        read(&self.picos).picos.contains_key(id)
    }

    /// Drops one pico from memory if it is idle (a child just created: its first job loads
    /// it). True when it left.
    pub(super) fn evict_if_idle(&self, id: &str) -> bool {
        let mut residents = write(&self.picos);
        let idle = residents
            .picos
            .get(id)
            .is_some_and(|cell| Arc::strong_count(cell) == 1);
        if idle {
            residents.picos.remove(id);
            residents.departures += 1;
        }
        idle
    }

    /// Drops a pico from memory whether or not it is idle, with its channels: another
    /// engine may have changed it in the store (it was lost, or taken over from an earlier
    /// copy). A job still running on the old cell commits nothing (the store fences it),
    /// and the next job loads a fresh copy.
    pub(super) fn drop_pico(&self, id: &str) {
        {
            let mut cache = write(&self.channels);
            cache.channels.retain(|_, channel| channel.pico_id != id);
            cache.changes += 1;
        }
        let mut residents = write(&self.picos);
        if residents.picos.remove(id).is_some() {
            residents.departures += 1;
        }
    }

    /// Drops every idle pico from memory; returns how many left.
    pub(super) fn evict_all_idle(&self) -> usize {
        evict_idle(&mut write(&self.picos), 0)
    }

    pub(super) fn count(&self) -> usize {
        read(&self.picos).picos.len()
    }

    /// Every resident pico, for operations that apply to all loaded picos (a flush).
    pub(super) fn cells(&self) -> Vec<Arc<PicoCell>> {
        read(&self.picos).picos.values().cloned().collect()
    }

    /// The cells of those of `ids` that are in memory (none is loaded).
    pub(super) fn cells_of(&self, ids: &[String]) -> Vec<(String, Arc<PicoCell>)> {
        let residents = read(&self.picos);
        ids.iter()
            .filter_map(|id| Some((id.clone(), Arc::clone(residents.picos.get(id)?))))
            .collect()
    }

    /// The picos in memory but `id`, whose state its caller may already hold locked.
    pub(super) fn cells_except(&self, id: &str) -> Vec<Arc<PicoCell>> {
        let residents = read(&self.picos);
        let others = residents
            .picos
            .iter()
            .filter(|(pico_id, _)| pico_id.as_str() != id);
        others.map(|(_, cell)| Arc::clone(cell)).collect()
    }

    /// Forgets deleted picos (with their self channels) and deleted channels, whose
    /// records the caller has deleted from storage.
    pub(super) fn forget(&self, pico_ids: &[String], ecis: &[String]) {
        self.forget_channels(ecis.iter().chain(pico_ids));
        if pico_ids.is_empty() {
            return;
        }
        let mut residents = write(&self.picos);
        for id in pico_ids {
            residents.picos.remove(id);
        }
        residents.departures += 1;
    }

    /// Makes lookups of picos answer "not found" while they stay where they are (a pico
    /// whose job is running must not get a second copy if its deletion is taken back);
    /// returns for each whether it was hidden already.
    pub(super) fn hide_picos(&self, ids: &[String]) -> Vec<bool> {
        let mut residents = write(&self.picos);
        ids.iter()
            .map(|id| !residents.hidden.insert(id.clone()))
            .collect()
    }

    /// Lets a hidden pico be found again (its deletion was taken back, or it is gone from
    /// memory and the store).
    pub(super) fn unhide_pico(&self, id: &str) {
        write(&self.picos).hidden.remove(id);
    }

    /// A channel by ECI: the pending change, else the cached one, else the one `load` reads
    /// from storage (without the cache's lock), cached.
    pub(super) fn channel<E: Display>(
        &self,
        eci: &str,
        load: impl FnOnce(&str) -> Result<Option<Channel>, E>,
    ) -> Result<Arc<Channel>, RuntimeError> {
        let changes = {
            let cache = read(&self.channels);
            if !cache.pending.is_empty()
                && let Some(pending) = cache.pending.get(eci)
            {
                return match pending {
                    Some(channel) => Ok(Arc::clone(channel)),
                    None => Err(RuntimeError::error(format!("ECI not found {eci}"))),
                };
            }
            if let Some(channel) = cache.channels.get(eci) {
                return Ok(Arc::clone(channel));
            }
            cache.changes
        };
        let channel = load(eci)
            .map_err(|err| RuntimeError::error(format!("Channel {eci} could not be read: {err}")))?
            .ok_or_else(|| RuntimeError::error(format!("ECI not found {eci}")))?;
        let channel = Arc::new(channel);
        let mut cache = write(&self.channels);
        if cache.changes == changes {
            if cache.channels.len() >= CHANNEL_CACHE_CAPACITY {
                cache.channels.clear();
            }
            cache.channels.insert(eci.to_string(), Arc::clone(&channel));
        }
        Ok(channel)
    }

    /// Sets (`Some`) or clears (`None`) the overlay entry of `eci`; returns the entry before.
    pub(super) fn set_pending_channel(
        &self,
        eci: &str,
        entry: Option<Option<Arc<Channel>>>,
    ) -> Option<Option<Arc<Channel>>> {
        let mut cache = write(&self.channels);
        cache.changes += 1;
        cache.channels.remove(eci);
        match entry {
            Some(entry) => cache.pending.insert(eci.to_string(), entry),
            None => cache.pending.remove(eci),
        }
    }

    /// Clears the overlay entries of channels whose changes are now in storage.
    pub(super) fn settle_pending_channels(&self, ecis: &[String]) {
        let mut cache = write(&self.channels);
        cache.changes += 1;
        for eci in ecis {
            cache.pending.remove(eci);
            cache.channels.remove(eci);
        }
    }

    /// Drops channels from the cache after they changed or were deleted in storage.
    fn forget_channels<'e>(&self, ecis: impl IntoIterator<Item = &'e String>) {
        let mut cache = write(&self.channels);
        for eci in ecis {
            cache.channels.remove(eci);
        }
        cache.changes += 1;
    }
}

impl EngineInner {
    /// A pico by id, loading it from storage when it is not in memory.
    pub(super) fn pico(&self, id: &str) -> Result<Arc<PicoCell>, RuntimeError> {
        self.residency.pico(id, |id| self.read_pico(id))
    }

    /// A channel by ECI: from the cache, else from storage (a pico's id is the ECI of its
    /// self channel).
    pub(super) fn channel(&self, eci: &str) -> Result<Arc<Channel>, RuntimeError> {
        self.residency.channel(eci, |eci| self.read_channel(eci))
    }

    fn read_channel(&self, eci: &str) -> Result<Option<Channel>, EngineError> {
        let channel_key = persist::channel_key(eci);
        if let Some(bytes) = self.storage.get(&channel_key)? {
            return Ok(Some(persist::from_bytes(&channel_key, &bytes)?));
        }
        let is_pico = self.residency.is_resident(eci) || self.storage.get(&persist::pico_key(eci))?.is_some();
        Ok(is_pico.then(|| Channel::self_channel(eci)))
    }
}

impl Residents {
    fn is_hidden(&self, id: &str) -> bool {
        !self.hidden.is_empty() && self.hidden.contains(id)
    }
}

#[cold]
fn pico_not_found(id: &str) -> RuntimeError {
    RuntimeError::error(format!("Pico not found {id}"))
}

/// Removes the least recently used idle picos until at most `keep` remain (or no idle one
/// is left); returns how many left.
fn evict_idle(residents: &mut Residents, keep: usize) -> usize {
    let excess = residents.picos.len().saturating_sub(keep);
    if excess == 0 {
        return 0;
    }
    let mut idle: Vec<(u64, &String)> = residents
        .picos
        .iter()
        .filter(|(_, cell)| Arc::strong_count(cell) == 1)
        .map(|(id, cell)| (cell.last_used.load(Ordering::Relaxed), id))
        .collect();
    idle.sort_unstable();
    let doomed: Vec<String> = idle.into_iter().take(excess).map(|(_, id)| id.clone()).collect();
    for id in &doomed {
        residents.picos.remove(id);
    }
    if !doomed.is_empty() {
        residents.departures += 1;
    }
    doomed.len()
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::convert::Infallible;

    use super::*;

    fn pico(id: &str) -> PicoState {
        PicoState::new(id.to_string(), None)
    }

    fn ids(residency: &Residency, of: &[&str]) -> Vec<String> {
        let of: Vec<String> = of.iter().map(|id| id.to_string()).collect();
        residency.cells_of(&of).into_iter().map(|(id, _)| id).collect()
    }

    #[test]
    fn past_the_limit_the_least_recently_used_idle_pico_leaves_and_a_busy_one_stays() {
        let residency = Residency::new(2);
        let busy = residency.add(pico("a"));
        drop(residency.add(pico("b")));
        drop(residency.add(pico("c")));
        assert_eq!(residency.count(), 2);
        assert_eq!(ids(&residency, &["a", "b", "c"]), ["a", "c"]);
        drop(busy);
        assert_eq!(residency.evict_all_idle(), 2);
        assert_eq!(residency.count(), 0);
    }

    #[test]
    fn a_pico_loads_once_and_a_hidden_one_is_not_found() {
        let residency = Residency::new(10);
        let loads = Cell::new(0);
        let load = |id: &str| {
            loads.set(loads.get() + 1);
            Ok::<_, Infallible>(Some(pico(id)))
        };
        residency.pico("a", load).expect("a stored pico loads");
        residency.pico("a", load).expect("a resident pico is found");
        assert_eq!(loads.get(), 1);
        assert_eq!(residency.hide_picos(&["a".to_string()]), [false]);
        let hidden = residency
            .pico("a", load)
            .err()
            .map(|err| err.message().to_string());
        assert_eq!(hidden.as_deref(), Some("Pico not found a"));
        residency.unhide_pico("a");
        assert!(residency.pico("a", load).is_ok());
        let missing = residency.pico("b", |_| Ok::<_, Infallible>(None)).err();
        assert_eq!(
            missing.map(|err| err.message().to_string()).as_deref(),
            Some("Pico not found b")
        );
        assert!(residency.evict_if_idle("a"));
        assert!(!residency.is_resident("a"));
    }

    #[test]
    fn a_pending_channel_change_answers_before_the_cache_until_it_settles() {
        let residency = Residency::new(10);
        let reads = Cell::new(0);
        let load = |eci: &str| {
            reads.set(reads.get() + 1);
            Ok::<_, Infallible>(Some(Channel::self_channel(eci)))
        };
        residency.channel("e", load).expect("a stored channel is read");
        residency.channel("e", load).expect("a cached channel is found");
        assert_eq!(reads.get(), 1);
        residency.set_pending_channel("e", Some(None));
        let deleted = residency
            .channel("e", load)
            .expect_err("a pending deletion hides the channel");
        assert_eq!(deleted.message(), "ECI not found e");
        residency.settle_pending_channels(&["e".to_string()]);
        residency
            .channel("e", load)
            .expect("a settled channel is read again");
        assert_eq!(reads.get(), 2);
    }
}
