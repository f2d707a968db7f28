//! `krl install`, `krl uninstall`, `krl flush`, `krl pico ls` and `krl pico new`: managing
//! the picos and rulesets of a running engine from the command line.
//!
//! They speak the API the pico-engine UI uses, so they work against pico-engine too: events
//! of the `io.picolabs.pico-engine-ui` ruleset on a pico's `engine,ui` channel
//! (`engine_ui:install`, `uninstall`, `new`), each answered by that ruleset's `pico` query in
//! the same request (`/c/<eci>/event/engine_ui/<type>/query/io.picolabs.pico-engine-ui/pico`),
//! `/api/ui-context` for the root pico's UI channel and `/api/flush` to recompile a URL.
//! Picos named by id (`--pico`, `pico ls`) need our `/api/picos` route.
//!
//! A ruleset file is installed by its absolute `file://` URL: the API takes URLs only, like
//! pico-engine's, so the engine reads the file itself and later flushes find it again.

use std::path::Path;

use serde_json::{Map as JsonMap, Value as Json};

use super::client::{Connection, Failure, finish, get, post, segment};

/// The rid of the UI ruleset whose events and queries these commands use.
const UI_RID: &str = "io.picolabs.pico-engine-ui";

/// Whether a rid names one of the rulesets every pico-engine pico has; `krl flush` without an
/// argument skips them.
fn is_system_rid(rid: &str) -> bool {
    krl_runtime::engine::system::RULESETS
        .iter()
        .any(|(system, _)| *system == rid)
}

/// Which pico a command acts on: the root pico unless one of these names another.
#[derive(clap::Args)]
pub struct Target {
    /// The pico's id, as `krl pico ls` shows it (needs `krl run`'s `/api/picos`).
    #[arg(long, conflicts_with = "eci")]
    pico: Option<String>,
    /// The pico's UI channel (`engine,ui` tags), as the pico-engine UI shows it.
    #[arg(long)]
    eci: Option<String>,
}

#[derive(clap::Args)]
pub struct InstallArgs {
    /// A ruleset file, or the URL of one (`file://`, `http://`).
    source: String,
    /// The ruleset's configuration (`configure using`), a JSON object.
    #[arg(long)]
    config: Option<String>,
    #[command(flatten)]
    target: Target,
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Args)]
pub struct UninstallArgs {
    /// The rid of the ruleset to remove from the pico.
    rid: String,
    #[command(flatten)]
    target: Target,
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Args)]
pub struct FlushArgs {
    /// A rid installed on the pico, a ruleset file or a URL; without it, every ruleset on
    /// the pico but the system ones.
    ruleset: Option<String>,
    #[command(flatten)]
    target: Target,
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Args)]
pub struct PicoArgs {
    #[command(subcommand)]
    command: PicoCommand,
}

#[derive(clap::Subcommand)]
enum PicoCommand {
    /// List every pico: id, name, parent, rulesets and channels.
    Ls(LsArgs),
    /// Create a child pico (of the root pico unless `--parent` names another).
    New(NewArgs),
}

#[derive(clap::Args)]
struct LsArgs {
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Args)]
struct NewArgs {
    /// The new pico's name.
    name: String,
    /// The parent pico's id (default: the root pico).
    #[arg(long)]
    parent: Option<String>,
    /// The parent pico's UI channel, instead of `--parent`.
    #[arg(long, conflicts_with = "parent")]
    parent_eci: Option<String>,
    #[command(flatten)]
    connection: Connection,
}

pub fn install(args: InstallArgs) -> u8 {
    finish(install_ruleset(&args))
}

pub fn uninstall(args: UninstallArgs) -> u8 {
    finish(uninstall_ruleset(&args))
}

pub fn flush(args: FlushArgs) -> u8 {
    finish(flush_rulesets(&args))
}

pub fn pico(args: PicoArgs) -> u8 {
    match args.command {
        PicoCommand::Ls(ls) => finish(list_picos(&ls.connection)),
        PicoCommand::New(new) => finish(new_pico(&new)),
    }
}

