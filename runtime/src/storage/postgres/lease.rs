//! The store's lease: which engine may commit to a PostgreSQL-protocol store, and the fence
//! that keeps every other engine's commits out.
//!
//! One row of `krl_lease` (name [`STORE_LEASE`]) holds the owner, an epoch and an expiry in
//! the server's clock (`now()`, so engines' clocks never need to agree). Taking the lease is
//! one `UPDATE ... WHERE expires_at < now()` that raises the epoch; renewing it is an
//! `UPDATE ... WHERE epoch = <ours>` that moves the expiry on. Every commit of the holding
//! store first reads the row `FOR SHARE` in its own SQL transaction and applies nothing if the
//! epoch is no longer its own ([`StorageError::LeaseLost`]). So an engine that stopped renewing
//! (crashed, paused by SIGSTOP, cut off from the database) loses its picos to the next engine
//! once the lease expired, and whatever it tries to commit after that is refused: a takeover
//! and a commit are ordered by the row (the takeover's `UPDATE` waits for commits holding the
//! share lock; a later commit reads the new epoch).
//!
//! Why one lease for the whole store and not one per pico: a pico's transaction may touch
//! other picos (children, `ctx:query`, `event:send` to a local channel), and the engine's
//! caches assume it is the only writer; one owner per store keeps both true. The other
//! engines wait as standbys and take over within the lease's duration (docs/stores.md).

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::PostgresStorage;
use crate::storage::StorageError;

/// The name of the store's lease row.
pub(super) const STORE_LEASE: &str = "engine";

/// The name of the row that serialises setting a store up (`PostgresStorage::setup_lock`).
const SETUP_LOCK: &str = "setup";

/// Held while an engine sets up a store whose picos are spread over engines; dropping it
/// lets the next engine in. See [`PostgresStorage::setup_lock`].
pub struct SetupLock {
    store: Arc<PostgresStorage>,
    epoch: i64,
}

impl Drop for SetupLock {
    fn drop(&mut self) {
        // If this fails the row expires on its own.
        let _ = self.store.with_conn("release the setup lock", |conn| {
            conn.client.execute(
                "UPDATE krl_lease SET expires_at = now() WHERE name = $1 AND epoch = $2",
                &[&SETUP_LOCK, &self.epoch],
            )
        });
    }
}

/// How an engine holds the store's lease.
#[derive(Debug, Clone)]
pub struct LeaseOptions {
    /// Who holds it, for the other engines' messages (the engine's base URL and pid).
    pub owner: String,
    /// How long the lease lasts unrenewed: after an engine dies, its picos wait this long
    /// for the next engine. Renewed every third of it.
    pub duration: Duration,
}

/// Renews the store's lease in a thread of its own until dropped or released.
pub struct LeaseKeeper {
    store: Arc<PostgresStorage>,
    epoch: i64,
    stop: Arc<(Mutex<bool>, Condvar)>,
    renewer: Option<JoinHandle<()>>,
}

impl PostgresStorage {
    /// Takes the store's lease, waiting while another engine holds it (`waiting` is called
    /// with the holder's name at each look), then fences every later commit of this store
    /// with it and renews it in the background. If a renewal finds the lease taken, or none
    /// succeeds before it expires, `lost` is called once (with why) and renewing stops; the
    /// store's commits fail from then on.
    pub fn take_lease(
        self: &Arc<Self>,
        options: &LeaseOptions,
        mut waiting: impl FnMut(&str),
        lost: impl FnOnce(String) + Send + 'static,
    ) -> Result<LeaseKeeper, StorageError> {
        let millis = options.duration.as_secs_f64() * 1000.0;
        let poll = (options.duration / 5).clamp(Duration::from_millis(50), Duration::from_secs(1));
        let epoch = loop {
            let taken = self.with_conn("take the lease", |conn| {
                conn.client.execute(
                    "INSERT INTO krl_lease (name, owner, epoch, expires_at) VALUES ($1, '', 0, now())
                     ON CONFLICT (name) DO NOTHING",
                    &[&STORE_LEASE],
                )?;
                let row = conn.client.query_opt(
                    "UPDATE krl_lease SET owner = $2, epoch = epoch + 1,
                         expires_at = now() + $3::FLOAT8 * INTERVAL '1 millisecond'
                     WHERE name = $1 AND expires_at < now() RETURNING epoch",
                    &[&STORE_LEASE, &options.owner, &millis],
                )?;
                match row {
                    Some(row) => Ok(Ok(row.get::<_, i64>(0))),
                    None => {
                        let holder = conn
                            .client
                            .query_opt("SELECT owner FROM krl_lease WHERE name = $1", &[&STORE_LEASE])?
                            .map(|row| row.get::<_, String>(0));
                        Ok(Err(holder.unwrap_or_default()))
                    }
                }
            })?;
            match taken {
                Ok(epoch) => break epoch,
                Err(holder) => {
                    waiting(&holder);
                    std::thread::sleep(poll);
                }
            }
        };
        // Set before any commit: the engine opens only after this returns.
        if self.fence.set(super::Fencing::Store(epoch)).is_err() {
            return Err(StorageError::FencingChosen {
                target: self.target.clone(),
            });
        }
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let renewer = {
            let (store, stop) = (Arc::clone(self), Arc::clone(&stop));
            let duration = options.duration;
            std::thread::Builder::new()
                .name("store-lease".to_owned())
                .spawn(move || renew(&store, epoch, duration, &stop, lost))
                .expect("the store can start its lease thread")
        };
        Ok(LeaseKeeper {
            store: Arc::clone(self),
            epoch,
            stop,
            renewer: Some(renewer),
        })
    }

