//! Where `krl run` keeps its picos: in memory (`--memory`), in SQLite under the home (the
//! default), or in a PostgreSQL-protocol database shared by several engines (`--store
//! postgres://...` or `KRL_STORE`).
//!
//! On a shared store one engine at a time holds the store's lease and runs the picos
//! (`krl_runtime::storage::PostgresStorage::take_lease`); the others wait as standbys and
//! forward every request they get to the holder (`krl_runtime::http::forwarding_router`),
//! so clients may talk to any engine. When the holder dies its lease runs out and a standby
//! takes over: it opens the engine on the store (accepted events not yet run are run, timers
//! re-armed) and serves the API itself. An engine that loses the lease while running (it was
//! paused past its expiry, or cut off from the database) stops at once: its commits are
//! already refused by the lease's fence (docs/stores.md).

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use krl_runtime::http::{Forwarder, HttpOptions, forwarding_router, serve_router};
use krl_runtime::storage::{
    Durability, LeaseKeeper, LeaseOptions, MemoryStorage, PostgresStorage, SqliteStorage, Storage,
};

/// How long a standby that took over lets its forwarded requests finish.
const FORWARDS_CUT_AFTER: Duration = Duration::from_millis(200);

/// The store an engine runs on, and what it holds to keep it.
pub struct OpenedStore {
    pub storage: Arc<dyn Storage>,
    /// Where the data is, for the banner.
    pub description: String,
    /// The shared store's lease, held until the engine stops.
    pub lease: Option<LeaseKeeper>,
}

/// How to open the store, from `krl run`'s flags.
pub struct StoreChoice<'a> {
    pub memory: bool,
    pub store: Option<&'a str>,
    pub home: &'a Path,
    pub lease: Duration,
}

/// How a standby serves while it waits for the lease.
pub struct Standby<'a> {
    pub listener: &'a TcpListener,
    pub base_url: &'a str,
    pub allowed_hosts: Vec<String>,
}

/// Opens the chosen store; on a shared store, waits as a standby (forwarding requests) until
/// this engine holds the lease.
pub fn open(choice: &StoreChoice<'_>, standby: Standby<'_>) -> anyhow::Result<OpenedStore> {
    match (choice.memory, choice.store) {
        (true, Some(_)) => anyhow::bail!("--memory and --store (or KRL_STORE) cannot be used together"),
        (true, None) => Ok(OpenedStore {
            storage: Arc::new(MemoryStorage::new()),
            description: "in memory only (--memory)".to_owned(),
            lease: None,
        }),
        (false, None) => {
            let db = choice.home.join("db");
            std::fs::create_dir_all(&db)
                .map_err(|err| anyhow::anyhow!("cannot create `{}`: {err}", db.display()))?;
            Ok(OpenedStore {
                storage: Arc::new(SqliteStorage::open(&db, Durability::default())?),
                description: db.display().to_string(),
                lease: None,
            })
        }
        (false, Some(url)) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            open_shared(url, choice.lease, standby)
        }
        (false, Some(url)) => anyhow::bail!(
            "unsupported store `{url}`: --store takes a postgres://USER@HOST:PORT/DB URL (without it, the engine keeps its data in SQLite under the home)"
        ),
    }
}

fn open_shared(url: &str, lease: Duration, standby: Standby<'_>) -> anyhow::Result<OpenedStore> {
    if lease < Duration::from_millis(300) {
        anyhow::bail!("--lease-seconds must be at least 0.3");
    }
    let store = Arc::new(PostgresStorage::open(url)?);
    let options = LeaseOptions {
        owner: standby.base_url.to_owned(),
        duration: lease,
    };
    let keeper = wait_for_lease(&store, &options, standby)?;
    Ok(OpenedStore {
        description: format!(
            "{} (shared; lease epoch {}, {} s)",
            store.target(),
            keeper.epoch(),
            lease.as_secs_f64()
        ),
        storage: store,
        lease: Some(keeper),
    })
}

/// Takes the lease, serving the forwarder on `listener` for as long as another engine holds it.
fn wait_for_lease(
    store: &Arc<PostgresStorage>,
    options: &LeaseOptions,
    standby: Standby<'_>,
) -> anyhow::Result<LeaseKeeper> {
    let lost = |reason: String| {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "krl run: stopping: {reason}");
        // The fence already refuses this engine's commits; the next engine serves its picos.
        std::process::exit(i32::from(crate::exit::PROBLEMS));
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let forwarder = Arc::new(Forwarder {
        holder: {
            let store = Arc::clone(store);
            Box::new(move || store.lease_holder().map_err(|err| err.to_string()))
        },
        allowed_hosts: standby.allowed_hosts,
        base_url: standby.base_url.to_owned(),
    });
    let (taken, until_taken) = tokio::sync::oneshot::channel::<()>();
    let server = {
        let _context = runtime.enter();
        let listener = tokio::net::TcpListener::from_std(standby.listener.try_clone()?)?;
        let options = HttpOptions::default();
        runtime.spawn(async move {
            serve_router(listener, forwarding_router(forwarder), &options, async move {
                let _ = until_taken.await;
            })
            .await
        })
    };
    let mut told = false;
    let keeper = store.take_lease(
        options,
        |holder| {
            if !told {
                told = true;
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stdout(),
                    "krl run: standby: {holder} runs the picos of this store; forwarding requests to it until it stops"
                );
            }
        },
        lost,
    );
    let _ = taken.send(());
    // Forwards still under way (to a holder that just died, or hangs) are cut rather than
    // awaited: their clients retry, and this engine starts serving at once.
    drop(server);
    runtime.shutdown_timeout(FORWARDS_CUT_AFTER);
    Ok(keeper?)
}
