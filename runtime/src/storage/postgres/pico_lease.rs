//! Leases per pico: which engine runs each pico of a PostgreSQL-protocol store, and the fence
//! that keeps every other engine's commits to that pico out.
//!
//! One row of `krl_pico_lease` per pico: the owning engine (an id unique to the process), the
//! base URL the other engines forward that pico's requests to, an epoch, and an expiry in the
//! server's clock (`now()`, so engines' clocks never need to agree). The statements:
//!
//! * **acquire**: one upsert that inserts a new row (epoch 1) or, only where the old row's
//!   expiry has passed, takes it over and raises its epoch; a live row of another engine is
//!   left alone and reported as its owner ([`Acquired::HeldBy`]).
//! * **renew**: one `UPDATE ... WHERE owner = <engine> AND expires_at > now() RETURNING pico,
//!   epoch` moves every live lease of the engine on, however many picos it runs; a pico this
//!   engine believes it holds that is not returned (expired, taken over) is lost.
//! * **release**: sets the expiry to `now()`, so the next engine to ask takes it at once;
//!   **forget** deletes the row of a deleted pico (pico ids are never reused).
//! * **owner**: the row as it is, for forwarding a request to the engine that runs the pico.
//!
//! Fencing: once [`PostgresStorage::lease_picos`] switched a store to leases per pico, each
//! commit finds the picos whose keys its batch writes ([`key::pico_of`]), and in the same SQL
//! transaction reads each one's row `FOR SHARE` (in pico order, so two commits lock in the
//! same order) and applies nothing unless every epoch is the one this engine acquired. A
//! commit that writes a pico this engine holds no lease on is refused before it reaches the
//! server. An acquisition's upsert waits for the share locks of commits that checked the old
//! epoch, and a commit that checks after it sees the new one, so no commit of an engine that
//! lost a pico (paused past its lease, cut off from the database) lands after the new owner
//! started reading that pico. Keys that are no pico's (`ruleset`, `outbox`, `root-pico`)
//! are written unfenced.
//!
//! A renewal locks its rows in the server's order, not in pico order, so it can deadlock with
//! a commit that checks two of the engine's picos; the server aborts one of them (`40P01`),
//! and each statement here, like each commit, is run again on such a conflict.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::lease::stopped_within;
use super::{Fencing, PostgresStorage};
use crate::storage::{StorageError, WriteBatch, key};

/// How an engine holds the leases of its picos.
#[derive(Debug, Clone)]
pub struct PicoLeaseOptions {
    /// The engine's id: unique to the process (a restarted engine is a new owner), so that
    /// renewals never extend a lease an earlier run of the same engine left behind.
    pub engine: String,
    /// Where the other engines forward requests for this engine's picos.
    pub base_url: String,
    /// How long a lease lasts unrenewed: after an engine dies, its picos wait this long for
    /// another engine. [`PicoLeases::keep_renewing`] renews every third of it.
    pub duration: Duration,
}

/// The lease row of a pico, as [`PicoLeases::owner`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PicoOwner {
    /// The owning engine's id ([`PicoLeaseOptions::engine`]).
    pub engine: String,
    pub base_url: String,
    pub epoch: i64,
    /// Whether the lease has not expired yet (by the server's clock): an engine that finds
    /// it expired may acquire the pico.
    pub live: bool,
}

/// What [`PicoLeases::acquire`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acquired {
    /// This engine holds the pico's lease now, with this epoch. `taken_over` when the lease
    /// was acquired just now from an expired or released row (the pico's state, inbox and
    /// timers are to be loaded from the store), false when it is new or was held already.
    Taken { epoch: i64, taken_over: bool },
    /// Another engine's lease on the pico is live.
    HeldBy(PicoOwner),
}

/// The leases one engine holds, by pico; the store's commits check against it.
#[derive(Debug, Default)]
pub(super) struct Held {
    picos: Mutex<HashMap<String, HeldLease>>,
}

