//! `krl run [FILE.krl|DIR ...]`: start a pico engine with its HTTP API, install the given
//! rulesets on the root pico, and serve until SIGINT or SIGTERM.
//!
//! Startup follows pico-engine's (engine.md §1.6 steps 6-8, §9): open the store in
//! `<home>/db`, boot the system rulesets (`krl_runtime::engine::system`: install them on the
//! root, set up its `engine,ui` channel with `engine_ui:setup`), flush and (re)install each
//! given ruleset on the root by its `file://` URL, listen, then send `engine:started` (on a
//! shared store, only the engine running the root does this; the others register the
//! rulesets and read the root's channels: `run_store.rs`). `--watch` re-flushes a ruleset
//! when its file changes and says which rules changed (`ruleset_changes`); a ruleset that stops
//! compiling keeps running its old version, and one that never compiled is not installed.
//!
//! Exposure (docs/security.md): `/api/*` needs an admin token generated at each start,
//! printed in the banner's admin URL and written with the URL to `<home>/run.json` (read by
//! the client commands); rulesets are read only from the folders given, the home and
//! `--allow-dir`; the soft open-file limit is raised to the hard one.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use krl_diagnostics::{SourceDb, render};
use krl_runtime::engine::placement::Route;
use krl_runtime::engine::{DEFAULT_STEP_BUDGET, Engine, EngineError, EngineOptions, SourcePolicy, system};
use krl_runtime::http::{HttpApi, HttpOptions};
use krl_runtime::limits::{self, ValueLimits};
use krl_runtime::{Map, Value};

use super::ruleset_changes;
use super::run_store::{self, OpenedStore, SharedStore, StoreChoice};
use super::tier::TierArgs;
use crate::run_state::{self, RunState};
use crate::{exit, files};

/// Console output that never fails: a server keeps serving when nobody reads its console
/// any more (`krl run | head -1`), where `println!` would panic on the closed pipe.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// [`say!`] for standard error.
macro_rules! warn {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

#[derive(clap::Args)]
pub struct Args {
    /// Ruleset files, or folders of them, to install on the root pico.
    paths: Vec<PathBuf>,
    /// Port to listen on; 0 picks a free one (printed at startup).
    #[arg(long, env = "PORT", default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Address to bind. The default serves this machine only; `0.0.0.0` serves the network.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Where the engine keeps its data (`<home>/db`).
    #[arg(long, env = "PICO_ENGINE_HOME")]
    home: Option<PathBuf>,
    /// What `meta:host` answers (default `http://localhost:<port>`).
    #[arg(long, env = "PICO_ENGINE_BASE_URL")]
    base_url: Option<String>,
    /// Keep the picos in a PostgreSQL-protocol database shared with other engines
    /// (`postgres://USER@HOST:PORT/DB`) instead of SQLite under the home. Every engine serves;
    /// each pico runs on one engine at a time, the others forward its requests there and take
    /// it over when that engine stops.
    #[arg(long, env = "KRL_STORE", value_name = "URL")]
    store: Option<String>,
    /// On a shared store: how long an engine's lease on a pico lasts unrenewed, i.e. how soon
    /// another engine takes its picos over after it died.
    #[arg(
        long,
        env = "KRL_LEASE_SECONDS",
        value_name = "SECONDS",
        default_value_t = 10.0
    )]
    lease_seconds: f64,
    /// Keep everything in memory: nothing is read from or written to the home folder (not
    /// even `run.json`: client commands then need `KRL_URL` and `KRL_TOKEN`).
    #[arg(long)]
    memory: bool,
    /// Re-flush a ruleset whenever its file changes (checked every 500 ms).
    #[arg(long)]
    watch: bool,
    /// Take each event's time from the `X-Pico-Event-Time` request header (epoch ms).
    #[arg(long)]
    trust_event_time: bool,
    /// Serve `/api/*` without the admin token (only sensible on a machine you alone use).
    #[arg(long)]
    no_token: bool,
    /// Another host name requests may name in `Host` (besides localhost, IP addresses and
    /// the base URL's host); `*` allows any. Repeatable.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_hosts: Vec<String>,
    /// Another folder `file://` ruleset URLs may read from (besides the folders of the
    /// given rulesets and the home). Repeatable.
    #[arg(long = "allow-dir", value_name = "DIR")]
    allow_dirs: Vec<PathBuf>,
    /// Fetch `http(s)://` rulesets only from this host. Repeatable; default: any host.
    #[arg(long = "source-host", value_name = "HOST")]
    source_hosts: Vec<String>,
    /// Most events and queries waiting on one pico; more are answered 503 (busy).
    #[arg(long, value_name = "N", default_value_t = EngineOptions::default().max_queued_per_pico)]
    max_queue: usize,
    /// Keep no rule traces (what `krl why` and the UI's "why" show): each event
    /// transaction then records nothing about the rules it did not fire.
    #[arg(long)]
    no_why: bool,
    /// Calls and loop iterations one event (with what it raises) or query may make before
    /// it fails with "step budget of N exceeded".
    #[arg(long, value_name = "STEPS", default_value_t = DEFAULT_STEP_BUDGET)]
    step_budget: u64,
    /// Bytes of grown values (strings, arrays, maps) one event or query may build in all.
    #[arg(long, value_name = "BYTES", default_value_t = limits::DEFAULT_MEMORY_BUDGET)]
    memory_budget: u64,
    /// The longest string a rule may build, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = limits::DEFAULT_MAX_STRING_BYTES)]
    max_string: usize,
    /// The most items of an array, or entries of a map, a rule may build.
    #[arg(long, value_name = "ITEMS", default_value_t = limits::DEFAULT_MAX_ITEMS)]
    max_items: usize,
    #[command(flatten)]
    tier: TierArgs,
}