fn install_ruleset(args: &InstallArgs) -> Result<(), Failure> {
    let url = ruleset_url(&args.source)?;
    let config = match &args.config {
        None => Json::Object(JsonMap::new()),
        Some(text) => match serde_json::from_str(text) {
            Ok(Json::Object(map)) => Json::Object(map),
            Ok(_) => return Err(usage("`--config` must be a JSON object, e.g. '{\"key\": 1}'")),
            Err(err) => return Err(usage(&format!("`--config` is not JSON: {err}"))),
        },
    };
    let eci = ui_channel(&args.connection, &args.target)?;
    let mut body = JsonMap::new();
    body.insert("url".to_string(), Json::String(url.clone()));
    body.insert("config".to_string(), config);
    let pico = ui_event(&args.connection, &eci, "install", body)
        .map_err(|failure| explain_install_failure(failure, &args.source, &url))?;
    if args.connection.json {
        println!("{pico}");
        return Ok(());
    }
    match installed(&pico)
        .into_iter()
        .find(|(_, installed_url)| *installed_url == url)
    {
        Some((rid, _)) => println!("installed {rid} ({url})"),
        // The engine ran the event without error but the pico does not list the URL:
        // some rule of the pico's own changed what `install` does.
        None => {
            return Err(Failure::Engine(format!(
                "the engine accepted the install of {url}, but the pico does not list it"
            )));
        }
    }
    Ok(())
}

/// A file path becomes the `file://` URL of its absolute path; a URL stays as it is.
fn ruleset_url(source: &str) -> Result<String, Failure> {
    if source.contains("://") {
        return Ok(source.to_string());
    }
    let path = Path::new(source);
    let absolute =
        std::fs::canonicalize(path).map_err(|err| usage(&format!("cannot read `{source}`: {err}")))?;
    if !absolute.is_file() {
        return Err(usage(&format!("`{source}` is not a file")));
    }
    Ok(format!("file://{}", absolute.display()))
}

/// Names the file in an install error, and says where the engine may read files from when
/// it refused a `file://` URL.
fn explain_install_failure(failure: Failure, source: &str, url: &str) -> Failure {
    match failure {
        Failure::Engine(message) => {
            let mut text = format!("cannot install `{source}`: {message}");
            if url.starts_with("file://") && message.contains("file://") {
                text.push_str(
                    "\n  help: the engine reads `file://` URLs only below the folders `krl run` \
                     was given and its home; pass the file's folder to `krl run`, or serve the \
                     file over http and install its URL",
                );
            }
            Failure::Engine(text)
        }
        transport => transport,
    }
}

fn uninstall_ruleset(args: &UninstallArgs) -> Result<(), Failure> {
    let eci = ui_channel(&args.connection, &args.target)?;
    let before = ui_query(&args.connection, &eci, "pico")?;
    if !installed(&before).iter().any(|(rid, _)| *rid == args.rid) {
        let rids: Vec<String> = installed(&before).into_iter().map(|(rid, _)| rid).collect();
        return Err(Failure::Engine(format!(
            "`{}` is not installed on this pico (installed: {})",
            args.rid,
            rids.join(", ")
        )));
    }
    let mut body = JsonMap::new();
    body.insert("rid".to_string(), Json::String(args.rid.clone()));
    let pico = ui_event(&args.connection, &eci, "uninstall", body)?;
    if args.connection.json {
        println!("{pico}");
    } else {
        println!("uninstalled {}", args.rid);
    }
    Ok(())
}

fn flush_rulesets(args: &FlushArgs) -> Result<(), Failure> {
    let urls = match &args.ruleset {
        Some(text) if text.contains("://") || Path::new(text).is_file() => vec![ruleset_url(text)?],
        target => {
            let eci = ui_channel(&args.connection, &args.target)?;
            let rulesets = installed(&ui_query(&args.connection, &eci, "pico")?);
            match target {
                Some(rid) => {
                    let Some((_, url)) = rulesets.into_iter().find(|(installed, _)| installed == rid) else {
                        return Err(Failure::Engine(format!(
                            "`{rid}` is neither a file, a URL nor a rid installed on this pico"
                        )));
                    };
                    vec![url]
                }
                None => rulesets
                    .into_iter()
                    .filter(|(rid, _)| !is_system_rid(rid))
                    .map(|(_, url)| url)
                    .collect(),
            }
        }
    };
    if urls.is_empty() {
        println!("no rulesets to flush (only the system rulesets are installed)");
    }
    for url in urls {
        let mut body = JsonMap::new();
        body.insert("url".to_string(), Json::String(url.clone()));
        let answer = post(&args.connection, "/api/flush", &body).map_err(|failure| match failure {
            Failure::Engine(message) => Failure::Engine(format!("cannot flush {url}: {message}")),
            transport => transport,
        })?;
        if args.connection.json {
            println!("{answer}");
            continue;
        }
        let text = |key: &str| answer.get(key).and_then(Json::as_str).unwrap_or_default();
        let hash = text("hash");
        println!(
            "flushed {} ({url}) hash {}",
            text("rid"),
            hash.get(..12).unwrap_or(hash)
        );
        let warnings = answer
            .pointer("/compiler/warnings")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        for warning in warnings {
            let at = |key: &str| warning.pointer(key).and_then(Json::as_u64).unwrap_or(0);
            let message = warning.get("message").and_then(Json::as_str).unwrap_or_default();
            println!(
                "  warning at {}:{}: {message}",
                at("/loc/start/line"),
                at("/loc/start/column")
            );
        }
    }
    Ok(())
}

