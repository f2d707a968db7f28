//! `krl run [FILE.krl|DIR ...]`: start a pico engine with its HTTP API, install the given
//! rulesets on the root pico, and serve until SIGINT or SIGTERM.
//!
//! Startup follows pico-engine's (engine.md §1.6 steps 6-8, §9): open the store in
//! `<home>/db`, boot the system rulesets (`krl_runtime::engine::system`: install them on the
//! root, set up its `engine,ui` channel with `engine_ui:setup`), flush and (re)install each
//! given ruleset on the root by its `file://` URL, listen, then send `engine:started`. `--watch` re-flushes a ruleset
//! when its file changes; a ruleset that stops compiling keeps running its old version.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use krl_diagnostics::{SourceDb, render};
use krl_runtime::engine::{DEFAULT_STEP_BUDGET, Engine, EngineError, EngineOptions, system};
use krl_runtime::http::{HttpApi, HttpOptions};
use krl_runtime::limits::{self, ValueLimits};
use krl_runtime::storage::{Durability, MemoryStorage, SqliteStorage, Storage};
use krl_runtime::{Map, Value};

use crate::{exit, files};

#[derive(clap::Args)]
pub struct Args {
    /// Ruleset files, or folders of them, to install on the root pico.
    paths: Vec<PathBuf>,
    /// Port to listen on; 0 picks a free one (printed at startup).
    #[arg(long, env = "PORT", default_value_t = 3000)]
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
    /// Keep everything in memory: nothing is read from or written to the home folder.
    #[arg(long)]
    memory: bool,
    /// Re-flush a ruleset whenever its file changes (checked every 500 ms).
    #[arg(long)]
    watch: bool,
    /// Take each event's time from the `X-Pico-Event-Time` request header (epoch ms).
    #[arg(long)]
    trust_event_time: bool,
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
}

/// How often `--watch` looks at modification times.
const WATCH_INTERVAL: Duration = Duration::from_millis(500);

pub fn run(args: Args) -> u8 {
    match serve(args) {
        Ok(()) => exit::OK,
        Err(err) => {
            eprintln!("error: {err:#}");
            exit::USAGE
        }
    }
}

fn serve(args: Args) -> anyhow::Result<()> {
    let files = files::collect_krl_files(&args.paths)?;
    let home = match &args.home {
        Some(home) => home.clone(),
        None => default_home()?,
    };
    let storage: Arc<dyn Storage> = if args.memory {
        Arc::new(MemoryStorage::new())
    } else {
        let db = home.join("db");
        std::fs::create_dir_all(&db)
            .map_err(|err| anyhow::anyhow!("cannot create `{}`: {err}", db.display()))?;
        Arc::new(SqliteStorage::open(&db, Durability::default())?)
    };

    // Bind first: the base URL needs the actual port when `--port 0` picked one.
    let listener = std::net::TcpListener::bind((args.host.as_str(), args.port))
        .map_err(|err| anyhow::anyhow!("cannot listen on {}:{}: {err}", args.host, args.port))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://localhost:{}", addr.port()));

    let options = EngineOptions {
        base_url,
        step_budget: args.step_budget,
        value_limits: ValueLimits {
            max_string_bytes: args.max_string,
            max_items: args.max_items,
            memory_budget: args.memory_budget,
        },
        ..EngineOptions::default()
    };
    let engine = Engine::open(Arc::new(krl_jit::InterpreterBackend), options, storage)?;
    let root = engine.root_pico().to_string();
    let ui_eci = system::boot(&engine)?;
    let mut watched = Watched::default();
    for file in &files {
        install(&engine, file, &mut watched);
    }
    let eci = developer_channel(&engine)?;
    print_banner(
        &engine,
        addr,
        (&eci, &ui_eci),
        (!args.memory).then_some(home.as_path()),
        &root,
    );

    let stop = Arc::new(AtomicBool::new(false));
    let watcher = args.watch.then(|| {
        let (engine, stop, paths) = (engine.clone(), Arc::clone(&stop), args.paths.clone());
        std::thread::spawn(move || watch(&engine, &paths, watched, &stop))
    });

    let http_options = HttpOptions {
        trust_event_time: args.trust_event_time,
        ..HttpOptions::default()
    };
    let api = Arc::new(HttpApi::new(engine, ui_eci, http_options));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        // Matches pico-engine: `engine:started` once the server listens, fire-and-forget.
        if let Err(err) = system::started(&api.engine, &api.ui_eci) {
            eprintln!("krl run: engine:started was refused: {err}");
        }
        krl_runtime::http::serve(listener, api, shutdown_signal()).await
    })?;
    stop.store(true, Ordering::Relaxed);
    if let Some(watcher) = watcher {
        let _ = watcher.join();
    }
    println!("krl run: stopped");
    Ok(())
}