/// pico-engine's port, where the client commands look without `KRL_URL`.
const DEFAULT_PORT: u16 = 3000;

/// How often `--watch` looks at modification times.
const WATCH_INTERVAL: Duration = Duration::from_millis(500);

pub fn run(args: Args) -> u8 {
    args.tier.apply();
    match serve(args) {
        Ok(()) => exit::OK,
        Err(err) => {
            warn!("error: {err:#}");
            exit::USAGE
        }
    }
}

/// How long a stop waits for events being posted to other engines.
const STOP_SENDING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

fn serve(args: Args) -> anyhow::Result<()> {
    let files = files::collect_krl_files(&args.paths)?;
    let home = run_state::engine_home(args.home.as_deref())?;
    let open_files = raise_open_file_limit();
    // Bind first: the base URL (which a shared store's other engines forward to) needs the
    // actual port when `--port 0` picked one.
    let listener = std::net::TcpListener::bind((args.host.as_str(), args.port))
        .map_err(|err| anyhow::anyhow!("cannot listen on {}:{}: {err}", args.host, args.port))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://localhost:{}", addr.port()));
    let allowed_hosts = allowed_hosts(&args, &base_url);
    let mut store = open_store(&args, &home, &base_url)?;
    let storage = Arc::clone(&store.storage);
    let token = admin_token(&args, addr)?;
    let mut options = engine_options(&args, &home, base_url);
    options.placement = store.shared.as_ref().map(SharedStore::placement);
    let engine = Engine::open(Arc::new(krl_jit::InterpreterBackend), options, storage)?;
    let root = engine.root_pico().to_string();
    let mut watched = Watched::default();
    let (ui_eci, eci) = set_up_root(&engine, &files, &mut watched)?;
    if let Some(shared) = store.shared.as_mut() {
        shared.set_up(&engine);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    // Before the banner: whoever saw it may stop the engine at once, and that must be a
    // graceful stop, not the default action of SIGTERM.
    let shutdown = {
        let _context = runtime.enter();
        shutdown_signal()?
    };
    let pid = std::process::id();
    let state = RunState {
        url: format!("http://{}", client_address(addr)),
        token: token.clone(),
        pid,
    };
    // Written before the banner: whoever reads the banner may run a client command next.
    if !args.memory
        && let Err(err) = state.write(&home)
    {
        warn!(
            "krl run: cannot write `{}` ({err}); client commands need KRL_URL and KRL_TOKEN",
            home.join(run_state::FILE_NAME).display()
        );
    }
    print_banner(&engine, addr, (&eci, &ui_eci), &store.description, &root);
    print_access(&args, addr, &state, &allowed_hosts);
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = args.watch.then(|| {
        let (engine, stop, paths) = (engine.clone(), Arc::clone(&stop), args.paths.clone());
        std::thread::spawn(move || watch(&engine, &paths, watched, &stop))
    });

    let http_options = HttpOptions {
        trust_event_time: args.trust_event_time,
        admin_token: token,
        allowed_hosts,
        max_connections: connection_limit(open_files),
        ..HttpOptions::default()
    };
    let api = Arc::new(HttpApi::new(engine.clone(), ui_eci, http_options));
    // Matches pico-engine: `engine:started` once the server listens (the socket has listened
    // since it was bound), fire-and-forget. Sent here, outside the async runtime, because
    // storage calls block (the PostgreSQL client cannot run on an async thread).
    if engine.runs_pico(&root)
        && let Err(err) = system::started(&api.engine, &api.ui_eci)
    {
        warn!("krl run: engine:started was refused: {err}");
    }
    let sweeper = store
        .shared
        .as_ref()
        .map(|shared| run_store::sweep(&engine, shared.lease, Arc::clone(&stop)));
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        krl_runtime::http::serve(listener, api, shutdown).await
    })?;
    if !args.memory {
        RunState::remove(&home, pid);
    }
    stop.store(true, Ordering::Relaxed);
    wind_down(&engine, store.shared, [sweeper, watcher]);
    say!("krl run: stopped");
    Ok(())
}

