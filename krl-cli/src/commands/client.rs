//! `krl event`, `krl query` and `krl logs`: clients of a running engine's HTTP API (`krl
//! run`, or pico-engine itself for `event` and `query`), and the requests every client
//! command makes (`picos.rs` builds `install`, `flush` and `pico` on them).
//!
//! `logs` and `krl pico ls` (picos.rs) use two routes of ours, `/api/logs` and `/api/picos`
//! (runtime/src/http/routes.rs); the reference has no equivalent.
//!
//! Every request goes through [`request`], which finds the engine (`--url`, `KRL_URL`, else
//! the URL in `<home>/run.json`) and adds its admin token (`--token`, `KRL_TOKEN`, else the
//! token in `run.json` when that file describes the same engine).

use std::path::PathBuf;
use std::time::Duration;

use krl_runtime::ErrorLocation;
use serde::Deserialize;
use serde_json::{Map as JsonMap, Value as Json};

use crate::exit;
use crate::run_state::{self, RunState};

/// Where the engine is and how to print its answers.
#[derive(clap::Args, Clone)]
pub struct Connection {
    /// The engine's base URL [default: the URL in `<home>/run.json`, else
    /// http://localhost:3000].
    #[arg(long, env = "KRL_URL")]
    url: Option<String>,
    /// The engine's admin token, for `/api` routes [default: the token in `<home>/run.json`].
    #[arg(long, env = "KRL_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// The engine's home folder, where `krl run` keeps `run.json`.
    #[arg(long, env = "PICO_ENGINE_HOME")]
    home: Option<PathBuf>,
    /// Print the engine's JSON answer as it came.
    #[arg(long)]
    pub json: bool,
}

/// Where requests go and the token they carry.
struct Target {
    url: String,
    token: Option<String>,
}

/// The URL when neither a flag, the environment nor `run.json` names one.
const DEFAULT_URL: &str = "http://localhost:3000";

impl Connection {
    /// The engine to talk to. `run.json`'s token is sent only to the engine it describes,
    /// never to another URL.
    fn target(&self) -> Target {
        let state = run_state::engine_home(self.home.as_deref())
            .ok()
            .and_then(|home| RunState::read(&home));
        let url = self
            .url
            .clone()
            .or_else(|| state.as_ref().map(|s| s.url.clone()))
            .unwrap_or_else(|| DEFAULT_URL.to_string());
        let token = self.token.clone().or_else(|| {
            state
                .filter(|state| run_state::same_engine(&state.url, &url))
                .and_then(|state| state.token)
        });
        Target {
            url: url.trim_end_matches('/').to_string(),
            token,
        }
    }
}

#[derive(clap::Args)]
pub struct EventArgs {
    /// The channel to send on.
    eci: String,
    /// `domain:type`, e.g. `sensor:reading`.
    event: String,
    /// Attributes as `key=value`; a value that parses as JSON is sent as JSON, else as a string.
    attrs: Vec<String>,
    /// Do not wait for the rules to run; print the event id only.
    #[arg(long = "no-wait")]
    no_wait: bool,
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Args)]
pub struct QueryArgs {
    /// The channel to query on.
    eci: String,
    /// `rid/function`, e.g. `org.example.sensor/readings`.
    function: String,
    /// Arguments as `key=value` (JSON when it parses, else a string).
    args: Vec<String>,
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Args)]
pub struct LogsArgs {
    /// The pico whose log to show (default: the root pico).
    #[arg(long)]
    pico: Option<String>,
    /// Keep printing new entries as they come.
    #[arg(short, long)]
    follow: bool,
    /// List the events moved to the dead letters (inboxed events that never finished)
    /// instead of a log.
    #[arg(long, conflicts_with_all = ["pico", "follow"])]
    dead_letters: bool,
    #[command(flatten)]
    connection: Connection,
}

/// A failed client call: the engine's `error` answer or a transport problem.
pub enum Failure {
    /// The engine answered `{"error": ...}`.
    Engine(String),
    /// The request did not get an answer.
    Transport(String),
}

