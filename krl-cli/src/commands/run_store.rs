//! Where `krl run` keeps its picos: in memory (`--memory`), in SQLite under the home (the
//! default), or in a PostgreSQL-protocol database shared by several engines (`--store
//! postgres://...` or `KRL_STORE`).
//!
//! On a shared store every engine serves, and each pico runs on one engine at a time: the
//! one holding its lease (`krl_runtime::storage::PicoLeases`, docs/stores.md). The engine
//! claims a pico before it runs anything on it and forwards requests for picos another
//! engine holds (`krl_runtime::engine::placement`); the leases are renewed in the
//! background, and a pico whose lease this engine lost leaves its memory. The root pico of
//! an empty store is created, and set up, by one engine at a time (the store's setup lock).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use krl_runtime::engine::Engine;
use krl_runtime::engine::placement::Placement;
use krl_runtime::storage::{
    Durability, MemoryStorage, PicoLeaseOptions, PicoLeases, PostgresStorage, Renewer, SetupLock,
    SqliteStorage, Storage,
};

/// How long one engine may take to set a shared store up before the next one goes ahead.
const SETUP_AT_MOST: Duration = Duration::from_secs(60);

/// The store an engine runs on, and what it holds to keep it.
pub struct OpenedStore {
    pub storage: Arc<dyn Storage>,
    /// Where the data is, for the banner.
    pub description: String,
    /// On a shared store: the leases of this engine's picos.
    pub shared: Option<SharedStore>,
}

/// What an engine on a shared store holds while it runs.
pub struct SharedStore {
    pub leases: Arc<PicoLeases>,
    /// How long a lease lasts unrenewed.
    pub lease: Duration,
    /// Held until the root pico is set up ([`SharedStore::set_up`]).
    setup: Option<SetupLock>,
    /// Renews the leases; dropped at the stop, before they are released.
    renewer: Option<Renewer>,
    /// The engine, once open: lost picos leave its memory.
    engine: Arc<OnceLock<Engine>>,
}

impl SharedStore {
    /// What the engine asks before it runs a pico.
    pub fn placement(&self) -> Arc<dyn Placement> {
        Arc::clone(&self.leases) as Arc<dyn Placement>
    }

    /// The engine is open and its root set up: lost picos leave its memory from now on, and
    /// the next engine may set up.
    pub fn set_up(&mut self, engine: &Engine) {
        let _ = self.engine.set(engine.clone());
        self.setup = None;
    }

    /// A graceful stop, after the engine's last commit: the leases are released, so that
    /// the other engines take this engine's picos at once.
    pub fn release(mut self) -> anyhow::Result<()> {
        self.renewer = None;
        self.leases.release_all()?;
        Ok(())
    }
}

/// How to open the store, from `krl run`'s flags.
pub struct StoreChoice<'a> {
    pub memory: bool,
    pub store: Option<&'a str>,
    pub home: &'a Path,
    pub lease: Duration,
    /// The base URL the other engines of a shared store forward this engine's picos'
    /// requests to.
    pub base_url: &'a str,
}

/// Opens the chosen store; on a shared store, waits for the turn to set it up.
pub fn open(choice: &StoreChoice<'_>) -> anyhow::Result<OpenedStore> {
    match (choice.memory, choice.store) {
        (true, Some(_)) => anyhow::bail!("--memory and --store (or KRL_STORE) cannot be used together"),
        (true, None) => Ok(OpenedStore {
            storage: Arc::new(MemoryStorage::new()),
            description: "in memory only (--memory)".to_owned(),
            shared: None,
        }),
        (false, None) => {
            let db = choice.home.join("db");
            std::fs::create_dir_all(&db)
                .map_err(|err| anyhow::anyhow!("cannot create `{}`: {err}", db.display()))?;
            Ok(OpenedStore {
                storage: Arc::new(SqliteStorage::open(&db, Durability::default())?),
                description: db.display().to_string(),
                shared: None,
            })
        }
        (false, Some(url)) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            open_shared(url, choice.lease, choice.base_url)
        }
        (false, Some(url)) => anyhow::bail!(
            "unsupported store `{url}`: --store takes a postgres://USER@HOST:PORT/DB URL (without it, the engine keeps its data in SQLite under the home)"
        ),
    }
}

fn open_shared(url: &str, lease: Duration, base_url: &str) -> anyhow::Result<OpenedStore> {
    if lease < Duration::from_millis(300) {
        anyhow::bail!("--lease-seconds must be at least 0.3");
    }
    let store = Arc::new(PostgresStorage::open(url)?);
    let setup = store.setup_lock(base_url, SETUP_AT_MOST)?;
    let leases = store.lease_picos(PicoLeaseOptions {
        engine: engine_id(base_url),
        base_url: base_url.to_owned(),
        duration: lease,
    })?;
    let engine: Arc<OnceLock<Engine>> = Arc::new(OnceLock::new());
    let renewer = {
        let engine = Arc::clone(&engine);
        leases.keep_renewing(move |lost| {
            // Before the engine is open nothing of these picos is in memory.
            if let Some(engine) = engine.get() {
                engine.lose_picos(&lost);
            }
        })
    };
    Ok(OpenedStore {
        description: format!(
            "{} (shared; picos spread over its engines, lease {} s)",
            store.target(),
            lease.as_secs_f64()
        ),
        storage: store,
        shared: Some(SharedStore {
            leases,
            lease,
            setup: Some(setup),
            renewer: Some(renewer),
            engine,
        }),
    })
}

/// An id unique to this run of the engine: its base URL, pid and a new id (time and
/// randomness), so that a restarted engine never renews what its earlier run left.
fn engine_id(base_url: &str) -> String {
    format!(
        "{base_url} pid {} {}",
        std::process::id(),
        krl_runtime::engine::ids::new_id()
    )
}

/// Most orphaned picos one sweep takes over.
const SWEEP_BATCH: usize = 256;

/// Takes over, every half lease until `stop`, the picos no engine holds any more (their
/// engine died or stopped), so that their accepted events run and their timers fire
/// although no request reaches them. Every engine sweeps; each orphan goes to the first
/// that claims it. The first sweep waits a whole lease: picos a stopped engine released are
/// then taken by the engines their requests reach, which spreads them. Each turn also takes
/// in the ruleset versions other engines flushed, for the picos this engine runs.
pub fn sweep(engine: &Engine, lease: Duration, stop: Arc<AtomicBool>) -> JoinHandle<()> {
    let engine = engine.clone();
    let pace = Duration::from_millis(50);
    std::thread::spawn(move || {
        let mut next = lease;
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(pace);
            next = next.saturating_sub(pace);
            if !next.is_zero() {
                continue;
            }
            next = lease / 2;
            // A failed sweep or refresh (the store unreachable) is tried again at the next
            // turn; a source that does not compile is in the engine's log.
            let _ = engine.refresh_rulesets();
            while let Ok(taken) = engine.take_over_orphans(SWEEP_BATCH) {
                if taken < SWEEP_BATCH || stop.load(Ordering::Relaxed) {
                    break;
                }
            }
        }
    })
}