/// One pico of `/api/picos`, with what the commands need of it.
struct Pico {
    id: String,
    /// The family channel the pico reaches its parent on (not the parent's id).
    parent_eci: Option<String>,
    summary: Json,
}

impl Pico {
    fn channels(&self) -> impl Iterator<Item = &Json> {
        self.summary
            .get("channels")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
    }

    fn ui_channel(&self) -> Option<String> {
        self.channels()
            .find(|channel| has_ui_tags(channel))
            .and_then(|channel| channel.get("id").and_then(Json::as_str))
            .map(str::to_string)
    }
}

fn has_ui_tags(channel: &Json) -> bool {
    let mut tags: Vec<&str> = channel
        .get("tags")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .collect();
    tags.sort_unstable();
    tags == ["engine", "ui"]
}

/// Every pico from `/api/picos` (ours; pico-engine has no such route), root first.
fn all_picos(connection: &Connection) -> Result<(String, Vec<Pico>), Failure> {
    let answer = get(connection, "/api/picos").map_err(|failure| match failure {
        Failure::Transport(message) if message.contains("HTTP 404") => Failure::Transport(format!(
            "{message}\n  help: naming picos by id needs `krl run`'s /api/picos; against \
             pico-engine, pass the pico's UI channel with --eci"
        )),
        other => other,
    })?;
    let root = answer
        .get("root")
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string();
    let picos = answer
        .get("picos")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .map(|summary| Pico {
            id: summary
                .get("id")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string(),
            parent_eci: summary.get("parent").and_then(Json::as_str).map(str::to_string),
            summary: summary.clone(),
        })
        .collect();
    Ok((root, picos))
}

/// The id of the pico that owns the other end of the family channel `eci`.
fn parent_id(picos: &[Pico], child: &Pico, eci: &str) -> Option<String> {
    let channel = picos
        .iter()
        .flat_map(Pico::channels)
        .find(|channel| channel.get("id").and_then(Json::as_str) == Some(eci))?;
    let owner = channel.get("picoId").and_then(Json::as_str)?;
    let other = channel.get("familyChannelPicoID").and_then(Json::as_str);
    // The channel is the parent's, or the child's own end of the family pair.
    let parent = if owner == child.id { other? } else { owner };
    Some(parent.to_string())
}

/// The UI channel of the pico the command targets.
fn ui_channel(connection: &Connection, target: &Target) -> Result<String, Failure> {
    if let Some(eci) = &target.eci {
        return Ok(eci.clone());
    }
    match &target.pico {
        Some(id) => pico_ui_channel(connection, id),
        None => root_ui_channel(connection),
    }
}

fn root_ui_channel(connection: &Connection) -> Result<String, Failure> {
    let context = get(connection, "/api/ui-context")?;
    context
        .get("eci")
        .and_then(Json::as_str)
        .map(str::to_string)
        .ok_or_else(|| Failure::Transport(format!("/api/ui-context answered no `eci`: {context}")))
}

fn pico_ui_channel(connection: &Connection, id: &str) -> Result<String, Failure> {
    let (_, picos) = all_picos(connection)?;
    let Some(pico) = picos.iter().find(|pico| pico.id == id) else {
        return Err(Failure::Engine(format!(
            "no pico `{id}` (see `krl pico ls` for the ids)"
        )));
    };
    pico.ui_channel().ok_or_else(|| {
        Failure::Engine(format!(
            "pico `{id}` has no `engine,ui` channel (is io.picolabs.pico-engine-ui installed on it?)"
        ))
    })
}