    /// Waits until no other engine sets the store up, then holds that turn until the lock
    /// is dropped or `longest` passed: engines sharing a store whose picos are spread over
    /// them create the root pico of an empty store, and set it up, one at a time. A row of
    /// `krl_lease` (`setup`) taken like the store's lease, but fencing nothing and never
    /// renewed: setting up takes seconds, and an engine that died holding it only delays the
    /// next one by `longest`.
    pub fn setup_lock(self: &Arc<Self>, owner: &str, longest: Duration) -> Result<SetupLock, StorageError> {
        let millis = longest.as_secs_f64() * 1000.0;
        loop {
            let taken = self.with_conn_retrying("take the setup lock", |conn| {
                conn.client.execute(
                    "INSERT INTO krl_lease (name, owner, epoch, expires_at) VALUES ($1, '', 0, now())
                     ON CONFLICT (name) DO NOTHING",
                    &[&SETUP_LOCK],
                )?;
                let row = conn.client.query_opt(
                    "UPDATE krl_lease SET owner = $2, epoch = epoch + 1,
                         expires_at = now() + $3::FLOAT8 * INTERVAL '1 millisecond'
                     WHERE name = $1 AND expires_at < now() RETURNING epoch",
                    &[&SETUP_LOCK, &owner, &millis],
                )?;
                Ok(row.map(|row| row.get::<_, i64>(0)))
            })?;
            if let Some(epoch) = taken {
                return Ok(SetupLock {
                    store: Arc::clone(self),
                    epoch,
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The owner named by the store's lease while it has not expired (a standby forwards
    /// requests there), `None` when nobody holds it.
    pub fn lease_holder(&self) -> Result<Option<String>, StorageError> {
        self.with_conn("read the lease", |conn| {
            let row = conn.client.query_opt(
                "SELECT owner FROM krl_lease WHERE name = $1 AND expires_at > now()",
                &[&STORE_LEASE],
            )?;
            Ok(row.map(|row| row.get::<_, String>(0)))
        })
    }

    /// Moves the lease's expiry on if this store still holds `epoch`: `Ok(false)` if another
    /// engine took it.
    fn renew_lease(&self, epoch: i64, duration: Duration) -> Result<bool, StorageError> {
        let millis = duration.as_secs_f64() * 1000.0;
        self.with_conn("renew the lease", |conn| {
            let rows = conn.client.execute(
                "UPDATE krl_lease SET expires_at = now() + $3::FLOAT8 * INTERVAL '1 millisecond'
                 WHERE name = $1 AND epoch = $2",
                &[&STORE_LEASE, &epoch, &millis],
            )?;
            Ok(rows == 1)
        })
    }
}

/// Waits `interval`, or less if asked to stop meanwhile; answers whether it was asked to stop.
/// The pace of both renewal loops (the store's lease and the picos' leases).
pub(super) fn stopped_within(stop: &(Mutex<bool>, Condvar), interval: Duration) -> bool {
    let (flag, wake) = stop;
    let stopped = flag.lock().unwrap_or_else(PoisonError::into_inner);
    let (stopped, _) = wake
        .wait_timeout_while(stopped, interval, |stopped| !*stopped)
        .unwrap_or_else(PoisonError::into_inner);
    *stopped
}

/// The renewal loop: every third of the lease, until stopped or the lease is lost.
fn renew(
    store: &PostgresStorage,
    epoch: i64,
    duration: Duration,
    stop: &(Mutex<bool>, Condvar),
    lost: impl FnOnce(String),
) {
    let mut valid_until = Instant::now() + duration;
    while !stopped_within(stop, duration / 3) {
        let started = Instant::now();
        match store.renew_lease(epoch, duration) {
            Ok(true) => valid_until = started + duration,
            Ok(false) => {
                return lost(format!(
                    "another engine took the store's lease (ours was epoch {epoch})"
                ));
            }
            // A failed renewal (database unreachable) is tried again until the lease would
            // have run out anyway.
            Err(err) if Instant::now() >= valid_until => {
                return lost(format!(
                    "the store's lease ran out while it could not be renewed: {err}"
                ));
            }
            Err(_) => {}
        }
    }
}

impl LeaseKeeper {
    /// The lease's epoch (the fencing token every commit checks).
    pub fn epoch(&self) -> i64 {
        self.epoch
    }

    /// Stops renewing and lets the lease expire now, so that another engine (or this one
    /// restarted) takes the store at once. Call after the engine's last commit.
    pub fn release(mut self) -> Result<(), StorageError> {
        self.stop_renewing();
        self.store.with_conn("release the lease", |conn| {
            conn.client.execute(
                "UPDATE krl_lease SET expires_at = now() WHERE name = $1 AND epoch = $2",
                &[&STORE_LEASE, &self.epoch],
            )?;
            Ok(())
        })
    }

    fn stop_renewing(&mut self) {
        let (flag, wake) = &*self.stop;
        *flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
        if let Some(renewer) = self.renewer.take() {
            let _ = renewer.join();
        }
    }
}

impl Drop for LeaseKeeper {
    /// Stops renewing; the lease then expires on its own.
    fn drop(&mut self) {
        self.stop_renewing();
    }
}