/// After the server stopped (the background threads told to stop): events being posted to
/// other engines finish, so none is sent twice after a restart; then, after the last commit,
/// a shared store's leases are released, so the other engines take this engine's picos at
/// once.
fn wind_down(
    engine: &Engine,
    shared: Option<SharedStore>,
    threads: [Option<std::thread::JoinHandle<()>>; 2],
) {
    for thread in threads.into_iter().flatten() {
        let _ = thread.join();
    }
    engine.stop_sending(STOP_SENDING_TIMEOUT);
    if let Some(shared) = shared
        && let Err(err) = shared.release()
    {
        warn!("krl run: cannot release the leases of this engine's picos ({err}); they expire on their own");
    }
}

/// The store `--memory`, `--store` or the home names.
fn open_store(args: &Args, home: &Path, base_url: &str) -> anyhow::Result<OpenedStore> {
    let lease = std::time::Duration::try_from_secs_f64(args.lease_seconds)
        .map_err(|_| anyhow::anyhow!("--lease-seconds must be a positive number of seconds"))?;
    run_store::open(&StoreChoice {
        memory: args.memory,
        store: args.store.as_deref(),
        home,
        lease,
        base_url,
    })
}

/// Boots the root pico, installs the rulesets on it and finds the developer channel:
/// answers the UI channel and the developer channel. On a shared store whose root another
/// engine runs, that engine set the root up: the rulesets are only registered here (a pico
/// this engine takes over may use them), and both channels are read.
fn set_up_root(
    engine: &Engine,
    files: &[PathBuf],
    watched: &mut Watched,
) -> anyhow::Result<(String, String)> {
    let root = engine.root_pico().to_string();
    if engine.claim_pico(&root)? == Route::Here {
        let ui_eci = system::boot(engine)?;
        for file in files {
            install(engine, file, watched);
        }
        return Ok((ui_eci, developer_channel(engine)?));
    }
    let ui_eci = system::boot_beside(engine)?;
    for file in files {
        if let Err(err) = engine.flush(&file_url(file)) {
            report(file, &err, true);
        }
        watched.files.entry(file.clone()).or_default().modified = modified(file);
    }
    let eci = system::channel_tagged(engine, &root, &["developer", "krl"])?.ok_or_else(|| {
        anyhow::anyhow!(
            "the root pico {root} runs on another engine, which has not made its developer channel"
        )
    })?;
    Ok((ui_eci, eci))
}