pub fn finish(result: Result<(), Failure>) -> u8 {
    match result {
        Ok(()) => exit::OK,
        Err(Failure::Engine(message)) => {
            eprintln!("error: {message}");
            exit::PROBLEMS
        }
        Err(Failure::Transport(message)) => {
            eprintln!("error: {message}");
            exit::USAGE
        }
    }
}

pub fn event(args: EventArgs) -> u8 {
    finish(send_event(&args))
}

fn send_event(args: &EventArgs) -> Result<(), Failure> {
    let (domain, kind) = args
        .event
        .split_once(':')
        .ok_or_else(|| Failure::Transport(format!("expected `domain:type`, got `{}`", args.event)))?;
    let route = if args.no_wait { "event" } else { "event-wait" };
    let path = format!(
        "/c/{}/{route}/{}/{}",
        segment(&args.eci),
        segment(domain),
        segment(kind)
    );
    let answer = post(&args.connection, &path, &key_values(&args.attrs)?)?;
    if args.connection.json {
        println!("{answer}");
    } else if let Json::String(eid) = &answer {
        println!("{eid}");
    } else {
        print_directives(&answer);
    }
    Ok(())
}

pub fn query(args: QueryArgs) -> u8 {
    finish(send_query(&args))
}

fn send_query(args: &QueryArgs) -> Result<(), Failure> {
    let (rid, function) = args
        .function
        .rsplit_once('/')
        .ok_or_else(|| Failure::Transport(format!("expected `rid/function`, got `{}`", args.function)))?;
    let path = format!(
        "/c/{}/query/{}/{}",
        segment(&args.eci),
        segment(rid),
        segment(function)
    );
    let answer = post(&args.connection, &path, &key_values(&args.args)?)?;
    match answer {
        Json::String(text) if !args.connection.json => println!("{text}"),
        other if args.connection.json => println!("{other}"),
        other => println!("{}", pretty(&other)),
    }
    Ok(())
}

/// How often `krl logs -f` asks for new entries.
const FOLLOW_INTERVAL: Duration = Duration::from_millis(500);

pub fn logs(args: LogsArgs) -> u8 {
    if args.dead_letters {
        return finish(print_dead_letters(&args.connection));
    }
    finish(print_logs(&args))
}

/// One line per dead letter: when it was moved, its pico, the event and why.
fn print_dead_letters(connection: &Connection) -> Result<(), Failure> {
    let answer = get(connection, "/api/dead-letters")?;
    for letter in answer
        .get("deadLetters")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        if connection.json {
            println!("{letter}");
            continue;
        }
        let text = |key: &str| letter.get(key).and_then(Json::as_str).unwrap_or_default();
        let moved = letter
            .get("moved")
            .and_then(Json::as_f64)
            .map(iso_time)
            .unwrap_or_default();
        let attrs = letter.get("attrs").map(|a| a.to_string()).unwrap_or_default();
        println!(
            "{moved} pico {} event {}:{} ({}) {attrs}: {}",
            text("pico"),
            text("domain"),
            text("name"),
            text("eid"),
            text("reason")
        );
    }
    Ok(())
}

fn print_logs(args: &LogsArgs) -> Result<(), Failure> {
    let mut after = 0u64;
    let mut previous_txn: Option<String> = None;
    let mut printed_any = false;
    loop {
        let mut path = format!("/api/logs?after={after}");
        if let Some(pico) = &args.pico {
            path.push_str(&format!("&pico={}", segment(pico)));
        }
        let answer = get(&args.connection, &path)?;
        for entry in answer
            .get("entries")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if args.connection.json {
                println!("{entry}");
                continue;
            }
            // A transaction's lines come together: a blank line before each new one.
            let txn = entry.get("txnId").and_then(Json::as_str).map(str::to_string);
            if txn.is_some() && txn != previous_txn && printed_any {
                println!();
            }
            println!("{}", log_line(entry));
            previous_txn = txn;
            printed_any = true;
        }
        after = answer.get("next").and_then(Json::as_u64).unwrap_or(after);
        if !args.follow {
            return Ok(());
        }
        std::thread::sleep(FOLLOW_INTERVAL);
    }
}