/// Sends `engine_ui:<kind>` to a UI channel and answers the pico's `pico` query after it.
fn ui_event(
    connection: &Connection,
    eci: &str,
    kind: &str,
    body: JsonMap<String, Json>,
) -> Result<Json, Failure> {
    let path = format!("/c/{}/event/engine_ui/{kind}/query/{UI_RID}/pico", segment(eci));
    post(connection, &path, &body)
}

fn ui_query(connection: &Connection, eci: &str, name: &str) -> Result<Json, Failure> {
    let path = format!("/c/{}/query/{UI_RID}/{name}", segment(eci));
    post(connection, &path, &JsonMap::new())
}

/// `(rid, url)` of the rulesets in a `pico` query's answer.
fn installed(pico: &Json) -> Vec<(String, String)> {
    pico.get("rulesets")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|ruleset| {
            let text = |key: &str| ruleset.get(key).and_then(Json::as_str).map(str::to_string);
            Some((text("rid")?, text("url")?))
        })
        .collect()
}

fn list_picos(connection: &Connection) -> Result<(), Failure> {
    let (root, picos) = all_picos(connection)?;
    if connection.json {
        let summaries: Vec<Json> = picos.iter().map(|pico| pico.summary.clone()).collect();
        println!("{}", serde_json::json!({"root": root, "picos": summaries}));
        return Ok(());
    }
    for pico in &picos {
        // The UI ruleset keeps the name the UI shows; a pico without it has none.
        let name = match pico.ui_channel() {
            Some(eci) => ui_query(connection, &eci, "name")
                .ok()
                .and_then(|name| name.as_str().map(|name| format!(" \"{name}\"")))
                .unwrap_or_default(),
            None => String::new(),
        };
        let role = if pico.id == root {
            " (root)".to_string()
        } else {
            let parent = pico
                .parent_eci
                .as_deref()
                .and_then(|eci| parent_id(&picos, pico, eci))
                .unwrap_or_else(|| "?".to_string());
            format!(" (child of {parent})")
        };
        println!("pico {}{name}{role}", pico.id);
        for (rid, url) in installed(&pico.summary) {
            println!("  ruleset  {rid}  {url}");
        }
        for channel in pico.channels() {
            let eci = channel.get("id").and_then(Json::as_str).unwrap_or_default();
            let tags: Vec<&str> = channel
                .get("tags")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(Json::as_str)
                .collect();
            println!("  channel  {eci}  [{}]", tags.join(", "));
        }
    }
    Ok(())
}

fn new_pico(args: &NewArgs) -> Result<(), Failure> {
    let target = Target {
        pico: args.parent.clone(),
        eci: args.parent_eci.clone(),
    };
    let eci = ui_channel(&args.connection, &target)?;
    let before = ui_query(&args.connection, &eci, "pico")?;
    let mut body = JsonMap::new();
    body.insert("name".to_string(), Json::String(args.name.clone()));
    let after = ui_event(&args.connection, &eci, "new", body)?;
    if args.connection.json {
        println!("{after}");
        return Ok(());
    }
    let children = |pico: &Json| -> Vec<String> {
        pico.get("children")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .map(str::to_string)
            .collect()
    };
    let known = children(&before);
    let Some(child_eci) = children(&after).into_iter().find(|eci| !known.contains(eci)) else {
        return Err(Failure::Engine(
            "the engine took the `engine_ui:new` event but no child pico appeared".to_string(),
        ));
    };
    // The id is ours to add: pico-engine names picos by UI channel only.
    let id = all_picos(&args.connection).ok().and_then(|(_, picos)| {
        picos
            .into_iter()
            .find(|pico| pico.ui_channel().as_deref() == Some(child_eci.as_str()))
            .map(|pico| pico.id)
    });
    match id {
        Some(id) => println!("created pico {id} \"{}\" (UI channel {child_eci})", args.name),
        None => println!("created pico \"{}\" (UI channel {child_eci})", args.name),
    }
    Ok(())
}

/// A mistake in the command line, reported like a transport problem (exit 2).
fn usage(message: &str) -> Failure {
    Failure::Transport(message.to_string())
}