fn default_home() -> anyhow::Result<PathBuf> {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .ok_or_else(|| anyhow::anyhow!("no home folder: set `PICO_ENGINE_HOME` or pass `--home`"))?;
    Ok(PathBuf::from(home).join(".pico-engine"))
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// Files installed so far, with the modification time last flushed.
#[derive(Default)]
struct Watched {
    files: HashMap<PathBuf, Option<SystemTime>>,
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
    watched.files.insert(path.to_path_buf(), modified(path));
    let url = file_url(path);
    let rid = match engine.flush(&url) {
        Ok(rid) => rid,
        Err(err) => {
            report(path, &err);
            return None;
        }
    };
    if !installed_on_root(engine)
        .iter()
        .any(|(installed_rid, installed_url)| *installed_rid == rid && *installed_url == url)
        && let Err(err) = engine.install(engine.root_pico(), &url, Map::new())
    {
        report(path, &err);
        return None;
    }
    Some(rid)
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

/// Prints why a ruleset could not be flushed or installed; compile errors with their
/// source snippets.
fn report(path: &Path, err: &EngineError) {
    match err {
        EngineError::Compile(compile) if !compile.diagnostics.is_empty() => {
            let mut db = SourceDb::new();
            db.add(
                path.display().to_string(),
                std::fs::read_to_string(path).unwrap_or_default(),
            );
            let color = render::should_color();
            for diagnostic in &compile.diagnostics {
                eprint!("{}", render::to_terminal(diagnostic, &db, color));
            }
            eprintln!(
                "krl run: `{}` not (re)loaded; the engine keeps the previous version",
                path.display()
            );
        }
        _ => eprintln!("krl run: `{}`: {err}", path.display()),
    }
}

/// The channel `krl run` offers developers: every event and query allowed. The root's own
/// channel is a family channel (only the pico itself may use it), and the UI channel only
/// takes what the UI ruleset allows.
fn developer_channel(engine: &Engine) -> anyhow::Result<String> {
    if let Some(eci) = system::channel_tagged(engine, engine.root_pico(), &["developer", "krl"])? {
        return Ok(eci);
    }
    let tags = Value::array(vec![Value::string("krl"), Value::string("developer")]);
    Ok(engine
        .new_channel(engine.root_pico(), &tags, &Value::Null, &Value::Null)?
        .id)
}

fn print_banner(
    engine: &Engine,
    addr: SocketAddr,
    (eci, ui_eci): (&str, &str),
    home: Option<&Path>,
    root: &str,
) {
    let url = format!("http://{addr}");
    println!("krl run: listening on {url}");
    println!("  root pico  {root}");
    println!("  channel    {eci}  (tags krl, developer: every event and query allowed)");
    println!("  UI channel {ui_eci}  (tags engine, ui: what the pico-engine UI sends)");
    match home {
        Some(home) => println!("  data       {}", home.join("db").display()),
        None => println!("  data       in memory only (--memory)"),
    }
    let rulesets = installed_on_root(engine);
    for (rid, url) in &rulesets {
        println!("  ruleset    {rid}  {url}");
    }
    let rid = rulesets
        .iter()
        .find(|(_, url)| !url.starts_with(system::URL_PREFIX))
        .map_or("<rid>", |(rid, _)| rid.as_str());
    println!("  try        curl '{url}/c/{eci}/query/{rid}/<function>'");
    println!("             curl '{url}/c/{eci}/event-wait/<domain>/<type>?key=value'");
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
            match watched.files.get(&file) {
                Some(seen) if *seen == now => continue,
                Some(_) => println!("krl run: `{}` changed, flushing", file.display()),
                None => println!("krl run: new ruleset `{}`", file.display()),
            }
            if let Some(rid) = install(engine, &file, &mut watched) {
                println!("krl run: {rid} is up to date");
            }
        }
    }
}