fn log_line(entry: &Json) -> String {
    let time = entry
        .get("time")
        .and_then(Json::as_f64)
        .map(iso_time)
        .unwrap_or_default();
    let level = entry
        .get("level")
        .and_then(Json::as_str)
        .unwrap_or("?")
        .to_uppercase();
    let rid = entry.get("rid").and_then(Json::as_str).unwrap_or("-");
    let msg = entry.get("msg").and_then(Json::as_str).unwrap_or_default();
    let location = entry
        .get("data")
        .and_then(|d| d.get("location"))
        .and_then(|l| ErrorLocation::deserialize(l).ok());
    if let Some(location) = location {
        // A failed transaction: its message already says where; show the source line too.
        return format!("{time} [{level}] {rid} {msg}\n{}", location.snippet());
    }
    let details = log_details(entry)
        .map(|details| format!(" {details}"))
        .unwrap_or_default();
    format!("{time} [{level}] {rid} {msg}{details}")
}

/// What follows an engine line's message, in the spirit of the pico-engine UI's Logging tab:
/// the transaction for `txnQueued`, the event for `event added to schedule`, the rule for
/// `rule selected`, the error for `txnError`, a `klog`'s value.
fn log_details(entry: &Json) -> Option<String> {
    let field = |key: &str| entry.get(key);
    let text = |value: Option<&Json>| value.and_then(Json::as_str).unwrap_or_default().to_string();
    // As the UI shows them: the HTTP headers an event or query came with are left out.
    let without_headers = |value: Option<&Json>| {
        let mut value = value.cloned().unwrap_or(Json::Null);
        if let Some(map) = value.as_object_mut() {
            map.remove("_headers");
        }
        value
    };
    if let Some(txn) = field("txn") {
        let (kind, body) = (text(txn.get("kind")), txn.get(text(txn.get("kind")).as_str()));
        let part = |key: &str| text(body.and_then(|b| b.get(key)));
        return Some(match kind.as_str() {
            "query" => format!(
                "QUERY {} {}/{} {}",
                part("eci"),
                part("rid"),
                part("name"),
                without_headers(body.and_then(|b| b.get("args")))
            ),
            _ => format!(
                "EVENT {} {}:{} {}",
                part("eci"),
                part("domain"),
                part("name"),
                without_headers(body.and_then(|b| b.pointer("/data/attrs")))
            ),
        });
    }
    if let Some(event) = field("event") {
        return Some(format!(
            "{}:{}",
            text(event.get("domain")),
            text(event.get("name"))
        ));
    }
    if let Some(rule) = field("rule_name") {
        return Some(text(Some(rule)));
    }
    if let Some(error) = field("error") {
        return Some(text(Some(error)));
    }
    field("data").map(Json::to_string)
}

/// Epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ` (proleptic Gregorian, UTC).
fn iso_time(millis: f64) -> String {
    let millis = millis.max(0.0) as i64;
    let (days, rest) = (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000));
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (hours, minutes) = (rest / 3_600_000, rest / 60_000 % 60);
    let (seconds, ms) = (rest / 1000 % 60, rest % 1000);
    format!("{year:04}-{month:02}-{day:02}T{hours:02}:{minutes:02}:{seconds:02}.{ms:03}Z")
}

fn print_directives(answer: &Json) {
    let eid = answer.get("eid").and_then(Json::as_str).unwrap_or_default();
    let directives = answer
        .get("directives")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    println!(
        "eid {eid}: {} directive{}",
        directives.len(),
        if directives.len() == 1 { "" } else { "s" }
    );
    for directive in directives {
        let name = directive.get("name").and_then(Json::as_str).unwrap_or_default();
        let options = directive.get("options").cloned().unwrap_or(Json::Null);
        println!("  {name} {options}");
    }
}