#[derive(Debug, Clone, Copy)]
struct HeldLease {
    epoch: i64,
    /// When its acquisition had committed, so that a renewal that started earlier (and so
    /// may not have seen the new row) does not report it lost; a renewal that started later
    /// sees it.
    since: Instant,
}

impl Held {
    /// The picos `batch` writes, each with the epoch this engine holds it at (`None`: no
    /// lease), in pico order.
    pub(super) fn fences(&self, batch: &WriteBatch) -> Vec<(String, Option<i64>)> {
        let picos: BTreeSet<String> = batch
            .ops()
            .iter()
            .filter_map(|op| key::pico_of(op.key()))
            .collect();
        let held = self.lock();
        picos
            .into_iter()
            .map(|pico| {
                let epoch = held.get(&pico).map(|lease| lease.epoch);
                (pico, epoch)
            })
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, HeldLease>> {
        self.picos.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The leases of one engine's picos on a store; see the module docs.
#[derive(Debug)]
pub struct PicoLeases {
    store: Arc<PostgresStorage>,
    options: PicoLeaseOptions,
    held: Arc<Held>,
}

impl PostgresStorage {
    /// Switches this store to leases per pico: from now on each commit that writes a pico's
    /// keys checks that this engine holds that pico's lease at the epoch it acquired. Fails
    /// if the store already fences its commits otherwise (it took the store-wide lease).
    pub fn lease_picos(self: &Arc<Self>, options: PicoLeaseOptions) -> Result<Arc<PicoLeases>, StorageError> {
        let held = Arc::new(Held::default());
        if self.fence.set(Fencing::Picos(Arc::clone(&held))).is_err() {
            return Err(StorageError::FencingChosen {
                target: self.target.clone(),
            });
        }
        Ok(Arc::new(PicoLeases {
            store: Arc::clone(self),
            options,
            held,
        }))
    }
}

impl PicoLeases {
    /// The options this engine holds its leases with.
    pub fn options(&self) -> &PicoLeaseOptions {
        &self.options
    }

    /// Takes the lease of `pico` if it is free (no row yet, or the row expired or was
    /// released), raising its epoch; answers the owner if another engine's lease is live.
    /// A pico this engine already holds is answered with its current epoch, without a
    /// round trip.
    pub fn acquire(&self, pico: &str) -> Result<Acquired, StorageError> {
        if let Some(lease) = self.held.lock().get(pico) {
            return Ok(Acquired::Taken {
                epoch: lease.epoch,
                taken_over: false,
            });
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_acquire(pico)? {
                // Between the upsert and the read of the row, the lease expired (each
                // statement has its own `now()`), or the row was deleted with its pico:
                // the next upsert takes it.
                Err(owner)
                    if attempt < ACQUIRE_ATTEMPTS && owner.as_ref().is_none_or(|owner| !owner.live) => {}
                Err(Some(owner)) => return Ok(Acquired::HeldBy(owner)),
                Err(None) => {
                    return Err(StorageError::PicoLeaseLost {
                        target: self.store.target.clone(),
                        pico: pico.to_owned(),
                        held: None,
                        current: None,
                    });
                }
                Ok(epoch) => {
                    return Ok(Acquired::Taken {
                        epoch,
                        taken_over: epoch > 1,
                    });
                }
            }
        }
    }

    /// One upsert: `Ok(epoch)` if this engine took the lease, else the row as read after it.
    fn try_acquire(&self, pico: &str) -> Result<Result<i64, Option<PicoOwner>>, StorageError> {
        let millis = self.millis();
        let (engine, base_url) = (&self.options.engine, &self.options.base_url);
        let found = self.store.with_conn_retrying("acquire a pico's lease", |conn| {
            let row = conn.client.query_opt(
                "INSERT INTO krl_pico_lease AS l (pico, owner, base_url, epoch, expires_at)
                 VALUES ($1, $2, $3, 1, now() + $4::FLOAT8 * INTERVAL '1 millisecond')
                 ON CONFLICT (pico) DO UPDATE SET owner = excluded.owner, base_url = excluded.base_url,
                     epoch = l.epoch + 1, expires_at = excluded.expires_at
                 WHERE l.expires_at < now()
                 RETURNING epoch",
                &[&pico, engine, base_url, &millis],
            )?;
            let Some(row) = row else {
                return match conn.client.query_opt(OWNER, &[&pico])?.map(owner_of) {
                    // Ours already: an earlier run of this closure took it and then failed
                    // on a conflict (engine ids are unique to the process).
                    Some(owner) if owner.live && owner.engine == *engine => Ok(Ok(owner.epoch)),
                    other => Ok(Err(other)),
                };
            };
            Ok(Ok(row.get::<_, i64>(0)))
        })?;
        if let Ok(epoch) = found {
            let since = Instant::now();
            self.held
                .lock()
                .insert(pico.to_owned(), HeldLease { epoch, since });
        }
        Ok(found)
    }

    /// The lease row of `pico` (`None`: no engine ever acquired it, or it was forgotten).
    pub fn owner(&self, pico: &str) -> Result<Option<PicoOwner>, StorageError> {
        self.store.with_conn_retrying("read a pico's lease", |conn| {
            Ok(conn.client.query_opt(OWNER, &[&pico])?.map(owner_of))
        })
    }

    /// Whether this engine holds `pico`'s lease (as far as it knows: a renewal may yet find
    /// it lost, and then the pico's commits are refused).
    pub fn holds(&self, pico: &str) -> bool {
        self.held.lock().contains_key(pico)
    }

    /// The picos this engine holds, in no particular order.
    pub fn held(&self) -> Vec<String> {
        self.held.lock().keys().cloned().collect()
    }

    /// Moves every live lease of this engine on by the lease's duration, in one statement,
    /// and returns the picos it held that are lost (their lease expired or another engine
    /// took it); those are no longer held, so their commits are refused.
    pub fn renew(&self) -> Result<Vec<String>, StorageError> {
        let started = Instant::now();
        let millis = self.millis();
        let renewed: HashSet<(String, i64)> =
            self.store.with_conn_retrying("renew the pico leases", |conn| {
                let rows = conn.client.query(
                    "UPDATE krl_pico_lease SET expires_at = now() + $2::FLOAT8 * INTERVAL '1 millisecond'
                 WHERE owner = $1 AND expires_at > now() RETURNING pico, epoch",
                    &[&self.options.engine, &millis],
                )?;
                Ok(rows.into_iter().map(|row| (row.get(0), row.get(1))).collect())
            })?;
        let mut held = self.held.lock();
        let lost: Vec<String> = held
            .iter()
            .filter(|(pico, lease)| {
                lease.since < started && !renewed.contains(&((*pico).clone(), lease.epoch))
            })
            .map(|(pico, _)| pico.clone())
            .collect();
        for pico in &lost {
            held.remove(pico);
        }
        Ok(lost)
    }

    /// Gives `pico` up: its lease expires now, so the next engine to ask takes it at once.
    /// Call after the pico's last commit on this engine.
    pub fn release(&self, pico: &str) -> Result<(), StorageError> {
        let Some(lease) = self.held.lock().remove(pico) else {
            return Ok(());
        };
        self.store.with_conn_retrying("release a pico's lease", |conn| {
            conn.client.execute(
                "UPDATE krl_pico_lease SET expires_at = now() WHERE pico = $1 AND owner = $2 AND epoch = $3",
                &[&pico, &self.options.engine, &lease.epoch],
            )?;
            Ok(())
        })
    }

    /// Releases every pico this engine holds (a graceful stop), in one statement.
    pub fn release_all(&self) -> Result<(), StorageError> {
        self.held.lock().clear();
        self.store.with_conn_retrying("release the pico leases", |conn| {
            conn.client.execute(
                "UPDATE krl_pico_lease SET expires_at = now() WHERE owner = $1",
                &[&self.options.engine],
            )?;
            Ok(())
        })
    }

    /// Deletes the lease row of a pico this engine deleted (committed), so that rows do not
    /// outlive their picos. Pico ids are never reused, so no later acquisition of the same
    /// id can meet a commit fenced with the old row's epoch.
    pub fn forget(&self, pico: &str) -> Result<(), StorageError> {
        let Some(lease) = self.held.lock().remove(pico) else {
            return Ok(());
        };
        self.store.with_conn_retrying("delete a pico's lease", |conn| {
            conn.client.execute(
                "DELETE FROM krl_pico_lease WHERE pico = $1 AND owner = $2 AND epoch = $3",
                &[&pico, &self.options.engine, &lease.epoch],
            )?;
            Ok(())
        })
    }

    /// Up to `limit` picos whose lease expired (their engine died, paused or released them),
    /// for a sweep that acquires them so that their inboxes run and their timers fire.
    pub fn expired(&self, limit: i64) -> Result<Vec<String>, StorageError> {
        self.store.with_conn_retrying("list expired pico leases", |conn| {
            let rows = conn.client.query(
                "SELECT pico FROM krl_pico_lease WHERE expires_at < now() ORDER BY pico LIMIT $1",
                &[&limit],
            )?;
            Ok(rows.into_iter().map(|row| row.get(0)).collect())
        })
    }

    /// Renews in a thread of its own, every third of the lease, until the returned guard is
    /// dropped. `lost` is called with the picos each renewal found lost; if no renewal
    /// succeeds for a whole lease duration (the database is unreachable), every held pico is
    /// dropped and reported, since another engine may be running them by then.
    pub fn keep_renewing(self: &Arc<Self>, mut lost: impl FnMut(Vec<String>) + Send + 'static) -> Renewer {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let thread = {
            let (leases, stop) = (Arc::clone(self), Arc::clone(&stop));
            std::thread::Builder::new()
                .name("pico-leases".to_owned())
                .spawn(move || leases.renew_loop(&stop, &mut lost))
                .expect("the store can start its lease thread")
        };
        Renewer {
            stop,
            thread: Some(thread),
        }
    }

    fn renew_loop(&self, stop: &(Mutex<bool>, Condvar), lost: &mut impl FnMut(Vec<String>)) {
        let duration = self.options.duration;
        let mut valid_until = Instant::now() + duration;
        while !stopped_within(stop, duration / 3) {
            let started = Instant::now();
            match self.renew() {
                Ok(gone) => {
                    valid_until = started + duration;
                    if !gone.is_empty() {
                        lost(gone);
                    }
                }
                // A failed renewal (database unreachable) is tried again until the leases
                // would have run out anyway.
                Err(_) if Instant::now() >= valid_until => {
                    let gone: Vec<String> = self.held.lock().drain().map(|(pico, _)| pico).collect();
                    if !gone.is_empty() {
                        lost(gone);
                    }
                }
                Err(_) => {}
            }
        }
    }

    fn millis(&self) -> f64 {
        self.options.duration.as_secs_f64() * 1000.0
    }
}

/// Stops [`PicoLeases::keep_renewing`]'s thread when dropped; the leases then expire on
/// their own unless released.
pub struct Renewer {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Renewer {
    fn drop(&mut self) {
        let (flag, wake) = &*self.stop;
        *flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// How often [`PicoLeases::acquire`] runs its upsert again when the row it could not take
/// turns out to be expired or gone by the time it is read.
const ACQUIRE_ATTEMPTS: usize = 5;

const OWNER: &str = "SELECT owner, base_url, epoch, expires_at > now() FROM krl_pico_lease WHERE pico = $1";

fn owner_of(row: postgres::Row) -> PicoOwner {
    PicoOwner {
        engine: row.get(0),
        base_url: row.get(1),
        epoch: row.get(2),
        live: row.get(3),
    }
}