/// A new admin token, or none with `--no-token` (with a warning when the port is reachable
/// from other machines).
fn admin_token(args: &Args, addr: SocketAddr) -> anyhow::Result<Option<String>> {
    if !args.no_token {
        return Ok(Some(run_state::new_token()?));
    }
    if !addr.ip().is_loopback() {
        warn!(
            "krl run: WARNING: listening on {addr} without an admin token: anyone who can reach \
             this port can list every channel, read every log and flush rulesets. Drop \
             --no-token (docs/security.md)."
        );
    }
    Ok(None)
}

/// The engine's set-up from the command line: queue bound, ruleset sources, limits.
fn engine_options(args: &Args, home: &Path, base_url: String) -> EngineOptions {
    EngineOptions {
        max_queued_per_pico: args.max_queue,
        why: !args.no_why,
        sources: SourcePolicy {
            folders: Some(source_folders(args, home)),
            hosts: (!args.source_hosts.is_empty()).then(|| args.source_hosts.clone()),
            ..SourcePolicy::default()
        },
        base_url,
        step_budget: args.step_budget,
        value_limits: ValueLimits {
            max_string_bytes: args.max_string,
            max_items: args.max_items,
            memory_budget: args.memory_budget,
        },
        ..EngineOptions::default()
    }
}

/// Where clients on this machine reach the listener: a wildcard address through loopback.
fn client_address(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::from(([127, 0, 0, 1], addr.port())),
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    }
}

/// The banner's lines on access: the admin URL, the Host names allowed from other machines,
/// and what clients need to export when they cannot find `run.json`.
fn print_access(args: &Args, addr: SocketAddr, state: &RunState, allowed_hosts: &[String]) {
    let url = &state.url;
    match &state.token {
        Some(token) => say!("  admin URL  {url}/?token={token}  (/api needs this token)"),
        None => say!("  admin URL  {url}/  (no token: /api is open)"),
    }
    if !addr.ip().is_loopback() {
        let names: String = allowed_hosts
            .iter()
            .filter(|host| !run_state::is_loopback(host))
            .map(|host| format!(", {host}"))
            .collect();
        say!(
            "  network    reachable beyond this machine; Host names allowed: localhost, IP addresses{names}"
        );
    }
    // Without a home (`--memory`) there is no `run.json` for clients to read the token from;
    // on another port than pico-engine's, clients of another home need the URL.
    if args.memory || addr.port() != DEFAULT_PORT {
        let token = state
            .token
            .as_ref()
            .filter(|_| args.memory)
            .map(|t| format!(" KRL_TOKEN={t}"))
            .unwrap_or_default();
        say!("  clients    export KRL_URL={url}{token}  (for krl event, query, install, pico, logs)");
    }
}

/// The host names `Host` may carry beyond the loopback names and IP addresses: the base
/// URL's host, `--host` when it is a name, and `--allow-host`.
fn allowed_hosts(args: &Args, base_url: &str) -> Vec<String> {
    let mut hosts = args.allow_hosts.clone();
    let base_host = base_url
        .split_once("://")
        .and_then(|(_, rest)| rest.split(['/', ':', '?', '#']).next())
        .filter(|host| !host.is_empty());
    hosts.extend(base_host.map(str::to_string));
    if args.host.parse::<std::net::IpAddr>().is_err() {
        hosts.push(args.host.clone());
    }
    hosts
}

/// The folders `file://` ruleset URLs may read: each given folder, the folder of each given
/// file, the home, and `--allow-dir`.
fn source_folders(args: &Args, home: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = args
        .paths
        .iter()
        .filter_map(|path| {
            if path.is_dir() {
                Some(path.clone())
            } else {
                let parent = std::fs::canonicalize(path).ok()?.parent()?.to_path_buf();
                Some(parent)
            }
        })
        .collect();
    folders.push(home.to_path_buf());
    folders.extend(args.allow_dirs.iter().cloned());
    folders
}