fn pretty(value: &Json) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// `key=value` arguments as a JSON object; values are JSON when they parse as JSON.
fn key_values(items: &[String]) -> Result<JsonMap<String, Json>, Failure> {
    let mut map = JsonMap::new();
    for item in items {
        let (key, value) = item
            .split_once('=')
            .ok_or_else(|| Failure::Transport(format!("expected `key=value`, got `{item}`")))?;
        let value = serde_json::from_str(value).unwrap_or_else(|_| Json::String(value.to_string()));
        map.insert(key.to_string(), value);
    }
    Ok(map)
}

/// Percent-encodes one path segment (or query value).
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(5))
        .build()
}

/// A request to the engine at `path`, with the admin token when there is one: the one
/// place every client command's requests are made.
fn request(connection: &Connection, method: &str, path: &str) -> (ureq::Request, String) {
    let target = connection.target();
    let mut request = agent().request(method, &format!("{}{path}", target.url));
    if let Some(token) = &target.token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    (request, target.url)
}

pub fn get(connection: &Connection, path: &str) -> Result<Json, Failure> {
    let (request, url) = request(connection, "GET", path);
    answer(&url, request.call())
}

pub fn post(connection: &Connection, path: &str, body: &JsonMap<String, Json>) -> Result<Json, Failure> {
    let (request, url) = request(connection, "POST", path);
    let request = request.set("Content-Type", "application/json");
    answer(&url, request.send_string(&Json::Object(body.clone()).to_string()))
}

/// The JSON answer, or the engine's `error`, or why there was no answer.
fn answer(url: &str, result: Result<ureq::Response, ureq::Error>) -> Result<Json, Failure> {
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(401, _)) => {
            return Err(Failure::Transport(format!(
                "the engine at {url} wants its admin token: run the command as the user who \
                 started `krl run` (it reads <home>/run.json; set --home or PICO_ENGINE_HOME \
                 to that home), or pass --token / KRL_TOKEN (the token in the engine's admin URL)"
            )));
        }
        Err(ureq::Error::Status(code, response)) => {
            let text = response.into_string().unwrap_or_default();
            return Err(Failure::Transport(format!(
                "the engine answered HTTP {code}: {}",
                text.trim()
            )));
        }
        Err(ureq::Error::Transport(err)) => {
            return Err(Failure::Transport(format!(
                "cannot reach the engine at {url} ({err}); is `krl run` running? (set --url or KRL_URL)"
            )));
        }
    };
    let text = response
        .into_string()
        .map_err(|err| Failure::Transport(format!("cannot read the answer: {err}")))?;
    let json: Json = if text.is_empty() {
        Json::Null
    } else {
        serde_json::from_str(&text)
            .map_err(|err| Failure::Transport(format!("the answer is not JSON ({err}): {text}")))?
    };
    // An error answer is `{"error": ...}`, with a `location` when KRL code raised it.
    let is_error_answer = json
        .as_object()
        .is_some_and(|m| m.keys().all(|key| key == "error" || key == "location"));
    match json.get("error").and_then(Json::as_str) {
        Some(error) if is_error_answer => Err(Failure::Engine(with_location(error, json.get("location")))),
        _ => Ok(json),
    }
}

/// An error message followed by where KRL code raised it, with the source line, when the
/// engine said.
fn with_location(message: &str, location: Option<&Json>) -> String {
    match location.and_then(|l| ErrorLocation::deserialize(l).ok()) {
        Some(location) => location.render(message),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_in_utc() {
        assert_eq!(iso_time(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_time(1_704_067_200_123.0), "2024-01-01T00:00:00.123Z");
        assert_eq!(iso_time(951_782_400_000.0), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn arguments_are_json_when_they_parse() {
        let Ok(map) = key_values(&["n=5".into(), "s=hi".into(), "o={\"a\":1}".into(), "e=".into()]) else {
            panic!("valid arguments")
        };
        assert_eq!(
            Json::Object(map).to_string(),
            r#"{"n":5,"s":"hi","o":{"a":1},"e":""}"#
        );
        assert_eq!(segment("a b/ü"), "a%20b%2F%C3%BC");
    }
}