/// Raises the soft limit on open files to the hard limit (many systems start processes at
/// 1,024, which a thousand idle connections exhaust); returns the limit now in force.
#[allow(unsafe_code)] // two libc calls; see their SAFETY comments
fn raise_open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `limit` is a valid, writable rlimit for the duration of the calls.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
            return None;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            // SAFETY: as above; a refusal leaves the old limit in force.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                limit = raised;
            }
        }
        // `rlim_t` is not `u64` on every platform.
        #[allow(clippy::unnecessary_cast)]
        Some(limit.rlim_cur as u64)
    }
    #[cfg(not(unix))]
    None
}

/// Connections served at once: the open-file limit less what the store, rulesets and
/// outgoing requests need.
fn connection_limit(open_files: Option<u64>) -> usize {
    const RESERVED: u64 = 256;
    let default = HttpOptions::default().max_connections as u64;
    open_files.map_or(default, |limit| limit.saturating_sub(RESERVED).clamp(64, default)) as usize
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM. The handlers are installed when this is called
/// (inside the runtime), not when the future is first polled.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Completes on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// Files installed so far, with the modification time and text last seen.
#[derive(Default)]
struct Watched {
    files: HashMap<PathBuf, Seen>,
}

#[derive(Default)]
struct Seen {
    modified: Option<SystemTime>,
    /// The text the engine runs, for saying what a reload changed.
    flushed_text: Option<String>,
}

fn file_url(path: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    format!("file://{}", absolute.display())
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Flushes a ruleset file and installs it on the root pico unless it is already there
/// (a flush re-initialises it where installed). Problems are printed, never fatal.
fn install(engine: &Engine, path: &Path, watched: &mut Watched) -> Option<String> {
    if holds_no_ruleset(path) {
        watched.files.entry(path.to_path_buf()).or_default().modified = modified(path);
        say!(
            "krl run: `{}` holds no ruleset (only comments or whitespace); skipped",
            path.display()
        );
        return None;
    }
    let url = file_url(path);
    let seen = watched.files.entry(path.to_path_buf()).or_default();
    seen.modified = modified(path);
    let text = std::fs::read_to_string(path).ok();
    let on_root = |rid: &str| {
        installed_on_root(engine)
            .iter()
            .any(|(installed_rid, installed_url)| installed_rid == rid && *installed_url == url)
    };
    let rid = match engine.flush(&url) {
        Ok(rid) => rid,
        Err(err) => {
            // A version flushed before (by an earlier run or edit) keeps running.
            let running = engine
                .registered_version(&url)
                .filter(|version| on_root(&version.rid));
            report(path, &err, running.is_some());
            return None;
        }
    };
    if !on_root(&rid)
        && let Err(err) = engine.install(engine.root_pico(), &url, Map::new())
    {
        report(path, &err, false);
        return None;
    }
    seen.flushed_text = text;
    Some(rid)
}

/// A placeholder file: nothing to install (pico-engine parses it to an empty program).
fn holds_no_ruleset(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|src| {
        krl_syntax::parse_ruleset(krl_diagnostics::FileId(0), &src)
            .ruleset
            .is_empty()
    })
}

/// `(rid, url)` of the rulesets on the root pico.
fn installed_on_root(engine: &Engine) -> Vec<(String, String)> {
    let summaries = engine.pico_summaries();
    let Some(root) = summaries.first().and_then(Value::as_map) else {
        return Vec::new();
    };
    let Some(Value::Array(rulesets)) = root.get("rulesets") else {
        return Vec::new();
    };
    rulesets
        .iter()
        .filter_map(|r| {
            let map = r.as_map()?;
            Some((
                map.get("rid")?.as_str()?.to_string(),
                map.get("url")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// Prints why a ruleset could not be flushed or installed, compile errors with their
/// source snippets, and what the root pico runs now: the version flushed before, when there
/// is one, else nothing of this file.
fn report(path: &Path, err: &EngineError, previous_runs: bool) {
    match err {
        EngineError::Compile(compile) if !compile.diagnostics.is_empty() => {
            let mut db = SourceDb::new();
            db.add(
                path.display().to_string(),
                std::fs::read_to_string(path).unwrap_or_default(),
            );
            let color = render::should_color();
            for diagnostic in &compile.diagnostics {
                let rendered = render::to_terminal(diagnostic, &db, color);
                warn!("{}", rendered.trim_end_matches('\n'));
            }
        }
        // An error in `global` or `configure using`: with its source line.
        EngineError::Runtime(runtime) => {
            warn!("krl run: `{}`: {}", path.display(), runtime.render())
        }
        _ => warn!("krl run: `{}`: {err}", path.display()),
    }
    if previous_runs {
        warn!(
            "krl run: `{}` not reloaded; the root pico keeps running the version flushed before",
            path.display()
        );
    } else {
        warn!(
            "krl run: `{}` was not installed; fix it and run again (with --watch, saving it installs it)",
            path.display()
        );
    }
}

/// The channel `krl run` offers developers: every event and query allowed. The root's own
/// channel is a family channel (only the pico itself may use it), and the UI channel only
/// takes what the UI ruleset allows.
fn developer_channel(engine: &Engine) -> anyhow::Result<String> {
    developer_channel_on(engine, engine.root_pico())
}

/// The developer channel of any pico (`krl repl`'s `:event` uses it too), made if missing.
pub(crate) fn developer_channel_on(engine: &Engine, pico_id: &str) -> anyhow::Result<String> {
    if let Some(eci) = system::channel_tagged(engine, pico_id, &["developer", "krl"])? {
        return Ok(eci);
    }
    let tags = Value::array(vec![Value::string("krl"), Value::string("developer")]);
    Ok(engine.new_channel(pico_id, &tags, &Value::Null, &Value::Null)?.id)
}

fn print_banner(engine: &Engine, addr: SocketAddr, (eci, ui_eci): (&str, &str), data: &str, root: &str) {
    let url = format!("http://{addr}");
    say!("krl run: listening on {url}");
    say!("  tier       {}", krl_jit::tier());
    say!("  root pico  {root}");
    say!("  channel    {eci}  (tags krl, developer: every event and query allowed)");
    say!("  UI channel {ui_eci}  (tags engine, ui: what the pico-engine UI sends)");
    say!("  data       {data}");
    let rulesets = installed_on_root(engine);
    for (rid, url) in &rulesets {
        say!("  ruleset    {rid}  {url}");
    }
    let rid = rulesets
        .iter()
        .find(|(_, url)| !url.starts_with(system::URL_PREFIX))
        .map_or("<rid>", |(rid, _)| rid.as_str());
    say!("  try        curl '{url}/c/{eci}/query/{rid}/<function>'");
    say!("             curl '{url}/c/{eci}/event-wait/<domain>/<type>?key=value'");
}

/// Polls the given paths: a changed file is re-flushed, a new `.krl` file in a watched
/// folder is installed.
fn watch(engine: &Engine, paths: &[PathBuf], mut watched: Watched, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(WATCH_INTERVAL);
        let Ok(files) = files::collect_krl_files(paths) else {
            continue;
        };
        for file in files {
            let now = modified(&file);
            let before = match watched.files.get(&file) {
                Some(seen) if seen.modified == now => continue,
                Some(seen) => {
                    say!("krl run: `{}` changed, flushing", file.display());
                    seen.flushed_text.clone()
                }
                None => {
                    say!("krl run: new ruleset `{}`", file.display());
                    None
                }
            };
            let Some(rid) = install(engine, &file, &mut watched) else {
                continue;
            };
            let after = watched
                .files
                .get(&file)
                .and_then(|seen| seen.flushed_text.as_deref());
            match (before.as_deref(), after) {
                (Some(before), Some(after)) => {
                    say!(
                        "krl run: {rid} reloaded: {}",
                        ruleset_changes::describe(before, after)
                    );
                }
                _ => say!("krl run: {rid} installed on the root pico"),
            }
        }
    }
}
